"""Executes every notebook of notebooks/ headless in quick mode (DCEM_QUICK=1)
through nbclient and the dcem kernel, and checks that each runs without error
and shows its figures."""

import glob
import os
import time
import unittest

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = sorted(glob.glob(os.path.join(HERE, "..", "notebooks", "*.ipynb")))

# The least number of image outputs each notebook must show in quick mode.
MIN_IMAGES = {
    "00-lml-and-dcem.ipynb": 3,
    "01-regression.ipynb": 5,
    "02-cartpole-embedding.ipynb": 6,
    "03-mujoco-tasks.ipynb": 1,
    "04-world-model.ipynb": 8,
    "05-latent-dcem.ipynb": 8,
}


def images(nb):
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                n += 1
    return n


class PaperNotebooks(unittest.TestCase):
    def test_notebooks_quick(self):
        self.assertTrue(NOTEBOOKS, "no notebooks found")
        os.environ["DCEM_QUICK"] = "1"
        for path in NOTEBOOKS:
            name = os.path.basename(path)
            with self.subTest(notebook=name):
                nb = nbformat.read(path, as_version=4)
                start = time.time()
                NotebookClient(nb, timeout=300, kernel_name="dcem",
                               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
                errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
                self.assertFalse(errors, f"{name}: {errors[:1]}")
                self.assertGreaterEqual(images(nb), MIN_IMAGES.get(name, 1), f"{name}: too few figures")
                print(f"{name}: executed in quick mode in {time.time() - start:.1f} s, {images(nb)} figures")


if __name__ == "__main__":
    unittest.main()
