package regression

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/dcem-go/dcem/dcemlib/plots"
)

// label returns the name a method has in figures.
func label(method string) string {
	if method == GD {
		return "unrolled GD"
	}
	return "DCEM"
}

// LossFigure plots the full-data training MSE over updates for each method,
// the mean over seeds with a 95% band, on a log scale (paper fig. 5, left).
func LossFigure(r *Result) (*plot.Plot, error) {
	var bands []plots.Band
	for _, m := range r.Config.Methods {
		runs := r.RunsOf(m)
		if len(runs) == 0 {
			continue
		}
		b := SeedBand(label(m), runs, func(t *Training) ([]float64, []float64) {
			return intsToFloats(t.Curve.Updates), t.Curve.MSE
		})
		bands = append(bands, b)
	}
	p, err := plots.Lines("Training loss", "update", "training MSE", bands, true)
	if err != nil {
		return nil, fmt.Errorf("regression.LossFigure: %w", err)
	}
	return p, nil
}

// InnerStepsFigure plots the full-data MSE of the trained models evaluated
// with 1 … MaxEvalSteps inner steps (GD steps or DCEM iterations), mean
// over seeds with a 95% band (paper fig. 5, right): both were trained with
// 10, and unrolled GD over-fits to that number.
func InnerStepsFigure(r *Result) (*plot.Plot, error) {
	var bands []plots.Band
	for _, m := range r.Config.Methods {
		runs := r.RunsOf(m)
		if len(runs) == 0 {
			continue
		}
		bands = append(bands, SeedBand(label(m), runs, func(t *Training) ([]float64, []float64) {
			return intsToFloats(t.EvalSteps), t.EvalMSE
		}))
	}
	p, err := plots.Lines("Inner steps at test time", "inner steps (GD steps or DCEM iterations)", "training MSE", bands, true)
	if err != nil {
		return nil, fmt.Errorf("regression.InnerStepsFigure: %w", err)
	}
	return p, nil
}

// SeedBand collects one curve per training run into a plots.Band; curve
// returns a run's x and y values (all runs must share x).
func SeedBand(name string, runs []*Training, curve func(*Training) (x, y []float64)) plots.Band {
	b := plots.Band{Label: name}
	for i, t := range runs {
		x, y := curve(t)
		if i == 0 {
			b.X = x
		}
		b.Ys = append(b.Ys, y)
	}
	return b
}

// SurfaceFigure draws the energy E_θ(x, y) learned by one run as a heat map
// with the data y = x·sin(x) and the model's predictions on top (paper
// fig. 1). run indexes Result.Runs.
func SurfaceFigure(r *Result, run int) (*plot.Plot, error) {
	if run < 0 || run >= len(r.Runs) {
		return nil, fmt.Errorf("regression.SurfaceFigure: run = %d, want 0 ≤ run < %d", run, len(r.Runs))
	}
	t := r.Runs[run]
	g := plots.Grid{X: t.Surface.X, Y: t.Surface.Y, Z: t.Surface.Energy}
	p, err := plots.HeatMap(fmt.Sprintf("Energy E(x, y), %s (seed %d)", label(t.Method), t.Seed), "x", "y", g)
	if err != nil {
		return nil, fmt.Errorf("regression.SurfaceFigure: %w", err)
	}
	if err := plots.AddLine(p, r.X, r.Y, "data y = x sin x", 2); err != nil {
		return nil, err
	}
	if k := trainSteps(&r.Config, t.Method) - 1; k < len(t.Preds) {
		if err := plots.AddScatter(p, r.X, t.Preds[k], "prediction", 0); err != nil {
			return nil, err
		}
	}
	p.Y.Min, p.Y.Max = t.Surface.Y[0], t.Surface.Y[len(t.Surface.Y)-1]
	return p, nil
}

// PredictionsFigure plots one run's predictions ŷ(x) made with each of the
// given numbers of inner steps, against the data (paper fig. 6). Step counts
// outside 1 … MaxEvalSteps are an error.
func PredictionsFigure(r *Result, run int, steps []int) (*plot.Plot, error) {
	if run < 0 || run >= len(r.Runs) {
		return nil, fmt.Errorf("regression.PredictionsFigure: run = %d, want 0 ≤ run < %d", run, len(r.Runs))
	}
	t := r.Runs[run]
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Predictions by inner steps, %s (seed %d)", label(t.Method), t.Seed)
	p.X.Label.Text = "x"
	p.Y.Label.Text = "y"
	p.Legend.Top = true
	p.Legend.Left = true
	if err := plots.AddScatter(p, r.X, r.Y, "data", -1); err != nil {
		return nil, err
	}
	for i, k := range steps {
		if k < 1 || k > len(t.Preds) {
			return nil, fmt.Errorf("regression.PredictionsFigure: steps[%d] = %d, want 1 ≤ steps ≤ %d", i, k, len(t.Preds))
		}
		name := fmt.Sprintf("%d steps", k)
		if k == 1 {
			name = "1 step"
		}
		if err := plots.AddLine(p, r.X, t.Preds[k-1], name, i); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// FigureSteps are the inner-step counts PredictionsFigure shows by default.
var FigureSteps = []int{1, 5, 10, 15, 20}

// SaveFigures writes every figure of the experiment into dir as SVG and PNG
// and returns the paths written: loss (fig. 5 left), inner-steps (fig. 5
// right), and for the first seed of each method surface-<method> (fig. 1)
// and predictions-<method> (fig. 6).
func SaveFigures(r *Result, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("regression.SaveFigures: %w", err)
	}
	var written []string
	save := func(name string, p *plot.Plot, err error) error {
		if err != nil {
			return err
		}
		base := filepath.Join(dir, name)
		if err := plots.SaveAll(p, 6, 4, base); err != nil {
			return err
		}
		written = append(written, base+".svg", base+".png")
		return nil
	}
	p, err := LossFigure(r)
	if err := save("loss", p, err); err != nil {
		return written, err
	}
	p, err = InnerStepsFigure(r)
	if err := save("inner-steps", p, err); err != nil {
		return written, err
	}
	for _, m := range r.Config.Methods {
		run := -1
		for i, t := range r.Runs {
			if t.Method == m {
				run = i
				break
			}
		}
		if run < 0 {
			continue
		}
		p, err := SurfaceFigure(r, run)
		if err := save("surface-"+m, p, err); err != nil {
			return written, err
		}
		var steps []int
		for _, k := range FigureSteps {
			if k <= r.Config.MaxEvalSteps {
				steps = append(steps, k)
			}
		}
		p, err = PredictionsFigure(r, run, steps)
		if err := save("predictions-"+m, p, err); err != nil {
			return written, err
		}
	}
	return written, nil
}

// Summary holds the headline numbers of a Result, mean and standard
// deviation over seeds, per method.
type Summary struct {
	Method string `json:"method"`
	// FinalMSE is the training MSE after the last update.
	FinalMSE    float64 `json:"final_mse"`
	FinalMSEStd float64 `json:"final_mse_std"`
	// BestMSE is the lowest training MSE of the evaluations during
	// training (single-point updates make the MSE after the last one
	// noisy).
	BestMSE    float64 `json:"best_mse"`
	BestMSEStd float64 `json:"best_mse_std"`
	// EvalMSE[k] is the MSE evaluated with k+1 inner steps.
	EvalMSE    []float64 `json:"eval_mse"`
	EvalMSEStd []float64 `json:"eval_mse_std"`
	// Seconds is the mean wall-clock time of a run (not in the JSON).
	Seconds float64 `json:"-"`
}

// Summarize returns one Summary per method of the result.
func (r *Result) Summarize() []Summary {
	var out []Summary
	for _, m := range r.Config.Methods {
		runs := r.RunsOf(m)
		if len(runs) == 0 {
			continue
		}
		s := Summary{Method: m}
		var fin, best, secs []float64
		for _, t := range runs {
			fin = append(fin, t.FinalMSE)
			b := t.FinalMSE
			for _, v := range t.Curve.MSE {
				b = math.Min(b, v)
			}
			best = append(best, b)
			secs = append(secs, t.Seconds)
		}
		s.FinalMSE, s.FinalMSEStd = meanStd(fin)
		s.BestMSE, s.BestMSEStd = meanStd(best)
		s.Seconds, _ = meanStd(secs)
		for k := range runs[0].EvalMSE {
			var v []float64
			for _, t := range runs {
				v = append(v, t.EvalMSE[k])
			}
			m, sd := meanStd(v)
			s.EvalMSE = append(s.EvalMSE, m)
			s.EvalMSEStd = append(s.EvalMSEStd, sd)
		}
		out = append(out, s)
	}
	return out
}

func meanStd(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return m, 0
	}
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)-1))
}

func intsToFloats(v []int) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}
