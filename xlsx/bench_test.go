package xlsx

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The benchmarks move a million rows of 12 registry columns, the most a
// township import or a county export is planned for. They run only under
// -bench; go test alone runs none of them. Each writes its file in
// b.TempDir(); the read benchmarks write theirs before the timer starts.
//
//	go test ./xlsx/ -run '^$' -bench 1M -benchtime 1x
//	go test ./xlsx/ -run '^$' -bench ReadXLSX -benchtime 1x
//
// The read benchmarks report, besides time, the CPU time of a read
// (cpu-s: the garbage collector's too) and the process's peak resident
// memory while reading (peak-RSS-MiB, on Linux; it includes the few MiB
// of the test binary itself). BenchmarkReadXLSX1M reads a workbook our
// Writer made (inline strings), BenchmarkReadXLSX1MShared one as Excel
// saves it (text in shared strings, dates and phone numbers as numbers),
// BenchmarkReadXLSX1MWide one of 20 columns. BenchmarkExcelizeRows1M and
// its variants read the same files through excelize's row iterator, as
// the Reader did before it had its own XML scanner.

const benchRows = 1_000_000

var benchHeader = []string{"姓名", "身份证号", "性别", "与户主关系", "出生日期", "行政区划代码",
	"家庭住址", "联系电话", "银行账号", "开户银行", "月收入（元）", "备注"}

const (
	surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
	givens   = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国志文荣新春海林德福玲凤云霞淑珍光辉成宝"
)

var (
	surnameRunes = []rune(surnames)
	givenRunes   = []rune(givens)
	relationList = []string{"户主", "配偶", "子", "女", "父亲", "母亲", "孙子女", "兄弟姐妹", "其他"}
	towns        = []string{"登州街道", "紫荆山街道", "新港街道", "南王街道", "刘家沟镇", "潮水镇", "大柳行镇", "小门家镇", "大辛店镇", "村里集镇", "北沟镇"}
	banks        = []string{"中国农业银行蓬莱支行", "烟台农村商业银行", "中国邮政储蓄银行", "中国工商银行蓬莱支行", "中国建设银行蓬莱支行"}
	remarks      = []string{"", "", "", "", "患慢性病，长期服药", "重度残疾（一级）", `自述"无固定收入"`, "独居老人\n子女在外地", "2024年新增"}
)

// registryRows yields realistic rows: valid-looking 18-digit IDs (some
// ending in X), phone numbers, 19-digit accounts, Chinese names and
// addresses, commas, quotes and line breaks in remarks.
type registryRows struct {
	rng *rand.Rand
	row []string
	buf []byte
}

func newRegistryRows(seed uint64) *registryRows {
	return &registryRows{rng: rand.New(rand.NewPCG(seed, 1)), row: make([]string, len(benchHeader))}
}

func (g *registryRows) next() []string {
	r := g.rng
	name := string(surnameRunes[r.IntN(len(surnameRunes))]) + string(givenRunes[r.IntN(len(givenRunes))])
	if r.IntN(3) > 0 {
		name += string(givenRunes[r.IntN(len(givenRunes))])
	}
	year, month, day := 1930+r.IntN(90), 1+r.IntN(12), 1+r.IntN(28)
	birth := strconv.Itoa(year*10000 + month*100 + day)
	town := r.IntN(len(towns))
	g.buf = append(g.buf[:0], "370614"...)
	g.buf = append(g.buf, birth...)
	g.buf = strconv.AppendInt(g.buf, 100+int64(r.IntN(900)), 10)
	g.buf = append(g.buf, idCheck(g.buf))
	male := (g.buf[16]-'0')%2 == 1
	g.row[0] = name
	g.row[1] = string(g.buf)
	g.row[2] = "女"
	if male {
		g.row[2] = "男"
	}
	g.row[3] = relationList[r.IntN(len(relationList))]
	g.row[4] = birth[:4] + "-" + birth[4:6] + "-" + birth[6:]
	g.row[5] = "370614" + strconv.Itoa(100+town) + strconv.Itoa(200+r.IntN(300))
	g.row[6] = "山东省烟台市蓬莱区" + towns[town] + string(surnameRunes[r.IntN(len(surnameRunes))]) + "家村" + strconv.Itoa(1+r.IntN(300)) + "号"
	g.row[7] = "1" + strconv.Itoa(30+r.IntN(70)) + strconv.Itoa(10000000+r.IntN(90000000))
	g.row[8] = "6217" + strconv.Itoa(100000000+r.IntN(900000000)) + strconv.Itoa(100000+r.IntN(900000))
	g.row[9] = banks[r.IntN(len(banks))]
	g.row[10] = strconv.Itoa(r.IntN(3000)) + "." + strconv.Itoa(10+r.IntN(90))
	g.row[11] = remarks[r.IntN(len(remarks))]
	return g.row
}

// idCheck is the check character of the first 17 digits of an ID number
// (GB 11643, ISO 7064 MOD 11-2).
func idCheck(d []byte) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// wideHeader is benchHeader and eight more columns a fuller registry
// sheet has: 20 in all.
var wideHeader = append(append([]string(nil), benchHeader...),
	"民族", "婚姻状况", "文化程度", "健康状况", "劳动能力", "就业状况", "救助类别", "救助金额（元）")

var (
	ethnicities = []string{"汉族", "汉族", "汉族", "回族", "满族", "蒙古族"}
	marriages   = []string{"未婚", "已婚", "已婚", "离婚", "丧偶"}
	educations  = []string{"文盲或半文盲", "小学", "初中", "高中", "中专", "大专", "本科"}
	healths     = []string{"健康", "健康", "体弱", "患有大病", "长期慢性病", "残疾"}
	labours     = []string{"有劳动能力", "丧失劳动能力", "部分丧失劳动能力", "无劳动能力"}
	jobs        = []string{"务农", "务工", "无业", "在校生", "学龄前儿童", "退休"}
	aids        = []string{"A类", "B类", "C类", "特困供养"}
)

// wideRows yields rows of wideHeader.
type wideRows struct {
	*registryRows
	row []string
}

func newWideRows(seed uint64) *wideRows {
	return &wideRows{registryRows: newRegistryRows(seed), row: make([]string, len(wideHeader))}
}

func (g *wideRows) next() []string {
	copy(g.row, g.registryRows.next())
	r := g.rng
	for i, list := range [][]string{ethnicities, marriages, educations, healths, labours, jobs, aids} {
		g.row[12+i] = list[r.IntN(len(list))]
	}
	g.row[19] = strconv.Itoa(200+r.IntN(800)) + ".00"
	return g.row
}

type rowSource interface{ next() []string }

func writeRegistryFile(tb testing.TB, path, format string, n int) int64 {
	return writeRows(tb, path, format, benchHeader, newRegistryRows(1), n)
}

func writeRows(tb testing.TB, path, format string, header []string, g rowSource, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := NewWriter(f, format, "低保家庭", header)
	if err != nil {
		tb.Fatal(err)
	}
	for range n {
		if err := w.Write(g.next()); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return fileSize(tb, path)
}

func fileSize(tb testing.TB, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

// excelBook writes rows of the registry's 12 columns as Excel saves a
// workbook a clerk typed: text in the shared strings (deduplicated, in
// order of first use), the birth date as a date serial and the phone
// number as a number (Excel makes both numbers unless told otherwise),
// the income as a number; a dimension, row spans, and the x14ac
// attributes of Excel 2010 and later.
func excelBook(tb testing.TB, path string, g rowSource, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	part := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			tb.Fatal(err)
		}
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook `+ns+`><workbookPr defaultThemeVersion="166925"/><bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="12300"/></bookViews><sheets><sheet name="低保家庭" sheetId="1" r:id="rId1"/></sheets><calcPr calcId="191029"/></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	part("xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)

	// The sheet, gathering the shared strings as they come.
	sst := map[string]int{}
	var order []string
	count := 0
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	width := len(benchHeader)
	last := columnName(width)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet %s xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:%s%d"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="14.25" x14ac:dyDescent="0.2"/><sheetData>`, ns, last, n+1)
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	var buf []byte
	for i := 0; i <= n; i++ {
		row := benchHeader
		if i > 0 {
			row = g.next()
		}
		buf = append(buf[:0], `<row r="`...)
		buf = strconv.AppendInt(buf, int64(i+1), 10)
		buf = append(buf, `" spans="1:`...)
		buf = strconv.AppendInt(buf, int64(width), 10)
		buf = append(buf, `" x14ac:dyDescent="0.2">`...)
		for j, v := range row {
			if v == "" {
				continue
			}
			ref := columnName(j+1) + strconv.Itoa(i+1)
			if i > 0 {
				switch benchHeader[j] {
				case "出生日期":
					d, err := time.Parse("2006-01-02", v)
					if err != nil {
						tb.Fatal(err)
					}
					buf = fmt.Appendf(buf, `<c r="%s" s="1"><v>%d</v></c>`, ref, int(d.Sub(epoch).Hours()/24))
					continue
				case "联系电话", "月收入（元）":
					buf = fmt.Appendf(buf, `<c r="%s"><v>%s</v></c>`, ref, v)
					continue
				}
			}
			k, ok := sst[v]
			if !ok {
				k = len(order)
				sst[v] = k
				order = append(order, v)
			}
			count++
			style := ""
			if i > 0 && (benchHeader[j] == "身份证号" || benchHeader[j] == "银行账号") {
				style = ` s="2"`
			}
			buf = fmt.Appendf(buf, `<c r="%s"%s t="s"><v>%d</v></c>`, ref, style, k)
		}
		buf = append(buf, "</row>"...)
		bw.Write(buf)
	}
	bw.WriteString(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="portrait"/></worksheet>`)
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}

	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		tb.Fatal(err)
	}
	bw = bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, count, len(order))
	for _, s := range order {
		if strings.TrimSpace(s) != s {
			bw.WriteString(`<si><t xml:space="preserve">`)
		} else {
			bw.WriteString(`<si><t>`)
		}
		excelEscaper.WriteString(bw, s)
		bw.WriteString(`</t><phoneticPr fontId="1" type="noConversion"/></si>`)
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return fileSize(tb, path)
}

// excelEscaper escapes text as Excel does: only what XML requires.
var excelEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// resourceMeter measures the CPU time and the peak resident memory of
// what runs between start and stop.
type resourceMeter struct {
	cpu   time.Duration
	rssOK bool
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (m *resourceMeter) start() {
	// Give back what writing the file took, then restart the kernel's
	// count of the peak ("5" resets VmHWM to the current RSS).
	runtime.GC()
	debug.FreeOSMemory()
	m.rssOK = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	m.cpu = cpuTime()
}

func (m *resourceMeter) report(b *testing.B) {
	b.ReportMetric((cpuTime()-m.cpu).Seconds()/float64(b.N), "cpu-s")
	if !m.rssOK {
		return
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
			}
		}
	}
}

func benchmarkWrite(b *testing.B, format string) {
	path := filepath.Join(b.TempDir(), "out."+format)
	var size int64
	for b.Loop() {
		size = writeRegistryFile(b, path, format, benchRows)
	}
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// Files for the read benchmarks.
const (
	benchCSV    = "csv"
	benchInline = "inline" // our Writer: inline strings, 12 columns
	benchShared = "shared" // as Excel saves: shared strings, 12 columns
	benchWide   = "wide"   // our Writer, 20 columns
)

func benchmarkRead(b *testing.B, kind string, open func(string) (*Reader, error)) {
	path := filepath.Join(b.TempDir(), "in.xlsx")
	var size int64
	switch kind {
	case benchCSV:
		path = filepath.Join(b.TempDir(), "in.csv")
		size = writeRegistryFile(b, path, FormatCSV, benchRows)
	case benchInline:
		size = writeRegistryFile(b, path, FormatXLSX, benchRows)
	case benchShared:
		size = excelBook(b, path, newRegistryRows(1), benchRows)
	case benchWide:
		size = writeRows(b, path, FormatXLSX, wideHeader, newWideRows(1), benchRows)
	}
	var m resourceMeter
	m.start()
	for b.Loop() {
		r, err := open(path)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != benchRows {
			b.Fatalf("read %d rows, want %d", n, benchRows)
		}
	}
	m.report(b)
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkWriteXLSX1M(b *testing.B) { benchmarkWrite(b, FormatXLSX) }
func BenchmarkWriteCSV1M(b *testing.B)  { benchmarkWrite(b, FormatCSV) }
func BenchmarkReadCSV1M(b *testing.B)   { benchmarkRead(b, benchCSV, Open) }

func BenchmarkReadXLSX1M(b *testing.B)       { benchmarkRead(b, benchInline, Open) }
func BenchmarkReadXLSX1MShared(b *testing.B) { benchmarkRead(b, benchShared, Open) }
func BenchmarkReadXLSX1MWide(b *testing.B)   { benchmarkRead(b, benchWide, Open) }

func BenchmarkExcelizeRows1M(b *testing.B)       { benchmarkRead(b, benchInline, openExcelize) }
func BenchmarkExcelizeRows1MShared(b *testing.B) { benchmarkRead(b, benchShared, openExcelize) }
func BenchmarkExcelizeRows1MWide(b *testing.B)   { benchmarkRead(b, benchWide, openExcelize) }
