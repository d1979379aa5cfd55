package planet

import (
	"encoding/json"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Saved is a checkpoint file read and decoded once, for callers that need
// more than one of its parts: LoadResult, LoadModel and LoadAgent each read
// and decode the whole file (the replay buffer included), which for a long
// run is most of the work of loading it.
type Saved struct {
	path string
	st   *checkpointState
}

// ReadSaved reads and verifies the checkpoint file at path (Options.
// Checkpoint); a damaged file is an error saying it is corrupted.
func ReadSaved(path string) (*Saved, error) {
	st, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	return &Saved{path: path, st: st}, nil
}

// Path returns the file the checkpoint was read from.
func (s *Saved) Path() string { return s.path }

// Result returns the run's logs, as LoadResult does. Each call returns a
// new copy of the stored Result's top level.
func (s *Saved) Result() *Result {
	res := *s.st.Result
	run := &run{res: &res}
	run.finishCost()
	return &res
}

// Config returns the run's Config.
func (s *Saved) Config() (Config, error) {
	var cfg Config
	if err := json.Unmarshal(s.st.Config, &cfg); err != nil {
		return Config{}, fmt.Errorf("planet: checkpoint %s: its Config: %w", s.path, err)
	}
	return cfg, nil
}

// Model returns a new copy of the stored world model, in float32, as
// LoadModel does.
func (s *Saved) Model() (*rssm.Model, error) {
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	mc := cfg.Model
	mc.ObsSize, mc.ActionSize = s.st.ObsSize, s.st.ActionSize
	m, err := rssm.New(mc, tensor.Float32, tensor.NewRNG(1))
	if err != nil {
		return nil, fmt.Errorf("planet: checkpoint %s: %w", s.path, err)
	}
	if err := restoreParams(s.path, m.Params(), s.st.Params); err != nil {
		return nil, err
	}
	if err := m.SetObsScale(s.st.ObsScale); err != nil {
		return nil, fmt.Errorf("planet: checkpoint %s: %w", s.path, err)
	}
	return m, nil
}

// LoadAgent restores into a the state of the agent that acted in the run
// (Options.Agent), as the function LoadAgent does; a must have the same
// settings.
func (s *Saved) LoadAgent(a Agent) error {
	if s.st.Agent == nil {
		return fmt.Errorf("planet: LoadAgent: %s is a run without an agent", s.path)
	}
	if err := a.UnmarshalBinary(s.st.Agent); err != nil {
		return fmt.Errorf("planet: LoadAgent: %s: %w", s.path, err)
	}
	return nil
}
