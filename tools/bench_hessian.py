"""Time `symcli.hessian.hessian` on f(x) = sum(square(tanh(dot(A, x)))) and check it against the
closed form H = Aᵀ diag(2(1-t²)² - 4t²(1-t²)) A, t = tanh(A x). Lists the ops that fell back to the
per-row loop. `--loop` first times it with the batching rules of the linalg, reduce, shape, index,
softmax and loss families switched off (each op loops over the batch, as before they had rules).
Usage: python tools/bench_hessian.py [--loop] [n ...]  (default: 100 500)
"""
from __future__ import annotations

import sys
import time
from collections import Counter

import numpy as np

import symcli as sx
from symcli import batching
from symcli.hessian import hessian

REPEATS = 10
RULE_FAMILIES = ("linalg", "reduce", "shape", "index", "softmax", "loss")  # given rules by this change


def objective():
    A, x = sx.sym.Variable("A"), sx.sym.Variable("x")
    return sx.sym.sum(sx.sym.square(sx.sym.tanh(sx.sym.dot(A, x))))


def closed_form(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    t = np.tanh(A @ x)
    return A.T @ ((2 * (1 - t ** 2) ** 2 - 4 * t ** 2 * (1 - t ** 2))[:, None] * A)


def set_rules(on: bool, saved: dict) -> None:
    """Switch the rule families' batching declarations off (saving them) or back on."""
    from symcli.ops.registry import all_ops
    for op in all_ops():
        if op.compute.__module__.rsplit(".", 1)[-1] in RULE_FAMILIES or op.name in saved:
            if not on:
                saved.setdefault(op.name, op.batching)
            object.__setattr__(op, "batching", saved[op.name] if on else None)


def run(graph, sizes: list[int], label: str) -> None:
    for n in sizes:
        rng = np.random.default_rng(n)
        A = rng.standard_normal((n, n)) / np.sqrt(n)
        x = rng.standard_normal(n)
        hessian(graph, {"A": A, "x": x}, {}, ["x"])  # warm up
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            H = hessian(graph, {"A": A, "x": x}, {}, ["x"])["hessian:x"]
            best = min(best, time.perf_counter() - start)
        err = np.abs(H - closed_form(A, x)).max()
        print(f"{label}n={n}: {best * 1000:.1f} ms (best of {REPEATS}), max |H - closed form| = {err:.2e}")


def main(sizes: list[int], compare: bool) -> None:
    looped: Counter = Counter()
    original = batching._loop

    def counting_loop(step, ctx, args, flags, size):
        looped[step.op.name] += 1
        return original(step, ctx, args, flags, size)
    batching._loop = counting_loop
    graph = objective().graph
    if compare:
        saved: dict = {}
        set_rules(False, saved)
        run(graph, sizes, "loop:  ")
        set_rules(True, saved)
        print("  looped:", dict(looped))
        looped.clear()
    run(graph, sizes, "rules: " if compare else "")
    print("  looped:", dict(looped) or "nothing")


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a != "--loop"] or [100, 500], "--loop" in args)
