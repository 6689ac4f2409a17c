// Package audit is the append-only, hash-chained log of every write and of
// every display of an unmasked ID number.
//
// Each entry carries a gapless sequence number and two hashes: PrevHash, the
// hash of the entry before it, and Hash, the SHA-256 of PrevHash and every one
// of its own columns. Changing, deleting or reordering an entry therefore
// breaks the chain at that entry, and Verify finds the first break. The store
// writes an entry in the same transaction as the change it records, so a
// change is never without its entry nor an entry without its change.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"

	"minzheng"
)

// Entry is one line of the log.
type Entry struct {
	Seq      int64
	At       time.Time // UTC, microseconds
	ActorID  int64     // 0 for the system and for anonymous attempts
	Actor    string    // username, "system:…" or "anonymous"
	Action   string    // what was done, e.g. "user.create", "scope.denied"
	Entity   string    // the kind of thing, e.g. "user", "region"
	EntityID string    // its id or code
	Region   string    // 12-digit code of the region the thing belongs to; "" for national
	Summary  string    // a short Chinese sentence
	Before   string    // JSON of the masked values before, "" when none
	After    string    // JSON of the masked values after, "" when none
	PrevHash string    // hex SHA-256 of the previous entry; Genesis for the first
	Hash     string    // hex SHA-256 of this entry
}

// Genesis is the PrevHash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how At is written and hashed: fixed width, so that text
// sorts in time order and the hash does not depend on how a database
// returns the instant.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Normalize rounds At to what the store keeps (UTC, microseconds).
func (e *Entry) Normalize() { e.At = e.At.UTC().Truncate(time.Microsecond) }

// ComputeHash is the SHA-256 over PrevHash and every column, each written
// with its length first so that no two different entries hash alike by
// moving text between columns.
func (e Entry) ComputeHash() string {
	h := sha256.New()
	var buf [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	put(e.PrevHash)
	put(strconv.FormatInt(e.Seq, 10))
	put(e.At.UTC().Format(TimeFormat))
	put(strconv.FormatInt(e.ActorID, 10))
	put(e.Actor)
	put(e.Action)
	put(e.Entity)
	put(e.EntityID)
	put(e.Region)
	put(e.Summary)
	put(e.Before)
	put(e.After)
	return hex.EncodeToString(h.Sum(nil))
}

// Values turns a record's fields into the JSON kept as Before or After,
// masking ID numbers, phones and accounts — at any depth, whatever the
// caller passed — so the log never holds them in clear. Nil gives "".
func Values(m map[string]any) string {
	if m == nil {
		return ""
	}
	b, err := json.Marshal(maskValue("", m)) // map keys are sorted: the same values give the same text
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, "无法记录的值")
	}
	return string(b)
}

// maskValue masks the strings under sensitive keys in maps and slices of
// any depth.
func maskValue(key string, v any) any {
	switch x := v.(type) {
	case string:
		return minzheng.MaskField(key, x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = maskValue(k, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskValue(key, e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = minzheng.MaskField(key, e)
		}
		return out
	}
	return v
}

// idLike finds what looks like an ID number (18 or 15 digits) or a mobile
// number in free text.
var idLike = regexp.MustCompile(`\b\d{17}[\dXx]\b|\b\d{15}\b|\b1[3-9]\d{9}\b`)

// maskText masks ID and mobile numbers in a summary, should a caller ever
// write one into the sentence.
func maskText(s string) string {
	return idLike.ReplaceAllStringFunc(s, func(m string) string {
		if len(m) == 11 {
			return minzheng.MaskPhone(m)
		}
		return minzheng.MaskID(m)
	})
}

// Event is what a store is told to record; it becomes an Entry once the
// store has given it its place in the chain.
type Event struct {
	Action   string
	Entity   string
	EntityID string
	Region   string
	Summary  string
	Before   map[string]any
	After    map[string]any
}

// Entry builds the unchained entry for ev done by actor at t.
func (ev Event) Entry(actor minzheng.Actor, t time.Time) Entry {
	e := Entry{
		At:       t,
		ActorID:  actor.UserID,
		Actor:    actor.Username,
		Action:   ev.Action,
		Entity:   ev.Entity,
		EntityID: ev.EntityID,
		Region:   ev.Region,
		Summary:  maskText(ev.Summary),
		Before:   Values(ev.Before),
		After:    Values(ev.After),
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	e.Normalize()
	return e
}

// Chain gives e its place after prev (seq and hash of the last entry; 0 and
// Genesis for an empty log) and computes its hash.
func (e *Entry) Chain(prevSeq int64, prevHash string) {
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// Problem is the first break Verify found.
type Problem struct {
	Seq    int64  // the entry at fault (or the first missing one)
	Kind   string // "changed", "deleted", "reordered", "truncated"
	Detail string // Chinese
}

// Report is the outcome of Verify.
type Report struct {
	Entries  int64
	LastSeq  int64
	LastHash string
	Problem  *Problem // nil when the chain is whole
}

// Verifier walks the log in the order the store returns it (by seq) and
// stops at the first break. Feed it every entry with Add, then Finish with
// the head the store recorded.
type Verifier struct {
	r        Report
	prevHash string
}

// NewVerifier starts a walk from the beginning of the log.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// Add checks the next entry; it returns false once a problem is found.
func (v *Verifier) Add(e Entry) bool {
	if v.r.Problem != nil {
		return false
	}
	want := v.r.LastSeq + 1
	switch {
	case e.Seq < want:
		v.fail(e.Seq, "reordered", fmt.Sprintf("第 %d 条出现在第 %d 条之后，顺序被改动", e.Seq, v.r.LastSeq))
	case e.Seq > want:
		v.fail(want, "deleted", fmt.Sprintf("第 %d 条缺失（下一条是第 %d 条），记录被删除", want, e.Seq))
	case e.PrevHash != v.prevHash:
		// An entry that does not link to the one before it was moved
		// (renumbered, swapped) or put there from elsewhere; a change of
		// content alone leaves the link intact and is caught below.
		v.fail(e.Seq, "reordered", fmt.Sprintf("第 %d 条与第 %d 条的哈希链接不上：第 %d 条被调换、移动或替换，或第 %d 条被改动后重算了哈希", e.Seq, v.r.LastSeq, e.Seq, v.r.LastSeq))
	case e.ComputeHash() != e.Hash:
		v.fail(e.Seq, "changed", fmt.Sprintf("第 %d 条的内容与其哈希不符，记录被改动", e.Seq))
	}
	if v.r.Problem != nil {
		return false
	}
	v.r.Entries++
	v.r.LastSeq = e.Seq
	v.r.LastHash = e.Hash
	v.prevHash = e.Hash
	return true
}

// Finish compares the end of the walk with the head the store keeps (the
// seq and hash of the last entry written), which catches entries deleted
// from the end of the log.
func (v *Verifier) Finish(headSeq int64, headHash string) Report {
	if v.r.Problem == nil {
		switch {
		case headSeq > v.r.LastSeq:
			v.fail(v.r.LastSeq+1, "truncated", fmt.Sprintf("日志应有 %d 条，只找到 %d 条，末尾记录被删除", headSeq, v.r.LastSeq))
		case headSeq < v.r.LastSeq || headHash != v.r.LastHash:
			v.fail(v.r.LastSeq, "changed", "日志末尾与记录的链头不符")
		}
	}
	return v.r
}

func (v *Verifier) fail(seq int64, kind, detail string) {
	v.r.Problem = &Problem{Seq: seq, Kind: kind, Detail: detail}
}

// Actions lists the actions the program records, with their Chinese names,
// for the filter of the log page. Packages add theirs with Register.
var actions = map[string]string{}

// Register names an action for the log page.
func Register(action, chinese string) { actions[action] = chinese }

// ActionName is the Chinese name of an action, or the action itself.
func ActionName(action string) string {
	if n, ok := actions[action]; ok {
		return n
	}
	return action
}

// Actions returns the registered actions sorted by code.
func Actions() [][2]string {
	out := make([][2]string, 0, len(actions))
	for k, v := range actions {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
