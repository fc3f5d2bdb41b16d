#!/usr/bin/python3
"""PyTorch's time for one 416×416 forward pass of Tiny YOLOv2 (COCO), the network and weights
that dl/darknet runs (scripts/dlbench tinyyolo), for scripts/bench.sh.

    /usr/bin/python3 scripts/tinyyolo_torch.py [--threads N] [--cfg CFG --weights WEIGHTS]

The cfg and weights default to those of the Go module gorgonia.org/gorgonia@v0.9.18 in the Go
module cache. The network is built from the cfg (convolutional, maxpool, region: what Tiny
YOLOv2 uses) with batch normalisation folded into the convolutions, as dl/darknet does, and run
under torch.no_grad() on a grey (0.5) image. Prints `torch_tinyyolo_forward MS ms` (the median
of 20 passes after 3 warm-up passes), `torch_tinyyolo_cpu_per_pass MS ms` (the process's CPU
time per pass, both threads together: steadier than wall time on a shared machine) and, on
stderr, the fastest pass and the output's sum, which must match the `tinyyolo output sum` that
dlbench prints.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def module_dir():
    out = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, "gorgonia.org", "gorgonia@v0.9.18")


def parse_cfg(path):
    sections = []
    for line in open(path):
        line = "".join(line.split())
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            sections.append((line[1:-1], {}))
        else:
            k, v = line.split("=", 1)
            sections[-1][1][k] = v
    return sections


def build(cfg, weights):
    sections = parse_cfg(cfg)
    net = sections[0][1]
    c = int(net["channels"])
    data = np.fromfile(weights, dtype=np.float32, offset=20)
    pos = 0
    layers = []
    for kind, o in sections[1:]:
        if kind == "convolutional":
            f, k = int(o.get("filters", 1)), int(o.get("size", 1))
            pad = k // 2 if int(o.get("pad", 0)) else 0
            bias = data[pos:pos + f]; pos += f
            if int(o.get("batch_normalize", 0)):
                scale, mean, var = (data[pos + i * f:pos + (i + 1) * f] for i in range(3)); pos += 3 * f
            w = data[pos:pos + f * c * k * k].reshape(f, c, k, k); pos += f * c * k * k
            if int(o.get("batch_normalize", 0)):
                s = scale / (np.sqrt(var) + 1e-6)
                w, bias = w * s[:, None, None, None], bias - mean * s
            layers.append(("conv", torch.from_numpy(np.ascontiguousarray(w, dtype=np.float32)),
                           torch.from_numpy(np.ascontiguousarray(bias, dtype=np.float32)),
                           int(o.get("stride", 1)), pad, o.get("activation", "logistic")))
            c = f
        elif kind == "maxpool":
            s = int(o.get("stride", 1))
            layers.append(("maxpool", int(o.get("size", s)), s))
        elif kind == "region":
            layers.append(("region", int(o["classes"]), int(o["num"])))
        else:
            sys.exit(f"tinyyolo_torch.py: layer [{kind}] not supported")
    if pos != len(data):
        sys.exit(f"tinyyolo_torch.py: {weights}: {len(data)} floats, the cfg uses {pos}")
    return layers


def forward(layers, x):
    for l in layers:
        if l[0] == "conv":
            _, w, b, stride, pad, act = l
            x = F.conv2d(x, w, b, stride, pad)
            if act == "leaky":
                x = F.leaky_relu(x, 0.1, inplace=True)
        elif l[0] == "maxpool":
            _, size, stride = l
            if stride == 1:  # Darknet pads the bottom and right with −∞ to keep the size
                x = F.pad(x, (0, size - 1, 0, size - 1), value=float("-inf"))
            x = F.max_pool2d(x, size, stride)
        else:
            _, classes, num = l
            n, _, h, w = x.shape
            v = x.view(n, num, classes + 5, h, w)
            x = torch.cat([v[:, :, :2].sigmoid(), v[:, :, 2:4], v[:, :, 4:5].sigmoid(),
                           v[:, :, 5:].softmax(2)], 2).view(n, -1, h, w)
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cfg")
    ap.add_argument("--weights")
    a = ap.parse_args()
    d = os.path.join(module_dir(), "examples", "tiny-yolo-v2-coco", "model")
    cfg = a.cfg or os.path.join(d, "yolov2-tiny.cfg")
    weights = a.weights or os.path.join(d, "yolov2-tiny.weights")
    torch.set_num_threads(a.threads)
    layers = build(cfg, weights)
    x = torch.full((1, 3, 416, 416), 0.5)
    ts = []
    cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    with torch.no_grad():
        for i in range(23):
            if i == 3:
                c0 = cpu()
            t0 = time.perf_counter()
            y = forward(layers, x)
            if i >= 3:
                ts.append(time.perf_counter() - t0)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads; tinyyolo output sum {y.double().sum().item():.4f}; "
          f"fastest pass {min(ts) * 1e3:.2f} ms", file=sys.stderr, flush=True)
    print(f"torch_tinyyolo_forward {statistics.median(ts) * 1e3:.2f} ms", flush=True)
    print(f"torch_tinyyolo_cpu_per_pass {(cpu() - c0) * 1e3 / len(ts):.2f} ms", flush=True)


if __name__ == "__main__":
    main()
