package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dcem-go/dcem/dcemlib/sweep"
)

// reproSweep is an experiment as `dcem repro` runs it: split into one run
// per grid point, locally or as a Slurm job array, and collected from the
// sweep directory into figures and result.json. A local run goes through
// the same directory, so that its files are the ones a Slurm run collects.
type reproSweep interface {
	sweep.Experiment
	// validate checks the configuration set from the flags.
	validate() error
	// setConfig replaces the configuration by one read from a manifest.
	setConfig(raw json.RawMessage) error
	// workers is how many points run at once on this machine.
	workers() int
	// taskCPUs is how many CPUs a point uses (the default --cpus).
	taskCPUs() int
	// start is called before n points run in this process.
	start(n int)
	// collect assembles the results recs of every point of d (in grid
	// order) and writes figures and result.json into d.Path, printing the
	// headline numbers.
	collect(ctx context.Context, d *sweep.Dir, recs []*sweep.Record) error
}

// sweepFlags are the flags every experiment of `dcem repro` shares.
type sweepFlags struct {
	slurm, noWait, resume *bool
	collect               *string
	runIndex              *int
	partition, time, mem  *string
	cpus                  *int
	poll                  *time.Duration
}

// sweepFlagNames are the flags that do not set the grid.
var sweepFlagNames = map[string]bool{"slurm": true, "no-wait": true, "resume": true, "collect": true, "run-index": true,
	"partition": true, "time": true, "mem": true, "cpus": true, "poll": true, "out": true}

func addSweepFlags(fs *flag.FlagSet) sweepFlags {
	return sweepFlags{
		slurm:     fs.Bool("slurm", false, "run the grid as one Slurm job array (sbatch), wait for it and collect the results"),
		noWait:    fs.Bool("no-wait", false, "with --slurm: return once the array is submitted; collect later with --collect DIR"),
		resume:    fs.Bool("resume", false, "run (or with --slurm submit) only the grid points of --out that have no result; the grid is read from --out"),
		collect:   fs.String("collect", "", "aggregate the per-run results of the sweep directory `DIR` into its figures and result.json"),
		runIndex:  fs.Int("run-index", -1, "run only grid point `N` of the sweep in --out (what each Slurm array task runs)"),
		partition: fs.String("partition", "", "with --slurm: the Slurm partition (default: the cluster's)"),
		time:      fs.String("time", "", "with --slurm: each task's time limit, as sbatch --time takes it (such as 2:00:00)"),
		mem:       fs.String("mem", "", "with --slurm: each task's memory, as sbatch --mem takes it (such as 4G)"),
		cpus:      fs.Int("cpus", 0, "with --slurm: CPUs per task (0: what one run uses)"),
		poll:      fs.Duration("poll", 5*time.Second, "with --slurm: how often to ask squeue whether the array has finished"),
	}
}

// gridFlagsSet returns the flags given on the command line that set the
// grid (every flag but the sweep's).
func gridFlagsSet(fs *flag.FlagSet) []string {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if !sweepFlagNames[f.Name] {
			set = append(set, "--"+f.Name)
		}
	})
	return set
}

// check reports a combination of flags that makes no sense as a usage
// error.
func (sf sweepFlags) check(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	mode := ""
	for _, m := range []string{"run-index", "collect", "resume"} {
		if given[m] {
			if mode != "" {
				return usageErrorf("--%s and --%s cannot be combined", mode, m)
			}
			mode = m
		}
	}
	if given["run-index"] && *sf.runIndex < 0 {
		return usageErrorf("--run-index = %d, want ≥ 0", *sf.runIndex)
	}
	if (mode == "run-index" || mode == "collect") && *sf.slurm {
		return usageErrorf("--slurm cannot be combined with --%s", mode)
	}
	if mode != "" {
		if g := gridFlagsSet(fs); len(g) > 0 {
			return usageErrorf("%s cannot be combined with --%s: the grid is read from the sweep directory's sweep.json", strings.Join(g, ", "), mode)
		}
	}
	if !*sf.slurm {
		for _, f := range []string{"no-wait", "partition", "time", "mem", "cpus", "poll"} {
			if given[f] {
				return usageErrorf("--%s needs --slurm", f)
			}
		}
	}
	if *sf.cpus < 0 {
		return usageErrorf("--cpus = %d, want ≥ 1 (or 0 for what one run uses)", *sf.cpus)
	}
	if *sf.poll <= 0 {
		return usageErrorf("--poll = %v, want > 0", *sf.poll)
	}
	if *sf.collect == "" && given["collect"] {
		return usageErrorf("--collect needs a directory")
	}
	return nil
}

// runSweep runs experiment e as the sweep flags say, with out the --out
// directory. The flags have been parsed and e's configuration set from
// them.
func runSweep(fs *flag.FlagSet, e reproSweep, sf sweepFlags, out string) (err error) {
	if err := sf.check(fs); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case *sf.runIndex >= 0:
		return runOnePoint(ctx, e, out, *sf.runIndex)
	case *sf.collect != "":
		return collectSweep(ctx, e, *sf.collect)
	}

	var d *sweep.Dir
	if *sf.resume {
		if d, err = openSweep(e, out); err != nil {
			return err
		}
	} else {
		if err := e.validate(); err != nil {
			return err
		}
		_, statErr := os.Stat(out)
		if d, err = sweep.Create(out, e); err != nil {
			return err
		}
		// A run that fails before any point has a result, before
		// anything was submitted and before any point saved work (a
		// checkpoint it would resume from) leaves nothing behind; work
		// saved so far is kept for --resume.
		defer func() {
			if err != nil && statErr != nil && len(d.Missing()) == len(d.Manifest.Points) && !d.HasWork() {
				if jobs, _ := d.Jobs(); len(jobs) == 0 {
					os.RemoveAll(d.Path)
				}
			}
		}()
	}
	todo := d.Missing()
	n := len(d.Manifest.Points)
	var skip []int
	if *sf.resume {
		// Points whose Slurm task is still queued or running are left
		// to it: running them again here or in a new array would have
		// two processes write one checkpoint.
		active, err := d.Active(ctx)
		if err != nil {
			return err
		}
		if len(active) > 0 {
			todo = slices.DeleteFunc(todo, func(i int) bool {
				if _, ok := active[i]; ok {
					skip = append(skip, i)
					return true
				}
				return false
			})
			fmt.Fprintf(os.Stderr, "%s: points %s are still queued or running in Slurm: left to those tasks\n", e.Name(), sweep.Ranges(skip))
			if len(todo) == 0 {
				fmt.Printf("nothing to resume: every point without a result is queued or running; collect later with dcem repro %s --collect %s\n", e.Name(), d.Path)
				return nil
			}
		}
	}
	if len(todo) < n {
		fmt.Fprintf(os.Stderr, "%s: %d of %d grid points have results in %s; running the other %d\n", e.Name(), n-len(todo), n, d.Path, len(todo))
	}
	if *sf.slurm {
		if len(todo) > 0 {
			if err := submitSweep(ctx, e, d, todo, sf); err != nil || *sf.noWait {
				return err
			}
		}
	} else if len(todo) > 0 {
		fmt.Fprintf(os.Stderr, "%s: %d runs (%s), %d at once\n", e.Name(), len(todo), sweep.Ranges(todo), min(e.workers(), len(todo)))
		e.start(len(todo))
		if err := d.RunLocal(ctx, e, todo, e.workers()); err != nil {
			return err
		}
	}
	if len(skip) > 0 {
		fmt.Printf("points %s are still running in Slurm; when they are done, run: dcem repro %s --collect %s\n", sweep.Ranges(skip), e.Name(), d.Path)
		return nil
	}
	return collectDir(ctx, e, d)
}

// openSweep opens the sweep of e in dir and sets e's configuration from it.
func openSweep(e reproSweep, dir string) (*sweep.Dir, error) {
	d, err := sweep.Open(dir, e.Name())
	if err != nil {
		return nil, err
	}
	if ds, ok := e.(interface{ setDir(string) }); ok {
		ds.setDir(d.Path) // before its configuration, whose paths may be relative to it
	}
	if err := e.setConfig(d.Manifest.Config); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "sweep.json"), err)
	}
	if got := e.Points(); !slices.Equal(got, d.Manifest.Points) {
		return nil, fmt.Errorf("%s: the grid of its configuration (%d points) is not the grid it lists (%d points)",
			filepath.Join(dir, "sweep.json"), len(got), len(d.Manifest.Points))
	}
	return d, nil
}

// runOnePoint runs grid point i of the sweep in dir: what a Slurm array
// task does.
func runOnePoint(ctx context.Context, e reproSweep, dir string, i int) error {
	d, err := openSweep(e, dir)
	if err != nil {
		return err
	}
	if err := d.Check(i); err != nil {
		return usageErrorf("--run-index: %v", err)
	}
	host, _ := os.Hostname()
	task := ""
	if job := os.Getenv("SLURM_ARRAY_JOB_ID"); job != "" {
		task = job + "_" + os.Getenv("SLURM_ARRAY_TASK_ID")
	}
	fmt.Fprintf(os.Stderr, "%s: point %d of %d (%s) on %s\n", e.Name(), i, len(d.Manifest.Points), d.Manifest.Points[i], host)
	start := time.Now()
	e.start(1)
	if err := d.RunPoint(ctx, e, i, host, task); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: point %d (%s) done in %.1f s: %s\n", e.Name(), i, d.Manifest.Points[i], time.Since(start).Seconds(), d.RecordPath(i))
	return nil
}

// submitSweep submits the points todo as one job array and, unless
// --no-wait, waits for it and lists the points that failed.
func submitSweep(ctx context.Context, e reproSweep, d *sweep.Dir, todo []int, sf sweepFlags) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the dcem binary for the Slurm tasks: %w", err)
	}
	cpus := *sf.cpus
	if cpus == 0 {
		cpus = e.taskCPUs()
	}
	job, err := d.Submit(ctx, todo, sweep.SlurmOptions{
		Partition: *sf.partition, Time: *sf.time, Mem: *sf.mem, CPUs: cpus, JobName: "dcem-" + e.Name(),
		Command: []string{exe, "repro", e.Name(), "--out", d.Path, "--run-index"},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: submitted Slurm job array %s: %d tasks (%s), %d CPU(s) each; logs in %s\n",
		e.Name(), job.ID, len(todo), sweep.Ranges(todo), cpus, d.LogDir())
	if *sf.noWait {
		fmt.Printf("submitted job array %s; when it is done, run: dcem repro %s --collect %s\n", job.ID, e.Name(), d.Path)
		return nil
	}
	last := ""
	err = sweep.Wait(ctx, job.ID, *sf.poll, func(states map[string]int) {
		var parts []string
		for _, s := range []string{"PENDING", "RUNNING", "COMPLETING"} {
			if states[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", states[s], strings.ToLower(s)))
			}
		}
		line := strings.Join(parts, ", ")
		if line != last && line != "" {
			fmt.Fprintf(os.Stderr, "%s: job %s: %s\n", e.Name(), job.ID, line)
		}
		last = line
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("stopped waiting; job array %s keeps running: collect later with dcem repro %s --collect %s", job.ID, e.Name(), d.Path)
		}
		return err
	}
	return reportFailures(ctx, e, d)
}

// reportFailures lists the points of d without a result and returns a
// reportedError if there are any.
func reportFailures(ctx context.Context, e reproSweep, d *sweep.Dir) error {
	fails, err := d.Failures(ctx)
	if err != nil {
		return err
	}
	if len(fails) == 0 {
		return nil
	}
	fmt.Fprintf(os.Stderr, "dcem repro %s: %d of %d grid points have no result:\n", e.Name(), len(fails), len(d.Manifest.Points))
	for _, f := range fails {
		fmt.Fprintln(os.Stderr, "  "+f.String())
	}
	fmt.Fprintf(os.Stderr, "run them again with: dcem repro %s --resume --out %s [--slurm]\n", e.Name(), d.Path)
	return &reportedError{err: errors.New("missing results")}
}

// collectSweep aggregates the sweep in dir.
func collectSweep(ctx context.Context, e reproSweep, dir string) error {
	d, err := openSweep(e, dir)
	if err != nil {
		return err
	}
	return collectDir(ctx, e, d)
}

// timing is DIR/timing.json: the wall-clock times, kept apart from
// result.json so that the same configuration writes the same result.
type timing struct {
	Runs []timingRun `json:"runs"`
	// RunSeconds is the sum of the runs' times and CollectSeconds the time
	// the aggregation took.
	RunSeconds     float64 `json:"run_seconds"`
	CollectSeconds float64 `json:"collect_seconds"`
}

type timingRun struct {
	Name      string  `json:"name"`
	Seconds   float64 `json:"seconds"`
	Host      string  `json:"host,omitempty"`
	SlurmTask string  `json:"slurm_task,omitempty"`
}

func collectDir(ctx context.Context, e reproSweep, d *sweep.Dir) error {
	recs, err := d.ReadAll()
	var miss *sweep.MissingError
	if errors.As(err, &miss) {
		if rerr := reportFailures(ctx, e, d); rerr != nil {
			return rerr
		}
	}
	if err != nil {
		return err
	}
	start := time.Now()
	if err := e.collect(ctx, d, recs); err != nil {
		return err
	}
	t := timing{CollectSeconds: time.Since(start).Seconds()}
	for _, r := range recs {
		t.Runs = append(t.Runs, timingRun{Name: r.Name, Seconds: r.Seconds, Host: r.Host, SlurmTask: r.SlurmTask})
		t.RunSeconds += r.Seconds
	}
	return sweep.WriteJSONAtomic(filepath.Join(d.Path, "timing.json"), t)
}

// writeResultJSON writes v as out/result.json, atomically.
func writeResultJSON(out string, v any) error {
	return sweep.WriteJSONAtomic(filepath.Join(out, "result.json"), v)
}
