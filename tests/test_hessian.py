"""Full Hessians (symcli/hessian.py): a closed form, and the batched path against the per-row loop.

The batched path runs each op's batching rule on a chunk of basis vectors; the loop path (every
op's batching switched off) runs one kernel call per vector. Both must give the same Hessian.
"""
from __future__ import annotations

import contextlib

import numpy as np
import pytest

import symcli as sx
from symcli.hessian import hessian
from symcli.ops.registry import all_ops


@contextlib.contextmanager
def loop_only():
    """Every operator without a batching declaration: run_batched loops over the batch."""
    saved = {op: op.batching for op in all_ops()}
    try:
        for op in saved:
            object.__setattr__(op, "batching", None)  # OpDef is frozen
        yield
    finally:
        for op, batching in saved.items():
            object.__setattr__(op, "batching", batching)


def _tanh_square():
    A, x = sx.sym.Variable("A"), sx.sym.Variable("x")
    return sx.sym.sum(sx.sym.square(sx.sym.tanh(sx.sym.dot(A, x))))


def _closed_form(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """f = Σ tanh(u)², u = A x, t = tanh(u): df/du = 2t(1-t²), d²f/du² = 2(1-t²)² - 4t²(1-t²),
    so H = Aᵀ diag(d²f/du²) A."""
    t = np.tanh(A @ x)
    curvature = 2 * (1 - t ** 2) ** 2 - 4 * t ** 2 * (1 - t ** 2)
    return A.T @ (curvature[:, None] * A)


@pytest.mark.parametrize("budget", [1 << 30, 1], ids=["one-chunk", "row-per-chunk"])
def test_tanh_square_matches_the_closed_form(budget):
    rng = np.random.default_rng(3)
    A, x = rng.standard_normal((6, 5)), rng.standard_normal(5)  # not square: catches a transpose
    blocks = hessian(_tanh_square().graph, {"A": A, "x": x}, {}, ["x"], budget=budget)
    assert set(blocks) == {"hessian:x"}
    np.testing.assert_allclose(blocks["hessian:x"], _closed_form(A, x), rtol=1e-12, atol=1e-13)


def test_tanh_square_batched_equals_loop_with_mixed_blocks():
    rng = np.random.default_rng(4)
    args = {"A": rng.standard_normal((4, 3)), "x": rng.standard_normal(3)}
    graph = _tanh_square().graph
    batched = hessian(graph, args, {}, ["x", "A"])
    with loop_only():
        looped = hessian(graph, args, {}, ["x", "A"])
    assert set(batched) == set(looped) == {"hessian:x", "hessian:A", "hessian:x:A"}
    for key in looped:
        np.testing.assert_allclose(batched[key], looped[key], rtol=1e-13, atol=1e-14, err_msg=key)
    closed = _closed_form(args["A"], args["x"])
    np.testing.assert_allclose(batched["hessian:x"], closed, rtol=1e-12, atol=1e-13)
    assert batched["hessian:A"].shape == (4, 3, 4, 3)


def _mlp():
    """Two dense layers, a softmax cross-entropy, reshapes, a transpose, a slice and reductions:
    the ops a Hessian of a small model runs batched."""
    x, w1, b1, w2 = (sx.sym.Variable(n) for n in ("x", "w1", "b1", "w2"))
    label = sx.sym.Variable("label")
    h = sx.sym.tanh(sx.sym.FullyConnected(x, w1, b1, num_hidden=4))
    h = sx.sym.transpose(sx.sym.Reshape(h, shape=(0, 2, 2)), axes=(0, 2, 1))
    h = sx.sym.Flatten(h)
    logits = sx.sym.FullyConnected(h, w2, num_hidden=3, no_bias=True)
    logp = sx.sym.log_softmax(logits, axis=-1)
    nll = -sx.sym.sum(sx.sym.pick(logp, label, axis=1))
    extra = sx.sym.mean(sx.sym.square(sx.sym.slice_axis(h, axis=1, begin=1, end=3)), axis=0)
    column = sx.sym.expand_dims(sx.sym.slice_axis(sx.sym.sum(w1, axis=1), axis=0, begin=0, end=2), axis=1)
    return nll + sx.sym.sum(sx.sym.dot(extra, column))


def test_small_model_batched_equals_loop():
    rng = np.random.default_rng(5)
    args = {"x": rng.standard_normal((2, 3)), "w1": rng.standard_normal((4, 3)) * 0.5,
            "b1": rng.standard_normal(4) * 0.1, "w2": rng.standard_normal((3, 4)) * 0.5,
            "label": np.array([0.0, 2.0])}
    graph = _mlp().graph
    wrt = ["w1", "x", "b1", "w2"]
    batched = hessian(graph, args, {}, wrt)
    with loop_only():
        looped = hessian(graph, args, {}, wrt)
    assert set(batched) == set(looped)
    for key in looped:
        np.testing.assert_allclose(batched[key], looped[key], rtol=1e-12, atol=1e-13, err_msg=key)
    h = batched["hessian:w1"].reshape(12, 12)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)
    assert np.abs(h).max() > 1e-3  # not trivially zero
