package web

import "testing"

func TestSmokeFixture(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tok := f.apiLogin(t, "admin")
		st, v := f.do(t, "GET", "/api/v1/regions/370614/children", "", nil)
		t.Log(st, len(jarr(t, v)), f.village, tok != "")
	})
}
