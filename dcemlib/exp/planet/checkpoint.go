package planet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
	"github.com/dcem-go/dcem/envs/dmc"
)

// checkpointMagic starts every checkpoint file (package checkpoint: the
// magic, the payload's length and CRC-32, then a gzip stream of a gob of
// checkpointState). Version 2 files, whose replay is always stored whole,
// read the same way.
const checkpointMagic = "dcem-planet-checkpoint-2\n"

// checkpointMagicV1 starts the checkpoints of earlier versions, whose
// payload is the gob itself, not compressed; they are still read.
const checkpointMagicV1 = "dcem-planet-checkpoint-1\n"

type checkpointState struct {
	Config []byte // the run's Config as JSON: a resume must match it
	Params [][]float32
	Adam   []byte
	RNG    []byte
	// Replay is the replay buffer stored whole, or nil when Episodes
	// stores it as its episodes' reset seeds and actions.
	Replay   *rssm.Replay
	Episodes []storedEpisode
	// ObsSize and ActionSize are the replay's (also when Replay is nil).
	ObsSize, ActionSize int
	Result              *Result
	Agent               []byte // the Options.Agent's state, if any
	// ObsScale is the model's observation scale (nil: none).
	ObsScale []float64
	// ReplayDropped counts the episodes the replay buffer has dropped
	// (Config.ReplayCapacity).
	ReplayDropped int
}

// storedEpisode is a replay episode as what makes it: the seed the task
// was reset with and the actions applied (float32, as the run applied
// them), with its return to check the replay against. The simulator is
// deterministic, so playing the actions again from the reset gives the
// observations and rewards back: a tenth of the bytes of storing them.
type storedEpisode struct {
	Seed    uint64
	Actions []float32 // steps after the first, ActionSize each
	Return  float64
}

// checkpoint writes the run's state atomically: to a temporary file in the
// same directory, synced, then renamed over the checkpoint.
func (r *run) checkpoint() error {
	path := r.opts.Checkpoint
	if path == "" {
		return nil
	}
	r.res.Seconds = r.elapsed + timeSince(r.start)
	cfgJSON, err := json.Marshal(r.cfg)
	if err != nil {
		return err
	}
	st := checkpointState{Config: cfgJSON, Result: r.res, ObsSize: r.replay.ObsSize, ActionSize: r.replay.ActionSize,
		ObsScale: r.model.ObsScale, ReplayDropped: r.replay.Dropped}
	if len(r.seeds) == len(r.replay.Episodes) {
		A := r.replay.ActionSize
		for i, e := range r.replay.Episodes {
			st.Episodes = append(st.Episodes, storedEpisode{Seed: r.seeds[i], Actions: e.Actions[A:], Return: e.Return()})
		}
	} else {
		st.Replay = r.replay
	}
	for _, p := range r.model.Params() {
		st.Params = append(st.Params, append([]float32(nil), p.Data32()...))
	}
	if st.Adam, err = r.opt.MarshalBinary(); err != nil {
		return err
	}
	if st.RNG, err = r.rng.MarshalBinary(); err != nil {
		return err
	}
	if r.opts.Agent != nil {
		if st.Agent, err = r.opts.Agent.MarshalBinary(); err != nil {
			return fmt.Errorf("planet: checkpoint: agent: %w", err)
		}
	}
	if err := checkpoint.Save(path, checkpointMagic, &st); err != nil {
		return fmt.Errorf("planet: checkpoint: %w", err)
	}
	return nil
}

// readCheckpoint reads and verifies a checkpoint file.
func readCheckpoint(path string) (*checkpointState, error) {
	bad := func(why string) error {
		return fmt.Errorf("planet: checkpoint %s is corrupted or not a checkpoint: %s", path, why)
	}
	var st checkpointState
	if err := checkpoint.Load(path, checkpointMagic, &st, checkpointMagicV1); err != nil {
		var ce *checkpoint.CorruptError
		if errors.As(err, &ce) {
			return nil, bad(ce.Reason)
		}
		return nil, err
	}
	if (st.Replay == nil && st.Episodes == nil) || st.Result == nil {
		return nil, bad("the replay buffer or the logs are missing")
	}
	if st.Replay != nil {
		st.ObsSize, st.ActionSize = st.Replay.ObsSize, st.Replay.ActionSize
	}
	return &st, nil
}

// replay returns the checkpoint's replay buffer, playing its stored
// episodes again in the task's simulator when it holds them as seeds and
// actions, and their seeds (nil for a replay stored whole).
func (st *checkpointState) replay(path string) (*rssm.Replay, []uint64, error) {
	if st.Replay != nil {
		return st.Replay, nil, nil
	}
	var cfg Config
	if err := json.Unmarshal(st.Config, &cfg); err != nil {
		return nil, nil, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	env, err := dmc.New(cfg.Task)
	if err != nil {
		return nil, nil, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	defer env.Close()
	rep, err := envs.NewActionRepeat(env, cfg.ActionRepeat)
	if err != nil {
		return nil, nil, err
	}
	replay, err := rssm.NewReplay(st.ObsSize, st.ActionSize)
	if err != nil {
		return nil, nil, err
	}
	if rep.ObservationSize() != st.ObsSize || rep.ActionSize() != st.ActionSize {
		return nil, nil, fmt.Errorf("planet: checkpoint %s: a replay of %d observations and %d actions, task %s has %d and %d",
			path, st.ObsSize, st.ActionSize, cfg.Task, rep.ObservationSize(), rep.ActionSize())
	}
	A := st.ActionSize
	var seeds []uint64
	for i, se := range st.Episodes {
		if len(se.Actions)%A != 0 {
			return nil, nil, fmt.Errorf("planet: checkpoint %s: episode %d has %d action values, not a multiple of %d", path, i, len(se.Actions), A)
		}
		obs, err := rep.Reset(se.Seed)
		if err != nil {
			return nil, nil, err
		}
		var ep rssm.Episode
		ep.Append(obs, make([]float64, A), 0)
		action := make([]float64, A)
		for t := 0; t < len(se.Actions); t += A {
			for k := range action {
				action[k] = float64(se.Actions[t+k])
			}
			next, r, _, err := rep.Step(action)
			if err != nil {
				return nil, nil, fmt.Errorf("planet: checkpoint %s: replaying episode %d: %w", path, i, err)
			}
			ep.Append(next, action, r)
		}
		if got := ep.Return(); got != se.Return {
			return nil, nil, fmt.Errorf("planet: checkpoint %s: episode %d replays to return %v, it had %v: the simulator differs from the one that wrote the checkpoint", path, i, got, se.Return)
		}
		if err := replay.Add(ep); err != nil {
			return nil, nil, err
		}
		seeds = append(seeds, se.Seed)
	}
	return replay, seeds, nil
}

// load restores the run from its checkpoint file if there is one; it
// reports whether it did. A checkpoint of another Config is an error.
func (r *run) load(path string) (bool, error) {
	st, err := readCheckpoint(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	extend, err := r.sameRun(st.Config)
	if err != nil {
		return false, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	params := r.model.Params()
	if len(st.Params) != len(params) {
		return false, fmt.Errorf("planet: checkpoint %s has %d parameter tensors, the model %d", path, len(st.Params), len(params))
	}
	for i, p := range params {
		if len(st.Params[i]) != p.Size() {
			return false, fmt.Errorf("planet: checkpoint %s: parameter %d has %d values, want %d", path, i, len(st.Params[i]), p.Size())
		}
	}
	if st.ObsSize != r.replay.ObsSize || st.ActionSize != r.replay.ActionSize {
		return false, fmt.Errorf("planet: checkpoint %s: replay of sizes %d/%d, the task's are %d/%d", path,
			st.ObsSize, st.ActionSize, r.replay.ObsSize, r.replay.ActionSize)
	}
	replay, seeds, err := st.replay(path)
	if err != nil {
		return false, err
	}
	if err := r.opt.UnmarshalBinary(st.Adam); err != nil {
		return false, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	if err := r.rng.UnmarshalBinary(st.RNG); err != nil {
		return false, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	if (r.opts.Agent != nil) != (st.Agent != nil) {
		return false, fmt.Errorf("planet: checkpoint %s was written %s an agent; resume it the same way", path,
			map[bool]string{true: "with", false: "without"}[st.Agent != nil])
	}
	if r.opts.Agent != nil {
		if err := r.opts.Agent.UnmarshalBinary(st.Agent); err != nil {
			return false, fmt.Errorf("planet: checkpoint %s: agent: %w", path, err)
		}
	}
	for i, p := range params {
		copy(p.Data32(), st.Params[i])
	}
	if err := r.model.SetObsScale(st.ObsScale); err != nil {
		return false, fmt.Errorf("planet: checkpoint %s: %w", path, err)
	}
	replay.Capacity, replay.Dropped = r.cfg.ReplayCapacity, st.ReplayDropped
	r.replay, r.seeds = replay, seeds
	r.res = st.Result
	if extend {
		// More episodes than the checkpoint's run had: the run goes on
		// under the new Config, and its final predictions are made again
		// at its new end.
		r.res.Config = r.cfg
		r.res.Prediction = nil
	}
	return true, nil
}

// sameRun checks that a checkpoint's Config (as JSON) is the run's: equal,
// or equal but for fewer Episodes, which the run extends (extend is then
// true). Anything else is an error.
func (r *run) sameRun(saved []byte) (extend bool, err error) {
	want, err := json.Marshal(r.cfg)
	if err != nil {
		return false, err
	}
	if bytes.Equal(want, saved) {
		return false, nil
	}
	var old Config
	if err := json.Unmarshal(saved, &old); err == nil && old.Episodes < r.cfg.Episodes {
		longer := old
		longer.Episodes = r.cfg.Episodes
		if b, err := json.Marshal(longer); err == nil && bytes.Equal(b, want) {
			return true, nil
		}
	}
	return false, fmt.Errorf("it belongs to another configuration (%s); remove it or resume with that configuration (a run can be extended: the same configuration with more Episodes)", saved)
}

// LoadResult returns the logs stored in a checkpoint file — of a finished
// run, or of one still training (another process may be writing it: the
// file is always whole) — without resuming it, for figures and progress
// reports.
func LoadResult(path string) (*Result, error) {
	sv, err := ReadSaved(path)
	if err != nil {
		return nil, err
	}
	return sv.Result(), nil
}

// startFrom loads an earlier run's model and optimizer (unless
// Options.ResetModel) and replay buffer (unless Options.DropReplay).
func (r *run) startFrom(path string) error {
	st, err := readCheckpoint(path)
	if err != nil {
		return err
	}
	var prev Config
	if err := json.Unmarshal(st.Config, &prev); err != nil {
		return fmt.Errorf("planet: Options.From %s: %w", path, err)
	}
	if prev.Task != r.cfg.Task {
		return fmt.Errorf("planet: Options.From %s is a run on %s, this one is on %s", path, prev.Task, r.cfg.Task)
	}
	if !r.opts.ResetModel {
		if err := restoreParams(path, r.model.Params(), st.Params); err != nil {
			return err
		}
		if err := r.model.SetObsScale(st.ObsScale); err != nil {
			return fmt.Errorf("planet: Options.From %s: %w", path, err)
		}
		if err := r.opt.UnmarshalBinary(st.Adam); err != nil {
			return fmt.Errorf("planet: Options.From %s: %w", path, err)
		}
	}
	if !r.opts.DropReplay {
		if st.ObsSize != r.replay.ObsSize || st.ActionSize != r.replay.ActionSize {
			return fmt.Errorf("planet: Options.From %s: replay of sizes %d/%d, want %d/%d", path,
				st.ObsSize, st.ActionSize, r.replay.ObsSize, r.replay.ActionSize)
		}
		replay, seeds, err := st.replay(path)
		if err != nil {
			return err
		}
		replay.Capacity = r.cfg.ReplayCapacity
		r.replay, r.seeds = replay, seeds
	}
	r.res.From = path
	return nil
}

// LoadModel returns the world model stored in a checkpoint file, in
// float32, for planning or inspection outside a run.
func LoadModel(path string) (*rssm.Model, error) {
	sv, err := ReadSaved(path)
	if err != nil {
		return nil, err
	}
	return sv.Model()
}

// LoadReplay returns the replay buffer stored in a checkpoint file: the
// episodes the run trained on, seed episodes first.
func LoadReplay(path string) (*rssm.Replay, error) {
	st, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	replay, _, err := st.replay(path)
	return replay, err
}

// LoadAgent restores into a the state of the agent that acted in the run
// whose checkpoint is path (Options.Agent); a must have the same settings.
func LoadAgent(path string, a Agent) error {
	sv, err := ReadSaved(path)
	if err != nil {
		return err
	}
	return sv.LoadAgent(a)
}

// restoreParams copies saved values into params after checking that every
// tensor has the saved size; on a mismatch it changes nothing.
func restoreParams(path string, params []*tensor.Tensor, saved [][]float32) error {
	if len(saved) != len(params) {
		return fmt.Errorf("planet: checkpoint %s holds %d parameter tensors, the model has %d", path, len(saved), len(params))
	}
	for i, p := range params {
		if len(saved[i]) != p.Size() {
			return fmt.Errorf("planet: checkpoint %s: parameter %d has %d values, want %d", path, i, len(saved[i]), p.Size())
		}
	}
	for i, p := range params {
		copy(p.Data32(), saved[i])
	}
	return nil
}
