package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SlurmOptions are the sbatch options of a sweep's job array.
type SlurmOptions struct {
	// Partition, Time (sbatch --time, such as "2:00:00") and Mem (--mem,
	// such as "4G") are passed on when not empty; empty leaves the
	// cluster's defaults.
	Partition, Time, Mem string
	// CPUs is each task's --cpus-per-task (≥ 1).
	CPUs int
	// JobName is the array's --job-name.
	JobName string
	// Command is what every task runs, from the sweep directory; the task's
	// grid index ($SLURM_ARRAY_TASK_ID) is appended as the last argument.
	// Its program must be reachable from the compute nodes (a shared file
	// system).
	Command []string
}

// Job is a submitted job array, as DIR/jobs.json lists it.
type Job struct {
	// ID is Slurm's job ID of the array.
	ID string `json:"id"`
	// Points are the grid points it runs, one array task each, whose task
	// ID is the point's index.
	Points []int `json:"points"`
	// Submitted is when, in RFC 3339.
	Submitted string `json:"submitted"`
}

const jobsFile = "jobs.json"

// Jobs returns the job arrays submitted for the sweep, oldest first.
func (d *Dir) Jobs() ([]Job, error) {
	b, err := os.ReadFile(filepath.Join(d.Path, jobsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var jobs []Job
	if err := json.Unmarshal(b, &jobs); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", filepath.Join(d.Path, jobsFile), err)
	}
	return jobs, nil
}

// LogPath is where Slurm writes the output of the task of job array id
// that runs point i.
func (d *Dir) LogPath(id string, i int) string {
	return filepath.Join(d.LogDir(), fmt.Sprintf("slurm-%s_%d.out", id, i))
}

// Submit submits the points idx as one Slurm job array with sbatch and
// records it in DIR/jobs.json. Each task runs o.Command with its index
// appended, in the sweep directory, with its output in DIR/logs.
func (d *Dir) Submit(ctx context.Context, idx []int, o SlurmOptions) (*Job, error) {
	if len(idx) == 0 {
		return nil, errors.New("sweep: no points to submit")
	}
	for _, i := range idx {
		if err := d.Check(i); err != nil {
			return nil, err
		}
	}
	if o.CPUs < 1 {
		return nil, fmt.Errorf("sweep: CPUs = %d, want ≥ 1", o.CPUs)
	}
	if len(o.Command) == 0 {
		return nil, errors.New("sweep: SlurmOptions.Command is empty, want the command each task runs")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		return nil, errors.New("sweep: sbatch is not on PATH: submitting to Slurm needs its client commands (sbatch, squeue, scontrol)")
	}
	if err := os.MkdirAll(d.LogDir(), 0o755); err != nil {
		return nil, err
	}
	var script strings.Builder
	script.WriteString("#!/bin/sh\n# A task of the sweep in this directory: runs grid point $SLURM_ARRAY_TASK_ID.\nexec")
	for _, a := range o.Command {
		script.WriteString(" " + shellQuote(a))
	}
	script.WriteString(" \"$SLURM_ARRAY_TASK_ID\"\n")
	scriptPath := filepath.Join(d.Path, "task.sh")
	if err := WriteFileAtomic(scriptPath, []byte(script.String()), 0o755); err != nil {
		return nil, err
	}
	args := []string{"--parsable", "--array=" + Ranges(idx), "--ntasks=1",
		"--cpus-per-task=" + strconv.Itoa(o.CPUs),
		"--chdir=" + d.Path,
		"--output=" + filepath.Join(d.LogDir(), "slurm-%A_%a.out")}
	if o.JobName != "" {
		args = append(args, "--job-name="+o.JobName)
	}
	if o.Partition != "" {
		args = append(args, "--partition="+o.Partition)
	}
	if o.Time != "" {
		args = append(args, "--time="+o.Time)
	}
	if o.Mem != "" {
		args = append(args, "--mem="+o.Mem)
	}
	args = append(args, scriptPath)
	out, err := slurmCmd(ctx, "sbatch", args...)
	if err != nil {
		return nil, err
	}
	// --parsable prints "ID" or "ID;CLUSTER".
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return nil, fmt.Errorf("sweep: sbatch printed %q, want a job ID", strings.TrimSpace(out))
	}
	job := Job{ID: id, Points: append([]int(nil), idx...), Submitted: time.Now().UTC().Format(time.RFC3339)}
	sort.Ints(job.Points)
	jobs, err := d.Jobs()
	if err != nil {
		return &job, err
	}
	return &job, WriteJSONAtomic(filepath.Join(d.Path, jobsFile), append(jobs, job))
}

// slurmCmd runs a Slurm client command and returns its standard output; a
// failure carries what it printed on standard error.
func slurmCmd(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			msg = err.Error()
		}
		return out.String(), &CommandError{Command: name, Msg: msg}
	}
	return out.String(), nil
}

// CommandError is a Slurm client command that failed.
type CommandError struct {
	Command string
	Msg     string
}

func (e *CommandError) Error() string { return fmt.Sprintf("sweep: %s: %s", e.Command, e.Msg) }

// invalidJob reports whether err says that Slurm no longer knows the job
// (it forgets finished jobs after MinJobAge).
func invalidJob(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce) && strings.Contains(strings.ToLower(ce.Msg), "invalid job id")
}

// Wait polls squeue every poll until no task of job array id is pending or
// running. report, if not nil, gets the number of tasks in each state at
// every poll.
func Wait(ctx context.Context, id string, poll time.Duration, report func(states map[string]int)) error {
	if poll <= 0 {
		return fmt.Errorf("sweep: poll = %v, want > 0", poll)
	}
	for {
		out, err := slurmCmd(ctx, "squeue", "--noheader", "--array", "--jobs="+id, "--format=%T")
		if err != nil && !invalidJob(err) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		states := map[string]int{}
		for _, f := range strings.Fields(out) {
			states[f]++
		}
		if report != nil {
			report(states)
		}
		if len(states) == 0 || invalidJob(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// TaskState is what Slurm says of one array task.
type TaskState struct {
	// Index is the array task ID, the grid point's index.
	Index int
	// JobID is the task's own job ID and ArrayJobID the array's.
	JobID, ArrayJobID string
	// State is Slurm's JobState (PENDING, RUNNING, COMPLETED, FAILED,
	// CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...), Reason its
	// Reason and ExitCode its ExitCode ("code:signal").
	State, Reason, ExitCode string
	// Log is the task's output file.
	Log string
}

// Tasks returns the state of every task of job array id that Slurm still
// lists (scontrol show job), by index. A job Slurm has forgotten gives an
// empty map.
func Tasks(ctx context.Context, id string) (map[int]TaskState, error) {
	out, err := slurmCmd(ctx, "scontrol", "--oneliner", "show", "job", id)
	if invalidJob(err) {
		return map[int]TaskState{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseTasks(out)
}

// parseTasks reads the output of `scontrol --oneliner show job`: one line
// per job, fields Key=Value separated by spaces. The pending remainder of
// an array shows as one line with ArrayTaskId a range ("4-7,9%2").
func parseTasks(out string) (map[int]TaskState, error) {
	tasks := map[int]TaskState{}
	for _, line := range strings.Split(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := map[string]string{}
		for _, tok := range strings.Fields(line) {
			if k, v, ok := strings.Cut(tok, "="); ok {
				if _, dup := f[k]; !dup {
					f[k] = v
				}
			}
		}
		spec, ok := f["ArrayTaskId"]
		if !ok {
			continue
		}
		if k := strings.IndexByte(spec, '%'); k >= 0 {
			spec = spec[:k]
		}
		idx, err := expandRanges(spec)
		if err != nil {
			return nil, fmt.Errorf("sweep: scontrol ArrayTaskId=%q: %w", f["ArrayTaskId"], err)
		}
		for _, i := range idx {
			tasks[i] = TaskState{Index: i, JobID: f["JobId"], ArrayJobID: f["ArrayJobId"], State: f["JobState"],
				Reason: f["Reason"], ExitCode: f["ExitCode"], Log: f["StdOut"]}
		}
	}
	return tasks, nil
}

// expandRanges is the inverse of Ranges.
func expandRanges(spec string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				return nil, err
			}
		}
		if b < a {
			return nil, fmt.Errorf("range %s runs backwards", part)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// Failure is a grid point without a result, with what Slurm says of it.
type Failure struct {
	Index int
	Name  string
	// Job is the last job array that ran the point ("" if none did), State
	// Slurm's state of its task ("" when Slurm no longer lists it),
	// ExitCode and Reason Slurm's, and Log its output file (as Submit
	// names it).
	Job, State, ExitCode, Reason, Log string
	// Unknown says why Slurm could not be asked, when it could not.
	Unknown string
}

// String describes f in one line.
func (f Failure) String() string {
	s := fmt.Sprintf("point %d (%s): ", f.Index, f.Name)
	switch {
	case f.Job == "":
		return s + "no result (not submitted to Slurm)"
	case f.Unknown != "":
		s += fmt.Sprintf("no result; the state of job %s is unknown (%s)", f.Job, f.Unknown)
	case f.State == "":
		s += fmt.Sprintf("no result; Slurm no longer lists job %s", f.Job)
	default:
		s += f.State
		if f.ExitCode != "" && f.ExitCode != "0:0" {
			s += " (exit " + f.ExitCode + ")"
		}
		if f.Reason != "" && f.Reason != "None" {
			s += " [" + f.Reason + "]"
		}
	}
	return s + ", log " + f.Log
}

// Failures lists the points without a result, with the state Slurm gives
// the task of the last job array that ran each of them.
func (d *Dir) Failures(ctx context.Context) ([]Failure, error) {
	miss := d.Missing()
	if len(miss) == 0 {
		return nil, nil
	}
	jobs, err := d.Jobs()
	if err != nil {
		return nil, err
	}
	last := map[int]string{}
	for _, j := range jobs {
		for _, i := range j.Points {
			last[i] = j.ID
		}
	}
	states := map[string]map[int]TaskState{}
	unknown := map[string]string{}
	var out []Failure
	for _, i := range miss {
		f := Failure{Index: i, Name: d.Manifest.Points[i], Job: last[i]}
		if f.Job != "" {
			f.Log = d.LogPath(f.Job, i)
			st, ok := states[f.Job]
			if !ok {
				if st, err = Tasks(ctx, f.Job); err != nil {
					// Slurm cannot be asked (from another machine, say):
					// the point is still listed, with its log.
					first, _, _ := strings.Cut(err.Error(), "\n")
					unknown[f.Job] = first
					st = map[int]TaskState{}
				}
				states[f.Job] = st
			}
			f.Unknown = unknown[f.Job]
			if t, ok := st[i]; ok {
				f.State, f.ExitCode, f.Reason = t.State, t.ExitCode, t.Reason
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// activeStates are the Slurm job states of a task that is still to run or
// running.
var activeStates = map[string]bool{"PENDING": true, "RUNNING": true, "CONFIGURING": true, "COMPLETING": true,
	"SUSPENDED": true, "REQUEUED": true, "REQUEUE_HOLD": true, "REQUEUE_FED": true, "RESIZING": true, "SIGNALING": true, "STAGE_OUT": true}

// Active returns the points without a result whose task in the last job
// array that was submitted for them Slurm still lists as pending or running,
// with that array's ID: a resumed sweep must not submit or run them again.
func (d *Dir) Active(ctx context.Context) (map[int]string, error) {
	jobs, err := d.Jobs()
	if err != nil || len(jobs) == 0 {
		return nil, err
	}
	last := map[int]string{}
	for _, j := range jobs {
		for _, i := range j.Points {
			last[i] = j.ID
		}
	}
	states := map[string]map[int]TaskState{}
	active := map[int]string{}
	for _, i := range d.Missing() {
		id, ok := last[i]
		if !ok {
			continue
		}
		st, ok := states[id]
		if !ok {
			if st, err = Tasks(ctx, id); err != nil {
				return nil, fmt.Errorf("sweep: asking Slurm whether job %s still runs: %w", id, err)
			}
			states[id] = st
		}
		if t, ok := st[i]; ok && activeStates[t.State] {
			active[i] = id
		}
	}
	return active, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
