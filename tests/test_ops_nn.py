"""The layers of ops/nn.py against MXNet 1.9.1 goldens (tools/make_goldens_nn.py), plus what goldens
cannot pin: train-mode gradients to second order, dropout masks, rrelu slopes, aux updates."""
from __future__ import annotations

import pathlib

import numpy as np
import pytest

from symcli.autodiff import build
from symcli.executor import Executor
from symcli.signature import argument_nodes, aux_nodes
from symcli.symbol import load_json
import symcli.symbol as sx

GOLDENS = np.load(pathlib.Path(__file__).parent / "goldens" / "nn.npz")
CASES = sorted({k.split("/")[0] for k in GOLDENS.files})
# MXNet's rrelu at inference leaves its mask output uninitialized and its backward multiplies by
# the output instead of the slope; its selu backward gives λ(y+α) below 0 instead of the
# derivative y+λα (test_selu_gradient_below_zero checks symcli's). Only the output is compared.
OUTPUT_ONLY = {"rrelu_infer": ["rr_output"], "selu": ["lr_output"]}
# MXNet computes these in float32 even for float64 data (`static_cast<float>` in its kernels:
# x*slope, erf); symcli keeps float64 so that its gradients match its forward.
FLOAT32_INSIDE = {"leaky", "prelu", "prelu_scalar_gamma", "gelu", "rrelu_infer"}


def _case(name: str) -> dict:
    prefix = name + "/"
    return {k[len(prefix):]: GOLDENS[k] for k in GOLDENS.files if k.startswith(prefix)}


def _tolerance(dtype) -> dict:
    return {"float64": dict(rtol=1e-9, atol=1e-11), "float32": dict(rtol=2e-5, atol=2e-6),
            "float16": dict(rtol=2e-2, atol=2e-2)}[np.dtype(dtype).name]


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    case = _case(name)
    graph = load_json(str(case["graph"])).graph
    is_train = bool(case["is_train"])
    args = {n: case[f"in:{graph.nodes[i].name}"].copy() for i in argument_nodes(graph)
            for n in [graph.nodes[i].name]}
    aux = {graph.nodes[i].name: case[f"in:{graph.nodes[i].name}"].copy() for i in aux_nodes(graph)}
    grads = {n: np.zeros_like(v) for n, v in args.items()}
    ex = Executor.bind(graph, "cpu", args, args_grad=grads, aux_states=aux)
    outs = ex.forward(is_train=is_train)
    heads = [case[f"head:{n}"] for n in ex.output_names]
    # float16 data: the float32 parameter gradients inherit float16 rounding
    tol = _tolerance("float16") if any(v.dtype == np.float16 for v in args.values()) else None
    if name in FLOAT32_INSIDE:
        tol = dict(rtol=1e-6, atol=1e-9)
    ex.backward(heads)
    for n, o in zip(ex.output_names, outs):
        if n not in OUTPUT_ONLY.get(name, [n]):
            continue
        want = case[f"out:{n}"]
        assert o.dtype == want.dtype, (n, o.dtype, want.dtype)
        np.testing.assert_allclose(o, want, err_msg=f"{name} {n}", **(tol or _tolerance(want.dtype)))
    for n in args if name not in OUTPUT_ONLY else []:
        want = case[f"grad:{n}"]
        got = ex.grad_dict[n]
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, err_msg=f"{name} grad {n}", **(tol or _tolerance(want.dtype)))
    for n in aux:
        np.testing.assert_allclose(ex.aux_dict[n], case[f"aux:{n}"], err_msg=f"{name} aux {n}",
                                   **(tol or _tolerance(case[f"aux:{n}"].dtype)))


def test_batchnorm_float16_keeps_float32_parameters():
    x = sx.Variable("x")
    bn = sx.BatchNorm(x, name="bn", output_mean_var=True)
    arg_t, out_t, aux_t = bn.infer_type(x="float16")
    assert [np.dtype(t).name for t in arg_t] == ["float16", "float32", "float32"]
    assert [np.dtype(t).name for t in out_t] == ["float16", "float32", "float32"]
    assert [np.dtype(t).name for t in aux_t] == ["float32", "float32"]


def test_batchnorm_shapes_follow_axis():
    bn = sx.BatchNorm(sx.Variable("x"), axis=-1, name="bn")
    arg_s, out_s, aux_s = bn.infer_shape(x=(2, 3, 5))
    assert arg_s == [(2, 3, 5), (5,), (5,)] and aux_s == [(5,), (5,)] and out_s == [(2, 3, 5)]
    with pytest.raises(Exception, match="inconsistent"):
        bn.infer_shape(x=(2, 3, 5), bn_gamma=(3,))


# -- train-mode gradients, first and second order, against finite differences -------------------------
def _train_objective(graph, args, aux, heads):
    ex = Executor.bind(graph, "cpu", {k: v.copy() for k, v in args.items()},
                       aux_states={k: v.copy() for k, v in aux.items()})

    def f(**changes):
        outs = ex.forward(is_train=True, **changes)
        return sum(float(np.sum(np.asarray(o) * h)) for o, h in zip(outs, heads))
    return f


def _run_train(graph, values):
    names = {graph.nodes[i].name for i in argument_nodes(graph)}
    auxn = {graph.nodes[i].name for i in aux_nodes(graph)}
    ex = Executor.bind(graph, "cpu", {n: values[n] for n in names},
                       aux_states={n: values[n].copy() for n in auxn})
    return [np.asarray(o) for o in ex.forward(is_train=True)]


@pytest.mark.parametrize("attrs", [dict(fix_gamma=False), dict(fix_gamma=True, axis=-1),
                                   dict(fix_gamma=False, output_mean_var=True)])
def test_batchnorm_train_gradients_order_1_and_2(attrs):
    rng = np.random.default_rng(3)
    out = sx.BatchNorm(sx.Variable("x"), name="bn", eps=1e-3, **attrs)
    graph = out.graph
    channels = 2 if attrs.get("axis") is None else 4
    values = {"x": rng.uniform(-2, 2, (3, 2, 4)), "bn_gamma": rng.uniform(0.5, 1.5, channels),
              "bn_beta": rng.uniform(-1, 1, channels)}
    c = (channels,)
    values["bn_moving_mean"] = np.zeros(c)
    values["bn_moving_var"] = np.ones(c)
    heads = [rng.standard_normal(o.shape) for o in _run_train(graph, values)]
    args = {k: v for k, v in values.items() if "moving" not in k}
    aux = {k: v for k, v in values.items() if "moving" in k}
    wrt = ["x", "bn_gamma", "bn_beta"]
    g1 = build(graph, wrt, head_grads="inputs", keep_forward_heads=False).graph
    seeds = {f"head_grad/{n}": h for n, h in zip(out.list_outputs(), heads)}

    def grads_at(vals):
        return _run_train(g1, {**vals, **seeds})

    base = grads_at(values)
    f = _train_objective(graph, args, aux, heads)
    eps = 1e-6
    for k, name in enumerate(wrt):
        d = rng.standard_normal(values[name].shape)
        numeric = (f(**{name: values[name] + eps * d}) - f(**{name: values[name] - eps * d})) / (2 * eps)
        symbolic = float(np.sum(base[k] * d))
        assert abs(numeric - symbolic) <= 1e-6 + 1e-5 * abs(numeric), (name, numeric, symbolic)
    # second order: u·H·d from differentiating the gradient graph again, in train mode
    u = [rng.standard_normal(b.shape) for b in base]
    for name in ["x", "bn_gamma"]:
        d = rng.standard_normal(values[name].shape)
        hv = build(g1, [name], head_grads="inputs", keep_forward_heads=False)
        hv_seeds = {s: u[j] for j, s in enumerate(hv.head_grad_names) if s}
        symbolic = float(np.sum(_run_train(hv.graph, {**values, **seeds, **hv_seeds})[0] * d))
        plus = grads_at({**values, name: values[name] + eps * d})
        minus = grads_at({**values, name: values[name] - eps * d})
        numeric = sum(float(np.sum((a - b) * w)) for a, b, w in zip(plus, minus, u)) / (2 * eps)
        assert abs(numeric - symbolic) <= 1e-5 + 1e-4 * abs(numeric), (name, numeric, symbolic)


def test_batchnorm_moving_stats_update_only_in_training_backward():
    x = sx.Variable("x")
    graph = sx.BatchNorm(x, fix_gamma=False, name="bn", momentum=0.8).graph
    rng = np.random.default_rng(0)
    data = rng.uniform(-1, 1, (4, 2, 3))
    args = {"x": data, "bn_gamma": np.ones(2), "bn_beta": np.zeros(2)}
    aux = {"bn_moving_mean": np.zeros(2), "bn_moving_var": np.ones(2)}
    ex = Executor.bind(graph, "cpu", args, args_grad={k: np.zeros_like(v) for k, v in args.items()},
                       aux_states={k: v.copy() for k, v in aux.items()})
    ex.forward(is_train=True)
    np.testing.assert_array_equal(ex.aux_dict["bn_moving_mean"], 0.0)  # forward leaves them alone
    ex.backward(np.ones_like(data))
    momentum = float(np.float32(0.8))
    np.testing.assert_allclose(ex.aux_dict["bn_moving_mean"],
                               (1 - momentum) * data.mean(axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(ex.aux_dict["bn_moving_var"],
                               momentum + (1 - momentum) * data.var(axis=(0, 2)), rtol=1e-9)
    ex.forward(is_train=False)
    before = ex.aux_dict["bn_moving_mean"].copy()
    ex.backward(np.ones_like(data))
    np.testing.assert_array_equal(ex.aux_dict["bn_moving_mean"], before)  # no update at inference


def test_selu_gradient_below_zero():
    case = _case("selu")
    x = case["in:x"]
    graph = load_json(str(case["graph"])).graph
    ex = Executor.bind(graph, "cpu", {"x": x}, args_grad={"x": np.zeros_like(x)})
    (y,) = ex.forward()
    ex.backward(np.ones_like(x))
    lam, alpha = float(np.float32(1.0507009873554805)), float(np.float32(1.6732632423543772))
    np.testing.assert_allclose(y, case["out:lr_output"], rtol=1e-12)
    np.testing.assert_allclose(ex.grad_dict["x"], np.where(x > 0, lam, lam * alpha * np.exp(x)), rtol=1e-12)


# -- randomness -------------------------------------------------------------------------------------
def _forward(out, is_train=True, **values):
    graph = out.graph
    ex = Executor.bind(graph, "cpu", values)
    return [np.asarray(o) for o in ex.forward(is_train=is_train)]


def test_dropout_train_mask_and_scale():
    x = np.ones((40, 50))
    (y,) = _forward(sx.Dropout(sx.Variable("x"), p=0.5), x=x)
    assert set(np.unique(y)) == {0.0, 2.0}
    assert 0.4 < (y == 0).mean() < 0.6
    (y,) = _forward(sx.Dropout(sx.Variable("x"), p=0.25, axes=(1,)), x=np.ones((30, 4, 20)))
    assert set(np.unique(y)).issubset({0.0, np.float64(1 / 0.75)})
    assert (y == y[:, :1, :]).all()  # one mask value along the shared axis
    (y,) = _forward(sx.Dropout(sx.Variable("x"), p=0.5), is_train=False, x=x)
    np.testing.assert_array_equal(y, x)
    (y,) = _forward(sx.Dropout(sx.Variable("x"), p=0.5, mode="always"), is_train=False, x=x)
    assert set(np.unique(y)) == {0.0, 2.0}
    (y,) = _forward(sx.Dropout(sx.Variable("x"), p=1.0), x=x)
    assert np.isnan(y).all()


def test_dropout_gradient_uses_the_forward_mask():
    x = sx.Variable("x")
    graph = sx.Dropout(x, p=0.5).graph
    data = np.arange(1.0, 61.0).reshape(6, 10)
    ex = Executor.bind(graph, "cpu", {"x": data}, args_grad={"x": np.zeros_like(data)})
    (y,) = ex.forward(is_train=True)
    ex.backward(np.ones_like(data))
    np.testing.assert_array_equal(ex.grad_dict["x"], np.asarray(y) / data)


def test_rrelu_training_slopes():
    data = -np.linspace(0.5, 2.0, 60).reshape(6, 10)
    out, mask = _forward(sx.LeakyReLU(sx.Variable("x"), act_type="rrelu"), x=data)
    lower, upper = float(np.float32(0.125)), float(np.float32(0.334))
    assert (mask >= lower).all() and (mask <= upper).all() and mask.std() > 0.01
    np.testing.assert_allclose(out, data * mask)
