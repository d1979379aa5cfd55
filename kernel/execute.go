package kernel

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/wire"
)

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

// currentParent is the request whose output is being published.
func (k *Kernel) currentParent() *wire.Message {
	k.runMu.Lock()
	defer k.runMu.Unlock()
	if k.outputParent == "" || k.parent == nil {
		return k.parent
	}
	p := *k.parent
	p.Header.MsgID = k.outputParent
	return &p
}

// SetOutputParent makes what is published from now on (streams, display
// data, comm messages) name msgID as its parent's msg_id, in place of the
// request being handled; "" ends that. The classic notebook's Output widget
// shows the messages whose parent it names so. Pending stream text is sent
// first, under the parent it was written under.
func (k *Kernel) SetOutputParent(msgID string) {
	k.flushStreams()
	k.runMu.Lock()
	k.outputParent = msgID
	k.runMu.Unlock()
}

// flushStreams sends pending output, so that it comes before what follows.
// (An Interpreter that copies output from elsewhere, such as a worker
// process, has copied what came before by the time it returns or shows.)
func (k *Kernel) flushStreams() {
	k.stdout.Flush()
	k.stderr.Flush()
}

// pagerRE matches "?name" and "name?", the pager requests.
var pagerRE = regexp.MustCompile(`^\s*(?:\?+\s*([\pL_][\pL\pN_.]*)|([\pL_][\pL\pN_.]*)\s*\?+)\s*$`)

func (k *Kernel) execute(m *wire.Message) {
	var req executeRequest
	if !k.decode(m, "execute_reply", &req) {
		return
	}
	store := !req.Silent && (req.StoreHistory == nil || *req.StoreHistory)
	stopOnError := req.StopOnError == nil || *req.StopOnError

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if req.AllowStdin {
		ctx = WithInput(ctx, func(prompt string, password bool) (string, error) {
			return k.requestInput(ctx, m, prompt, password)
		})
	}
	k.runMu.Lock()
	if store {
		k.execCount++
	}
	count := k.execCount
	k.cancel = cancel
	k.parent = m
	k.outputParent = ""
	k.runMu.Unlock()
	defer func() {
		k.runMu.Lock()
		k.cancel = nil
		k.runMu.Unlock()
	}()

	if !req.Silent {
		k.publish("execute_input", m, map[string]any{"code": req.Code, "execution_count": count})
	}

	payload := []any{}
	var result display.Bundle
	var err error
	if sm := pagerRE.FindStringSubmatch(req.Code); sm != nil {
		name := sm[1] + sm[2]
		doc, found := k.inspectSafe(name, len([]rune(name)))
		if !found {
			doc = "no documentation found for " + name
		}
		payload = append(payload, map[string]any{"source": "page", "data": map[string]any{"text/plain": doc}, "start": 0})
	} else {
		result, err = k.run(ctx, req.Code)
	}
	k.flushStreams()

	output := ""
	if err != nil {
		name, value, tb := errorFields(err)
		k.publish("error", m, map[string]any{"ename": name, "evalue": value, "traceback": tb})
		k.reply(k.shell, m, "execute_reply", map[string]any{
			"status": "error", "execution_count": count, "ename": name, "evalue": value, "traceback": tb,
		})
		if store {
			k.appendHistory(count, req.Code, "")
		}
		if stopOnError {
			k.abortQueued()
		}
		return
	}
	if result != nil && !req.Silent {
		if _, ok := result[widgetViewMIME]; ok {
			// A widget view goes out as display_data, as ipywidgets'
			// display does: the classic notebook's widgets show the views
			// of display_data outputs again after a page reload, not those
			// of an execute_result.
			k.publish("display_data", m, map[string]any{"data": result, "metadata": map[string]any{}, "transient": map[string]any{}})
		} else {
			k.publish("execute_result", m, map[string]any{"execution_count": count, "data": result, "metadata": map[string]any{}})
		}
		if t, ok := result["text/plain"].(string); ok {
			output = t
		}
	}
	userExpr := map[string]any{}
	for name, expr := range req.UserExpressions {
		v, err := k.run(ctx, expr)
		if err != nil {
			en, ev, tb := errorFields(err)
			userExpr[name] = map[string]any{"status": "error", "ename": en, "evalue": ev, "traceback": tb}
			continue
		}
		if v == nil {
			v = display.Bundle{}
		}
		userExpr[name] = map[string]any{"status": "ok", "data": v, "metadata": map[string]any{}}
	}
	k.flushStreams()
	if store {
		k.appendHistory(count, req.Code, output)
	}
	k.reply(k.shell, m, "execute_reply", map[string]any{
		"status": "ok", "execution_count": count, "payload": payload, "user_expressions": userExpr,
	})
}

// run executes code, turning a panic that escapes the interpreter into an
// error.
func (k *Kernel) run(ctx context.Context, code string) (result display.Bundle, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return k.opts.Interpreter.Execute(ctx, code)
}

// errorFields returns the ename, evalue and traceback of err.
func errorFields(err error) (string, string, []string) {
	var p errorParts
	if errors.As(err, &p) {
		name, value, tb := p.Parts()
		if tb == nil {
			tb = []string{}
		}
		return name, value, tb
	}
	return "Error", err.Error(), []string{"Error: " + err.Error()}
}

// abortQueued answers the execute requests already waiting with status
// "aborted", as front ends expect after an error with stop_on_error.
func (k *Kernel) abortQueued() {
	for {
		select {
		case m := <-k.shellQ:
			if m.Header.MsgType != "execute_request" {
				k.handleShell(m)
				continue
			}
			k.status(m, "busy")
			k.runMu.Lock()
			count := k.execCount
			k.runMu.Unlock()
			k.reply(k.shell, m, "execute_reply", map[string]any{"status": "aborted", "execution_count": count})
			k.status(m, "idle")
		default:
			return
		}
	}
}

func (k *Kernel) appendHistory(line int, input, output string) {
	if k.opts.History == nil {
		return
	}
	if err := k.opts.History.Append(line, input, output); err != nil {
		k.log.Printf("history: %v", err)
	}
}

// Display publishes rich output of the running cell; it implements
// display.Publisher.
func (k *Kernel) Display(data display.Bundle, metadata map[string]any, id string, update bool) {
	k.flushStreams()
	if metadata == nil {
		metadata = map[string]any{}
	}
	content := map[string]any{"data": data, "metadata": metadata, "transient": map[string]any{}}
	if id != "" {
		content["transient"] = map[string]any{"display_id": id}
	}
	msgType := "display_data"
	if update {
		msgType = "update_display_data"
	}
	k.publish(msgType, k.currentParent(), content)
}

// Clear clears the running cell's output; it implements display.Publisher.
func (k *Kernel) Clear(wait bool) {
	k.flushStreams()
	k.publish("clear_output", k.currentParent(), map[string]any{"wait": wait})
}

func (k *Kernel) inspectSafe(code string, cursor int) (doc string, found bool) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("inspect: panic: %v", r)
			doc, found = "", false
		}
	}()
	return k.opts.Interpreter.Inspect(code, cursor)
}

// widgetViewMIME is the MIME type of a widget's view (package widgets'
// ViewMIME).
const widgetViewMIME = "application/vnd.jupyter.widget-view+json"
