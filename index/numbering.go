package index

import (
	"context"
	"fmt"
	"sync"

	"github.com/tierslieux/tierslieux/index/text"
)

// PrepareText numbers the text index's documents with the catalog's
// ordinals, which reading any term's postings needs, and builds the index
// of place names the query language reads text against, and sorts the
// lists of everything (order): each done by the first query that needs it
// otherwise, seconds for a million places. A server
// calls it once open, before it says it is ready.
func (cat *Catalog) PrepareText(ctx context.Context) error {
	if _, err := cat.numbering(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(cat.names.build)
	wg.Go(func() { cat.order(true) })
	wg.Wait()
	return nil
}

// numbering returns the text index's numbering, made once; a text index
// whose documents are not the catalog's places is a storage error. A
// making that fails is tried again by the next caller.
func (cat *Catalog) numbering(ctx context.Context) (*text.Numbering, error) {
	c := cat.terms
	c.numMu.Lock()
	if c.closed {
		c.numMu.Unlock()
		return nil, fmt.Errorf("%w: the catalog is closed", ErrStorage)
	}
	if c.num != nil {
		num := c.num
		c.numMu.Unlock()
		return num, nil
	}
	cat.startNumberingLocked()
	done := c.numDone
	c.numMu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.numMu.Lock()
	defer c.numMu.Unlock()
	if c.num == nil {
		if c.closed {
			return nil, fmt.Errorf("%w: the catalog is closed", ErrStorage)
		}
		return nil, c.numErr
	}
	return c.num, nil
}

// startNumbering starts making the numbering in the background, unless
// it is made or being made: Open starts it as soon as the IDs are known,
// beside the rest of the catalog's work.
func (cat *Catalog) startNumbering() {
	c := cat.terms
	c.numMu.Lock()
	defer c.numMu.Unlock()
	if !c.closed && c.num == nil {
		cat.startNumberingLocked()
	}
}

// startNumberingLocked starts the making unless it is under way; numMu
// is held.
func (cat *Catalog) startNumberingLocked() {
	c := cat.terms
	if c.numDone != nil {
		return
	}
	done := make(chan struct{})
	mctx, stop := context.WithCancel(context.Background())
	c.numDone, c.numStop = done, stop
	go cat.makeNumbering(mctx, done)
}

// makeNumbering makes the numbering and closes done.
func (cat *Catalog) makeNumbering(ctx context.Context, done chan struct{}) {
	c := cat.terms
	num, err := cat.Text.Number(ctx, cat.Ordinal)
	switch {
	case err != nil && ctx.Err() != nil:
		err = fmt.Errorf("%w: the catalog is closed", ErrStorage)
	case err != nil:
		err = fmt.Errorf("%w: %w", ErrStorage, err)
	case num.Docs() != cat.Len():
		docs := num.Docs()
		num.Close()
		num, err = nil, fmt.Errorf("%w: the text index holds %d of the catalog's %d places", ErrStorage, docs, cat.Len())
	}
	c.numMu.Lock()
	c.numStop()
	if err == nil && c.closed {
		num.Close()
		num, err = nil, fmt.Errorf("%w: the catalog is closed", ErrStorage)
	}
	c.num, c.numErr = num, err
	if err != nil {
		c.numDone = nil // the next caller tries again
	}
	c.numMu.Unlock()
	close(done)
}

// closeNumbering stops a making in progress and waits for it, then
// releases the numbering's snapshot of the text index.
func (c *termCache) closeNumbering() error {
	c.numMu.Lock()
	c.closed = true
	done := c.numDone
	if done != nil && c.num == nil {
		c.numStop()
		c.numMu.Unlock()
		<-done
		c.numMu.Lock()
	}
	defer c.numMu.Unlock()
	if c.num == nil {
		return nil
	}
	err := c.num.Close()
	c.num = nil
	return err
}
