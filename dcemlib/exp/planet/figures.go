package planet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/plots"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// label returns the budget line figures carry.
func (r *Result) label() string {
	l := "reduced budget: " + r.Config.Budget()
	if r.Config.IsPaperBudget() {
		l = "the paper's budget"
	}
	if r.Agent != "" {
		l += "; acting: " + r.Agent
	}
	return wrap(l, 64) // what a 6-inch-wide figure's title holds
}

// wrap breaks s into lines of at most width runes at ", " and "; ".
func wrap(s string, width int) string {
	var out, line []rune
	for _, part := range strings.SplitAfter(s, ", ") {
		p := []rune(part)
		if len(line) > 0 && len(line)+len(p) > width {
			out = append(append(out, []rune(strings.TrimRight(string(line), " "))...), '\n')
			line = nil
		}
		line = append(line, p...)
	}
	return strings.TrimRight(string(append(out, line...)), " ")
}

// ReturnsPlot draws evaluation and training returns against training
// environment steps (the analogue of PlaNet's and the DCEM paper's fig. 11),
// with the mean return of the random seed episodes as a reference line.
func ReturnsPlot(r *Result) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: return vs environment steps\n%s", r.Config.Task, r.label())
	p.X.Label.Text = "environment steps (training data)"
	p.Y.Label.Text = "episode return"
	xs, ys := r.Returns("train")
	if len(xs) > 0 {
		if err := plots.AddScatter(p, xs, ys, "training episodes (exploration noise)", 1); err != nil {
			return nil, err
		}
	}
	xs, ys = r.Returns("eval")
	if len(xs) > 0 {
		if err := plots.AddLine(p, xs, ys, "evaluation (planner, no noise)", 0); err != nil {
			return nil, err
		}
		if err := plots.AddScatter(p, xs, ys, "", 0); err != nil {
			return nil, err
		}
	}
	_, rand := r.Returns("seed")
	if len(rand) > 0 {
		m := 0.0
		for _, v := range rand {
			m += v
		}
		m /= float64(len(rand))
		end := float64(max(r.EnvSteps, 1))
		if err := plots.AddLine(p, []float64{0, end}, []float64{m, m}, fmt.Sprintf("random actions (mean of %d)", len(rand)), -1); err != nil {
			return nil, err
		}
	}
	p.Legend.Top = false
	p.Legend.Left = false
	return p, nil
}

// LossPlot draws the model's loss terms per round of updates, on a log
// scale: the observation and reward negative log-likelihoods and the KL
// divergence (before the free-nats floor).
func LossPlot(r *Result) (*plot.Plot, error) {
	if len(r.Losses) == 0 {
		return nil, errors.New("planet: LossPlot: no updates were made")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: model loss per round of updates\n%s", r.Config.Task, r.label())
	p.X.Label.Text = "model updates"
	p.Y.Label.Text = "mean over the round"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	x := make([]float64, len(r.Losses))
	obs := make([]float64, len(r.Losses))
	rew := make([]float64, len(r.Losses))
	kl := make([]float64, len(r.Losses))
	for i, l := range r.Losses {
		x[i] = float64(l.Update)
		obs[i], rew[i], kl[i] = positive(l.ObsNLL), positive(l.RewardNLL), positive(l.KL)
	}
	for k, s := range []struct {
		name string
		y    []float64
	}{{"observation NLL ½‖o−ô‖²", obs}, {"reward NLL ½(r−r̂)²", rew}, {"KL(posterior ‖ prior)", kl}} {
		if err := plots.AddLine(p, x, s.y, s.name, k); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func positive(v float64) float64 { return max(v, 1e-6) }

// RewardPredictionPlot draws the real rewards of an episode beside the
// model's open-loop predictions from the actions alone, after filtering
// the first steps.
func RewardPredictionPlot(r *Result) (*plot.Plot, error) {
	pr := r.Prediction
	if pr == nil {
		return nil, errors.New("planet: RewardPredictionPlot: the run has no prediction (no evaluation episode)")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: predicted vs real reward, open loop after %d filtered steps\n%s", r.Config.Task, pr.Context, r.label())
	p.X.Label.Text = "steps after the context"
	p.Y.Label.Text = "reward per step (summed over the repeat)"
	x := steps(len(pr.RealReward))
	if err := plots.AddLine(p, x, pr.RealReward, "real", -1); err != nil {
		return nil, err
	}
	if err := plots.AddLine(p, x, pr.PredReward, "model (open loop)", 0); err != nil {
		return nil, err
	}
	return p, nil
}

// ObsPredictionPlot draws the first observation dimensions of an episode
// beside the model's open-loop predictions, one color per dimension (real:
// solid; predicted: dashed).
func ObsPredictionPlot(r *Result) (*plot.Plot, error) {
	pr := r.Prediction
	if pr == nil {
		return nil, errors.New("planet: ObsPredictionPlot: the run has no prediction (no evaluation episode)")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: open-loop observation predictions\n%s", r.Config.Task, r.label())
	p.X.Label.Text = "steps after the context"
	p.Y.Label.Text = "observation value"
	for d := range pr.RealObs {
		x := steps(len(pr.RealObs[d]))
		if err := plots.AddLine(p, x, pr.RealObs[d], fmt.Sprintf("o[%d] real", d), d); err != nil {
			return nil, err
		}
		pts := make(plotter.XYs, len(x))
		for i := range x {
			pts[i].X, pts[i].Y = x[i], pr.PredObs[d][i]
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = plots.Color(d)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("o[%d] model", d), l)
	}
	return p, nil
}

func steps(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// PaperCurves are the DCEM paper's own phase-1 evaluation returns (the red,
// noiseless curves of paper/images/planet/init-planet-cheetah.png and
// init-planet-walker.png in the paper's repository), read off the figures
// by eye at about ±30 in return: (x, return) with x in the figures' "1k
// Steps" axis times 1000. The figures do not say whether a step there is
// an environment step or a decision (4 and 2 environment steps under
// PlaNet's action repeats), so they are drawn against the same axis as
// ours, labelled as read off.
var PaperCurves = map[string][][2]float64{
	"cheetah.run": {{25e3, 85}, {50e3, 350}, {75e3, 355}, {100e3, 525}, {125e3, 560}, {150e3, 590}},
	"walker.walk": {{50e3, 50}, {100e3, 150}, {150e3, 240}, {200e3, 255}, {250e3, 270}, {300e3, 290}},
}

// SeedCurve is one training run's evaluations, for SeedsPlot: Returns at
// training environment Steps, and the returns of its final evaluation
// episodes (if any) at FinalStep.
type SeedCurve struct {
	Seed      uint64
	Steps     []float64
	Returns   []float64
	Final     []float64
	FinalStep float64
}

// SeedsPlot draws the evaluation returns of several training seeds of a task
// against environment steps, each final evaluation's episodes as dots with
// their mean, and the paper's curve for the task (PaperCurves) up to a
// little past our last step, so that the learning speeds compare.
func SeedsPlot(task, budget string, curves []SeedCurve) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, errors.New("planet: SeedsPlot: no runs")
	}
	p := plot.New()
	seeds := fmt.Sprintf("%d seeds", len(curves))
	if len(curves) == 1 {
		seeds = "1 seed"
	}
	p.Title.Text = fmt.Sprintf("%s: noiseless evaluation return, %s\n%s", task, seeds, wrap("reduced budget: "+budget, 64))
	p.X.Label.Text = "environment steps (training data)"
	p.Y.Label.Text = "episode return"
	last := 0.0
	for k, c := range curves {
		if len(c.Steps) > 0 {
			if err := plots.AddLine(p, c.Steps, c.Returns, fmt.Sprintf("seed %d", c.Seed), k); err != nil {
				return nil, err
			}
			last = max(last, c.Steps[len(c.Steps)-1])
		}
		if len(c.Final) > 0 {
			xs := make([]float64, len(c.Final))
			for i := range xs {
				xs[i] = c.FinalStep
			}
			label := ""
			if k == 0 {
				label = "final evaluation episodes"
			}
			if err := plots.AddScatter(p, xs, c.Final, label, k); err != nil {
				return nil, err
			}
			last = max(last, c.FinalStep)
		}
	}
	if ref, ok := PaperCurves[task]; ok {
		var xs, ys []float64
		for _, pt := range ref {
			if pt[0] <= 1.25*last || len(xs) < 2 {
				xs, ys = append(xs, pt[0]), append(ys, pt[1])
			}
		}
		if err := plots.AddLine(p, xs, ys, "the paper's phase 1 (read off its figure)", -1); err != nil {
			return nil, err
		}
		if err := plots.AddScatter(p, xs, ys, "", -1); err != nil {
			return nil, err
		}
	}
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}
