package httpapi

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// searchCtx is the context a search runs under: the request's, with the
// search's deadline. context.WithTimeout starts a timer and registers with
// the request's context at every search, 1.5% of a search's CPU; yet most
// searches never wait on Done: they call Err now and then, which here
// reads the clock. So the standard context, timer and all, is made only
// when something asks for Done (a wait for a slot, a Bleve search, a
// context derived from this one) or the deadline has passed; from then
// on it answers everything. A search cancelled before (most are) makes
// none: it answers as a cancelled context shared by all.
type searchCtx struct {
	parent   context.Context
	deadline time.Time
	once     sync.Once
	timed    context.Context // once made is set
	stop     context.CancelFunc
	made     atomic.Bool
	// own says timed is cancelled, shared: the search was cancelled
	// before anything needed its context, which answers as cancelled
	// with no context made for it.
	own bool
}

// cancelled is what a search's context answers once cancelled before
// anything needed it: done, Canceled, and Canceled for its cause. Shared
// by every such search.
var cancelled = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// withSearchDeadline is context.WithTimeout(parent, d), its timer made
// only when needed.
func withSearchDeadline(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c := &searchCtx{parent: parent, deadline: time.Now().Add(d)}
	if pd, ok := parent.Deadline(); ok && pd.Before(c.deadline) {
		c.deadline = pd
	}
	if d <= 0 || parent.Err() != nil {
		c.standard() // done from the start, as WithTimeout's is; no timer
	}
	return c, c.cancel
}

// standard makes (once) and returns the standard context this one stands
// for.
func (c *searchCtx) standard() context.Context {
	c.once.Do(func() {
		c.timed, c.stop = context.WithDeadline(c.parent, c.deadline)
		c.made.Store(true)
	})
	return c.timed
}

// cancel ends the context as WithTimeout's cancel would. Cancelled before
// anything needed the standard context, it settles on what that context
// would say, still without a timer: past the deadline or under a parent
// already done (WithDeadline then starts none), else cancelled (the
// shared context, nothing made).
func (c *searchCtx) cancel() {
	c.once.Do(func() {
		if c.parent.Err() != nil || !time.Now().Before(c.deadline) {
			c.timed, c.stop = context.WithDeadline(c.parent, c.deadline)
		} else {
			c.timed, c.own = cancelled, true
		}
		c.made.Store(true)
	})
	if c.stop != nil {
		c.stop()
	}
}

func (c *searchCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *searchCtx) Done() <-chan struct{} { return c.standard().Done() }

func (c *searchCtx) Err() error {
	if c.made.Load() {
		return c.timed.Err()
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if time.Now().Before(c.deadline) {
		return nil
	}
	return c.standard().Err() // past the deadline: closed at once
}

// Value is the standard context's once made, else the parent's
// (context.Cause falls back on Err when the parent holds no cause).
// Cancelled on its own, the context holds the request's values and, as
// the key of context.Cause, the shared cancelled context's own: that is
// the one key for which a context with no values answers.
func (c *searchCtx) Value(key any) any {
	if c.made.Load() {
		if !c.own {
			return c.timed.Value(key)
		}
		if v := cancelled.Value(key); v != nil {
			return v
		}
	}
	return c.parent.Value(key)
}
