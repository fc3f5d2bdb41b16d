//go:build unix

package proc

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// alive reports whether process pid exists (a zombie counts as gone only once reaped).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// watchdogScript runs as `sh -c watchdogScript sh SID DIR GRACE`. It waits on its standard
// input, a pipe from the starter: "done" means the starter cleaned up itself; end of file
// means the starter died. Then it asks the session leader (the kernel) to stop with SIGTERM
// (GoNB then stops gopls and removes its folder), gives it GRACE tenths of a second, and
// SIGKILLs every process left in the session (gopls and its children, the cell's program),
// removing the gonb_* work folders they ran in and DIR.
const watchdogScript = `
trap '' INT TERM HUP PIPE
sid=$1 dir=$2 grace=$3
read -r line
[ "$line" = done ] && exit 0
kill -TERM "$sid" 2>/dev/null
i=0
while [ "$i" -lt "$grace" ] && kill -0 "$sid" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
tmp=${TMPDIR:-/tmp}
for round in 1 2; do
  for st in /proc/[0-9]*/stat; do
    read -r stat < "$st" 2>/dev/null || continue
    set -- ${stat##*") "}
    [ "$4" = "$sid" ] || continue
    p=${st#/proc/}; p=${p%/stat}
    cwd=$(readlink "/proc/$p/cwd" 2>/dev/null)
    case "$cwd" in "$tmp"/gonb_*) gonb="$gonb $cwd";; esac
    kill -KILL "$p" 2>/dev/null
  done
done
kill -KILL -- -"$sid" 2>/dev/null
rm -rf "$dir" $gonb
`

// Watchdog cleans up after a kernel whose starter may die without doing it (see [Watch]).
type Watchdog struct {
	w   *os.File
	cmd *exec.Cmd
}

// Watch starts a watchdog for the kernel whose session id is sid (its pid, started with
// Setsid) and the temporary folder dir: a small shell process, outside the kernel's session
// and process group, that does nothing while this process lives and, when it dies (even by
// SIGKILL), stops the kernel with SIGTERM, waits up to grace, then kills whatever is left in
// the session (on Linux) and removes dir and the gonb_* folders the killed processes worked
// in. Call [Watchdog.Stop] once the kernel has been shut down normally.
func Watch(sid int, dir string, grace time.Duration) (*Watchdog, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", watchdogScript, "sh", strconv.Itoa(sid), dir, strconv.Itoa(int(grace/(100*time.Millisecond))))
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // no Ctrl-C from the terminal
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, err
	}
	return &Watchdog{w: w, cmd: cmd}, nil
}

// Stop tells the watchdog that the kernel was cleaned up normally and waits for it to exit.
func (d *Watchdog) Stop() {
	d.w.WriteString("done\n")
	d.w.Close()
	done := make(chan struct{})
	go func() { d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		d.cmd.Process.Kill()
	}
}
