package fetch

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule adds module path at v1.0.0 with files to the file-based
// module proxy in dir (the layout GOPROXY=file://dir reads).
func writeModule(t *testing.T, dir, path string, files map[string]string) {
	t.Helper()
	v := filepath.Join(dir, filepath.FromSlash(path), "@v")
	if err := os.MkdirAll(v, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(v, "list"), []byte("v1.0.0\n"), 0o644)
	os.WriteFile(filepath.Join(v, "v1.0.0.info"), []byte(`{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}`), 0o644)
	os.WriteFile(filepath.Join(v, "v1.0.0.mod"), []byte(files["go.mod"]), 0o644)
	f, err := os.Create(filepath.Join(v, "v1.0.0.zip"))
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for name, body := range files {
		w, err := z.Create(path + "@v1.0.0/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// testProxy makes a module proxy with example.com/greet (which needs
// example.com/shout) and example.com/cgo, and returns the go command's
// environment to use it with a private module cache.
func testProxy(t *testing.T) []string {
	if _, err := goCommand(); err != nil {
		t.Skip(err)
	}
	proxy := t.TempDir()
	writeModule(t, proxy, "example.com/shout", map[string]string{
		"go.mod":   "module example.com/shout\n\ngo 1.22\n",
		"shout.go": "package shout\n\nimport \"strings\"\n\n// Up shouts s.\nfunc Up(s string) string { return strings.ToUpper(s) + \"!\" }\n",
	})
	writeModule(t, proxy, "example.com/greet", map[string]string{
		"go.mod":   "module example.com/greet\n\ngo 1.22\n\nrequire example.com/shout v1.0.0\n",
		"greet.go": "package greet\n\nimport \"example.com/shout\"\n\n// Hello greets name.\nfunc Hello(name string) string { return \"hello, \" + shout.Up(name) }\n",
	})
	writeModule(t, proxy, "example.com/cgo", map[string]string{
		"go.mod": "module example.com/cgo\n\ngo 1.22\n",
		"c.go":   "package cgo\n\n// #include <stdlib.h>\nimport \"C\"\n\n// F is nothing.\nfunc F() {}\n",
	})
	modcache := t.TempDir()
	t.Cleanup(func() {
		// The module cache is read-only; the go command removes it.
		cmd := exec.Command("go", "clean", "-modcache")
		cmd.Env = append(os.Environ(), "GOMODCACHE="+modcache)
		cmd.Run()
	})
	return append(os.Environ(), "GOPROXY=file://"+filepath.ToSlash(proxy), "GOSUMDB=off", "GOMODCACHE="+modcache, "GOFLAGS=")
}

func TestFetch(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Env: testProxy(t)}
	if err := c.Fetch(context.Background(), "example.com/greet"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"example.com/greet/greet.go", "example.com/shout/shout.go"} {
		if _, err := os.Stat(filepath.Join(c.Dir, "src", p)); err != nil {
			t.Errorf("%s is not in the cache: %v", p, err)
		}
	}
	err := c.Fetch(context.Background(), "example.com/cgo")
	if err == nil || !strings.Contains(err.Error(), "uses cgo") {
		t.Errorf("fetching a cgo package: %v", err)
	}
	err = c.Fetch(context.Background(), "example.com/nosuch")
	if err == nil {
		t.Errorf("fetching a package that does not exist succeeded")
	}
}
