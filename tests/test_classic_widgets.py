"""Live widget round trips in the classic notebook that `make run` serves
(Notebook 6 with the jupyter-js-widgets 2.1 front end), driven in headless
Chromium: run a slider cell, move the slider with the keyboard, see the Go
observer's output change; press a Play control linked to a slider in the
browser (as notebook 00's iterate player is) and see the slider and the Go
observer follow every step; reload the page and see a range slider shown
again with both handles."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

import widgetstate as ws

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EXTENSION = "/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js"

CELL = '''import (
	"fmt"
	"github.com/dcem-go/dcem/widgets"
)
k := widgets.NewIntSlider()
k.Description = "k"
shown := widgets.NewLabel("k = 0")
k.OnChange(func(c widgets.Change) {
	v := c.New.(int)
	shown.SetValue(fmt.Sprintf("k = %d, squared %d", v, v*v))
}, "value")
widgets.NewVBox(k, shown)'''

PLAY_CELL = '''import (
	"fmt"
	"github.com/dcem-go/dcem/widgets"
)
player := widgets.NewPlay()
player.Min, player.Max, player.Value, player.Interval = 1, 6, 1, 300
step := widgets.NewIntSlider()
step.Min, step.Max, step.Value = 1, 6, 1
widgets.JSLink(player, "value", step, "value")
shown := widgets.NewLabel("iteration 1")
step.OnChange(func(c widgets.Change) {
	shown.SetValue(fmt.Sprintf("iteration %d", c.New.(int)))
}, "value")
drawn := widgets.Interact(func() { fmt.Printf("drawn at %d\\n", step.Value) }, step)
widgets.NewVBox(widgets.NewHBox(player, step), shown, drawn.Output)'''

RANGE_CELL = '''import "github.com/dcem-go/dcem/widgets"
r := widgets.NewIntRangeSlider()
r.Value = [2]int{20, 60}
r'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClassicNotebookTests(unittest.TestCase):
    def drive(self, cell, scenario):
        """Serves a notebook of one cell with the classic notebook, runs the
        scenario of browser/classic.js on it and returns its JSON result."""
        for need, what in ((ws.NODE_MODULES, "tests/node_modules (scripts/install-deps.sh)"),
                           (EXTENSION, "the jupyter-js-widgets extension (Debian jupyter-nbextension-jupyter-js-widgets)")):
            if not os.path.exists(need):
                self.skipTest(f"{what} is missing")
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            self.skipTest(f"no Chromium at {CHROMIUM}")
        d = tempfile.mkdtemp()
        nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": cell}],
              "metadata": {"kernelspec": {"name": "dcem", "display_name": "Go (dcem)", "language": "go"},
                           "language_info": {"name": "go"}},
              "nbformat": 4, "nbformat_minor": 5}
        with open(os.path.join(d, "widgets.ipynb"), "w") as f:
            json.dump(nb, f)
        port = free_port()
        cmd = [sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--NotebookApp.token=", "--NotebookApp.password=", f"--notebook-dir={d}"]
        if os.getuid() == 0:
            cmd.append("--allow-root")
        log = open(os.path.join(d, "server.log"), "w")
        server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=d)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/api", timeout=2).read()
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        self.fail("the notebook server did not start: " + open(log.name).read()[-2000:])
                    time.sleep(0.3)
            out = subprocess.run(["node", os.path.join(ws.HERE, "browser", "classic.js"), base + "/notebooks/widgets.ipynb",
                                  CHROMIUM, scenario], capture_output=True, text=True, timeout=180, cwd=ws.HERE)
            self.assertEqual(out.returncode, 0, out.stderr[-3000:])
            res = json.loads(out.stdout)
            self.assertNotIn("exception", res, json.dumps(res) + "\nserver log:\n" + open(log.name).read()[-3000:])
            return res
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()
            shutil.rmtree(d, ignore_errors=True)

    def test_slider_moves_observer_output(self):
        res = self.drive(CELL, "slider")
        self.assertEqual(res["before"], "k = 0")
        # Three steps right: the observer in Go squared the value.
        self.assertEqual(res["after"], "k = 3, squared 9")
        self.assertEqual(res["readout"], "3")

    def test_play_steps_linked_slider(self):
        res = self.drive(PLAY_CELL, "play")
        msg = json.dumps(res)
        # The player counts 1, 2, ..., 5 and then goes back to its min when
        # it reaches max (jupyter-js-widgets 2.1's Play stops before max):
        # the linked slider shows each value and the Go observer of the
        # slider labels each one.
        self.assertEqual(res["labels"][:5], [f"iteration {i}" for i in range(1, 6)], msg)
        self.assertEqual(res["readouts"][:5], [str(i) for i in range(1, 6)], msg)
        self.assertEqual(res["readout"], "1", msg)
        self.assertEqual(res["labels"][-1], "iteration 1", msg)
        # The Interact's Output showed its first draw before the player ran,
        # and each redraw replaced the last one (the Output clears).
        self.assertEqual(res["drawn"][0], ["drawn at 1"], msg)
        self.assertEqual(res["drawn"][-1], ["drawn at 1"], msg)
        self.assertTrue(all(len(d) == 1 for d in res["drawn"]), msg)
        self.assertGreaterEqual(len({d[0] for d in res["drawn"]}), 4, msg)

    def test_range_slider_survives_reload(self):
        res = self.drive(RANGE_CELL, "reload")
        msg = json.dumps(res)
        # The view is display_data, which the classic front end shows again
        # after a reload, and the model it rebuilds from the kernel's answer
        # to request_state is a range (_range: true) with two handles.
        self.assertEqual(res["outputTypes"], ["display_data"], msg)
        self.assertEqual(res["handlesBefore"], 2, msg)
        self.assertEqual(res["handlesAfter"], 2, msg)


if __name__ == "__main__":
    unittest.main()
