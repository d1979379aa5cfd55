"""Builds the plot notebook used by test_notebook.py."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PLOT = '''import (
\t"gonum.org/v1/plot"
\t"gonum.org/v1/plot/plotter"
)

p := plot.New()
p.Title.Text = "squares"
pts := make(plotter.XYs, 10)
for i := range pts {
\tpts[i].X = float64(i)
\tpts[i].Y = float64(i * i)
}
line, err := plotter.NewLine(pts)
if err != nil {
\tpanic(err)
}
p.Add(line)
p'''

SVG = '''import "github.com/dcem-go/dcem/kernel/display"
display.Show(display.Plot{Plot: p, Format: "svg"})'''


def notebook(fail=False):
    cells = [new_markdown_cell("# A plot"), new_code_cell(PLOT), new_code_cell(SVG)]
    if fail:
        cells.append(new_code_cell('panic("cell three fails")'))
        cells.append(new_code_cell("1 + 1"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "dcem", "display_name": "Go (dcem)", "language": "go"}
    return nb


if __name__ == "__main__":
    import sys
    nbformat.write(notebook(fail="--fail" in sys.argv), sys.argv[1])
