// Package fetch makes third-party Go packages importable in the dcem
// kernel: it downloads a package's module, and the modules it needs, with
// the go command (through the Go module proxy, into the user's module
// cache) and lays them out as a GOPATH that the interpreter (yaegi) loads
// source packages from.
//
// yaegi interprets pure Go source. A package that needs cgo cannot be
// loaded; Fetch says so instead of failing later with a puzzling error.
package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Cache is a directory laid out as a GOPATH: src/<module path> links to
// each fetched module's source in the module cache, and mod/ holds the
// scratch module through which the go command resolves versions.
type Cache struct {
	// Dir is the cache directory; pass it to the interpreter as its
	// GoPath.
	Dir string
	// Env is the go command's environment; nil means the process's. (Tests
	// point GOPROXY at a directory.)
	Env []string
	// Log, if set, receives a line for each fetch ("fetching ...").
	Log io.Writer

	mu sync.Mutex
}

// DefaultDir is the cache of the current user: $XDG_CACHE_HOME/dcem/gopath,
// or that under ~/.cache.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "dcem", "gopath"), nil
}

// Fetch downloads the latest version of the module that provides the
// package importPath (unless the scratch module requires one already) and
// the modules it depends on, and links them under Dir/src.
func (c *Cache) Fetch(ctx context.Context, importPath string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	mod := filepath.Join(c.Dir, "mod")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return err
	}
	gomod := filepath.Join(mod, "go.mod")
	if _, err := os.Stat(gomod); err != nil {
		if err := os.WriteFile(gomod, []byte("module dcem.local/cells\n\ngo 1.22\n"), 0o644); err != nil {
			return err
		}
	}
	if c.Log != nil {
		fmt.Fprintf(c.Log, "fetching %s with the go command...\n", importPath)
	}
	if _, err := c.goCmd(ctx, mod, "get", importPath); err != nil {
		return fmt.Errorf("fetch %s: %w", importPath, err)
	}
	out, err := c.goCmd(ctx, mod, "list", "-deps", "-json=ImportPath,Standard,CgoFiles,Module,Error", importPath)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", importPath, err)
	}
	type pkg struct {
		ImportPath string
		Standard   bool
		CgoFiles   []string
		Module     *struct{ Path, Dir string }
		Error      *struct{ Err string }
	}
	modules := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("fetch %s: reading go list: %w", importPath, err)
		}
		if p.Standard || p.Module == nil {
			continue
		}
		if p.Error != nil {
			return fmt.Errorf("fetch %s: %s", importPath, p.Error.Err)
		}
		if len(p.CgoFiles) > 0 {
			return fmt.Errorf("%s uses cgo (%s): the interpreter runs pure Go only; compile it into dcem instead (kernel/symbols)",
				p.ImportPath, strings.Join(p.CgoFiles, ", "))
		}
		modules[p.Module.Path] = p.Module.Dir
	}
	for path, dir := range modules {
		if err := c.link(path, dir); err != nil {
			return fmt.Errorf("fetch %s: %w", importPath, err)
		}
	}
	return nil
}

// link makes Dir/src/<path> a link to the module source in dir.
func (c *Cache) link(path, dir string) error {
	dst := filepath.Join(c.Dir, "src", filepath.FromSlash(path))
	if cur, err := os.Readlink(dst); err == nil {
		if cur == dir {
			return nil
		}
		os.Remove(dst)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.Symlink(dir, dst)
}

// goCmd runs the go command in dir and returns its standard output.
func (c *Cache) goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	goBin, err := goCommand()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env, "GO111MODULE=on", "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, errors.New(msg)
	}
	return out.Bytes(), nil
}

// goCommand finds the go command: on PATH, or in the GOROOT dcem was built
// with.
func goCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", errors.New("the go command is needed to fetch third-party packages, and it is not on PATH")
}
