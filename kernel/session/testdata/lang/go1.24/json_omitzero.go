package main

import (
	"encoding/json"
	"fmt"
	"time"
)

type Ev struct {
	Name string    `json:"name"`
	At   time.Time `json:"at,omitzero"`
	N    int       `json:"n,omitzero"`
}

func main() {
	b, _ := json.Marshal(Ev{Name: "e"})
	fmt.Println(string(b))
}
