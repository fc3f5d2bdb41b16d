#!/usr/bin/env bash
# bench.sh: dl against PyTorch on the same machine, workload by workload, one after the other.
#
#   scripts/bench.sh [sgemm mlp cnn lstm style attention tinyyolo]
#
# Needs Debian's python3-torch and python3-numpy (apt-get install -y python3-torch python3-numpy)
# and ../shared/bench/torch_bench.py (or TORCH_BENCH=path). PyTorch runs with 2 threads and
# OpenBLAS's SkylakeX kernels (OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=passive), the strongest
# it gives here. Noise run to run is about ±30%: compare the ratios, not absolute times.
set -euo pipefail
cd "$(dirname "$0")/.."
torch_bench=${TORCH_BENCH:-../shared/bench/torch_bench.py}
[ -f "$torch_bench" ] || { echo "bench.sh: $torch_bench not found (set TORCH_BENCH)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || {
  echo "bench.sh: PyTorch missing: sudo apt-get install -y python3-torch python3-numpy" >&2; exit 1; }
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
  OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=passive /usr/bin/python3 "${script[@]}" --threads 2 \
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
if grep -q '^go_sgemm_n1024' "$tmp/go.txt"; then
  awk '$1=="go_sgemm_n1024" {printf "sgemm n=1024 is %.0f%% of the 269 GFLOP/s fp32 peak (2 cores, AVX-512; goal >= 75%%): %s\n", 100*$2/269, ($2 >= 0.75*269) ? "met" : "missed"}' "$tmp/go.txt"
fi
