"""Helpers shared by the client tests: start a dcem kernel, run cells and
collect their messages."""

import queue
import time

from jupyter_client.manager import start_new_kernel
from jupyter_client.utils import run_sync

TIMEOUT = 20


def start():
    """Starts a dcem kernel; returns (manager, client)."""
    return start_new_kernel(kernel_name="dcem", startup_timeout=60)


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def collect(kc, msg_id, timeout=TIMEOUT):
    """Returns the iopub messages of request msg_id, up to its idle status."""
    out = []
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        if left <= 0:
            raise AssertionError(f"no idle status for {msg_id} within {timeout}s; got {[m['msg_type'] for m in out]}")
        try:
            msg = kc.get_iopub_msg(timeout=left)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
        out.append(msg)


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        if left <= 0:
            raise AssertionError(f"no shell reply to {msg_id} within {timeout}s")
        try:
            msg = kc.get_shell_msg(timeout=left)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def execute(kc, code, timeout=TIMEOUT):
    """Runs code; returns (reply content, iopub messages)."""
    msg_id = kc.execute(code)
    reply = shell_reply(kc, msg_id, timeout)
    return reply["content"], collect(kc, msg_id, timeout)


def result_text(msgs):
    for m in msgs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get("text/plain")
    return None


def stream_text(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def drain(kc):
    for ch in (kc.shell_channel, kc.iopub_channel):
        while True:
            try:
                run_sync(ch.get_msg)(timeout=0.05)
            except queue.Empty:
                break
