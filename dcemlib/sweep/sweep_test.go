package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// squares is a test experiment: point i computes i², and fails for the
// indices in fail.
type squares struct {
	n    int
	fail map[int]bool
}

func (s *squares) Name() string { return "squares" }
func (s *squares) Config() any  { return map[string]int{"n": s.n} }
func (s *squares) Points() []string {
	var p []string
	for i := 0; i < s.n; i++ {
		p = append(p, fmt.Sprintf("p%d", i))
	}
	return p
}
func (s *squares) RunPoint(ctx context.Context, i int, work string) (any, error) {
	if s.fail[i] {
		return nil, fmt.Errorf("point %d fails", i)
	}
	if _, err := os.Stat(work); err != nil {
		return nil, err
	}
	return map[string]int{"square": i * i}, nil
}

func TestLocalSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sw")
	e := &squares{n: 5, fail: map[int]bool{3: true}}
	d, err := Create(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	err = d.RunLocal(context.Background(), e, d.Missing(), 1)
	if err == nil || !strings.Contains(err.Error(), "point 3 fails") {
		t.Fatalf("RunLocal: %v, want the failure of point 3", err)
	}
	// One worker in order: 0, 1, 2 done, 3 failed and stopped the rest.
	if got := d.Missing(); !reflect.DeepEqual(got, []int{3, 4}) {
		t.Errorf("Missing = %v, want [3 4]", got)
	}
	var me *MissingError
	if _, err := d.ReadAll(); !errors.As(err, &me) || Ranges(me.Points) != "3-4" {
		t.Errorf("ReadAll: %v, want a MissingError for 3-4", err)
	}
	// Resume from a fresh Open, with the failure gone.
	d2, err := Open(dir, "squares")
	if err != nil {
		t.Fatal(err)
	}
	e.fail = nil
	if err := d2.RunLocal(context.Background(), e, d2.Missing(), 2); err != nil {
		t.Fatal(err)
	}
	recs, err := d2.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		var v map[string]int
		if err := json.Unmarshal(r.Result, &v); err != nil {
			t.Fatal(err)
		}
		if v["square"] != i*i || r.Name != fmt.Sprintf("p%d", i) || r.Index != i {
			t.Errorf("record %d = %+v (%v)", i, r, v)
		}
	}
	// Create again starts afresh.
	if d, err = Create(dir, e); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Missing()); n != 5 {
		t.Errorf("after Create, %d points missing, want 5", n)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, "squares"); err == nil || !strings.Contains(err.Error(), "sweep.json") {
		t.Errorf("Open of an empty directory: %v, want an error naming sweep.json", err)
	}
	if _, err := Create(dir, &squares{n: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "other"); err == nil || !strings.Contains(err.Error(), `"squares"`) {
		t.Errorf("Open as another experiment: %v", err)
	}
	d, _ := Open(dir, "squares")
	if err := d.Check(2); err == nil || !strings.Contains(err.Error(), "index < 2") {
		t.Errorf("Check(2): %v, want the bound named", err)
	}
	if _, err := Create(dir, &squares{n: 0}); err == nil {
		t.Errorf("Create with an empty grid succeeded")
	}
}

func TestRanges(t *testing.T) {
	for _, c := range []struct {
		in   []int
		want string
	}{
		{[]int{0}, "0"}, {[]int{0, 1, 2, 5, 7, 8}, "0-2,5,7-8"}, {[]int{3, 1, 2, 2}, "1-3"}, {nil, ""},
	} {
		got := Ranges(c.in)
		if got != c.want {
			t.Errorf("Ranges(%v) = %q, want %q", c.in, got, c.want)
		}
		if got == "" {
			continue
		}
		back, err := expandRanges(got)
		if err != nil || Ranges(back) != got {
			t.Errorf("expandRanges(%q) = %v, %v", got, back, err)
		}
	}
	if _, err := expandRanges("5-3"); err == nil {
		t.Errorf("expandRanges(5-3) succeeded")
	}
}

func TestParseTasks(t *testing.T) {
	out := `JobId=41 ArrayJobId=40 ArrayTaskId=1 JobName=dcem-cartpole JobState=COMPLETED Reason=None ExitCode=0:0 StdOut=/s/logs/slurm-40_1.out
JobId=42 ArrayJobId=40 ArrayTaskId=3 JobName=dcem-cartpole JobState=CANCELLED Reason=None ExitCode=0:15 StdOut=/s/logs/slurm-40_3.out
JobId=40 ArrayJobId=40 ArrayTaskId=4-6,8%2 JobState=PENDING Reason=Resources ExitCode=0:0 StdOut=/s/logs/slurm-40_4294967294.out
`
	tasks, err := parseTasks(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 6 {
		t.Fatalf("%d tasks, want 6: %v", len(tasks), tasks)
	}
	if c := tasks[3]; c.State != "CANCELLED" || c.ExitCode != "0:15" || c.Log != "/s/logs/slurm-40_3.out" || c.JobID != "42" {
		t.Errorf("task 3 = %+v", c)
	}
	if p := tasks[8]; p.State != "PENDING" || p.Reason != "Resources" {
		t.Errorf("task 8 = %+v", p)
	}
}

// fakeSlurm puts scripts named sbatch, squeue and scontrol first on PATH.
// sbatch records its arguments in DIR/sbatch.args and prints "77;cluster".
func fakeSlurm(t *testing.T, squeue, scontrol string) string {
	bin := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("sbatch", fmt.Sprintf("printf '%%s\\n' \"$@\" > %s/sbatch.args\necho '77;cluster'\n", bin))
	write("squeue", squeue)
	write("scontrol", scontrol)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return bin
}

func TestSubmitWaitFailures(t *testing.T) {
	bin := fakeSlurm(t,
		// squeue: one task running at the first poll, none after.
		fmt.Sprintf("if [ -e %[1]s/polled ]; then exit 0; fi; touch %[1]s/polled; echo RUNNING\n", t.TempDir()),
		"echo 'JobId=79 ArrayJobId=77 ArrayTaskId=3 JobState=CANCELLED Reason=None ExitCode=0:15 StdOut=/x/slurm-77_3.out'\n")
	dir := t.TempDir()
	e := &squares{n: 4}
	d, err := Create(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	// Points 1 and 2 done: submit 0 and 3.
	for _, i := range []int{1, 2} {
		if err := d.RunPoint(context.Background(), e, i, "h", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Submit(context.Background(), d.Missing(), SlurmOptions{CPUs: 0, Command: []string{"x"}}); err == nil || !strings.Contains(err.Error(), "CPUs = 0") {
		t.Errorf("Submit with CPUs 0: %v", err)
	}
	job, err := d.Submit(context.Background(), d.Missing(), SlurmOptions{CPUs: 2, Time: "1:00:00", JobName: "dcem-squares",
		Command: []string{"/opt/dcem", "repro", "squares", "--out", "/a dir", "--run-index"}})
	if err != nil {
		t.Fatal(err)
	}
	if job.ID != "77" || !reflect.DeepEqual(job.Points, []int{0, 3}) {
		t.Errorf("job = %+v", job)
	}
	args, _ := os.ReadFile(filepath.Join(bin, "sbatch.args"))
	for _, want := range []string{"--array=0,3", "--cpus-per-task=2", "--time=1:00:00", "--job-name=dcem-squares",
		"--output=" + filepath.Join(d.Path, "logs", "slurm-%A_%a.out"), "--chdir=" + d.Path} {
		if !strings.Contains(string(args), want+"\n") {
			t.Errorf("sbatch arguments lack %s:\n%s", want, args)
		}
	}
	script, _ := os.ReadFile(filepath.Join(d.Path, "task.sh"))
	if !strings.Contains(string(script), `exec /opt/dcem repro squares --out '/a dir' --run-index "$SLURM_ARRAY_TASK_ID"`) {
		t.Errorf("task script:\n%s", script)
	}
	if jobs, err := d.Jobs(); err != nil || len(jobs) != 1 || jobs[0].ID != "77" {
		t.Errorf("Jobs = %v, %v", jobs, err)
	}
	polls := 0
	if err := Wait(context.Background(), "77", time.Millisecond, func(map[string]int) { polls++ }); err != nil {
		t.Fatal(err)
	}
	if polls != 2 {
		t.Errorf("Wait polled %d times, want 2", polls)
	}
	fails, err := d.Failures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 2 {
		t.Fatalf("Failures = %v, want points 0 and 3", fails)
	}
	// Slurm lists task 3 (cancelled) but no longer task 0.
	if s := fails[1].String(); !strings.Contains(s, "point 3 (p3): CANCELLED (exit 0:15), log "+d.LogPath("77", 3)) {
		t.Errorf("failure of point 3: %s", s)
	}
	if s := fails[0].String(); !strings.Contains(s, "no longer lists job 77") || !strings.Contains(s, d.LogPath("77", 0)) {
		t.Errorf("failure of point 0: %s", s)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	for _, s := range []string{"one", "two"} {
		if err := WriteFileAtomic(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(b) != "two" || len(entries) != 1 {
		t.Errorf("content %q, %d files in the directory, want \"two\" and 1", b, len(entries))
	}
}

// checkpointed is a test experiment whose runs fail once after saving a
// checkpoint in their work directory, and resume from it.
type checkpointed struct{ squares }

func (c *checkpointed) RunPoint(ctx context.Context, i int, work string) (any, error) {
	ckpt := filepath.Join(work, "step")
	b, err := os.ReadFile(ckpt)
	if errors.Is(err, os.ErrNotExist) {
		if err := WriteFileAtomic(ckpt, []byte("5"), 0o644); err != nil {
			return nil, err
		}
		return nil, errors.New("stopped after step 5")
	}
	return map[string]string{"resumed_from": string(b)}, err
}

func TestWorkDirSurvivesFailure(t *testing.T) {
	e := &checkpointed{squares{n: 2}}
	d, err := Create(t.TempDir(), e)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.RunLocal(context.Background(), e, d.Missing(), 1); err == nil {
		t.Fatal("the first attempt succeeded")
	}
	// Each point fails once: at most one more attempt per point.
	for k := 0; k < 3 && len(d.Missing()) > 0; k++ {
		d.RunLocal(context.Background(), e, d.Missing(), 1)
	}
	recs, err := d.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		var v map[string]string
		if err := json.Unmarshal(r.Result, &v); err != nil || v["resumed_from"] != "5" {
			t.Errorf("point %d: %s, want a run resumed from its checkpoint", r.Index, r.Result)
		}
	}
}

// TestActive checks that the points whose task Slurm still lists as pending
// or running are reported, and finished, failed or forgotten ones are not.
func TestActive(t *testing.T) {
	fakeSlurm(t, "exit 0\n", `echo 'JobId=80 ArrayJobId=77 ArrayTaskId=0 JobState=RUNNING Reason=None ExitCode=0:0 StdOut=/x'
echo 'JobId=81 ArrayJobId=77 ArrayTaskId=1 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 StdOut=/x'
echo 'JobId=77 ArrayJobId=77 ArrayTaskId=2-3%1 JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 StdOut=/x'
`)
	dir := t.TempDir()
	e := &squares{n: 5}
	d, err := Create(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := d.Active(context.Background()); err != nil || len(a) != 0 {
		t.Errorf("Active before any submission = %v, %v; want none", a, err)
	}
	if _, err := d.Submit(context.Background(), []int{0, 1, 2, 3, 4}, SlurmOptions{CPUs: 1, Command: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	// Point 3 finished meanwhile; 4 is not listed any more.
	if err := d.RunPoint(context.Background(), e, 3, "h", ""); err != nil {
		t.Fatal(err)
	}
	a, err := d.Active(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int]string{0: "77", 2: "77"}; !reflect.DeepEqual(a, want) {
		t.Errorf("Active = %v, want %v (0 running, 2 pending; 1 timed out, 3 done, 4 forgotten)", a, want)
	}
}

// TestCreateRemovesAnOldSweep checks that a new sweep in a directory that
// held another leaves nothing of the old one's results beside it.
func TestCreateRemovesAnOldSweep(t *testing.T) {
	dir := t.TempDir()
	old := &squares{n: 3}
	d, err := Create(dir, old)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.RunLocal(context.Background(), old, d.Missing(), 1); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"result.json", "timing.json", "curve.svg", "curve.png"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Create(dir, &squares{n: 2}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if !reflect.DeepEqual(left, []string{"sweep.json"}) {
		t.Errorf("after a new sweep the directory holds %v, want only the new sweep.json", left)
	}
	// A directory that held no sweep keeps its files.
	other := t.TempDir()
	keep := filepath.Join(other, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(other, &squares{n: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file of a directory without a sweep was removed: %v", err)
	}
}
