package main

import "fmt"

type Counter struct{ n int }

func (c *Counter) Inc()    { c.n++ }
func (c Counter) Get() int { return c.n }

func main() {
	c := &Counter{}
	inc := c.Inc
	inc()
	inc()
	get := c.Get
	fmt.Println(c.n, get())
	fs := []func(){c.Inc, c.Inc}
	for _, f := range fs {
		f()
	}
	fmt.Println(c.Get())
}
