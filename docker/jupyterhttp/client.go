package jupyterhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Server is a Jupyter server (notebook or jupyterhub-singleuser) at URL, its base URL with a
// trailing slash ("http://127.0.0.1:8888/" or "http://127.0.0.1:8000/user/alice/").
//
// Requests carry "Authorization: token Token" when Token is set; otherwise they rely on the cookies
// of HTTP's Jar (a JupyterHub login) and send the _xsrf cookie back as X-XSRFToken, as Jupyter's
// browser code does.
type Server struct {
	URL   string
	Token string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
}

// StatusError is an HTTP answer other than the one expected.
type StatusError struct {
	Op   string // what was asked ("GET api/contents/work")
	Code int    // the HTTP status code
	Body string // the start of the body
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("jupyterhttp: %s: HTTP %d %s: %s", e.Op, e.Code, http.StatusText(e.Code), e.Body)
}

func (s *Server) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return http.DefaultClient
}

// resolve returns the absolute URL of path, relative to the server's base URL.
func (s *Server) resolve(path string) (*url.URL, error) {
	base, err := url.Parse(s.URL)
	if err != nil {
		return nil, fmt.Errorf("jupyterhttp: bad server URL %q: %w", s.URL, err)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	return base.Parse(strings.TrimPrefix(path, "/"))
}

// auth sets the request's authentication headers.
func (s *Server) auth(req *http.Request) {
	if s.Token != "" {
		req.Header.Set("Authorization", "token "+s.Token)
		return
	}
	if jar := s.client().Jar; jar != nil {
		for _, c := range jar.Cookies(req.URL) {
			if c.Name == "_xsrf" {
				req.Header.Set("X-XSRFToken", c.Value)
			}
		}
	}
}

// Do sends method path (relative to the server's URL) with body marshalled to JSON (none if nil)
// and returns the response; the caller closes its body.
func (s *Server) Do(ctx context.Context, method, path string, body any) (*http.Response, error) {
	u, err := s.resolve(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	s.auth(req)
	return s.client().Do(req)
}

// call sends method path and decodes a JSON answer of status want into out (unless out is nil).
func (s *Server) call(ctx context.Context, method, path string, body any, want int, out any) error {
	resp, err := s.Do(ctx, method, path, body)
	if err != nil {
		return fmt.Errorf("jupyterhttp: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("jupyterhttp: %s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		if len(b) > 300 {
			b = b[:300]
		}
		return &StatusError{Op: method + " " + path, Code: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("jupyterhttp: %s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// KernelSpecs returns the names of the kernelspecs the server offers and its default one.
func (s *Server) KernelSpecs(ctx context.Context) (names []string, def string, err error) {
	var ks struct {
		Default     string                     `json:"default"`
		KernelSpecs map[string]json.RawMessage `json:"kernelspecs"`
	}
	if err := s.call(ctx, http.MethodGet, "api/kernelspecs", nil, http.StatusOK, &ks); err != nil {
		return nil, "", err
	}
	for n := range ks.KernelSpecs {
		names = append(names, n)
	}
	return names, ks.Default, nil
}

// List returns the names of the entries of the folder dir (relative to the server's root).
func (s *Server) List(ctx context.Context, dir string) ([]string, error) {
	var m struct {
		Content []struct {
			Name string `json:"name"`
		} `json:"content"`
	}
	if err := s.call(ctx, http.MethodGet, "api/contents/"+escapePath(dir)+"?content=1", nil, http.StatusOK, &m); err != nil {
		return nil, err
	}
	var names []string
	for _, e := range m.Content {
		names = append(names, e.Name)
	}
	return names, nil
}

// Notebook reads the notebook at path (relative to the server's root) through the contents API.
func (s *Server) Notebook(ctx context.Context, path string) (*nbformat.Notebook, error) {
	var m struct {
		Content json.RawMessage `json:"content"`
	}
	if err := s.call(ctx, http.MethodGet, "api/contents/"+escapePath(path)+"?type=notebook&content=1", nil, http.StatusOK, &m); err != nil {
		return nil, err
	}
	nb, err := nbformat.Parse(m.Content)
	if err != nil {
		return nil, fmt.Errorf("jupyterhttp: %s: %w", path, err)
	}
	return nb, nil
}

// SaveNotebook writes nb at path through the contents API, as the browser's Save does.
func (s *Server) SaveNotebook(ctx context.Context, path string, nb *nbformat.Notebook) error {
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	body := map[string]any{"type": "notebook", "format": "json", "content": json.RawMessage(b)}
	resp, err := s.Do(ctx, http.MethodPut, "api/contents/"+escapePath(path), body)
	if err != nil {
		return fmt.Errorf("jupyterhttp: save %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return &StatusError{Op: "PUT api/contents/" + path, Code: resp.StatusCode, Body: string(msg)}
	}
	return nil
}

func escapePath(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Kernel is a kernel started through a server's kernels API, with its WebSocket channels open.
type Kernel struct {
	ID      string
	srv     *Server
	ws      *wsConn
	session string
}

// StartKernel starts a kernel of the kernelspec name and opens its channels.
func (s *Server) StartKernel(ctx context.Context, name string) (*Kernel, error) {
	var k struct {
		ID string `json:"id"`
	}
	if err := s.call(ctx, http.MethodPost, "api/kernels", map[string]string{"name": name}, http.StatusCreated, &k); err != nil {
		return nil, err
	}
	session := jupyter.NewID()
	u, err := s.resolve("api/kernels/" + k.ID + "/channels?session_id=" + session)
	if err != nil {
		return nil, err
	}
	req := &http.Request{URL: u, Header: http.Header{}}
	s.auth(req)
	if jar := s.client().Jar; jar != nil {
		for _, c := range jar.Cookies(u) {
			req.AddCookie(c)
		}
	}
	ws, err := dialWebSocket(u, req.Header, 30*time.Second)
	if err != nil {
		_ = s.call(context.Background(), http.MethodDelete, "api/kernels/"+k.ID, nil, http.StatusNoContent, nil)
		return nil, err
	}
	return &Kernel{ID: k.ID, srv: s, ws: ws, session: session}, nil
}

// Output is what a cell's execution produced.
type Output struct {
	Status string // "ok" or "error" (the execute_reply's status)
	Text   string // stream output and text/plain results, in order
	// Error is the error's name, value and traceback when Status is "error".
	Error string
	// MIME counts the display_data and execute_result outputs by MIME type.
	MIME map[string]int
	// Done is when the execution finished (the execute_reply and the idle status had arrived).
	Done time.Time
}

// wsMessage is a message of Jupyter's JSON WebSocket protocol (the default "legacy" one).
type wsMessage struct {
	Header       jupyter.Header  `json:"header"`
	ParentHeader jupyter.Header  `json:"parent_header"`
	Metadata     json.RawMessage `json:"metadata"`
	Content      json.RawMessage `json:"content"`
	Channel      string          `json:"channel"`
	Buffers      []any           `json:"buffers"`
}

// Execute runs code in the kernel and returns its output once the kernel reports the execution
// done (the execute_reply and the idle status). ctx bounds the wait.
func (k *Kernel) Execute(ctx context.Context, code string) (*Output, error) {
	req := jupyter.NewMessage(k.session, "execute_request", map[string]any{
		"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{},
		"allow_stdin": false, "stop_on_error": true,
	})
	msg := wsMessage{Header: req.Header, Metadata: json.RawMessage("{}"), Content: req.Content, Channel: "shell", Buffers: []any{}}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, err
	}
	if err := k.ws.writeFrame(opText, b); err != nil {
		return nil, fmt.Errorf("jupyterhttp: kernel %s: send execute_request: %w", k.ID, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		k.ws.conn.SetReadDeadline(dl)
		defer k.ws.conn.SetReadDeadline(time.Time{})
	}
	out := &Output{MIME: map[string]int{}}
	var text strings.Builder
	replied, idle := false, false
	for !replied || !idle {
		op, data, err := k.ws.readMessage()
		if err != nil {
			return nil, fmt.Errorf("jupyterhttp: kernel %s: waiting for the execution of %q: %w", k.ID, firstLine(code), err)
		}
		if op != opText {
			continue
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("jupyterhttp: kernel %s: bad message: %w", k.ID, err)
		}
		if m.ParentHeader.MsgID != req.Header.MsgID {
			continue
		}
		var c struct {
			Name           string         `json:"name"`
			Text           string         `json:"text"`
			Data           map[string]any `json:"data"`
			Status         string         `json:"status"`
			ExecutionState string         `json:"execution_state"`
			EName          string         `json:"ename"`
			EValue         string         `json:"evalue"`
			Traceback      []string       `json:"traceback"`
		}
		_ = json.Unmarshal(m.Content, &c)
		switch m.Header.MsgType {
		case "stream":
			text.WriteString(c.Text)
		case "display_data", "execute_result", "update_display_data":
			for mime, v := range c.Data {
				out.MIME[mime]++
				if s, ok := v.(string); ok && mime == "text/plain" {
					text.WriteString(s)
				}
			}
		case "error":
			out.Error = c.EName + ": " + c.EValue + "\n" + strings.Join(c.Traceback, "\n")
		case "execute_reply":
			replied = true
			out.Status = c.Status
			if c.Status == "error" && out.Error == "" {
				out.Error = c.EName + ": " + c.EValue
			}
		case "status":
			idle = idle || c.ExecutionState == "idle"
		}
	}
	out.Text = text.String()
	out.Done = time.Now()
	return out, nil
}

// Shutdown closes the kernel's channels and shuts the kernel down.
func (k *Kernel) Shutdown(ctx context.Context) error {
	k.ws.close()
	return k.srv.call(ctx, http.MethodDelete, "api/kernels/"+k.ID, nil, http.StatusNoContent, nil)
}

// RunNotebook executes the code cells of nb in k, in order, and returns their outputs. It stops at the first cell that
// fails, with an error naming the cell and the kernel's message.
func (k *Kernel) RunNotebook(ctx context.Context, nb *nbformat.Notebook, perCell time.Duration) ([]*Output, error) {
	var outs []*Output
	for i, c := range nb.Cells {
		if c.CellType != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, perCell)
		out, err := k.Execute(cctx, c.Source)
		cancel()
		if err != nil {
			return outs, fmt.Errorf("cell %d: %w", i, err)
		}
		outs = append(outs, out)
		if out.Status != "ok" {
			return outs, fmt.Errorf("cell %d failed: %s", i, out.Error)
		}
	}
	return outs, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
