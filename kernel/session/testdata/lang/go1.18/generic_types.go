package main

import "fmt"

type Number interface{ ~int | ~float64 }

type Vec[T Number] []T

func (v Vec[T]) Sum() T {
	var s T
	for _, x := range v {
		s += x
	}
	return s
}

type Cache[K comparable, V any] struct {
	data map[K]V
}

func NewCache[K comparable, V any]() *Cache[K, V] {
	return &Cache[K, V]{data: map[K]V{}}
}

func (c *Cache[K, V]) Put(k K, v V) { c.data[k] = v }
func (c *Cache[K, V]) Get(k K) (V, bool) {
	v, ok := c.data[k]
	return v, ok
}

func main() {
	fmt.Println(Vec[int]{1, 2, 3}.Sum(), Vec[float64]{0.5, 0.25}.Sum())
	c := NewCache[string, int]()
	c.Put("a", 1)
	v, ok := c.Get("a")
	_, missing := c.Get("b")
	fmt.Println(v, ok, missing)
}
