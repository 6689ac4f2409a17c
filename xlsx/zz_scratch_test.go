package xlsx

import (
	"archive/zip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func dumpZip(t *testing.T, path string) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if len(b) > 3000 && !strings.Contains(f.Name, "sheet1") {
			b = b[:3000]
		}
		t.Logf("=== %s (%d)\n%s", f.Name, f.UncompressedSize64, b)
	}
}

func TestZZScratch(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	dumpZip(t, writeFile(t, FormatXLSX, testHeader, testRows[:3]))
	p := clerkWorkbook(t, func(f *excelize.File, s string) {
		f.SetSheetRow(s, "A1", &[]any{"姓名", 12.5, true, false, " 空格 ", "<&>\"'"})
		f.SetCellFormula(s, "B2", "=1+2")
		f.SetCellValue(s, "C2", 3)
		f.SetCellFormula(s, "D2", "=A1&\"x\"")
		f.SetCellRichText(s, "A3", []excelize.RichTextRun{{Text: "富"}, {Text: "文本", Font: &excelize.Font{Bold: true}}})
		f.SetCellValue(s, "A5", "五")
	})
	dumpZip(t, p)
}

func TestZZMakeBench(t *testing.T) {
	dir := os.Getenv("MAKEBENCH")
	if dir == "" {
		t.Skip()
	}
	os.MkdirAll(dir, 0o755)
	writeRegistryFile(t, dir+"/inline12.xlsx", FormatXLSX, benchRows)
}
