package ppo

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// checkpointMagic starts every checkpoint file (package checkpoint: the
// magic, the payload's length and CRC-32, then a gzip stream of a gob of
// checkpointState).
const checkpointMagic = "dcem-ppo-checkpoint-1\n"

// State is more state that a checkpoint saves and a resume restores
// (Options.Extra): a caller's own, such as evaluations made before
// training.
type State interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// savedTensor is a parameter's shape and values, in its dtype.
type savedTensor struct {
	Shape []int
	F32   []float32 // a Float32 tensor's values
	F64   []float64 // a Float64 tensor's values
}

type checkpointState struct {
	Config      []byte // the run's Config as JSON: a resume must match it
	Policy      []savedTensor
	Value       []savedTensor
	PolicyAdam  []byte
	ValueAdam   []byte
	RNG         []byte
	RewardStat  [3]float64 // count, mean and M2 of the discounted return
	Updates     int
	TotalSteps  int
	Logs        []UpdateLog
	Returns     []float64
	Extra       []byte // Options.Extra's state, if any
	ExtraStored bool
}

func saveTensors(ps []*tensor.Tensor) []savedTensor {
	s := make([]savedTensor, len(ps))
	for i, p := range ps {
		s[i].Shape = p.Shape()
		v := p.Values()
		if p.DType() == tensor.Float32 {
			s[i].F32 = make([]float32, len(v))
			for j, x := range v {
				s[i].F32[j] = float32(x)
			}
		} else {
			s[i].F64 = v
		}
	}
	return s
}

// checkTensors returns an error naming the first saved tensor whose count,
// shape or dtype differs from ps's.
func checkTensors(path, what string, ps []*tensor.Tensor, saved []savedTensor) error {
	if len(saved) != len(ps) {
		return fmt.Errorf("ppo: checkpoint %s holds %d %s parameter tensors, the %s has %d", path, len(saved), what, what, len(ps))
	}
	for i, p := range ps {
		s := &saved[i]
		if !slices.Equal(s.Shape, p.Shape()) {
			return fmt.Errorf("ppo: checkpoint %s: %s parameter %d has shape %v, the %s's has shape %v", path, what, i, s.Shape, what, p.Shape())
		}
		n := len(s.F64)
		if p.DType() == tensor.Float32 {
			n = len(s.F32)
		}
		if n != p.Size() {
			return fmt.Errorf("ppo: checkpoint %s: %s parameter %d has %d %v values, want %d", path, what, i, n, p.DType(), p.Size())
		}
	}
	return nil
}

func restoreTensors(ps []*tensor.Tensor, saved []savedTensor) {
	for i, p := range ps {
		v := saved[i].F64
		if p.DType() == tensor.Float32 {
			v = make([]float64, len(saved[i].F32))
			for j, x := range saved[i].F32 {
				v[j] = float64(x)
			}
		}
		p.SetValues(v)
	}
}

// SaveCheckpoint writes the Trainer's state to Options.Checkpoint (nothing
// when it is empty), atomically: to a temporary file in the same
// directory, synced, then renamed over the checkpoint. Update calls it
// after every update; call it to save a change of Options.Extra's state
// made after the last one.
func (t *Trainer) SaveCheckpoint() error {
	path := t.checkpoint
	if path == "" {
		return nil
	}
	cfgJSON, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	st := checkpointState{
		Config:     cfgJSON,
		Policy:     saveTensors(t.Policy.Params()),
		Value:      saveTensors(t.Value.Params()),
		RewardStat: [3]float64{t.rms.count, t.rms.mean, t.rms.m2},
		Updates:    t.updates,
		TotalSteps: t.totalSteps,
		Logs:       t.logs,
		Returns:    t.returns,
	}
	if st.PolicyAdam, err = t.policyOpt.MarshalBinary(); err != nil {
		return fmt.Errorf("ppo: checkpoint: %w", err)
	}
	if st.ValueAdam, err = t.valueOpt.MarshalBinary(); err != nil {
		return fmt.Errorf("ppo: checkpoint: %w", err)
	}
	if st.RNG, err = t.rng.MarshalBinary(); err != nil {
		return fmt.Errorf("ppo: checkpoint: %w", err)
	}
	if t.extra != nil {
		if st.Extra, err = t.extra.MarshalBinary(); err != nil {
			return fmt.Errorf("ppo: checkpoint: Options.Extra: %w", err)
		}
		st.ExtraStored = true
	}
	if err := checkpoint.Save(path, checkpointMagic, &st); err != nil {
		return fmt.Errorf("ppo: checkpoint: %w", err)
	}
	return nil
}

// readCheckpoint reads and verifies a checkpoint file.
func readCheckpoint(path string) (*checkpointState, error) {
	bad := func(why string) error {
		return fmt.Errorf("ppo: checkpoint %s is corrupted or not a PPO checkpoint: %s", path, why)
	}
	var st checkpointState
	if err := checkpoint.Load(path, checkpointMagic, &st); err != nil {
		var ce *checkpoint.CorruptError
		if errors.As(err, &ce) {
			return nil, bad(ce.Reason)
		}
		return nil, err
	}
	// Updates is 0 in a checkpoint saved before the first update (to keep
	// Options.Extra's state).
	if st.Updates < 0 || len(st.Logs) != st.Updates || st.Config == nil {
		return nil, bad(fmt.Sprintf("%d updates with %d logs", st.Updates, len(st.Logs)))
	}
	return &st, nil
}

// load restores the Trainer from its checkpoint file if there is one. A
// checkpoint of another Config, or of networks of other shapes, is an
// error, and leaves the Trainer as it was.
func (t *Trainer) load() error {
	path := t.checkpoint
	st, err := readCheckpoint(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	want, err := json.Marshal(t.Config)
	if err != nil {
		return err
	}
	if !bytes.Equal(want, st.Config) {
		return fmt.Errorf("ppo: checkpoint %s belongs to another configuration (%s); remove it or resume with that configuration", path, st.Config)
	}
	pp, vp := t.Policy.Params(), t.Value.Params()
	if err := checkTensors(path, "policy", pp, st.Policy); err != nil {
		return err
	}
	if err := checkTensors(path, "value", vp, st.Value); err != nil {
		return err
	}
	if st.ExtraStored != (t.extra != nil) {
		return fmt.Errorf("ppo: checkpoint %s was written %s Options.Extra; resume it the same way", path,
			map[bool]string{true: "with", false: "without"}[st.ExtraStored])
	}
	// Restore into copies first, so that an error changes nothing.
	popt, vopt := t.newOptimizers()
	rng := tensor.NewRNG(0)
	if err := popt.UnmarshalBinary(st.PolicyAdam); err != nil {
		return fmt.Errorf("ppo: checkpoint %s: the policy's optimizer: %w", path, err)
	}
	if err := vopt.UnmarshalBinary(st.ValueAdam); err != nil {
		return fmt.Errorf("ppo: checkpoint %s: the value function's optimizer: %w", path, err)
	}
	if err := rng.UnmarshalBinary(st.RNG); err != nil {
		return fmt.Errorf("ppo: checkpoint %s: %w", path, err)
	}
	if t.extra != nil {
		if err := t.extra.UnmarshalBinary(st.Extra); err != nil {
			return fmt.Errorf("ppo: checkpoint %s: Options.Extra: %w", path, err)
		}
	}
	restoreTensors(pp, st.Policy)
	restoreTensors(vp, st.Value)
	t.policyOpt, t.valueOpt, t.rng = popt, vopt, rng
	t.rms = runningStat{count: st.RewardStat[0], mean: st.RewardStat[1], m2: st.RewardStat[2]}
	t.updates, t.totalSteps = st.Updates, st.TotalSteps
	t.logs, t.returns = st.Logs, st.Returns
	return nil
}

// LoadResult returns the record stored in a checkpoint file (Options.
// Checkpoint) — of a finished run, or of one still training (another
// process may be writing it: the file is always whole) — without resuming
// it, for figures and progress reports.
func LoadResult(path string) (*Result, error) {
	st, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	return &Result{Logs: st.Logs, Returns: st.Returns, TotalSteps: st.TotalSteps}, nil
}
