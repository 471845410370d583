"""Loss heads (ops/loss.py) against MXNet 1.9.1 goldens (tools/make_goldens_loss.py), plus what the
goldens cannot pin: second order through SoftmaxOutput, shape/dtype rule errors, head-gradient rules."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import ShapeError, SymcliError
from symcli.executor import Executor
from symcli.infer import infer_dtypes, infer_shapes
from symcli.signature import argument_nodes
from symcli.symbol import load_json

GOLDEN_DIR = pathlib.Path(__file__).parent / "goldens"


# -- golden helpers (test_ops_softmax.py uses them too) ---------------------------------------------
def load_goldens(name: str):
    data = np.load(GOLDEN_DIR / name)
    cases = sorted({k.split("/")[0] for k in data.files if not k.startswith("shape/")})
    return data, cases


def case_arrays(data, name: str) -> dict:
    prefix = name + "/"
    return {k[len(prefix):]: data[k] for k in data.files if k.startswith(prefix)}


def tolerance(dtype) -> dict:
    return {"float64": dict(rtol=1e-9, atol=1e-12),
            "float32": dict(rtol=2e-5, atol=2e-6)}[np.dtype(dtype).name]


def run_case(case: dict):
    """(executor, outputs) after forward(is_train=True) and backward(stored head gradients)."""
    graph = load_json(str(case["graph"])).graph
    args = {graph.nodes[i].name: case[f"in:{graph.nodes[i].name}"].copy() for i in argument_nodes(graph)}
    ex = Executor.bind(graph, "cpu", args, args_grad={"x": np.zeros_like(args["x"])},
                       grad_req={"x": "write"})
    outs = [np.asarray(o) for o in ex.forward(is_train=True)]
    ex.backward([case[f"head:{n}"] for n in ex.output_names])
    return ex, outs


def check_case(case: dict, name: str) -> None:
    ex, outs = run_case(case)
    # results are as precise as the data they come from (a float64 softmax of float32 data)
    tol = tolerance(case["in:x"].dtype)
    for n, got in zip(ex.output_names, outs):
        want = case[f"out:{n}"]
        assert got.dtype == want.dtype, (name, n, got.dtype, want.dtype)
        np.testing.assert_allclose(got, want, err_msg=f"{name} {n}", **tol)
    want, got = case["grad:x"], np.asarray(ex.grad_dict["x"])
    assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, err_msg=f"{name} grad:x", **tol)


GOLDENS, CASES = load_goldens("loss.npz")
SHAPE_CASES = sorted({k.split("/")[1] for k in GOLDENS.files if k.startswith("shape/")})


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    check_case(case_arrays(GOLDENS, name), name)


@pytest.mark.parametrize("name", SHAPE_CASES)
def test_infer_shape_against_mxnet(name):
    case = case_arrays(GOLDENS, f"shape/{name}")
    graph = load_json(str(case["graph"])).graph
    given = {k[len("given:"):]: tuple(int(d) for d in v) for k, v in case.items() if k.startswith("given:")}
    shapes = infer_shapes(graph, given)
    for i in argument_nodes(graph):
        assert shapes.of((i, 0)) == tuple(case[f"arg:{graph.nodes[i].name}"]), graph.nodes[i].name
    assert shapes.of(graph.heads[0]) == tuple(case["out"])


# -- semantics the goldens do not cover ---------------------------------------------------------------
def _softmax_rows(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_loss_heads_ignore_head_gradients():
    x, lab = sx.Variable("x"), sx.Variable("lab")
    out = sx.SoftmaxOutput(x, lab, name="so")
    data = np.random.default_rng(0).normal(size=(3, 4))
    labels = np.array([1.0, 0.0, 3.0])
    grads = []
    for head in (None, np.full((3, 4), 7.0)):
        ex = out.bind("cpu", {"x": data, "lab": labels}, args_grad={"x": np.zeros((3, 4))},
                      grad_req={"x": "write"})
        ex.forward(is_train=True)
        ex.backward(head)
        grads.append(np.asarray(ex.grad_dict["x"]).copy())
    np.testing.assert_allclose(grads[0], _softmax_rows(data) - np.eye(4)[[1, 0, 3]], rtol=1e-12)
    np.testing.assert_array_equal(grads[0], grads[1])


def test_softmax_output_second_order_is_the_cross_entropy_hessian():
    """d/dx <v, grad> = c * (p*v - p*sum(p*v)) per row: the softmax Jacobian applied to v."""
    x, lab = sx.Variable("x"), sx.Variable("lab")
    loss = sx.SoftmaxOutput(x, lab, grad_scale=0.5, use_ignore=True, ignore_label=2.0,
                            normalization="valid", name="so")
    g1 = grad(loss, ["x"])
    g2 = grad(g1, ["x"], head_grads="inputs")
    rng = np.random.default_rng(1)
    data, v = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    labels = np.array([2.0, 1.0, 4.0, 0.0])
    head_name = [n for n in g2.list_arguments() if n.startswith("head_grad/")][0]
    ex = g2.bind("cpu", {"x": data, "lab": labels, head_name: v})
    hv = np.asarray(ex.forward()[0])
    p = _softmax_rows(data)
    # row 0 ignored; 3 valid labels; MXNet divides the float32 grad_scale in float32
    coef = np.array([0.0, 1.0, 1.0, 1.0])[:, None] * float(np.float32(0.5) / np.float32(3))
    want = coef * (p * v - p * (p * v).sum(-1, keepdims=True))
    np.testing.assert_allclose(hv, want, rtol=1e-10, atol=1e-14)


def test_softmax_output_multi_output_second_order():
    x, lab = sx.Variable("x"), sx.Variable("lab")
    loss = sx.SoftmaxOutput(x, lab, multi_output=True, name="so")
    g2 = grad(grad(loss, ["x"]), ["x"], head_grads="inputs")
    rng = np.random.default_rng(2)
    data, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    head_name = [n for n in g2.list_arguments() if n.startswith("head_grad/")][0]
    ex = g2.bind("cpu", {"x": data, "lab": np.zeros((2, 4)), head_name: v})
    hv = np.asarray(ex.forward()[0])
    e = np.exp(data - data.max(1, keepdims=True))
    p = e / e.sum(1, keepdims=True)
    want = (p * v - p * (p * v).sum(1, keepdims=True)) / 4  # null normalization divides by 4 positions
    np.testing.assert_allclose(hv, want, rtol=1e-10, atol=1e-14)


def test_make_loss_gradients_are_constant():
    x = sx.Variable("x")
    for out, want in ((sx.MakeLoss(x, grad_scale=2.0, normalization="batch"), float(np.float32(2) / np.float32(3))),
                      (sx.make_loss(x, anything="ok"), 1.0)):
        ex = out.bind("cpu", {"x": np.arange(12.0).reshape(3, 4)}, args_grad={"x": np.zeros((3, 4))})
        ex.forward(is_train=True)
        ex.backward(np.full((3, 4), 5.0))
        np.testing.assert_array_equal(np.asarray(ex.grad_dict["x"]), np.full((3, 4), want))
        assert grad(grad(out, ["x"]), ["x"]).list_arguments() == ["x"]  # constant: zero Hessian


def test_regression_linear_second_order():
    x, lab = sx.Variable("x"), sx.Variable("lab")
    out = sx.LinearRegressionOutput(x, lab, grad_scale=0.6)
    g2 = grad(grad(out, ["x"]), ["x"])
    ex = g2.bind("cpu", {"x": np.zeros((2, 3)), "lab": np.ones((2, 3))})
    want = float(np.float32(0.6) / np.float32(3))
    np.testing.assert_array_equal(np.asarray(ex.forward()[0]), np.full((2, 3), want))


def test_softmax_output_label_rules():
    x = sx.Variable("x")
    graph = sx.SoftmaxOutput(x, name="so").graph
    with pytest.raises(ShapeError, match="Shape inconsistent"):
        infer_shapes(graph, {"x": (4, 5), "so_label": (5,)})
    multi = sx.SoftmaxOutput(x, multi_output=True, name="so").graph
    with pytest.raises(ShapeError, match="Expecting"):
        infer_shapes(multi, {"x": (4, 5, 2, 3), "so_label": (4, 3, 2)})
    dtypes = infer_dtypes(graph, {"x": "float64"})
    assert dtypes.of((1, 0)) == "float64"  # the label takes the data's dtype
    with pytest.raises(ShapeError, match="uniform type"):
        infer_dtypes(graph, {"x": "float32", "so_label": "int32"})


def test_auto_label_names():
    with sx.NameManager():
        x = sx.Variable("x")
        assert sx.Softmax(x).list_arguments() == ["x", "softmax0_label"]
        assert sx.SoftmaxOutput(x).list_arguments() == ["x", "softmaxoutput0_label"]
        assert sx.LinearRegressionOutput(x).list_arguments() == ["x", "linearregressionoutput0_label"]


def test_regression_label_rules():
    x = sx.Variable("x")
    graph = sx.MAERegressionOutput(x, name="r").graph
    assert infer_shapes(graph, {"x": (4, 1)}).of((1, 0)) == (4,)
    with pytest.raises(ShapeError, match="Shape inconsistent"):
        infer_shapes(graph, {"x": (4, 6), "r_label": (4, 3)})
    assert infer_dtypes(graph, {"r_label": "float64"}).of((0, 0)) == "float64"


def test_bad_label_values_do_not_crash():
    x, lab = sx.Variable("x"), sx.Variable("lab")
    out = sx.SoftmaxOutput(x, lab, use_ignore=True)
    data = np.zeros((3, 2))
    ex = out.bind("cpu", {"x": data, "lab": np.array([np.nan, 9.0, -3.0])},
                  args_grad={"x": np.zeros((3, 2))})
    ex.forward(is_train=True)
    ex.backward()
    np.testing.assert_allclose(np.asarray(ex.grad_dict["x"]), np.full((3, 2), 0.5))  # no matching class
    with pytest.raises(SymcliError):
        sx.SoftmaxOutput(x, lab, normalization="mean")
