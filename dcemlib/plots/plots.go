// Package plots makes the figures of dcem-go's experiments with gonum/plot:
// curves with 95% confidence bands over seeds (DCEM paper figs. 5 and 7),
// heat maps and contours of a function on a 2-d grid (figs. 1, 3 and 4),
// samples scattered over a surface, and box plots. Every function returns a
// *plot.Plot that the caller may change further, and Save writes a plot as
// SVG, PNG or PDF by the file's extension.
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/dcem-go/dcem/dcemlib/checkpoint"
)

// DefaultWidth and DefaultHeight are the size figures are saved at, in
// inches, when a size of zero is asked for.
const (
	DefaultWidth  = 6.0
	DefaultHeight = 4.0
)

// palette holds ten distinguishable series colors; it repeats after that.
var seriesColors = []color.Color{
	color.RGBA{R: 0xd6, G: 0x3b, B: 0x3b, A: 0xff}, // red
	color.RGBA{R: 0x3b, G: 0x9b, B: 0x3b, A: 0xff}, // green
	color.RGBA{R: 0x2f, G: 0x6f, B: 0xc8, A: 0xff}, // blue
	color.RGBA{R: 0xf0, G: 0x90, B: 0x20, A: 0xff}, // orange
	color.RGBA{R: 0x8a, G: 0x4f, B: 0xb8, A: 0xff}, // purple
	color.RGBA{R: 0x8c, G: 0x56, B: 0x3c, A: 0xff}, // brown
	color.RGBA{R: 0xe0, G: 0x6f, B: 0xc0, A: 0xff}, // pink
	color.RGBA{R: 0x20, G: 0xb0, B: 0xc0, A: 0xff}, // teal
	color.RGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}, // grey
	color.RGBA{R: 0xb8, G: 0xb8, B: 0x20, A: 0xff}, // olive
}

// Color returns the i-th color of the palette the plots use for series,
// and black for a negative i (data, references).
func Color(i int) color.Color {
	if i < 0 {
		return color.Black
	}
	return seriesColors[i%len(seriesColors)]
}

// newPlot returns a plot with a title and axis labels.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	return p
}

// Render returns the plot drawn as an image of w × h inches in format
// "svg", "png", "pdf" or "eps" (0 sizes mean DefaultWidth and
// DefaultHeight).
func Render(p *plot.Plot, w, h float64, format string) ([]byte, error) {
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	if !(w > 0 && h > 0) {
		return nil, fmt.Errorf("plots.Render: size %g × %g inches, want both > 0", w, h)
	}
	f := strings.ToLower(strings.TrimPrefix(format, "."))
	switch f {
	case "svg", "png", "pdf", "eps":
	default:
		return nil, fmt.Errorf("plots.Render: format %q, want svg, png, pdf or eps", format)
	}
	wt, err := p.WriterTo(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch, f)
	if err != nil {
		return nil, fmt.Errorf("plots.Render: %w", err)
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("plots.Render: %w", err)
	}
	if f == "svg" {
		return FixSVG(b.Bytes()), nil
	}
	return b.Bytes(), nil
}

// FixSVG corrects the raster images that gonum/plot's SVG canvas embeds
// (heat maps): their data is PNG but labelled image/jpg, and without
// preserveAspectRatio="none" browsers letterbox a raster stretched to its
// cell and some renderers draw nothing.
func FixSVG(svg []byte) []byte {
	svg = bytes.ReplaceAll(svg, []byte(`xlink:href="data:image/jpg;base64,`), []byte(`xlink:href="data:image/png;base64,`))
	return bytes.ReplaceAll(svg, []byte("<image "), []byte(`<image preserveAspectRatio="none" `))
}

// Save writes the plot to path, w × h inches, in the format named by the
// path's extension (.svg, .png, .pdf or .eps).
func Save(p *plot.Plot, w, h float64, path string) error {
	b, err := Render(p, w, h, filepath.Ext(path))
	if err != nil {
		return fmt.Errorf("plots.Save %s: %w", path, err)
	}
	if err := checkpoint.WriteFileAtomic(path, b, 0o644); err != nil {
		return fmt.Errorf("plots.Save: %w", err)
	}
	return nil
}

// SaveAll writes the plot as base.svg and base.png, w × h inches.
func SaveAll(p *plot.Plot, w, h float64, base string) error {
	for _, ext := range []string{".svg", ".png"} {
		if err := Save(p, w, h, base+ext); err != nil {
			return err
		}
	}
	return nil
}

// Band is one curve measured over several seeds: Ys[s][i] is seed s's value
// at X[i].
type Band struct {
	Label string      // legend entry; empty for none
	X     []float64   // the x values, shared by every seed
	Ys    [][]float64 // Ys[s][i]: seed s's value at X[i]
}

// MeanCI returns the mean over seeds at each x and the half-width of its
// 95% confidence interval, t₀.₉₇₅,ₙ₋₁·s/√n with s the sample standard
// deviation of the n seeds (zero when n = 1). It returns an error if the
// band has no seeds or ragged rows.
func (b Band) MeanCI() (mean, half []float64, err error) {
	n := len(b.Ys)
	if n == 0 {
		return nil, nil, fmt.Errorf("plots: band %q has no seeds", b.Label)
	}
	for s, y := range b.Ys {
		if len(y) != len(b.X) {
			return nil, nil, fmt.Errorf("plots: band %q seed %d has %d values for %d x", b.Label, s, len(y), len(b.X))
		}
	}
	mean = make([]float64, len(b.X))
	half = make([]float64, len(b.X))
	t := 0.0
	if n > 1 {
		t = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	}
	for i := range b.X {
		m := 0.0
		for _, y := range b.Ys {
			m += y[i]
		}
		m /= float64(n)
		mean[i] = m
		if n > 1 {
			v := 0.0
			for _, y := range b.Ys {
				v += (y[i] - m) * (y[i] - m)
			}
			half[i] = t * math.Sqrt(v/float64(n-1)/float64(n))
		}
	}
	return mean, half, nil
}

// Lines plots the mean of each band over seeds with a shaded 95% confidence
// band (see Band.MeanCI). With logY the y axis is logarithmic, and the mean
// and band are taken over log₁₀ of the values (a geometric mean with a
// multiplicative band), as suits losses that span decades; the values must
// then be positive.
func Lines(title, xlabel, ylabel string, bands []Band, logY bool) (*plot.Plot, error) {
	p := newPlot(title, xlabel, ylabel)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	for k, b := range bands {
		if len(b.X) == 0 {
			return nil, fmt.Errorf("plots.Lines: band %q has no points", b.Label)
		}
		src := b
		if logY {
			src = Band{Label: b.Label, X: b.X}
			for s, y := range b.Ys {
				ly := make([]float64, len(y))
				for i, v := range y {
					if !(v > 0) {
						return nil, fmt.Errorf("plots.Lines: band %q seed %d value %g at x = %g is not positive on a log axis", b.Label, s, v, b.X[min(i, len(b.X)-1)])
					}
					ly[i] = math.Log10(v)
				}
				src.Ys = append(src.Ys, ly)
			}
		}
		mean, half, err := src.MeanCI()
		if err != nil {
			return nil, err
		}
		lo, hi := make([]float64, len(mean)), make([]float64, len(mean))
		for i, m := range mean {
			lo[i], hi[i] = m-half[i], m+half[i]
			if logY {
				mean[i], lo[i], hi[i] = math.Pow(10, m), math.Pow(10, lo[i]), math.Pow(10, hi[i])
			}
		}
		c := Color(k)
		var ring plotter.XYs
		for i, x := range b.X {
			ring = append(ring, plotter.XY{X: x, Y: lo[i]})
		}
		for i := len(b.X) - 1; i >= 0; i-- {
			ring = append(ring, plotter.XY{X: b.X[i], Y: hi[i]})
		}
		if len(b.Ys) > 1 {
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, fmt.Errorf("plots.Lines: %w", err)
			}
			r, g, bl, _ := c.RGBA()
			poly.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: 60}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		pts := make(plotter.XYs, len(b.X))
		for i, x := range b.X {
			pts[i] = plotter.XY{X: x, Y: mean[i]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plots.Lines: band %q: %w", b.Label, err)
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		p.Add(l)
		if b.Label != "" {
			p.Legend.Add(b.Label, l)
		}
	}
	return p, nil
}

// AddLine draws the curve (x, y) on p in series color k (black for k < 0)
// with a legend entry when label is not empty.
func AddLine(p *plot.Plot, x, y []float64, label string, k int) error {
	pts, err := xys(x, y)
	if err != nil {
		return fmt.Errorf("plots.AddLine: %w", err)
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plots.AddLine: %w", err)
	}
	l.Color = Color(k)
	l.Width = vg.Points(1.5)
	p.Add(l)
	if label != "" {
		p.Legend.Add(label, l)
	}
	return nil
}

// AddScatter draws the points (x, y) on p as dots of series color k
// (black for k < 0) with a legend entry when label is not empty.
func AddScatter(p *plot.Plot, x, y []float64, label string, k int) error {
	pts, err := xys(x, y)
	if err != nil {
		return fmt.Errorf("plots.AddScatter: %w", err)
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return fmt.Errorf("plots.AddScatter: %w", err)
	}
	s.Color = Color(k)
	s.Radius = vg.Points(2)
	p.Add(s)
	if label != "" {
		p.Legend.Add(label, s)
	}
	return nil
}

func xys(x, y []float64) (plotter.XYs, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("%d x values and %d y values", len(x), len(y))
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("no points")
	}
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return pts, nil
}

// BoxPlot draws one Tukey box per group: values[g] are group g's samples,
// named names[g] on the x axis.
func BoxPlot(title, ylabel string, names []string, values [][]float64) (*plot.Plot, error) {
	if len(names) != len(values) || len(names) == 0 {
		return nil, fmt.Errorf("plots.BoxPlot: %d names for %d groups, want the same number ≥ 1", len(names), len(values))
	}
	p := newPlot(title, "", ylabel)
	for g, v := range values {
		b, err := plotter.NewBoxPlot(vg.Points(20), float64(g), plotter.Values(v))
		if err != nil {
			return nil, fmt.Errorf("plots.BoxPlot: group %q: %w", names[g], err)
		}
		b.FillColor = Color(g)
		p.Add(b)
	}
	p.NominalX(names...)
	return p, nil
}

// HBoxPlot draws one horizontal Tukey box per group on a common value axis
// from lo to hi (the paper's fig. 4 draws returns on 0–1000), the first
// group at the top; values[g] are group g's samples, named names[g] on the
// y axis.
func HBoxPlot(title, xlabel string, names []string, values [][]float64, lo, hi float64) (*plot.Plot, error) {
	if len(names) != len(values) || len(names) == 0 {
		return nil, fmt.Errorf("plots.HBoxPlot: %d names for %d groups, want the same number ≥ 1", len(names), len(values))
	}
	if !(lo < hi) {
		return nil, fmt.Errorf("plots.HBoxPlot: axis [%g, %g], want lo < hi", lo, hi)
	}
	p := newPlot(title, xlabel, "")
	n := len(values)
	rev := make([]string, n)
	for g, v := range values {
		b, err := plotter.NewBoxPlot(vg.Points(18), float64(n-1-g), plotter.Values(v))
		if err != nil {
			return nil, fmt.Errorf("plots.HBoxPlot: group %q: %w", names[g], err)
		}
		b.Horizontal = true
		b.FillColor = Color(g)
		p.Add(b)
		rev[n-1-g] = names[g]
	}
	p.NominalY(rev...)
	p.X.Min, p.X.Max = lo, hi
	return p, nil
}
