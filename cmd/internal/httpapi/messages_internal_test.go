package httpapi

import (
	"math/rand/v2"
	"net/http/httptest"
	"testing"

	"golang.org/x/text/language"

	"github.com/tierslieux/tierslieux/index/memo"
)

// TestAcceptedLangs: a request's language read through the kept answers
// is the one its Accept-Language header asks for, whatever headers came
// before it, long ones (not kept) included.
func TestAcceptedLangs(t *testing.T) {
	headers := map[string]language.Tag{
		"":                                    language.English,
		"fr":                                  language.French,
		"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7": language.French,
		"en-GB,en;q=0.9,fr;q=0.8":             language.English,
		"de-DE,de;q=0.9":                      language.English,
		"de-DE,de;q=0.9,fr;q=0.5":             language.French,
		"oc,fr;q=0.8":                         language.French,
		"*":                                   language.English,
		"es-ES,es;q=0.9,it;q=0.8,pt;q=0.7,fr;q=0.6,en;q=0.5,de;q=0.4,nl;q=0.3": language.French,
		"not a language tag": language.English,
	}
	var keys []string
	for h := range headers {
		keys = append(keys, h)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		h := keys[rng.IntN(len(keys))]
		r := httptest.NewRequest("GET", "/v1/search", nil)
		r.Header.Set("Accept-Language", h)
		if got := findLang(r); got != headers[h] {
			t.Fatalf("Accept-Language %q: %v, want %v", h, got, headers[h])
		}
	}
	long := 0
	for h := range headers {
		if len(h) > memo.MaxKey {
			long++
		}
	}
	if long == 0 {
		t.Fatal("no header longer than a kept key")
	}
}
