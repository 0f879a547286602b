package httpapi

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

type ctxKey struct{}

// TestSearchCtx: the search context answers as context.WithTimeout's
// does, step by step, through every sequence of up to five events and
// questions (its parent cancelled with a cause, itself cancelled, Err,
// Done, Cause, Value, a context derived from it), under a parent that can
// be cancelled or one whose own deadline has passed, with its deadline
// passed or far ahead. The deadlines are past at the start or an hour
// away, so that no timer fires during a sequence.
func TestSearchCtx(t *testing.T) {
	cause := errors.New("shutting down")
	steps := "PCEDZVW"
	type pair struct {
		ours, std       context.Context
		cancel, stdStop context.CancelFunc
		parentCancel    context.CancelCauseFunc
		stdParentCancel context.CancelCauseFunc
		derived         [2]context.Context
		stops           []context.CancelFunc
	}
	newParent := func(pr *pair, pastDeadline bool) (context.Context, context.CancelCauseFunc) {
		p, cancel := context.WithCancelCause(context.WithValue(context.Background(), ctxKey{}, "v"))
		if pastDeadline {
			var stop context.CancelFunc
			p, stop = context.WithDeadline(p, time.Now().Add(-time.Second))
			pr.stops = append(pr.stops, stop)
		}
		return p, cancel
	}
	closed := func(c context.Context) bool {
		select {
		case <-c.Done():
			return true
		default:
			return false
		}
	}
	checked := 0
	var run func(seq string)
	run = func(seq string) {
		for _, pastParent := range []bool{false, true} {
			for _, timeout := range []time.Duration{-time.Second, time.Hour} {
				var pr pair
				p1, c1 := newParent(&pr, pastParent)
				p2, c2 := newParent(&pr, pastParent)
				pr.ours, pr.cancel = withSearchDeadline(p1, timeout)
				pr.std, pr.stdStop = context.WithTimeout(p2, timeout)
				pr.parentCancel, pr.stdParentCancel = c1, c2
				for i, step := range seq {
					where := fmt.Sprintf("parent past %v, timeout %v, %q at %d", pastParent, timeout, seq, i)
					switch step {
					case 'P':
						pr.parentCancel(cause)
						pr.stdParentCancel(cause)
					case 'C':
						pr.cancel()
						pr.stdStop()
					case 'E':
						if a, b := pr.ours.Err(), pr.std.Err(); a != b {
							t.Fatalf("%s: Err() = %v, WithTimeout's %v", where, a, b)
						}
					case 'D':
						if a, b := closed(pr.ours), closed(pr.std); a != b {
							t.Fatalf("%s: Done closed %v, WithTimeout's %v", where, a, b)
						}
					case 'Z':
						if a, b := context.Cause(pr.ours), context.Cause(pr.std); a != b {
							t.Fatalf("%s: Cause = %v, WithTimeout's %v", where, a, b)
						}
					case 'V':
						if v := pr.ours.Value(ctxKey{}); v != "v" {
							t.Fatalf("%s: Value = %v", where, v)
						}
					case 'W':
						if pr.derived[0] == nil {
							var s1, s2 context.CancelFunc
							pr.derived[0], s1 = context.WithCancel(pr.ours)
							pr.derived[1], s2 = context.WithCancel(pr.std)
							pr.stops = append(pr.stops, s1, s2)
						}
						if a, b := pr.derived[0].Err(), pr.derived[1].Err(); a != b {
							t.Fatalf("%s: derived Err() = %v, WithTimeout's %v", where, a, b)
						}
					}
					checked++
				}
				if d, ok := pr.ours.Deadline(); !ok {
					t.Fatalf("no deadline")
				} else if sd, _ := pr.std.Deadline(); d.Sub(sd).Abs() > time.Second {
					t.Fatalf("Deadline() = %v, WithTimeout's %v", d, sd)
				}
				pr.cancel()
				pr.stdStop()
				if a, b := pr.ours.Err(), pr.std.Err(); a != b {
					t.Fatalf("%q, then cancelled: Err() = %v, WithTimeout's %v", seq, a, b)
				}
				c1(nil)
				c2(nil)
				for _, stop := range pr.stops {
					stop()
				}
			}
		}
		if len(seq) < 5 {
			for _, s := range steps {
				run(seq + string(s))
			}
		}
	}
	run("")
	t.Logf("%d steps compared", checked)
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
