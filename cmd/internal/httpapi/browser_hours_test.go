package httpapi_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// rawHours is a timetable as a source published it, HTML that could not
// be read into opening_hours, with markup that must never reach the page.
const rawHours = `<ul><li>Lundi&nbsp;: 9h-12h</li><li>Jeudi : 14h-17h</li>` +
	`<li>Autres jours : sur rendez-vous (t&#233;l&#233;phoner)</li></ul>` +
	`<script>window.rawRan = true</script><img src="x" onerror="window.rawRan = true">`

// MustRawHoursServer serves a few demo places, one of them with its hours
// only as published (opening_hours_raw, no opening_hours); it returns the
// server and that place.
func MustRawHoursServer(tb testing.TB) (*httptest.Server, ingest.Place) {
	tb.Helper()
	demo := MustCatalog(tb)
	places := append([]ingest.Place(nil), demo.Places()[:20]...)
	raw := &places[0]
	raw.OpeningHours, raw.OpeningHoursRaw = "", rawHours
	g := indextest.Gazetteer(tb)
	cat, err := index.NewMem(places, g)
	if err != nil {
		tb.Fatalf("catalog: %v", err)
	}
	tb.Cleanup(func() { cat.Close() })
	b := httpapi.Backend{Search: index.NewEngine(cat), Places: cat, Query: query.New(g, cat)}
	srv := httptest.NewServer(httpapi.NewServer(b, nil, httpapi.Options{TileURL: "/tiles/{z}/{x}/{y}.png", Attribution: "tests"}))
	tb.Cleanup(srv.Close)
	return srv, *raw
}

// TestBrowserRawHours selects a place whose hours are known only as
// published: its card shows them, under their own label, as plain text.
func TestBrowserRawHours(t *testing.T) {
	ctx := MustBrowser(t)
	srv, p := MustRawHoursServer(t)
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/?q="+url.QueryEscape(p.Name))); err != nil {
		t.Fatal(err)
	}
	item := `#results li[data-id="` + p.ID + `"] button`
	waitJS(t, ctx, "the place in the list", `document.querySelector('`+item+`') !== null`)
	if err := chromedp.Run(ctx, chromedp.Click(item, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "its card", `!document.querySelector('#details').hidden && document.querySelector('#details').dataset.id === '`+p.ID+`'`)
	card := evalJS[string](t, ctx, `document.querySelector('#details').innerText`)
	if !strings.Contains(card, "Horaires (tels que publiés)") {
		t.Fatalf("card lacks the label of hours as published:\n%s", card)
	}
	// The row of the hours as published: its text, and the elements in it.
	const dd = `[...document.querySelectorAll('#details dt')].find(dt => dt.textContent === 'Horaires (tels que publiés)').nextElementSibling`
	hours := evalJS[string](t, ctx, dd+`.innerText`)
	for _, want := range []string{"Lundi : 9h-12h", "Jeudi : 14h-17h", "Autres jours : sur rendez-vous (téléphoner)"} {
		if !strings.Contains(hours, want) || !strings.Contains(card, want) {
			t.Errorf("hours as published lack %q: %q", want, hours)
		}
	}
	for _, bad := range []string{"<", ">", "&#", "&nbsp;", "rawRan"} {
		if strings.Contains(hours, bad) || strings.Contains(card, bad) {
			t.Errorf("the card shows %q of the published markup:\n%s", bad, card)
		}
	}
	// The value's markup built nothing (only line breaks separate its
	// items), and no script of it ran.
	if tags := evalJS[[]string](t, ctx, `[...`+dd+`.querySelectorAll('*')].map(e => e.tagName).filter(n => n !== 'BR')`); len(tags) != 0 {
		t.Errorf("the hours as published hold elements %v", tags)
	}
	if ran := evalJS[bool](t, ctx, `window.rawRan === true`); ran {
		t.Error("a script of the published markup ran")
	}
	screenshot(t, ctx, "raw-hours")

	// In English, the label is English.
	if err := chromedp.Run(ctx, chromedp.Click("#lang", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the English card", `document.querySelector('#details').innerText.includes('Hours (as published)')`)
}
