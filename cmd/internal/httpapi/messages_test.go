package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// userFormats lists the message formats the packages that answer users
// pass to index.Errorf (and the helpers that call it with a format).
func userFormats(tb testing.TB) []string {
	tb.Helper()
	fset := token.NewFileSet()
	var out []string
	for _, dir := range []string{"../../../index", "../query", "."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				tb.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				arg := -1
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if fn.Sel.Name == "Errorf" && fmtOf(fn.X) != "fmt" {
						arg = 2
					}
				case *ast.Ident:
					switch fn.Name {
					case "Errorf":
						arg = 2
					case "unknownPlace":
						arg = 3
					}
				}
				if arg >= 0 && arg < len(call.Args) {
					if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out = append(out, s)
					}
				}
				return true
			})
		}
	}
	return out
}

func fmtOf(x ast.Expr) string {
	if id, ok := x.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestEveryMessageInFrench: every message users can get has a French
// translation, so the French page never shows English.
func TestEveryMessageInFrench(t *testing.T) {
	formats := userFormats(t)
	if len(formats) < 30 {
		t.Fatalf("found %d formats: the scan is broken", len(formats))
	}
	fr := message.NewPrinter(language.French)
	for _, f := range formats {
		if got := fr.Sprintf(f); got == message.NewPrinter(language.English).Sprintf(f) && strings.ContainsAny(strings.ReplaceAll(f, "%v", ""), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("no French for %q", f)
		}
	}
}

func TestMessagesInTheUsersLanguage(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name, url, acceptLanguage string
		contains                  []string
	}{
		{"English by default", "/v1/search?near=Rodex", "", []string{"is not a French commune", "did you mean Rodez (12)"}},
		{"lang=fr", "/v1/search?near=Rodex&lang=fr", "", []string{"n'est pas une commune française", "vouliez-vous dire Rodez (12)"}},
		{"Accept-Language fr", "/v1/search?near=Rodex", "fr-FR,fr;q=0.9,en;q=0.5", []string{"n'est pas une commune française"}},
		{"lang wins over Accept-Language", "/v1/search?near=Rodex&lang=en", "fr-FR", []string{"is not a French commune"}},
		{"French in q", "/v1/search?q=coworking+pr%C3%A8s+de+Rodex&lang=fr", "", []string{"n'est pas une commune, un département ou une région"}},
		{"French on another route", "/v1/geocode?q=&lang=fr", "", []string{"est vide"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.url, nil)
			if tc.acceptLanguage != "" {
				req.Header.Set("Accept-Language", tc.acceptLanguage)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			e := MustError(t, rec, http.StatusBadRequest, map[bool]string{true: "invalid_parameter", false: "unknown_place"}[strings.Contains(tc.url, "geocode")])
			for _, want := range tc.contains {
				if !strings.Contains(e.Error.Message, want) {
					t.Errorf("message %q lacks %q", e.Error.Message, want)
				}
			}
		})
	}
	rec := MustServe(t, s, http.MethodGet, "/v1/search?q=fablab&lang=de")
	if e := MustError(t, rec, http.StatusBadRequest, "invalid_parameter"); e.Error.Param != "lang" {
		t.Errorf("lang=de: error on %q, want lang", e.Error.Param)
	}
}
