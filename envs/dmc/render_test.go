package dmc

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcem-go/dcem/envs/mujoco"
)

// TestRenderSide draws each task from its "side" camera when the machine
// can render offscreen: the body (orange) must fill a plausible part of the
// frame.
func TestRenderSide(t *testing.T) {
	for _, task := range []string{"cheetah.run", "walker.walk"} {
		e := openTask(t, task)
		r, err := mujoco.NewRenderer(e.Model())
		if errors.Is(err, mujoco.ErrNoRendering) {
			t.Skipf("no offscreen rendering here: %v", err)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		cam, err := e.Model().ID(mujoco.ObjCamera, "side")
		if err != nil {
			t.Fatal(err)
		}
		e.Reset(1)
		img, err := r.Render(e.Data(), cam, 320, 240)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i := 0; i < len(img.Pix); i += 4 {
			p := img.Pix[i:]
			if p[0] > 100 && p[0] > p[2]+40 && p[1] > p[2] {
				n++
			}
		}
		// The bodies cover roughly 1-15% of the frame.
		if frac := float64(n) / (320 * 240); frac < 0.005 || frac > 0.3 {
			t.Errorf("%s: body pixels %.3f of the frame, want in [0.005, 0.3]", task, frac)
		}
		if dir := os.Getenv("DCEM_RENDER_OUT"); dir != "" {
			f, err := os.Create(filepath.Join(dir, task+".png"))
			if err == nil {
				png.Encode(f, img)
				f.Close()
			}
		}
	}
}
