package rssm

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Batch is a batch of B sequences of T steps, time-major, in the model's
// dtype: Obs (T, B, ObsSize), Actions (T, B, ActionSize) and Rewards (T, B).
// Actions[t] is the action that led to Obs[t] and Rewards[t] the reward
// received with it.
type Batch struct {
	Obs, Actions, Rewards *tensor.Tensor
}

// Steps returns T and B.
func (b Batch) Steps() (T, B int) { return b.Obs.Dim(0), b.Obs.Dim(1) }

// check returns an error if the batch's shapes do not fit the model.
func (m *Model) check(b Batch) error {
	if b.Obs == nil || b.Actions == nil || b.Rewards == nil {
		return fmt.Errorf("rssm: batch has a nil tensor")
	}
	if b.Obs.Dims() != 3 || b.Obs.Dim(2) != m.ObsSize {
		return fmt.Errorf("rssm: batch Obs has shape %v, want (T, B, ObsSize = %d)", b.Obs.Shape(), m.ObsSize)
	}
	T, B := b.Steps()
	if s := b.Actions.Shape(); len(s) != 3 || s[0] != T || s[1] != B || s[2] != m.ActionSize {
		return fmt.Errorf("rssm: batch Actions has shape %v, want (%d, %d, ActionSize = %d)", s, T, B, m.ActionSize)
	}
	if s := b.Rewards.Shape(); len(s) != 2 || s[0] != T || s[1] != B {
		return fmt.Errorf("rssm: batch Rewards has shape %v, want (%d, %d)", s, T, B)
	}
	for _, t := range []*tensor.Tensor{b.Obs, b.Actions, b.Rewards} {
		if t.DType() != m.DType() {
			return fmt.Errorf("rssm: batch is %v, the model %v", t.DType(), m.DType())
		}
	}
	return nil
}

// Loss is the negative variational bound of a batch and its parts.
type Loss struct {
	// Total is the scalar to minimize: ObsNLL + RewardScale·RewardNLL +
	// mean max(KL, FreeNats).
	Total *tensor.Tensor
	// ObsNLL is the mean over steps of ½‖o − ô‖² (the observation's
	// negative log-likelihood up to a constant; in units of ObsScale when
	// the model has one), RewardNLL the mean of
	// ½(r − r̂)², and KL the mean KL divergence from posterior to prior
	// before the free-nats floor.
	ObsNLL, RewardNLL, KL float64
}

// Loss returns the negative of PlaNet's variational bound (its eq. 6, no
// overshooting) on b, averaged over the T·B steps:
//
//	½‖oₜ − E[o | hₜ, sₜ]‖² + RewardScale·½(rₜ − E[r | hₜ, sₜ])² + max(KL(q(sₜ) ‖ p(sₜ)), FreeNats)
//
// with sₜ ~ q(sₜ | hₜ, oₜ) drawn by reparameterization from rng, so that the
// same rng state gives the same loss. Each chunk starts from a zero belief.
// It returns an error if b does not fit the model.
func (m *Model) Loss(b Batch, rng *tensor.RNG) (Loss, error) {
	if err := m.check(b); err != nil {
		return Loss{}, err
	}
	if rng == nil {
		return Loss{}, fmt.Errorf("rssm: Loss: rng is nil")
	}
	_, B := b.Steps()
	return m.lossWith(b, func(int) *tensor.Tensor { return tensor.RandNOf(m.DType(), rng, B, m.StateSize) })
}

// lossWith is Loss with the posterior's noise of step t, (B, StateSize),
// from noise.
func (m *Model) lossWith(b Batch, noise func(t int) *tensor.Tensor) (Loss, error) {
	T, B := b.Steps()
	dt := m.DType()
	arena := b.Obs.Arena()
	emb := m.Embed(b.Obs.Reshape(T*B, m.ObsSize))
	h, s := m.zeroState(B, b.Obs)
	hs := make([]*tensor.Tensor, T)
	ss := make([]*tensor.Tensor, T)
	qms := make([]*tensor.Tensor, T)
	qss := make([]*tensor.Tensor, T)
	for t := range T {
		a := b.Actions.Slice(0, t, t+1).Reshape(B, m.ActionSize)
		h = m.Transition(s, a, h)
		qm, qs := m.Posterior(h, emb.Slice(0, t*B, (t+1)*B))
		eps := noise(t)
		if arena != nil {
			eps = arena.Use(eps)
		}
		s = qm.Add(qs.Mul(eps))
		hs[t], ss[t], qms[t], qss[t] = h, s, qm, qs
	}
	H := tensor.Concat(0, hs...)
	S := tensor.Concat(0, ss...)
	pm, ps := m.Prior(H)
	qm, qs := tensor.Concat(0, qms...), tensor.Concat(0, qss...)
	kl := KL(qm, qs, pm, ps)
	floor := tensor.FullOf(dt, m.FreeNats, 1)
	if arena != nil {
		floor = arena.Use(floor)
	}
	var klTerm *tensor.Tensor
	if a := m.KLBalance; a > 0 {
		// The same value as max(KL, FreeNats); the prior's side of the
		// gradient weighed by a, the posterior's by 1 − a.
		toPrior := KL(qm.Detach(), qs.Detach(), pm, ps).Maximum(floor).Mean()
		toPost := KL(qm, qs, pm.Detach(), ps.Detach()).Maximum(floor).Mean()
		klTerm = toPrior.MulScalar(a).Add(toPost.MulScalar(1 - a))
	} else {
		klTerm = kl.Maximum(floor).Mean()
	}

	// Both heads read the features [h, s] without a copy of them.
	// The error in the decoder's units (those of o/ObsScale).
	obsErr := m.Decoder.ForwardConcat(H, S).Sub(m.scaleObs(b.Obs.Reshape(T*B, m.ObsSize), true))
	obsNLL := obsErr.Square().SumAxis(1, false).Mean().MulScalar(0.5)
	rewErr := m.rewardOf(H, S).Sub(b.Rewards.Reshape(T * B))
	rewNLL := rewErr.Square().Mean().MulScalar(0.5)

	total := obsNLL.Add(rewNLL.MulScalar(m.RewardScale)).Add(klTerm)
	return Loss{
		Total:     total,
		ObsNLL:    obsNLL.Item(),
		RewardNLL: rewNLL.Item(),
		KL:        kl.Mean().Item(),
	}, nil
}

// Beliefs filters each chunk of b with the posterior, as Loss does, and
// returns the belief h (B, BeliefSize) and state s (B, StateSize) after its
// last step, detached: start states for planning from the replay buffer's
// experience (the DCEM paper's alg. 3 draws them so). rng draws the
// posterior samples.
func (m *Model) Beliefs(b Batch, rng *tensor.RNG) (h, s *tensor.Tensor, err error) {
	if err := m.check(b); err != nil {
		return nil, nil, err
	}
	T, B := b.Steps()
	a := tensor.NewNoGradArena()
	defer a.Free()
	emb := m.Embed(a.Use(b.Obs).Reshape(T*B, m.ObsSize))
	acts := a.Use(b.Actions)
	h, s = m.zeroState(B, emb)
	for t := range T {
		h = m.Transition(s, acts.Slice(0, t, t+1).Reshape(B, m.ActionSize), h)
		qm, qs := m.Posterior(h, emb.Slice(0, t*B, (t+1)*B))
		s = qm.Add(qs.Mul(a.Use(tensor.RandNOf(m.DType(), rng, B, m.StateSize))))
	}
	return h.Clone(), s.Clone(), nil
}
