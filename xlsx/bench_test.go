package xlsx

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The benchmarks move a million rows of 12 registry columns, the most a
// township import or a county export is planned for. They run only under
// -bench; go test alone runs none of them. Each writes its file in
// b.TempDir(); the read benchmarks write theirs before the timer starts.
//
//	go test ./xlsx/ -run '^$' -bench 1M -benchtime 1x

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

func writeRegistryFile(b testing.TB, path, format string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w, err := NewWriter(f, format, "低保家庭", benchHeader)
	if err != nil {
		b.Fatal(err)
	}
	g := newRegistryRows(1)
	for range n {
		if err := w.Write(g.next()); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
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

func benchmarkRead(b *testing.B, format string) {
	path := filepath.Join(b.TempDir(), "in."+format)
	size := writeRegistryFile(b, path, format, benchRows)
	for b.Loop() {
		r, err := Open(path)
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
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkWriteXLSX1M(b *testing.B) { benchmarkWrite(b, FormatXLSX) }
func BenchmarkWriteCSV1M(b *testing.B)  { benchmarkWrite(b, FormatCSV) }
func BenchmarkReadXLSX1M(b *testing.B)  { benchmarkRead(b, FormatXLSX) }
func BenchmarkReadCSV1M(b *testing.B)   { benchmarkRead(b, FormatCSV) }
