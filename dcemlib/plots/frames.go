package plots

import (
	"image"
	"image/color"
	"image/draw"
)

// FrameSheetWidth is the widest a sheet of frames gets when FrameGrid
// chooses the number of columns, in pixels.
const FrameSheetWidth = 1600

// FrameGrid lays rendered frames out on one sheet, in rows of cols frames
// on a white background: each group (the frames of one episode, say)
// starts on a new row and wraps after cols frames. Each cell of the grid
// is as large as the largest frame. cols ≤ 0 chooses as many columns as
// fit in FrameSheetWidth (at least one). With no frames the sheet is one
// white pixel.
func FrameGrid(groups [][]image.Image, cols int) *image.RGBA {
	w, h, n := 0, 0, 0
	for _, g := range groups {
		for _, f := range g {
			w, h = max(w, f.Bounds().Dx()), max(h, f.Bounds().Dy())
			n++
		}
	}
	if n == 0 || w == 0 || h == 0 {
		out := image.NewRGBA(image.Rect(0, 0, 1, 1))
		out.Set(0, 0, color.White)
		return out
	}
	if cols <= 0 {
		cols = max(1, FrameSheetWidth/w)
	}
	rows, widest := 0, 0
	for _, g := range groups {
		rows += (len(g) + cols - 1) / cols
		widest = max(widest, min(len(g), cols))
	}
	out := image.NewRGBA(image.Rect(0, 0, widest*w, rows*h))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	row := 0
	for _, g := range groups {
		for i, f := range g {
			x, y := (i%cols)*w, (row+i/cols)*h
			draw.Draw(out, image.Rect(x, y, x+f.Bounds().Dx(), y+f.Bounds().Dy()), f, f.Bounds().Min, draw.Src)
		}
		row += (len(g) + cols - 1) / cols
	}
	return out
}
