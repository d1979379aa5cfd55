"""A notebook with a gonum plot, executed headless through nbclient and
through "dcem run", its PNG and SVG outputs checked."""

import base64
import os
import subprocess
import tempfile
import unittest

import nbformat
from nbclient import NotebookClient

from make_plot_notebook import notebook

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class NotebookTests(unittest.TestCase):
    def check_outputs(self, nb):
        plot_cell, svg_cell = nb.cells[1], nb.cells[2]
        pngs = [o for o in plot_cell.outputs if o.output_type == "execute_result" and "image/png" in o.data]
        self.assertEqual(len(pngs), 1, plot_cell.outputs)
        png = base64.b64decode(pngs[0].data["image/png"])
        self.assertTrue(png.startswith(PNG_MAGIC))
        self.assertGreater(len(png), 2000)
        svgs = [o for o in svg_cell.outputs if o.output_type == "display_data" and "image/svg+xml" in o.data]
        self.assertEqual(len(svgs), 1, svg_cell.outputs)
        self.assertIn("<svg", svgs[0].data["image/svg+xml"])
        self.assertIn("squares", svgs[0].data["image/svg+xml"])
        # display.Show as the last line shows the plot once, with no result.
        self.assertFalse([o for o in svg_cell.outputs if o.output_type == "execute_result"])

    def test_nbclient(self):
        nb = notebook()
        NotebookClient(nb, kernel_name="dcem", timeout=120).execute()
        self.check_outputs(nb)
        nbformat.validate(nb)

    def test_dcem_run(self):
        with tempfile.TemporaryDirectory() as d:
            src, out = os.path.join(d, "plot.ipynb"), os.path.join(d, "out.ipynb")
            nbformat.write(notebook(), src)
            subprocess.run([os.environ["DCEM"], "run", "-o", out, src], check=True, timeout=120)
            nb = nbformat.read(out, as_version=4)
            nbformat.validate(nb)
            self.check_outputs(nb)

    def test_dcem_run_failing_cell(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "fail.ipynb")
            nbformat.write(notebook(fail=True), src)
            p = subprocess.run([os.environ["DCEM"], "run", src], capture_output=True, text=True, timeout=120)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn("code cell 3", p.stderr)
            nb = nbformat.read(src, as_version=4)
            self.assertEqual(nb.cells[3].outputs[0].output_type, "error")
            self.assertIsNone(nb.cells[4].execution_count)


if __name__ == "__main__":
    unittest.main()
