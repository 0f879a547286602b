package query_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
)

// NDCG@10 thresholds: the mean says the engine ranks well overall, the
// floor that no query is left badly served by a good average.
const (
	ndcgK        = 10
	minMeanNDCG  = 0.9
	minQueryNDCG = 0.5
)

// gradedSet is testdata/graded.json: queries on the demo catalog, each
// with the places a person judged relevant, graded 1 (marginal) to 3
// (exactly what was asked); a place not listed is graded 0.
type gradedSet struct {
	Comment string        `json:"comment"`
	Queries []gradedQuery `json:"queries"`
}

type gradedQuery struct {
	Name    string            `json:"name"`
	Lang    string            `json:"lang"`
	Q       string            `json:"q"`
	Params  map[string]string `json:"params"`  // explicit parameters, named as in the API
	Comment string            `json:"comment"` // why the grades are what they are
	Grades  map[string]int    `json:"grades"`
}

// params turns the query into the parameters the API would receive.
func (gq gradedQuery) params(tb testing.TB) query.Params {
	tb.Helper()
	p := query.Params{Q: gq.Q, Limit: fmt.Sprint(ndcgK)}
	for k, v := range gq.Params {
		switch k {
		case "near":
			p.Near = v
		case "radius":
			p.Radius = v
		case "type":
			p.Types = []string{v}
		case "service":
			p.Services = []string{v}
		case "dept":
			p.Dept = v
		case "sort":
			p.Sort = v
		default:
			tb.Fatalf("graded.json, %s: unknown parameter %q", gq.Name, k)
		}
	}
	return p
}

// MustGraded reads the graded set and checks it can measure anything: a
// grade for a place the catalog lacks, or a query with nothing relevant,
// would make a score meaningless rather than low.
func MustGraded(tb testing.TB, e *harness) gradedSet {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "graded.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var set gradedSet
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&set); err != nil {
		tb.Fatalf("graded.json: %v", err)
	}
	langs := map[string]int{}
	names := map[string]bool{}
	for _, gq := range set.Queries {
		if gq.Name == "" || names[gq.Name] {
			tb.Fatalf("graded.json: query %q: names must be present and unique", gq.Name)
		}
		names[gq.Name] = true
		if gq.Lang != "fr" && gq.Lang != "en" {
			tb.Fatalf("graded.json, %s: lang %q, want fr or en", gq.Name, gq.Lang)
		}
		langs[gq.Lang]++
		relevant := false
		for id, g := range gq.Grades {
			if _, ok := e.Place(id); !ok {
				tb.Fatalf("graded.json, %s: no place %s in the demo catalog", gq.Name, id)
			}
			if g < 0 || g > 3 {
				tb.Fatalf("graded.json, %s: %s graded %d, want 0 to 3", gq.Name, id, g)
			}
			relevant = relevant || g > 0
		}
		if !relevant {
			tb.Fatalf("graded.json, %s: no place graded above 0, so NDCG is undefined", gq.Name)
		}
	}
	if len(set.Queries) < 35 || langs["fr"] < 12 || langs["en"] < 12 {
		tb.Fatalf("graded.json: %d queries, %d in French, %d in English; want at least 35, 12 and 12", len(set.Queries), langs["fr"], langs["en"])
	}
	return set
}

// dcg is the discounted cumulative gain of grades in rank order, the
// first k counted: a grade g gains 2^g − 1, so one exact answer outweighs
// several marginal ones, discounted by log2 of the rank plus one.
func dcg(grades []int, k int) float64 {
	var sum float64
	for i, g := range grades[:min(k, len(grades))] {
		sum += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	return sum
}

// ndcg is the DCG@k of the hits over that of the ideal ranking, the
// judged grades sorted best first: 1 when no better order exists.
func ndcg(hits []string, judged map[string]int, k int) float64 {
	got := make([]int, len(hits))
	for i, id := range hits {
		got[i] = judged[id]
	}
	ideal := slices.Collect(maps.Values(judged))
	slices.SortFunc(ideal, func(a, b int) int { return cmp.Compare(b, a) })
	best := dcg(ideal, k)
	if best == 0 {
		return 0
	}
	return dcg(got, k) / best
}

func TestNDCGFormula(t *testing.T) {
	judged := map[string]int{"a": 3, "b": 2, "c": 1}
	for _, tc := range []struct {
		name string
		hits []string
		want float64
	}{
		{"ideal order", []string{"a", "b", "c"}, 1},
		{"unjudged hits after the judged", []string{"a", "b", "c", "x", "y"}, 1},
		{"nothing found", nil, 0},
		{"only unjudged", []string{"x", "y"}, 0},
		// DCG 1 + 3/log2 3 + 7/2 over IDCG 7 + 3/log2 3 + 1/2.
		{"reversed", []string{"c", "b", "a"}, (1 + 3/math.Log2(3) + 3.5) / (7 + 3/math.Log2(3) + 0.5)},
		// The best place at rank 11 is beyond the cut.
		{"best beyond k", []string{"x", "x", "x", "x", "x", "x", "x", "x", "x", "b", "a"}, 3 / math.Log2(11) / (7 + 3/math.Log2(3) + 0.5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ndcg(tc.hits, judged, ndcgK); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("ndcg(%v) = %.6f, want %.6f", tc.hits, got, tc.want)
			}
		})
	}
}

// TestNDCG scores the engine's first ten hits for every graded query.
// Each query's score is logged, with what came back and the grade of
// each hit, so a fall can be traced to the query and the place.
func TestNDCG(t *testing.T) {
	e := MustDemoEngine(t)
	set := MustGraded(t, e)
	// A query that fails to build or run keeps its score of 0.
	scores := make([]float64, len(set.Queries))
	for i, gq := range set.Queries {
		t.Run(gq.Name, func(t *testing.T) {
			q := MustBuild(t, e, gq.params(t))
			res := MustSearch(t, e, q)
			got := hitIDs(res.Hits)
			scores[i] = ndcg(got, gq.Grades, ndcgK)
			var seen strings.Builder
			for _, id := range got[:min(ndcgK, len(got))] {
				fmt.Fprintf(&seen, " %s:%d", strings.TrimPrefix(id, "tlo-"), gq.Grades[id])
			}
			t.Logf("NDCG@%d %.3f  [%s] %q → %s →%s", ndcgK, scores[i], gq.Lang, gq.Q, res.Query.String(), seen.String())
			if scores[i] < minQueryNDCG {
				t.Errorf("NDCG@%d %.3f is below %.2f; judged: %s", ndcgK, scores[i], minQueryNDCG, gq.Comment)
			}
		})
	}
	var sum float64
	for _, s := range scores {
		sum += s
	}
	mean := sum / float64(len(scores))
	t.Logf("mean NDCG@%d %.3f over %d queries", ndcgK, mean, len(scores))
	if mean < minMeanNDCG {
		order := make([]int, len(scores))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[a], scores[b]) })
		var worst []string
		for _, i := range order[:min(5, len(order))] {
			worst = append(worst, fmt.Sprintf("%s %.3f", set.Queries[i].Name, scores[i]))
		}
		t.Errorf("mean NDCG@%d %.3f is below %.2f; worst: %s", ndcgK, mean, minMeanNDCG, strings.Join(worst, ", "))
	}
}
