"""Reductions (ops/reduce.py) against MXNet 1.9.1 goldens (tools/make_goldens_reduce.py), plus what
the goldens do not pin: shape rules and errors, zero-safe prod gradients, second order through graphs."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import SymcliError
from symcli.executor import Executor
from symcli.infer import infer_shapes
from symcli.symbol import load_json

GOLDEN_DIR = pathlib.Path(__file__).parent / "goldens"
TOLERANCE = {"float64": dict(rtol=1e-9, atol=1e-12), "float32": dict(rtol=2e-5, atol=2e-6),
             "float16": dict(rtol=2e-2, atol=2e-2)}


def golden_cases(family: str) -> tuple[np.lib.npyio.NpzFile, list[str]]:
    goldens = np.load(GOLDEN_DIR / f"{family}.npz")
    return goldens, sorted({k.split("/")[0] for k in goldens.files})


def assert_matches(got, want, what: str) -> None:
    got = np.asarray(got)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, MXNet {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, MXNet {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, err_msg=what, **TOLERANCE[want.dtype.name])
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def run_golden_case(goldens, name: str) -> None:
    """Load MXNet's graph, run forward and backward with MXNet's head gradients, compare everything."""
    case = {k[len(name) + 1:]: goldens[k] for k in goldens.files if k.startswith(name + "/")}
    graph = load_json(str(case["graph"])).graph
    wrt = [w for w in str(case["wrt"]).split(",") if w]
    args = {k[3:]: v.copy() for k, v in case.items() if k.startswith("in:")}
    grads = {n: np.zeros_like(args[n]) for n in wrt}
    ex = Executor.bind(graph, "cpu", args, args_grad=grads or None,
                       grad_req={n: "write" for n in wrt} if wrt else "null")
    outs = ex.forward(is_train=bool(wrt))
    for out_name, value in zip(ex.output_names, outs):
        assert_matches(value, case[f"out:{out_name}"], f"{name} {out_name}")
    if wrt:
        ex.backward([case[f"head:{n}"] for n in ex.output_names])
        for n in wrt:
            assert_matches(ex.grad_dict[n], case[f"grad:{n}"], f"{name} grad {n}")


GOLDENS, CASES = golden_cases("reduce")


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    run_golden_case(GOLDENS, name)


def run(sym, **arrays):
    ex = Executor.bind(sym.graph, "cpu", arrays)
    return [np.asarray(o) for o in ex.forward()]


def gradient(sym, wrt: str, **arrays):
    g = grad(sym, wrt)
    return run(g, **{k: v for k, v in arrays.items() if k in g.list_arguments()})[0]


# -- shapes and errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("attrs,expected", [
    ({}, (1,)), ({"keepdims": True}, (1, 1, 1)), ({"axis": 1}, (2, 4)),
    ({"axis": (0, 2), "keepdims": True}, (1, 3, 1)), ({"axis": 1, "exclude": True}, (3,)),
    ({"axis": ()}, (1,)), ({"axis": (), "exclude": True}, (1,)),
    ({"axis": (0, 1, 2), "exclude": True}, (2, 3, 4)), ({"axis": -1}, (2, 3)),
])
def test_reduction_shapes(attrs, expected):
    x = sx.Variable("x")
    out = sx.sum(x, **attrs)
    assert infer_shapes(out.graph, {"x": (2, 3, 4)}).of(out.graph.heads[0]) == expected
    assert run(out, x=np.ones((2, 3, 4)))[0].shape == expected


def test_reduction_axis_errors():
    x = sx.Variable("x")
    with pytest.raises(SymcliError, match="duplicates"):
        infer_shapes(sx.sum(x, axis=(1, 1)).graph, {"x": (2, 3)})
    with pytest.raises(SymcliError, match="Exceeds input dimensions"):
        infer_shapes(sx.max(x, axis=3).graph, {"x": (2, 3)})
    with pytest.raises(SymcliError, match="ord=1 and ord=2"):
        sx.norm(x, ord=3)


def test_integer_accumulation_and_mean_truncation():
    x = sx.Variable("x")
    assert run(sx.sum(x), x=np.array([100, 100], dtype="int8"))[0].tolist() == [-56]
    got = run(sx.mean(x, axis=1), x=np.array([[-1, -2], [5, 2]], dtype="int32"))[0]
    assert got.dtype == np.int32 and got.tolist() == [-1, 3]


def test_integer_norm_is_exact_then_truncated():
    # documented difference: MXNet's integer nrm2 gives 4 for [3, 4]
    got = run(sx.norm(sx.Variable("x")), x=np.array([[3, 4]], dtype="int32"))[0]
    assert got.dtype == np.int32 and got.tolist() == [5]


def test_norm_does_not_overflow_float16():
    got = run(sx.norm(sx.Variable("x")), x=np.array([300.0, 400.0], dtype="float16"))[0]
    assert got.dtype == np.float16 and float(got[0]) == 500.0


def test_argmax_returns_input_dtype():
    x = sx.Variable("x")
    for dtype in ("float16", "float32", "int32"):
        got = run(sx.argmax(x, axis=1), x=np.array([[1, 3, 2], [4, 0, 4]], dtype=dtype))[0]
        assert got.dtype == np.dtype(dtype) and got.tolist() == [1, 0]


# -- gradients beyond MXNet ------------------------------------------------------------------------------
def test_prod_gradient_is_exact_at_zeros():
    # MXNet computes out/x and gives NaN here; the product of the others is 6, 0, 0 and 0, 0, 0
    x = sx.Variable("x")
    g = gradient(sx.prod(x, axis=1), "x", x=np.array([[0.0, 2, 3], [0, 0, 1]]))
    np.testing.assert_array_equal(g, [[6, 0, 0], [0, 0, 0]])


def test_nanprod_gradient_zero_safe():
    x = sx.Variable("x")
    g = gradient(sx.nanprod(x, axis=1), "x", x=np.array([[np.nan, 2, 3], [1, 0, 1]]))
    np.testing.assert_array_equal(g, [[0, 3, 2], [0, 1, 0]])


def test_max_gradient_goes_to_every_tie():
    x = sx.Variable("x")
    g = gradient(sx.max(x, axis=1), "x", x=np.array([[1.0, 3, 3], [2, 2, 1]]))
    np.testing.assert_array_equal(g, [[0, 1, 1], [1, 1, 0]])


def test_mean_second_order_through_sum_of_products():
    # f = sum(mean(x, axis=0) * mean(x, axis=0)) -> Hessian = 2/N^2 within a column
    x = sx.Variable("x")
    m = sx.mean(x, axis=0)
    f = sx.sum(m * m)
    gx = grad(f, "x")
    hv = grad(sx.sum(gx), "x")  # Hessian x ones
    value = np.arange(6.0).reshape(3, 2)
    got = run(hv, x=value)[0]
    np.testing.assert_allclose(got, np.full((3, 2), 2 * 3 / 9.0))


def test_norm_hessian_vector_product():
    x = sx.Variable("x")
    f = sx.norm(x)
    hv = grad(sx.sum(grad(f, "x")), "x")
    v = np.array([[1.0, 2.0], [-2.0, 0.5]])
    n = np.linalg.norm(v)
    ones = np.ones_like(v)
    want = ones / n - v * (v * ones).sum() / n ** 3  # H = I/n - x x^T / n^3
    np.testing.assert_allclose(run(hv, x=v)[0], want, rtol=1e-12)


def test_prod_third_order_matches_finite_differences():
    x = sx.Variable("x")
    f = sx.prod(x, axis=1)
    g2 = grad(sx.sum(grad(sx.sum(grad(f, "x")), "x")), "x")
    v = np.array([[0.7, 1.3, 0.9, 1.1]])
    # d/dx_k of sum_{i != j} prod_{l not in {i,j}} x_l
    def second(values):
        total = 0.0
        for i in range(4):
            for j in range(4):
                if i != j:
                    total += np.prod([values[0, l] for l in range(4) if l not in (i, j)])
        return total
    eps = 1e-6
    want = np.array([[(second(v + eps * np.eye(4)[k]) - second(v - eps * np.eye(4)[k])) / (2 * eps)
                      for k in range(4)]])
    np.testing.assert_allclose(run(g2, x=v)[0], want, rtol=1e-6)
