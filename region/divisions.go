package region

import (
	"bufio"
	"compress/gzip"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// The national division data, shipped inside the binary (see
// divisions/PROVENANCE.md). It is read once, on first start, into the
// database.
//
//go:embed divisions/*.csv.gz
var divisionFiles embed.FS

// Counts of the embedded data, per level; the loader checks them.
var Counts = map[Level]int{
	LevelProvince: 31,
	LevelCity:     342,
	LevelCounty:   2978,
	LevelTownship: 41352,
	LevelVillage:  620573,
}

var divisionFile = [...]string{"", "provinces", "cities", "areas", "streets", "villages"}

// Divisions calls fn for every embedded region, level by level from the
// provinces down, so a parent always comes before its children. When only
// is not empty, just the regions inside those subtrees (and the levels above
// them needed for paths) are given; tests use it to load a few provinces.
func Divisions(only []Code, fn func(Region) error) error {
	for l := LevelProvince; l <= LevelVillage; l++ {
		if err := readLevel(l, only, fn); err != nil {
			return err
		}
	}
	return nil
}

func readLevel(l Level, only []Code, fn func(Region) error) error {
	name := "divisions/" + divisionFile[l] + ".csv.gz"
	f, err := divisionFiles.Open(name)
	if err != nil {
		return fmt.Errorf("region: open %s: %w", name, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("region: %s: %w", name, err)
	}
	r := csv.NewReader(bufio.NewReaderSize(gz, 1<<16))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		return fmt.Errorf("region: %s: %w", name, err)
	}
	want := levelDigits[l]
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("region: %s: %w", name, err)
		}
		raw := rec[0]
		if len(raw) != want {
			return fmt.Errorf("region: %s: code %q is not %d digits", name, raw, want)
		}
		c := Code(raw + strings.Repeat("0", 12-want))
		if !wanted(c, l, only) {
			continue
		}
		reg := Region{Code: c, Name: strings.Clone(rec[1]), Level: l, Parent: Parent(c, l)}
		if err := fn(reg); err != nil {
			return err
		}
	}
}

// wanted reports whether (c, l) is inside one of the subtrees in only, or
// above one of them.
func wanted(c Code, l Level, only []Code) bool {
	if len(only) == 0 {
		return true
	}
	p := string(c[:l.Digits()])
	for _, o := range only {
		op := o.Prefix()
		if strings.HasPrefix(p, op) || strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}
