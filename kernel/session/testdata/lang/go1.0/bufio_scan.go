package main

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

func main() {
	in := "3\n10 20 30\nend\n"
	sc := bufio.NewScanner(strings.NewReader(in))
	lines := 0
	sum := 0
	for sc.Scan() {
		lines++
		for _, f := range strings.Fields(sc.Text()) {
			if n, err := strconv.Atoi(f); err == nil {
				sum += n
			}
		}
	}
	fmt.Println(lines, sum)
	w := bufio.NewWriter(&strings.Builder{})
	fmt.Fprint(w, "x")
	fmt.Println(w.Buffered())
}
