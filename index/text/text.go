package text

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/tierslieux/tierslieux/index/memo"
)

// Doc is the text of one place, as the index sees it.
type Doc struct {
	ID          string
	Name        string
	Description string
	// Keywords holds the labels and synonyms of the place's types and
	// services in both languages, and its free tags.
	Keywords string
	// Place holds its commune, département and région names.
	Place string
}

// Hit is one match: a document ID and its relevance score.
type Hit struct {
	ID    string
	Score float64
}

// Index is a full-text index of Docs.
type Index struct {
	b        bleve.Index
	readOnly bool
	// words keeps the terms of single words, for WordTerms: queries
	// repeat their words ("coworking", "atelier"), and analysing one
	// allocates a token stream each time.
	words memo.Memo[[]string]
}

// maxMemoWords bounds the words whose terms an index keeps.
const maxMemoWords = 50_000

// wordTerms returns the terms of word w, shared: not to be changed.
func (ix *Index) wordTerms(w string) []string {
	return ix.words.Of(w, maxMemoWords, func(w string) []string { return slices.Clip(ix.Terms(w)) })
}

// KeptTerms is Terms(s), kept for the next callers (strings of up to
// memo.MaxKey bytes): shared, not to be changed.
func (ix *Index) KeptTerms(s string) []string { return ix.wordTerms(s) }

// ErrReadOnly is returned by writes to an index opened with Open: Bleve
// would block on them forever.
var ErrReadOnly = errors.New("index is open read-only")

// New creates an index at path, which must not exist. An empty path makes
// an in-memory index. Both use scorch: Bleve's NewMemOnly builds the older
// upsidedown index, several times slower to build and to query.
func New(path string) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	b, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index %q: %w", path, err)
	}
	return &Index{b: b}, nil
}

// NewMemOnly creates an in-memory index, for embedded data and tests.
func NewMemOnly() (*Index, error) { return New("") }

// Open opens an index created by New at path, read-only: several
// processes may serve the same index.
func Open(path string) (*Index, error) {
	b, err := bleve.OpenUsing(path, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", path, err)
	}
	return &Index{b: b, readOnly: true}, nil
}

// Close releases the index; on disk, it flushes what is pending.
func (ix *Index) Close() error { return ix.b.Close() }

// Count is the number of documents indexed.
func (ix *Index) Count() (uint64, error) { return ix.b.DocCount() }

// Add indexes docs in one batch; a doc whose ID exists replaces it.
func (ix *Index) Add(docs []Doc) error {
	if ix.readOnly {
		return ErrReadOnly
	}
	batch := ix.b.NewBatch()
	for i := range docs {
		if err := batch.Index(docs[i].ID, docs[i].fields()); err != nil {
			return fmt.Errorf("index %q: %w", docs[i].ID, err)
		}
	}
	if err := ix.b.Batch(batch); err != nil {
		return fmt.Errorf("index batch of %d: %w", len(docs), err)
	}
	return nil
}

func (d *Doc) fields() map[string]any {
	return map[string]any{
		fieldName:        d.Name,
		fieldDescription: d.Description,
		fieldKeywords:    d.Keywords,
		fieldPlace:       d.Place,
	}
}

// ErrNoTerms is returned when a text has no searchable term left after
// analysis (only stop words or punctuation).
var ErrNoTerms = errors.New("no searchable terms")

// Terms returns the terms the analyzer makes of text, in order, without
// repeats: what a search for text looks for.
func (ix *Index) Terms(text string) []string {
	a := ix.b.Mapping().AnalyzerNamed(analyzerName)
	var out []string
	seen := map[string]bool{}
	for _, tok := range a.Analyze([]byte(text)) {
		t := string(tok.Term)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// WordTerm is an analysed term and the word of the text it came from.
type WordTerm struct {
	Term, Word string
}

// WordTerms analyses text word by word: each term with the word, as
// written, that gives it, in order, without repeated terms. It is how a
// caller tells the user which of their words a term stands for.
func (ix *Index) WordTerms(text string) []WordTerm { return wordTermsBy(text, ix.wordTerms) }

// wordTermsBy is WordTerms with the terms of a word from terms.
func wordTermsBy(text string, terms func(string) []string) []WordTerm {
	var out []WordTerm
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, notWordRune) {
		for _, t := range terms(w) {
			if !seen[t] {
				seen[t] = true
				out = append(out, WordTerm{Term: t, Word: w})
			}
		}
	}
	return out
}

// notWordRune splits text into words as the analyzer's tokenizer does for
// the languages of the catalog: letters, digits and combining marks.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
}

// Search returns the documents matching every term of text, in any field,
// best first, ties by ID when limit > 0 (in no set order otherwise). With only non-nil, the search is restricted to
// those IDs (an empty slice matches nothing). limit <= 0 returns all
// matches. total counts every match, whatever the limit.
func (ix *Index) Search(ctx context.Context, text string, only []string, limit int) (hits []Hit, total int, err error) {
	terms := ix.Terms(text)
	if len(terms) == 0 {
		return nil, 0, ErrNoTerms
	}
	if only != nil && len(only) == 0 {
		return nil, 0, nil
	}
	conj := make([]query.Query, 0, len(terms)+1)
	for _, t := range terms {
		disj := make([]query.Query, 0, len(fieldBoosts))
		for _, f := range fieldBoosts {
			tq := query.NewTermQuery(t)
			tq.SetField(f.name)
			tq.SetBoost(f.boost)
			disj = append(disj, tq)
		}
		conj = append(conj, query.NewDisjunctionQuery(disj))
	}
	if only != nil {
		// Boost 0: the restriction must not change the scores (neither by
		// its own constant nor through the query norm), so a restricted
		// search ranks exactly as an unrestricted one.
		idq := query.NewDocIDQuery(only)
		idq.SetBoost(0)
		conj = append(conj, idq)
	}
	size := limit
	if size <= 0 {
		n, err := ix.b.DocCount()
		if err != nil {
			return nil, 0, err
		}
		size = int(n)
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(conj), size, 0, false)
	if limit > 0 {
		// Ties by ID make pages stable. Asking for every match, the caller
		// sorts: loading each ID to sort by it would double the cost.
		req.SortBy([]string{"-_score", "_id"})
	}
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search %q: %w", strings.Join(terms, " "), err)
	}
	hits = make([]Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = Hit{ID: h.ID, Score: h.Score}
	}
	return hits, int(res.Total), nil
}

// Field is a text field of the index and the weight a match in it
// carries.
type Field struct {
	Name  string
	Boost float64
}

// Fields lists the index's text fields, most telling first.
func Fields() []Field {
	out := make([]Field, len(fieldBoosts))
	for i, f := range fieldBoosts {
		out[i] = Field{f.name, f.boost}
	}
	return out
}

// TermDocs returns the IDs of the documents holding an analysed term (one
// of Terms' results) in a field, in no set order: the term's postings. A
// caller that keeps them as sets can combine and score them itself, which
// is much cheaper than a search when it already holds candidates.
func (ix *Index) TermDocs(ctx context.Context, term, field string) ([]string, error) {
	tq := query.NewTermQuery(term)
	tq.SetField(field)
	n, err := ix.b.DocCount()
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(tq, int(n), 0, false)
	req.Score = "none"
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("term %q in %s: %w", term, field, err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// Numbering maps the documents of one snapshot of the index to the
// caller's dense numbers (a catalog's ordinals), so that a term's
// postings are read straight off the index, without loading each
// document's ID: what makes a cold term cost milliseconds, not a second.
// The snapshot is held until Close; the index is read-only while served.
type Numbering struct {
	r    index.IndexReader
	ords []uint32 // by the index's own document number: the caller's number + 1, 0 for none
	docs int
}

// Number reads every document of the index once and numbers it with
// number; a document number refuses (false) is left out of postings.
func (ix *Index) Number(ctx context.Context, number func(id string) (uint32, bool)) (*Numbering, error) {
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, fmt.Errorf("text index: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("text index reader: %w", err)
	}
	n := &Numbering{r: r}
	all, err := r.DocIDReaderAll()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("text index documents: %w", err)
	}
	defer all.Close()
	for i := 0; ; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			r.Close()
			return nil, ctx.Err()
		}
		id, err := all.Next()
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("text index documents: %w", err)
		}
		if id == nil {
			break
		}
		num, ok := docNum(id)
		if !ok {
			r.Close()
			return nil, fmt.Errorf("text index: document number of %d bytes, want 8", len(id))
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("text index document %d: %w", num, err)
		}
		o, ok := number(ext)
		if !ok {
			continue
		}
		if num >= uint64(len(n.ords)) {
			if num > 1<<32 {
				r.Close()
				return nil, fmt.Errorf("text index: document number %d out of range", num)
			}
			n.ords = append(n.ords, make([]uint32, int(num)+1-len(n.ords))...)
		}
		n.ords[num] = o + 1
		n.docs++
	}
	return n, nil
}

// docNum reads scorch's internal document ID: a big-endian number.
func docNum(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// Docs is how many documents the numbering holds.
func (n *Numbering) Docs() int { return n.docs }

// Postings calls add with the number of each document holding an
// analysed term in a field.
func (n *Numbering) Postings(ctx context.Context, term, field string, add func(uint32)) error {
	tfr, err := n.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return fmt.Errorf("term %q in %s: %w", term, field, err)
	}
	defer tfr.Close()
	var d index.TermFieldDoc
	for i := 0; ; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		got, err := tfr.Next(d.Reset())
		if err != nil {
			return fmt.Errorf("term %q in %s: %w", term, field, err)
		}
		if got == nil {
			return nil
		}
		if num, ok := docNum(got.ID); ok && num < uint64(len(n.ords)) && n.ords[num] != 0 {
			add(n.ords[num] - 1)
		}
	}
}

// Close releases the snapshot.
func (n *Numbering) Close() error { return n.r.Close() }

// Nearest returns the term of the index, in any field, closest to an
// analysed term within fuzziness edits (1 or 2, Levenshtein, through
// Bleve's fuzzy dictionary): the fewest edits, then the most documents,
// then the first in byte order. ok is false when there is none.
func (n *Numbering) Nearest(term string, fuzziness int) (best string, ok bool, err error) {
	type cand struct {
		dist  uint8
		count uint64
	}
	fr, fuzzy := n.r.(index.IndexReaderFuzzy)
	if !fuzzy {
		return "", false, fmt.Errorf("terms near %q: the text index reads no fuzzy dictionary", term)
	}
	cands := map[string]cand{}
	for _, f := range Fields() {
		d, auto, err := fr.FieldDictFuzzyAutomaton(f.Name, term, fuzziness, "")
		if err != nil {
			return "", false, fmt.Errorf("terms near %q in %s: %w", term, f.Name, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return "", false, fmt.Errorf("terms near %q in %s: %w", term, f.Name, err)
			}
			if e == nil {
				break
			}
			match, dist := auto.MatchAndDistance(e.Term)
			if !match || e.Term == term {
				continue
			}
			c := cands[e.Term]
			c.dist, c.count = dist, c.count+e.Count
			cands[e.Term] = c
		}
		d.Close()
	}
	var bc cand
	for t, c := range cands {
		if !ok || c.dist < bc.dist || c.dist == bc.dist && (c.count > bc.count || c.count == bc.count && t < best) {
			best, bc, ok = t, c, true
		}
	}
	return best, ok, nil
}
