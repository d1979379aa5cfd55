package main

import (
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/kernel/notebook"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
)

// notGo lists the code blocks of package docs that are not Go (formulas,
// shell commands), by package directory and the block's first line. Every
// other code block of a package doc is a notebook cell and must run.
var notGo = map[string]string{
	"dcemlib/lml: Π_k(x/τ) = argmin_{0<y<1, 1ᵀy=k} −xᵀy/τ − H_b(y),":                           "formula",
	"dcemlib/lml: ∂ℓ/∂x = h ⊙ (g − (hᵀg)/(1ᵀh)) / τ.":                                          "formula",
	"envs/cartpole: C = −Σ_{t=1..H} (cos θ_t − 0.1·x_t² − 1e-5·u_{t−1}²),":                     "formula",
	"kernel/symbols: go generate ./kernel/symbols":                                             "shell",
	"dcemlib/rssm: hₜ = GRU(ReLU(FC([sₜ₋₁, aₜ])), hₜ₋₁)          deterministic path":           "formula",
	"dcemlib/sweep: DIR/sweep.json       the manifest: experiment, configuration, grid points": "file layout",
}

// docBlock is a code block of a package's doc comment.
type docBlock struct {
	dir  string // package directory, relative to the module root
	text string
}

func (b docBlock) key() string {
	first, _, _ := strings.Cut(b.text, "\n")
	return b.dir + ": " + first
}

// packageDocBlocks returns the code blocks of the package doc comments of
// the packages under dirs (relative to the module root root).
func packageDocBlocks(t *testing.T, root string, dirs ...string) []docBlock {
	t.Helper()
	var blocks []docBlock
	for _, top := range dirs {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			if name := d.Name(); name == "testdata" || strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			entries, err := os.ReadDir(path)
			if err != nil {
				return err
			}
			var files []string
			for _, e := range entries {
				if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
					files = append(files, n)
				}
			}
			sort.Strings(files)
			for _, n := range files {
				f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(path, n), nil, parser.PackageClauseOnly|parser.ParseComments)
				if err != nil {
					return err
				}
				if f.Doc == nil {
					continue
				}
				var p comment.Parser
				for _, blk := range p.Parse(f.Doc.Text()).Content {
					if c, ok := blk.(*comment.Code); ok {
						blocks = append(blocks, docBlock{rel, c.Text})
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return blocks
}

// TestPackageDocGoBlocks runs the Go code blocks of the package docs of
// the library, the environments, the widgets and the kernel as notebook
// cells with the symbols dcem has, as TestREADMEGoBlocks does for the
// README: the blocks of one package's doc run in order, as the cells of one
// notebook, in a fresh interpreter.
func TestPackageDocGoBlocks(t *testing.T) {
	blocks := packageDocBlocks(t, "../..", "dcemlib", "envs", "widgets", "kernel")
	if len(blocks) == 0 {
		t.Fatal("no code block found in the package docs")
	}
	// notebook.Input in a block gets an answer instead of reading stdin.
	notebook.SetInput(func(prompt string, password bool) (string, error) { return "Ada", nil })
	defer notebook.SetInput(nil)
	seen := map[string]bool{}
	var dirs []string
	cells := map[string][]string{}
	for _, b := range blocks {
		if _, ok := notGo[b.key()]; ok {
			seen[b.key()] = true
			continue
		}
		if cells[b.dir] == nil {
			dirs = append(dirs, b.dir)
		}
		cells[b.dir] = append(cells[b.dir], b.text)
	}
	for k := range notGo {
		if !seen[k] {
			t.Errorf("notGo lists %q, which no package doc holds any more", k)
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no package doc has a Go block")
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			fetch := false
			for _, c := range cells[dir] {
				for _, path := range importsOf(c) {
					first, _, _ := strings.Cut(path, "/")
					if !strings.Contains(first, ".") || symbols.Symbols[path+"/"+filepath.Base(path)] != nil {
						continue // the standard library, or compiled in
					}
					if strings.HasPrefix(path, "github.com/dcem-go/dcem/") {
						t.Skipf("package %s is not compiled into the kernel", path)
					}
					fetch = true
				}
			}
			if fetch {
				if _, err := exec.LookPath("go"); err != nil {
					t.Skip("a block imports a third-party package and the go command is not on PATH")
				}
				// Fetched sources go to a fresh cache; modules come
				// from the user's module cache or the module proxy.
				t.Setenv("XDG_CACHE_HOME", t.TempDir())
			}
			var out strings.Builder
			s, err := newCellSession(&out, fetch)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := runCells(s, &out, cells[dir]...); err != nil {
				t.Errorf("Go block %d of the package doc fails: %v\n%s\noutput: %s", n, err, cells[dir][n-1], out.String())
				return
			}
			t.Logf("output: %s", out.String())
		})
	}
}

// importsOf returns the import paths of a cell.
func importsOf(cell string) []string {
	chunks, err := session.Split(cell)
	if err != nil {
		return nil
	}
	var paths []string
	for _, c := range chunks {
		if c.Kind != session.Imports {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.Src, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, im := range f.Imports {
			paths = append(paths, strings.Trim(im.Path.Value, `"`))
		}
	}
	return paths
}
