package main

import "fmt"

func grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	default:
		return "C"
	}
}

func kind(r rune) string {
	switch r {
	case 'a', 'e', 'i', 'o', 'u':
		return "vowel"
	case ' ':
		return "space"
	}
	return "consonant"
}

func main() {
	for _, s := range []int{95, 85, 10} {
		fmt.Print(grade(s))
	}
	fmt.Println()
	for _, r := range "hi u" {
		fmt.Print(kind(r), " ")
	}
	fmt.Println()
}
