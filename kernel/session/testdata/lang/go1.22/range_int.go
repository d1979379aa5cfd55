package main

import "fmt"

func main() {
	for i := range 3 {
		fmt.Print(i, " ")
	}
	fmt.Println()
	n := 4
	total := 0
	for i := range n {
		total += i
	}
	fmt.Println(total)
	var k int64 = 2
	for j := range k {
		fmt.Printf("%T %d\n", j, j)
	}
	count := 0
	for range 5 {
		count++
	}
	fmt.Println(count)
	for i := range len("abc") {
		if i == 1 {
			continue
		}
		fmt.Print(i)
	}
	fmt.Println()
}
