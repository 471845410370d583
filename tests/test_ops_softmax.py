"""The softmax family (ops/softmax.py) against MXNet 1.9.1 goldens (tools/make_goldens_loss.py), plus
what MXNet cannot check: length masks on log_softmax/softmin, Hessians, rule errors."""
from __future__ import annotations

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import ShapeError, SymcliError
from symcli.infer import infer_dtypes, infer_shapes

from test_ops_loss import case_arrays, check_case, load_goldens

GOLDENS, CASES = load_goldens("loss_softmax.npz")


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    check_case(case_arrays(GOLDENS, name), name)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _run(out, **args):
    return np.asarray(out.bind("cpu", args).forward()[0])


def test_length_masks_every_variant():
    x, n = sx.Variable("x"), sx.Variable("n")
    data = np.random.default_rng(0).normal(size=(3, 4))
    lengths = np.array([2, 0, 4], dtype="int32")
    for op, fn in ((sx.softmax, lambda v: _softmax(v)), (sx.log_softmax, lambda v: np.log(_softmax(v))),
                   (sx.softmin, lambda v: _softmax(-v))):
        got = _run(op(x, n, use_length=True), x=data, n=lengths)
        assert got[1].tolist() == [0.0] * 4  # length 0: an all-zero row
        np.testing.assert_allclose(got[0, :2], fn(data[0, :2]), rtol=1e-12)
        np.testing.assert_array_equal(got[0, 2:], 0.0)
        np.testing.assert_allclose(got[2], fn(data[2]), rtol=1e-12)


def test_log_softmax_length_gradient_stays_in_the_valid_positions():
    x, n = sx.Variable("x"), sx.Variable("n")
    g = grad(sx.log_softmax(x, n, use_length=True), ["x"], head_grads="inputs")
    data = np.random.default_rng(1).normal(size=(2, 4))
    head = np.random.default_rng(2).normal(size=(2, 4))
    hname = [a for a in g.list_arguments() if a.startswith("head_grad/")][0]
    got = _run(g, x=data, n=np.array([3, 1], dtype="int64"), **{hname: head})
    p = _softmax(data[0, :3])
    np.testing.assert_allclose(got[0, :3], head[0, :3] - p * head[0, :3].sum(), rtol=1e-12)
    np.testing.assert_array_equal(got[0, 3:], 0.0)
    np.testing.assert_allclose(got[1], [0.0, 0.0, 0.0, 0.0], atol=1e-15)  # one class: constant 0


def test_log_softmax_hessian_closed_form():
    """sum(w * log_softmax(x)) has Hessian -sum(w) * (diag(p) - p p^T) per row."""
    x, w = sx.Variable("x"), sx.Variable("w")
    f = sx.sum(sx.log_softmax(x, temperature=2.0) * w)
    g2 = grad(grad(f, ["x"]), ["x"], head_grads="inputs")
    rng = np.random.default_rng(3)
    data, wv, v = rng.normal(size=(2, 5)), rng.uniform(size=(2, 5)), rng.normal(size=(2, 5))
    hname = [a for a in g2.list_arguments() if a.startswith("head_grad/")][0]
    got = _run(g2, x=data, w=wv, **{hname: v})
    p = _softmax(data / 2.0)
    want = -wv.sum(1, keepdims=True) * (p * v - p * (p * v).sum(1, keepdims=True)) / 4.0
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_softmax_third_order_via_gradcheck():
    from symcli.gradcheck import check
    x = sx.Variable("x")
    g1 = grad(sx.softmin(x, axis=0), ["x"]).graph
    data = np.random.default_rng(4).normal(size=(3, 2))
    report = check(g1, {"x": data}, {}, wrt=["x"], order=2, rtol=1e-5, atol=1e-7)
    assert report["ok"], report


def test_dtype_override_and_rules():
    x = sx.Variable("x")
    graph = sx.softmax(x, dtype="float64").graph
    assert infer_dtypes(graph, {}).of((0, 0)) == "float64"  # MXNet assigns the override to the input
    assert infer_dtypes(graph, {"x": "float32"}).of(graph.heads[0]) == "float64"
    with pytest.raises(ShapeError, match="floating point"):
        infer_dtypes(sx.log_softmax(x).graph, {"x": "int32"})
    out = sx.softmax(x, dtype="float64")
    ex = out.bind("cpu", {"x": np.ones((2, 3), "float32")}, args_grad={"x": np.zeros((2, 3), "float32")})
    assert np.asarray(ex.forward(is_train=True)[0]).dtype == np.float64
    ex.backward(np.ones((2, 3)))
    assert np.asarray(ex.grad_dict["x"]).dtype == np.float32
    g = grad(out, ["x"])
    assert np.asarray(g.bind("cpu", {"x": np.ones((2, 3), "float32")}).forward()[0]).dtype == np.float32


def test_length_shape_and_dtype_rules():
    x, n = sx.Variable("x"), sx.Variable("n")
    graph = sx.softmax(x, n, axis=1, use_length=True).graph
    assert infer_shapes(graph, {"x": (2, 3, 4)}).of((1, 0)) == (2, 4)
    with pytest.raises(ShapeError, match="length shape"):
        infer_shapes(graph, {"x": (2, 3, 4), "n": (2, 3)})
    with pytest.raises(SymcliError, match="integer"):
        _run(sx.softmax(x, n, use_length=True), x=np.ones((2, 3)), n=np.ones(2))


def test_softmax_activation_channel_needs_3d():
    with pytest.raises(ShapeError, match="at least 3-d"):
        infer_shapes(sx.SoftmaxActivation(sx.Variable("x"), mode="channel").graph, {"x": (2, 3)})


def test_bad_attributes_are_rejected():
    x = sx.Variable("x")
    for kwargs in ({"dtype": "int32"}, {"temperature": "none"}, {"axis": "1.0"}):
        with pytest.raises(SymcliError):
            sx.softmax(x, **kwargs)
    with pytest.raises(ShapeError, match="out of range"):
        infer_shapes(sx.softmax(x, axis=2).graph, {"x": (2, 3)})
