package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestOpenAPI keeps the OpenAPI document in step with the routes: every
// API route the server registers is in the document, and every operation
// in the document reaches a real handler.
func TestOpenAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		status, raw := f.doRaw(t, "GET", "/api/v1/openapi.json", "", nil)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		var doc struct {
			OpenAPI string                               `json:"openapi"`
			Info    map[string]any                       `json:"info"`
			Paths   map[string]map[string]map[string]any `json:"paths"`
			Comps   struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("document does not parse: %v", err)
		}
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi %q, want 3.x", doc.OpenAPI)
		}
		if doc.Info["title"] == nil || doc.Info["version"] != "test" {
			t.Errorf("info %v", doc.Info)
		}

		// Every $ref points at a schema that is there.
		for _, m := range regexp.MustCompile(`"\$ref":"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(string(raw), -1) {
			if _, ok := doc.Comps.Schemas[m[1]]; !ok {
				t.Errorf("$ref to missing schema %s", m[1])
			}
		}

		// The document's operations, as "METHOD /path".
		ops := map[string]map[string]any{}
		for p, item := range doc.Paths {
			if !strings.HasPrefix(p, "/api/v1/") {
				t.Errorf("path %s outside /api/v1", p)
			}
			for m, op := range item {
				ops[strings.ToUpper(m)+" "+p] = op
				// Every parameter has a schema: a validator refuses null.
				params, _ := op["parameters"].([]any)
				for _, prm := range params {
					if pm, _ := prm.(map[string]any); pm["schema"] == nil {
						t.Errorf("%s %s: parameter %v has no schema", m, p, pm["name"])
					}
				}
			}
		}

		// Every route on the server is in the document …
		if len(f.srv.api) == 0 {
			t.Fatal("no API routes")
		}
		for _, rt := range f.srv.api {
			key := rt.Method + " " + apiPrefix + rt.Path
			op, ok := ops[key]
			if !ok {
				t.Errorf("route %s is not in the document", key)
				continue
			}
			status := "200"
			if rt.Status != 0 {
				status = strconv.Itoa(rt.Status)
			}
			resp, _ := op["responses"].(map[string]any)
			if _, ok := resp[status]; !ok {
				t.Errorf("%s: document lacks its success status %s", key, status)
			}
			if rt.Public {
				if sec, ok := op["security"].([]any); !ok || len(sec) != 0 {
					t.Errorf("%s is public but the document asks for a token", key)
				}
			} else if _, ok := op["security"]; ok {
				t.Errorf("%s needs a token but the document says it does not", key)
			}
		}
		// … and the mux serves each of them itself (none shadowed by the
		// catch-all, none unregistered).
		for key := range ops {
			method, path, _ := strings.Cut(key, " ")
			req := httptest.NewRequest(method, fillParams(path), nil)
			if _, pattern := f.srv.mux.Handler(req); pattern != key {
				t.Errorf("%s is served by pattern %q", key, pattern)
			}
		}
		if len(ops) != len(f.srv.api) {
			t.Errorf("document has %d operations, the server %d routes", len(ops), len(f.srv.api))
		}

		// Every operation in the document answers from its own handler over
		// HTTP: not the JSON 404 of unknown routes, not 405.
		admin := f.apiLogin(t, "admin")
		sorted := make([]string, 0, len(ops))
		for k := range ops {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, key := range sorted {
			method, path, _ := strings.Cut(key, " ")
			if key == "POST /api/v1/logout" {
				continue // would end the token the others use; TestLogin covers it
			}
			var body any
			if method == "POST" || method == "PUT" || method == "PATCH" {
				body = `{}`
			}
			resp := f.request(t, method, fillParams(path), admin, body, nil)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusMethodNotAllowed || strings.Contains(string(b), "没有这个接口") {
				t.Errorf("%s: %d %s", key, resp.StatusCode, b)
			}
		}

		t.Run("未知接口", func(t *testing.T) {
			for _, c := range []struct{ method, path string }{
				{"GET", "/api/v1/nope"},
				{"GET", "/api/v1/"},
				{"GET", "/api/v1/regions/37/parents"},
				{"POST", "/api/v1/nope"},
			} {
				status, v := f.do(t, c.method, c.path, "", nil)
				msg := wantError(t, status, v, 404, "not_found", "")
				if !strings.Contains(msg, "没有这个接口") {
					t.Errorf("%s %s: message %q", c.method, c.path, msg)
				}
			}
		})
	})
}

// fillParams puts sample values into a path's {parameters}.
func fillParams(path string) string {
	return strings.NewReplacer("{code}", "370614", "{id}", "1", "{year}", "2025").Replace(path)
}
