package sqldb

import (
	"context"

	"minzheng"
	"minzheng/region"
)

// InRegion is the one SQL condition for data scope: column (a 12-digit region
// code) lies in r's subtree. It is a byte range rather than LIKE so that an
// index on the column serves it on both engines (PostgreSQL keeps codes in
// the C collation). The country gives a condition that is always true.
func InRegion(column string, r region.Code) (string, []any) {
	p := r.Prefix()
	if p == "" {
		return "1 = 1", nil
	}
	// The successor of a digit string: the last digit plus one; ':' follows
	// '9' in byte order, so "379" → "37:" still bounds every "379…".
	hi := p[:len(p)-1] + string(p[len(p)-1]+1)
	return "(" + column + " >= ? AND " + column + " < ?)", []any{p, hi}
}

// actor is the first thing every store method does: it takes the actor from
// ctx and refuses to run without one.
func actor(ctx context.Context) (minzheng.Actor, error) {
	return minzheng.ActorFrom(ctx)
}
