package main

import (
	"context"
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
		s, err := session.New(session.Options{Stdout: &out, Stderr: &out, Symbols: []interp.Exports{symbols.Symbols}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		res, err := s.Execute(ctx, b[1])
		cancel()
		if err != nil {
			t.Errorf("README Go block %d fails: %v\n%s\noutput: %s", i+1, err, b[1], out.String())
			continue
		}
		t.Logf("block %d: %v", i+1, res["text/plain"])
	}
}
