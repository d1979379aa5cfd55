package ppo

import (
	"math"
)

// learningReward returns the reward PPO learns from: r itself, or, with
// NormalizeRewards, r divided by the running standard deviation of
// environment i's discounted return, clipped to [−10, 10].
func (t *Trainer) learningReward(i int, r float64, done bool) float64 {
	if !t.Config.NormalizeRewards {
		return r
	}
	t.discRet[i] = t.discRet[i]*t.Config.Gamma + r
	t.rms.add(t.discRet[i])
	if done {
		t.discRet[i] = 0
	}
	return min(max(r/math.Sqrt(t.rms.variance()+1e-8), -10), 10)
}

// runningStat is a running mean and variance (Chan et al.'s parallel
// update), started as gym's RunningMeanStd with mean 0, variance 1 and a
// tiny count.
type runningStat struct{ count, mean, m2 float64 }

func newRunningStat() runningStat { return runningStat{count: 1e-4, m2: 1e-4} }

func (s *runningStat) add(x float64) {
	s.count++
	d := x - s.mean
	s.mean += d / s.count
	s.m2 += d * (x - s.mean)
}

func (s *runningStat) variance() float64 { return s.m2 / s.count }
