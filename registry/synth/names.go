package synth

import "math/rand/v2"

// Surnames and their approximate shares of the population, in units of
// 0.001 %. The top twenty follow the shares published by the Ministry of
// Public Security's household-registration centre (公安部户政管理研究中心,
// 《二〇二〇年全国姓名报告》 and the earlier rankings it continues: 王 ≈ 7.1 %,
// 李 ≈ 6.9 %, 张 ≈ 6.7 %, 刘 ≈ 5.1–5.4 %, 陈 ≈ 4.5 % …); ranks 21–120 are
// approximate shares falling from ≈ 0.9 % to ≈ 0.07 %, as in those rankings,
// and a handful of two-character surnames (欧阳 ≈ 0.04 %; 司马, 上官, 诸葛 …
// ≈ 0.005 %) appear at their low rates. The table covers ≈ 83.5 % of people
// (the reports give ≈ 86 % for the top 100; the middle ranks here are a
// little low). The rest, ≈ 16.5 %, is shared evenly by surnameTail.
var surnameTable = []struct {
	name string
	w    int
}{
	{"王", 7120}, {"李", 6940}, {"张", 6740}, {"刘", 5100}, {"陈", 4610},
	{"杨", 3220}, {"黄", 2450}, {"赵", 2190}, {"吴", 2080}, {"周", 1910},
	{"徐", 1450}, {"孙", 1380}, {"马", 1290}, {"朱", 1280}, {"胡", 1160},
	{"郭", 1130}, {"何", 1060}, {"林", 1020}, {"罗", 1010}, {"高", 1000},
	{"郑", 930}, {"梁", 880}, {"谢", 820}, {"宋", 740}, {"唐", 730},
	{"许", 690}, {"韩", 680}, {"邓", 670}, {"冯", 660}, {"曹", 640},
	{"彭", 610}, {"曾", 600}, {"肖", 590}, {"田", 570}, {"董", 550},
	{"潘", 510}, {"袁", 500}, {"蔡", 480}, {"蒋", 470}, {"余", 460},
	{"于", 450}, {"杜", 440}, {"叶", 430}, {"程", 420}, {"魏", 410},
	{"苏", 400}, {"吕", 390}, {"丁", 380}, {"任", 370}, {"卢", 360},
	{"姚", 350}, {"沈", 340}, {"钟", 330}, {"姜", 330}, {"崔", 320},
	{"谭", 310}, {"陆", 300}, {"范", 290}, {"汪", 290}, {"廖", 280},
	{"石", 280}, {"金", 270}, {"韦", 270}, {"贾", 260}, {"夏", 250},
	{"付", 250}, {"方", 240}, {"邹", 240}, {"熊", 230}, {"白", 230},
	{"孟", 220}, {"秦", 220}, {"邱", 220}, {"侯", 210}, {"江", 210},
	{"尹", 200}, {"薛", 200}, {"闫", 200}, {"段", 190}, {"雷", 190},
	{"龙", 180}, {"黎", 180}, {"史", 180}, {"陶", 170}, {"贺", 170},
	{"毛", 160}, {"郝", 160}, {"顾", 150}, {"龚", 150}, {"邵", 150},
	{"万", 140}, {"覃", 140}, {"武", 140}, {"钱", 130}, {"戴", 130},
	{"严", 130}, {"欧", 120}, {"莫", 120}, {"孔", 120}, {"向", 120},
	{"常", 110}, {"汤", 110}, {"康", 110}, {"易", 100}, {"乔", 100},
	{"赖", 100}, {"文", 100}, {"施", 90}, {"洪", 90}, {"牛", 90},
	{"樊", 90}, {"葛", 90}, {"邢", 80}, {"安", 80}, {"齐", 80},
	{"庞", 80}, {"颜", 80}, {"倪", 80}, {"温", 80}, {"季", 70},
	// two-character surnames (复姓)
	{"欧阳", 40}, {"司马", 6}, {"司徒", 6}, {"上官", 5}, {"诸葛", 5},
	{"皇甫", 3}, {"令狐", 3}, {"夏侯", 2}, {"东方", 2}, {"慕容", 1},
}

// surnameTail shares what the table leaves evenly: ≈ 150 rarer surnames at
// ≈ 0.1 % each (a real tail has thousands, but at the scale of a village
// this is indistinguishable), among them the 胶东 names 初, 隋, 鞠, 栾, 宫,
// 曲, 衣, 逄, 矫, 綦 that 蓬莱 and 环翠 are full of.
var surnameTail = []string{
	"岳", "柳", "焦", "殷", "包", "左", "单", "冉", "丛", "柏", "连", "阮",
	"游", "符", "巫", "蓝", "卜", "牟", "甘", "房", "祁", "米", "仇", "邬",
	"舒", "屈", "凌", "车", "艾", "闵", "喻", "耿", "管", "翟", "裴", "祝",
	"霍", "申", "纪", "毕", "聂", "晏", "詹", "滕", "谷", "苗", "宁", "曲",
	"宫", "栾", "隋", "鞠", "初", "俞", "章", "鲁", "芦", "路", "梅", "盛",
	"刁", "衣", "慕", "荆", "綦", "尉", "解", "逄", "矫", "蒲", "窦", "骆",
	"岑", "甄", "卓", "蔺", "屠", "鲍", "景", "简", "饶", "兰", "涂", "匡",
	"巩", "邝", "伍", "戚", "晋", "时", "燕", "冀", "郁", "桑", "储", "尚",
	"湛", "娄", "臧", "商", "苟", "全", "麻", "关", "佟", "宿", "楚", "项",
	"应", "杭", "姬", "强", "辛", "明", "平", "危", "柴", "池", "揭", "宗",
	"阳", "奚", "计", "薄", "幸", "蒙", "铁", "冷", "官", "占", "练", "原",
	"谈", "査", "桂", "凤", "母", "粟", "山", "兆", "区", "昝", "邰", "荣",
	"展", "隗", "司", "虞", "鄢", "阚", "訾", "雍",
}

// surnamePicker draws surnames by weight with a cumulative table.
type surnamePicker struct {
	cum   []int
	total int
}

func newSurnamePicker() surnamePicker {
	p := surnamePicker{cum: make([]int, len(surnameTable))}
	for i, s := range surnameTable {
		p.total += s.w
		p.cum[i] = p.total
	}
	p.total = max(p.total, 100000) // the tail: what the table leaves of 100 %
	return p
}

func (p *surnamePicker) pick(r *rand.Rand) string {
	x := r.IntN(p.total)
	if x >= p.cum[len(p.cum)-1] {
		return surnameTail[r.IntN(len(surnameTail))]
	}
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if p.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return surnameTable[lo].name
}

// Given names by birth cohort and sex. Each cohort has whole names in the
// style of its time (建国, 秀英, 桂兰 for the old; 浩然, 子涵 for children
// born after 2010), single-character names (common among people born
// 1965–1995), and character pools from which further two-character names
// are composed, so that a million persons do not share a few hundred names.
// The styles follow the name reports' lists of the most frequent names per
// decade (建国/秀英 1950s, 伟/丽 1970s, 磊/婷 1980s, 浩宇/欣怡 2000s,
// 浩然/梓涵 2010s).
type nameStyle struct {
	whole  []string
	single []string
	first  []string // composed: first character …
	second []string // … and second character
	pSingle,
	pComposed float64
}

// cohort of a birth year: 0 ≤1949, 1 1950–64, 2 1965–79, 3 1980–94,
// 4 1995–2009, 5 ≥2010.
func cohort(year int) int {
	switch {
	case year < 1950:
		return 0
	case year < 1965:
		return 1
	case year < 1980:
		return 2
	case year < 1995:
		return 3
	case year < 2010:
		return 4
	}
	return 5
}

var maleStyles = [6]nameStyle{
	{
		whole:   []string{"德福", "福林", "长生", "有才", "玉山", "宝山", "金财", "树林", "文彬", "永福", "振华", "德胜", "庆祥", "凤山", "连生", "学礼", "万福", "守仁", "广田", "春生", "宝林", "福贵", "长顺", "兆祥", "德明", "茂林", "兴旺", "志远", "国栋", "明义"},
		single:  []string{"福", "禄", "成", "山", "贵", "财", "忠", "义", "礼", "生"},
		first:   []string{"德", "福", "长", "玉", "宝", "金", "树", "永", "连", "学", "万", "守", "春", "兆", "茂", "庆", "有", "广"},
		second:  []string{"福", "林", "生", "山", "财", "祥", "胜", "顺", "贵", "田", "海", "发", "才", "义", "喜", "旺"},
		pSingle: 0.12, pComposed: 0.4,
	},
	{
		whole:   []string{"建国", "国庆", "建华", "国强", "援朝", "建军", "卫国", "志强", "跃进", "胜利", "新民", "建设", "立新", "国华", "振东", "建平", "新华", "长江", "振国", "志刚", "德华", "永红", "玉林", "保国", "和平", "抗美", "解放", "红旗", "学军", "文华"},
		single:  []string{"军", "明", "华", "平", "林", "强", "刚", "良", "顺", "海"},
		first:   []string{"建", "国", "志", "振", "新", "卫", "立", "德", "永", "玉", "保", "文", "学", "庆", "树", "长"},
		second:  []string{"国", "华", "军", "平", "民", "强", "林", "明", "东", "生", "忠", "海", "山", "成", "祥", "良"},
		pSingle: 0.18, pComposed: 0.4,
	},
	{
		whole:   []string{"卫东", "文革", "红兵", "向东", "永红", "海涛", "建伟", "建平", "志勇", "志明", "国平", "晓东", "立军", "建忠", "红军", "小平", "庆华", "永刚", "海军", "东升", "学军", "建林", "春雷", "国伟", "卫兵", "树军", "建新", "志军", "卫平", "军辉"},
		single:  []string{"伟", "勇", "军", "强", "斌", "刚", "峰", "涛", "波", "辉", "毅", "华", "平", "兵", "杰", "明"},
		first:   []string{"建", "志", "卫", "海", "晓", "立", "永", "国", "红", "春", "东", "学", "向", "庆", "小", "宏"},
		second:  []string{"军", "伟", "平", "东", "勇", "明", "涛", "强", "华", "刚", "林", "峰", "新", "斌", "辉", "波"},
		pSingle: 0.35, pComposed: 0.35,
	},
	{
		whole:   []string{"俊杰", "文博", "鹏飞", "海龙", "志伟", "建辉", "晓峰", "鹏程", "金龙", "宇航", "小龙", "家伟", "振宇", "文杰", "晓明", "海洋", "天宇", "亚东", "永强", "伟强", "宏伟", "海波", "少华", "晓龙", "志强", "建波", "明辉", "俊峰", "国栋", "晓光"},
		single:  []string{"磊", "涛", "鹏", "超", "杰", "浩", "帅", "亮", "宇", "鑫", "凯", "博", "飞", "龙", "阳", "伟", "强", "斌", "勇", "军"},
		first:   []string{"俊", "文", "鹏", "海", "志", "建", "晓", "金", "家", "振", "天", "亚", "永", "宏", "明", "少"},
		second:  []string{"杰", "博", "飞", "龙", "伟", "辉", "峰", "程", "宇", "明", "洋", "东", "强", "波", "华", "鹏"},
		pSingle: 0.33, pComposed: 0.35,
	},
	{
		whole:   []string{"浩宇", "子豪", "俊杰", "宇航", "家豪", "子轩", "博文", "文轩", "天宇", "明轩", "昊天", "宇轩", "振宇", "一鸣", "嘉豪", "俊宇", "浩然", "鑫宇", "佳豪", "子健", "志豪", "泽宇", "思远", "晨阳", "昊然"},
		single:  []string{"浩", "宇", "鑫", "博", "豪", "睿", "轩", "晨", "阳", "凯"},
		first:   []string{"浩", "子", "宇", "家", "博", "文", "天", "明", "昊", "嘉", "俊", "鑫", "佳", "泽", "思", "晨"},
		second:  []string{"宇", "豪", "航", "轩", "文", "天", "杰", "鸣", "然", "健", "远", "阳", "博", "辉", "涛", "凯"},
		pSingle: 0.15, pComposed: 0.35,
	},
	{
		whole:   []string{"浩然", "梓轩", "宇轩", "子墨", "浩宇", "沐宸", "一诺", "奕辰", "宇泽", "睿泽", "梓睿", "子睿", "俊熙", "皓轩", "铭泽", "梓豪", "锦程", "宸睿", "梓航", "承泽", "子航", "思源", "煜祺", "宇辰", "梓铭"},
		single:  []string{"宸", "睿", "泽", "航", "铭", "轩", "奕"},
		first:   []string{"梓", "子", "浩", "宇", "沐", "奕", "睿", "俊", "皓", "铭", "锦", "宸", "承", "思", "煜", "一"},
		second:  []string{"轩", "墨", "宸", "辰", "泽", "睿", "熙", "航", "豪", "程", "源", "祺", "然", "诺", "阳", "宇"},
		pSingle: 0.07, pComposed: 0.4,
	},
}

var femaleStyles = [6]nameStyle{
	{
		whole:   []string{"秀英", "桂兰", "玉兰", "秀兰", "凤英", "桂英", "淑珍", "玉珍", "秀珍", "凤兰", "桂芳", "玉梅", "翠兰", "金花", "淑兰", "兰英", "桂荣", "素珍", "玉英", "春兰", "淑英", "桂珍", "凤珍", "秀荣", "玉凤", "桂香", "凤芝", "玉芝", "秀芝", "素英"},
		single:  []string{"英", "兰", "珍", "凤", "梅", "芝", "娥", "莲"},
		first:   []string{"秀", "桂", "玉", "凤", "淑", "翠", "金", "素", "春", "兰", "月", "彩"},
		second:  []string{"英", "兰", "珍", "芳", "梅", "荣", "香", "芝", "花", "琴", "云", "娥", "莲", "凤"},
		pSingle: 0.08, pComposed: 0.4,
	},
	{
		whole:   []string{"秀英", "桂兰", "秀芳", "玉兰", "凤英", "淑华", "秀云", "素芬", "玉梅", "桂芳", "秀华", "美英", "桂香", "淑芬", "玉华", "秀梅", "春梅", "冬梅", "凤琴", "丽华", "秀琴", "玉芹", "金凤", "爱华", "红英", "桂花", "淑琴", "秀荣", "玉霞", "爱英"},
		single:  []string{"华", "英", "芳", "兰", "琴", "萍", "霞", "梅"},
		first:   []string{"秀", "桂", "玉", "凤", "淑", "美", "素", "春", "冬", "丽", "爱", "金", "红", "翠"},
		second:  []string{"英", "兰", "芳", "华", "云", "芬", "梅", "香", "琴", "芹", "凤", "霞", "珍", "荣"},
		pSingle: 0.15, pComposed: 0.4,
	},
	{
		whole:   []string{"丽华", "红梅", "海燕", "晓燕", "秀梅", "丽娟", "春梅", "艳红", "彩霞", "美玲", "玉霞", "冬梅", "小红", "红霞", "丽萍", "卫红", "建英", "桂华", "秀丽", "晓红", "亚琴", "丽君", "小燕", "艳玲", "海英", "红艳", "春燕", "爱玲", "凤霞", "翠萍"},
		single:  []string{"丽", "红", "芳", "艳", "萍", "敏", "静", "燕", "霞", "玲", "娟", "梅", "英", "华"},
		first:   []string{"丽", "红", "海", "晓", "秀", "春", "艳", "彩", "美", "玉", "冬", "小", "卫", "亚", "爱", "凤"},
		second:  []string{"华", "梅", "燕", "娟", "红", "霞", "玲", "萍", "丽", "琴", "君", "英", "芳", "艳", "莉", "敏"},
		pSingle: 0.35, pComposed: 0.35,
	},
	{
		whole:   []string{"婷婷", "晓丽", "佳慧", "雪梅", "倩倩", "丹丹", "文静", "晓雪", "慧敏", "亚楠", "丽丽", "莉莉", "晶晶", "燕燕", "静静", "媛媛", "晓燕", "春燕", "海霞", "秀娟", "艳艳", "小丽", "晓婷", "佳丽", "雅琴", "玉洁", "美娜", "丽娜", "晓琳", "思敏"},
		single:  []string{"婷", "娟", "雪", "倩", "晶", "颖", "丹", "琳", "莉", "静", "敏", "燕", "娜", "慧", "洁"},
		first:   []string{"晓", "佳", "雪", "文", "慧", "亚", "丽", "海", "秀", "小", "雅", "玉", "美", "思", "春", "艳"},
		second:  []string{"丽", "慧", "梅", "静", "雪", "敏", "楠", "婷", "琳", "娟", "霞", "娜", "洁", "琴", "燕", "颖"},
		pSingle: 0.33, pComposed: 0.35,
	},
	{
		whole:   []string{"欣怡", "思雨", "雨欣", "佳怡", "雨涵", "梦琪", "诗涵", "佳琪", "紫涵", "可欣", "思琪", "心怡", "雅婷", "梦瑶", "欣然", "雨婷", "佳欣", "静怡", "子怡", "晓雯", "雪晴", "梦洁", "语嫣", "思佳", "欣悦"},
		single:  []string{"悦", "琪", "璐", "瑶", "洁", "萱", "雯", "颖"},
		first:   []string{"欣", "思", "雨", "佳", "梦", "诗", "紫", "可", "心", "雅", "静", "子", "晓", "雪", "语", "若"},
		second:  []string{"怡", "雨", "欣", "涵", "琪", "瑶", "婷", "然", "悦", "雯", "晴", "洁", "嫣", "佳", "颖", "萱"},
		pSingle: 0.13, pComposed: 0.35,
	},
	{
		whole:   []string{"梓涵", "子涵", "一诺", "欣妍", "诗涵", "梓萱", "若汐", "语桐", "可馨", "雨桐", "依诺", "安琪", "芷若", "思彤", "梓琪", "欣怡", "梓晨", "雨萱", "语汐", "梦琪", "沐瑶", "艺涵", "诗琪", "梓妍", "晨曦"},
		single:  []string{"萱", "妍", "彤", "悦", "涵", "瑶"},
		first:   []string{"梓", "子", "一", "欣", "诗", "若", "语", "可", "雨", "依", "安", "芷", "思", "沐", "艺", "晨"},
		second:  []string{"涵", "诺", "妍", "萱", "汐", "桐", "馨", "琪", "彤", "若", "瑶", "曦", "晨", "怡", "悦", "宁"},
		pSingle: 0.06, pComposed: 0.4,
	},
}

// givenName draws a given name for someone of sex born in year.
func givenName(r *rand.Rand, male bool, year int) string {
	st := &femaleStyles[cohort(year)]
	if male {
		st = &maleStyles[cohort(year)]
	}
	x := r.Float64()
	switch {
	case x < st.pSingle:
		return st.single[r.IntN(len(st.single))]
	case x < st.pSingle+st.pComposed:
		a := st.first[r.IntN(len(st.first))]
		b := st.second[r.IntN(len(st.second))]
		if a == b {
			return a + st.second[(r.IntN(len(st.second)-1)+1)%len(st.second)]
		}
		return a + b
	}
	return st.whole[r.IntN(len(st.whole))]
}

// Tibetan names (藏族人名), used in 青海's Tibetan autonomous prefectures: no
// surname, usually two two-character parts (扎西多杰, 才让卓玛), sometimes one.
var (
	tibetanFirst  = []string{"才仁", "扎西", "索南", "尼玛", "达瓦", "次仁", "格桑", "旦增", "洛桑", "仁青", "更登", "久美", "桑杰", "公保", "周加", "南加", "拉巴", "边巴", "才让", "多杰"}
	tibetanMale   = []string{"多杰", "才让", "旦增", "尼玛", "加措", "昂文", "求培", "文德", "尖措", "罗布", "扎西", "巴桑", "东主", "拉加", "仁增", "端智", "尕藏", "东智", "切排", "本加"}
	tibetanFemale = []string{"卓玛", "拉毛", "措毛", "央金", "德吉", "曲珍", "才措", "永吉", "吉毛", "拉姆", "卓嘎", "巴毛", "拉措", "央宗", "桑毛", "文毛", "德措", "更措"}
)

func tibetanName(r *rand.Rand, male bool) string {
	second := tibetanFemale
	if male {
		second = tibetanMale
	}
	b := second[r.IntN(len(second))]
	if r.Float64() < 0.18 {
		return b
	}
	for {
		a := tibetanFirst[r.IntN(len(tibetanFirst))]
		if a != b {
			return a + b
		}
	}
}

// Tibetan share of households by city (prefecture) code in 青海, after the
// 2020 census's ethnic composition: 玉树 and 果洛 are over 90 % Tibetan, 黄南
// and 海南 about two-thirds, 海北 a quarter; 西宁 and 海东 little, their
// minorities being mostly Hui and Tu who bear Han-style surnames.
func tibetanShare(city string) float64 {
	switch city {
	case "6327":
		return 0.95
	case "6326":
		return 0.90
	case "6323":
		return 0.65
	case "6325":
		return 0.60
	case "6322":
		return 0.25
	case "6328":
		return 0.12
	case "6302":
		return 0.08
	case "6301":
		return 0.05
	}
	return 0
}
