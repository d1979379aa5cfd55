package ppo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Update collects one update's steps and optimizes on them, and returns the
// update's log. With Options.Checkpoint it writes the checkpoint after the
// update, before calling Options.Progress. On an error (ctx done, an
// environment or the policy failing) the parameters are left as the last
// complete minibatch made them; the checkpoint keeps the state after the
// last complete update.
func (t *Trainer) Update(ctx context.Context) (UpdateLog, error) {
	start := time.Now()
	c := &t.Config
	lr, vlr := c.LR, c.valueLR()
	if c.LRDecay {
		frac := max(0, 1-float64(t.updates)/float64(c.Updates))
		lr, vlr = lr*frac, vlr*frac
	}
	t.policyOpt.SetLearningRate(lr)
	t.valueOpt.SetLearningRate(vlr)

	ro, err := t.collect(ctx)
	if err != nil {
		return UpdateLog{}, err
	}
	n := ro.len()
	log := UpdateLog{Update: t.updates + 1, Steps: n, Episodes: ro.episodes, MeanReturn: math.NaN(), LR: lr}
	if len(ro.episodeReturns) > 0 {
		log.MeanReturn = mean(ro.episodeReturns)
	}
	if n < c.Minibatches {
		return log, fmt.Errorf("ppo: collected %d steps, fewer than Minibatches = %d", n, c.Minibatches)
	}

	// Values of the observations and of the observations after truncated
	// steps, in one batch.
	all := append([]float64(nil), ro.obs...)
	for _, o := range ro.bootObs {
		all = append(all, o...)
	}
	vals, err := t.values(all, n+len(ro.bootObs))
	if err != nil {
		return log, err
	}
	values := vals[:n]
	next := make([]float64, n)
	for k, i := range ro.bootIdx {
		next[i] = vals[n+k]
	}
	adv, ret := GAE(ro.rew, values, next, ro.ends, c.Gamma, c.Lambda)
	log.ExplainedVariance = explainedVariance(values, ret)
	if c.NormalizeAdvantages {
		m, s := mean(adv), stdUnbiased(adv)
		for i := range adv {
			adv[i] = (adv[i] - m) / (s + 1e-5)
		}
	}

	obsP := fromValues(t.pdt, ro.obs, n, t.obsSize)
	obsV := obsP
	if t.vdt != t.pdt {
		obsV = fromValues(t.vdt, ro.obs, n, t.obsSize)
	}
	actP := fromValues(t.pdt, ro.act, n, t.act)
	oldLogp := fromValues(t.pdt, ro.logp, n)
	advP := fromValues(t.pdt, adv, n)
	oldV := fromValues(t.vdt, values, n)
	retV := fromValues(t.vdt, ret, n)

	var sums [5]float64 // policy loss, entropy, KL, clip fraction; value loss
	batches, reached := 0, 0
	stopped := false
	a := t.train
	for range c.Epochs {
		perm := t.rng.Perm(n)
		for m := range c.Minibatches {
			if err := ctx.Err(); err != nil {
				return log, err
			}
			idx := perm[m*n/c.Minibatches : (m+1)*n/c.Minibatches]
			if !stopped {
				pl, ent, kl, cf, stepped, err := t.policyStep(ctx, a, idx, obsP, actP, oldLogp, advP)
				if err != nil {
					a.Reset()
					return log, err
				}
				sums[0] += pl
				sums[1] += ent
				sums[2] += kl
				sums[3] += cf
				log.KL = append(log.KL, kl)
				reached++
				if stepped {
					log.PolicySteps++
				} else {
					stopped = true
				}
			}
			sums[4] += t.valueStep(a, idx, obsV, oldV, retV)
			a.Reset()
			if t.within != nil {
				t.within(Within{Update: t.updates + 1, Phase: "optimize", Done: batches + 1, Total: c.Epochs * c.Minibatches, Steps: n})
			}
			batches++
		}
	}
	r := float64(reached)
	log.PolicyLoss, log.Entropy, log.ApproxKL, log.ClipFraction = sums[0]/r, sums[1]/r, sums[2]/r, sums[3]/r
	log.ValueLoss = sums[4] / float64(batches)

	t.updates++
	t.totalSteps += n
	log.TotalSteps = t.totalSteps
	log.Seconds = time.Since(start).Seconds()
	t.logs = append(t.logs, log)
	t.returns = append(t.returns, ro.episodeReturns...)
	if err := t.SaveCheckpoint(); err != nil {
		return log, err
	}
	if t.progress != nil {
		t.progress(log)
	}
	return log, nil
}

// policyStep takes one Adam step on the minibatch idx of the policy loss
// −L^CLIP − c₂·S (eq. 9 without the value term, which acts on a separate
// network), and returns the loss, the mean entropy, the approximate KL and
// the clip fraction, all measured before the step. With Config.TargetKL
// it skips the step (stepped false) when the KL is above 1.5·TargetKL.
// With Config.MicroBatch the minibatch goes through the
// policy in parts, each part's loss weighted by its share of the samples
// and its graph released (the arena reset) once its gradient is in.
func (t *Trainer) policyStep(ctx context.Context, a *tensor.Arena, idx []int, obs, act, oldLogp, adv *tensor.Tensor) (loss, ent, kl, clipFrac float64, stepped bool, err error) {
	c := &t.Config
	size := len(idx)
	if c.MicroBatch > 0 && c.MicroBatch < size {
		size = c.MicroBatch
	}
	for lo := 0; lo < len(idx); lo += size {
		part := idx[lo:min(lo+size, len(idx))]
		w := float64(len(part)) / float64(len(idx))
		mean, logStd, err := t.Policy.Distribution(ctx, a.Use(obs).IndexSelect(0, part))
		if err != nil {
			t.policyOpt.ZeroGrad()
			return 0, 0, 0, 0, false, fmt.Errorf("ppo: the policy: %w", err)
		}
		if err := t.checkDistribution(mean, logStd, len(part)); err != nil {
			t.policyOpt.ZeroGrad()
			return 0, 0, 0, 0, false, err
		}
		oldMB := a.Use(oldLogp).IndexSelect(0, part)
		logp := GaussianLogProb(a.Use(act).IndexSelect(0, part), mean, logStd)
		l := ClippedSurrogate(logp, oldMB, a.Use(adv).IndexSelect(0, part), c.Clip)
		s := GaussianEntropy(logStd).Mean()
		pk, pc := ratioStats(logp, oldMB, c.Clip)
		loss, ent, kl, clipFrac = loss+w*l.Item(), ent+w*s.Item(), kl+w*pk, clipFrac+w*pc
		if c.EntropyCoef > 0 {
			l = l.Sub(s.MulScalar(c.EntropyCoef))
		}
		if len(part) < len(idx) {
			l = l.MulScalar(w)
		}
		if l.NeedsGrad() {
			l.Backward()
		}
		if lo+size < len(idx) {
			a.Reset()
		}
	}
	if c.TargetKL > 0 && kl > 1.5*c.TargetKL {
		t.policyOpt.ZeroGrad()
		return loss, ent, kl, clipFrac, false, nil
	}
	nn.ZeroGrad(t.frozen)
	if c.MaxGradNorm > 0 && len(t.trainable) > 0 {
		nn.ClipGradNorm(t.trainable, c.MaxGradNorm)
	}
	t.policyOpt.Step()
	t.policyOpt.ZeroGrad()
	return loss, ent, kl, clipFrac, true, nil
}

// valueStep takes one Adam step on the minibatch idx of c₁·L^VF and
// returns L^VF.
func (t *Trainer) valueStep(a *tensor.Arena, idx []int, obs, oldV, ret *tensor.Tensor) float64 {
	c := &t.Config
	v := t.Value.Value(a.Use(obs).IndexSelect(0, idx))
	clip := 0.0
	if c.ClipValue {
		clip = c.Clip
	}
	l := ValueLoss(v, a.Use(oldV).IndexSelect(0, idx), a.Use(ret).IndexSelect(0, idx), clip)
	loss := l.Item()
	if c.ValueCoef > 0 && l.NeedsGrad() {
		l.MulScalar(c.ValueCoef).Backward()
		if c.MaxGradNorm > 0 {
			nn.ClipGradNorm(t.valueOpt.Params, c.MaxGradNorm)
		}
		t.valueOpt.Step()
		t.valueOpt.ZeroGrad()
	}
	return loss
}

// checkDistribution returns an error unless mean has shape (b, A) and
// logStd shape (b, A) or (A).
func (t *Trainer) checkDistribution(mean, logStd *tensor.Tensor, b int) error {
	if mean.Dims() != 2 || mean.Dim(0) != b || mean.Dim(1) != t.act {
		return fmt.Errorf("ppo: the policy's mean has shape %v, want (%d, %d)", mean.Shape(), b, t.act)
	}
	ls := logStd.Shape()
	if !(len(ls) == 1 && ls[0] == t.act) && !(len(ls) == 2 && ls[0] == b && ls[1] == t.act) {
		return fmt.Errorf("ppo: the policy's logStd has shape %v, want (%d) or (%d, %d)", ls, t.act, b, t.act)
	}
	return nil
}

// values returns V of the n observation rows in obs, evaluated without a
// graph.
func (t *Trainer) values(obs []float64, n int) ([]float64, error) {
	a := t.inferArn
	defer a.Reset()
	v := t.Value.Value(a.Use(fromValues(t.vdt, obs, n, t.obsSize)))
	if v.Dims() != 1 || v.Dim(0) != n {
		return nil, fmt.Errorf("ppo: the value function returned shape %v, want (%d)", v.Shape(), n)
	}
	return v.Values(), nil
}
