// Package sweep splits an experiment into independent runs, one per point
// of its grid (seeds × temperatures × latent dimensions × tasks), and keeps
// them in a sweep directory that a local run and a Slurm job array share:
//
//	DIR/sweep.json       the manifest: experiment, configuration, grid points
//	DIR/runs/NNNN.json   the result of point NNNN, written atomically when it ends
//	DIR/work/NNNN/       files of point NNNN (checkpoints, frames), kept across attempts
//	DIR/logs/            the Slurm tasks' output
//	DIR/jobs.json        the Slurm job arrays submitted for the sweep
//
// A point is done when its result file exists; every other point is
// missing, and resuming a sweep runs only those. The grid is enumerated once,
// by the experiment (Experiment.Points), for local runs and for Slurm alike.
//
// Local runs go through RunLocal; Slurm through Submit, Wait and Tasks, which
// call the Slurm client commands (sbatch, squeue, scontrol).
package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
)

// Experiment is an experiment split into independent runs.
type Experiment interface {
	// Name is the experiment's name (as `dcem repro` knows it).
	Name() string
	// Config returns the configuration, saved in the manifest as JSON.
	Config() any
	// Points lists the grid: one short name per independent run, in the
	// order the results are assembled.
	Points() []string
	// RunPoint does run i of Points. work is a directory of the run's own
	// that survives a failed or cancelled attempt: a run that checkpoints
	// saves there and, when it finds a checkpoint, resumes from it. The
	// result is saved as JSON.
	RunPoint(ctx context.Context, i int, work string) (any, error)
}

// Manifest describes a sweep: it is DIR/sweep.json.
type Manifest struct {
	// Experiment names the experiment.
	Experiment string `json:"experiment"`
	// Config is the experiment's configuration.
	Config json.RawMessage `json:"config"`
	// Points names the grid points; a point's index is its position.
	Points []string `json:"points"`
}

// Record is the result file of one point, DIR/runs/NNNN.json.
type Record struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	// Seconds is the run's wall-clock time.
	Seconds float64 `json:"seconds"`
	// Host is the machine that ran it and SlurmTask its Slurm array task
	// ("JOB_TASK"), empty for a local run.
	Host      string `json:"host,omitempty"`
	SlurmTask string `json:"slurm_task,omitempty"`
	// Result is what Experiment.RunPoint returned.
	Result json.RawMessage `json:"result"`
}

// Dir is an open sweep directory.
type Dir struct {
	// Path is the directory, made absolute.
	Path string
	// Manifest is its sweep.json.
	Manifest Manifest
}

const manifestFile = "sweep.json"

// Create writes the manifest of e into dir (made if needed) and starts the
// sweep afresh: results and work files of an earlier sweep in dir are
// removed (logs are kept), and so are, when dir held a sweep, the files an
// earlier collect wrote beside them (its result.json, timing.json and
// figures: every file at dir's top level but the manifest and the jobs
// record), so that nothing of the old grid is left beside the new one.
func Create(dir string, e Experiment) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(e.Config())
	if err != nil {
		return nil, fmt.Errorf("sweep: configuration of %s: %w", e.Name(), err)
	}
	points := e.Points()
	if len(points) == 0 {
		return nil, fmt.Errorf("sweep: %s has an empty grid, want at least one point", e.Name())
	}
	m := Manifest{Experiment: e.Name(), Config: cfg, Points: points}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, manifestFile)); err == nil {
		ents, err := os.ReadDir(abs)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if n := e.Name(); e.Type().IsRegular() && n != manifestFile && n != jobsFile && !strings.HasPrefix(n, ".") {
				if err := os.Remove(filepath.Join(abs, n)); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, sub := range []string{"runs", "work"} {
		if err := os.RemoveAll(filepath.Join(abs, sub)); err != nil {
			return nil, err
		}
	}
	if err := os.Remove(filepath.Join(abs, jobsFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(abs, manifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return &Dir{Path: abs, Manifest: m}, nil
}

// Open opens the sweep in dir, which must hold a manifest of the experiment
// named experiment.
func Open(dir, experiment string) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(abs, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("sweep: %s holds no %s: not a sweep directory (a run without --resume or --collect makes one)", dir, manifestFile)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", filepath.Join(dir, manifestFile), err)
	}
	if m.Experiment != experiment {
		return nil, fmt.Errorf("sweep: %s is a sweep of %q, not of %q", dir, m.Experiment, experiment)
	}
	if len(m.Points) == 0 {
		return nil, fmt.Errorf("sweep: %s lists no grid points", filepath.Join(dir, manifestFile))
	}
	return &Dir{Path: abs, Manifest: m}, nil
}

// Check returns an error unless i is the index of a grid point.
func (d *Dir) Check(i int) error {
	if i < 0 || i >= len(d.Manifest.Points) {
		return fmt.Errorf("sweep: run index %d out of range, want 0 ≤ index < %d (the grid's size)", i, len(d.Manifest.Points))
	}
	return nil
}

// RecordPath is the result file of point i.
func (d *Dir) RecordPath(i int) string {
	return filepath.Join(d.Path, "runs", fmt.Sprintf("%04d.json", i))
}

// WorkDir is the directory of point i's own files; WorkDir does not make it.
func (d *Dir) WorkDir(i int) string {
	return filepath.Join(d.Path, "work", fmt.Sprintf("%04d", i))
}

// HasWork reports whether any point's work directory holds a file: work
// that a run saved to resume from.
func (d *Dir) HasWork() bool {
	found := false
	filepath.WalkDir(filepath.Join(d.Path, "work"), func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// LogDir is the directory of the Slurm tasks' output.
func (d *Dir) LogDir() string { return filepath.Join(d.Path, "logs") }

// Done reports whether point i has a result.
func (d *Dir) Done(i int) bool {
	_, err := os.Stat(d.RecordPath(i))
	return err == nil
}

// Missing returns the points without a result, in increasing order.
func (d *Dir) Missing() []int {
	var out []int
	for i := range d.Manifest.Points {
		if !d.Done(i) {
			out = append(out, i)
		}
	}
	return out
}

// WriteRecord saves the result of point i atomically. r.Index and r.Name
// are set from the manifest.
func (d *Dir) WriteRecord(i int, r Record) error {
	if err := d.Check(i); err != nil {
		return err
	}
	r.Index, r.Name = i, d.Manifest.Points[i]
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("sweep: result of point %d (%s): %w", i, r.Name, err)
	}
	if err := os.MkdirAll(filepath.Dir(d.RecordPath(i)), 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(d.RecordPath(i), append(b, '\n'), 0o644)
}

// ReadRecord reads the result of point i.
func (d *Dir) ReadRecord(i int) (*Record, error) {
	if err := d.Check(i); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(d.RecordPath(i))
	if err != nil {
		return nil, fmt.Errorf("sweep: point %d (%s): %w", i, d.Manifest.Points[i], err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", d.RecordPath(i), err)
	}
	if r.Index != i || r.Name != d.Manifest.Points[i] {
		return nil, fmt.Errorf("sweep: %s holds point %d (%s), want point %d (%s)", d.RecordPath(i), r.Index, r.Name, i, d.Manifest.Points[i])
	}
	return &r, nil
}

// ReadAll reads every point's record, in grid order. It fails, naming the
// missing points, unless all are done.
func (d *Dir) ReadAll() ([]*Record, error) {
	if miss := d.Missing(); len(miss) > 0 {
		return nil, &MissingError{Dir: d.Path, Points: miss, Total: len(d.Manifest.Points)}
	}
	out := make([]*Record, len(d.Manifest.Points))
	for i := range out {
		r, err := d.ReadRecord(i)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// MissingError says which points of a sweep have no result.
type MissingError struct {
	Dir    string
	Points []int
	Total  int
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("sweep: %d of %d points in %s have no result (%s)", len(e.Points), e.Total, e.Dir, Ranges(e.Points))
}

// RunPoint runs point i of e and saves its result; host and slurmTask go
// into the record. Its work directory is made first.
func (d *Dir) RunPoint(ctx context.Context, e Experiment, i int, host, slurmTask string) error {
	if err := d.Check(i); err != nil {
		return err
	}
	work := d.WorkDir(i)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	start := time.Now()
	res, err := e.RunPoint(ctx, i, work)
	if err != nil {
		return err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("sweep: result of point %d (%s): %w", i, d.Manifest.Points[i], err)
	}
	return d.WriteRecord(i, Record{Seconds: time.Since(start).Seconds(), Host: host, SlurmTask: slurmTask, Result: b})
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory, synced and renamed over path once complete: readers see the
// old file or the new one, never a part (checkpoint.WriteFileAtomic).
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return checkpoint.WriteFileAtomic(path, data, perm)
}

// WriteJSONAtomic writes v as indented JSON to path, atomically.
func WriteJSONAtomic(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes(), 0o644)
}

// Ranges writes sorted, distinct indices compactly, as Slurm's --array
// takes them: [0 1 2 5 7 8] is "0-2,5,7-8".
func Ranges(idx []int) string {
	v := append([]int(nil), idx...)
	sort.Ints(v)
	var b bytes.Buffer
	for i := 0; i < len(v); {
		j := i
		for j+1 < len(v) && v[j+1] <= v[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if v[j] == v[i] {
			fmt.Fprintf(&b, "%d", v[i])
		} else {
			fmt.Fprintf(&b, "%d-%d", v[i], v[j])
		}
		i = j + 1
	}
	return b.String()
}
