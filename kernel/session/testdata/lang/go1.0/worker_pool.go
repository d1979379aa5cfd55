package main

import (
	"fmt"
	"sort"
)

type job struct{ id, n int }
type result struct{ id, sq int }

func worker(jobs <-chan job, out chan<- result) {
	for j := range jobs {
		out <- result{j.id, j.n * j.n}
	}
}

func main() {
	jobs := make(chan job)
	out := make(chan result)
	for w := 0; w < 3; w++ {
		go worker(jobs, out)
	}
	go func() {
		for i := 0; i < 6; i++ {
			jobs <- job{i, i + 1}
		}
		close(jobs)
	}()
	var rs []result
	for range 6 {
		rs = append(rs, <-out)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].id < rs[j].id })
	fmt.Println(rs)
}
