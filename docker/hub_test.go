package docker_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepnb/deepnb/docker"
	"github.com/deepnb/deepnb/docker/jupyterhttp"
	"github.com/deepnb/deepnb/kernel/install"
)

// hubPython is the Python JupyterHub runs on (Debian's; the jupyterhub script names it).
const hubPython = "/usr/bin/python3"

// freePort returns a TCP port free on 127.0.0.1.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestHub serves a class with Debian's JupyterHub and docker/hub/jupyterhub_config.py: the hub
// spawns the students' image for two users (dummy authenticator), each logs in through the hub's
// proxy, opens the welcome lecture and executes it in the Go kernel over the proxy's WebSocket, in
// their own container with their own volume and the configured limits. Then one user tries the
// other's server: through the proxy (refused) and over the Docker network from inside their
// container (unreachable).
func TestHub(t *testing.T) {
	image := testImage(t)
	for _, p := range []string{"jupyterhub", "configurable-http-proxy"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not installed (apt-get install jupyterhub node-configurable-http-proxy python3-docker)", p)
		}
	}
	if out, err := exec.Command(hubPython, "-c", "import jupyterhub, docker").CombinedOutput(); err != nil {
		t.Skipf("%s lacks jupyterhub or docker (apt-get install jupyterhub python3-docker): %s", hubPython, out)
	}
	root, err := install.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := randomHex(3)
	users := []string{"alice" + id, "bob" + id}
	network := "deepnb-hubtest-" + id
	t.Cleanup(func() {
		for _, u := range users {
			docker.Docker(ctx, "rm", "-f", "jupyter-"+u)
			docker.Docker(ctx, "volume", "rm", "-f", "jupyterhub-user-"+u)
		}
		docker.Docker(ctx, "network", "rm", network)
	})

	// The hub, in a folder of its own (database, cookie secret, log).
	dir := t.TempDir()
	public, proxyAPI, hubAPI := freePort(t), freePort(t), freePort(t)
	password := randomHex(8)
	logFile, err := os.Create(filepath.Join(dir, "jupyterhub.log"))
	if err != nil {
		t.Fatal(err)
	}
	hub := exec.Command("jupyterhub", "-f", filepath.Join(root, "docker", "hub", "jupyterhub_config.py"),
		"--JupyterHub.authenticator_class=dummy",
		"--DummyAuthenticator.password="+password,
		fmt.Sprintf("--JupyterHub.bind_url=http://127.0.0.1:%d", public),
		fmt.Sprintf("--ConfigurableHTTPProxy.api_url=http://127.0.0.1:%d", proxyAPI),
	)
	hub.Dir, hub.Stdout, hub.Stderr = dir, logFile, logFile
	hub.Env = append(os.Environ(), "DEEPNB_HUB_IMAGE="+image, "DEEPNB_HUB_MEM=1G", "DEEPNB_HUB_CPUS=1.5",
		"DEEPNB_HUB_NETWORK="+network, "DEEPNB_HUB_API_PORT="+strconv.Itoa(hubAPI))
	hub.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := hub.Start(); err != nil {
		t.Fatal(err)
	}
	hubDone := make(chan error, 1)
	go func() { hubDone <- hub.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-hub.Process.Pid, syscall.SIGTERM) // the hub stops the servers it spawned
		select {
		case <-hubDone:
		case <-time.After(60 * time.Second):
			syscall.Kill(-hub.Process.Pid, syscall.SIGKILL)
			<-hubDone
		}
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("jupyterhub log:\n%s", b)
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", public)
	waitHTTP(t, base+"/hub/api", hubDone)

	clients := map[string]*http.Client{}
	servers := map[string]*jupyterhttp.Server{}
	for _, u := range users {
		start := time.Now()
		c, srv := hubLogin(t, base, u, password, hubDone)
		clients[u], servers[u] = c, srv
		t.Logf("%s: logged in, server ready in %.1fs", u, time.Since(start).Seconds())
	}
	for _, u := range users {
		srv := servers[u]
		nb, err := srv.Notebook(ctx, "work/00-welcome.ipynb")
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		k, err := srv.StartKernel(ctx, install.KernelName)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		start := time.Now()
		outs, err := k.RunNotebook(ctx, nb, 3*time.Minute)
		if err != nil {
			t.Fatalf("%s: 00-welcome.ipynb through the hub: %v", u, err)
		}
		t.Logf("%s: 00-welcome.ipynb executed through the hub's proxy in %.1fs", u, time.Since(start).Seconds())
		if !strings.Contains(outs[0].Text, "Hello, deepnb!") {
			t.Errorf("%s: first cell printed %q, want Hello, deepnb!", u, outs[0].Text)
		}
		if err := k.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		// The user's container: their volume on ~/work, the limits, the port on 127.0.0.1 only.
		info, err := docker.Docker(ctx, "inspect", "--format",
			`{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}}{{end}}{{end}}`,
			"jupyter-"+u)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("1073741824 1500000000 jupyterhub-user-%s:/home/jovyan/work 127.0.0.1", u)
		if info != want {
			t.Errorf("%s's container: memory, CPUs, mounts, published address = %q, want %q", u, info, want)
		}
	}

	// Alice tries Bob's server through the proxy, with her own login.
	alice, bob := users[0], users[1]
	intruder := &jupyterhttp.Server{URL: base + "/user/" + bob + "/", HTTP: clients[alice]}
	_, err = intruder.List(ctx, "work")
	var se *jupyterhttp.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusForbidden {
		t.Errorf("%s listing %s's work/ through the hub: got %v, want HTTP 403", alice, bob, err)
	}
	resp, err := clients[alice].Get(base + "/user/" + bob + "/tree/work")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("%s opening %s's tree through the hub: HTTP %d at %s, want 403", alice, bob, resp.StatusCode, resp.Request.URL)
	}
	// And over the class network, from inside her container.
	bobIP, err := docker.Docker(ctx, "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "jupyter-"+bob)
	if err != nil {
		t.Fatal(err)
	}
	out, err := docker.Docker(ctx, "exec", "jupyter-"+alice, "curl", "-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}",
		"http://"+bobIP+":8888/user/"+bob+"/api/status")
	if err == nil {
		t.Errorf("%s's container reached %s's server at %s (HTTP %s); the class network must keep them apart", alice, bob, bobIP, out)
	}
}

// waitHTTP polls u until it answers 200, failing the test if done reports (the process exited).
func waitHTTP(t *testing.T, u string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			t.Fatalf("jupyterhub exited: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not answer within 90s", u)
}

// hubLogin logs user in through the hub's login form, as a browser does, waits until the hub has
// spawned the user's server and the server has accepted the login (the OAuth redirects set its
// cookie), and returns the browser-like client and a client of the user's server.
func hubLogin(t *testing.T, base, user, password string, done <-chan error) (*http.Client, *jupyterhttp.Server) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := c.PostForm(base+"/hub/login?next="+url.QueryEscape("/hub/spawn"), url.Values{"username": {user}, "password": {password}})
	if err != nil {
		t.Fatalf("%s: login: %v", user, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("%s: login: HTTP %d at %s", user, resp.StatusCode, resp.Request.URL)
	}
	tree := base + "/user/" + user + "/tree/work"
	deadline := time.Now().Add(3 * time.Minute)
	last := ""
	for time.Now().Before(deadline) {
		resp, err := c.Get(tree)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Request.URL.Path, "/user/"+user+"/tree") {
				return c, &jupyterhttp.Server{URL: base + "/user/" + user + "/", HTTP: c}
			}
			last = fmt.Sprintf("HTTP %d at %s", resp.StatusCode, resp.Request.URL)
		} else {
			last = err.Error()
		}
		select {
		case err := <-done:
			t.Fatalf("jupyterhub exited: %v", err)
		case <-time.After(time.Second):
		}
	}
	t.Fatalf("%s: the server did not come up through the hub within 3 minutes (last: %s)", user, last)
	return nil, nil
}
