package main

import (
	"encoding/json"
	"github.com/dcem-go/dcem/dcemlib/exp/latent"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// dcem runs the dcem command line args in a child process (this test
// binary, see TestMain) and returns its exit status, stdout and stderr.
func dcem(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DCEM_MAIN_TEST=1")
	cmd.Dir = dir
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

func TestMain(m *testing.M) {
	if os.Getenv("DCEM_MAIN_TEST") == "1" {
		os.Exit(dispatch(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args   []string
		code   int
		stdout string // a part of standard output, for help
	}{
		{nil, 2, ""},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"-h"}, 0, "Commands:"},
		{[]string{"help"}, 0, "Commands:"},
		{[]string{"help", "run"}, 0, "Usage: dcem run"},
		{[]string{"help", "repro"}, 0, "Usage: dcem repro"},
		{[]string{"help", "nosuch"}, 2, ""},
		{[]string{"nosuch"}, 2, ""},
		{[]string{"run", "-h"}, 0, "Usage: dcem run"},
		{[]string{"run"}, 2, ""},
		{[]string{"run", "-nosuchflag", "x.go"}, 2, ""},
		{[]string{"kernel", "-h"}, 0, "Usage: dcem kernel"},
		{[]string{"kernel"}, 2, ""},
		{[]string{"install", "-h"}, 0, "Usage: dcem install"},
		{[]string{"install", "--user", "--sys-prefix"}, 2, ""},
		{[]string{"repro"}, 2, ""},
		{[]string{"repro", "-h"}, 0, "Experiments:"},
		{[]string{"repro", "nosuch"}, 2, ""},
		{[]string{"repro", "regression", "-h"}, 0, "-quick"},
		{[]string{"repro", "regression", "-nosuch"}, 2, ""},
		{[]string{"repro", "latent", "--imagination", "modes"}, 2, ""},
		{[]string{"repro", "planet", "--kl-balance", "1"}, 2, ""},
		{[]string{"version"}, 0, "dcem "},
		{[]string{"version"}, 0, "backends: cpu"},
		{[]string{"version", "extra"}, 2, ""},
	}
	for _, c := range cases {
		code, stdout, stderr := dcem(t, dir, c.args...)
		if code != c.code {
			t.Errorf("dcem %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.code, stderr)
		}
		if c.stdout != "" && !strings.Contains(stdout, c.stdout) {
			t.Errorf("dcem %s: stdout lacks %q:\n%s", strings.Join(c.args, " "), c.stdout, stdout)
		}
	}
}

func TestFailedReproLeavesNoDirectory(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := dcem(t, dir, "repro", "truesim", "--tasks", "nosuch.task", "--out", "out")
	if code == 0 {
		t.Fatalf("repro truesim with an unknown task succeeded")
	}
	if !strings.Contains(stderr, "nosuch") {
		t.Errorf("stderr does not name the task: %q", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("the output directory was left behind (%v)", err)
	}
}

func TestRunPrintsErrorOnce(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "bad.go")
	os.WriteFile(script, []byte("x := 1\ny := x + \"a\"\n"), 0o644)
	code, _, stderr := dcem(t, dir, "run", script)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if n := strings.Count(stderr, "mismatched types"); n != 1 {
		t.Errorf("the error is printed %d times:\n%s", n, stderr)
	}
	if !strings.Contains(stderr, script+":2") {
		t.Errorf("the error does not name the file line: %s", stderr)
	}
}

// TestReproWorldModelQuick runs the world-model experiments end to end in
// quick mode and checks what they write.
func TestReproWorldModelQuick(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args  []string
		files []string
	}{
		{[]string{"repro", "planet", "--quick", "--task", "walker.walk", "--seeds", "2", "--final-eval", "1", "--normalize-obs", "--kl-balance", "0.8", "--out", "p"},
			[]string{"p/sweep.json", "p/result.json", "p/returns-walker.walk.svg", "p/runs/0001.json", "p/work/0000/checkpoint.bin",
				"p/work/0001/returns.svg", "p/work/0000/losses.png", "p/work/0000/reward-prediction.svg", "p/work/0001/evaluations.json"}},
		{[]string{"repro", "planet", "--report", "--out", "p"}, []string{"p/work/0000/obs-prediction.png"}},
		{[]string{"repro", "latent", "--quick", "--out", "l"},
			[]string{"l/sweep.json", "l/result.json", "l/fig4-cheetah.run-final-model.svg", "l/fig4-cheetah.run-own-models.png",
				"l/work/0000/result.json", "l/work/0000/fig4-final-model.svg", "l/work/0000/phase1/checkpoint.bin",
				"l/work/0000/phase2/checkpoint.bin", "l/work/0000/phase2/returns.png", "l/work/0000/phase3/checkpoint.bin",
				"l/work/0000/evaluations.json"}},
		// Phase 2 and 3 from the planet grid's run of the same task and seed.
		{[]string{"repro", "latent", "--quick", "--task", "walker.walk", "--seeds", "2", "--from-sweep", "p", "--out", "l2"},
			[]string{"l2/result.json", "l2/fig4-walker.walk-final-model.svg", "l2/work/0001/phase3/checkpoint.bin"}},
	} {
		code, stdout, stderr := dcem(t, dir, c.args...)
		if code != 0 {
			t.Fatalf("dcem %v: exit %d\n%s\n%s", c.args, code, stdout, stderr)
		}
		for _, f := range c.files {
			if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
				t.Errorf("dcem %v: %s missing or empty (%v)", c.args, f, err)
			}
		}
	}
	// The planet grid's result.json has each seed's mean final return
	// (one episode each here) and their median, the 100k targets' statistic.
	var grid struct {
		Tasks []struct {
			FinalMeans      []float64 `json:"final_means"`
			MedianFinalMean float64   `json:"median_final_mean"`
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "p/result.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &grid); err != nil {
		t.Fatal(err)
	}
	if len(grid.Tasks) != 1 || len(grid.Tasks[0].FinalMeans) != 2 {
		t.Fatalf("planet grid result: %+v, want one task with 2 final means", grid.Tasks)
	} else if g := grid.Tasks[0]; math.Abs(g.MedianFinalMean-(g.FinalMeans[0]+g.FinalMeans[1])/2) > 1e-9 {
		t.Errorf("planet grid result: median %v of final means %v, want their midpoint", g.MedianFinalMean, g.FinalMeans)
	}
	// Phase 2 from the planet grid trained the world model with the grid's
	// loss (normalized observations, KL balance 0.8), and the point
	// records the grid's run as its phase 1.
	var fromSweep struct {
		Phase2 struct {
			Config struct {
				Model        struct{ KLBalance float64 }
				NormalizeObs bool `json:"normalize_obs"`
			}
		}
		Budget map[string]string
	}
	if b, err := os.ReadFile(filepath.Join(dir, "l2/work/0001/result.json")); err != nil {
		t.Fatal(err)
	} else if err := json.Unmarshal(b, &fromSweep); err != nil {
		t.Fatal(err)
	}
	if c := fromSweep.Phase2.Config; c.Model.KLBalance != 0.8 || !c.NormalizeObs {
		t.Errorf("phase 2 from the grid: KL balance %g, normalized observations %t; want the grid's 0.8 and true", c.Model.KLBalance, c.NormalizeObs)
	}
	if b := fromSweep.Budget["phase1"]; !strings.Contains(b, "KL balance") {
		t.Errorf("the point's phase-1 budget %q does not name the grid's KL balance", b)
	}
	// A latent grid whose second point's phase 1 has not started: the
	// first point runs, the second stops with what to do, and --resume
	// runs it once its phase 1 is there.
	if err := os.CopyFS(filepath.Join(dir, "p3"), os.DirFS(filepath.Join(dir, "p"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "p3/work/0001/checkpoint.bin")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dcem(t, dir, "repro", "latent", "--quick", "--task", "walker.walk", "--seeds", "2", "--from-sweep", "p3", "--out", "l3")
	if code == 0 || !strings.Contains(stderr, "phase 1 of walker.walk-seed1 has not started") || !strings.Contains(stderr, "dcem repro planet --resume --out "+filepath.Join(dir, "p3")) {
		t.Errorf("latent grid with a phase 1 not started: exit %d, want an error saying so\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "l3/runs/0000.json")); err != nil {
		t.Errorf("the point whose phase 1 had finished did not run: %v", err)
	}
	ckpt, err := os.ReadFile(filepath.Join(dir, "p/work/0001/checkpoint.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p3/work/0001/checkpoint.bin"), ckpt, 0o644); err != nil {
		t.Fatal(err)
	}
	// The grid keeps its phase-1 paths relative to its directory, and
	// resumes from another working directory.
	if b, err := os.ReadFile(filepath.Join(dir, "l3/sweep.json")); err != nil {
		t.Fatal(err)
	} else if want := filepath.Join("..", "p3", "work", "0001", "checkpoint.bin"); !strings.Contains(string(b), `"from": "`+want+`"`) || strings.Contains(string(b), dir) {
		t.Errorf("l3/sweep.json does not keep the phase-1 checkpoints relative to the grid (want %s):\n%s", want, b)
	}
	if code, stdout, stderr := dcem(t, t.TempDir(), "repro", "latent", "--resume", "--out", filepath.Join(dir, "l3")); code != 0 {
		t.Errorf("--resume once phase 1 is there: exit %d\n%s\n%s", code, stdout, stderr)
	} else if _, err := os.Stat(filepath.Join(dir, "l3/result.json")); err != nil {
		t.Errorf("--resume did not collect the grid: %v", err)
	}
	// The point run again (its record removed, as after an interruption
	// before it finished) resumes its finished phases from their
	// checkpoints in its work directory: no PPO update, the same training
	// record; its evaluations are read back, not played (the file is not
	// rewritten).
	first, err := os.ReadFile(filepath.Join(dir, "l/work/0000/result.json"))
	if err != nil {
		t.Fatal(err)
	}
	evalsBefore, err := os.Stat(filepath.Join(dir, "l/work/0000/evaluations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "l/runs/0000.json")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = dcem(t, dir, "repro", "latent", "--resume", "--out", "l")
	if code != 0 || strings.Contains(stderr, "PPO update") {
		t.Fatalf("dcem repro latent --resume: exit %d, want 0 without PPO updates\n%s\n%s", code, stdout, stderr)
	}
	second, err := os.ReadFile(filepath.Join(dir, "l/work/0000/result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b struct {
		Phase3 struct {
			Train  struct{ Logs []map[string]any }
			Before []float64
		}
		Fig4 struct{ Imagination string }
	}
	if err := json.Unmarshal(first, &a); err != nil {
		t.Fatal(err)
	}
	if a.Fig4.Imagination != latent.PriorMeans {
		t.Errorf("fig. 4's imagination %q by default, want %q", a.Fig4.Imagination, latent.PriorMeans)
	}
	if err := json.Unmarshal(second, &b); err != nil {
		t.Fatal(err)
	}
	if len(a.Phase3.Train.Logs) == 0 || !reflect.DeepEqual(a.Phase3, b.Phase3) {
		t.Errorf("phase 3 after resuming its finished run: %+v, want the first run's %+v", b.Phase3, a.Phase3)
	}
	if evalsAfter, err := os.Stat(filepath.Join(dir, "l/work/0000/evaluations.json")); err != nil || !evalsAfter.ModTime().Equal(evalsBefore.ModTime()) {
		t.Errorf("the finished evaluations were played again (evaluations.json rewritten: %v)", err)
	}
	code, _, _ = dcem(t, dir, "repro", "planet", "--quick", "--paper")
	if code != 2 {
		t.Errorf("--quick --paper: exit %d, want 2", code)
	}
	code, _, stderr = dcem(t, dir, "repro", "planet", "--quick", "--schedule", "sometimes", "--out", "bad")
	if code == 0 || !strings.Contains(stderr, "Schedule") {
		t.Errorf("bad schedule: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
		t.Error("a failed run left its output directory")
	}
}

// TestRunPanicNamesScriptLine checks that "dcem run" reports a panic at the
// script line of the statement that panicked, also inside a function whose
// body starts many lines earlier.
func TestRunPanicNamesScriptLine(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "boom.go")
	src := "import \"fmt\"\n\nfunc scale(xs []float64, k int) float64 {\n" +
		strings.Repeat("\tfmt.Print(\"\")\n", 20) +
		"\treturn xs[k] * 2\n}\n\nfmt.Println(\"start\")\nfmt.Println(scale([]float64{1, 2}, 7))\n"
	os.WriteFile(script, []byte(src), 0o644)
	code, _, stderr := dcem(t, dir, "run", script)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// The index is on line 24, the call on line 28.
	for _, want := range []string{script + ":24, in scale", script + ":28, in cell"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

// TestInterruptedGridKeepsItsWork interrupts a world-model grid in a new
// directory once its run has checkpointed, as Ctrl-C would: the directory
// and the checkpoint stay (a long run's work must not go), and --resume
// continues the run from it.
func TestInterruptedGridKeepsItsWork(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "repro", "planet", "--quick", "--episodes", "200", "--out", "g")
	cmd.Env = append(os.Environ(), "DCEM_MAIN_TEST=1")
	cmd.Dir = dir
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "g/work/0000/checkpoint.bin")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no checkpoint after 2 minutes:\n%s", errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the interrupted run exited 0 (did it finish 200 episodes before the interrupt?)")
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("the interrupted grid lost its checkpoint: %v\n%s", err, errOut.String())
	}
	// --resume picks the run up (and finishes it: fewer episodes would be
	// another configuration, so the grid's own is used).
	code, _, stderr := dcem(t, dir, "repro", "planet", "--resume", "--out", "g")
	if code != 0 || !strings.Contains(stderr, "resuming from") {
		t.Errorf("--resume: exit %d, want 0 and a resumed run:\n%s", code, stderr)
	}
}

// TestLatentBoundPenaltyFlag checks that --bound-penalty reaches phase 2's
// agent and its description.
func TestLatentBoundPenaltyFlag(t *testing.T) {
	g, _, _, _, err := parseLatentFlags([]string{"--quick", "--bound-penalty", "0.5", "--out", filepath.Join(t.TempDir(), "l")})
	if err != nil {
		t.Fatal(err)
	}
	a := g.Runs[0].Phase2.Agent
	if a.BoundPenalty != 0.5 {
		t.Errorf("phase 2's agent has BoundPenalty %g, want 0.5", a.BoundPenalty)
	}
	agent, err := latent.NewAgent(a, 6)
	if err != nil {
		t.Fatal(err)
	}
	if d := agent.Describe(); !strings.Contains(d, "bound penalty 0.5") {
		t.Errorf("the agent's description %q does not name its bound penalty", d)
	}
}

// TestLatentAgentFlags checks that --agent-steps and --agent-batch reach
// phase 2's agent and its description, and that negative values are
// refused with the flag's name.
func TestLatentAgentFlags(t *testing.T) {
	g, _, _, _, err := parseLatentFlags([]string{"--quick", "--agent-steps", "7", "--agent-batch", "3", "--out", filepath.Join(t.TempDir(), "l")})
	if err != nil {
		t.Fatal(err)
	}
	a := g.Runs[0].Phase2.Agent
	if a.Steps != 7 || a.Batch != 3 {
		t.Errorf("phase 2's agent makes %d updates of %d start states, want 7 of 3", a.Steps, a.Batch)
	}
	agent, err := latent.NewAgent(a, 6)
	if err != nil {
		t.Fatal(err)
	}
	if d := agent.Describe(); !strings.Contains(d, "7 decoder updates of 3 per round") {
		t.Errorf("the agent's description %q does not name its updates", d)
	}
	for _, flag := range []string{"--agent-steps", "--agent-batch"} {
		if _, _, _, _, err := parseLatentFlags([]string{"--quick", flag, "-1", "--out", filepath.Join(t.TempDir(), "l")}); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s -1: error %v, want one naming the flag", flag, err)
		}
	}
}
