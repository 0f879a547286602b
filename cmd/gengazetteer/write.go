package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// write stores the gazetteer as gzipped TSV; the format is documented in
// data/README.md and read by geo/gazetteer.Load.
func write(path string, g *gazetteerOut) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "# tierslieux gazetteer 1\t%s\t%s\n", cogPackage, geonamesPackage)
	for _, r := range g.regions {
		fmt.Fprintf(w, "R\t%s\t%s\n", r.Code, r.Nom)
	}
	for _, d := range g.depts {
		fmt.Fprintf(w, "D\t%s\t%s\t%s\n", d.Code, d.Region, d.Nom)
	}
	for _, e := range g.entries {
		lon, lat := "", ""
		if e.located() {
			lon = strconv.FormatFloat(e.lon, 'f', 5, 64)
			lat = strconv.FormatFloat(e.lat, 'f', 5, 64)
		}
		fmt.Fprintf(w, "C\t%c\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n",
			e.kind, e.c.Code, e.c.Nom, e.c.Departement, e.c.Region, e.parent,
			strings.Join(e.c.CodesPostaux, ","), e.c.Population, lon, lat, e.source,
			strings.Join(e.alt, "|"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// stats summarises how points were obtained, for France and Occitanie.
func (g *gazetteerOut) stats() string {
	var b strings.Builder
	for _, scope := range []struct{ name, region string }{{"France", ""}, {"Occitanie", "76"}} {
		count := map[string]int{}
		pop := map[string]int{}
		n, total := 0, 0
		for _, e := range g.entries {
			if e.kind != 'c' || (scope.region != "" && e.c.Region != scope.region) {
				continue
			}
			src := e.source
			if src == "" {
				src = "none"
			}
			count[src]++
			pop[src] += e.c.Population
			n++
			total += e.c.Population
		}
		fmt.Fprintf(&b, "%s: %d communes, population %d\n", scope.name, n, total)
		var keys []string
		for k := range count {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %-10s %6d communes (%5.1f%%)  population %5.2f%%\n", k, count[k],
				100*float64(count[k])/float64(n), 100*float64(pop[k])/float64(total))
		}
	}
	return b.String()
}
