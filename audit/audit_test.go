package audit

import (
	"strings"
	"testing"
	"time"

	"minzheng"
)

func chain(n int) []Entry {
	var out []Entry
	prevSeq, prevHash := int64(0), Genesis
	t0 := time.Date(2025, 9, 26, 1, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		e := Event{Action: "test", Summary: "第" + string(rune('0'+i)) + "条"}.Entry(minzheng.System("t"), t0.Add(time.Duration(i)*time.Second))
		e.Chain(prevSeq, prevHash)
		prevSeq, prevHash = e.Seq, e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []Entry, headSeq int64, headHash string) Report {
	v := NewVerifier()
	for _, e := range es {
		if !v.Add(e) {
			break
		}
	}
	return v.Finish(headSeq, headHash)
}

func TestVerifier(t *testing.T) {
	cases := []struct {
		name   string
		mutate func([]Entry) []Entry
		seq    int64
		kind   string
	}{
		{"完好", func(es []Entry) []Entry { return es }, 0, ""},
		{"改动内容", func(es []Entry) []Entry { es[2].Summary = "改"; return es }, 3, "changed"},
		{"改动时间", func(es []Entry) []Entry { es[1].At = es[1].At.Add(time.Microsecond); return es }, 2, "changed"},
		{"删除中间", func(es []Entry) []Entry { return append(es[:2:2], es[3:]...) }, 3, "deleted"},
		{"删除末尾", func(es []Entry) []Entry { return es[:4] }, 5, "truncated"},
		{"重复一条", func(es []Entry) []Entry { return append(es[:3:3], es[2:]...) }, 3, "reordered"},
		{"换成另一条链的记录", func(es []Entry) []Entry {
			other := chain(5)
			other[3].Summary = "别处"
			other[3].Chain(3, strings.Repeat("1", 64))
			es[3] = other[3]
			return es
		}, 4, "reordered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := chain(5)
			head := es[len(es)-1]
			rep := verify(c.mutate(es), head.Seq, head.Hash)
			if c.kind == "" {
				if rep.Problem != nil || rep.Entries != 5 {
					t.Fatalf("%+v", rep)
				}
				return
			}
			if rep.Problem == nil || rep.Problem.Seq != c.seq || rep.Problem.Kind != c.kind {
				t.Fatalf("got %+v, want %s at %d", rep.Problem, c.kind, c.seq)
			}
			if !strings.ContainsAny(rep.Problem.Detail, "条记录") {
				t.Fatalf("detail is not Chinese: %q", rep.Problem.Detail)
			}
		})
	}
}

// TestHashCoversEveryColumn changes each column in turn: each change must
// change the hash.
func TestHashCoversEveryColumn(t *testing.T) {
	base := chain(1)[0]
	muts := map[string]func(*Entry){
		"seq": func(e *Entry) { e.Seq++ }, "at": func(e *Entry) { e.At = e.At.Add(time.Microsecond) },
		"actor_id": func(e *Entry) { e.ActorID++ }, "actor": func(e *Entry) { e.Actor += "x" },
		"action": func(e *Entry) { e.Action += "x" }, "entity": func(e *Entry) { e.Entity += "x" },
		"entity_id": func(e *Entry) { e.EntityID += "x" }, "region": func(e *Entry) { e.Region += "1" },
		"summary": func(e *Entry) { e.Summary += "x" }, "before": func(e *Entry) { e.Before += "x" },
		"after": func(e *Entry) { e.After += "x" }, "prev_hash": func(e *Entry) { e.PrevHash = strings.Repeat("f", 64) },
		// Moving text from one column to the next must not hash alike.
		"moved": func(e *Entry) { e.Entity, e.EntityID = e.Entity+e.EntityID, "" },
	}
	for name, m := range muts {
		e := base
		e.EntityID = "7"
		h0 := e.ComputeHash()
		m(&e)
		if e.ComputeHash() == h0 {
			t.Errorf("changing %s leaves the hash unchanged", name)
		}
	}
}

func TestValuesMask(t *testing.T) {
	got := Values(map[string]any{"id_number": "370614199001011234", "phone": "13805351234",
		"bank_account": "6222021234567890123", "name": "王丽", "guardian_id_number": "37061419900101123X"})
	for _, leak := range []string{"370614199001011234", "13805351234", "6222021234567890123", "37061419900101123X"} {
		if strings.Contains(got, leak) {
			t.Fatalf("Values leaks %s: %s", leak, got)
		}
	}
	for _, want := range []string{`"id_number":"370614********1234"`, `"phone":"138****1234"`, `"name":"王丽"`, `"guardian_id_number":"370614********123X"`} {
		if !strings.Contains(got, want) {
			t.Fatalf("Values = %s, want %s", got, want)
		}
	}
	nested := Values(map[string]any{"params": map[string]any{"members": []any{map[string]any{"id_number": "370614199001011234"}}}})
	if strings.Contains(nested, "370614199001011234") || !strings.Contains(nested, "370614********1234") {
		t.Fatalf("nested values not masked: %s", nested)
	}
	e := Event{Summary: "为王丽（370614199001011234，13805351234）建档"}.Entry(minzheng.System("t"), time.Now())
	if strings.Contains(e.Summary, "370614199001011234") || strings.Contains(e.Summary, "13805351234") {
		t.Fatalf("summary not masked: %s", e.Summary)
	}
	if Values(nil) != "" {
		t.Fatal("nil values should be empty")
	}
}

func BenchmarkComputeHash(b *testing.B) {
	e := chain(1)[0]
	e.Before, e.After = `{"area":"rural"}`, `{"area":"urban"}`
	for b.Loop() {
		_ = e.ComputeHash()
	}
}
