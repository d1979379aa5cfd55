"""Third-party Go packages in a cell, through a real Jupyter client: an
import of a pure-Go module is fetched with the go command (here from a
module proxy in a directory) and interpreted; a cgo package is refused
with a clear error."""

import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile

import kernelclient as kcl


def write_module(proxy, path, files):
    v = os.path.join(proxy, *path.split("/"), "@v")
    os.makedirs(v)
    with open(os.path.join(v, "list"), "w") as f:
        f.write("v1.0.0\n")
    with open(os.path.join(v, "v1.0.0.info"), "w") as f:
        f.write('{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}')
    with open(os.path.join(v, "v1.0.0.mod"), "w") as f:
        f.write(files["go.mod"])
    with zipfile.ZipFile(os.path.join(v, "v1.0.0.zip"), "w") as z:
        for name, body in files.items():
            z.writestr(f"{path}@v1.0.0/{name}", body)


class ModuleTests(kcl.KernelTestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("go") is None:
            raise unittest.SkipTest("the go command is not on PATH")
        cls.tmp = tempfile.mkdtemp()
        proxy = os.path.join(cls.tmp, "proxy")
        write_module(proxy, "example.com/shout", {
            "go.mod": "module example.com/shout\n\ngo 1.22\n",
            "shout.go": 'package shout\n\nimport "strings"\n\n// Up shouts s.\nfunc Up(s string) string { return strings.ToUpper(s) + "!" }\n'})
        write_module(proxy, "example.com/greet", {
            "go.mod": "module example.com/greet\n\ngo 1.22\n\nrequire example.com/shout v1.0.0\n",
            "greet.go": 'package greet\n\nimport "example.com/shout"\n\n// Hello greets name.\n'
                        'func Hello(name string) string { return "hello, " + shout.Up(name) }\n'})
        write_module(proxy, "example.com/needsc", {
            "go.mod": "module example.com/needsc\n\ngo 1.22\n",
            "c.go": 'package needsc\n\n// #include <stdlib.h>\nimport "C"\n\n// F is nothing.\nfunc F() {}\n'})
        cls.saved = {k: os.environ.get(k) for k in ("GOPROXY", "GOSUMDB", "GOMODCACHE", "XDG_CACHE_HOME", "GOFLAGS")}
        os.environ.update(GOPROXY="file://" + proxy, GOSUMDB="off", GOMODCACHE=os.path.join(cls.tmp, "modcache"),
                          XDG_CACHE_HOME=os.path.join(cls.tmp, "cache"), GOFLAGS="")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        subprocess.run(["go", "clean", "-modcache"], env=dict(os.environ), check=False)
        for k, v in cls.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_fetch_and_use(self):
        reply, msgs = kcl.execute(self.kc, 'import "example.com/greet"\ngreet.Hello("go")', timeout=120)
        self.assertEqual(reply["status"], "ok", reply)
        self.assertEqual(kcl.result_text(msgs), '"hello, GO!"')
        self.assertIn("fetching example.com/greet", kcl.stream_text(msgs, "stderr"))
        # Once fetched, the import costs nothing more.
        reply, msgs = kcl.execute(self.kc, 'import "example.com/greet"\ngreet.Hello("again")')
        self.assertEqual(kcl.result_text(msgs), '"hello, AGAIN!"')
        self.assertNotIn("fetching", kcl.stream_text(msgs, "stderr"))

    def test_cgo_package_is_refused(self):
        reply, _ = kcl.execute(self.kc, 'import "example.com/needsc"', timeout=120)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "ImportError")
        self.assertIn("uses cgo", reply["evalue"])


if __name__ == "__main__":
    unittest.main()
