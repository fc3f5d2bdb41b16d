package gohint

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

// RealGo returns the go command to run: $DEEPNB_GO ([RealGoEnv]) when set, else the first go
// on PATH that is not the program self (the wrapper's own executable).
func RealGo(self string) (string, error) {
	if g := os.Getenv(RealGoEnv); g != "" {
		return g, nil
	}
	selfInfo, _ := os.Stat(self)
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, "go")
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		if selfInfo != nil && os.SameFile(st, selfInfo) {
			continue
		}
		return p, nil
	}
	return "", fmt.Errorf("deepnb: no go command on PATH besides %s (set %s to the real go)", self, RealGoEnv)
}

// Run runs the go command realGo with args, stdin and stdout passed through, stderr copied to
// stderr; when the command fails and its stderr names modules missing from the module cache
// ([MissingModules]), it appends [Hint] to stderr. Interrupt and terminate signals are passed to
// the go command. Run returns the go command's exit status.
func Run(realGo string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := exec.Command(realGo, args...)
	rec := &Recorder{W: stderr, Max: 1 << 20}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, rec
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "deepnb: running %s: %v\n", realGo, err)
		return 1
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	if err == nil {
		return 0
	}
	if mods := MissingModules(rec.Bytes()); mods != nil {
		modCache := os.Getenv("GOMODCACHE")
		if modCache == "" {
			if out, err := exec.Command(realGo, "env", "GOMODCACHE").Output(); err == nil {
				modCache = string(trimNL(out))
			}
		}
		fmt.Fprint(stderr, Hint(mods, modCache))
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if code := ee.ExitCode(); code > 0 {
			return code
		}
		return 1
	}
	fmt.Fprintf(stderr, "deepnb: running %s: %v\n", realGo, err)
	return 1
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
