package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSweepUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		code int
		msg  string // a part of standard error
	}{
		{[]string{"--quick", "--collect", "x"}, 2, "--quick cannot be combined with --collect"},
		{[]string{"--no-wait"}, 2, "--no-wait needs --slurm"},
		{[]string{"--cpus", "2"}, 2, "--cpus needs --slurm"},
		{[]string{"--slurm", "--cpus", "-1"}, 2, "--cpus = -1, want ≥ 1"},
		{[]string{"--run-index", "-3"}, 2, "--run-index = -3, want ≥ 0"},
		{[]string{"--resume", "--collect", "x"}, 2, "cannot be combined"},
		{[]string{"--slurm", "--collect", "x"}, 2, "--slurm cannot be combined with --collect"},
		{[]string{"--seeds", "-1"}, 2, "must be ≥ 0"},
		{[]string{"--collect", "nosuch"}, 1, "not a sweep directory"},
		{[]string{"--resume", "--out", "nosuch"}, 1, "not a sweep directory"},
	}
	for _, c := range cases {
		args := append([]string{"repro", "cartpole"}, c.args...)
		code, _, stderr := dcem(t, dir, args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("dcem %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), code, stderr, c.code, c.msg)
		}
	}
}

// TestSweepMatchesLocal runs a tiny cartpole grid locally, and point by
// point as Slurm's array tasks would (submitted to a stand-in sbatch), and
// checks that --collect writes the same files, byte for byte.
func TestSweepMatchesLocal(t *testing.T) {
	dir := t.TempDir()
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "sbatch"), []byte("#!/bin/sh\necho 5\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	grid := []string{"repro", "cartpole", "--quick", "--updates", "4", "--seeds", "1", "--temps", "1,0"}

	if code, _, stderr := dcem(t, dir, append(grid, "--out", "local")...); code != 0 {
		t.Fatalf("local run: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := dcem(t, dir, append(grid, "--out", "split", "--slurm", "--no-wait")...)
	if code != 0 || !strings.Contains(stdout, "submitted job array 5") {
		t.Fatalf("--slurm --no-wait: exit %d: %s %s", code, stdout, stderr)
	}
	if code, _, stderr := dcem(t, dir, "repro", "cartpole", "--collect", "split"); code != 1 || !strings.Contains(stderr, "2 of 2 grid points have no result") {
		t.Errorf("--collect before the runs: exit %d: %s", code, stderr)
	}
	for _, i := range []string{"1", "0"} {
		if code, _, stderr := dcem(t, dir, "repro", "cartpole", "--out", "split", "--run-index", i); code != 0 {
			t.Fatalf("--run-index %s: exit %d: %s", i, code, stderr)
		}
	}
	if code, _, stderr := dcem(t, dir, "repro", "cartpole", "--out", "split", "--run-index", "2"); code != 2 || !strings.Contains(stderr, "index < 2") {
		t.Errorf("--run-index 2 of 2 points: exit %d: %s", code, stderr)
	}
	if code, _, stderr := dcem(t, dir, "repro", "cartpole", "--collect", "split"); code != 0 {
		t.Fatalf("--collect: exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "local", "*.*"))
	n := 0
	for _, f := range files {
		name := filepath.Base(f)
		if name == "sweep.json" || name == "timing.json" {
			continue
		}
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(dir, "split", name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the local run and the collected sweep (%v)", name, err)
		}
		n++
	}
	if n < 10 {
		t.Errorf("only %d files compared", n)
	}
}
