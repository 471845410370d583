"""symcli's benchmarks, side by side with MXNet 1.9.1 (and JAX for Hessians) in the same run.

Usage: make bench   (or: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/run.py
[--only chain1000,mlp] [--repeat 5]). Needs .mxnet-venv (MXNet 1.9.1) and optionally .jax-venv.
Prints a table of best-of-N seconds, ratios (peer / symcli: > 1 means symcli is faster) and
symcli's peak traced memory, and writes bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "results", "work")
sys.path.insert(0, ROOT)


def best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_memory(fn) -> int:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def symcli_executor(name, repeat, params=False):
    import symcli as sx
    from symcli.codec import read_graph
    from symcli.codec.arrays import read_npz
    from symcli.executor import Executor
    from symcli.runner import split_params
    graph = read_graph(os.path.join(WORK, name + (".json" if not params else "-symbol.json")))
    arrays = read_npz(os.path.join(WORK, name + ".npz"))
    aux = {}
    if params:
        from symcli.codec.params import read_params
        weights, aux = split_params(read_params(os.path.join(WORK, name + "-0000.params")))
        arrays.update(weights)
    grads = {k: np.zeros_like(v) for k, v in arrays.items()}
    ex = Executor.bind(graph, sx.cpu(), arrays, grads, "write", aux)
    heads = [np.ones(o.shape, o.dtype) for o in ex.forward()]

    def fwd():
        ex.forward(is_train=False)

    def fwd_bwd():
        ex.forward(is_train=True)
        ex.backward(heads)
    return {"fwd": best(fwd, repeat), "fwd_bwd": best(fwd_bwd, repeat),
            "peak_bytes_fwd_bwd": peak_memory(fwd_bwd)}


def symcli_hessian(n, repeat):
    from symcli.codec import read_graph
    from symcli.codec.arrays import read_npz
    from symcli.hessian import hessian
    graph = read_graph(os.path.join(WORK, f"hessian{n}.json"))
    arrays = read_npz(os.path.join(WORK, f"hessian{n}.npz"))
    run = lambda: hessian(graph, arrays, {}, ["x"])  # noqa: E731
    result = run()["hessian:x"]
    ref = os.path.join(WORK, f"hessian{n}_jax.npy")
    agree = float(np.max(np.abs(result - np.load(ref)))) if os.path.exists(ref) else None
    return {"hessian": best(run, repeat), "peak_bytes": peak_memory(run), "max_abs_diff_vs_jax": agree}


def side(venv, script, *args):
    python = os.path.join(ROOT, venv, "bin", "python")
    if not os.path.exists(python):
        print(f"({venv} not found: skipping {script})", file=sys.stderr)
        return {}
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    done = subprocess.run([python, os.path.join(HERE, script), *args], capture_output=True, text=True,
                          env=env)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=5)
    opts = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    only = set(filter(None, opts.only.split(",")))
    mx = side(".mxnet-venv", "mxnet_side.py", WORK, str(opts.repeat), opts.only)
    jx = side(".jax-venv", "jax_side.py", WORK, str(opts.repeat)) if not only or only & {"hessian100", "hessian500"} else {}
    rows = []
    results = {"mxnet": mx, "jax": jx, "symcli": {}}
    for name in ("chain1000", "mlp", "conv64", "resnet18"):
        if only and name not in only:
            continue
        ours = symcli_executor(name, opts.repeat if name != "resnet18" else 3, params=(name == "resnet18"))
        results["symcli"][name] = ours
        for phase in ("fwd", "fwd_bwd"):
            peer = mx.get(name, {}).get(phase)
            rows.append((name, phase, ours[phase], "mxnet", peer, ours.get("peak_bytes_fwd_bwd")))
    for n in (100, 500):
        name = f"hessian{n}"
        if only and name not in only:
            continue
        ours = symcli_hessian(n, opts.repeat)
        results["symcli"][name] = ours
        rows.append((name, "hessian", ours["hessian"], "jax(jit)", jx.get(name, {}).get("hessian"), ours["peak_bytes"]))
        rows.append((name, "hessian", ours["hessian"], "jax(+compile)", jx.get(name, {}).get("hessian_with_compile"), None))
    print(f"{'workload':<12} {'phase':<8} {'symcli s':>10} {'peer':<14} {'peer s':>10} {'peer/symcli':>11} {'peak MiB':>9}")
    for name, phase, t, peer_name, peer, peak in rows:
        ratio = f"{peer / t:11.2f}" if peer else f"{'-':>11}"
        peer_s = f"{peer:10.4f}" if peer else f"{'-':>10}"
        mem = f"{peak / 2**20:9.1f}" if peak else f"{'':>9}"
        print(f"{name:<12} {phase:<8} {t:10.4f} {peer_name:<14} {peer_s} {ratio} {mem}")
    with open(os.path.join(HERE, "results", "latest.json"), "w") as fh:
        json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
