package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// The API's contract is cmd/internal/httpapi/openapi.json. Every answer a
// test receives through MustServe or MustHTTP is checked against it
// (checkContract): the request's path and method must be described, its
// parameters valid or else the answer an error, the status documented,
// the body and headers as their schemas say, the Content-Type one the
// document lists. So the code cannot answer what the document does not
// say, and the document cannot promise what the tests never see.

// contractFile is the document, read from the source tree (the server
// embeds the same file; TestOpenAPIServed checks it serves it).
const contractFile = "openapi.json"

// theContract loads and validates the document once per test binary.
var theContract = sync.OnceValues(func() (*contract, error) {
	raw, err := os.ReadFile(contractFile)
	if err != nil {
		return nil, err
	}
	return loadContract(raw)
})

// contract is a loaded document, with its paths compiled for routing.
type contract struct {
	doc    *openapi3.T
	routes []contractRoute
}

type contractRoute struct {
	path   string // the template: /v1/places/{id}
	re     *regexp.Regexp
	params []string
	item   *openapi3.PathItem
}

func loadContract(raw []byte) (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("openapi %q: want 3.1", doc.OpenAPI)
	}
	// Examples are checked against their schemas, formats and patterns
	// enforced: an example that does not validate is a document error.
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation(), openapi3.EnableSchemaPatternValidation()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	registerTextDecoders(doc)
	c := &contract{doc: doc}
	for _, path := range doc.Paths.InMatchingOrder() {
		// A path parameter is one segment, as in the router, except the
		// static assets' path, which may hold slashes (/static/{path}
		// is mux's PathPrefix("/static/")).
		pattern := "^"
		var names []string
		rest := path
		for {
			i := strings.Index(rest, "{")
			if i < 0 {
				pattern += regexp.QuoteMeta(rest)
				break
			}
			j := strings.Index(rest, "}")
			name := rest[i+1 : j]
			pattern += regexp.QuoteMeta(rest[:i])
			if strings.HasPrefix(path, "/static/") {
				pattern += "(.+)"
			} else {
				pattern += "([^/]+)"
			}
			names = append(names, name)
			rest = rest[j+1:]
		}
		c.routes = append(c.routes, contractRoute{path: path, re: regexp.MustCompile(pattern + "$"), params: names, item: doc.Paths.Value(path)})
	}
	return c, nil
}

// registerTextDecoders lets kin-openapi read the bodies it has no
// decoder for (pages, scripts, styles, the metrics, a gzipped snapshot,
// assets of any type, NDJSON uploads) as strings, which their schemas
// check: by itself it decodes JSON, forms and a few text types only, and
// fails on the rest.
func registerTextDecoders(doc *openapi3.T) {
	text := func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	}
	register := func(content openapi3.Content) {
		for mt := range content {
			if strings.HasSuffix(mt, "+json") || mt == "application/json" || openapi3filter.RegisteredBodyDecoder(mt) != nil {
				continue
			}
			openapi3filter.RegisterBodyDecoder(mt, text)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				register(op.RequestBody.Value.Content)
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value != nil {
					register(resp.Value.Content)
				}
			}
		}
	}
	for _, resp := range doc.Components.Responses {
		if resp.Value != nil {
			register(resp.Value.Content)
		}
	}
}

// find returns the described path a request path matches, with its path
// parameters, and the operation of the method (nil when the path has
// none for it).
func (c *contract) find(method, escapedPath string) (*contractRoute, map[string]string, *openapi3.Operation) {
	for i := range c.routes {
		rt := &c.routes[i]
		m := rt.re.FindStringSubmatch(escapedPath)
		if m == nil {
			continue
		}
		params := map[string]string{}
		for j, name := range rt.params {
			v, err := url.PathUnescape(m[j+1])
			if err != nil {
				v = m[j+1]
			}
			params[name] = v
		}
		return rt, params, rt.item.GetOperation(method)
	}
	return nil, nil, nil
}

// notTheAPI lists the servers (host:port) that are test doubles, not
// the API: their answers are not the contract's business.
var notTheAPI sync.Map

// MustNotBeTheAPI says that the server at addr (host:port) is a test
// double, whose answers MustHTTP does not check against the contract.
func MustNotBeTheAPI(tb testing.TB, addr string) {
	tb.Helper()
	notTheAPI.Store(addr, true)
	tb.Cleanup(func() { notTheAPI.Delete(addr) })
}

// MustServeBody sends a request with headers and a body to h, as
// MustServe does: the answer is checked against the contract, and so is
// the request's body.
func MustServeBody(tb testing.TB, h http.Handler, method, target string, header http.Header, body []byte) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	checkContract(tb, req, res.StatusCode, res.Header, rec.Body.Bytes())
	return rec
}

// checkContract checks one exchange against the contract, reporting
// every disagreement as a test error (never Fatal: it may run on
// another goroutine than the test's).
func checkContract(tb testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	tb.Helper()
	if _, skip := notTheAPI.Load(req.URL.Host); skip {
		return
	}
	if err := contractError(req, status, header, body); err != nil {
		tb.Errorf("%s %s: answer %d does not follow the contract (openapi.json): %v\nbody: %.300s", req.Method, req.URL.RequestURI(), status, err, body)
	}
}

// contractError says how an exchange departs from the contract, nil when
// it does not.
func contractError(req *http.Request, status int, header http.Header, body []byte) error {
	c, err := theContract()
	if err != nil {
		return fmt.Errorf("the contract does not load: %w", err)
	}
	route, pathParams, op := c.find(req.Method, req.URL.EscapedPath())
	switch {
	case route == nil:
		// Not a path of the API: the only answers are errors, a 404
		// first, or what any request may get before routing.
		return c.checkUndescribed(req, status, header, body, []int{http.StatusNotFound}, "an undescribed path")
	case op == nil:
		// A path of the API with another method: a 405 naming those it
		// has, or what any request may get. The write API's paths exist
		// only on a server with keys and a Writer: elsewhere, a 404.
		expected := []int{http.StatusMethodNotAllowed}
		if strings.HasPrefix(route.path, "/v1/admin/") {
			expected = append(expected, http.StatusNotFound)
		}
		if err := c.checkUndescribed(req, status, header, body, expected, "a method the path does not have"); err != nil {
			return err
		}
		if status == http.StatusMethodNotAllowed && header.Get("Allow") == "" {
			return errors.New("405 without Allow")
		}
		return nil
	}
	// The server has read the request's body: the check reads it again
	// when the request can give it again (GetBody, as MustServeBody
	// sets), and leaves it out otherwise.
	reqOpts := &openapi3filter.Options{AuthenticationFunc: authenticate, MultiError: true, SkipSettingDefaults: true}
	if req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return fmt.Errorf("the request's body cannot be read again: %v", err)
		}
		req = req.Clone(req.Context())
		req.Body = b
	} else {
		reqOpts.ExcludeRequestBody = true
	}
	rv := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      &routers.Route{Spec: c.doc, Path: route.path, PathItem: route.item, Method: req.Method, Operation: op},
		Options:    reqOpts,
	}
	if reqErr := openapi3filter.ValidateRequest(context.Background(), rv); reqErr != nil && status < 400 {
		// The document says the request is wrong; the server took it.
		return fmt.Errorf("the document refuses the request (%v), yet it was answered %d", reqErr, status)
	}
	if status == http.StatusNotModified {
		if op.Responses.Status(status) == nil {
			return fmt.Errorf("status %d is not documented for %s %s", status, req.Method, route.path)
		}
		return nil
	}
	resp := op.Responses.Status(status)
	if resp == nil {
		// A success, a refused key or a refused upload is the operation's
		// own: only the errors any request may meet fall to the default.
		if status < 400 || slices.Contains([]int{http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge}, status) {
			return fmt.Errorf("status %d is not documented for %s %s", status, req.Method, route.path)
		}
		if resp = op.Responses.Default(); resp == nil {
			return fmt.Errorf("status %d is not documented for %s %s, which has no default", status, req.Method, route.path)
		}
	}
	if err := checkMediaType(resp.Value, header, body, req.Method); err != nil {
		return err
	}
	if req.Method == http.MethodHead {
		// kin-openapi validates nothing of a HEAD: check its headers as
		// a GET's, without the body (a recorder keeps what the handler
		// wrote, which the server would not send).
		getOp := route.item.GetOperation(http.MethodGet)
		if getOp == nil {
			return nil
		}
		getRV := *rv
		getRV.Route = &routers.Route{Spec: c.doc, Path: route.path, PathItem: route.item, Method: http.MethodGet, Operation: getOp}
		r2 := req.Clone(req.Context())
		r2.Method = http.MethodGet
		getRV.Request = r2
		in := &openapi3filter.ResponseValidationInput{RequestValidationInput: &getRV, Status: status, Header: header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: true, MultiError: true}}
		in.SetBodyBytes(nil)
		return openapi3filter.ValidateResponse(context.Background(), in)
	}
	in := &openapi3filter.ResponseValidationInput{RequestValidationInput: rv, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// checkUndescribed checks the answer to a request the document does not
// describe: one of the statuses expected, or one any request may get
// (400 for a query string that does not decode, 429, 500, 503), with the
// JSON error body of the document's default response.
func (c *contract) checkUndescribed(req *http.Request, status int, header http.Header, body []byte, expected []int, what string) error {
	anyRequest := []int{http.StatusBadRequest, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}
	if !slices.Contains(expected, status) && !slices.Contains(anyRequest, status) {
		return fmt.Errorf("%s answered %d, want %v or an error any request may get", what, status, expected)
	}
	resp := c.doc.Components.Responses["Error"]
	if resp == nil {
		return errors.New("the document has no components.responses.Error")
	}
	if err := checkMediaType(resp.Value, header, body, req.Method); err != nil {
		return err
	}
	if req.Method == http.MethodHead {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s: the body is not JSON: %v", what, err)
	}
	schema := resp.Value.Content.Get("application/json").Schema.Value
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%s: the body is not an error body: %v", what, err)
	}
	return nil
}

// checkMediaType checks that a response's Content-Type is one the
// document lists for it (none for a response without content).
func checkMediaType(resp *openapi3.Response, header http.Header, body []byte, method string) error {
	ct := header.Get("Content-Type")
	if len(resp.Content) == 0 {
		if len(body) > 0 && method != http.MethodHead {
			return fmt.Errorf("a body (Content-Type %q) where the document says none", ct)
		}
		return nil
	}
	if ct == "" {
		return errors.New("no Content-Type")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("Content-Type %q: %v", ct, err)
	}
	if resp.Content.Get(ct) == nil {
		var listed []string
		for k := range resp.Content {
			listed = append(listed, k)
		}
		slices.Sort(listed)
		return fmt.Errorf("Content-Type %q (%s) is not one of %v", ct, mt, listed)
	}
	return nil
}

// authenticate checks that a request presents what a security scheme
// asks for; whether the key is good is the server's business.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	r := in.RequestValidationInput.Request
	switch s := in.SecurityScheme; {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if strings.EqualFold(scheme, "Bearer") && token != "" {
			return nil
		}
	case s.Type == "apiKey" && s.In == "query":
		if r.URL.Query().Has(s.Name) {
			return nil
		}
	case s.Type == "apiKey" && s.In == "header":
		if r.Header.Get(s.Name) != "" {
			return nil
		}
	}
	return in.NewError(nil)
}
