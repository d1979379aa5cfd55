package kernelspec_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcem-go/dcem/kernel/kernelspec"
)

// Installing the kernel for Jupyter, as "dcem install --prefix" does:
// Dir names the kernels directory of the install location, Write puts
// kernel.json and the logos into its dcem directory.
func ExampleWrite() {
	prefix, err := os.MkdirTemp("", "kernelspec-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(prefix)

	kernels, err := kernelspec.Dir(false, prefix)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := kernelspec.Write(kernels, "/usr/local/bin/dcem")
	if err != nil {
		fmt.Println(err)
		return
	}
	rel, _ := filepath.Rel(prefix, dir)
	fmt.Println(rel)
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range entries {
		fmt.Println(" ", e.Name())
	}
	fmt.Println(kernelspec.New("/usr/local/bin/dcem").Argv)
	// Output:
	// share/jupyter/kernels/dcem
	//   kernel.json
	//   logo-32x32.png
	//   logo-64x64.png
	// [/usr/local/bin/dcem kernel -f {connection_file}]
}
