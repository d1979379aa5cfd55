package main

import (
	"fmt"
	"time"
)

func main() {
	a := make(chan int, 1)
	b := make(chan string, 1)
	a <- 1
	for i := 0; i < 2; i++ {
		select {
		case v := <-a:
			fmt.Println("a", v)
			b <- "next"
		case s := <-b:
			fmt.Println("b", s)
		}
	}
	select {
	case v := <-a:
		fmt.Println("unexpected", v)
	default:
		fmt.Println("nothing ready")
	}
	done := make(chan struct{})
	go func() {
		time.Sleep(10 * time.Millisecond)
		close(done)
	}()
	select {
	case <-done:
		fmt.Println("done")
	case <-time.After(5 * time.Second):
		fmt.Println("timeout")
	}
}
