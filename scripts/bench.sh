#!/usr/bin/env bash
# bench.sh: dl against PyTorch on the same machine, workload by workload, one after the other.
#
#   scripts/bench.sh [--avx2] [sgemm gemm mlp cnn lstm style attention tinyyolo]
#   scripts/bench.sh --env     only print the CPU, its ISA level and the BLAS PyTorch uses
#   scripts/bench.sh --avx2 …  on an AVX-512 CPU: both sides as an AVX2 CPU would run them
#   ROUNDS=3 scripts/bench.sh  each workload three times, dl and PyTorch alternating, best kept
#
# gemm compares dl's SGEMM (dl/internal/gemm/gemmbench) with PyTorch's OpenBLAS
# (scripts/gemm_torch.py) shape by shape: square n = 128…1024 and the products the workloads
# make (the MLP's layers and gradients, im2col convolutions of the CNN and Tiny YOLO), three
# rounds alternating the two, best round kept; as wall-clock GFLOP/s and as GFLOP per CPU-second
# (which other jobs on a shared machine disturb less). sgemm and gemm also measure the machine's
# fp32 FMA peak with FMA-throughput loops (YMM, and ZMM with AVX-512) and print the fraction of
# it that dl's n = 1024 product reaches, with the micro-kernel gemm chose. --avx2 (AVX-512 CPUs
# only) runs dl with GODEBUG=cpu.avx512f=off, which makes golang.org/x/sys/cpu, and so dl's
# gemm and vec, report no AVX-512 and take their AVX2 kernels, and PyTorch with
# OPENBLAS_CORETYPE=Haswell (OpenBLAS's AVX2 kernels): the figures of an AVX2-only CPU of this
# microarchitecture.
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
env_only=false avx2=false
while [[ ${1:-} == --* ]]; do
  case $1 in
    --env) env_only=true ;;
    --avx2) avx2=true ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done
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
# go_env is the environment of dl's programs (dlbench, gemmbench).
go_env=()
if $avx2; then
  if [ $level != x86-64-v4 ]; then
    echo "bench.sh: --avx2 is for AVX-512 CPUs; this one runs the AVX2 paths without it" >&2
    exit 1
  fi
  go_env=(GODEBUG=madvdontneed=0,cpu.avx512f=off)
  echo "avx2: dl with ${go_env[*]} (its AVX2 kernels), PyTorch with OPENBLAS_CORETYPE=Haswell"
fi

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
# --avx2 asks for OpenBLAS's AVX2 (Haswell) kernels whatever it detects.
coretype=
$avx2 && coretype=Haswell
$avx2 || case $level:$blas_core in
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
  $avx2 || echo "blas: OpenBLAS detects core $detected on this $level CPU; OPENBLAS_CORETYPE=$coretype set"
fi
echo "blas: PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') uses $blas_path ($blas_config), core $blas_core"
$env_only && exit 0
workloads=("$@")
# ROUNDS=N runs each workload N times, dl and PyTorch alternating, and keeps each side's best.
rounds=${ROUNDS:-1}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: ROUNDS must be a positive integer" >&2; exit 1; }
[ ${#workloads[@]} -gt 0 ] || workloads=(sgemm gemm mlp cnn lstm style attention tinyyolo)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/dlbench" ./scripts/dlbench
go build -o "$tmp/gemmbench" ./dl/internal/gemm/gemmbench

# The products of the gemm workload, NAME:TA:TB:M:N:K (TA/TB: operand stored transposed).
gemm_shapes=(
  sq128:0:0:128:128:128 sq256:0:0:256:256:256 sq384:0:0:384:384:384 sq512:0:0:512:512:512
  sq768:0:0:768:768:768 sq1024:0:0:1024:1024:1024
  # MLP 784-256-10, batch 64: forward x·Wᵀ, weight gradients gᵀ·x, input gradient g·W.
  mlp_fc1:0:1:64:256:784 mlp_fc1_dw:1:0:256:784:64 mlp_fc2:0:1:64:10:256
  mlp_fc2_dx:0:0:64:256:10 mlp_fc2_dw:1:0:10:256:64 b64x784x256:0:0:64:784:256
  # im2col convolutions, out channels × pixels × 9·in channels (Tiny YOLO's 3×3 layers at
  # 104², 52², 26², 13², its 1×1 head) and the MNIST CNN's 5×5 ones (per image).
  im2col_16x169x144:0:0:16:169:144 im2col_16x2704x144:0:0:16:2704:144
  im2col_64x10816x288:0:0:64:10816:288 im2col_128x2704x576:0:0:128:2704:576
  im2col_256x676x1152:0:0:256:676:1152 im2col_512x169x2304:0:0:512:169:2304
  im2col_425x169x1024:0:0:425:169:1024 cnn_16x784x25:0:0:16:784:25 cnn_32x196x400:0:0:32:196:400
)
# peak measures the FMA peak once (peak.txt), for sgemm and gemm.
peak() {
  [ -s "$tmp/peak.txt" ] || env ${go_env[@]+"${go_env[@]}"} "$tmp/gemmbench" -peak | tee "$tmp/peak.txt" >&2
}
# run_gemm: the gemm rounds; the table goes to gemm_best_table.txt.
run_gemm() {
  local tag=best r
  local go_txt=$tmp/gemm_${tag}_go.txt torch_txt=$tmp/gemm_${tag}_torch.txt
  for r in 1 2 3; do
    env ${go_env[@]+"${go_env[@]}"} "$tmp/gemmbench" "${gemm_shapes[@]}" | grep -v '^#' >> "$go_txt"
    env "${torch_env[@]}" /usr/bin/python3 scripts/gemm_torch.py --threads 2 "${gemm_shapes[@]}" >> "$torch_txt"
  done
  # The best of the rounds, per figure.
  best() { awk '{ if (!($1 in v) || $2 > v[$1]) v[$1] = $2 } END { for (k in v) print k, v[k] }' "$1"; }
  best "$go_txt" > "$tmp/gemm_${tag}_go_best.txt"
  best "$torch_txt" > "$tmp/gemm_${tag}_torch_best.txt"
  {
    echo
    printf '%-22s %8s %8s %6s   %9s %9s %6s   %s\n' shape go torch ratio go/cpu-s torch/cpu-s ratio 'goal >= 1.0 (wall, per cpu-s)'
    local sh name
    for sh in "${gemm_shapes[@]}"; do
      name=${sh%%:*}
      awk -v n="$name" '
        FILENAME ~ /go_best/ { g[$1] = $2 } FILENAME ~ /torch_best/ { t[$1] = $2 }
        END {
          gw = g["go_gemm_" n]; tw = t["torch_gemm_" n]; gc = g["go_gemm_" n "_percpu"]; tc = t["torch_gemm_" n "_percpu"]
          rw = (tw > 0) ? gw / tw : 0; rc = (tc > 0) ? gc / tc : 0
          printf "%-22s %8.1f %8.1f %6.2f   %9.1f %9.1f %6.2f   %s, %s\n", n, gw, tw, rw, gc, tc, rc, (rw >= 1) ? "met" : "missed", (rc >= 1) ? "met" : "missed"
        }' "$tmp/gemm_${tag}_go_best.txt" "$tmp/gemm_${tag}_torch_best.txt"
    done
  } > "$tmp/gemm_${tag}_table.txt"
  cat "$tmp/gemm_${tag}_table.txt" >&2
}
for w in "${workloads[@]}"; do
  echo "== $w" >&2
  if [ "$w" = gemm ]; then
    peak
    run_gemm
    continue
  fi
  [ "$w" = sgemm ] && peak
  # tinyyolo (one forward pass of Tiny YOLOv2, dl/darknet) has its own PyTorch script here.
  script=("$torch_bench" "$w")
  [ "$w" = tinyyolo ] && script=(scripts/tinyyolo_torch.py)
  for r in $(seq "$rounds"); do
    [ "$rounds" -gt 1 ] && echo "-- round $r of $rounds" >&2
    env ${go_env[@]+"${go_env[@]}"} "$tmp/dlbench" "$w" | tee -a "$tmp/go.txt"
    # PyTorch's stderr (its log and peak RSS) is shown after its results, not interleaved.
    env "${torch_env[@]}" /usr/bin/python3 "${script[@]}" --threads 2 \
      2>"$tmp/torch_$w.err" | tee -a "$tmp/torch.txt" || { cat "$tmp/torch_$w.err" >&2; exit 1; }
    sed 's/^/  torch: /' "$tmp/torch_$w.err" >&2
    # torch_bench.py times torch.mm(a, b, out=c) only; dlbench's allocating products (dl.MatMul)
    # are set beside torch.mm(a, b), which allocates too.
    if [ "$w" = sgemm ]; then
      env "${torch_env[@]}" /usr/bin/python3 scripts/gemm_torch.py --threads 2 --seconds 2.2 --alloc \
        sgemm_alloc_n256:0:0:256:256:256 sgemm_alloc_n512:0:0:512:512:512 \
        sgemm_alloc_n1024:0:0:1024:1024:1024 | tee -a "$tmp/torch.txt"
    fi
    # torch_bench.py reports its peak RSS on stderr; keep the one of the cnn run.
    if [ "$w" = cnn ]; then
      rss=$(sed -n 's/^# peak RSS \([0-9]*\) MiB/\1/p' "$tmp/torch_$w.err")
      echo "torch_cnn_peak_rss $rss MiB" >> "$tmp/torch.txt"
      sed -n 's/^go_peak_rss /go_cnn_peak_rss /p' "$tmp/go.txt" | tail -1 >> "$tmp/go.txt"
    fi
  done
done
# With several rounds, the best of each figure (lowest time or memory, highest rate), so that a
# slow spell of a shared or virtual machine does not decide a ratio.
best_of() {
  awk '{ k = $1; v = $2 + 0; lower = ($3 == "s" || $3 == "ms" || $3 == "MiB")
         if (!(k in b) || (lower ? v < b[k] : v > b[k])) { b[k] = v; line[k] = $0 }
         if (!(k in order)) { order[k] = ++n; keys[n] = k } }
       END { for (i = 1; i <= n; i++) print line[keys[i]] }' "$1"
}
for f in go torch; do
  [ -s "$tmp/$f.txt" ] && best_of "$tmp/$f.txt" > "$tmp/$f.best" && mv "$tmp/$f.best" "$tmp/$f.txt"
done

# Ratios, go/torch, against the goals of the performance issue: times and memory lower is
# better (CNN epoch ≤ 0.8, MLP epoch ≤ 0.9, style iteration ≤ 0.8, Tiny YOLO ≤ 1.0, CNN peak RSS
# ≤ 0.75), rates higher (SGEMM, LSTM/RNN/attention steps ≥ 1.0); accuracies against their
# absolute floors (MLP 96%, CNN 97.5%). sgemm_n* write into a preallocated result (dl.MatMulInto,
# torch.mm(a, b, out=c)); sgemm_alloc_n* allocate one per product (dl.MatMul, torch.mm(a, b)).
echo
printf '%-22s %10s %10s %7s  %-8s %s\n' figure go torch ratio unit goal
while read -r name value unit; do
  key=${name#go_}
  [ "$key" = peak_rss ] && continue
  tv=$(awk -v k="torch_$key" '$1==k {print $2}' "$tmp/torch.txt" | tail -1)
  [ -n "$tv" ] || continue
  awk -v k="$key" -v g="$value" -v t="$tv" -v u="$unit" 'BEGIN {
    r = (t > 0) ? g / t : 0
    split("mlp_epoch 0.9 cnn_epoch 0.8 style_iter 0.8 cnn_peak_rss 0.75 tinyyolo_forward 1.0 tinyyolo_cpu_per_pass 1.0", lo, " ")
    for (i = 1; i in lo; i += 2) below[lo[i]] = lo[i+1]
    goal = ""; met = ""
    if (k in below) { goal = "<= " below[k]; met = (r <= below[k]) ? "met" : "missed" }
    else if (u == "steps/s" || u == "GFLOP/s") { goal = ">= 1.0"; met = (r >= 1.0) ? "met" : "missed" }
    else if (k == "mlp_test_acc") { goal = ">= 96%"; met = (g >= 96) ? "met" : "missed" }
    else if (k == "cnn_test_acc") { goal = ">= 97.5%"; met = (g >= 97.5) ? "met" : "missed" }
    printf "%-22s %10s %10s %7.2f  %-8s %s %s\n", k, g, t, r, u, goal, met
  }'
done < <(cat "$tmp/go.txt" 2>/dev/null)
# The fraction of the measured FMA peak (of the vector width gemm's kernel uses, all cores) that
# the n = 1024 products reach: dl.MatMulInto (sgemm) and gemm.Sgemm (gemm, also per CPU-second).
if [ -s "$tmp/peak.txt" ]; then
  kernel=$(sed -n 's/^# gemm kernel: //p' "$tmp/peak.txt")
  vec=ymm
  [[ $kernel == avx512* ]] && vec=zmm
  echo
  echo "gemm kernel: $kernel"
  sed -n "s/^peak_${vec} \([0-9.]*\).*/\1/p" "$tmp/peak.txt" > "$tmp/pk"
  sed -n "s/^peak_${vec}_1core_percpu \([0-9.]*\).*/\1/p" "$tmp/peak.txt" > "$tmp/pkc"
  pk=$(cat "$tmp/pk") pkc=$(cat "$tmp/pkc")
  frac() { # label value peak [what]
    [ -n "$2" ] && [ -n "$3" ] && awk -v l="$1" -v v="$2" -v p="$3" -v w="${4:-}" 'BEGIN {
      printf "%s is %.0f%% of the measured %s fp32 FMA peak%s %.1f (goal >= 80%%): %s\n", l, 100*v/p, "'"$vec"'", w, p, (v >= 0.8*p) ? "met" : "missed" }'
    return 0
  }
  # On a machine other jobs keep busy the wall-clock peak comes out well below the per-core one
  # times the cores: then only the per-CPU-second figures mean something.
  awk -v w="$pk" -v c="$pkc" -v n="$(nproc)" 'BEGIN { if (w > 0 && c > 0 && w < 0.8 * n * c)
    printf "machine busy: the %s FMA loop on all cores ran at %.0f%% of its per-CPU-second speed; judge by the per-CPU-second figures\n", "'"$vec"'", 100 * w / (n * c) }'

  frac "sgemm n=1024 (dl.MatMulInto) $(awk '$1=="go_sgemm_n1024" {print $2}' "$tmp/go.txt" 2>/dev/null) GFLOP/s" \
    "$(awk '$1=="go_sgemm_n1024" {print $2}' "$tmp/go.txt" 2>/dev/null)" "$pk"
  if [ -s "$tmp/gemm_best_go_best.txt" ]; then
    v=$(awk '$1=="go_gemm_sq1024" {print $2}' "$tmp/gemm_best_go_best.txt")
    frac "gemm n=1024 $v GFLOP/s" "$v" "$pk"
    v=$(awk '$1=="go_gemm_sq1024_percpu" {print $2}' "$tmp/gemm_best_go_best.txt")
    frac "gemm n=1024 $v GFLOP per CPU-second" "$v" "$pkc" " per core (per CPU-second of one thread)"
    echo
    echo "gemm, GFLOP/s (best of 3 rounds, dl and PyTorch alternating), $cpu, dl kernel $kernel, OpenBLAS core $blas_core:"
    cat "$tmp/gemm_best_table.txt"
  fi
fi
