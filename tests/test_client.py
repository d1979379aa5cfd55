"""Client tests of the dcem kernel for what jupyter_kernel_test does not
cover: interrupts, bad signatures, comms, restart, streaming and hostile
cells."""

import time
import unittest
import uuid

from jupyter_client.session import Session

import kernelclient as kcl


class ClientTests(kcl.KernelTestCase):
    def test_interrupt_infinite_loop(self):
        reply, took = self.interrupt_during("n := 0\nfor {\n\tn++\n}")
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertLess(took, 5)
        self.assertAlive()

    def test_interrupt_loop_in_function(self):
        reply, _ = kcl.execute(self.kc, "func spinForever() {\n\tfor {\n\t}\n}")
        self.assertEqual(reply["status"], "ok", reply)
        reply, took = self.interrupt_during("spinForever()")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertAlive()

    def test_interrupt_by_sigint(self):
        reply, took = self.interrupt_during("for {\n}", how="signal")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertAlive()

    def test_interrupt_long_compiled_call(self):
        # notebook.Sleep is compiled code that waits on the cell's context,
        # as dcemlib's long calls do.
        code = ('import ("time"; "github.com/dcem-go/dcem/kernel/notebook")\n'
                'err := notebook.Sleep(time.Minute)')
        reply, took = self.interrupt_during(code)
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertLess(took, 5)
        self.assertAlive()

    def test_interrupt_long_dcemlib_call(self):
        matches = self.kc.complete("cem.Solve")
        names = kcl.shell_reply(self.kc, matches)["content"]["matches"]
        if "SolveFunc" not in names:
            self.skipTest("dcemlib/cem has no SolveFunc in this build")
        code = (
            'import (\n\t"github.com/dcem-go/dcem/dcemlib/cem"\n\t"github.com/dcem-go/dcem/kernel/notebook"\n)\n'
            "f := func(x [][]float64) []float64 {\n\tout := make([]float64, len(x))\n"
            "\tfor i, xi := range x {\n\t\tfor _, v := range xi {\n\t\t\tout[i] += v * v\n\t\t}\n\t}\n\treturn out\n}\n"
            "_, err := cem.SolveFunc(notebook.Context(), f, make([]float64, 10), []float64{1},\n"
            "\tcem.Config{Samples: 100, Elites: 10, Iters: 1 << 30})\n"
            "err")
        reply, took = self.interrupt_during(code, after=1.0)
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertLess(took, 5)
        self.assertAlive()

    def test_streaming_while_running(self):
        code = ('import ("fmt"; "time")\n'
                'for i := 0; i < 6; i++ {\n\tfmt.Println("tick", i)\n\ttime.Sleep(200 * time.Millisecond)\n}')
        msg_id = self.kc.execute(code)
        first = None
        start = time.time()
        while True:
            msg = self.kc.get_iopub_msg(timeout=10)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream" and first is None:
                first = time.time() - start
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        total = time.time() - start
        kcl.shell_reply(self.kc, msg_id)
        self.assertIsNotNone(first)
        self.assertLess(first, total - 0.5, "output arrived only at the end of the cell")

    def test_bad_signature_is_ignored(self):
        sock = self.kc.shell_channel.socket
        forged = Session(key=b"not-the-key", username="intruder")
        forged.send(sock, "execute_request", {"code": "forged := 1", "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False})
        unsigned = Session(key=b"", username="intruder")
        unsigned.send(sock, "execute_request", {"code": "unsigned := 1", "silent": False, "store_history": True,
                                                "user_expressions": {}, "allow_stdin": False})
        time.sleep(1)
        with self.assertRaises(Exception):
            self.kc.get_shell_msg(timeout=0.5)
        for name in ("forged", "unsigned"):
            reply, _ = kcl.execute(self.kc, name)
            self.assertEqual(reply["status"], "error", f"{name} was defined by an unsigned message")
        self.assertAlive()

    def comm_send(self, msg_type, content):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def comm_msgs(self, msg_id):
        return [m for m in kcl.collect(self.kc, msg_id) if m["msg_type"].startswith("comm_")]

    def test_comms(self):
        comm_id = uuid.uuid4().hex
        mid = self.comm_send("comm_open", {"comm_id": comm_id, "target_name": "dcem.echo", "data": {"x": 1}})
        msgs = self.comm_msgs(mid)
        self.assertEqual([m["msg_type"] for m in msgs], ["comm_msg"])
        self.assertEqual(msgs[0]["content"]["data"], {"opened": {"x": 1}})

        mid = self.kc.comm_info(target_name="dcem.echo")
        info = kcl.shell_reply(self.kc, mid)["content"]
        self.assertIn(comm_id, info["comms"])

        mid = self.comm_send("comm_msg", {"comm_id": comm_id, "data": {"ping": [1, 2]}})
        msgs = self.comm_msgs(mid)
        self.assertEqual(msgs[0]["content"], {"comm_id": comm_id, "data": {"ping": [1, 2]}})

        mid = self.comm_send("comm_close", {"comm_id": comm_id, "data": {}})
        kcl.collect(self.kc, mid)
        mid = self.kc.comm_info()
        info = kcl.shell_reply(self.kc, mid)["content"]
        self.assertNotIn(comm_id, info["comms"])

        # An unknown target is refused with a comm_close.
        other = uuid.uuid4().hex
        mid = self.comm_send("comm_open", {"comm_id": other, "target_name": "no.such.target", "data": {}})
        msgs = self.comm_msgs(mid)
        self.assertEqual([m["msg_type"] for m in msgs], ["comm_close"])
        self.assertAlive()

    def test_hostile_cells(self):
        cells = [
            'var m map[string]int\nm["a"] = 1',
            "z := 0\nq := 1 / z\n_ = q",
            "a := []int{1, 2}\ni := 5\n_ = a[i]",
            'var e interface{} = 1\n_ = e.(string)',
            'import "fmt"\nvar e2 interface{} = 3\n_, ok := e2.(fmt.Stringer)\n_ = ok',
            'import "os"\nos.Exit(1)',
            'import "log"\nlog.Fatal("fatal in a cell")',
            "var p *struct{ X int }\n_ = p.X",
            "c := make(chan int)\nclose(c)\nclose(c)",
            "s := []int{1}\nlo := 3\n_ = s[lo:]",
            'panic(fmt.Errorf("an error value"))',
            "func f( {",
            "\u00ff\u0000 garbage \"",
            "n := -1\n_ = make([]int, n)",
            'import "no/such/package"',
            "undefined_name + 1",
            "type T struct{}\nvar t T\nt.Missing()",
            'import "strconv"\nv, _ := strconv.Atoi("x")\n_ = v\npanic(v)',
        ]
        big = 'import "strings"\nfmt.Print(strings.Repeat("0123456789", 1<<20))'
        sequence = []
        i = 0
        while len(sequence) < 49:
            sequence.append(cells[i % len(cells)])
            i += 1
        sequence.insert(25, big)
        errors = 0
        for code in sequence:
            reply, msgs = kcl.execute(self.kc, code, timeout=60)
            if code == big:
                self.assertEqual(reply["status"], "ok", reply)
                self.assertEqual(len(kcl.stream_text(msgs)), 10 << 20)
            elif reply["status"] == "error":
                errors += 1
                self.assertTrue(reply["traceback"], code)
        self.assertEqual(len(sequence), 50)
        self.assertGreaterEqual(errors, 45)
        self.assertTrue(self.km.is_alive())
        self.assertAlive()

    def test_restart_keeps_history_and_resets_state(self):
        reply, _ = kcl.execute(self.kc, "beforeRestart := 7")
        self.assertEqual(reply["status"], "ok")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=60)
        kcl.drain(self.kc)
        reply, _ = kcl.execute(self.kc, "beforeRestart")
        self.assertEqual(reply["status"], "error", "state survived a restart")
        self.assertAlive()
        mid = self.kc.history(hist_access_type="search", pattern="beforeRestart :=*", output=False, raw=True)
        hist = kcl.shell_reply(self.kc, mid)["content"]["history"]
        self.assertTrue(hist, "history did not survive the restart")

    def test_execute_result_and_display_update(self):
        code = ('import "github.com/dcem-go/dcem/kernel/display"\n'
                'h := display.Show(display.HTML("<i>1</i>"))\n'
                'h.Update(display.HTML("<i>2</i>"))')
        reply, msgs = kcl.execute(self.kc, code)
        self.assertEqual(reply["status"], "ok", reply)
        types = [m["msg_type"] for m in msgs if m["msg_type"] not in ("execute_input", "status")]
        self.assertEqual(types, ["display_data", "update_display_data"])
        self.assertEqual(msgs[-1]["content"]["data"]["text/html"], "<i>2</i>")
        self.assertEqual(msgs[-1]["content"]["transient"]["display_id"], msgs[-2]["content"]["transient"]["display_id"])

    def test_error_names_cell_line(self):
        reply, _ = kcl.execute(self.kc, 'x1 := 1\n_ = x1\nfunc g() { panic("deep") }\ng()')
        self.assertEqual(reply["ename"], "Panic")
        tb = "\n".join(reply["traceback"])
        self.assertIn("cell line 3, in g", tb)
        self.assertIn("cell line 4", tb)


if __name__ == "__main__":
    unittest.main()
