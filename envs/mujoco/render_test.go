package mujoco

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sceneXML is a red ball above a gray floor, seen by a fixed camera.
const sceneXML = `<mujoco>
  <visual><global offwidth="320" offheight="240"/></visual>
  <worldbody>
    <light pos="0 0 5" dir="0 0 -1"/>
    <geom type="plane" size="5 5 .1" rgba=".5 .5 .5 1"/>
    <body name="ball" pos="0 0 1">
      <joint type="slide" axis="1 0 0"/>
      <geom type="sphere" size=".3" rgba="1 0 0 1"/>
    </body>
    <camera name="front" pos="0 -4 1" xyaxes="1 0 0 0 0 1"/>
  </worldbody>
</mujoco>`

func newTestRenderer(t *testing.T, m *Model) *Renderer {
	t.Helper()
	r, err := NewRenderer(m)
	if errors.Is(err, ErrNoRendering) {
		t.Skipf("no offscreen rendering here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// redCentroid returns the mean column of the clearly red pixels and their
// count.
func redCentroid(t *testing.T, r *Renderer, d *Data, cam int) (float64, int) {
	img, err := r.Render(d, cam, 320, 240)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
		t.Fatalf("image %v, want 320×240", b)
	}
	sum, n := 0.0, 0
	for y := range 240 {
		for x := range 320 {
			p := img.Pix[y*img.Stride+4*x:]
			if p[0] > 120 && p[1] < 60 && p[2] < 60 {
				sum += float64(x)
				n++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}

func TestRender(t *testing.T) {
	m := mustLoad(t, sceneXML)
	d := mustData(t, m)
	r := newTestRenderer(t, m)
	cam, err := m.ID(ObjCamera, "front")
	if err != nil {
		t.Fatal(err)
	}
	x0, n0 := redCentroid(t, r, d, cam)
	// The ball, 0.3 m in radius 4 m away, covers a few thousand pixels
	// around the image center.
	if n0 < 500 || x0 < 150 || x0 > 170 {
		t.Errorf("ball at rest: %d red pixels centered at column %.1f, want ≥ 500 around 160", n0, x0)
	}
	if err := d.SetQpos([]float64{1}); err != nil {
		t.Fatal(err)
	}
	x1, n1 := redCentroid(t, r, d, cam)
	if n1 < 500 || x1 < x0+20 {
		t.Errorf("ball moved 1 m right: %d red pixels centered at column %.1f, want right of %.1f", n1, x1, x0)
	}
	if _, n := redCentroid(t, r, d, -1); n == 0 {
		t.Error("the free camera does not see the ball")
	}
	if _, err := r.Render(d, cam, 640, 480); err == nil || !strings.Contains(err.Error(), "320×240") {
		t.Errorf("Render beyond the offscreen buffer: %v, want an error stating 320×240", err)
	}
	if _, err := r.Render(d, 3, 32, 24); err == nil || !strings.Contains(err.Error(), "[0, 1)") {
		t.Errorf("Render with camera 3: %v, want an error stating [0, 1)", err)
	}
	if dir := os.Getenv("DCEM_RENDER_OUT"); dir != "" {
		img, _ := r.Render(d, cam, 320, 240)
		f, err := os.Create(filepath.Join(dir, "render_test.png"))
		if err == nil {
			png.Encode(f, img)
			f.Close()
		}
	}
}
