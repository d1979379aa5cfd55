"""Hostile cells through a real Jupyter client: what ends a Go program ends
only the kernel's worker process; the cell gets the real crash text, and the
next cell runs in a fresh interpreter on the same connection. Also the
interrupt of compiled code that ignores its context, and standard input."""

import time
import unittest

import kernelclient as kcl


class CrashTests(kcl.KernelTestCase):
    def kernel_pid(self):
        return self.km.provisioner.process.pid

    def assertFresh(self):
        """1+1 is 2, and the state of before the crash is gone."""
        self.assertResult("1+1", "2")
        reply, _ = kcl.execute(self.kc, "beforeCrash")
        self.assertEqual(reply["status"], "error", "state survived the worker's death")

    def crash(self, setup, code, *want):
        pid = self.kernel_pid()
        reply, _ = kcl.execute(self.kc, "beforeCrash := 1")
        self.assertEqual(reply["status"], "ok", reply)
        if setup:
            reply, _ = kcl.execute(self.kc, setup)
            self.assertEqual(reply["status"], "ok", reply)
        reply, msgs = kcl.execute(self.kc, code, timeout=60)
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "InterpreterDied", reply)
        tb = "\n".join(reply["traceback"])
        for w in want + ("are lost",):
            self.assertIn(w, tb)
        errors = [m for m in msgs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1, "the error was not published exactly once")
        self.assertTrue(self.km.is_alive())
        self.assertEqual(self.kernel_pid(), pid, "the kernel process was replaced")
        self.assertFresh()
        return tb

    def test_goroutine_panic(self):
        self.crash('import "time"\nfunc bad() {\n\tpanic("boom in a goroutine")\n}',
                   "go bad()\ntime.Sleep(10 * time.Second)",
                   "panic: boom in a goroutine", "cell line 3, in bad")

    def test_unbounded_recursion(self):
        self.crash("func down(n int) int { return down(n+1) + 1 }", "down(0)", "stack overflow")

    def test_exit_from_compiled_code(self):
        self.crash('import "flag"', 'flag.NewFlagSet("cell", flag.ExitOnError).Parse([]string{"-nosuch"})',
                   "exited with status 2", "flag provided but not defined: -nosuch")

    def test_fatal_runtime_error(self):
        self.crash('import "sync"\nm := map[int]int{}\nvar wg sync.WaitGroup',
                   "for g := 0; g < 4; g++ {\n\twg.Add(1)\n\tgo func() {\n\t\tfor i := 0; i < 1000000; i++ {\n"
                   "\t\t\tm[i] = i\n\t\t}\n\t\twg.Done()\n\t}()\n}\nwg.Wait()",
                   "fatal error: concurrent map writes")

    def test_log_fatal_keeps_state(self):
        reply, _ = kcl.execute(self.kc, 'import "log"\nkeptAcrossFatal := 7')
        reply, msgs = kcl.execute(self.kc, 'log.Fatal("fatal in a cell")')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "Exit")
        self.assertIn("fatal in a cell", kcl.stream_text(msgs, "stderr"))
        reply, msgs = kcl.execute(self.kc, "keptAcrossFatal")
        self.assertEqual(kcl.result_text(msgs), "7")

    def test_interrupt_compiled_sleep(self):
        kcl.execute(self.kc, 'import "time"\nv := 0')
        msg_id = self.kc.execute("time.Sleep(4 * time.Second)\nv = 99")
        time.sleep(0.5)
        start = time.time()
        self.km.interrupt_kernel()
        reply = kcl.shell_reply(self.kc, msg_id, timeout=10)["content"]
        kcl.collect(self.kc, msg_id)
        self.assertLess(time.time() - start, 2, "the interrupt was not answered at once")
        self.assertEqual(reply["ename"], "Interrupted")
        self.assertIn("still running", reply["evalue"])
        # The next cell waits until time.Sleep returns, says so, and v stays 0.
        reply, msgs = kcl.execute(self.kc, "v")
        self.assertGreater(time.time() - start, 3, "the next cell did not wait for the compiled call")
        self.assertEqual(kcl.result_text(msgs), "0")
        self.assertIn("Waiting for compiled code", kcl.stream_text(msgs, "stderr"))
        time.sleep(0.5)
        reply, msgs = kcl.execute(self.kc, "v")
        self.assertEqual(kcl.result_text(msgs), "0")

    def test_notebook_input(self):
        code = ('import "github.com/dcem-go/dcem/kernel/notebook"\n'
                'who, _ := notebook.Input("Your name: ")\nkey, _ := notebook.Password("Key: ")\nwho + "/" + key')
        msg_id = self.kc.execute(code, allow_stdin=True)
        reply, requests = self.answer(msg_id, ["Ada", "s3cret"])
        msgs = kcl.collect(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(requests, [{"prompt": "Your name: ", "password": False}, {"prompt": "Key: ", "password": True}])
        self.assertEqual(kcl.result_text(msgs), '"Ada/s3cret"')

    def test_stdin(self):
        code = ('import ("bufio"; "fmt"; "os")\nvar name string\nfmt.Print("name? ")\nfmt.Scan(&name)\n'
                'line, _ := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\nname + "|" + line')
        msg_id = self.kc.execute(code, allow_stdin=True)
        reply, requests = self.answer(msg_id, ["Ada", "rest of the line"])
        msgs = kcl.collect(self.kc, msg_id)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertEqual(len(requests), 2)
        self.assertEqual(kcl.result_text(msgs), '"Ada|rest of the line\\n"')

    def test_truthful_errors(self):
        cases = [("y := foo.Bar()", "cell line 1: undefined: foo"),
                 ("q := 1\n_ = q\ny := foo.Bar().Baz()", "cell line 3: undefined: foo"),
                 ("xs := []int{1}\ni := 5\n_ = xs[i]", "index out of range")]
        for code, want in cases:
            reply, msgs = kcl.execute(self.kc, code)
            self.assertEqual(reply["status"], "error", code)
            self.assertIn(want, reply["evalue"], code)
            self.assertEqual(len([m for m in msgs if m["msg_type"] == "error"]), 1)
        # A cell with an error on line 3 runs none of lines 1-2.
        reply, msgs = kcl.execute(self.kc, 'import "fmt"\nfmt.Println("line 2 ran")\nbad := 1 + "x"')
        self.assertEqual(reply["ename"], "CompileError")
        self.assertIn("cell line 3", reply["evalue"])
        self.assertEqual(kcl.stream_text(msgs), "")

    def test_interrupt_while_asking(self):
        msg_id = self.kc.execute('import "fmt"\nvar never string\nfmt.Scan(&never)\nnever', allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=10)
        self.assertEqual(req["msg_type"], "input_request")
        self.km.interrupt_kernel()
        reply = kcl.shell_reply(self.kc, msg_id)["content"]
        kcl.collect(self.kc, msg_id)
        self.assertEqual(reply["ename"], "Interrupted")
        start = time.time()
        reply, msgs = kcl.execute(self.kc, "3 * 3")
        self.assertLess(time.time() - start, 3, "the next cell waited for the interrupted read")
        self.assertEqual(kcl.result_text(msgs), "9")

    def test_stdin_not_allowed(self):
        start = time.time()
        msg_id = self.kc.execute('import "fmt"\nvar n int\n_, err := fmt.Scan(&n)\nerr.Error()', allow_stdin=False)
        reply = kcl.shell_reply(self.kc, msg_id)["content"]
        msgs = kcl.collect(self.kc, msg_id)
        self.assertLess(time.time() - start, 5)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertIn("does not accept input", kcl.result_text(msgs))


if __name__ == "__main__":
    unittest.main()
