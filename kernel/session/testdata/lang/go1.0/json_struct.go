package main

import (
	"encoding/json"
	"fmt"
)

type Config struct {
	Name    string   `json:"name"`
	Steps   int      `json:"steps,omitempty"`
	Tags    []string `json:"tags"`
	secret  string
	Visible bool
}

func main() {
	c := Config{Name: "run", Tags: []string{"a", "b"}, secret: "hidden", Visible: true}
	b, err := json.Marshal(c)
	fmt.Println(string(b), err)
	var d Config
	err = json.Unmarshal([]byte(`{"name":"x","steps":3,"tags":["t"],"secret":"s"}`), &d)
	fmt.Println(d.Name, d.Steps, d.Tags, d.secret == "", err)
	m := map[string]any{}
	json.Unmarshal([]byte(`{"a":1,"b":[true,null]}`), &m)
	fmt.Println(m["a"], m["b"])
}
