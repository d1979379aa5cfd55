package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
)

// goBlock matches a fenced Go code block of a Markdown file.
var goBlock = regexp.MustCompile("(?ms)^```go\n(.*?)^```")

// newCellSession returns a fresh interpreter with the symbols dcem has
// (and, with fetch, third-party imports fetched as the kernel fetches
// them) that prints to out.
func newCellSession(out io.Writer, fetch bool) (*session.Session, error) {
	opts := session.Options{Stdout: out, Stderr: out, Symbols: []interp.Exports{symbols.Symbols}}
	if fetch {
		modules(&opts, out)
	}
	return session.New(opts)
}

// runCells runs the cells in s in order, as a notebook does, and returns
// the first error, the number of the cell that failed (from 1) and what
// the cells printed.
func runCells(s *session.Session, out *strings.Builder, cells ...string) (int, error) {
	for i, c := range cells {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		res, err := s.Execute(ctx, c)
		cancel()
		if err != nil {
			return i + 1, err
		}
		if t, ok := res["text/plain"]; ok {
			fmt.Fprintf(out, "=> %v\n", t)
		}
	}
	return 0, nil
}

// TestREADMEGoBlocks runs every Go code block of README.md as a notebook
// cell, each in a fresh interpreter with the symbols dcem has: what the
// README shows must run when pasted into a cell.
func TestREADMEGoBlocks(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(src), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go code block")
	}
	for i, b := range blocks {
		var out strings.Builder
		s, err := newCellSession(&out, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runCells(s, &out, b[1]); err != nil {
			t.Errorf("README Go block %d fails: %v\n%s\noutput: %s", i+1, err, b[1], out.String())
			continue
		}
		t.Logf("block %d: %s", i+1, out.String())
	}
}
