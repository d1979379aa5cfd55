package planet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
)

// Evaluations keeps the returns of evaluations in a JSON file, one record
// per controller name, written atomically after every episode: an
// interrupted evaluation resumes with its next episode, and a finished one
// is read back instead of played again. A record holds only while the
// file its controller comes from (a checkpoint) is unchanged and the seed
// is the same; otherwise the controller is evaluated afresh.
type Evaluations struct {
	path    string
	records map[string]EvalRecord
}

// EvalRecord is one controller's evaluation in an Evaluations file.
type EvalRecord struct {
	// Source is the file the controller came from and SourceSHA256 its
	// hash when the episodes were played.
	Source       string    `json:"source"`
	SourceSHA256 string    `json:"source_sha256"`
	Seed         uint64    `json:"seed"`
	Returns      []float64 `json:"returns"`
}

// OpenEvaluations reads the evaluations file at path, or starts an empty
// one if there is none yet (it is written with the first episode).
func OpenEvaluations(path string) (*Evaluations, error) {
	e := &Evaluations{path: path, records: map[string]EvalRecord{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return e, nil
	}
	if err != nil {
		return nil, fmt.Errorf("planet: evaluations file: %w", err)
	}
	if err := json.Unmarshal(b, &e.records); err != nil {
		return nil, fmt.Errorf("planet: evaluations file %s: %w", path, err)
	}
	if e.records == nil {
		e.records = map[string]EvalRecord{}
	}
	return e, nil
}

// Record returns the stored evaluation of the controller name, if any.
func (e *Evaluations) Record(name string) (EvalRecord, bool) {
	r, ok := e.records[name]
	return r, ok
}

// Evaluate returns opts.Episodes returns of the controller name, which
// source (its checkpoint file) defines, played by play (Evaluate or
// EvaluateModel with the caller's controller). Episodes already recorded
// for the same source contents and opts.Seed are reused; the rest are
// played and each is recorded as it finishes.
func (e *Evaluations) Evaluate(ctx context.Context, name, source string, opts EvalOptions,
	play func(context.Context, EvalOptions) ([]float64, error)) ([]float64, error) {
	if opts.Episodes < 1 {
		return nil, fmt.Errorf("planet: Evaluations.Evaluate: Episodes = %d, want ≥ 1", opts.Episodes)
	}
	if play == nil {
		return nil, fmt.Errorf("planet: Evaluations.Evaluate: play is nil")
	}
	sum, err := fileSHA256(source)
	if err != nil {
		return nil, fmt.Errorf("planet: Evaluations.Evaluate: source: %w", err)
	}
	rec, ok := e.records[name]
	if !ok || rec.SourceSHA256 != sum || rec.Seed != opts.Seed {
		rec = EvalRecord{Source: source, SourceSHA256: sum, Seed: opts.Seed}
	}
	if len(rec.Returns) >= opts.Episodes {
		return append([]float64(nil), rec.Returns[:opts.Episodes]...), nil
	}
	opts.Done = rec.Returns
	inner := opts.OnEpisode
	opts.OnEpisode = func(i int, ret float64) error {
		rec.Returns = append(rec.Returns[:i:i], ret)
		e.records[name] = rec
		if err := e.save(); err != nil {
			return err
		}
		if inner != nil {
			return inner(i, ret)
		}
		return nil
	}
	return play(ctx, opts)
}

func (e *Evaluations) save() error {
	b, err := json.MarshalIndent(e.records, "", " ")
	if err != nil {
		return err
	}
	return checkpoint.WriteFileAtomic(e.path, append(b, '\n'), 0o644)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
