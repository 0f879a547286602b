package httpapi

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
)

// liveBackend is a backend in service: requests hold it while they run,
// so that once it is replaced, whoever replaced it can wait for the last
// of them before closing its catalog.
type liveBackend struct {
	Backend
	refs    atomic.Int64
	retired atomic.Bool
	once    sync.Once
	done    chan struct{} // closed once retired and no request holds it
}

// newLive readies b for service, with a result cache of its own.
func (s *Server) newLive(b Backend) *liveBackend {
	b.results = newResultCache(s.opts.ResultCacheBytes, b.Places.Len())
	b.versionID = b.Places.Version().ID
	metered := b
	metered.Search = meteredSearcher{Searcher: b.Search, m: s.metrics}
	b.metered = &metered
	return &liveBackend{Backend: b, done: make(chan struct{})}
}

func (l *liveBackend) release() {
	if l.refs.Add(-1) == 0 && l.retired.Load() {
		l.once.Do(func() { close(l.done) })
	}
}

// acquire returns the current backend, held until release is called.
func (s *Server) acquire() *liveBackend {
	for {
		l := s.live.Load()
		l.refs.Add(1)
		if s.live.Load() == l {
			return l
		}
		// Swapped in between: let go of the old one, take the new.
		l.release()
	}
}

// SetBackend puts b in service for every request that starts from now
// on, and returns a channel closed once the requests still using the one
// it replaces have finished: then that one's catalog may be closed.
func (s *Server) SetBackend(b Backend) (oldDone <-chan struct{}) {
	old := s.live.Swap(s.newLive(b))
	old.retired.Store(true)
	if old.refs.Load() == 0 {
		old.once.Do(func() { close(old.done) })
	}
	return old.done
}

// SetReady says whether the server should get traffic: /readyz answers
// 503 when not, so a load balancer stops sending requests before a
// shutdown, while those in flight finish.
func (s *Server) SetReady(ready bool) { s.notReady.Store(!ready) }

type backendKey struct{}

// withBackend runs a request on the backend current when it starts, held
// until it ends.
func (s *Server) withBackend(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.acquire()
		defer l.release()
		if st := state(r); st != nil {
			// Kept in the request's state: no copy of the request; gone
			// with the lease.
			st.backend = &l.Backend
			defer func() { st.backend = nil }()
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), backendKey{}, &l.Backend)))
	})
}

// backend is the backend a request runs on.
func backend(r *http.Request) *Backend {
	if st := state(r); st != nil && st.backend != nil {
		return st.backend
	}
	return r.Context().Value(backendKey{}).(*Backend)
}
