// Package display shows rich output (images, plots, HTML, Markdown, LaTeX,
// JSON) in a notebook run by the dcem kernel.
//
// The types HTML, Markdown, Latex, SVG, PNG, JPEG and JSON mark data with its
// MIME type. Show publishes any value in its richest form; a cell's final
// value is shown the same way, so
//
//	import "github.com/dcem-go/dcem/kernel/display"
//
//	display.HTML("<b>bold</b>")
//
// as the last line of a cell renders bold text, and so does
//
//	display.Show(display.HTML("<b>bold</b>"))
//
// anywhere in a cell. A *plot.Plot (gonum.org/v1/plot) shows as a PNG image
// of 6×4 inches; wrap it in a Plot to choose the size or SVG. An image.Image
// shows as PNG. Any other value shows as the first of these methods it has:
// MIMEBundle() map[string]any, HTML() string, Markdown() string, SVG()
// string, PNG() []byte, JPEG() []byte, Latex() string; and always as text.
//
// Show returns a Handle whose Update replaces the shown output in place,
// for progress displays. Clear clears the cell's output.
//
// Outside a kernel (for example under "dcem run"), output goes to the
// publisher set by the runner, or as text to standard output.
package display

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"reflect"
	"sync"
	"sync/atomic"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/dcem-go/dcem/dcemlib/plots"
)

// Bundle maps MIME types to data, as Jupyter's display messages carry it.
// Text types hold strings; binary types (image/png, image/jpeg) hold
// base64 strings; application/json holds any JSON value.
type Bundle map[string]any

// HTML is HTML text.
type HTML string

// Markdown is Markdown text.
type Markdown string

// Latex is LaTeX source, in $...$ or $$...$$ for math.
type Latex string

// SVG is an SVG document.
type SVG string

// PNG is an encoded PNG image.
type PNG []byte

// JPEG is an encoded JPEG image.
type JPEG []byte

// JSON shows Value (which must encode to JSON) as application/json.
type JSON struct{ Value any }

// Plot is a gonum plot to be shown at a chosen size and format, as in
//
//	display.Show(display.Plot{Plot: p, Width: 4 * vg.Inch, Height: 3 * vg.Inch})
type Plot struct {
	Plot *plot.Plot
	// Width and Height are lengths in points, as everywhere in gonum/plot
	// (multiply by vg.Inch or vg.Centimeter); zero means 6 by 4 inches.
	Width, Height vg.Length
	// Format is "png" (the default) or "svg".
	Format string
}

// Publisher receives what this package shows. The kernel sets one for the
// running cell.
type Publisher interface {
	// Display shows data; with update set, it replaces the output shown
	// earlier under id.
	Display(data Bundle, metadata map[string]any, id string, update bool)
	// Clear clears the cell's output, when the next output arrives if wait.
	Clear(wait bool)
}

var (
	pubMu sync.Mutex
	pub   Publisher
)

// SetPublisher makes p receive all output of this package; nil sends text to
// standard output. The kernel calls it; notebooks have no need to.
func SetPublisher(p Publisher) {
	pubMu.Lock()
	pub = p
	pubMu.Unlock()
}

func publisher() Publisher {
	pubMu.Lock()
	defer pubMu.Unlock()
	return pub
}

// Handle names a shown output so that it can be updated in place.
type Handle struct {
	// ID is the Jupyter display_id.
	ID string
}

var nextID atomic.Uint64

// Show shows v in its richest form (see the package documentation) and
// returns a handle to update it.
func Show(v any) *Handle {
	h := &Handle{ID: fmt.Sprintf("dcem-%d-%d", os.Getpid(), nextID.Add(1))}
	show(MIME(v), h.ID, false)
	return h
}

// Update replaces the output shown under h with v.
func (h *Handle) Update(v any) {
	show(MIME(v), h.ID, true)
}

// Clear clears the output of the running cell. With wait set, the output is
// cleared when new output arrives, which avoids flicker in animations.
func Clear(wait bool) {
	if p := publisher(); p != nil {
		p.Clear(wait)
	}
}

func show(b Bundle, id string, update bool) {
	if p := publisher(); p != nil {
		p.Display(b, nil, id, update)
		return
	}
	if t, ok := b["text/plain"].(string); ok {
		fmt.Fprintln(os.Stdout, t)
	}
}

// MIME returns the bundle that shows v: its rich forms and text/plain.
func MIME(v any) Bundle {
	b := Bundle{}
	switch x := v.(type) {
	case Bundle:
		for k, d := range x {
			b[k] = d
		}
	case map[string]any:
		for k, d := range x {
			b[k] = d
		}
	case HTML:
		b["text/html"] = string(x)
		b["text/plain"] = string(x)
	case Markdown:
		b["text/markdown"] = string(x)
		b["text/plain"] = string(x)
	case Latex:
		b["text/latex"] = string(x)
		b["text/plain"] = string(x)
	case SVG:
		b["image/svg+xml"] = string(x)
		b["text/plain"] = fmt.Sprintf("<SVG image, %d bytes>", len(x))
	case PNG:
		b["image/png"] = []byte(x) // encoding/json writes []byte as base64
		b["text/plain"] = fmt.Sprintf("<PNG image, %d bytes>", len(x))
	case JPEG:
		b["image/jpeg"] = []byte(x)
		b["text/plain"] = fmt.Sprintf("<JPEG image, %d bytes>", len(x))
	case JSON:
		raw, err := json.Marshal(x.Value)
		if err != nil {
			b["text/plain"] = fmt.Sprintf("display.JSON: %v", err)
			break
		}
		b["application/json"] = json.RawMessage(raw)
		b["text/plain"] = string(raw)
	case Plot:
		return plotBundle(x)
	case *plot.Plot:
		return plotBundle(Plot{Plot: x})
	case image.Image:
		var buf bytes.Buffer
		if err := png.Encode(&buf, x); err != nil {
			b["text/plain"] = fmt.Sprintf("display: PNG encoding: %v", err)
			break
		}
		r := x.Bounds()
		b["image/png"] = buf.Bytes()
		b["text/plain"] = fmt.Sprintf("<image %d×%d>", r.Dx(), r.Dy())
	default:
		methods(v, b)
	}
	if _, ok := b["text/plain"]; !ok {
		b["text/plain"] = Text(v)
	}
	return b
}

// methods adds the forms that v's display methods give.
func methods(v any, b Bundle) {
	defer func() {
		if r := recover(); r != nil {
			b["text/plain"] = fmt.Sprintf("display: %T's display method panicked: %v", v, r)
		}
	}()
	switch x := v.(type) {
	case interface{ MIMEBundle() map[string]any }:
		for k, d := range x.MIMEBundle() {
			b[k] = d
		}
	case interface{ HTML() string }:
		b["text/html"] = x.HTML()
	case interface{ Markdown() string }:
		b["text/markdown"] = x.Markdown()
	case interface{ SVG() string }:
		b["image/svg+xml"] = x.SVG()
	case interface{ PNG() []byte }:
		b["image/png"] = x.PNG()
	case interface{ JPEG() []byte }:
		b["image/jpeg"] = x.JPEG()
	case interface{ Latex() string }:
		b["text/latex"] = x.Latex()
	}
}

// Text is the text/plain form of a value: strings quoted, everything else as
// fmt's %v prints it.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return fmt.Sprintf("%q", x)
	case error:
		return x.Error()
	case fmt.Stringer:
		return safeString(x)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Func {
		return rv.Type().String()
	}
	return fmt.Sprintf("%v", v)
}

func safeString(s fmt.Stringer) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("<String method panicked: %v>", r)
		}
	}()
	return s.String()
}

func plotBundle(p Plot) Bundle {
	b := Bundle{}
	if p.Plot == nil {
		b["text/plain"] = "<nil plot>"
		return b
	}
	w, h := p.Width, p.Height
	if w <= 0 {
		w = 6 * vg.Inch
	}
	if h <= 0 {
		h = 4 * vg.Inch
	}
	var buf bytes.Buffer
	var err error
	switch p.Format {
	case "", "png":
		c := vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
		p.Plot.Draw(draw.New(c))
		_, err = c.WriteTo(&buf)
		b["image/png"] = buf.Bytes()
	case "svg":
		c := vgsvg.New(w, h)
		p.Plot.Draw(draw.New(c))
		_, err = c.WriteTo(&buf)
		b["image/svg+xml"] = string(plots.FixSVG(buf.Bytes()))
	default:
		err = fmt.Errorf("format %q is not png or svg", p.Format)
	}
	if err != nil {
		return Bundle{"text/plain": fmt.Sprintf("display.Plot: %v", err)}
	}
	title := p.Plot.Title.Text
	if title == "" {
		title = "plot"
	}
	b["text/plain"] = fmt.Sprintf("<%s, %v×%v>", title, w, h)
	return b
}
