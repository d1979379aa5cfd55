package cartpole

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/plots"
	cpenv "github.com/dcem-go/dcem/envs/cartpole"
)

// Figure is a named plot, saved as Name.svg and Name.png by dcem repro.
type Figure struct {
	Name string
	Plot *plot.Plot
	// Width and Height are in inches.
	Width, Height float64
}

// Figures makes every figure of the experiment from a Result.
func Figures(r *Result) ([]Figure, error) {
	var figs []Figure
	add := func(name string, p *plot.Plot, err error, w, h float64) error {
		if err != nil {
			return fmt.Errorf("cartpole: figure %s: %w", name, err)
		}
		figs = append(figs, Figure{Name: name, Plot: p, Width: w, Height: h})
		return nil
	}
	if r.Trace != nil && r.Trace.Surface != nil {
		p, err := Fig2Latent(r)
		if err := add("fig2-latent-samples", p, err, 5, 4.5); err != nil {
			return nil, err
		}
	}
	if r.Trace != nil {
		p, err := Fig2Costs(r)
		if err := add("fig2-sample-costs", p, err, 6, 4); err != nil {
			return nil, err
		}
	}
	for _, d := range r.Config.LatentDims {
		p, err := Fig8(r, d)
		if err := add(fmt.Sprintf("fig8-validation-dim%d", d), p, err, 6, 4); err != nil {
			return nil, err
		}
	}
	p, err := Fig9(r)
	if err := add("fig9-improvement", p, err, 6, 4); err != nil {
		return nil, err
	}
	for i, s := range r.Surfaces {
		p, err := Fig10(s)
		if err := add(fmt.Sprintf("fig10-surface-%d", i), p, err, 4, 3.6); err != nil {
			return nil, err
		}
	}
	if r.SwingUp != nil {
		p, err := SwingUpPlot(r.SwingUp)
		if err := add("swing-up", p, err, 6, 4); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

func surfaceGrid(s *Surface) plots.Grid {
	return plots.Grid{X: s.Axis, Y: s.Axis, Z: s.Cost}
}

// Fig2Latent draws the latent cost surface from the trace's start state
// with the samples latent DCEM evaluates at a few iterations (paper fig. 2,
// right).
func Fig2Latent(r *Result) (*plot.Plot, error) {
	tr := r.Trace
	p, err := plots.HeatMap(fmt.Sprintf("Latent DCEM samples (τ = %g)", tr.Temp), "z₁", "z₂", surfaceGrid(tr.Surface))
	if err != nil {
		return nil, err
	}
	n := len(tr.LatentSamples)
	for k, it := range []int{0, n / 3, 2 * n / 3, n - 1} {
		if k > 0 && it == 0 {
			continue
		}
		var xs, ys []float64
		for _, z := range tr.LatentSamples[it] {
			xs = append(xs, z[0])
			ys = append(ys, z[1])
		}
		if err := plots.AddScatter(p, xs, ys, fmt.Sprintf("iteration %d", it+1), k); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Fig2Costs plots the mean and best cost of the samples each method
// evaluates per iteration from the trace's start state (paper fig. 2):
// full-space CEM with its many samples against latent DCEM with 100.
func Fig2Costs(r *Result) (*plot.Plot, error) {
	tr := r.Trace
	p := plot.New()
	p.Title.Text = "Costs of the evaluated samples"
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = "cost (lower is better)"
	series := []struct {
		label string
		costs [][]float64
	}{
		{fmt.Sprintf("CEM, %d samples", len(tr.ExpertCosts[0])), tr.ExpertCosts},
		{fmt.Sprintf("latent DCEM, %d samples", len(tr.LatentCosts[0])), tr.LatentCosts},
	}
	for k, s := range series {
		var x, mean, best []float64
		for i, c := range s.costs {
			x = append(x, float64(i+1))
			m, b := 0.0, math.Inf(1)
			for _, v := range c {
				m += v
				b = math.Min(b, v)
			}
			mean = append(mean, m/float64(len(c)))
			best = append(best, b)
		}
		if err := plots.AddLine(p, x, mean, s.label+" mean", k); err != nil {
			return nil, err
		}
		if err := plots.AddLine(p, x, best, s.label+" best", k+2); err != nil {
			return nil, err
		}
	}
	p.Legend.Top = true
	return p, nil
}

// Fig8 plots the validation cost over updates for one latent dimension,
// one band (95% over seeds) per temperature, with the expert as a line
// (paper fig. 8).
func Fig8(r *Result, dim int) (*plot.Plot, error) {
	var bands []plots.Band
	var x []float64
	for _, t := range r.Config.Temps {
		runs := r.RunsOf(dim, t)
		if len(runs) == 0 {
			continue
		}
		b := plots.Band{Label: fmt.Sprintf("τ = %g", t)}
		for _, u := range runs[0].Updates {
			b.X = append(b.X, float64(u))
		}
		for _, run := range runs {
			b.Ys = append(b.Ys, run.ValCost)
		}
		x = b.X
		bands = append(bands, b)
	}
	p, err := plots.Lines(fmt.Sprintf("Validation cost, latent dimension %d", dim), "updates", "validation cost", bands, false)
	if err != nil {
		return nil, err
	}
	if len(x) > 0 {
		if err := plots.AddLine(p, []float64{x[0], x[len(x)-1]}, []float64{r.ExpertVal, r.ExpertVal}, "expert CEM", len(bands)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Fig9 plots the improvement factor (latent controller over expert, >1 is
// better) per latent dimension and temperature, with 95% intervals over
// seeds (paper fig. 9).
func Fig9(r *Result) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Improvement factor over the expert (>1: better)"
	p.X.Label.Text = "latent dimension"
	p.Y.Label.Text = "latent val. cost / expert val. cost"
	dims := r.Config.LatentDims
	for k, t := range r.Config.Temps {
		var pts plotter.XYs
		var errs plotter.YErrors
		for i, d := range dims {
			for _, f := range r.Factors {
				if f.Dim == d && f.Temp == t {
					x := float64(i) + 0.15*float64(k-len(r.Config.Temps)/2)
					pts = append(pts, plotter.XY{X: x, Y: f.Mean})
					errs = append(errs, struct{ Low, High float64 }{f.Mean - f.Lo, f.Hi - f.Mean})
				}
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = plots.Color(k)
		sc.GlyphStyle.Radius = vg.Points(3)
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYer
			plotter.YErrorer
		}{pts, errs})
		if err != nil {
			return nil, err
		}
		eb.LineStyle.Color = plots.Color(k)
		p.Add(sc, eb)
		p.Legend.Add(fmt.Sprintf("τ = %g", t), sc)
	}
	one := plotter.NewFunction(func(float64) float64 { return 1 })
	one.Color = color.Gray{Y: 128}
	one.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(one)
	p.Y.Max = math.Max(p.Y.Max, 1.05) // keep the break-even line in view
	p.Y.Min = math.Min(p.Y.Min, 0.95)
	names := make([]string, len(dims))
	for i, d := range dims {
		names[i] = fmt.Sprint(d)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(dims))-0.5
	return p, nil
}

// Fig10 draws one learned latent cost surface (paper fig. 10).
func Fig10(s Surface) (*plot.Plot, error) {
	return plots.HeatMap(fmt.Sprintf("τ = %g, θ₀ = %.2f, x₀ = %.2f", s.Temp, s.Start.Theta, s.Start.X), "z₁", "z₂", surfaceGrid(&s))
}

// SwingUpPlot plots cos θ over time for the closed-loop swing-up of both
// controllers (1 is upright).
func SwingUpPlot(su *SwingUp) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Swing-up from hanging: cos θ (1 = upright)"
	p.X.Label.Text = "time (s)"
	p.Y.Label.Text = "cos θ"
	dt := 0.05
	for k, s := range [][]struct{ t, v float64 }{cosSeries(su.Latent, dt), cosSeries(su.Expert, dt)} {
		var x, y []float64
		for _, q := range s {
			x = append(x, q.t)
			y = append(y, q.v)
		}
		label := "latent DCEM controller"
		if k == 1 {
			label = "expert CEM"
		}
		if err := plots.AddLine(p, x, y, label, k); err != nil {
			return nil, err
		}
	}
	p.Legend.Top = false
	return p, nil
}

func cosSeries(states []cpenv.State, dt float64) []struct{ t, v float64 } {
	out := make([]struct{ t, v float64 }, len(states))
	for i, s := range states {
		out[i] = struct{ t, v float64 }{float64(i) * dt, math.Cos(s.Theta)}
	}
	return out
}

// SaveFigures writes every figure of r into dir as SVG and PNG, plus the
// swing-up of both controllers as animated SVGs, and returns the files
// written.
func SaveFigures(r *Result, dir string) ([]string, error) {
	figs, err := Figures(r)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range figs {
		base := filepath.Join(dir, f.Name)
		if err := plots.SaveAll(f.Plot, f.Width, f.Height, base); err != nil {
			return files, fmt.Errorf("cartpole: saving %s: %w", f.Name, err)
		}
		files = append(files, base+".svg", base+".png")
	}
	if su := r.SwingUp; su != nil {
		p := cpenv.DefaultParams()
		for _, a := range []struct {
			name   string
			states []cpenv.State
		}{{"swing-up-latent.svg", su.Latent}, {"swing-up-expert.svg", su.Expert}} {
			path := filepath.Join(dir, a.name)
			if err := os.WriteFile(path, []byte(p.AnimatedSVG(a.states, p.Dt)), 0o644); err != nil {
				return files, err
			}
			files = append(files, path)
		}
	}
	return files, nil
}

// Summary is the table the notebook and dcem repro print: one row per
// (latent dimension, temperature).
type Summary struct {
	Dim      int     `json:"dim"`
	Temp     float64 `json:"temp"`
	BestVal  float64 `json:"best_val_mean"`
	Factor   float64 `json:"factor_mean"`
	FactorLo float64 `json:"factor_lo"`
	FactorHi float64 `json:"factor_hi"`
	// TestFactor and its interval are the factor on the test states.
	TestFactor   float64 `json:"test_factor_mean"`
	TestFactorLo float64 `json:"test_factor_lo"`
	TestFactorHi float64 `json:"test_factor_hi"`
	// Seconds is the mean wall-clock time of a run (not in the JSON).
	Seconds float64 `json:"-"`
}

// Summarize returns the summary rows of r.
func (r *Result) Summarize() []Summary {
	var out []Summary
	for _, f := range r.Factors {
		runs := r.RunsOf(f.Dim, f.Temp)
		s := Summary{Dim: f.Dim, Temp: f.Temp, Factor: f.Mean, FactorLo: f.Lo, FactorHi: f.Hi,
			TestFactor: f.TestMean, TestFactorLo: f.TestLo, TestFactorHi: f.TestHi}
		for _, run := range runs {
			s.BestVal += run.BestVal / float64(len(runs))
			s.Seconds += run.Seconds / float64(len(runs))
		}
		out = append(out, s)
	}
	return out
}

// SaveCheckpoints writes the best decoder of every run into dir as
// decoder-dimD-tauT-seedS.json (nn.SaveParams format) and returns the files.
func SaveCheckpoints(r *Result, dir string) ([]string, error) {
	var files []string
	for _, run := range r.Runs {
		if run.Best == nil {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("decoder-dim%d-tau%g-seed%d.json", run.Dim, run.Temp, run.Seed))
		if err := nn.SaveParamsFile(path, run.Best.Params()); err != nil {
			return files, fmt.Errorf("cartpole: checkpoint: %w", err)
		}
		files = append(files, path)
	}
	return files, nil
}
