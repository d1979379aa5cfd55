package kernel

import (
	"github.com/dcem-go/dcem/kernel/wire"
)

func (k *Kernel) complete(m *wire.Message) {
	var req struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if !k.decode(m, "complete_reply", &req) {
		return
	}
	cursor := len([]rune(req.Code))
	if req.CursorPos != nil && *req.CursorPos >= 0 && *req.CursorPos <= cursor {
		cursor = *req.CursorPos
	}
	var matches []string
	start, end := cursor, cursor
	func() {
		defer func() {
			if r := recover(); r != nil {
				k.log.Printf("complete: panic: %v", r)
			}
		}()
		matches, start, end = k.opts.Interpreter.Complete(req.Code, cursor)
	}()
	if matches == nil {
		matches = []string{}
	}
	k.reply(k.shell, m, "complete_reply", map[string]any{
		"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end, "metadata": map[string]any{},
	})
}

func (k *Kernel) inspect(m *wire.Message) {
	var req struct {
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if !k.decode(m, "inspect_reply", &req) {
		return
	}
	cursor := len([]rune(req.Code))
	if req.CursorPos != nil && *req.CursorPos >= 0 && *req.CursorPos <= cursor {
		cursor = *req.CursorPos
	}
	doc, found := k.inspectSafe(req.Code, cursor)
	data := map[string]any{}
	if found {
		data["text/plain"] = doc
	}
	k.reply(k.shell, m, "inspect_reply", map[string]any{
		"status": "ok", "found": found, "data": data, "metadata": map[string]any{},
	})
}

func (k *Kernel) isComplete(m *wire.Message) {
	var req struct {
		Code string `json:"code"`
	}
	if !k.decode(m, "is_complete_reply", &req) {
		return
	}
	status, indent := "unknown", ""
	func() {
		defer func() {
			if r := recover(); r != nil {
				k.log.Printf("is_complete: panic: %v", r)
			}
		}()
		status, indent = k.opts.Interpreter.IsComplete(req.Code)
	}()
	content := map[string]any{"status": status}
	if status == "incomplete" {
		content["indent"] = indent
	}
	k.reply(k.shell, m, "is_complete_reply", content)
}

func (k *Kernel) history(m *wire.Message) {
	var req struct {
		Output         bool   `json:"output"`
		Raw            bool   `json:"raw"`
		HistAccessType string `json:"hist_access_type"`
		Session        int    `json:"session"`
		Start          int    `json:"start"`
		Stop           int    `json:"stop"`
		N              int    `json:"n"`
		Pattern        string `json:"pattern"`
		Unique         bool   `json:"unique"`
	}
	if !k.decode(m, "history_reply", &req) {
		return
	}
	var entries []HistoryEntry
	var err error
	if h := k.opts.History; h != nil {
		switch req.HistAccessType {
		case "tail":
			entries, err = h.Tail(req.N)
		case "range":
			entries, err = h.Range(req.Session, req.Start, req.Stop)
		case "search":
			entries, err = h.Search(req.Pattern, req.N, req.Unique)
		}
	}
	if err != nil {
		k.log.Printf("history: %v", err)
		k.reply(k.shell, m, "history_reply", map[string]any{
			"status": "error", "ename": "HistoryError", "evalue": err.Error(), "traceback": []string{err.Error()}, "history": []any{},
		})
		return
	}
	hist := make([]any, 0, len(entries))
	for _, e := range entries {
		if req.Output {
			var out any
			if e.Output != "" {
				out = e.Output
			}
			hist = append(hist, []any{e.Session, e.Line, []any{e.Input, out}})
		} else {
			hist = append(hist, []any{e.Session, e.Line, e.Input})
		}
	}
	k.reply(k.shell, m, "history_reply", map[string]any{"status": "ok", "history": hist})
}
