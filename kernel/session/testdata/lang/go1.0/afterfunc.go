package main

import (
	"fmt"
	"sort"
	"time"
)

func main() {
	done := make(chan int, 3)
	for i := 0; i < 3; i++ {
		j := i
		time.AfterFunc(time.Duration(5*(3-j))*time.Millisecond, func() { done <- j })
	}
	got := []int{<-done, <-done, <-done}
	sort.Ints(got)
	fmt.Println(got)
}
