package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// Grid is a function sampled on a rectangular grid: Z[j][i] is its value
// at (X[i], Y[j]). X and Y must be increasing.
type Grid struct {
	X, Y []float64   // the grid's coordinates, increasing
	Z    [][]float64 // Z[j][i] is the value at (X[i], Y[j])
}

// GridOf samples f on nx × ny points spanning [x0, x1] × [y0, y1].
func GridOf(f func(x, y float64) float64, x0, x1 float64, nx int, y0, y1 float64, ny int) Grid {
	g := Grid{X: make([]float64, nx), Y: make([]float64, ny), Z: make([][]float64, ny)}
	for i := range g.X {
		g.X[i] = x0 + (x1-x0)*float64(i)/float64(max(nx-1, 1))
	}
	for j := range g.Y {
		g.Y[j] = y0 + (y1-y0)*float64(j)/float64(max(ny-1, 1))
		g.Z[j] = make([]float64, nx)
		for i, x := range g.X {
			g.Z[j][i] = f(x, g.Y[j])
		}
	}
	return g
}

// Check reports whether the grid's sizes agree.
func (g Grid) Check() error {
	if len(g.X) < 2 || len(g.Y) < 2 {
		return fmt.Errorf("plots: grid of %d × %d points, want at least 2 × 2", len(g.X), len(g.Y))
	}
	if len(g.Z) != len(g.Y) {
		return fmt.Errorf("plots: grid has %d rows of Z for %d y values", len(g.Z), len(g.Y))
	}
	for j, r := range g.Z {
		if len(r) != len(g.X) {
			return fmt.Errorf("plots: grid row %d has %d values for %d x values", j, len(r), len(g.X))
		}
	}
	return nil
}

// MinMax returns the smallest and largest finite values of Z.
func (g Grid) MinMax() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range g.Z {
		for _, v := range r {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	return lo, hi
}

// gridXYZ adapts Grid to plotter.GridXYZ without the method-name clash of
// its fields.
type gridXYZ struct{ g Grid }

func (a gridXYZ) Dims() (c, r int)   { return len(a.g.X), len(a.g.Y) }
func (a gridXYZ) Z(c, r int) float64 { return a.g.Z[r][c] }
func (a gridXYZ) X(c int) float64    { return a.g.X[c] }
func (a gridXYZ) Y(r int) float64    { return a.g.Y[r] }

func colorMap(lo, hi float64) palette.ColorMap {
	cm := moreland.ExtendedBlackBody()
	if !(hi > lo) {
		hi = lo + 1
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	return cm
}

// HeatMap draws the grid's values as colors, dark for low and bright for
// high; the legend gives the range. Energy surfaces of the regression
// experiment (paper fig. 1) are drawn this way.
func HeatMap(title, xlabel, ylabel string, g Grid) (*plot.Plot, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	lo, hi := g.MinMax()
	if math.IsInf(lo, 0) {
		return nil, fmt.Errorf("plots.HeatMap: grid has no finite values")
	}
	p := newPlot(title, xlabel, ylabel)
	cm := colorMap(lo, hi)
	h := plotter.NewHeatMap(gridXYZ{g}, cm.Palette(64))
	h.Min, h.Max = lo, hi
	h.NaN = color.Transparent
	h.Rasterized = true // one image: no seams between cells
	p.Add(h)
	p.Legend.Add(fmt.Sprintf("dark %.3g, bright %.3g", lo, hi))
	return p, nil
}

// Contour draws level lines of the grid's values: at levels, or at ten
// evenly spaced levels between the smallest and largest value when levels
// is nil.
func Contour(title, xlabel, ylabel string, g Grid, levels []float64) (*plot.Plot, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	lo, hi := g.MinMax()
	if math.IsInf(lo, 0) {
		return nil, fmt.Errorf("plots.Contour: grid has no finite values")
	}
	if levels == nil {
		for k := 1; k <= 10; k++ {
			levels = append(levels, lo+(hi-lo)*float64(k)/11)
		}
	}
	p := newPlot(title, xlabel, ylabel)
	c := plotter.NewContour(gridXYZ{g}, levels, colorMap(lo, hi).Palette(len(levels)))
	c.Min, c.Max = lo, hi
	p.Add(c)
	return p, nil
}

// SurfaceScatter draws the grid as a heat map with the points (x, y) on
// top, for samples of an optimizer over the function it minimizes (paper
// figs. 3 and 4).
func SurfaceScatter(title, xlabel, ylabel string, g Grid, x, y []float64, label string) (*plot.Plot, error) {
	p, err := HeatMap(title, xlabel, ylabel, g)
	if err != nil {
		return nil, err
	}
	if err := AddScatter(p, x, y, label, 0); err != nil {
		return nil, err
	}
	return p, nil
}
