package calendar

import (
	"context"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
)

// Book is the calendar in use: the built-in years with the years entered by
// administrators laid over them. Entering a year swaps in a new Calendar
// whole (readers never see half of one) and tells every listener, so that
// deadlines computed as provisional before the year was known are computed
// again.
type Book struct {
	builtin []Year
	cur     atomic.Pointer[Calendar]

	mu        sync.Mutex
	entered   []Year // as last loaded, to tell whether a reload changes anything
	listeners []func(ctx context.Context, c *Calendar) error
}

// NewBook builds the calendar from the built-in years and those entered.
func NewBook(entered []Year) (*Book, error) {
	b, err := Builtin()
	if err != nil {
		return nil, err
	}
	book := &Book{builtin: b, entered: entered}
	book.cur.Store(New(append(b, entered...)))
	return book, nil
}

// Calendar is the calendar in use now.
func (b *Book) Calendar() *Calendar { return b.cur.Load() }

// Builtin tells whether year y comes from the built-in data.
func (b *Book) Builtin(y int) bool {
	for _, by := range b.builtin {
		if by.Year == y {
			return true
		}
	}
	return false
}

// OnChange registers fn to run after the entered years change, with the
// new calendar: later parts of the program recompute provisional deadlines
// there.
func (b *Book) OnChange(fn func(ctx context.Context, c *Calendar) error) {
	b.mu.Lock()
	b.listeners = append(b.listeners, fn)
	b.mu.Unlock()
}

// Reload replaces the entered years and tells the listeners. A listener's
// failure is logged, not returned: the year is stored either way, and the
// listener runs again at the next change or start.
//
// Entered years that are the same as last time change nothing and tell no
// one, so a periodic reload costs little.
func (b *Book) Reload(ctx context.Context, entered []Year) {
	b.mu.Lock()
	if reflect.DeepEqual(entered, b.entered) {
		b.mu.Unlock()
		return
	}
	b.entered = entered
	c := New(append(append([]Year(nil), b.builtin...), entered...))
	b.cur.Store(c)
	ls := append([]func(context.Context, *Calendar) error(nil), b.listeners...)
	b.mu.Unlock()
	for _, fn := range ls {
		if err := fn(ctx, c); err != nil {
			slog.Error("calendar listener", "err", err)
		}
	}
}
