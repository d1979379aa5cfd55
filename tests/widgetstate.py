"""Helpers of the widget tests: comm messages as a front end sends them, and
the widget state document (application/vnd.jupyter.widget-state+json) made
from what the kernel emitted."""

import base64
import json
import os

import kernelclient as kcl

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(HERE, "node_modules")
SCHEMA = os.path.join(NODE_MODULES, "@jupyter-widgets", "schema", "v2", "state.schema.json")
EMBED_JS = os.path.join(NODE_MODULES, "@jupyter-widgets", "html-manager", "dist", "embed.js")

# A cell that makes one of each control the render check looks at, with
# values that are not the defaults, and shows them in a box.
ALL_CONTROLS = r'''
import (
	"fmt"
	"github.com/dcem-go/dcem/widgets"
)
is := widgets.NewIntSlider()
is.Description, is.Max, is.Value = "k", 10, 7
fs := widgets.NewFloatSlider()
fs.Description, fs.Max, fs.Step, fs.Value = "tau", 2, 0.05, 0.35
ls := widgets.NewFloatLogSlider()
ls.Description, ls.Min, ls.Max, ls.Value = "lr", -4, 0, 0.001
rs := widgets.NewIntRangeSlider()
rs.Description, rs.Value = "range", [2]int{20, 60}
dd := widgets.NewDropdown("cem", "dcem", "gd")
dd.Description = "solver"
dd.SetIndex(1)
tb := widgets.NewToggleButtons("cheetah", "walker")
tb.SetIndex(1)
cb := widgets.NewCheckbox()
cb.Description, cb.Value = "learned sigma", true
bt := widgets.NewButton("run it")
tx := widgets.NewText()
tx.Description, tx.Value = "name", "latent dcem"
ta := widgets.NewTextarea()
ta.Value = "first line"
lb := widgets.NewLabel("label text 42")
ht := widgets.NewHTML("<b id=\"bold-html\">bold html</b>")
pr := widgets.NewIntProgress()
pr.Max, pr.Value = 10, 4
fp := widgets.NewFloatProgress()
fp.Value = 25
pl := widgets.NewPlay()
pl.Max, pl.Value = 9, 3
ps := widgets.NewIntSlider()
ps.Description = "frame"
widgets.JSLink(pl, "value", ps, "value")
im := widgets.NewImage([]byte("\x89PNG\r\n\x1a\n-not-a-real-image"), "png")
box := widgets.NewVBox(widgets.NewHBox(is, fs, ls), widgets.NewHBox(rs, dd, tb), widgets.NewHBox(cb, bt, tx, ta), widgets.NewHBox(lb, ht, pr, fp), widgets.NewHBox(pl, ps, im))
box
'''


def send_comm(kc, msg_type, content, buffers=None):
    """Sends a comm message on the shell channel as a front end does; returns its msg_id."""
    msg = kc.session.msg(msg_type, content)
    kc.session.send(kc.shell_channel.socket, msg, buffers=buffers or [])
    return msg["header"]["msg_id"]


def comm_round(kc, msg_type, content, buffers=None):
    """Sends a comm message and returns the iopub messages of its handling,
    up to the idle status (so busy/idle came around it)."""
    mid = send_comm(kc, msg_type, content, buffers)
    return kcl.collect(kc, mid)


def widget_views(msgs):
    return [m["content"]["data"]["application/vnd.jupyter.widget-view+json"]
            for m in msgs
            if m["msg_type"] in ("execute_result", "display_data")
            and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]]


def state_from_update_states(msg):
    """The widget state document (version 2) from an update_states comm
    message (the reply to request_states), with its binary buffers."""
    data = msg["content"]["data"]
    states = {}
    for mid, s in data["states"].items():
        states[mid] = {"model_name": s["model_name"], "model_module": s["model_module"],
                       "model_module_version": s["model_module_version"], "state": dict(s["state"])}
    for path, buf in zip(data.get("buffer_paths", []), msg.get("buffers", [])):
        mid, rest = path[0], path[2:]
        states[mid].setdefault("buffers", []).append(
            {"path": rest, "data": base64.b64encode(bytes(buf)).decode(), "encoding": "base64"})
    return {"version_major": 2, "version_minor": 0, "state": states}


def state_from_comm_opens(msgs):
    """The widget state document (version 2) from the comm_open messages the
    kernel sent (protocol 2.1.0), with their binary buffers."""
    states = {}
    for m in msgs:
        if m["msg_type"] != "comm_open" or m["content"]["target_name"] != "jupyter.widget":
            continue
        d = m["content"]["data"]
        st = dict(d["state"])
        entry = {"model_name": st["_model_name"], "model_module": st["_model_module"],
                 "model_module_version": st["_model_module_version"], "state": st}
        for path, buf in zip(d.get("buffer_paths", []), m.get("buffers", [])):
            entry.setdefault("buffers", []).append(
                {"path": path, "data": base64.b64encode(bytes(buf)).decode(), "encoding": "base64"})
        states[m["content"]["comm_id"]] = entry
    return {"version_major": 2, "version_minor": 0, "state": states}


def schema_errors(doc):
    """Validates doc against @jupyter-widgets/schema's v2 state schema;
    returns the error messages (none when valid)."""
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    v = jsonschema.Draft4Validator(schema) if schema.get("$schema", "").endswith("draft-04/schema#") \
        else jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]


def embed_page(state, views):
    """An HTML page that renders views (widget-view+json dicts) of state
    with html-manager's prebuilt embed.js, each in a div.view."""
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
             f"<script src='file://{EMBED_JS}' crossorigin='anonymous'></script>",
             "<script type='application/vnd.jupyter.widget-state+json'>",
             json.dumps(state).replace("</", "<\\/"), "</script></head><body>"]
    for i, v in enumerate(views):
        parts.append(f"<div class='view' id='view-{i}'><script type='application/vnd.jupyter.widget-view+json'>"
                     f"{json.dumps(v)}</script></div>")
    parts.append("</body></html>")
    return "".join(parts)
