package fetch_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dcem-go/dcem/kernel/fetch"
)

// Making a third-party package importable in a notebook, as the kernel
// does for an import it does not know: Fetch downloads its module with the
// go command (through the module proxy) into the cache, whose Dir the
// interpreter takes as its GoPath. It is not run here: it needs the
// network.
func ExampleCache_Fetch() {
	dir, err := fetch.DefaultDir()
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &fetch.Cache{Dir: dir, Log: os.Stderr}
	if err := c.Fetch(context.Background(), "github.com/google/go-cmp/cmp"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("importable from the GoPath", c.Dir)
}
