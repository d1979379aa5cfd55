package main

import "fmt"

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprint("int ", x+1)
	case string:
		return "string " + x
	case float64, float32:
		return fmt.Sprintf("float %v", x)
	case []int:
		return fmt.Sprint("slice of ", len(x))
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	for _, v := range []any{nil, 41, "go", 2.5, float32(1.5), []int{1, 2}, true} {
		fmt.Println(describe(v))
	}
}
