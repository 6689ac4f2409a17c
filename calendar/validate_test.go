package calendar

import (
	"testing"

	"minzheng"
)

func TestValidate(t *testing.T) {
	// good is a plausible entry for 2027: 元旦 Friday to Sunday, 春节 with a
	// Saturday worked before it.
	good := func() Year {
		return Year{
			Year: 2027,
			Holidays: map[minzheng.Date]string{
				date(t, "2027-01-01"): "元旦",
				date(t, "2027-01-02"): "元旦",
				date(t, "2027-02-06"): "春节",
				date(t, "2027-02-08"): "春节",
			},
			Workdays: map[minzheng.Date]string{
				date(t, "2027-01-30"): "春节",
				date(t, "2027-02-20"): "春节",
			},
			Source: "国办发明电〔2026〕7号",
		}
	}
	for _, tc := range []struct {
		name   string
		change func(y *Year)
		field  string
		parts  []string
	}{
		{"正确的年份通过", func(y *Year) {}, "", nil},
		{"周末放假允许", func(y *Year) { y.Holidays[date(t, "2027-01-03")] = "元旦" }, "", nil},
		{"没有调休上班日也可以", func(y *Year) { y.Workdays = nil }, "", nil},
		{"年份太早", func(y *Year) { y.Year = 2003 }, "year", []string{"2003"}},
		{"年份太晚", func(y *Year) { y.Year = 2101 }, "year", []string{"2101"}},
		{"没有放假日期", func(y *Year) { y.Holidays = nil }, "holidays", []string{"2027年", "至少"}},
		{"放假日期不在该年", func(y *Year) { y.Holidays[date(t, "2026-12-31")] = "元旦" }, "holidays", []string{"2026-12-31", "2027"}},
		{"放假日期为空", func(y *Year) { y.Holidays[0] = "元旦" }, "holidays", []string{"不能为空"}},
		{"节日名称为空", func(y *Year) { y.Holidays[date(t, "2027-04-05")] = " " }, "holidays", []string{"2027-04-05", "名称"}},
		{"周三标为调休上班", func(y *Year) { y.Workdays[date(t, "2027-02-10")] = "春节" }, "workdays", []string{"2027-02-10", "星期三"}},
		{"调休上班日不在该年", func(y *Year) { y.Workdays[date(t, "2028-01-01")] = "元旦" }, "workdays", []string{"2028-01-01", "2027"}},
		{"调休上班日为空", func(y *Year) { y.Workdays[0] = "春节" }, "workdays", []string{"不能为空"}},
		{"既放假又调休上班", func(y *Year) { y.Workdays[date(t, "2027-01-02")] = "元旦" }, "workdays", []string{"2027-01-02", "既是"}},
		{"调休上班日节日名称为空", func(y *Year) { y.Workdays[date(t, "2027-10-09")] = "" }, "workdays", []string{"2027-10-09", "名称"}},
		{"报最早的错误日期", func(y *Year) {
			y.Workdays[date(t, "2027-03-03")] = "春节"
			y.Workdays[date(t, "2027-03-01")] = "春节"
		}, "workdays", []string{"2027-03-01", "星期一"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := good()
			tc.change(&y)
			err := y.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate passed, want an error")
			}
			wantInvalid(t, err, tc.field, tc.parts...)
		})
	}
}
