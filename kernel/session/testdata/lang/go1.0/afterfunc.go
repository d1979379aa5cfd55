package main

import (
	"fmt"
	"time"
)

func main() {
	done := make(chan int, 3)
	for i := 0; i < 3; i++ {
		j := i
		time.AfterFunc(time.Duration(30*(3-j))*time.Millisecond, func() { done <- j })
	}
	fmt.Println(<-done, <-done, <-done)
}
