#!/usr/bin/python3
"""PyTorch's (OpenBLAS's) SGEMM speed on the shapes dl's gemmbench times, for scripts/bench.sh.

    /usr/bin/python3 scripts/gemm_torch.py [--threads N] [--seconds S] [--alloc] NAME:TA:TB:M:N:K ...

Each argument names a product C = op(A)·op(B) with op(A) M×K and op(B) K×N; TA, TB are 0 or 1
(1: the operand is stored transposed, as torch.mm(a.t(), b) passes it to BLAS). Prints one line
`torch_gemm_NAME GFLOP/s GFLOP/s` per shape: 2·M·N·K over the median time of 7 repeats of about
S/7 seconds each (after warm-up), and `torch_gemm_NAME_percpu GFLOP/cpu-s` over the process's
CPU time, the same protocol as `gemmbench`. With --alloc each product is `torch.mm(a, b)`, which
allocates its result, instead of writing into a preallocated one, and the lines are named
`torch_NAME` (wall clock only), beside dlbench's `go_sgemm_alloc_n*` (dl.MatMul).
"""
import argparse
import statistics
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=0.5)
    p.add_argument("--alloc", action="store_true", help="a fresh result per product (torch.mm(a, b))")
    p.add_argument("shapes", nargs="+")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    for spec in args.shapes:
        name, ta, tb, m, n, k = spec.split(":")
        ta, tb, m, n, k = ta == "1", tb == "1", int(m), int(n), int(k)
        g = torch.Generator().manual_seed(m * 1000003 + n * 1009 + k)
        a = torch.randn(k, m, generator=g).t() if ta else torch.randn(m, k, generator=g)
        b = torch.randn(n, k, generator=g).t() if tb else torch.randn(k, n, generator=g)
        c = torch.empty(m, n)
        mm = (lambda: torch.mm(a, b)) if args.alloc else (lambda: torch.mm(a, b, out=c))

        for _ in range(3):
            mm()
        t0 = time.perf_counter()
        mm()
        inner = max(1, int(args.seconds / 7 / max(time.perf_counter() - t0, 1e-7)))
        ts, cs = [], []
        for _ in range(7):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(inner):
                mm()
            ts.append((time.perf_counter() - t0) / inner)
            cs.append((time.process_time() - c0) / inner)
        gflop = 2.0 * m * n * k / 1e9
        if args.alloc:
            print(f"torch_{name} {gflop / statistics.median(ts):.1f} GFLOP/s", flush=True)
            continue
        print(f"torch_gemm_{name} {gflop / statistics.median(ts):.1f} GFLOP/s", flush=True)
        print(f"torch_gemm_{name}_percpu {gflop / statistics.median(cs):.1f} GFLOP/cpu-s", flush=True)


if __name__ == "__main__":
    main()
