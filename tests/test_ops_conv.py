"""The spatial layers of ops/conv.py against MXNet 1.9.1 goldens (tools/make_goldens_conv.py), plus what
goldens cannot pin: shape-rule errors, dtype preservation, and second order through a whole net."""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import ShapeError, SymcliError
from symcli.executor import Executor
from symcli.gradcheck import check
from symcli.infer import infer_shape

GOLDENS = np.load(pathlib.Path(__file__).parent / "goldens" / "conv.npz")
TABLE = {c["name"]: c for c in json.loads(str(GOLDENS["cases"]))}


def _net(op: str, attrs: dict, n_inputs: int) -> tuple[sx.Symbol, list[str]]:
    names = [f"in{i}" for i in range(n_inputs)]
    out = getattr(sx, op)(*[sx.Variable(n) for n in names], name="node", **attrs)
    return out, names


def _run(op: str, attrs: dict, arrays: list[np.ndarray], head: np.ndarray | None):
    net, names = _net(op, attrs, len(arrays))
    args = dict(zip(names, arrays))
    grads = {n: np.zeros_like(a) for n, a in args.items()} if head is not None else None
    ex = Executor.bind(net.graph, "cpu", args, args_grad=grads)
    out = np.asarray(ex.forward(is_train=head is not None)[0])
    if head is None:
        return out, []
    ex.backward([head])
    return out, [np.asarray(ex.grad_dict[n]) for n in names]


@pytest.mark.parametrize("name", [n for n, c in TABLE.items() if "seed" in c])
def test_against_mxnet(name):
    case = TABLE[name]
    rng = np.random.default_rng(case["seed"])
    arrays = [rng.uniform(case["low"], case["high"], size=tuple(s)) for s in case["shapes"]]
    assert abs(sum(a.sum() for a in arrays) - case["checksum"]) < 1e-9, "input generator drifted"
    # MXNet ran in case["dtype"] (float64 unless its float64 kernel is wrong, see the tool); symcli
    # runs in float64 on the same rounded inputs
    arrays = [a.astype(case["dtype"]).astype(np.float64) for a in arrays]
    want = GOLDENS[f"{name}/out"]
    head = np.random.default_rng(case["head_seed"]).standard_normal(want.shape)
    if case["dtype"] != "float64":
        head = head.astype(case["dtype"]).astype(np.float64)
    out, grads = _run(case["op"], case["attrs"], arrays, head)
    rtol = 1e-6 if case["dtype"] == "float64" else 2e-5
    for what, got, expected in [("output", out, want)] + [
            (f"grad{i}", g, GOLDENS[f"{name}/grad{i}"]) for i, g in enumerate(grads)]:
        scale = max(1.0, float(np.abs(expected).max()))
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale, err_msg=f"{name} {what}")


@pytest.mark.parametrize("name", [n for n, c in TABLE.items() if "values" in c])
def test_documented_quirks(name):
    case = TABLE[name]
    out, _ = _run(case["op"], case["attrs"], [np.array(v) for v in case["values"]], None)
    np.testing.assert_allclose(out, GOLDENS[f"{name}/out"], rtol=1e-12)


# -- shape rules -----------------------------------------------------------------------------------
def _shapes(sym: sx.Symbol, **given):
    return infer_shape(sym.graph, given, partial=True)


def test_convolution_infers_weight_and_bias_from_data():
    x = sx.Variable("x")
    y = sx.Convolution(x, kernel=(3, 3), num_filter=6, num_group=2, stride=(2, 1), dilate=(1, 2),
                       pad=(1, 2), name="c")
    args, outs, _ = _shapes(y, x=(2, 4, 9, 8))
    assert args == [(2, 4, 9, 8), (6, 2, 3, 3), (6,)]
    assert outs == [(2, 6, 5, 8)]


def test_unknown_dims_stay_unknown():
    x = sx.Variable("x")
    y = sx.Convolution(x, kernel=(3, 3), num_filter=3, name="c")
    args, outs, _ = _shapes(y, x=(0, 4, 8, 0))
    assert args[1] == (3, 4, 3, 3) and outs == [(0, 3, 6, 0)]


def test_deconvolution_shapes():
    x = sx.Variable("x")
    cases = [({"kernel": (3,)}, 12), ({"kernel": (3,), "stride": (2,), "pad": (1,)}, 19),
             ({"kernel": (3,), "stride": (2,), "pad": (1,), "adj": (1,)}, 20),
             ({"kernel": (3,), "stride": (2,), "dilate": (2,)}, 23),
             ({"kernel": (3,), "stride": (2,), "target_shape": (18,)}, 18)]
    for attrs, size in cases:  # mxnet-format §6.15, input length 10
        y = sx.Deconvolution(x, num_filter=4, name="d", **attrs)
        args, outs, _ = _shapes(y, x=(1, 2, 10))
        assert outs == [(1, 4, size)], attrs
        assert args[1] == (2, 4, 3)


def test_pooling_output_sizes():
    x = sx.Variable("x")
    for conv, pad, size in (("valid", 0, 4), ("full", 0, 5), ("valid", 1, 5), ("full", 1, 6)):
        y = sx.Pooling(x, kernel=(3,), stride=(2,), pad=(pad,), pooling_convention=conv, name="p")
        assert _shapes(y, x=(1, 1, 10))[1] == [(1, 1, size)]
    y = sx.Pooling(x, global_pool=True, kernel=(2, 2), pool_type="avg", name="g")
    assert _shapes(y, x=(1, 3, 4, 4, 2))[1] == [(1, 3, 1, 1, 1)]


@pytest.mark.parametrize("build,shape,message", [
    (lambda x: sx.Convolution(x, kernel=(9, 9), num_filter=3), (1, 4, 8, 8), "kernel size exceed"),
    (lambda x: sx.Convolution(x, kernel=(3, 3), num_filter=4, num_group=2), (1, 3, 8, 8), "divisible"),
    (lambda x: sx.Convolution(x, kernel=(3, 3), num_filter=3, num_group=2), (1, 4, 8, 8), "divisible"),
    (lambda x: sx.Convolution(x, kernel=(3, 3), num_filter=3), (1, 4, 8, 8, 8), "should be 4-D"),
    (lambda x: sx.Convolution(x, kernel=(3, 3), stride=(2,), num_filter=3), (1, 4, 8, 8), "stride"),
    (lambda x: sx.Convolution(x, kernel=(3, 3), num_filter=3, layout="NHWC"), (1, 8, 8, 4), "NHWC"),
    (lambda x: sx.Convolution(x, kernel=(1, 1, 1, 1), num_filter=3), (1, 4, 8, 8, 8, 8), "4D kernel"),
    (lambda x: sx.Deconvolution(x, kernel=(3, 3), num_filter=3, adj=(1, 1)), (1, 4, 8, 8), "adj"),
    (lambda x: sx.Deconvolution(x, kernel=(3, 3), stride=(2, 2), num_filter=1, target_shape=(10, 10)),
     (1, 1, 4, 4), "too big target shape"),
    (lambda x: sx.Pooling(x, kernel=(3, 3), pooling_convention="same"), (1, 4, 8, 8), "same"),
    (lambda x: sx.Pooling(x, kernel=(5, 5), pool_type="avg"), (1, 3, 4, 4), "exceeds input"),
    (lambda x: sx.Pooling(x, kernel=(2, 2), pool_type="lp"), (1, 3, 4, 4), "p_value"),
    (lambda x: sx.Pooling(x, pool_type="avg"), (1, 3, 4, 4), "kernel"),
    (lambda x: sx.UpSampling(x, sx.Variable("b"), scale=2, sample_type="nearest", num_args=2),
     (1, 2, 4, 4), "does not divide"),
])
def test_shape_errors_are_clear(build, shape, message):
    x = sx.Variable("x")
    given = {"x": shape}
    if message == "does not divide":
        given["b"] = (1, 2, 3, 3)
    with pytest.raises(ShapeError, match=message):
        _shapes(build(x), **given)


def test_bilinear_upsampling_is_a_depthwise_deconvolution():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 3, 4, 5)), rng.standard_normal((3, 1, 5, 5))
    up, _ = _run("UpSampling", {"scale": 3, "sample_type": "bilinear", "num_filter": 3, "num_args": 1}, [x, w], None)
    de, _ = _run("Deconvolution", {"kernel": (5, 5), "stride": (3, 3), "pad": (1, 1), "num_filter": 3,
                                   "num_group": 3}, [x, w], None)
    assert up.shape == (1, 3, 12, 15)
    np.testing.assert_allclose(up, de, rtol=1e-12)


# -- dtypes and execution --------------------------------------------------------------------------
@pytest.mark.parametrize("op,attrs,shapes", [
    ("Convolution", {"kernel": (3, 3), "num_filter": 4, "stride": (2, 2)}, [(2, 3, 7, 7), (4, 3, 3, 3), (4,)]),
    ("Convolution", {"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)}, [(2, 3, 7, 7), (4, 3, 3, 3), (4,)]),
    ("Deconvolution", {"kernel": (3, 3), "num_filter": 2, "stride": (2, 2)}, [(2, 3, 4, 4), (3, 2, 3, 3)]),
    ("Pooling", {"kernel": (3, 3), "stride": (2, 2), "pad": (1, 1)}, [(2, 3, 7, 7)]),
    ("Pooling", {"kernel": (2, 2), "stride": (2, 2), "pool_type": "avg"}, [(2, 3, 6, 6)]),
    ("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 1}, [(2, 3, 3, 3)]),
])
def test_float32_stays_float32_and_inputs_are_untouched(op, attrs, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    before = [a.copy() for a in arrays]
    out, grads = _run(op, attrs, arrays, head=None)
    assert out.dtype == np.float32
    net, names = _net(op, attrs, len(arrays))
    ex = Executor.bind(net.graph, "cpu", dict(zip(names, arrays)),
                       args_grad={n: np.zeros_like(a) for n, a in zip(names, arrays)})
    y = np.asarray(ex.forward(is_train=True)[0])
    ex.backward([np.ones_like(y)])
    for n, a, b in zip(names, arrays, before):
        assert ex.grad_dict[n].dtype == np.float32, n
        np.testing.assert_array_equal(a, b)
    # float64 agrees with float32 to float32 precision
    out64, _ = _run(op, attrs, [a.astype(np.float64) for a in arrays], head=None)
    np.testing.assert_allclose(out, out64, rtol=1e-4, atol=1e-4)


def test_unsupported_layout_fails_cleanly_at_run_time():
    x = sx.Variable("x")
    y = sx.Pooling(x, kernel=(2, 2), layout="NHWC", name="p")
    with pytest.raises(SymcliError, match="NHWC"):
        Executor.bind(y.graph, "cpu", {"x": np.zeros((1, 4, 4, 2))}).forward()


# -- second order through a small conv net (WGAN-GP's gradient penalty) ----------------------------------
def test_gradient_penalty_differentiates_through_conv_pool_and_deconv():
    x, w1, w2, w3 = (sx.Variable(n) for n in ("x", "w1", "w2", "w3"))
    h = sx.Convolution(x, w1, kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1), no_bias=True, name="c1")
    h = sx.Pooling(h, kernel=(2, 2), stride=(1, 1), pool_type="max", name="p1")
    h = sx.Deconvolution(h, w2, kernel=(2, 2), stride=(2, 2), num_filter=2, name="d1")
    h = sx.Pooling(h, kernel=(3, 3), pool_type="avg", pad=(1, 1), name="p2")
    critic = sx.Convolution(h, w3, kernel=(3, 3), num_filter=1, no_bias=True, name="c2")
    dx = grad(critic, ["x"])                      # d critic / dx, a graph
    penalty = sx.sum(dx * dx)                     # |grad|^2
    rng = np.random.default_rng(7)
    args = {"x": rng.standard_normal((2, 2, 8, 8)), "w1": rng.standard_normal((4, 2, 3, 3)),
            "w2": rng.standard_normal((4, 2, 2, 2)), "w3": rng.standard_normal((1, 2, 3, 3))}
    report = check(penalty.graph, args, {}, wrt=["w1", "w2", "w3", "x"], order=1, rtol=1e-6, atol=1e-8)
    assert report["ok"], report["results"]
    # not trivially zero for the weights; for x it is zero (the critic is piecewise linear in x)
    assert all(abs(r["symbolic"]) > 1e-6 for r in report["results"] if r["name"] != "x")


def test_hessian_through_conv_and_pool_matches_finite_differences():
    from symcli.hessian import hessian
    x, w = sx.Variable("x"), sx.Variable("w")
    y = sx.Convolution(x, w, kernel=(3, 3), num_filter=2, pad=(1, 1), no_bias=True, name="c")
    y = sx.Pooling(y, kernel=(2, 2), stride=(2, 2), pool_type="avg", name="p")
    y = sx.UpSampling(y, scale=2, sample_type="nearest", num_args=1, name="u")
    f = sx.sum(y * y * y)
    rng = np.random.default_rng(11)
    args = {"x": rng.standard_normal((1, 2, 4, 4)), "w": rng.standard_normal((2, 2, 3, 3))}
    blocks = hessian(f.graph, args, {}, ["x", "w"])  # batched HVPs: data folds into N, w loops
    g = grad(f, ["x", "w"])
    gex = Executor.bind(g.graph, "cpu", {k: v.copy() for k, v in args.items()})
    eps = 1e-5
    for a in ("x", "w"):
        for b in ("x", "w"):
            key = f"hessian:{a}" if a == b else f"hessian:{a}:{b}"
            if key not in blocks:
                continue
            h = blocks[key].reshape(args[a].size, args[b].size)
            col = []
            for j in range(args[b].size):
                d = np.zeros(args[b].size)
                d[j] = eps
                # copies: like MXNet's, an executor's outputs are overwritten by its next forward
                plus = np.array(gex.forward(**{**args, b: args[b] + d.reshape(args[b].shape)})[("x", "w").index(a)])
                minus = np.array(gex.forward(**{**args, b: args[b] - d.reshape(args[b].shape)})[("x", "w").index(a)])
                col.append(((plus - minus) / (2 * eps)).ravel())
            np.testing.assert_allclose(h, np.stack(col, axis=1), rtol=1e-5, atol=1e-6, err_msg=key)
