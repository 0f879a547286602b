package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/keys"
)

// TestBrowserUnderBasePath: behind a reverse proxy that serves the
// service at /tiers-lieux/ (and strips the prefix), the page, its assets,
// its API calls and the widget all stay under the prefix.
func TestBrowserUnderBasePath(t *testing.T) {
	ctx := MustBrowser(t)
	const prefix = "/tiers-lieux"
	api := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{TileURL: prefix + "/tiles/{z}/{x}/{y}.png", Attribution: "tests", BasePath: prefix})
	var (
		mu      sync.Mutex
		outside []string
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/partner" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body>
<script src="%s/embed.js" defer></script>
<tierslieux-search near="Rodez" type="fablab" radius="30km" tiles="%s/tiles/{z}/{x}/{y}.png"></tierslieux-search></body></html>`, prefix, prefix)
			return
		}
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			mu.Lock()
			outside = append(outside, r.URL.Path)
			mu.Unlock()
			http.NotFound(w, r)
			return
		}
		http.StripPrefix(prefix, api).ServeHTTP(w, r)
	}))
	defer proxy.Close()

	want := apiIDs(t, proxy.URL+prefix, "q="+strings.ReplaceAll(headlineQuery, " ", "+"))
	if len(want) == 0 {
		t.Fatal("no results through the proxy")
	}
	if err := chromedp.Run(ctx,
		chromedp.Navigate(proxy.URL+prefix+"/"),
		chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", headlineQuery+"\n", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	// The page lists every place on load; the typed search then replaces them.
	wantJSON, _ := json.Marshal(want)
	waitJS(t, ctx, "the search's results under the prefix", "JSON.stringify([...document.querySelectorAll('#results li[data-id]')].map(li => li.dataset.id)) === `"+string(wantJSON)+"`")
	if !strings.Contains(evalJS[string](t, ctx, `location.search`), "q=") {
		t.Error("the query is not in the page's URL")
	}
	if p := evalJS[string](t, ctx, `location.pathname`); p != prefix+"/" {
		t.Errorf("the page moved to %s, out of its prefix", p)
	}

	widget := apiIDs(t, proxy.URL+prefix, "near=Rodez&type=fablab&radius=30km")
	if err := chromedp.Run(ctx, chromedp.Navigate(proxy.URL+"/partner")); err != nil {
		t.Fatal(err)
	}
	const items = `(() => { const r = document.querySelector('tierslieux-search')?.shadowRoot; return r ? [...r.querySelectorAll('li[data-id]')].map(li => li.dataset.id) : [] })()`
	waitJS(t, ctx, "widget results under the prefix", items+`.length > 0`)
	if got := evalJS[[]string](t, ctx, items); !slices.Equal(got, widget) {
		t.Errorf("widget shows %v, the API %v", got, widget)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range outside {
		if !strings.HasPrefix(p, "/favicon") {
			t.Errorf("the page or widget asked for %s, outside %s", p, prefix)
		}
	}
}

// TestBrowserWidgetKey: a widget given a partner's key shows only the
// key's territory, whatever its attributes ask, and a key limited to
// other origins is refused with a message, not an empty list.
func TestBrowserWidgetKey(t *testing.T) {
	ctx := MustBrowser(t)
	var f keys.File
	aveyron, err := f.Add(keys.Entry{ID: "aveyron", Scope: httpapi.ScopeSearch, Depts: []string{"12"}})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := f.Add(keys.Entry{ID: "elsewhere", Scope: httpapi.ScopeSearch, Origins: []string{"https://partner.example"}})
	if err != nil {
		t.Fatal(err)
	}
	h := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{TileURL: "/tiles/{z}/{x}/{y}.png", Attribution: "tests", Keys: f.Ring()})
	api := httptest.NewServer(h)
	defer api.Close()
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Aveyron</title></head><body>
<script src="%s/embed.js" defer></script>
<tierslieux-search id="a" type="fablab" limit="50" key="%s" tiles="%s/tiles/{z}/{x}/{y}.png"></tierslieux-search>
<tierslieux-search id="b" type="fablab" key="%s" tiles="%s/tiles/{z}/{x}/{y}.png"></tierslieux-search></body></html>`,
			api.URL, aveyron, api.URL, elsewhere, api.URL)
	}))
	defer partner.Close()

	// The reference: the same search with the key, and without it.
	resp, err := http.Get(api.URL + "/v1/search?type=fablab&limit=50&key=" + aveyron)
	if err != nil {
		t.Fatal(err)
	}
	var scoped struct {
		Results []struct {
			ID   string
			Dept string `json:"dept"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&scoped)
	resp.Body.Close()
	all := apiIDs(t, api.URL, "type=fablab&limit=50")
	var want []string
	for _, r := range scoped.Results {
		want = append(want, r.ID)
	}
	if len(want) == 0 || len(want) >= len(all) {
		t.Fatalf("the Aveyron key finds %d fablabs of %d: the test needs some, not all", len(want), len(all))
	}

	if err := chromedp.Run(ctx, chromedp.Navigate(partner.URL+"/")); err != nil {
		t.Fatal(err)
	}
	const items = `(() => { const r = document.querySelector('#a')?.shadowRoot; return r ? [...r.querySelectorAll('li[data-id]')].map(li => li.dataset.id) : [] })()`
	waitJS(t, ctx, "scoped widget results", items+`.length > 0`)
	if got := evalJS[[]string](t, ctx, items); !slices.Equal(got, want) {
		t.Errorf("widget with the Aveyron key shows %v, the API with the key %v", got, want)
	}
	// The other key is refused from this origin: the widget says so.
	const refused = `(() => { const r = document.querySelector('#b')?.shadowRoot; return r ? r.textContent : '' })()`
	waitJS(t, ctx, "refused key's message", refused+`.includes('origine')`)
	if n := evalJS[int](t, ctx, `document.querySelector('#b').shadowRoot.querySelectorAll('li[data-id]').length`); n != 0 {
		t.Errorf("a key refused for this origin still shows %d places", n)
	}
}
