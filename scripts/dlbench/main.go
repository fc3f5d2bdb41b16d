// Command dlbench runs dl's versions of the reference workloads of the PyTorch reference
// benchmark shipped beside the repository (../shared/bench/torch_bench.py, not in it) and
// prints one line per figure, `name value unit`, in that script's format with a go_ prefix:
//
//	go run ./scripts/dlbench [sgemm mlp cnn lstm style attention tinyyolo]
//
// sgemm times products into a preallocated result (go_sgemm_n*, dl.MatMulInto, as
// torch_bench.py's torch.mm(a, b, out=c)) and allocating ones (go_sgemm_alloc_n*, dl.MatMul;
// bench.sh times torch.mm(a, b) beside them). Diagnostics go to stderr prefixed with '#'.
// scripts/bench.sh runs it beside torch_bench.py.
//
// Runtime settings (the Go counterpart of the OpenBLAS and OpenMP settings bench.sh gives
// PyTorch), unless GOGC or GODEBUG are set: GOGC=50 (see main) and GODEBUG=madvdontneed=0.
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/internal/workloads"
)

func out(name string, value float64, unit string) { fmt.Printf("go_%s %.2f %s\n", name, value, unit) }

func note(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "# "+format+"\n", args...)
}

func mnist() (train, test *datasets.Set) {
	var err error
	if train, err = datasets.LoadMNIST("train"); err == nil {
		test, err = datasets.LoadMNIST("test")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlbench:", err)
		os.Exit(1)
	}
	return train, test
}

var run = map[string]func(){
	"sgemm": func() {
		for _, n := range []int{256, 512, 1024} {
			out(fmt.Sprintf("sgemm_n%d", n), workloads.SGEMMGFLOPS(n, false), "GFLOP/s")
		}
		for _, n := range []int{256, 512, 1024} {
			out(fmt.Sprintf("sgemm_alloc_n%d", n), workloads.SGEMMGFLOPS(n, true), "GFLOP/s")
		}
	},
	"mlp": func() {
		train, test := mnist()
		m := workloads.MLP(rand.New(rand.NewPCG(0, 0)))
		opt := optim.NewSGD(m.Parameters(), 0.1)
		opt.Momentum = 0.9
		r, cpu := epoch(m, opt, train, test, true)
		out("mlp_epoch", r.Seconds, "s")
		note("mlp epoch CPU time %.2f s (both cores; on a shared machine the steadier figure)", cpu)
		out("mlp_test_acc", r.TestAcc, "%")
		note("mlp last batch loss %.4f", r.LastLoss)
	},
	"cnn": func() {
		train, test := mnist()
		m := workloads.CNN(rand.New(rand.NewPCG(0, 0)))
		r, cpu := epoch(m, optim.NewAdam(m.Parameters(), 1e-3), train, test, false)
		out("cnn_epoch", r.Seconds, "s")
		note("cnn epoch CPU time %.2f s (both cores; on a shared machine the steadier figure)", cpu)
		out("cnn_test_acc", r.TestAcc, "%")
		note("cnn last batch loss %.4f", r.LastLoss)
	},
	"lstm": func() {
		for _, kind := range []string{"lstm", "rnn"} {
			med := workloads.StepRate(workloads.CharLMStep(kind), 10, 50)
			out(kind+"_train", 1/med, "steps/s")
			note("%s: %.2f ms/step", kind, med*1e3)
		}
	},
	"style": func() {
		out("style_iter", workloads.StepRate(workloads.StyleStep(), 5, 30)*1e3, "ms")
	},
	"tinyyolo": func() {
		// One 416×416 forward pass of Tiny YOLOv2 (COCO), as scripts/tinyyolo_torch.py times it.
		net, err := datasets.TinyYOLO(2)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dlbench:", err)
			os.Exit(1)
		}
		x := dl.Full(0.5, 1, 3, net.Height, net.Width).NoGrad()
		var y *dl.Tensor
		fastest := time.Hour
		passes := 0
		var c0 float64
		out("tinyyolo_forward", workloads.StepRate(func() {
			if passes++; passes == 4 { // after the 3 warm-up passes
				c0 = cpuSeconds()
			}
			t0 := time.Now()
			y = net.Forward(x)
			fastest = min(fastest, time.Since(t0))
		}, 3, 20)*1e3, "ms")
		// CPU time per pass (both cores together) is steadier than wall time on a shared machine.
		out("tinyyolo_cpu_per_pass", (cpuSeconds()-c0)*1e3/20, "ms")
		note("tinyyolo output sum %.4f; fastest pass %.2f ms", sum(y.Data()), fastest.Seconds()*1e3)
	},
	"attention": func() {
		out("attention_fwdbwd", 1/workloads.StepRate(workloads.AttentionStep(false), 10, 50), "steps/s")
		out("attention_train", 1/workloads.StepRate(workloads.AttentionStep(true), 10, 50), "steps/s")
	},
}

// epoch runs workloads.TrainEpoch and also returns the process's CPU time for its training
// steps: the epoch's, less that of a second evaluation of the test accuracy, which TrainEpoch
// runs after the steps.
func epoch(m nn.Module, opt optim.Optimizer, train, test *datasets.Set, flat bool) (workloads.EpochResult, float64) {
	c0, f0 := cpuSeconds(), minorFaults()
	r := workloads.TrainEpoch(m, opt, train, test, flat, 0)
	c1, f1 := cpuSeconds(), minorFaults()
	note("epoch minor page faults %d (each costs some µs here; see dl's touchPages)", f1-f0)
	workloads.Accuracy(m, test, flat)
	return r, 2*c1 - c0 - cpuSeconds()
}

// cpuSeconds is the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// minorFaults is the process's count of minor page faults so far.
func minorFaults() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Minflt
}

func sum(xs []float32) float64 {
	s := 0.0
	for _, x := range xs {
		s += float64(x)
	}
	return s
}

func main() {
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"sgemm", "mlp", "cnn", "lstm", "style", "attention", "tinyyolo"}
	}
	// The training loops allocate their activations and gradients afresh at every step, and the
	// default GOGC=100 lets the heap grow to twice the live data (MNIST alone is 220 MB of
	// float32) between collections. GOGC=50 caps that at 1.5×, for a GC cost that stays under 1%
	// here (the tensors hold no pointers to scan). Set GOGC to override.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	// madvdontneed=0 hands freed heap pages back to the kernel with MADV_FREE instead of
	// MADV_DONTNEED, so that the multi-megabyte activations and gradients allocated at every
	// step reuse their pages instead of faulting them in afresh (two thirds of the page faults of
	// the style workload, and some 10% of its time, on this machine). The runtime reads it at
	// start-up only, so the program runs itself again with it set.
	if os.Getenv("GODEBUG") == "" {
		if exe, err := os.Executable(); err == nil {
			err = syscall.Exec(exe, os.Args, append(os.Environ(), "GODEBUG=madvdontneed=0"))
			note("dlbench: re-exec with GODEBUG=madvdontneed=0: %v", err) // Exec returns only on error
		}
	}
	gogc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gogc)
	note("go %s GOMAXPROCS=%d GOGC=%d GODEBUG=%s", runtime.Version(), runtime.GOMAXPROCS(0), gogc, os.Getenv("GODEBUG"))
	for _, n := range names {
		f, ok := run[n]
		if !ok {
			fmt.Fprintf(os.Stderr, "dlbench: unknown workload %q\n", n)
			os.Exit(2)
		}
		f()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		out("peak_rss", float64(ru.Maxrss)/1024, "MiB")
	}
}
