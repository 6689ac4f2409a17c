package policy

import (
	"embed"
	"encoding/json"
	"fmt"
	"time"
)

//go:embed params/*.json
var builtinFiles embed.FS

// builtinRecorded is when the built-in rows count as recorded: before any
// row a bureau enters, so a bureau's correction of the same day wins.
var builtinRecorded = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func builtin(name string) []Param {
	b, err := builtinFiles.ReadFile("params/" + name)
	if err != nil {
		panic(err)
	}
	var rows []Param
	if err := json.Unmarshal(b, &rows); err != nil {
		panic(fmt.Sprintf("policy: %s: %v", name, err))
	}
	for i := range rows {
		rows[i].RecordedAt = builtinRecorded
		rows[i].RecordedBy = "system"
	}
	return rows
}

// National is the national defaults every installation holds: values the
// national texts fix (the 1.5 edge multiple, the ages and disability grades
// of 《特困办法》第5条 …), each with its article. Migrations load them.
func National() []Param { return builtin("national.json") }

// Seeds is the seeds' regional figures (蓬莱, 天宁, 环翠, 济南, 青海) and
// the demonstration's fallback standards, marked Demo, for regions the seeds
// give none. The demo database loads them; `minzheng eval` without a
// database reads them too.
func Seeds() []Param { return builtin("demo.json") }

// BuiltinBook is National and Seeds together.
func BuiltinBook() *Book {
	b, err := NewBook(append(National(), Seeds()...))
	if err != nil {
		panic(err)
	}
	return b
}
