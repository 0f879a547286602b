package httpapi

import (
	"context"
	"errors"
	"testing"
	"time"
)

type ctxKey struct{}

// TestSearchCtx: the search context answers as context.WithTimeout's
// would, whichever of its methods is called first: before and past its
// deadline, when its parent is cancelled (with a cause), and once
// cancelled itself; Err is never set while a Done channel taken is open.
func TestSearchCtx(t *testing.T) {
	cause := errors.New("shutting down")
	type want struct {
		err   error
		cause error
	}
	cases := []struct {
		name    string
		timeout time.Duration
		cancel  func(parent context.CancelCauseFunc, own context.CancelFunc)
		want    want
	}{
		{"running", time.Hour, nil, want{nil, nil}},
		{"past its deadline", -time.Second, nil, want{context.DeadlineExceeded, context.DeadlineExceeded}},
		{"parent cancelled", time.Hour, func(p context.CancelCauseFunc, _ context.CancelFunc) { p(cause) }, want{context.Canceled, cause}},
		{"cancelled", time.Hour, func(_ context.CancelCauseFunc, own context.CancelFunc) { own() }, want{context.Canceled, context.Canceled}},
	}
	// The order methods are first called in: Done makes the standard
	// context early, Err and Value may or may not.
	orders := [][]string{{"err", "done", "value", "cause"}, {"done", "err", "cause"}, {"cause", "err", "done"}, {"value", "done", "err"}}
	for _, tc := range cases {
		for _, order := range orders {
			for _, doneFirst := range []bool{false, true} {
				parent, cancelParent := context.WithCancelCause(context.WithValue(context.Background(), ctxKey{}, "v"))
				ctx, cancel := withSearchDeadline(parent, tc.timeout)
				if doneFirst {
					ctx.Done() // the standard context made before the end
				}
				if tc.cancel != nil {
					tc.cancel(cancelParent, cancel)
				}
				for _, m := range order {
					switch m {
					case "err":
						if err := ctx.Err(); err != tc.want.err {
							t.Errorf("%s, %v first: Err() = %v, want %v", tc.name, order, err, tc.want.err)
						}
					case "done":
						select {
						case <-ctx.Done():
							if tc.want.err == nil {
								t.Errorf("%s, %v first: Done closed", tc.name, order)
							}
						case <-time.After(time.Millisecond):
							if tc.want.err != nil {
								t.Errorf("%s, %v first: Done open", tc.name, order)
							}
						}
					case "cause":
						if c := context.Cause(ctx); c != tc.want.cause {
							t.Errorf("%s, %v first: Cause = %v, want %v", tc.name, order, c, tc.want.cause)
						}
					case "value":
						if v := ctx.Value(ctxKey{}); v != "v" {
							t.Errorf("%s: Value = %v", tc.name, v)
						}
					}
				}
				if d, ok := ctx.Deadline(); !ok || d.After(time.Now().Add(tc.timeout)) {
					t.Errorf("%s: Deadline() = %v, %v", tc.name, d, ok)
				}
				cancel()
				cancelParent(nil)
			}
		}
	}
}

// TestSearchCtxTimer: a search that waits on Done is woken at its
// deadline, and one that only calls Err sees it pass; a context derived
// from it is cancelled with it; a parent's earlier deadline is kept.
func TestSearchCtxTimer(t *testing.T) {
	ctx, cancel := withSearchDeadline(context.Background(), 20*time.Millisecond)
	defer cancel()
	child, stop := context.WithCancel(ctx)
	defer stop()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed at the deadline")
	}
	if ctx.Err() != context.DeadlineExceeded || child.Err() != context.DeadlineExceeded {
		t.Errorf("Err() = %v, child's %v", ctx.Err(), child.Err())
	}

	polled, cancel2 := withSearchDeadline(context.Background(), 10*time.Millisecond)
	defer cancel2()
	for polled.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	if polled.Err() != context.DeadlineExceeded {
		t.Errorf("Err() = %v", polled.Err())
	}

	early, cancel3 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel3()
	want, _ := early.Deadline()
	inner, cancel4 := withSearchDeadline(early, time.Hour)
	defer cancel4()
	if d, _ := inner.Deadline(); !d.Equal(want) {
		t.Errorf("Deadline() = %v, want the parent's %v", d, want)
	}
}
