package httpapi_test

import (
	"sync"

	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
)

// The tests in this file drive the map page and the embeddable widget in
// headless Chromium (Debian's chromium package). Without it they skip,
// except in CI (CI=true), where .ci/run installs it and a missing browser
// is a failure. Screenshots land in $TIERSLIEUX_ARTIFACTS, or a temporary
// directory named in the log.

// MustBrowser starts headless Chromium and returns a context for it.
func MustBrowser(tb testing.TB) context.Context {
	tb.Helper()
	path := os.Getenv("TIERSLIEUX_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("no Chromium found: CI must install Debian's chromium package (see .ci/run)")
		}
		tb.Skip("no Chromium on this machine (apt-get install chromium): browser tests skipped")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("lang", "fr-FR"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	// The pages' security policy must not block anything they load or
	// run: Chromium reports each violation in its log, source "security".
	var (
		mu         sync.Mutex
		violations []string
	)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && e.Entry.Source == cdplog.SourceSecurity {
			mu.Lock()
			violations = append(violations, e.Entry.Text)
			mu.Unlock()
		}
	})
	tb.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
		mu.Lock()
		defer mu.Unlock()
		for _, v := range violations {
			tb.Errorf("the page broke its security policy: %s", v)
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable(), chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// MustArtifactDir is where screenshots go.
func MustArtifactDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("TIERSLIEUX_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tierslieux-browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// screenshot saves the page as name.png among the artifacts.
func screenshot(tb testing.TB, ctx context.Context, name string) {
	tb.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)); err != nil {
		tb.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(MustArtifactDir(tb), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot: %s", path)
}

// waitJS polls a JavaScript expression until it returns true.
func waitJS(tb testing.TB, ctx context.Context, what, expr string) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &ok)); err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			screenshot(tb, ctx, "timeout-"+strings.ReplaceAll(what, " ", "-"))
			tb.Fatalf("timed out waiting for %s (%s)", what, expr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func evalJS[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	var v T
	if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &v)); err != nil {
		tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// apiIDs asks the API directly for the IDs a query returns, as a reference.
func apiIDs(tb testing.TB, base, query string) []string {
	tb.Helper()
	resp, err := http.Get(base + "/v1/search?" + query)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Results []struct{ ID string } `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, r := range body.Results {
		ids = append(ids, r.ID)
	}
	return ids
}

const headlineQuery = "fablab with 3D printing within 30 km of Rodez"

// newBrowserServer serves the demo data with the base map pointed at the
// server itself (missing tiles, answered at once): no request leaves the
// machine, and page loads do not wait on a tile server.
func newBrowserServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	h := httpapi.NewServer(MustBackend(tb), nil, httpapi.Options{TileURL: "/tiles/{z}/{x}/{y}.png", Attribution: "tests"})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

func TestBrowserSearchPage(t *testing.T) {
	ctx := MustBrowser(t)
	srv := newBrowserServer(t)
	defer srv.Close()
	want := apiIDs(t, srv.URL, "q="+strings.ReplaceAll(headlineQuery, " ", "+"))
	if len(want) != 6 {
		t.Fatalf("the API gives %d results for the headline query, want 6", len(want))
	}

	// Type the headline query and see the results in the list and on the map.
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", headlineQuery+"\n", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "six results", `document.querySelectorAll('#results li[data-id]').length === 6`)
	got := evalJS[[]string](t, ctx, `[...document.querySelectorAll('#results li[data-id]')].map(li => li.dataset.id)`)
	if !slices.Equal(got, want) {
		t.Errorf("list shows %v, the API %v", got, want)
	}
	// The map redraws after the list: wait for its markers to be the results'.
	sorted := slices.Sorted(slices.Values(want))
	wantJSON, _ := json.Marshal(sorted)
	waitJS(t, ctx, "the results' markers", `JSON.stringify([...document.querySelectorAll('#map .marker[data-id]')].map(m => m.dataset.id).sort()) === `+"`"+string(wantJSON)+"`")
	if u := evalJS[string](t, ctx, `location.search`); !strings.Contains(u, "q=") {
		t.Errorf("the query is not in the URL: %q", u)
	}
	screenshot(t, ctx, "search")

	// Select a result: its card opens.
	if err := chromedp.Run(ctx, chromedp.Click(`#results li[data-id="`+want[0]+`"] button`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "details card", `!document.querySelector('#details').hidden && document.querySelector('#details').textContent.length > 20`)
	card := evalJS[string](t, ctx, `document.querySelector('#details').textContent`)
	if !strings.Contains(card, "Établi") || !strings.Contains(strings.ToLower(card), "exemple fictif") {
		t.Errorf("card for %s reads %.200q; want its name and the fictional-example badge", want[0], card)
	}
	screenshot(t, ctx, "details")
	chromedp.Run(ctx, chromedp.KeyEvent("\x1b"))

	// Pan the map with the mouse, then search the area.
	var box []float64
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const r = document.querySelector('#map').getBoundingClientRect(); return [r.left, r.top, r.width, r.height] })()`, &box)); err != nil {
		t.Fatal(err)
	}
	x, y := box[0]+box[2]/2, box[1]+box[3]/2
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		if err := input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithClickCount(1).Do(ctx); err != nil {
			return err
		}
		for i := 1; i <= 10; i++ {
			if err := input.DispatchMouseEvent(input.MouseMoved, x+float64(i*15), y+float64(i*5)).WithButton(input.Left).Do(ctx); err != nil {
				return err
			}
		}
		return input.DispatchMouseEvent(input.MouseReleased, x+150, y+50).WithButton(input.Left).WithClickCount(1).Do(ctx)
	})); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "search-this-area button", `!document.querySelector('#search-area').hidden`)
	if err := chromedp.Run(ctx, chromedp.Click("#search-area", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "bbox in the URL", `location.search.includes('bbox=')`)
	waitJS(t, ctx, "area results", `document.querySelectorAll('#results li[data-id]').length > 0`)
	screenshot(t, ctx, "area")

	// Back returns to the headline query.
	if err := chromedp.Run(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "back to the headline results", `!location.search.includes('bbox=') && document.querySelectorAll('#results li[data-id]').length === 6`)
	// A shared link: the query in the URL runs on load. How long the first
	// results took, from the start of navigation to the end of the search
	// response, is logged (a figure for the README, not a check).
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/?q=coworking+pr%C3%A8s+de+Millau")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "results of a shared link", `document.querySelectorAll('#results li[data-id]').length > 0`)
	ms := evalJS[float64](t, ctx, `Math.max(...performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/search')).map(e => e.responseEnd))`)
	t.Logf("first results %.0f ms after navigation started (search response received)", ms)
}

func TestBrowserGeolocationDenied(t *testing.T) {
	ctx := MustBrowser(t)
	srv := newBrowserServer(t)
	defer srv.Close()
	if err := chromedp.Run(ctx,
		browser.SetPermission(&browser.PermissionDescriptor{Name: "geolocation"}, browser.PermissionSettingDenied).WithOrigin(srv.URL),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#locate", chromedp.ByQuery),
		chromedp.Click("#locate", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "refusal message", `document.querySelector('#message').textContent.includes('refusée')`)
	screenshot(t, ctx, "geolocation-denied")
}

func TestBrowserEmbedOnAnotherOrigin(t *testing.T) {
	ctx := MustBrowser(t)
	api := newBrowserServer(t)
	defer api.Close()
	// A partner's page, on another origin (another port), with the
	// one-line embed (and the base map kept on this machine).
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie</title>
<style>li { color: red; font-size: 40px }</style></head><body><h1>Tiers-lieux près de chez vous</h1>
<script src="%s/embed.js" defer></script>
<tierslieux-search near="Rodez" type="fablab" radius="30km" tiles="%s/tiles/{z}/{x}/{y}.png"></tierslieux-search>
</body></html>`, api.URL, api.URL)
	}))
	defer partner.Close()
	want := apiIDs(t, api.URL, "near=Rodez&type=fablab&radius=30km")
	if len(want) == 0 {
		t.Fatal("the API finds no fablab within 30 km of Rodez")
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(partner.URL+"/")); err != nil {
		t.Fatal(err)
	}
	const items = `(() => { const r = document.querySelector('tierslieux-search')?.shadowRoot; return r ? [...r.querySelectorAll('li[data-id]')].map(li => li.dataset.id) : [] })()`
	waitJS(t, ctx, "widget results", items+`.length > 0`)
	got := evalJS[[]string](t, ctx, items)
	if !slices.Equal(got, want) {
		t.Errorf("widget shows %v, the API %v", got, want)
	}
	// The partner's CSS does not reach inside the widget.
	color := evalJS[string](t, ctx, `getComputedStyle(document.querySelector('tierslieux-search').shadowRoot.querySelector('li[data-id]')).color`)
	if color == "rgb(255, 0, 0)" {
		t.Errorf("the partner's li style leaks into the widget")
	}
	screenshot(t, ctx, "embed")
}

// TestBrowserEmbedFrame: a partner page shows the iframe form, /embed,
// which its policy lets partners frame; it works within its own policy
// (MustBrowser fails the test on any violation).
func TestBrowserEmbedFrame(t *testing.T) {
	ctx := MustBrowser(t)
	api := newBrowserServer(t)
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie</title></head><body>
<iframe id="tl" src="%s/embed?near=Rodez&type=fablab&radius=30km" width="600" height="500"></iframe>
<script>document.querySelector('#tl').addEventListener('load', () => { window.framed = true })</script></body></html>`, api.URL)
	}))
	defer partner.Close()
	want := apiIDs(t, api.URL, "near=Rodez&type=fablab&radius=30km")
	if err := chromedp.Run(ctx, chromedp.Navigate(partner.URL+"/")); err != nil {
		t.Fatal(err)
	}
	// The frame loads (a frame the policy refuses is reported as a
	// violation, which fails the test).
	waitJS(t, ctx, "the frame loaded", `window.framed === true`)
	// Open the frame's page directly in the same tab to read its results:
	// the same document, with the same policy.
	if err := chromedp.Run(ctx, chromedp.Navigate(api.URL+"/embed?near=Rodez&type=fablab&radius=30km")); err != nil {
		t.Fatal(err)
	}
	const items = `(() => { const r = document.querySelector('tierslieux-search')?.shadowRoot; return r ? [...r.querySelectorAll('li[data-id]')].map(li => li.dataset.id) : [] })()`
	waitJS(t, ctx, "embed page results", items+`.length > 0`)
	if got := evalJS[[]string](t, ctx, items); !slices.Equal(got, want) {
		t.Errorf("/embed shows %v, the API %v", got, want)
	}
}

// TestBrowserCorrection: a typo in a town is read as the town, the page
// says so, and the results are around it; a word that would empty the
// list is said ignored, with a link that requires it.
func TestBrowserCorrection(t *testing.T) {
	ctx := MustBrowser(t)
	srv := newBrowserServer(t)
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", "fablab montpelier\n", chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "results", `document.querySelectorAll('#results li[data-id]').length > 0`)
	waitJS(t, ctx, "the correction", `document.querySelector('#message').textContent.includes('Montpellier (34)')`)
	msg := evalJS[string](t, ctx, `document.querySelector('#message').textContent`)
	if !strings.Contains(msg, "« montpelier » lu comme Montpellier (34)") {
		t.Errorf("message %q does not say the correction", msg)
	}
	first := evalJS[string](t, ctx, `document.querySelector('#results li[data-id]').dataset.id`)
	if first != "tlo-044" {
		t.Errorf("first result %s, want the Montpellier fablab tlo-044", first)
	}
	summary := evalJS[string](t, ctx, `document.querySelector('#summary').textContent`)
	if !strings.Contains(summary, "Montpellier (34)") {
		t.Errorf("summary %q does not name Montpellier with its département", summary)
	}
	screenshot(t, ctx, "correction")

	// An ignored word, and the way to require it.
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/?q=coworking+zzzqx+pr%C3%A8s+de+Millau")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the ignored word", `document.querySelector('#message').textContent.includes('« zzzqx » ignoré')`)
	waitJS(t, ctx, "results despite it", `document.querySelectorAll('#results li[data-id]').length > 0`)
	if err := chromedp.Run(ctx, chromedp.Click(`#message a`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the word required", `new URLSearchParams(location.search).get('q').includes('+zzzqx')`)
	waitJS(t, ctx, "no place holds it", `document.querySelector('#results li.empty') !== null`)
	empty := evalJS[string](t, ctx, `document.querySelector('#results li.empty').textContent`)
	if strings.Contains(empty, "rayon") || !strings.Contains(empty, "zzzqx") {
		t.Errorf("empty list says %q: want the word that emptied it, not the radius", empty)
	}
}

// TestBrowserTripAndOpen: the trip mode finds the coworkings on the way
// from L'Isle-Jourdain to Toulouse, draws the route and its detour area,
// lists them by detour with what each costs; the "Ouvert" chips filter by
// hours and every row says whether the place is open now.
func TestBrowserTripAndOpen(t *testing.T) {
	ctx := MustBrowser(t)
	srv := newBrowserServer(t)
	want := apiIDs(t, srv.URL, "type=coworking&from=L%27Isle-Jourdain&to=Toulouse&detour=10km")
	if len(want) < 3 {
		t.Fatalf("the API finds %d coworkings on the way", len(want))
	}
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/?type=coworking"),
		chromedp.WaitVisible("#trip-toggle", chromedp.ByQuery),
		chromedp.Click("#trip-toggle", chromedp.ByQuery),
		chromedp.WaitVisible("#trip-from", chromedp.ByQuery),
		chromedp.SendKeys("#trip-from", "L'Isle-Jourdain", chromedp.ByQuery),
		chromedp.SendKeys("#trip-to", "Toulouse", chromedp.ByQuery),
		chromedp.Click(`#trip button[type="submit"]`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the trip in the URL", `new URLSearchParams(location.search).get('to') === 'Toulouse'`)
	waitJS(t, ctx, "results on the way", `document.querySelectorAll('#results li[data-id]').length === `+fmt.Sprint(len(want)))
	got := evalJS[[]string](t, ctx, `[...document.querySelectorAll('#results li[data-id]')].map(li => li.dataset.id)`)
	if !slices.Equal(got, want) {
		t.Errorf("list %v, the API %v (by detour)", got, want)
	}
	detours := evalJS[[]string](t, ctx, `[...document.querySelectorAll('#results .detour')].map(e => e.textContent)`)
	if len(detours) != len(want) || !strings.Contains(detours[0], "de détour") {
		t.Errorf("detours shown %q", detours)
	}
	waitJS(t, ctx, "the route and its detour area", `document.querySelector('#map .route-line') !== null && document.querySelector('#map .detour-area') !== null`)
	if s := evalJS[string](t, ctx, `document.querySelector('#summary').textContent`); !strings.Contains(s, "trajet de L'Isle-Jourdain (32) à Toulouse (31)") {
		t.Errorf("summary %q does not say the trip", s)
	}
	// The map settles on the trip, its markers drawn, before the picture.
	waitJS(t, ctx, "the trip's markers", `document.querySelectorAll('#map .marker[data-id]').length === `+fmt.Sprint(len(want))+` && !document.querySelector('#map .leaflet-zoom-anim')`)
	hours := evalJS[[]string](t, ctx, `[...document.querySelectorAll('#results .hours')].map(e => e.textContent)`)
	if len(hours) == 0 || !(strings.HasPrefix(hours[0], "Ouvert maintenant") || strings.HasPrefix(hours[0], "Fermé maintenant")) {
		t.Errorf("rows say of their hours %q", hours)
	}
	screenshot(t, ctx, "trip")

	// "Ouvert : samedi" keeps the coworkings open on Saturday.
	wantSat := apiIDs(t, srv.URL, "type=coworking&open=sa")
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/?type=coworking"),
		chromedp.WaitVisible(`[data-open="sa"]`, chromedp.ByQuery),
		chromedp.Click(`[data-open="sa"]`, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "open=sa in the URL", `new URLSearchParams(location.search).get('open') === 'sa'`)
	waitJS(t, ctx, "the Saturday places", `document.querySelectorAll('#results li[data-id]').length === `+fmt.Sprint(len(wantSat)))
	if p := evalJS[string](t, ctx, `document.querySelector('[data-open="sa"]').getAttribute('aria-pressed')`); p != "true" {
		t.Errorf("the samedi chip is not pressed: %q", p)
	}
	if s := evalJS[string](t, ctx, `document.querySelector('#summary').textContent`); !strings.Contains(strings.ToLower(s), "samedi") {
		t.Errorf("summary %q does not say the hours", s)
	}
	screenshot(t, ctx, "open-chips")
}
