#!/usr/bin/env bash
# bench.sh: dl against PyTorch on the same machine, workload by workload, one after the other.
#
#   scripts/bench.sh [sgemm mlp cnn lstm style attention tinyyolo]
#   scripts/bench.sh --env     only print the CPU, its ISA level and the BLAS PyTorch uses
#
# Needs Debian's python3-torch, python3-numpy and libopenblas0-pthread (apt-get install -y
# python3-torch python3-numpy libopenblas0-pthread) and ../shared/bench/torch_bench.py (or
# TORCH_BENCH=path). PyTorch runs with 2 threads (OMP_WAIT_POLICY=passive) on OpenBLAS. OpenBLAS
# picks its kernels for the CPU itself; only where it misdetects the CPU (an AVX-512 CPU given
# pre-AVX-512 kernels, an AVX2 CPU given pre-Haswell ones, as OpenBLAS 0.3.21 does on Zen 4/5) does
# the script set OPENBLAS_CORETYPE (SkylakeX, Haswell). It prints the CPU, its ISA level and the
# BLAS library and core PyTorch really runs on (read from the PyTorch process), and refuses to
# compare against the reference BLAS, which would make every ratio meaningless. Noise run to run is
# about ±30%: compare the ratios, not absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
torch_bench=${TORCH_BENCH:-../shared/bench/torch_bench.py}
env_only=false
if [ "${1:-}" = --env ]; then env_only=true; shift; fi
[ -f "$torch_bench" ] || $env_only || { echo "bench.sh: $torch_bench not found (set TORCH_BENCH)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || {
  echo "bench.sh: PyTorch missing: sudo apt-get install -y python3-torch python3-numpy libopenblas0-pthread" >&2; exit 1; }
dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed" || {
  echo "bench.sh: OpenBLAS missing, PyTorch would run on the reference BLAS: sudo apt-get install -y libopenblas0-pthread" >&2; exit 1; }

# The CPU and its x86-64 ISA level (psABI levels v2, v3 = AVX2+FMA, v4 = AVX-512). LZCNT (flag
# abm) is not required for v3: some hypervisors hide the flag from a CPU that has it.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
flags=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -1) "
has() { local f; for f in "$@"; do [[ $flags == *" $f "* ]] || return 1; done; }
level=x86-64
has cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3 && level=x86-64-v2
[ $level = x86-64-v2 ] && has avx avx2 bmi1 bmi2 f16c fma movbe xsave && level=x86-64-v3
[ $level = x86-64-v3 ] && has avx512f avx512bw avx512cd avx512dq avx512vl && level=x86-64-v4
echo "cpu: $cpu, $(nproc) cores, $level$([ $level = x86-64-v4 ] && echo ' (AVX-512)')$([ $level = x86-64-v3 ] && echo ' (AVX2, no AVX-512)')"

# blas_of prints "PATH|CONFIG|CORE" of the BLAS the PyTorch process has mapped (CONFIG and CORE
# empty when it is not OpenBLAS), with the environment given as arguments.
blas_of() {
  env "$@" /usr/bin/python3 - <<'PY'
import ctypes, torch
torch.ones(2, 2) @ torch.ones(2, 2)
libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.split()[-1].lower()})
info = None
for p in libs:
    try:
        lib = ctypes.CDLL(p)
        cfg, core = lib.openblas_get_config, lib.openblas_get_corename
    except (OSError, AttributeError):
        continue
    cfg.restype = core.restype = ctypes.c_char_p
    info = (p, cfg().decode(), core().decode())
    break
if info is None:
    info = (" ".join(libs) or "none", "", "")
print("|".join(info))
PY
}
IFS='|' read -r blas_path blas_config blas_core < <(blas_of OMP_WAIT_POLICY=passive)
if [ -z "$blas_config" ]; then
  echo "bench.sh: PyTorch runs on a BLAS that is not OpenBLAS ($blas_path), likely the reference BLAS;" \
    "ratios against it would mean nothing. Install OpenBLAS: sudo apt-get install -y libopenblas0-pthread" >&2
  exit 1
fi
# Set the core type only where OpenBLAS's detection misses what the CPU has.
coretype=
case $level:$blas_core in
  x86-64-v4:SkylakeX | x86-64-v4:Cooperlake | x86-64-v4:SapphireRapids) ;;
  x86-64-v4:*) coretype=SkylakeX ;;
  x86-64-v3:Haswell | x86-64-v3:Zen | x86-64-v3:SkylakeX | x86-64-v3:Cooperlake | x86-64-v3:SapphireRapids) ;;
  x86-64-v3:*) coretype=Haswell ;;
esac
torch_env=(OMP_WAIT_POLICY=passive)
if [ -n "$coretype" ]; then
  torch_env+=(OPENBLAS_CORETYPE=$coretype)
  detected=$blas_core
  IFS='|' read -r blas_path blas_config blas_core < <(blas_of "${torch_env[@]}")
  echo "blas: OpenBLAS detects core $detected on this $level CPU; OPENBLAS_CORETYPE=$coretype set"
fi
echo "blas: PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') uses $blas_path ($blas_config), core $blas_core"
$env_only && exit 0
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(sgemm mlp cnn lstm style attention tinyyolo)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/dlbench" ./scripts/dlbench
for w in "${workloads[@]}"; do
  echo "== $w" >&2
  "$tmp/dlbench" "$w" | tee -a "$tmp/go.txt"
  # tinyyolo (one forward pass of Tiny YOLOv2, dl/darknet) has its own PyTorch script here.
  script=("$torch_bench" "$w")
  [ "$w" = tinyyolo ] && script=(scripts/tinyyolo_torch.py)
  env "${torch_env[@]}" /usr/bin/python3 "${script[@]}" --threads 2 \
    2> >(tee "$tmp/torch_$w.err" >&2) | tee -a "$tmp/torch.txt"
  # torch_bench.py reports its peak RSS on stderr; keep the one of the cnn run.
  if [ "$w" = cnn ]; then
    rss=$(sed -n 's/^# peak RSS \([0-9]*\) MiB/\1/p' "$tmp/torch_$w.err")
    echo "torch_cnn_peak_rss $rss MiB" >> "$tmp/torch.txt"
    sed -n 's/^go_peak_rss /go_cnn_peak_rss /p' "$tmp/go.txt" | tail -1 >> "$tmp/go.txt"
  fi
done

# Ratios. For times (s, ms) lower is better: ratio = go/torch, goal ≤ 1. For rates (steps/s,
# GFLOP/s) higher is better: ratio = go/torch, goal ≥ 1 (sgemm is also shown against peak).
echo
printf '%-20s %10s %10s %7s  %-8s %s\n' figure go torch ratio unit goal
while read -r name value unit; do
  key=${name#go_}
  [ "$key" = peak_rss ] && continue
  tv=$(awk -v k="torch_$key" '$1==k {print $2}' "$tmp/torch.txt" | tail -1)
  [ -n "$tv" ] || continue
  # Times and memory: lower is better, goal ratio ≤ 1. Rates: higher is better, goal ≥ 1.
  # Accuracies are compared against the absolute floors of the goals (MLP 96%, CNN 97.5%).
  awk -v k="$key" -v g="$value" -v t="$tv" -v u="$unit" 'BEGIN {
    r = (t > 0) ? g / t : 0
    goal = ""; met = ""
    if (u == "s" || u == "ms" || u == "MiB") { goal = "<= 1.0"; met = (r <= 1.0) ? "met" : "missed" }
    else if (u == "steps/s") { goal = ">= 1.0"; met = (r >= 1.0) ? "met" : "missed" }
    else if (k == "mlp_test_acc") { goal = ">= 96%"; met = (g >= 96) ? "met" : "missed" }
    else if (k == "cnn_test_acc") { goal = ">= 97.5%"; met = (g >= 97.5) ? "met" : "missed" }
    printf "%-20s %10s %10s %7.2f  %-8s %s %s\n", k, g, t, r, u, goal, met
  }'
done < "$tmp/go.txt"
if [ $level = x86-64-v4 ] && grep -q "^go_sgemm_n1024" "$tmp/go.txt"; then
  awk '$1=="go_sgemm_n1024" {printf "sgemm n=1024 is %.0f%% of the 269 GFLOP/s fp32 peak (2 cores, AVX-512; goal >= 75%%): %s\n", 100*$2/269, ($2 >= 0.75*269) ? "met" : "missed"}' "$tmp/go.txt"
fi
