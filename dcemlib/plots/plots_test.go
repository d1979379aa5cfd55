package plots

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
)

// checkImages renders p as PNG and SVG and checks that both decode and
// have the asked-for size: 96 dots per inch for PNG, inches → points
// (72 per inch) for SVG.
func checkImages(t *testing.T, name string, p *plot.Plot) {
	t.Helper()
	b, err := Render(p, 5, 3, "png")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: PNG does not decode: %v", name, err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 480 || h != 288 {
		t.Errorf("%s: PNG is %d × %d pixels, want 480 × 288", name, w, h)
	}
	s, err := Render(p, 5, 3, "svg")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	svg := string(s)
	if !strings.Contains(svg, "<svg") || !strings.HasSuffix(strings.TrimSpace(svg), "</svg>") {
		t.Errorf("%s: SVG output is not an SVG document", name)
	}
	if !strings.Contains(svg, `width="360pt"`) || !strings.Contains(svg, `height="216pt"`) {
		t.Errorf("%s: SVG lacks width 360pt and height 216pt: %.200s", name, svg)
	}
}

func TestLines(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	bands := []Band{
		{Label: "a", X: x, Ys: [][]float64{{1, 0.5, 0.2, 0.1}, {1.2, 0.6, 0.25, 0.12}, {0.9, 0.4, 0.15, 0.09}}},
		{Label: "b", X: x, Ys: [][]float64{{2, 1, 0.5, 0.4}}},
	}
	for _, logY := range []bool{false, true} {
		p, err := Lines("loss", "update", "MSE", bands, logY)
		if err != nil {
			t.Fatal(err)
		}
		checkImages(t, "lines", p)
	}
	if _, err := Lines("", "", "", []Band{{X: x, Ys: [][]float64{{1, 2}}}}, false); err == nil {
		t.Error("ragged band gave no error")
	}
	if _, err := Lines("", "", "", []Band{{X: x, Ys: [][]float64{{1, 0, 1, 1}}}}, true); err == nil {
		t.Error("zero on a log axis gave no error")
	}
}

// The 95% interval of three seeds uses Student's t with 2 degrees of
// freedom, 4.3027.
func TestMeanCI(t *testing.T) {
	b := Band{X: []float64{0}, Ys: [][]float64{{1}, {2}, {3}}}
	m, h, err := b.MeanCI()
	if err != nil {
		t.Fatal(err)
	}
	if want := 4.302652729911275 * 1 / math.Sqrt(3); math.Abs(m[0]-2) > 1e-15 || math.Abs(h[0]-want) > 1e-9 {
		t.Errorf("mean %g ± %g, want 2 ± %g", m[0], h[0], want)
	}
	if _, _, err := (Band{X: []float64{0}}).MeanCI(); err == nil {
		t.Error("band without seeds gave no error")
	}
}

func TestGridPlots(t *testing.T) {
	g := GridOf(func(x, y float64) float64 { return math.Sin(x) * math.Cos(y) }, 0, 3, 30, -1, 1, 20)
	if len(g.Z) != 20 || len(g.Z[0]) != 30 || g.Z[19][29] != math.Sin(3)*math.Cos(1) {
		t.Fatalf("GridOf: %d × %d, corner %g", len(g.Z), len(g.Z[0]), g.Z[19][29])
	}
	p, err := HeatMap("surface", "x", "y", g)
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "heatmap", p)
	p, err = Contour("contour", "x", "y", g, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "contour", p)
	p, err = SurfaceScatter("samples", "x", "y", g, []float64{1, 2}, []float64{0, 0.5}, "samples")
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "scatter", p)
	bad := g
	bad.Z = bad.Z[:3]
	if _, err := HeatMap("", "", "", bad); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Errorf("short grid: err = %v", err)
	}
}

func TestBoxPlot(t *testing.T) {
	p, err := BoxPlot("returns", "reward", []string{"CEM", "DCEM"}, [][]float64{{1, 2, 3, 4, 10}, {2, 3, 3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "box", p)
	if _, err := BoxPlot("", "", []string{"a"}, nil); err == nil {
		t.Error("mismatched names gave no error")
	}
}

func TestSave(t *testing.T) {
	p, err := Lines("", "", "", []Band{{X: []float64{0, 1}, Ys: [][]float64{{0, 1}}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(t.TempDir(), "fig")
	if err := SaveAll(p, 0, 0, base); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".svg", ".png"} {
		if fi, err := os.Stat(base + ext); err != nil || fi.Size() < 100 {
			t.Errorf("%s: %v", ext, err)
		}
	}
	if err := Save(p, 1, 1, base+".gif"); err == nil {
		t.Error("unknown format gave no error")
	}
	if _, err := Render(p, -1, 1, "png"); err == nil {
		t.Error("negative size gave no error")
	}
}

// TestFixSVG checks that an SVG with a heat map labels its raster as PNG
// and stretches it to its cell.
func TestFixSVG(t *testing.T) {
	p := plot.New()
	h := plotter.NewHeatMap(testGrid{}, palette.Heat(8, 1))
	h.Rasterized = true // as the package's heat maps draw
	p.Add(h)
	b, err := Render(p, 3, 2, "svg")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `<image preserveAspectRatio="none" `) || !strings.Contains(s, "data:image/png;base64,") ||
		strings.Contains(s, "image/jpg") {
		t.Errorf("heat map raster not fixed: %.300s", s)
	}
}

type testGrid struct{}

func (testGrid) Dims() (c, r int)   { return 3, 2 }
func (testGrid) Z(c, r int) float64 { return float64(c + 3*r) }
func (testGrid) X(c int) float64    { return float64(c) }
func (testGrid) Y(r int) float64    { return float64(r) }

// TestHBoxPlot checks the horizontal boxes: the common axis, the first
// group on top, and the errors.
func TestHBoxPlot(t *testing.T) {
	p, err := HBoxPlot("fig. 4", "return", []string{"full CEM", "latent DCEM", "+ PPO"},
		[][]float64{{600, 650, 700, 720}, {500, 620, 640}, {610, 660, 690}}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	checkImages(t, "hbox", p)
	if p.X.Min != 0 || p.X.Max != 1000 {
		t.Errorf("value axis [%v, %v], want [0, 1000]", p.X.Min, p.X.Max)
	}
	if p.Y.Min > 2 || p.Y.Max < 2 {
		t.Errorf("y axis [%v, %v] does not hold the top group at 2", p.Y.Min, p.Y.Max)
	}
	if _, err := HBoxPlot("", "", []string{"a"}, nil, 0, 1); err == nil {
		t.Error("mismatched names gave no error")
	}
	if _, err := HBoxPlot("", "", []string{"a"}, [][]float64{{1}}, 1, 1); err == nil {
		t.Error("an empty axis gave no error")
	}
}
