package main

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// load is clients searching a server as fast as it answers, each request
// a success (200, read whole) or a failure, until stopped.
type load struct {
	cancel             context.CancelFunc
	wg                 sync.WaitGroup
	requests, failures atomic.Int64
	mu                 sync.Mutex
	first              []string // the first failures, at most 5
}

// startLoad starts clients on url.
func startLoad(url string, clients int) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel}
	for range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			for ctx.Err() == nil {
				l.requests.Add(1)
				resp, err := c.Get(url)
				failure := ""
				if err != nil {
					failure = err.Error()
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						failure = resp.Status
					}
				}
				if failure != "" {
					l.failures.Add(1)
					l.mu.Lock()
					if len(l.first) < 5 {
						l.first = append(l.first, failure)
					}
					l.mu.Unlock()
				}
			}
		}()
	}
	return l
}

// stop ends the load and says how it went.
func (l *load) stop() (requests, failures int64, first []string) {
	l.cancel()
	l.wg.Wait()
	return l.requests.Load(), l.failures.Load(), l.first
}
