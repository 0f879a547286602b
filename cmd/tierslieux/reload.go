package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
)

// reloader keeps serve on the index directory's current build: when an
// ingest commits a new one (CURRENT changes), on SIGHUP, or when the admin
// API asks, it opens the new build beside the one in service, swaps them
// for the requests that start from then on, and closes the old one once
// the requests still on it have finished. A build that does not open
// leaves the old one serving, logged and counted.
type reloader struct {
	dir      string
	g        *gazetteer.Gazetteer
	api      *httpapi.Server
	log      *slog.Logger
	speedKMH float64
	// retune sets the collector's target and limit again for the catalogs in memory,
	// the one in service of places places; nil to leave it.
	retune func(places int)

	mu  sync.Mutex // one reload at a time; guards cur
	cur *backend

	// Reloads and Failures count reloads that swapped a build in, and
	// builds that did not open.
	Reloads, Failures atomic.Int64
	closing           sync.WaitGroup // old catalogs waiting for their requests
}

// httpBackend is b as the HTTP API sees it.
func (b *backend) httpBackend() httpapi.Backend {
	return httpapi.Backend{Search: b.eng, Places: b.cat, Query: b.query}
}

// Reload loads the current build if it is not the one in service and
// returns the version served after; the error says why a new build was
// not taken.
func (r *reloader) Reload(ctx context.Context) (index.Version, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	served := r.cur.cat.Version()
	start := time.Now()
	cat, err := index.Open(r.dir, r.g)
	if err != nil {
		r.Failures.Add(1)
		r.log.Error("reload: the current build does not open; the one in service stays", "dir", r.dir, "serving", served.ID, "err", err)
		return served, fmt.Errorf("reload: %w", err)
	}
	v := cat.Version()
	if v.ID == served.ID {
		cat.Close()
		if v.Fallback != nil {
			// CURRENT names a damaged build: Open fell back to the one we
			// already serve.
			r.Failures.Add(1)
			r.log.Error("reload: the new build is damaged; the one in service stays", "serving", served.ID, "err", v.Fallback)
			return served, fmt.Errorf("reload: %w", v.Fallback)
		}
		return served, nil
	}
	// Numbered before it serves, so that no text search waits for it.
	if err := cat.PrepareText(ctx); err != nil {
		cat.Close()
		if ctx.Err() == nil {
			r.Failures.Add(1)
			r.log.Error("reload: the new build's text index does not read; the one in service stays", "serving", served.ID, "err", err)
		}
		return served, fmt.Errorf("reload: %w", err)
	}
	for _, w := range v.Warnings {
		r.log.Warn("catalog", "warning", w)
	}
	nb := &backend{cat: cat, eng: index.NewEngine(cat), query: query.New(r.g, cat)}
	nb.query.SpeedKMH = r.speedKMH
	old := r.cur
	if r.retune != nil {
		r.retune(nb.cat.Len()) // both catalogs live until the old one's requests end
	}
	r.cur = nb
	done := r.api.SetBackend(nb.httpBackend())
	r.Reloads.Add(1)
	r.log.Info("reloaded", "from", served.ID, "to", v.ID, "places", v.Places, "took", time.Since(start).Round(time.Millisecond))
	r.closing.Add(1)
	go func() {
		defer r.closing.Done()
		<-done
		old.Close()
		old = nil // not live for the limit's measure
		if r.retune != nil {
			r.retune(nb.cat.Len())
		}
	}()
	return v, nil
}

// current is the backend in service.
func (r *reloader) current() *backend {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}

// close closes the backend in service, once the old ones are closed.
func (r *reloader) close() error {
	r.closing.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.Close()
}

// watch reloads when the index directory's CURRENT changes (looked at
// every interval, if not 0) and on SIGHUP, until ctx ends.
func (r *reloader) watch(ctx context.Context, every time.Duration) {
	current := func() (string, bool) {
		b, err := os.ReadFile(filepath.Join(r.dir, index.CurrentFile))
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				r.log.Warn("watch", "err", err)
			}
			return "", false
		}
		return string(b), true
	}
	watch(ctx, every, current, func(hup bool) {
		if hup {
			r.log.Info("reload asked (SIGHUP)")
		}
		r.Reload(ctx)
	})
}
