package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// watch calls changed when stamp says a file changed (looked at every
// interval, if not 0; a stamp that cannot be read, ok false, is no change)
// and on SIGHUP, until ctx ends: how serve follows its index directory and
// its keys file.
func watch(ctx context.Context, every time.Duration, stamp func() (s string, ok bool), changed func(hup bool)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	last, _ := stamp()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if s, ok := stamp(); ok {
				last = s
			}
			changed(true)
		case <-tick:
			if s, ok := stamp(); ok && s != last {
				last = s
				changed(false)
			}
		}
	}
}
