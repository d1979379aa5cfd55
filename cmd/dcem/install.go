package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dcem-go/dcem/kernel/kernelspec"
)

func init() {
	register(command{name: "install", summary: "install the Jupyter kernelspec \"dcem\"", run: runInstall})
}

func runInstall(args []string) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user (the default)")
	prefix := fs.String("prefix", "", "install under `DIR`/share/jupyter/kernels")
	sysPrefix := fs.Bool("sys-prefix", false, "install under the sys.prefix of $PYTHON (default python3)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: dcem install [--user | --prefix DIR | --sys-prefix]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	n := 0
	for _, set := range []bool{*user, *prefix != "", *sysPrefix} {
		if set {
			n++
		}
	}
	if n > 1 {
		return usageErrorf("choose at most one of --user, --prefix and --sys-prefix")
	}
	if *sysPrefix {
		py := os.Getenv("PYTHON")
		if py == "" {
			py = "python3"
		}
		out, err := exec.Command(py, "-c", "import sys; print(sys.prefix)").Output()
		if err != nil {
			return fmt.Errorf("--sys-prefix: running %s: %w", py, err)
		}
		*prefix = strings.TrimSpace(string(out))
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return err
	}
	kernels, err := kernelspec.Dir(*prefix == "", *prefix)
	if err != nil {
		return err
	}
	dir, err := kernelspec.Write(kernels, exe)
	if err != nil {
		return err
	}
	fmt.Printf("installed kernelspec %s in %s\n", kernelspec.Name, dir)
	return nil
}
