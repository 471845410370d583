"""dot, batch_dot and FullyConnected (ops/linalg.py) against MXNet 1.9.1 goldens
(tools/make_goldens_reduce.py), plus shape inference both ways, errors and second-order gradients."""
from __future__ import annotations

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import SymcliError
from symcli.executor import Executor
from symcli.infer import infer_shape, infer_shapes

from test_ops_reduce import golden_cases, run_golden_case

GOLDENS, CASES = golden_cases("linalg")


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    run_golden_case(GOLDENS, name)


def run(sym, **arrays):
    ex = Executor.bind(sym.graph, "cpu", {k: v for k, v in arrays.items() if k in sym.list_arguments()})
    return [np.asarray(o) for o in ex.forward()]


@pytest.mark.parametrize("a,b,flags,expected", [
    ((2, 3, 4), (4, 5, 6), {}, (2, 3, 5, 6)),
    ((4, 3, 2), (4, 5), {"transpose_a": True}, (3, 2, 5)),
    ((2, 3, 4), (5, 6, 4), {"transpose_b": True}, (2, 3, 5, 6)),
    ((4,), (4,), {}, (1,)),
    ((4,), (4, 3), {"transpose_a": True}, (3,)),
])
def test_dot_shapes(a, b, flags, expected):
    out = sx.dot(sx.Variable("a"), sx.Variable("b"), **flags)
    assert infer_shapes(out.graph, {"a": a, "b": b}).of(out.graph.heads[0]) == expected
    rng = np.random.default_rng(0)
    got = run(out, a=rng.normal(size=a), b=rng.normal(size=b))[0]
    assert got.shape == expected


def test_dot_matches_tensordot():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 3, 2)), rng.normal(size=(4, 5, 2))
    got = run(sx.dot(sx.Variable("a"), sx.Variable("b"), transpose_a=True), a=a, b=b)[0]
    np.testing.assert_allclose(got, np.tensordot(a, b, axes=([0], [0])), rtol=1e-12)


def test_shape_errors():
    a, b = sx.Variable("a"), sx.Variable("b")
    with pytest.raises(SymcliError, match=r"dot shape error: \(2,3\) X \(4,3\)"):
        infer_shapes(sx.dot(a, b).graph, {"a": (2, 3), "b": (4, 3)})
    with pytest.raises(SymcliError, match="N >= 3"):
        infer_shapes(sx.batch_dot(a, b).graph, {"a": (2, 3), "b": (3, 3)})
    with pytest.raises(SymcliError, match="leading batch dimensions"):
        infer_shapes(sx.batch_dot(a, b).graph, {"a": (2, 2, 3), "b": (3, 3, 3)})


def test_fully_connected_infers_weight_and_bias():
    fc = sx.FullyConnected(sx.Variable("x"), num_hidden=4, name="fc")
    args, outs, _ = infer_shape(fc.graph, {"x": (2, 3, 5)})
    assert args == [(2, 3, 5), (4, 15), (4,)] and outs == [(2, 4)]
    flat = sx.FullyConnected(sx.Variable("x"), num_hidden=4, flatten=False, name="fc")
    args, outs, _ = infer_shape(flat.graph, {"x": (2, 3, 5)})
    assert args == [(2, 3, 5), (4, 5), (4,)] and outs == [(2, 3, 4)]


def test_fully_connected_partial_and_conflict():
    fc = sx.FullyConnected(sx.Variable("x"), num_hidden=5, name="fc")
    args, outs, _ = infer_shape(fc.graph, {"x": (0, 3)}, partial=True)
    assert args[1] == (5, 3) and outs == [(0, 5)]
    with pytest.raises(SymcliError, match="inconsistent"):
        infer_shape(fc.graph, {"x": (4, 3), "fc_weight": (5, 4)})


def test_fully_connected_does_not_mutate_inputs():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2,))
    keep = [x.copy(), w.copy(), b.copy()]
    fc = sx.FullyConnected(sx.Variable("x"), num_hidden=2, name="fc")
    got = run(fc, x=x, fc_weight=w, fc_bias=b)[0]
    np.testing.assert_allclose(got, x @ w.T + b, rtol=1e-12)
    for before, after in zip(keep, (x, w, b)):
        np.testing.assert_array_equal(before, after)


def _hessian_times_ones(f, wrt, **arrays):
    return run(grad(sx.sum(grad(f, wrt)), wrt), **arrays)[0]


def test_quadratic_form_hessian():
    # f = x^T A x (dot of dots) -> H = A + A^T, so H @ ones = row sums of A + A^T
    x, A = sx.Variable("x"), sx.Variable("A")
    f = sx.dot(x, sx.dot(A, x))
    rng = np.random.default_rng(3)
    a, v = rng.normal(size=(4, 4)), rng.normal(size=(4,))
    np.testing.assert_allclose(_hessian_times_ones(f, "x", x=v, A=a), (a + a.T).sum(axis=1), rtol=1e-12)


def test_fully_connected_mixed_second_order():
    # f = sum(FC(x)*FC(x)); d2f/dx dx . 1 = 2 W^T W 1 (per row), through _linear_grad_* and FC again
    x = sx.Variable("x")
    h = sx.FullyConnected(x, num_hidden=3, no_bias=True, name="fc")
    f = sx.sum(h * h)
    rng = np.random.default_rng(4)
    v, w = rng.normal(size=(2, 5)), rng.normal(size=(3, 5))
    want = np.tile(2 * (w.T @ w).sum(axis=1), (2, 1))
    np.testing.assert_allclose(_hessian_times_ones(f, "x", x=v, fc_weight=w), want, rtol=1e-12)
    # w.r.t. the weight: d2f/dW dW . 1 = 2 * (1_{3x5} x^T x)
    want_w = 2 * np.ones((3, 5)) @ (v.T @ v)
    np.testing.assert_allclose(_hessian_times_ones(f, "fc_weight", x=v, fc_weight=w), want_w, rtol=1e-12)


def test_batch_dot_second_order():
    # f = sum(batch_dot(a, a^T)) = sum_b sum_ij (a a^T)_ij -> grad = 2 * rowsum broadcast
    a = sx.Variable("a")
    f = sx.sum(sx.batch_dot(a, a, transpose_b=True))
    v = np.random.default_rng(5).normal(size=(2, 3, 4))
    # d/da sum_ij sum_k a_ik a_jk = 2 sum_j a_jk ; Hessian x ones = 2 * (rows) = 2*3 per entry
    np.testing.assert_allclose(_hessian_times_ones(f, "a", a=v), np.full(v.shape, 6.0), rtol=1e-12)
