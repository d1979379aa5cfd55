"""Widgets through a real Jupyter client: the kernel's comm messages (protocol
2.1.0 and the classic notebook's dialect), round trips through Go observers,
conformance with @jupyter-widgets/schema's v2 state schema, and a render
check of the emitted state in headless Chromium with html-manager's
embed.js."""

import json
import os
import shutil
import subprocess
import unittest
import uuid

import kernelclient as kcl
import widgetstate as ws

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def comm_msgs(msgs, method=None):
    out = [m for m in msgs if m["msg_type"] == "comm_msg"]
    if method:
        out = [m for m in out if m["content"]["data"].get("method") == method]
    return out


def have_node_modules():
    return os.path.exists(ws.SCHEMA) and os.path.exists(ws.EMBED_JS)


class WidgetTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = kcl.start()
        reply, _ = kcl.execute(cls.kc, 'import (\n\t"fmt"\n\t"github.com/dcem-go/dcem/widgets"\n)')
        assert reply["status"] == "ok", reply

    @classmethod
    def tearDownClass(cls):
        kcl.stop(cls.km, cls.kc)

    def setUp(self):
        kcl.drain(self.kc)

    def run_ok(self, code):
        reply, msgs = kcl.execute(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        return msgs

    def show(self, code):
        """Runs a cell whose value is a widget; returns its model id and the cell's messages."""
        msgs = self.run_ok(code)
        views = ws.widget_views(msgs)
        self.assertEqual(len(views), 1, [m["msg_type"] for m in msgs])
        self.assertEqual(views[0]["version_major"], 2)
        return views[0]["model_id"], msgs

    def update(self, comm_id, state, buffers=None, paths=None):
        return ws.comm_round(self.kc, "comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": state, "buffer_paths": paths or []}}, buffers)

    def test_update_runs_observer_after_echo(self):
        mid, msgs = self.show('k := widgets.NewIntSlider()\n'
                              'k.OnChange(func(c widgets.Change) { fmt.Println("observer saw", c.Old, "->", c.New) }, "value")\n'
                              'k')
        opens = [m for m in msgs if m["msg_type"] == "comm_open" and m["content"]["comm_id"] == mid]
        self.assertEqual(len(opens), 1)
        self.assertEqual(opens[0]["content"]["target_name"], "jupyter.widget")
        self.assertEqual(opens[0]["metadata"], {"version": "2.1.0"})
        self.assertEqual(opens[0]["content"]["data"]["state"]["_model_name"], "IntSliderModel")

        got = self.update(mid, {"value": 42})
        kinds = [m["msg_type"] for m in got]
        self.assertEqual(kinds[0], "status", kinds)  # busy, before anything else
        self.assertEqual(got[0]["content"]["execution_state"], "busy")
        echo = comm_msgs(got, "echo_update")
        self.assertEqual(len(echo), 1, kinds)
        self.assertEqual(echo[0]["content"]["data"]["state"], {"value": 42})
        self.assertEqual(kcl.stream_text(got), "observer saw 0 -> 42\n")
        self.assertLess(got.index(echo[0]), kinds.index("stream"), "the echo comes before the observer's output")
        # The Go value changed.
        _, msgs = kcl.execute(self.kc, "k.Value")
        self.assertEqual(kcl.result_text(msgs), "42")
        # A change from Go is sent as an update.
        msgs = self.run_ok("k.SetValue(5)")
        ups = comm_msgs(msgs, "update")
        self.assertTrue(any(m["content"]["comm_id"] == mid and m["content"]["data"]["state"] == {"value": 5} for m in ups), ups)

    def test_request_state(self):
        mid, _ = self.show('rq := widgets.NewFloatSlider()\nrq.Value = 0.5\nrq')
        got = ws.comm_round(self.kc, "comm_msg", {"comm_id": mid, "data": {"method": "request_state"}})
        ups = comm_msgs(got, "update")
        self.assertEqual(len(ups), 1)
        st = ups[0]["content"]["data"]["state"]
        self.assertEqual(st["value"], 0.5)
        self.assertEqual(st["_model_name"], "FloatSliderModel")
        self.assertIn("layout", st)

    def test_binary_buffers(self):
        mid, msgs = self.show('img := widgets.NewImage([]byte{0, 1, 2, 255}, "png")\n'
                              'img.OnChange(func(c widgets.Change) { fmt.Println("bytes", img.Value) }, "value")\n'
                              'img')
        op = [m for m in msgs if m["msg_type"] == "comm_open" and m["content"]["comm_id"] == mid][0]
        self.assertEqual(op["content"]["data"]["buffer_paths"], [["value"]])
        self.assertEqual([bytes(b) for b in op["buffers"]], [b"\x00\x01\x02\xff"])
        self.assertNotIn("value", op["content"]["data"]["state"])
        got = self.update(mid, {}, buffers=[b"\x09\x08\x07"], paths=[["value"]])
        self.assertEqual(kcl.stream_text(got), "bytes [9 8 7]\n")
        echo = comm_msgs(got, "echo_update")
        self.assertEqual(echo[0]["content"]["data"]["buffer_paths"], [["value"]])
        self.assertEqual([bytes(b) for b in echo[0]["buffers"]], [b"\x09\x08\x07"])

    def test_request_states_and_state_schema(self):
        if not have_node_modules():
            self.skipTest("tests/node_modules is missing: run scripts/install-deps.sh")
        _, msgs = self.show(ws.ALL_CONTROLS)
        emitted = ws.state_from_comm_opens(msgs)
        self.assertGreater(len(emitted["state"]), 30)
        self.assertEqual(ws.schema_errors(emitted), [])
        # Every model the schema knows, by name, is among those made.
        names = {s["model_name"] for s in emitted["state"].values()}
        for n in ("IntSliderModel", "FloatLogSliderModel", "IntRangeSliderModel", "DropdownModel", "ToggleButtonsModel",
                  "CheckboxModel", "ButtonModel", "TextModel", "TextareaModel", "LabelModel", "HTMLModel",
                  "IntProgressModel", "FloatProgressModel", "PlayModel", "ImageModel", "HBoxModel", "VBoxModel",
                  "LinkModel", "LayoutModel", "SliderStyleModel"):
            self.assertIn(n, names)

        ctl = uuid.uuid4().hex
        got = ws.comm_round(self.kc, "comm_open", {"comm_id": ctl, "target_name": "jupyter.widget.control", "data": {}})
        self.assertFalse([m for m in got if m["msg_type"] == "comm_close"], "the control comm was refused")
        got = ws.comm_round(self.kc, "comm_msg", {"comm_id": ctl, "data": {"method": "request_states"}})
        reply = comm_msgs(got, "update_states")
        self.assertEqual(len(reply), 1)
        doc = ws.state_from_update_states(reply[0])
        self.assertEqual(ws.schema_errors(doc), [])
        self.assertTrue(set(emitted["state"]) <= set(doc["state"]))

        # The state that notebooks save, as the kernel makes it.
        msgs = self.run_ok('st, err := widgets.Default().StateJSON()\nif err != nil {\n\tpanic(err)\n}\nfmt.Println(string(st))')
        saved = json.loads(kcl.stream_text(msgs))
        self.assertEqual(ws.schema_errors(saved), [])
        self.assertTrue(set(emitted["state"]) <= set(saved["state"]))

    def test_render_in_chromium(self):
        """The state the kernel emitted, embedded with html-manager's embed.js,
        renders each control with its value in headless Chromium."""
        if not have_node_modules():
            self.skipTest("tests/node_modules is missing: run scripts/install-deps.sh")
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            self.skipTest(f"no Chromium at {CHROMIUM}")
        _, msgs = self.show(ws.ALL_CONTROLS)
        ctl = uuid.uuid4().hex
        ws.comm_round(self.kc, "comm_open", {"comm_id": ctl, "target_name": "jupyter.widget.control", "data": {}})
        got = ws.comm_round(self.kc, "comm_msg", {"comm_id": ctl, "data": {"method": "request_states"}})
        doc = ws.state_from_update_states(comm_msgs(got, "update_states")[0])
        page = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"dcem-widgets-{uuid.uuid4().hex}.html")
        with open(page, "w") as f:
            f.write(ws.embed_page(doc, ws.widget_views(msgs)))
        try:
            out = subprocess.run(["node", os.path.join(ws.HERE, "browser", "render.js"), page, CHROMIUM],
                                 capture_output=True, text=True, timeout=120, cwd=ws.HERE)
        finally:
            os.remove(page)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        result = json.loads(out.stdout)
        self.assertEqual(result["errors"], [])
        (v,) = result["views"]
        # Slider readouts: IntSlider, FloatSlider, FloatLogSlider, IntRangeSlider, and the slider that
        # jslink ties to the Play widget (3, linked in the browser).
        self.assertEqual(v["readouts"], ["7", "0.35", "0.00100", "20 – 60", "3"])
        self.assertEqual(v["handles"][:5], ["7.0", "0.3", "-3.0", "20.0", "60.0"])
        self.assertEqual(v["selects"], ["dcem"])
        active = [b["text"] for b in v["buttons"] if b["active"]]
        self.assertEqual(active, ["walker"])
        self.assertIn({"text": "run it", "active": False, "title": "run it"}, v["buttons"])
        self.assertIn({"type": "checkbox", "value": "on", "checked": True}, v["inputs"])
        self.assertIn("latent dcem", [i["value"] for i in v["inputs"]])
        self.assertEqual(v["textareas"], ["first line"])
        self.assertIn("label text 42", v["text"])
        self.assertIn("learned sigma", v["text"])
        self.assertEqual(v["html"], ['<b id="bold-html">bold html</b>'])
        self.assertEqual(v["progress"], ["40%", "25%"])
        self.assertEqual(v["images"], ["blob:"])
        for cls in ("widget-play", "widget-image", "widget-vbox", "widget-hbox"):
            self.assertIn(cls, v["classes"])

    def test_button_click(self):
        mid, _ = self.show('clicks := 0\nbt2 := widgets.NewButton("go")\n'
                           'bt2.OnClick(func(b *widgets.Button) { clicks++; fmt.Println("clicked", clicks) })\nbt2')
        got = ws.comm_round(self.kc, "comm_msg", {"comm_id": mid, "data": {"method": "custom", "content": {"event": "click"}}})
        self.assertEqual(kcl.stream_text(got), "clicked 1\n")

    def test_close_and_comm_info(self):
        mid, _ = self.show('cl := widgets.NewCheckbox()\ncl')
        info = kcl.shell_reply(self.kc, self.kc.comm_info(target_name="jupyter.widget"))["content"]
        self.assertEqual(info["comms"].get(mid), {"target_name": "jupyter.widget"})
        other = kcl.shell_reply(self.kc, self.kc.comm_info(target_name="dcem.echo"))["content"]
        self.assertNotIn(mid, other["comms"])
        ws.comm_round(self.kc, "comm_close", {"comm_id": mid, "data": {}})
        info = kcl.shell_reply(self.kc, self.kc.comm_info())["content"]
        self.assertNotIn(mid, info["comms"])
        # Closing from Go sends comm_close.
        mid2, _ = self.show('cl2 := widgets.NewCheckbox()\ncl2')
        msgs = self.run_ok("cl2.Close()")
        closes = [m for m in msgs if m["msg_type"] == "comm_close"]
        self.assertEqual([m["content"]["comm_id"] for m in closes], [mid2])
        info = kcl.shell_reply(self.kc, self.kc.comm_info())["content"]
        self.assertNotIn(mid2, info["comms"])

    def test_bad_input_keeps_kernel(self):
        mid, _ = self.show('bad := widgets.NewIntSlider()\n'
                           'bad.OnChange(func(c widgets.Change) { if bad.Value == 13 { panic("unlucky thirteen") } }, "value")\n'
                           'bad')
        got = self.update(mid, {"value": "not a number"})  # wrong type: shown, nothing breaks
        self.assertEqual(comm_msgs(got, "echo_update"), [])
        self.assertIn("refused", kcl.stream_text(got, "stderr"))
        # null where None is not allowed, beside a good value: refused whole,
        # shown under the widget's cell, Go unchanged.
        got = self.update(mid, {"value": None, "description": "d"})
        self.assertEqual(comm_msgs(got, "echo_update"), [])
        self.assertIn("null", kcl.stream_text(got, "stderr"))
        _, msgs = kcl.execute(self.kc, "bad.Description")
        self.assertEqual(kcl.result_text(msgs), '""')
        ws.comm_round(self.kc, "comm_msg", {"comm_id": "no-such-comm", "data": {"method": "update", "state": {}}})
        ws.comm_round(self.kc, "comm_msg", {"comm_id": mid, "data": {"method": "no-such-method"}})
        ws.comm_round(self.kc, "comm_msg", {"comm_id": mid, "data": [1, 2, 3]})
        got = self.update(mid, {"value": 13})
        self.assertIn("unlucky thirteen", kcl.stream_text(got, "stderr"))
        _, msgs = kcl.execute(self.kc, "bad.Value")
        self.assertEqual(kcl.result_text(msgs), "13")


class ClassicDialectTests(unittest.TestCase):
    """The classic notebook's jupyter-js-widgets 2.1 front end: it opens
    jupyter.widget.version, and the kernel answers in its dialect."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = kcl.start()

    @classmethod
    def tearDownClass(cls):
        kcl.stop(cls.km, cls.kc)

    def test_classic_round_trip(self):
        kc = self.kc
        vid = uuid.uuid4().hex
        got = ws.comm_round(kc, "comm_open", {"comm_id": vid, "target_name": "jupyter.widget.version", "data": {}})
        ver = comm_msgs(got)
        self.assertEqual([m["content"]["data"] for m in ver], [{"version": "~2.1.4"}])
        ws.comm_round(kc, "comm_msg", {"comm_id": vid, "data": {"validated": True, "frontend_version": "2.1.4"}})

        reply, msgs = kcl.execute(kc, 'import (\n\t"fmt"\n\t"github.com/dcem-go/dcem/widgets"\n)\n'
                                      'k := widgets.NewIntSlider()\n'
                                      'k.OnChange(func(c widgets.Change) { fmt.Println("classic k =", c.New) }, "value")\nk')
        self.assertEqual(reply["status"], "ok", reply)
        opens = [m for m in msgs if m["msg_type"] == "comm_open"]
        slider = [m for m in opens if m["content"]["data"].get("_model_name") == "IntSliderModel"]
        self.assertEqual(len(slider), 1, [m["content"]["data"].get("_model_name") for m in opens])
        data = slider[0]["content"]["data"]
        self.assertEqual(data["_model_module"], "jupyter-js-widgets")
        self.assertEqual(data["_model_module_version"], "~2.1.4")
        self.assertNotIn("state", data)
        mid = slider[0]["content"]["comm_id"]
        # The view is display_data, which the classic notebook shows again
        # after a page reload (it does not so for an execute_result).
        kinds = [m["msg_type"] for m in msgs]
        self.assertIn("display_data", kinds)
        self.assertNotIn("execute_result", kinds)
        # The view is shown by a display message on the model's comm.
        self.assertTrue(any(m["content"]["comm_id"] == mid and m["content"]["data"] == {"method": "display"}
                            for m in comm_msgs(msgs)))
        got = ws.comm_round(kc, "comm_msg", {"comm_id": mid, "data": {"method": "backbone", "sync_data": {"value": 9}}})
        self.assertEqual(kcl.stream_text(got), "classic k = 9\n")
        self.assertEqual(comm_msgs(got, "echo_update"), [])

        # request_state answers the whole state that the front end rebuilds
        # a model from after a page reload: a range slider keeps _range.
        reply, msgs = kcl.execute(kc, 'r := widgets.NewIntRangeSlider()\nr')
        self.assertEqual(reply["status"], "ok", reply)
        rid = [m for m in msgs if m["msg_type"] == "comm_open"
               and m["content"]["data"].get("_model_name") == "IntSliderModel"][0]["content"]["comm_id"]
        got = ws.comm_round(kc, "comm_msg", {"comm_id": rid, "data": {"method": "request_state"}})
        st = comm_msgs(got, "update")[0]["content"]["data"]["state"]
        self.assertEqual(st["_range"], True, st)
        self.assertEqual(st["value"], [0, 1], st)
        self.assertEqual(st["_view_name"], "IntSliderView", st)


if __name__ == "__main__":
    unittest.main()
