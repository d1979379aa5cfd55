package latent

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/exp/planet"
	"github.com/dcem-go/dcem/dcemlib/internal/seedtag"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// AgentConfig holds the settings of the phase-2 controller and its online
// training.
type AgentConfig struct {
	// Latent is the dimension of the latent action space; Hidden the
	// decoder's ELU layer widths.
	Latent int   `json:"latent"`
	Hidden []int `json:"hidden"`
	// Horizon is the number of actions a plan holds (12, as PlaNet's).
	Horizon int `json:"horizon"`
	// Samples, Elites, Iters and Temp set the latent DCEM (the paper: 100
	// samples, 10 elites, 10 iterations, τ 1).
	Samples int     `json:"samples"`
	Elites  int     `json:"elites"`
	Iters   int     `json:"iters"`
	Temp    float64 `json:"temp"`
	// Steps decoder updates follow each round of model updates, each from
	// Batch start states filtered over ChunkLength steps of replay chunks.
	Steps       int `json:"steps"`
	Batch       int `json:"batch"`
	ChunkLength int `json:"chunk_length"`
	// LearningRate and GradClip set the decoder's Adam and its
	// gradient-norm clip.
	LearningRate float64 `json:"learning_rate"`
	GradClip     float64 `json:"grad_clip"`
	// BoundPenalty weighs a barrier against the action bounds in the
	// decoder's training (Controller.BoundPenalty); 0, the paper's
	// objective, leaves it out.
	BoundPenalty float64 `json:"bound_penalty,omitempty"`
	// Seed initializes the decoder.
	Seed uint64 `json:"seed"`
}

// DefaultAgent returns the paper's latent DCEM settings (100 samples, 10
// elites, τ 1, 10 iterations, horizon 12) with a latent of 16 decoded
// through three ELU layers of 256 (the cartpole decoder's widths), and 100
// decoder updates of 50 start states per round.
func DefaultAgent() AgentConfig {
	return AgentConfig{
		Latent: 16, Hidden: []int{256, 256, 256}, Horizon: 12, Samples: 100, Elites: 10, Iters: 10, Temp: 1,
		Steps: 100, Batch: 50, ChunkLength: 10, LearningRate: 1e-3, GradClip: 100,
	}
}

// Validate returns an error naming the first setting out of range.
func (c AgentConfig) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"Latent", c.Latent}, {"Horizon", c.Horizon}, {"Batch", c.Batch}, {"ChunkLength", c.ChunkLength}} {
		if f.v < 1 {
			return fmt.Errorf("latent: AgentConfig.%s = %d, want ≥ 1", f.name, f.v)
		}
	}
	if c.Steps < 0 {
		return fmt.Errorf("latent: AgentConfig.Steps = %d, want ≥ 0", c.Steps)
	}
	for i, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("latent: AgentConfig.Hidden[%d] = %d, want ≥ 1", i, h)
		}
	}
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0) {
		return fmt.Errorf("latent: AgentConfig.LearningRate = %g, want a finite value > 0", c.LearningRate)
	}
	if !(c.GradClip >= 0) || math.IsInf(c.GradClip, 0) {
		return fmt.Errorf("latent: AgentConfig.GradClip = %g, want a finite value ≥ 0 (0: no clipping)", c.GradClip)
	}
	if !(c.BoundPenalty >= 0) || math.IsInf(c.BoundPenalty, 0) {
		return fmt.Errorf("latent: AgentConfig.BoundPenalty = %g, want a finite value ≥ 0 (0: the paper's objective)", c.BoundPenalty)
	}
	c2 := Controller{Solver: c.solver(), InitStd: 1, BoundPenalty: c.BoundPenalty}
	if err := c2.Validate(); err != nil {
		return err
	}
	return nil
}

// solver returns the latent DCEM settings as the solver takes them.
func (c AgentConfig) solver() cem.Config {
	return cem.Config{Samples: c.Samples, Elites: c.Elites, Iters: c.Iters, Temp: c.Temp}
}

// Agent is the phase-2 controller as a planet.Agent: it acts by latent DCEM
// in the world model and trains its decoder after each round of model
// updates (alg. 3's DCEM branch).
type Agent struct {
	Config  AgentConfig
	Decoder *control.Decoder
	Opt     *nn.Adam

	// Workers is the number of goroutines a decision imagines on
	// (Controller.Workers); RunPhase2 sets the world-model run's.
	Workers int

	progress func(step, steps int, score float64)
	arena    *tensor.Arena // the decoder updates' graphs, reused across rounds
	imag     *imaginationCache
	// trainArenas are the decoder updates' arenas beyond arena.
	trainArenas *arenaSet
}

// SetLearnProgress sets a function Learn calls after each decoder update
// with its number, the round's number of updates and its predicted return
// (nil: none). planet.Run sets it to report the updates as progress.
func (a *Agent) SetLearnProgress(f func(step, steps int, score float64)) { a.progress = f }

// NewAgent returns an untrained agent for actions of actionSize values.
func NewAgent(cfg AgentConfig, actionSize int) (*Agent, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d, err := control.NewDecoder(cfg.Latent, cfg.Horizon, actionSize, cfg.Hidden, -1, 1, tensor.NewRNG(cfg.Seed^seedtag.Decoder))
	if err != nil {
		return nil, fmt.Errorf("latent: %w", err)
	}
	d.Net = d.Net.Convert(tensor.Float32)
	opt := nn.NewAdam(d.Params(), cfg.LearningRate)
	return &Agent{Config: cfg, Decoder: d, Opt: opt}, nil
}

// Controller returns the agent's controller over model m.
func (a *Agent) Controller(m *rssm.Model) *Controller {
	if a.imag == nil {
		a.imag = &imaginationCache{}
	}
	if a.trainArenas == nil {
		a.trainArenas = &arenaSet{}
	}
	return &Controller{Model: m, Decoder: a.Decoder, Solver: a.Config.solver(), InitStd: 1, BoundPenalty: a.Config.BoundPenalty,
		Workers: a.Workers, imag: a.imag, trainArenas: a.trainArenas}
}

// Act plans with latent DCEM from the belief and returns the first action.
func (a *Agent) Act(ctx context.Context, m *rssm.Model, h, s []float64, seed uint64) ([]float64, error) {
	if m.ActionSize != a.Decoder.ActionDim {
		return nil, fmt.Errorf("latent: Agent: the model's actions have %d values, the decoder's %d", m.ActionSize, a.Decoder.ActionDim)
	}
	return a.Controller(m).Act(ctx, h, s, seed)
}

// Learn makes Config.Steps decoder updates and returns the mean predicted
// return of their plans.
func (a *Agent) Learn(ctx context.Context, m *rssm.Model, replay *rssm.Replay, rng *tensor.RNG) (float64, error) {
	c := a.Controller(m)
	if a.arena == nil {
		a.arena = tensor.NewArena()
	}
	c.Arena = a.arena
	sum := 0.0
	for i := range a.Config.Steps {
		v, err := c.TrainStep(ctx, replay, a.Config.Batch, a.Config.ChunkLength, a.Opt, a.Config.GradClip, rng)
		if err != nil {
			return 0, err
		}
		sum += v
		if a.progress != nil {
			a.progress(i+1, a.Config.Steps, v)
		}
	}
	if a.Config.Steps == 0 {
		return 0, nil
	}
	return sum / float64(a.Config.Steps), nil
}

// Describe names the agent's budget.
func (a *Agent) Describe() string {
	c := a.Config
	s := fmt.Sprintf("latent DCEM %d/%d/%d τ %g, latent %d, %d decoder updates of %d per round",
		c.Samples, c.Elites, c.Iters, c.Temp, c.Latent, c.Steps, c.Batch)
	if c.BoundPenalty > 0 {
		s += fmt.Sprintf(", bound penalty %g", c.BoundPenalty)
	}
	return s
}

type agentState struct {
	Config []byte
	Params [][]float32
	Adam   []byte
}

// MarshalBinary stores the decoder and its optimizer with the settings.
func (a *Agent) MarshalBinary() ([]byte, error) {
	cfg, err := json.Marshal(a.Config)
	if err != nil {
		return nil, err
	}
	st := agentState{Config: cfg}
	for _, p := range a.Decoder.Params() {
		st.Params = append(st.Params, append([]float32(nil), p.Data32()...))
	}
	if st.Adam, err = a.Opt.MarshalBinary(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&st); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnmarshalBinary restores a state written by MarshalBinary for the same
// settings.
func (a *Agent) UnmarshalBinary(b []byte) error {
	var st agentState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("latent: Agent state: %w", err)
	}
	cfg, err := json.Marshal(a.Config)
	if err != nil {
		return err
	}
	if !bytes.Equal(cfg, st.Config) {
		return fmt.Errorf("latent: Agent state of other settings (%s)", st.Config)
	}
	params := a.Decoder.Params()
	if len(st.Params) != len(params) {
		return errors.New("latent: Agent state: decoder of other sizes")
	}
	for i, p := range params {
		if len(st.Params[i]) != p.Size() {
			return errors.New("latent: Agent state: decoder of other sizes")
		}
	}
	if err := a.Opt.UnmarshalBinary(st.Adam); err != nil {
		return err
	}
	for i, p := range params {
		copy(p.Data32(), st.Params[i])
	}
	return nil
}

var _ planet.Agent = (*Agent)(nil)
