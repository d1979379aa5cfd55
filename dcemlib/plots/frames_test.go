package plots

import (
	"image"
	"image/color"
	"testing"
)

func frames(n, w, h int, c uint8) []image.Image {
	out := make([]image.Image, n)
	for i := range out {
		f := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				f.Set(x, y, color.RGBA{R: c, G: uint8(i), A: 0xff})
			}
		}
		out[i] = f
	}
	return out
}

// TestFrameGridLayout checks the size of frame sheets and where frames
// land: 40 frames of 320×240 make 8 rows of 5 (1600 px wide), not one
// row of 12800 px; each group starts a row.
func TestFrameGridLayout(t *testing.T) {
	cases := []struct {
		name   string
		groups [][]image.Image
		cols   int
		w, h   int
	}{
		{"40 frames, columns chosen", [][]image.Image{frames(40, 320, 240, 1)}, 0, 1600, 8 * 240},
		{"10 and 20 frames in groups", [][]image.Image{frames(10, 320, 240, 1), frames(20, 320, 240, 2)}, 0, 1600, 6 * 240},
		{"4 small frames fit one row", [][]image.Image{frames(4, 240, 180, 1)}, 0, 960, 180},
		{"7 frames, 3 columns", [][]image.Image{frames(7, 100, 50, 1)}, 3, 300, 150},
		{"a frame wider than the sheet", [][]image.Image{frames(2, 2000, 10, 1)}, 0, 2000, 20},
		{"no frames", nil, 0, 1, 1},
	}
	for _, c := range cases {
		b := FrameGrid(c.groups, c.cols).Bounds()
		if b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%s: sheet %d×%d, want %d×%d", c.name, b.Dx(), b.Dy(), c.w, c.h)
		}
	}
	// The second group starts on a new row: frame 0 of group 2 (red 2)
	// at (0, 480) below the 10 frames of group 1 in 2 rows of 5.
	sheet := FrameGrid([][]image.Image{frames(10, 320, 240, 1), frames(20, 320, 240, 2)}, 0)
	if r := sheet.RGBAAt(5, 2*240+5); r.R != 2 || r.G != 0 {
		t.Errorf("the second group's first frame is not at the start of row 3: %v", r)
	}
	// Frame 7 of the first group: row 2, column 3.
	if r := sheet.RGBAAt(2*320+5, 240+5); r.R != 1 || r.G != 7 {
		t.Errorf("frame 7 is not in row 2, column 3: %v", r)
	}
	// Empty cells stay white: 7 frames in 3 columns leave two in row 3.
	small := FrameGrid([][]image.Image{frames(7, 100, 50, 1)}, 3)
	if r := small.RGBAAt(250, 125); r != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("empty cell is %v, want white", r)
	}
	if r := small.RGBAAt(50, 125); r.G != 6 {
		t.Errorf("frame 6 is not in row 3, column 1: %v", r)
	}
}
