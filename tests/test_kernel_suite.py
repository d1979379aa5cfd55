"""The standard Jupyter kernel test suite (jupyter_kernel_test) run on the
dcem kernel, with every sample attribute set."""

import unittest

import jupyter_kernel_test


class DcemKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "dcem"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import ("fmt"; "os")\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
        {"text": "strings.ToUp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]

    complete_code_samples = ['x := 1', 'fmt.Println("hi")', "func f() int { return 1 }"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,\n"]
    invalid_code_samples = ["x := )", "func 1() {}", "}"]

    code_page_something = "?fmt.Println"

    code_generate_error = 'panic("this cell fails")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": 'import "github.com/dcem-go/dcem/kernel/display"\ndisplay.HTML("<b>x</b>")',
         "mime": "text/html", "result": "<b>x</b>"},
    ]

    code_display_data = [
        {"code": 'import "github.com/dcem-go/dcem/kernel/display"\n'
                 'display.Show(display.HTML("<b>shown</b>"))',
         "mime": "text/html"},
        {"code": 'import "github.com/dcem-go/dcem/kernel/display"\n'
                 'display.Show(display.Markdown("# shown"))',
         "mime": "text/markdown"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "strings.ToUpper"

    code_clear_output = 'import "github.com/dcem-go/dcem/kernel/display"\ndisplay.Clear(false)'


if __name__ == "__main__":
    unittest.main()
