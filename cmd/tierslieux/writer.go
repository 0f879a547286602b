package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// writer is the write API's work on serve's index directory: each change
// is a new build committed as `tierslieux ingest` commits one, under the
// same lock, then put in service at once by the reloader.
type writer struct {
	*reloader
	// lockWait is how often a change waiting for the index lock (a
	// command-line ingest running) tries again.
	lockWait time.Duration
}

var _ httpapi.Writer = (*writer)(nil)

// uploadFS opens an upload under the name reports give it.
type uploadFS struct{ u httpapi.Upload }

func (f uploadFS) Open(name string) (fs.File, error) {
	if name != f.u.Name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(f.u.Path)
}

// newBuilder starts a build, waiting while another ingest holds the
// index directory: a change asked through the API runs after a
// command-line ingest, not instead of it.
func (w *writer) newBuilder(ctx context.Context) (*index.Builder, error) {
	logged := false
	for {
		b, err := index.NewBuilder(w.dir, w.g)
		if !errors.Is(err, index.ErrLocked) {
			return b, err
		}
		if !logged {
			w.log.Info("waiting for the ingest that holds the index directory", "dir", w.dir)
			logged = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(w.lockWait):
		}
	}
}

// Ingest reads an upload into a new build, commits it and serves it.
func (w *writer) Ingest(ctx context.Context, u httpapi.Upload) (*ingest.Report, index.Version, error) {
	opts := ingest.Options{Format: u.Format, Converter: ingest.Converter{Gazetteer: w.g, Area: ingest.France, Trust: ingest.TrustCommune}}
	b, err := w.newBuilder(ctx)
	if err != nil {
		return nil, index.Version{}, err
	}
	fsys := uploadFS{u}
	b.Sources = index.StatSources(fsys, []string{u.Name})
	if u.Upsert {
		b.Sources = append(w.sources(), b.Sources...)
	}
	sink := b.Add
	var fresh []ingest.Place
	if u.Upsert {
		// The upload's places first, to know which current ones they
		// replace; an upload is at most MaxUploadBytes.
		sink = func(p ingest.Place) error { fresh = append(fresh, p); return nil }
	}
	// Whatever happens before the commit (an error, a panic), the build is
	// discarded and the lock released.
	committing := false
	defer func() {
		if !committing {
			b.Abort()
		}
	}()
	rep, err := ingest.Run(ctx, fsys, []string{u.Name}, opts, sink)
	if err == nil && u.Upsert {
		err = upsert(b, fresh)
	}
	if err == nil {
		committing = true
		err = b.Commit(rep)
	}
	if err != nil {
		return rep, index.Version{}, fmt.Errorf("%w (the data served is unchanged)", err)
	}
	v, err := w.Reload(ctx)
	return rep, v, err
}

// upsert adds the current build's places but those fresh replaces, then
// fresh's.
func upsert(b *index.Builder, fresh []ingest.Place) error {
	replaced := make(map[string]bool, len(fresh))
	for _, p := range fresh {
		replaced[p.ID] = true
	}
	err := b.Current(func(p ingest.Place) error {
		if replaced[p.ID] {
			return nil
		}
		return b.Add(p)
	})
	for i := 0; err == nil && i < len(fresh); i++ {
		err = b.Add(fresh[i])
	}
	return err
}

// Delete commits the current places but one and serves them.
func (w *writer) Delete(ctx context.Context, id string) (index.Version, error) {
	b, err := w.newBuilder(ctx)
	if err != nil {
		return index.Version{}, err
	}
	committing := false
	defer func() {
		if !committing {
			b.Abort()
		}
	}()
	b.Sources = w.sources()
	found := false
	err = b.Current(func(p ingest.Place) error {
		if p.ID == id {
			found = true
			return nil
		}
		return b.Add(p)
	})
	if err == nil && !found {
		err = index.Errorf(index.CodeNotFound, "id", "no place with id %q", id)
	}
	if err == nil {
		committing = true
		err = b.Commit(nil)
	}
	if err != nil {
		return index.Version{}, err
	}
	return w.Reload(ctx)
}

// sources are those of the data in service, which a change keeps.
func (w *writer) sources() []index.Source {
	return w.current().cat.Version().Sources
}

// Snapshot holds the directory's current build for the server to send.
func (w *writer) Snapshot(ctx context.Context) (httpapi.Snapshot, error) {
	return index.OpenSnapshot(w.dir)
}
