package display

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

type shown struct {
	data   Bundle
	id     string
	update bool
}

type recorder struct {
	shown   []shown
	cleared []bool
}

func (r *recorder) Display(data Bundle, _ map[string]any, id string, update bool) {
	r.shown = append(r.shown, shown{data, id, update})
}
func (r *recorder) Clear(wait bool) { r.cleared = append(r.cleared, wait) }

type rich struct{}

func (rich) HTML() string { return "<i>rich</i>" }

type panicky struct{}

func (panicky) HTML() string { panic("boom") }

func TestMIME(t *testing.T) {
	cases := []struct {
		v    any
		mime string
		want any
	}{
		{HTML("<b>x</b>"), "text/html", "<b>x</b>"},
		{Markdown("# x"), "text/markdown", "# x"},
		{Latex("$x^2$"), "text/latex", "$x^2$"},
		{SVG("<svg/>"), "image/svg+xml", "<svg/>"},
		{rich{}, "text/html", "<i>rich</i>"},
		{42, "text/plain", "42"},
		{"s", "text/plain", `"s"`},
		{nil, "text/plain", "<nil>"},
	}
	for _, c := range cases {
		b := MIME(c.v)
		if b[c.mime] != c.want {
			t.Errorf("MIME(%#v)[%s] = %#v, want %#v", c.v, c.mime, b[c.mime], c.want)
		}
		if _, ok := b["text/plain"]; !ok {
			t.Errorf("MIME(%#v) has no text/plain", c.v)
		}
	}
	if b := MIME(panicky{}); !strings.Contains(b["text/plain"].(string), "panicked") {
		t.Errorf("a panicking HTML method gives %v", b)
	}
	b := MIME(JSON{Value: map[string]int{"a": 1}})
	raw, _ := json.Marshal(b["application/json"])
	if string(raw) != `{"a":1}` {
		t.Errorf("JSON = %s", raw)
	}
}

func TestImageAndPlotArePNG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	checkPNG(t, "image", MIME(img))

	p := plot.New()
	p.Title.Text = "line"
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	checkPNG(t, "plot", MIME(p))
	svg := MIME(Plot{Plot: p, Format: "svg"})
	if s, _ := svg["image/svg+xml"].(string); !strings.Contains(s, "<svg") {
		t.Errorf("SVG plot = %.80q", s)
	}
	if bad := MIME(Plot{Plot: p, Format: "gif"}); !strings.Contains(bad["text/plain"].(string), "gif") {
		t.Errorf("bad format gives %v", bad)
	}
}

func checkPNG(t *testing.T, name string, b Bundle) {
	t.Helper()
	data, _ := b["image/png"].([]byte)
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s: image/png is not a PNG (%d bytes)", name, len(data))
	}
}

func TestShowUpdateClear(t *testing.T) {
	r := &recorder{}
	SetPublisher(r)
	defer SetPublisher(nil)
	h := Show(HTML("<p>1</p>"))
	h.Update(HTML("<p>2</p>"))
	Clear(true)
	if len(r.shown) != 2 || r.shown[0].id != h.ID || r.shown[1].id != h.ID || r.shown[0].update || !r.shown[1].update {
		t.Fatalf("shown = %+v", r.shown)
	}
	if r.shown[1].data["text/html"] != "<p>2</p>" {
		t.Errorf("update data = %v", r.shown[1].data)
	}
	if len(r.cleared) != 1 || !r.cleared[0] {
		t.Errorf("cleared = %v", r.cleared)
	}
	if Show(1).ID == h.ID {
		t.Error("two Shows share an id")
	}
}
