"""A live widget round trip in the classic notebook that `make run` serves
(Notebook 6 with the jupyter-js-widgets 2.1 front end), driven in headless
Chromium: run a slider cell, move the slider with the keyboard, see the Go
observer's output change."""

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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClassicNotebookTests(unittest.TestCase):
    def test_slider_moves_observer_output(self):
        for need, what in ((ws.NODE_MODULES, "tests/node_modules (scripts/install-deps.sh)"),
                           (EXTENSION, "the jupyter-js-widgets extension (Debian jupyter-nbextension-jupyter-js-widgets)")):
            if not os.path.exists(need):
                self.skipTest(f"{what} is missing")
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            self.skipTest(f"no Chromium at {CHROMIUM}")
        d = tempfile.mkdtemp()
        nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": CELL}],
              "metadata": {"kernelspec": {"name": "dcem", "display_name": "Go (dcem)", "language": "go"},
                           "language_info": {"name": "go"}},
              "nbformat": 4, "nbformat_minor": 5}
        with open(os.path.join(d, "slider.ipynb"), "w") as f:
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
            out = subprocess.run(["node", os.path.join(ws.HERE, "browser", "classic.js"), base + "/notebooks/slider.ipynb", CHROMIUM],
                                 capture_output=True, text=True, timeout=180, cwd=ws.HERE)
            self.assertEqual(out.returncode, 0, out.stderr[-3000:])
            res = json.loads(out.stdout)
            self.assertNotIn("exception", res, json.dumps(res) + "\nserver log:\n" + open(log.name).read()[-3000:])
            self.assertEqual(res["before"], "k = 0")
            # Three steps right: the observer in Go squared the value.
            self.assertEqual(res["after"], "k = 3, squared 9")
            self.assertEqual(res["readout"], "3")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            log.close()
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
