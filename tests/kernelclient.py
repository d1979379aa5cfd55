"""Helpers shared by the client tests: start a dcem kernel, run cells and
collect their messages, interrupt cells and answer their input requests, and
KernelTestCase, the set-up that the test classes share."""

import queue
import signal
import time
import unittest

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


class KernelTestCase(unittest.TestCase):
    """A test class whose tests share one dcem kernel (self.km, self.kc),
    started for the class; each test starts with the channels drained."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start()

    @classmethod
    def tearDownClass(cls):
        stop(cls.km, cls.kc)

    def setUp(self):
        drain(self.kc)

    def assertResult(self, code, want):
        """Runs code and checks that it succeeds with the result text want."""
        reply, msgs = execute(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(result_text(msgs), want)

    def assertAlive(self):
        """The kernel answers a cell."""
        self.assertResult("20 + 22", "42")

    def interrupt_during(self, code, how="message", after=0.5):
        """Runs code, interrupts it after `after` seconds with an
        interrupt_request ("message") or SIGINT ("signal"); returns the
        reply's content and the seconds from the interrupt to the reply."""
        msg_id = self.kc.execute(code)
        time.sleep(after)
        start = time.time()
        if how == "message":
            self.km.interrupt_kernel()
        else:
            self.km.signal_kernel(signal.SIGINT)
        reply = shell_reply(self.kc, msg_id, timeout=10)
        took = time.time() - start
        collect(self.kc, msg_id)
        return reply["content"], took

    def answer(self, msg_id, answers, timeout=20):
        """Answers the input requests of msg_id with answers, in order;
        returns (execute_reply, the contents of the input requests)."""
        answers = iter(answers)
        requests = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=0.1)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply, requests
            except queue.Empty:
                pass
            try:
                req = self.kc.get_stdin_msg(timeout=0.1)
            except queue.Empty:
                continue
            self.assertEqual(req["msg_type"], "input_request")
            self.assertEqual(req["parent_header"]["msg_id"], msg_id)
            requests.append(req["content"])
            self.kc.input(next(answers))
        self.fail("no execute_reply")
