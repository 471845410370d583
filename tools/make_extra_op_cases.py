"""Extra conformance cases in the format of ../shared/conformance (ops, shapes, higher, seed suites).

Expected values come from MXNet 1.9.1 (float64 where it supports the operator); `higher` values are
central finite differences (Richardson) of MXNet's float64 first-order gradient. Writes to an ignored
folder.  Run:  .mxnet-venv/bin/python tools/make_extra_op_cases.py [--out .extra_cases] [-k SUBSTR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import zlib

os.environ.setdefault("MXNET_SUBGRAPH_BACKEND", "NONE")  # no operator fusion: plain kernels
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402

sym = mx.sym


def op(name: str):
    """An operator function by its registered name (public or `_internal`)."""
    return getattr(sym, name, None) or getattr(sym._internal, name)
HERE = os.path.dirname(os.path.abspath(__file__))
F64_TOL = (1e-7, 1e-9)
F32_TOL = (1e-5, 1e-6)
HIGHER_TOL = (1e-6, 1e-8)


class Gen:
    """Writes case folders; `only` filters case ids by substring."""

    def __init__(self, root: str, only: list[str]):
        self.root, self.only, self.count, self.skipped = root, only, 0, []

    def wanted(self, suite: str, name: str) -> bool:
        cid = f"{suite}/{name}"
        return not self.only or any(k in cid for k in self.only)

    def folder(self, suite: str, name: str) -> str:
        path = os.path.join(self.root, suite, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        os.makedirs(path)
        self.count += 1
        return path

    def write(self, path: str, case: dict, graph: str, arrays: dict) -> None:
        with open(os.path.join(path, "case.json"), "w") as f:
            json.dump(case, f, indent=1)
        if graph is not None:
            with open(os.path.join(path, "graph.json"), "w") as f:
                f.write(graph)
        for fname, d in arrays.items():
            if d is not None:
                np.savez(os.path.join(path, fname), **d)


G: Gen = None  # set in main
RNG = np.random.default_rng(0)


def rng_for(cid: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(cid.encode()))


# ------------------------------------------------------------------------------------------------
# ops
# ------------------------------------------------------------------------------------------------

def _values(cid: str, out, spec: dict, low: float, high: float) -> dict:
    """spec: name -> ndarray (used as is) or shape tuple (uniform(low, high) float64)."""
    r = rng_for("in/" + cid)
    vals = {}
    for name in out.list_arguments() + out.list_auxiliary_states():
        if name not in spec:
            raise KeyError(f"{cid}: no value for {name}")
        v = spec[name]
        if isinstance(v, tuple):
            v = r.uniform(low, high, size=v)
        vals[name] = np.asarray(v)
    return vals


def ops_case(cid: str, out, spec: dict, wrt=(), desc: str = "", low: float = -1.0, high: float = 1.0,
             dtype: str = "float64", tol=None, mode: str | None = None, skip_outputs=(),
             suite: str = "ops") -> None:
    """One `ops` case: forward outputs (+ grad:<arg> with a random head gradient when wrt is given).

    skip_outputs: outputs MXNet leaves undefined (not compared). suite="known": a case where symcli
    deliberately differs from MXNet (KNOWN_DIFFERENCES), kept out of the `ops` suite.
    """
    if not G.wanted(suite, cid):
        return
    if isinstance(wrt, str):
        wrt = [w for w in wrt.split(",") if w]
    vals = _values(cid, out, spec, low, high)
    if dtype == "float32":
        vals = {k: (v.astype(np.float32) if v.dtype.kind == "f" else v) for k, v in vals.items()}
    args, auxn = out.list_arguments(), out.list_auxiliary_states()
    nd_args = {n: mx.nd.array(vals[n], dtype=vals[n].dtype) for n in args}
    nd_aux = {n: mx.nd.array(vals[n], dtype=vals[n].dtype) for n in auxn}
    hg = None
    try:
        if wrt:
            grads = {n: mx.nd.zeros(vals[n].shape, dtype=vals[n].dtype) for n in wrt}
            req = {n: ("write" if n in wrt else "null") for n in args}
            ex = out.bind(mx.cpu(), nd_args, args_grad=grads, grad_req=req, aux_states=nd_aux)
            is_train = mode != "infer"
            outs = ex.forward(is_train=is_train)
            r = rng_for("hg/" + cid)
            heads = [r.normal(size=o.shape).astype(o.dtype) for o in outs]
            ex.backward([mx.nd.array(h, dtype=h.dtype) for h in heads])
            hg = dict(zip(out.list_outputs(), heads))
        else:
            ex = out.bind(mx.cpu(), nd_args, aux_states=nd_aux, grad_req="null")
            is_train = mode == "train"
            outs = ex.forward(is_train=is_train)
        expected = {n: o.asnumpy() for n, o in zip(out.list_outputs(), outs) if n not in skip_outputs}
        if wrt:
            for n in wrt:
                expected[f"grad:{n}"] = ex.grad_dict[n].asnumpy()
        if is_train:
            for n in auxn:
                expected[f"aux:{n}"] = ex.aux_dict[n].asnumpy()
    except mx.base.MXNetError as e:
        G.skipped.append(f"{suite}/{cid}: MXNet error {str(e).splitlines()[0][:120]}")
        return
    path = G.folder(suite, cid)
    step = ["run", "{case}/graph.json"]
    if args or auxn:
        step += ["--inputs", "{case}/inputs.npz"]
    if dtype == "float64":
        step += ["--dtype", "float64"]
    if mode:
        step += ["--mode", mode]
    if wrt:
        step += ["--grad", "--wrt", ",".join(wrt), "--head-grads", "{case}/head_grads.npz"]
    step += ["-o", "{tmp}/out.npz"]
    rtol, atol = tol or (F64_TOL if dtype == "float64" else F32_TOL)
    tail = (f"gradients w.r.t. {', '.join(wrt)} with a random head gradient" if wrt else "forward only")
    case = {"description": f"{desc or cid}; {dtype}; {tail}", "steps": [step],
            "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                          "rtol": rtol, "atol": atol}}}
    G.write(path, case, out.tojson(), {"inputs.npz": vals if (args or auxn) else None,
                                       "head_grads.npz": hg, "expected.npz": expected})


x, y, z = sym.Variable("x"), sym.Variable("y"), sym.Variable("z")
a, b, c, d = sym.Variable("a"), sym.Variable("b"), sym.Variable("c"), sym.Variable("d")
data = sym.Variable("data")


def ints(shape, lo, hi, dtype="float64", seed="ints"):
    return rng_for(seed + str(shape) + str(lo) + str(hi)).integers(lo, hi, size=shape).astype(dtype)


def distinct(shape, seed="d"):
    """Values with no ties and no zero (for max/min/sort/argmax)."""
    n = int(np.prod(shape))
    v = rng_for(seed + str(shape)).permutation(n).astype(np.float64) + 1.0
    v = (v - n / 2 - 0.5) * 0.37 + rng_for(seed).uniform(0, 0.01, n)
    return v.reshape(shape)


def gen_unary():
    positive = dict(low=0.5, high=2.0)
    unit = dict(low=-0.9, high=0.9)
    table = [("exp", {}), ("log", positive), ("sqrt", positive), ("tanh", {}), ("sigmoid", {}),
             ("sin", {}), ("cos", {}), ("relu", {}), ("abs", {}), ("square", {}),
             ("reciprocal", positive), ("rsqrt", positive), ("cbrt", positive), ("rcbrt", positive),
             ("erf", {}), ("arcsin", unit), ("arctan", {}), ("log1p", positive), ("expm1", {}),
             ("softsign", {}), ("sinh", {}), ("arcsinh", {}), ("tan", unit), ("log2", positive)]
    for name, kw in table:
        out = getattr(sym, name)(x, name=name + "0")
        ops_case(f"{name}__float32", out, {"x": (3, 4)}, "x", f"{name}(x)", dtype="float32", **kw)
    # int32 inputs: computed, then truncated to int (forward only; MXNet has no int gradients)
    iv = np.array([[-3, -2, -1, 0], [1, 2, 4, 9]], dtype=np.int32)
    pv = np.array([[1, 2, 3, 4], [5, 9, 16, 27]], dtype=np.int32)
    for name, v in [("abs", iv), ("negative", iv), ("square", iv), ("sign", iv), ("relu", iv),
                    ("sqrt", pv), ("exp", pv[:, :2]), ("sigmoid", iv), ("reciprocal", pv),
                    ("round", iv), ("floor", iv), ("logical_not", iv), ("cbrt", pv), ("log", pv),
                    ("tanh", iv), ("ceil", iv), ("rsqrt", pv)]:
        out = getattr(sym, name)(x, name=name + "0")
        ops_case(f"{name}__int32", out, {"x": v}, (), f"{name} on int32 input (computed, then truncated)")
    # rounding quirks (round half away from zero, rint ties to floor), gradients 0
    rv = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.4, 0.6, -2.7, 2.7])
    for name in ("round", "rint", "fix", "trunc", "floor", "ceil", "sign"):
        out = getattr(sym, name)(x, name=name + "0")
        ops_case(f"{name}__halves", out, {"x": rv}, "x", f"{name} on halves and near-halves")
    # kinks and special points
    kv = np.array([[-1.5, 0.0, 0.7, -0.0], [2.0, -3.0, 0.0, 1.0]])
    ops_case("abs__zero", sym.abs(x, name="abs0"), {"x": kv}, "x", "abs with zeros (gradient 0 at 0)")
    ops_case("relu__zero", sym.relu(x, name="relu0"), {"x": kv}, "x", "relu with zeros (gradient 0 at 0)")
    ops_case("sign__zero", sym.sign(x, name="sign0"), {"x": kv}, "x", "sign with zeros and -0")
    ops_case("hard_sigmoid", sym.hard_sigmoid(x, name="hs"), {"x": (3, 5)}, "x",
             "hard_sigmoid defaults, values inside and outside the linear part", low=-4, high=4)
    ops_case("hard_sigmoid__alpha_beta", sym.hard_sigmoid(x, alpha=0.3, beta=0.4, name="hs"),
             {"x": (3, 5)}, "x", "hard_sigmoid alpha=0.3 beta=0.4", low=-4, high=4)
    ops_case("arccos__float32", sym.arccos(x, name="ac"), {"x": (3, 4)}, "x", "arccos", dtype="float32", **unit)
    ops_case("arccosh__edge", sym.arccosh(x, name="ach"), {"x": (3, 4)}, "x", "arccosh", low=1.2, high=5)
    ops_case("arctanh__wide", sym.arctanh(x, name="ath"), {"x": (3, 4)}, "x", "arctanh near +-1",
             low=-0.99, high=0.99)
    ops_case("log10__wide", sym.log10(x, name="l10"), {"x": (3, 4)}, "x", "log10 wide range", low=1e-3, high=1e3)
    ops_case("exp__large", sym.exp(x, name="e"), {"x": (3, 4)}, "x", "exp of large values", low=-30, high=30)
    ops_case("sigmoid__large", sym.sigmoid(x, name="s"), {"x": (3, 4)}, "x", "sigmoid saturating",
             low=-40, high=40)
    ops_case("tanh__3d", sym.tanh(x, name="t"), {"x": (2, 3, 4)}, "x", "tanh 3-D")
    ops_case("gammaln__positive", sym.gammaln(x, name="gl"), {"x": (3, 4)}, "x", "gammaln",
             low=0.5, high=4, tol=(5e-6, 1e-9))
    ops_case("_copy", sym.identity(x, name="identity0"), {"x": (3, 4)}, "x", "identity (_copy)")
    ops_case("make_loss", sym.make_loss(sym.square(x), name="ml"), {"x": (3, 4)}, "x",
             "make_loss(square(x)): gradient of ones, head gradient ignored")
    ops_case("stop_gradient__alias", sym.stop_gradient(x * x, name="sg") + x, {"x": (3, 4)}, "x",
             "stop_gradient alias of BlockGrad inside a sum")


def gen_binary():
    S = (3, 4)
    for name in ("elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"):
        out = op(name)(x, y, name="op")
        ops_case(f"{name}__float32", out, {"x": S, "y": S}, "x,y", name, dtype="float32", low=0.5, high=2)
        ops_case(f"{name}__int32", out, {"x": ints(S, -9, 10, "int32"), "y": ints(S, 1, 4, "int32", "b")},
                 (), f"{name} on int32 (division truncates toward zero)")
    for name in ("_maximum", "_minimum"):
        tv = ints(S, 0, 3, seed="tx"), ints(S, 0, 3, seed="ty")
        out = op(name)(x, y, name="op")
        ops_case(f"{name}__ties", out, {"x": tv[0], "y": tv[1]}, "x,y", f"{name} with ties")
    for name in ("broadcast_maximum", "broadcast_minimum"):
        out = op(name)(x, y, name="op")
        ops_case(f"{name}__ties", out, {"x": ints((3, 1), 0, 3, seed="bx"), "y": ints((1, 4), 0, 3, seed="by")},
                 "x,y", f"{name} with ties, broadcast")
    ops_case("_power__float32", sym.broadcast_power(x, y, name="p"),
             {"x": (3, 4), "y": (3, 4)}, "x,y", "broadcast_power same shapes", low=0.5, high=2,
             dtype="float32")
    ops_case("_hypot__neg", op("_hypot")(x, y, name="h"), {"x": (3, 4), "y": (3, 4)}, "x,y", "hypot negatives")
    ops_case("_mod__int32", x % y,
             {"x": np.array([[5, -5, 5, -5], [7, -7, 0, 3]], np.int32),
              "y": np.array([[3, 3, -3, -3], [2, 2, 5, -2]], np.int32)}, (), "_mod on int32 (sign of the divisor)")
    ops_case("_mod__zero_divisor", x % y, {"x": np.array([1.5, -2.5, 3.0]), "y": np.array([0.0, 2.0, -1.25])},
             "x,y", "_mod with a zero divisor gives 0")
    # broadcast with rank differences
    pairs = [((2, 3, 4), (4,)), ((2, 3, 4), (3, 1)), ((4,), (2, 3, 4)), ((1,), (2, 3)), ((2, 1, 4), (3, 1)),
             ((2, 3), (2, 3))]
    for name in ("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_maximum",
                 "broadcast_minimum", "broadcast_hypot"):
        for i, (sa, sb) in enumerate(pairs):
            if name in ("broadcast_maximum", "broadcast_minimum", "broadcast_hypot") and i > 2:
                continue
            out = op(name)(x, y, name="op")
            lo = 0.5 if name == "broadcast_div" else -1
            ops_case(f"{name}__rank{i}", out, {"x": sa, "y": sb}, "x,y", f"{name} {sa} with {sb}", low=lo, high=2)
    ops_case("broadcast_power__rank", sym.broadcast_power(x, y, name="op"), {"x": (2, 3, 4), "y": (4,)}, "x,y",
             "broadcast_power (2,3,4) with (4,)", low=0.5, high=2)
    ops_case("broadcast_mod__rank", sym.broadcast_mod(x, y, name="op"),
             {"x": np.array([[5.5, -5.5, 2.25], [-7.1, 3.3, 9.9]]), "y": np.array([2.0, -3.0, 1.5])}, "x,y",
             "broadcast_mod (2,3) with (3,)")
    for name in ("broadcast_equal", "broadcast_greater", "broadcast_lesser_equal", "broadcast_logical_and",
                 "broadcast_logical_xor"):
        out = op(name)(x, y, name="op")
        ops_case(f"{name}__rank", out, {"x": ints((2, 3, 4), 0, 3, seed="cx"), "y": ints((4,), 0, 3, seed="cy")},
                 "x,y", f"{name} (2,3,4) with (4,), small integers")
    ops_case("broadcast_div__int32", sym.broadcast_div(x, y, name="op"),
             {"x": np.array([[7, -7, 9], [1, -1, 8]], np.int32), "y": np.array([2, 2, -4], np.int32)}, (),
             "broadcast_div on int32 truncates toward zero")
    ops_case("broadcast_add__float32", sym.broadcast_add(x, y, name="op"), {"x": (2, 3, 1), "y": (1, 3, 4)},
             "x,y", "broadcast_add", dtype="float32")
    ops_case("broadcast_to__rank", sym.broadcast_to(x, shape=(2, 3, 4), name="bt"), {"x": (3, 1)}, "x",
             "broadcast_to (3,1) -> (2,3,4)")
    ops_case("broadcast_to__ones", sym.broadcast_to(x, shape=(2, 0, 4), name="bt"), {"x": (1, 3, 1)}, "x",
             "broadcast_to (1,3,1) -> (2,0,4)")
    ops_case("broadcast_axis__one", sym.broadcast_axis(x, axis=1, size=3, name="ba"), {"x": (2, 1, 4)}, "x",
             "broadcast_axis one axis")
    ops_case("broadcast_axis__neg", sym.broadcast_axis(x, axis=(-1,), size=(5,), name="ba"), {"x": (2, 3, 1)},
             "x", "broadcast_axis negative axis")
    ops_case("broadcast_axes__alias", sym.broadcast_axes(x, axis=(0, 2), size=(2, 3), name="ba"),
             {"x": (1, 3, 1)}, "x", "broadcast_axes alias")
    ops_case("broadcast_like__rank", sym.broadcast_like(x, y, name="bl"), {"x": (1, 3, 1), "y": (2, 3, 4)}, "x",
             "broadcast_like")
    ops_case("add_n", sym.add_n(a, b, c, name="an"), {"a": (3, 4), "b": (3, 4), "c": (3, 4)}, "a,b,c",
             "add_n three inputs")
    ops_case("ElementWiseSum__alias", sym.ElementWiseSum(a, b, name="es"), {"a": (2, 3), "b": (2, 3)}, "a,b",
             "ElementWiseSum alias of add_n")
    ops_case("add_n__repeated", sym.add_n(a, a, b, name="an"), {"a": (2, 3), "b": (2, 3)}, "a,b",
             "add_n with a repeated input (gradient summed)")
    ops_case("elemwise__repeated_input", x * x + x, {"x": (3, 4)}, "x", "x*x + x (a variable used three times)")


def gen_scalar():
    S = (3, 4)
    odd = [("_plus_scalar", -2.5), ("_minus_scalar", -0.25), ("_rminus_scalar", 0.0), ("_mul_scalar", -3.0),
           ("_mul_scalar", 0.0), ("_div_scalar", -0.5), ("_div_scalar", 1e-3), ("_rdiv_scalar", -2.0),
           ("_power_scalar", 2.0), ("_power_scalar", 0.5), ("_power_scalar", -1.0), ("_power_scalar", 0.0),
           ("_rpower_scalar", 0.5), ("_rpower_scalar", 2.718281828459045), ("_maximum_scalar", 0.0),
           ("_minimum_scalar", -0.3), ("_hypot_scalar", -2.0), ("_mod_scalar", -1.3), ("_rmod_scalar", -4.1),
           ("_plus_scalar", 1e20), ("_mul_scalar", 1e-10)]
    for i, (op, s) in enumerate(odd):
        out = getattr(sym._internal, op)(x, scalar=s, name="op")
        positive = op in ("_power_scalar", "_rdiv_scalar") or op == "_rmod_scalar"
        lo, hi = (0.5, 2.0) if positive else (-2.0, 2.0)
        if op == "_rmod_scalar":
            lo, hi = 0.7, 1.9
        ops_case(f"{op}__{str(s).replace('-', 'm').replace('.', 'p')}", out, {"x": S}, "x",
                 f"{op}(x, scalar={s})", low=lo, high=hi)
    # float32
    for op, s in [("_plus_scalar", 0.1), ("_rdiv_scalar", 3.0), ("_power_scalar", 3.0), ("_rpower_scalar", 1.5)]:
        out = getattr(sym._internal, op)(x, scalar=s, name="op")
        ops_case(f"{op}__float32", out, {"x": S}, "x", f"{op}(x, scalar={s})", low=0.5, high=2, dtype="float32")
    # int tensors: the scalar is cast to the tensor dtype first
    iv = np.array([[7, -7, 3, 0], [1, 2, -5, 9]], dtype=np.int32)
    for op, s in [("_mul_scalar", 2.5), ("_plus_scalar", 0.7), ("_div_scalar", 2.5), ("_power_scalar", 2.0),
                  ("_mod_scalar", 2.5), ("_minus_scalar", -1.9), ("_maximum_scalar", 1.5), ("_rminus_scalar", 3.9),
                  ("_greater_scalar", 1.5), ("_equal_scalar", 2.9)]:
        out = getattr(sym._internal, op)(x, scalar=s, name="op")
        ops_case(f"{op}__int32_{str(s).replace('.', 'p')}", out, {"x": iv}, (), f"{op} scalar={s} on int32")
    # comparisons with ties
    tv = ints(S, -1, 3, seed="sc")
    for op in ("_greater_scalar", "_lesser_equal_scalar", "_not_equal_scalar"):
        out = getattr(sym._internal, op)(x, scalar=1.0, name="op")
        ops_case(f"{op}__float32", out, {"x": tv}, "x", f"{op} scalar=1 with ties", dtype="float32")
    ops_case("_maximum_scalar__ties", sym.maximum(x, 1.0), {"x": tv}, "x", "maximum(x, 1.0) with ties")
    ops_case("_minimum_scalar__ties", sym.minimum(x, 1.0), {"x": tv}, "x", "minimum(x, 1.0) with ties")
    ops_case("_hypot_scalar__zero", sym.hypot(x, 0.0), {"x": (3, 4)}, "x", "hypot(x, 0)")
    ops_case("_power_scalar__int_negbase_even", x ** 4.0, {"x": (3, 4)}, "x", "x ** 4 negative base", low=-2, high=2)
    ops_case("_power_scalar__neg_exp", x ** -2.0, {"x": (3, 4)}, "x", "x ** -2", low=0.5, high=2)
    ops_case("_rpower_scalar__neg", sym._internal._rpower_scalar(x, scalar=0.3, name="op"), {"x": (3, 4)}, "x",
             "0.3 ** x", low=-2, high=2)
    ops_case("_scalar__is_int", sym._internal._plus_scalar(x, scalar=3, is_int=True, name="op"), {"x": (3, 4)}, "x",
             "_plus_scalar with is_int attribute")


def gen_reduce():
    X = (2, 3, 4)
    variants = [({"axis": 0}, "axis0"), ({"axis": -1, "keepdims": True}, "last_keepdims"),
                ({"axis": (0, 2)}, "axes02"), ({"axis": (0, 2), "exclude": True}, "axes02_exclude"),
                ({"axis": (-1, 0), "keepdims": True, "exclude": True}, "neg_exclude_keepdims"),
                ({"keepdims": True}, "all_keepdims"), ({"axis": ()}, "empty_axis"),
                ({"axis": 1, "exclude": True, "keepdims": True}, "exclude_keepdims")]
    for op in ("sum", "mean", "prod", "max", "min", "nansum", "nanprod"):
        for attrs, tag in variants:
            if op in ("max", "min") and tag in ("empty_axis",):
                pass
            out = getattr(sym, op)(x, name="r", **attrs)
            vals = distinct(X, op + tag) if op in ("max", "min") else None
            low, high = (0.5, 1.5) if op in ("prod", "nanprod") else (-1, 1)
            ops_case(f"{op}__{tag}", out, {"x": vals if vals is not None else X}, "x", f"{op}(x, {attrs})",
                     low=low, high=high)
    ops_case("sum__float32", sym.sum(x, axis=1, name="r"), {"x": X}, "x", "sum axis=1", dtype="float32")
    ops_case("mean__float32", sym.mean(x, axis=(0, 2), keepdims=True, name="r"), {"x": X}, "x", "mean",
             dtype="float32")
    ops_case("sum__int32", sym.sum(x, axis=1, name="r"), {"x": ints(X, -5, 6, "int32")}, (), "sum on int32")
    ops_case("mean__int32", sym.mean(x, axis=1, name="r"), {"x": ints(X, -5, 6, "int32")}, (),
             "mean on int32 (integer result)")
    ops_case("max__ties", sym.max(x, axis=1, name="r"), {"x": ints(X, 0, 3, seed="mt")}, "x",
             "max with ties (gradient to every tied maximum)")
    ops_case("min__ties_all", sym.min(x, name="r"), {"x": ints(X, 0, 3, seed="mt2")}, "x", "min over all with ties")
    pz = np.array([[1.5, 0.0, 2.0], [0.5, -1.5, 2.0], [0.0, 0.0, 3.0]])
    ops_case("prod__zeros", sym.prod(x, axis=1, name="r"), {"x": pz}, "x", "prod with zeros in the input",
             suite="known")
    nv = np.array([[1.0, np.nan, 2.0, 0.5], [np.nan, np.nan, 3.0, -1.0], [0.7, 1.2, -0.3, np.nan]])
    ops_case("nansum__all_keepdims", sym.nansum(x, keepdims=True, name="r"), {"x": nv}, "x", "nansum with NaNs")
    ops_case("nanprod__axis1", sym.nanprod(x, axis=1, name="r"), {"x": nv}, "x", "nanprod axis=1 with NaNs")
    ops_case("max__nan", sym.max(x, axis=1, name="r"), {"x": nv}, (), "max propagates NaN")
    ops_case("sum_axis__alias", sym.sum_axis(x, axis=1, name="r"), {"x": X}, "x", "sum_axis alias")
    ops_case("max_axis__alias", sym.max_axis(x, axis=2, name="r"), {"x": distinct(X, "ma")}, "x", "max_axis alias")
    # norm
    for attrs, tag in [({"ord": 1}, "ord1_all"), ({"ord": 2, "axis": (0, 1), "keepdims": True}, "fro_keepdims"),
                       ({"axis": 0}, "axis0"), ({"ord": 1, "axis": (1, 2)}, "ord1_two_axes"),
                       ({"axis": -2, "keepdims": True}, "neg_axis")]:
        ops_case(f"norm__{tag}", sym.norm(x, name="n", **attrs), {"x": X}, "x", f"norm(x, {attrs})")
    ops_case("norm__float32", sym.norm(x, axis=1, name="n"), {"x": X}, "x", "norm axis=1", dtype="float32")
    # arg reductions
    D = distinct(X, "arg")
    for attrs, tag in [({"axis": 1, "keepdims": True}, "keepdims"), ({"axis": -1}, "neg"), ({}, "all"),
                       ({"axis": 0}, "axis0")]:
        ops_case(f"argmax__{tag}", sym.argmax(x, name="am", **attrs), {"x": D}, (), f"argmax(x, {attrs})")
        ops_case(f"argmin__{tag}", sym.argmin(x, name="am", **attrs), {"x": D}, (), f"argmin(x, {attrs})")
    ops_case("argmax__ties", sym.argmax(x, axis=1, name="am"), {"x": ints((3, 5), 0, 2, seed="at")}, (),
             "argmax with ties (first index)")
    ops_case("argmax__int32", sym.argmax(x, axis=1, name="am"), {"x": ints((3, 5), -9, 9, "int32", "ai")}, (),
             "argmax on int32 (int32 indices)")
    ops_case("argmax__float32", sym.argmax(x, axis=0, name="am"), {"x": D}, (), "argmax float32 indices",
             dtype="float32")
    ops_case("argmax_channel", sym.argmax_channel(x, name="ac"), {"x": D}, (), "argmax_channel")
    ops_case("argmin__nan", sym.argmin(x, axis=1, name="am"), {"x": nv}, (), "argmin with NaN (NaN wins)")


def gen_softmax():
    X = (2, 3, 4)
    for op in ("softmax", "log_softmax", "softmin"):
        f = getattr(sym, op)
        ops_case(f"{op}__axis0", f(x, axis=0, name="sm"), {"x": X}, "x", f"{op} axis=0", low=-2, high=2)
        ops_case(f"{op}__axis1_temp", f(x, axis=1, temperature=0.5, name="sm"), {"x": X}, "x",
                 f"{op} axis=1 temperature=0.5", low=-2, high=2)
        ops_case(f"{op}__float32", f(x, name="sm"), {"x": X}, "x", f"{op} last axis", dtype="float32")
        ops_case(f"{op}__temp3", f(x, axis=-2, temperature=3.0, name="sm"), {"x": X}, "x",
                 f"{op} axis=-2 temperature=3", low=-3, high=3)
        if op != "softmax":
            continue  # only softmax takes a length input in MXNet 1.9.1
        ln = np.array([[1, 4, 2], [3, 0, 4]], dtype=np.int32)
        ops_case(f"{op}__use_length", f(x, length=sym.Variable("length"), axis=-1, use_length=True, name="sm"),
                 {"x": X, "length": ln}, "x", f"{op} use_length with int32 lengths (incl. 0)", low=-2, high=2)
    ops_case("softmax__dtype64", sym.softmax(x, dtype="float64", name="sm"), {"x": X}, "x",
             "softmax float32 in, dtype=float64 out", dtype="float32")
    ops_case("log_softmax__dtype64", sym.log_softmax(x, axis=1, dtype="float64", name="sm"), {"x": X}, "x",
             "log_softmax float32 in, dtype=float64 out", dtype="float32")
    ops_case("softmax__large", sym.softmax(x, axis=-1, name="sm"), {"x": X}, "x", "softmax large logits",
             low=-50, high=50)
    # MXNet's SoftmaxActivation is float32 only
    ops_case("SoftmaxActivation__channel4d", sym.SoftmaxActivation(x, mode="channel", name="sa"),
             {"x": (2, 3, 2, 2)}, "x", "SoftmaxActivation channel 4-D", dtype="float32")
    ops_case("SoftmaxActivation__instance3d", sym.SoftmaxActivation(x, name="sa"), {"x": (2, 3, 4)}, "x",
             "SoftmaxActivation instance mode on 3-D (flattens per instance)", dtype="float32")
    ops_case("SoftmaxActivation__channel3d", sym.SoftmaxActivation(x, mode="channel", name="sa"),
             {"x": (2, 3, 4)}, "x", "SoftmaxActivation channel 3-D", dtype="float32", low=-3, high=3)


def gen_shape():
    X = (2, 3, 4)
    for shp, rev in [((0, 0, -1), False), ((-3, -1), False), ((-1,), False), ((6, -1), False),
                     ((-1, 2, 0), False), ((0, -4, 3, -1, 1), False), ((2, -2), False), ((-4, -1, 1, -2), False),
                     ((0, 2, 2, -1), False), ((-1, 4), True), ((0, -1), True), ((3, -1, 0), True),
                     ((-3, 0), True), ((1, -2), False), ((24,), False), ((4, 3, 2), False)]:
        tag = "_".join(str(v).replace("-", "m") for v in shp) + ("_rev" if rev else "")
        out = sym.Reshape(x, shape=shp, reverse=rev, name="rs") if rev else sym.Reshape(x, shape=shp, name="rs")
        ops_case(f"Reshape__{tag}", out, {"x": X}, "x", f"Reshape (2, 3, 4) with shape={shp}" +
                 (", reverse=True" if rev else ""))
    ops_case("Reshape__4d_m3m3", sym.Reshape(x, shape=(-3, -3), name="rs"), {"x": (2, 3, 4, 5)}, "x",
             "Reshape (2,3,4,5) with (-3,-3)")
    ops_case("Reshape__target_shape", sym.Reshape(x, target_shape=(0, 6), name="rs"), {"x": X}, "x",
             "deprecated target_shape (0 = infer)")
    ops_case("Flatten__4d", sym.Flatten(x, name="f"), {"x": (2, 3, 2, 2)}, "x", "Flatten 4-D")
    ops_case("Flatten__1d", sym.Flatten(x, name="f"), {"x": (5,)}, "x", "Flatten 1-D -> (5, 1)")
    ops_case("flatten__alias", sym.flatten(x, name="f"), {"x": X}, "x", "flatten alias")
    for axes in [(1, 0, 2), (2, 0, 1), (0, 2, 1), (-1, 0, 1)]:
        ops_case(f"transpose__{''.join(str(v).replace('-', 'm') for v in axes)}", sym.transpose(x, axes=axes, name="t"),
                 {"x": X}, "x", f"transpose axes={axes}")
    ops_case("transpose__4d", sym.transpose(x, axes=(3, 1, 0, 2), name="t"), {"x": (2, 3, 4, 5)}, "x",
             "transpose 4-D")
    ops_case("transpose__4d_default", sym.transpose(x, name="t"), {"x": (2, 3, 4, 5)}, "x", "transpose 4-D reversed")
    ops_case("SwapAxis__02", sym.SwapAxis(x, dim1=0, dim2=2, name="sw"), {"x": X}, "x", "SwapAxis dim1=0 dim2=2")
    ops_case("SwapAxis__same", sym.SwapAxis(x, dim1=1, dim2=1, name="sw"), {"x": X}, "x", "SwapAxis same dims")
    for ax in (0, 2, 3, -1, -4):
        ops_case(f"expand_dims__{str(ax).replace('-', 'm')}", sym.expand_dims(x, axis=ax, name="e"), {"x": X}, "x",
                 f"expand_dims axis={ax}")
    ops_case("squeeze__axes", sym.squeeze(x, axis=(1, 3), name="sq"), {"x": (2, 1, 3, 1)}, "x",
             "squeeze axis=(1, 3)")
    ops_case("squeeze__neg", sym.squeeze(x, axis=-1, name="sq"), {"x": (2, 1, 3, 1)}, "x", "squeeze axis=-1")
    ops_case("squeeze__all_ones", sym.squeeze(x, name="sq"), {"x": (1, 1)}, "x", "squeeze (1,1) -> (1,)")
    ops_case("reverse__axis0", sym.reverse(x, axis=0, name="rv"), {"x": X}, "x", "reverse axis=0")
    ops_case("reverse__neg", sym.reverse(x, axis=-1, name="rv"), {"x": X}, "x", "reverse axis=-1")
    ops_case("flip__all", sym.flip(x, axis=(0, 1, 2), name="rv"), {"x": X}, "x", "flip all axes")
    # Concat / stack / split
    ops_case("Concat__four_dim0", sym.Concat(a, b, c, d, dim=0, name="cc"),
             {"a": (1, 3), "b": (2, 3), "c": (3, 3), "d": (1, 3)}, "a,b,c,d", "Concat four inputs dim=0")
    ops_case("Concat__neg_dim", sym.Concat(a, b, c, dim=-1, name="cc"),
             {"a": (2, 3, 1), "b": (2, 3, 2), "c": (2, 3, 4)}, "a,b,c", "Concat dim=-1")
    ops_case("Concat__dim2", sym.Concat(a, b, dim=2, name="cc"), {"a": (2, 3, 1), "b": (2, 3, 2)}, "a,b",
             "Concat dim=2")
    ops_case("Concat__one", sym.Concat(a, dim=1, name="cc"), {"a": (2, 3)}, "a", "Concat of one input")
    ops_case("Concat__same_input", sym.Concat(a, a, b, dim=1, name="cc"), {"a": (2, 3), "b": (2, 1)}, "a,b",
             "Concat with a repeated input")
    ops_case("concat__alias", sym.concat(a, b, dim=0, name="cc"), {"a": (2, 3), "b": (1, 3)}, "a,b",
             "concat alias")
    ops_case("Concat__float32", sym.Concat(a, b, c, dim=1, name="cc"), {"a": (2, 1), "b": (2, 2), "c": (2, 3)},
             "a,b,c", "Concat", dtype="float32")
    ops_case("stack__four_axis1", sym.stack(a, b, c, d, axis=1, name="st"),
             {"a": (2, 3), "b": (2, 3), "c": (2, 3), "d": (2, 3)}, "a,b,c,d", "stack four axis=1")
    ops_case("stack__neg2", sym.stack(a, b, axis=-2, name="st"), {"a": (2, 3), "b": (2, 3)}, "a,b", "stack axis=-2")
    ops_case("stack__one", sym.stack(a, axis=0, name="st"), {"a": (2, 3)}, "a", "stack of one input")
    ops_case("SliceChannel__axis0", sym.SliceChannel(x, num_outputs=2, axis=0, name="sc"), {"x": (4, 3)}, "x",
             "SliceChannel axis=0 two outputs")
    ops_case("SliceChannel__neg_axis", sym.SliceChannel(x, num_outputs=4, axis=-1, name="sc"), {"x": X}, "x",
             "SliceChannel axis=-1 four outputs")
    ops_case("SliceChannel__squeeze_axis0", sym.SliceChannel(x, num_outputs=2, axis=0, squeeze_axis=True, name="sc"),
             {"x": X}, "x", "SliceChannel squeeze_axis=True axis=0")
    ops_case("SliceChannel__one_output", sym.SliceChannel(x, num_outputs=1, axis=1, name="sc"), {"x": X}, "x",
             "SliceChannel one output")
    sp = sym.split(x, num_outputs=3, axis=1, name="sp")
    ops_case("split__partial_use", sp[0] * sp[2], {"x": (2, 3)}, "x", "split outputs 0 and 2 used, 1 unused")
    # slicing
    for begin, end, step, shp in [((1, None, None), (None, 3, None), None, (3, 4, 5)),
                                  ((None, -1), (None, None), (-1, -1), (4, 5)),
                                  ((3, 4), (0, 0), (-2, -3), (4, 5)),
                                  ((1,), (3,), None, (4, 5)),
                                  ((0, 1), (4, 5), (2, 2), (4, 5)),
                                  ((None,), (None,), (-1,), (4, 5)),
                                  ((-4, -5), (-1, None), (1, 3), (4, 5)),
                                  ((0, 0, 1), (2, 3, 5), (1, 2, 2), (2, 3, 5))]:
        kw = {"begin": begin, "end": end}
        if step is not None:
            kw["step"] = step
        tag = "_".join(str(v) for v in begin + end + (step or ())).replace("None", "n").replace("-", "m")
        ops_case(f"slice__{tag}", sym.slice(x, name="sl", **kw), {"x": shp}, "x", f"slice {shp} {kw}")
    ops_case("crop__alias", sym.crop(x, begin=(1, 1), end=(3, 4), name="sl"), {"x": (4, 5)}, "x", "crop alias of slice")
    for ax, bg, en in [(-1, 1, -1), (0, 1, None), (2, -3, None), (1, 0, 2), (-2, -2, -1)]:
        ops_case(f"slice_axis__{str(ax).replace('-', 'm')}_{bg}_{en}".replace("-", "m"),
                 sym.slice_axis(x, axis=ax, begin=bg, end=en, name="sa"), {"x": (3, 4, 5)}, "x",
                 f"slice_axis axis={ax} begin={bg} end={en}")
    ops_case("slice_like__neg_axes", sym.slice_like(x, y, axes=(-1,), name="sl"), {"x": (3, 4, 5), "y": (2, 2, 3)},
             "x", "slice_like axes=(-1,)")
    ops_case("slice_like__all", sym.slice_like(x, y, name="sl"), {"x": (3, 4, 5), "y": (2, 2, 3)}, "x",
             "slice_like all axes")
    ops_case("slice_like__lower_rank", sym.slice_like(x, y, axes=(0, 2), name="sl"),
             {"x": (3, 4, 5), "y": (2, 3, 4)}, "x", "slice_like axes (0, 2)")
    # tile / repeat
    for reps, shp in [((2,), (2, 3, 4)), ((1, 2, 1), (2, 3, 4)), ((3,), (4,)), ((2, 1, 1, 2), (2, 3)),
                      ((1, 1), (2, 3))]:
        ops_case(f"tile__{'_'.join(map(str, reps))}_{len(shp)}d", sym.tile(x, reps=reps, name="tl"), {"x": shp}, "x",
                 f"tile {shp} reps={reps}")
    for rp, ax in [(2, 0), (3, -1), (1, 1), (2, 2)]:
        ops_case(f"repeat__{rp}_{str(ax).replace('-', 'm')}", sym.repeat(x, repeats=rp, axis=ax, name="rp"),
                 {"x": (2, 3, 4)}, "x", f"repeat repeats={rp} axis={ax}")
    # pad
    pw5 = (0, 0, 0, 0, 1, 2, 0, 1, 2, 1)
    for mode in ("constant", "edge", "reflect"):
        kw = {"constant_value": -0.5} if mode == "constant" else {}
        ops_case(f"pad__{mode}_5d", sym.pad(x, mode=mode, pad_width=pw5, name="pd", **kw), {"x": (1, 2, 3, 3, 4)},
                 "x", f"pad mode={mode} 5-D pad_width={pw5}")
    ops_case("pad__constant_default", sym.pad(x, mode="constant", pad_width=(0, 0, 0, 0, 2, 0, 0, 3), name="pd"),
             {"x": (2, 2, 3, 3)}, "x", "pad constant, default value")
    ops_case("pad__reflect_full", sym.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 2, 2, 3, 3), name="pd"),
             {"x": (1, 1, 3, 4)}, "x", "pad reflect by size-1")
    ops_case("pad__edge_asym", sym.Pad(x, mode="edge", pad_width=(0, 0, 0, 0, 0, 3, 2, 0), name="pd"),
             {"x": (2, 1, 2, 3)}, "x", "Pad edge asymmetric")
    # Cast
    cv = np.array([[-1.7, 300.6, 2.5, -0.2], [0.0, 127.9, -128.4, 255.5]])
    for dt in ("int8", "uint8", "int64", "bool", "float16", "int32"):
        ops_case(f"Cast__{dt}", sym.Cast(x, dtype=dt, name="cast0"), {"x": cv}, (), f"Cast to {dt}")
    ops_case("Cast__nan_bool", sym.Cast(x, dtype="bool", name="cast0"), {"x": np.array([np.nan, 0.0, -0.0, 2.0])}, (),
             "Cast NaN to bool")
    ops_case("Cast__f16_grad", sym.Cast(x, dtype="float16", name="cast0"), {"x": (3, 4)}, "x",
             "Cast float64 -> float16 (gradient cast back)", tol=(1e-3, 1e-3))
    ops_case("Cast__f32_to_f64", sym.Cast(x, dtype="float64", name="cast0"), {"x": (3, 4)}, "x",
             "Cast float32 -> float64", dtype="float32")
    ops_case("Cast__int_input", sym.Cast(x, dtype="float32", name="cast0"), {"x": ints((3, 4), -5, 5, "int32")}, (),
             "Cast int32 -> float32")
    ops_case("cast__alias", sym.cast(x, dtype="float32", name="cast0"), {"x": (3, 4)}, "x", "cast alias")
    # clip
    clv = np.array([[-2.0, -1.0, -0.5, 0.0], [0.5, 1.0, 1.5, 3.0]])
    ops_case("clip__bounds", sym.clip(x, a_min=-1.0, a_max=1.0, name="cl"), {"x": clv}, "x",
             "clip with values at and beyond the bounds (bounds included in the gradient)")
    ops_case("clip__swapped", sym.clip(x, a_min=1.0, a_max=0.0, name="cl"), {"x": clv}, "x", "clip a_min > a_max")
    ops_case("clip__int32", sym.clip(x, a_min=-1.5, a_max=2.7, name="cl"), {"x": ints((3, 4), -5, 5, "int32")}, (),
             "clip on int32 (bounds truncated)")
    ops_case("clip__float32", sym.clip(x, a_min=-0.3, a_max=0.4, name="cl"), {"x": (3, 4)}, "x", "clip",
             dtype="float32")
    ops_case("clip__nan", sym.clip(x, a_min=-1, a_max=1, name="cl"), {"x": np.array([np.nan, 2.0, -3.0, 0.1])}, (),
             "clip passes NaN through")
    ops_case("shape_array__4d", sym.shape_array(x, name="sa"), {"x": (2, 3, 1, 5)}, (), "shape_array 4-D")
    ops_case("size_array__3d", sym.size_array(x, name="sa"), {"x": (2, 3, 5)}, (), "size_array")
    ops_case("reshape_like__float32", sym.reshape_like(x, y, name="rl"), {"x": (2, 6), "y": (3, 4)}, "x",
             "reshape_like", dtype="float32")
    ops_case("reshape_like__lhs_end", sym.reshape_like(x, y, lhs_begin=1, lhs_end=None, rhs_begin=1, name="rl"),
             {"x": (2, 12), "y": (5, 3, 4)}, "x", "reshape_like lhs_begin=1 rhs_begin=1")
    ops_case("reshape_like__neg", sym.reshape_like(x, y, lhs_begin=-2, lhs_end=None, rhs_begin=0, rhs_end=1,
                                                   name="rl"), {"x": (2, 3, 4), "y": (12, 7)}, "x",
             "reshape_like negative lhs_begin")
    ops_case("zeros_like__float32", sym.zeros_like(x, name="zl"), {"x": (3, 4)}, "x", "zeros_like", dtype="float32")
    ops_case("ones_like__int32", sym.ones_like(x, name="ol"), {"x": ints((3, 4), 0, 5, "int32")}, (), "ones_like int32")


def gen_index():
    A = (5, 3)
    ops_case("take__axis_neg", sym.take(a, sym.Variable("indices"), axis=-1, name="tk"),
             {"a": (2, 3, 4), "indices": np.array([3.0, 0.0, 3.0, 1.0])}, "a", "take axis=-1")
    ops_case("take__2d_indices", sym.take(a, sym.Variable("indices"), name="tk"),
             {"a": A, "indices": np.array([[0.0, 4.0], [2.0, 2.0]])}, "a", "take with 2-D indices")
    ops_case("take__raise", sym.take(a, sym.Variable("indices"), mode="raise", name="tk"),
             {"a": A, "indices": np.array([4.0, 0.0, 1.0, 1.0])}, "a", "take mode=raise, in-range indices")
    ops_case("take__wrap_axis0", sym.take(a, sym.Variable("indices"), mode="wrap", name="tk"),
             {"a": A, "indices": np.array([-1.0, 7.0, -6.0, 12.0])}, "a", "take mode=wrap negative and large")
    ops_case("take__fractional", sym.take(a, sym.Variable("indices"), name="tk"),
             {"a": A, "indices": np.array([1.7, 3.2, -0.6, 4.9])}, "a", "take with fractional indices (truncated)")
    ops_case("take__clip_axis2", sym.take(a, sym.Variable("indices"), axis=2, mode="clip", name="tk"),
             {"a": (2, 3, 4), "indices": np.array([[-3.0, 9.0], [1.0, 2.0]])}, "a", "take axis=2 clip")
    ops_case("take__int64_indices", sym.take(a, sym.Variable("indices"), axis=1, name="tk"),
             {"a": A, "indices": np.array([2, 0, 1, 2], dtype=np.int64)}, "a", "take int64 indices")
    ops_case("take__float32", sym.take(a, sym.Variable("indices"), name="tk"),
             {"a": A, "indices": np.array([1.0, 1.0, 3.0])}, "a", "take", dtype="float32")
    idx = sym.Variable("index")
    ops_case("pick__axis0_clip", sym.pick(data, idx, axis=0, name="pk"),
             {"data": (3, 4), "index": np.array([-1.0, 5.0, 2.0, 1.0])}, "data", "pick axis=0 clip out of range")
    ops_case("pick__neg_keepdims", sym.pick(data, idx, axis=-1, keepdims=True, name="pk"),
             {"data": (3, 4), "index": np.array([3.0, 0.0, 2.0])}, "data", "pick axis=-1 keepdims")
    ops_case("pick__3d_axis1", sym.pick(data, idx, axis=1, name="pk"),
             {"data": (2, 3, 4), "index": ints((2, 4), 0, 3)}, "data", "pick 3-D axis=1")
    ops_case("pick__wrap_neg", sym.pick(data, idx, axis=1, mode="wrap", name="pk"),
             {"data": (3, 4), "index": np.array([-1.0, -6.0, 9.0])}, "data", "pick mode=wrap negative indices")
    ops_case("pick__int32_index", sym.pick(data, idx, name="pk"),
             {"data": (3, 4), "index": np.array([0, 3, 1], np.int32)}, "data", "pick int32 index")
    ops_case("choose_element_0index__alias", sym.choose_element_0index(data, idx, name="pk"),
             {"data": (3, 4), "index": np.array([1.0, 2.0, 0.0])}, "data", "choose_element_0index alias")
    ind = sym.Variable("indices")
    ops_case("one_hot__int32", sym.one_hot(ind, depth=4, dtype="int32", name="oh"),
             {"indices": np.array([0.0, 3.0, 5.0, -1.0, 2.7])}, (), "one_hot dtype=int32, out-of-range rows off")
    ops_case("one_hot__2d_values", sym.one_hot(ind, depth=3, on_value=2.5, off_value=-1.0, name="oh"),
             {"indices": np.array([[0.0, 2.0], [1.0, 1.0]])}, (), "one_hot 2-D indices on/off values")
    ops_case("one_hot__int_indices", sym.one_hot(ind, depth=3, dtype="float64", name="oh"),
             {"indices": np.array([2, 0, 1], np.int32)}, (), "one_hot int32 indices float64 out")
    ops_case("one_hot__uint8", sym.one_hot(ind, depth=3, dtype="uint8", on_value=7, name="oh"),
             {"indices": np.array([2.0, 0.0])}, (), "one_hot dtype=uint8 on_value=7")
    w = sym.Variable("emb_weight")
    ops_case("Embedding__int32", sym.Embedding(data, w, input_dim=5, output_dim=3, name="emb"),
             {"data": np.array([[0, 4], [2, 2]], np.int32), "emb_weight": (5, 3)}, "emb_weight",
             "Embedding with int32 indices")
    ops_case("Embedding__clip", sym.Embedding(data, w, input_dim=4, output_dim=2, name="emb"),
             {"data": np.array([-1.0, 3.0, 7.0, 1.6]), "emb_weight": (4, 2)}, "emb_weight",
             "Embedding clips out-of-range and truncates fractional indices")
    ops_case("Embedding__auto_weight", sym.Embedding(data, input_dim=6, output_dim=2, name="emb"),
             {"data": np.array([[[1.0, 5.0]], [[0.0, 0.0]]]), "emb_weight": (6, 2)}, "emb_weight",
             "Embedding 3-D data, auto-named weight")
    ops_case("Embedding__float32", sym.Embedding(data, w, input_dim=5, output_dim=3, name="emb"),
             {"data": np.array([1.0, 4.0, 1.0]), "emb_weight": (5, 3)}, "emb_weight", "Embedding",
             dtype="float32")
    cond = sym.Variable("condition")
    ops_case("where__nonbinary_cond", sym.where(cond, x, y, name="wh"),
             {"condition": np.array([[2.0, 0.0, -1.0], [0.0, 0.5, 0.0]]), "x": (2, 3), "y": (2, 3)}, "x,y",
             "where with non-binary condition values")
    ops_case("where__cond_grad", sym.where(cond, x, y, name="wh"),
             {"condition": np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), "x": (2, 3), "y": (2, 3)},
             "condition,x,y", "where gradient w.r.t. the condition is 0")
    ops_case("where__rows3d", sym.where(cond, x, y, name="wh"),
             {"condition": np.array([0.0, 1.0]), "x": (2, 3, 2), "y": (2, 3, 2)}, "x,y", "where 1-D condition on 3-D")
    ops_case("where__float32", sym.where(cond, x, y, name="wh"),
             {"condition": np.array([[1.0, 0.0], [0.0, 1.0]]), "x": (2, 2), "y": (2, 2)}, "x,y", "where",
             dtype="float32")
    # sort family
    D = distinct((3, 5), "sort")
    D3 = distinct((2, 3, 4), "sort3")
    ops_case("topk__both_ascend", sym.topk(x, k=2, ret_typ="both", is_ascend=True, name="tk"), {"x": D}, "x",
             "topk k=2 ret_typ=both is_ascend")
    ops_case("topk__mask_axis0", sym.topk(x, k=2, axis=0, ret_typ="mask", name="tk"), {"x": D}, (),
             "topk mask axis=0")
    ops_case("topk__value_3d_axis1", sym.topk(x, k=2, axis=1, ret_typ="value", name="tk"), {"x": D3}, "x",
             "topk value 3-D axis=1")
    ops_case("topk__k0_all", sym.topk(x, k=0, ret_typ="value", name="tk"), {"x": D}, "x",
             "topk k=0 (all elements, sorted)")
    ops_case("topk__axis_none", sym.topk(x, k=3, axis=None, ret_typ="value", name="tk"), {"x": D}, "x",
             "topk axis=None (flattened)")
    ops_case("topk__indices_int32", sym.topk(x, k=3, dtype="int32", name="tk"), {"x": D}, (),
             "topk indices dtype=int32")
    ops_case("topk__indices_float64", sym.topk(x, k=2, axis=0, dtype="float64", is_ascend=True, name="tk"),
             {"x": D}, (), "topk indices dtype=float64 ascending axis 0")
    ops_case("topk__mask_ascend", sym.topk(x, k=1, ret_typ="mask", is_ascend=True, name="tk"), {"x": D3}, (),
             "topk mask ascending 3-D")
    ops_case("topk__both_float32", sym.topk(x, k=3, ret_typ="both", name="tk"), {"x": D}, "x", "topk both",
             dtype="float32")
    ops_case("topk__default", sym.topk(x, name="tk"), {"x": D}, (), "topk defaults (k=1, indices)")
    ops_case("sort__desc_last", sym.sort(x, is_ascend=False, name="st"), {"x": D}, "x", "sort descending last axis")
    ops_case("sort__3d_axis1", sym.sort(x, axis=1, name="st"), {"x": D3}, "x", "sort 3-D axis=1")
    ops_case("sort__axis_none", sym.sort(x, axis=None, name="st"), {"x": D}, (), "sort axis=None")
    ops_case("sort__float32", sym.sort(x, is_ascend=False, axis=0, name="st"), {"x": D}, (), "sort desc axis 0",
             dtype="float32")
    ops_case("argsort__int64", sym.argsort(x, dtype="int64", name="as"), {"x": D}, (), "argsort dtype=int64")
    ops_case("argsort__3d_desc", sym.argsort(x, axis=1, is_ascend=False, name="as"), {"x": D3}, (),
             "argsort 3-D axis=1 descending")
    ops_case("argsort__ties", sym.argsort(x, name="as"), {"x": ints((3, 6), 0, 3, seed="ties")}, (),
             "argsort with ties (short rows: stable)")
    ops_case("argsort__axis_none", sym.argsort(x, axis=None, name="as"), {"x": D}, (), "argsort axis=None")
    ops_case("argsort__int32_input", sym.argsort(x, name="as"), {"x": ints((3, 5), -9, 9, "int32", "ai2")}, (),
             "argsort on int32 input (float32 indices)")


def gen_linalg():
    for sa, sb, kw in [((2, 3, 4), (4, 5, 6), {}), ((2, 3, 4), (5, 6, 4), {"transpose_b": True}),
                       ((4, 3, 2), (5, 4), {"transpose_a": True, "transpose_b": True}),
                       ((3,), (3, 2, 2), {}), ((2, 3), (3,), {}), ((4, 3), (4,), {"transpose_a": True}),
                       ((3,), (2, 3), {"transpose_b": True}), ((1, 4), (4, 1), {})]:
        tag = "x".join("".join(map(str, s)) for s in (sa, sb)) + "".join("T" if kw.get(k) else "N"
                                                                       for k in ("transpose_a", "transpose_b"))
        ops_case(f"dot__{tag}", sym.dot(a, b, name="dot0", **kw), {"a": sa, "b": sb}, "a,b", f"dot {sa} x {sb} {kw}")
    ops_case("dot__float32", sym.dot(a, b, name="dot0"), {"a": (3, 4), "b": (4, 5)}, "a,b", "dot", dtype="float32")
    ops_case("dot__int32", sym.dot(a, b, name="dot0"), {"a": ints((2, 3), -3, 4, "int32"),
                                                         "b": ints((3, 2), -3, 4, "int32", "bb")}, (), "dot int32")
    ops_case("dot__same_input", sym.dot(a, a, transpose_b=True, name="dot0"), {"a": (3, 4)}, "a",
             "dot(a, a^T): both gradients summed")
    for sa, sb, ta, tb in [((2, 2, 3, 4), (2, 2, 4, 5), False, False), ((2, 2, 4, 3), (2, 2, 5, 4), True, True),
                           ((3, 1, 4), (3, 4, 1), False, False), ((2, 3, 4), (2, 3, 5), True, False)]:
        ops_case(f"batch_dot__{len(sa)}d_{'T' if ta else 'N'}{'T' if tb else 'N'}_{sa[-1]}",
                 sym.batch_dot(a, b, transpose_a=ta, transpose_b=tb, name="bd"), {"a": sa, "b": sb}, "a,b",
                 f"batch_dot {sa} x {sb} transpose_a={ta} transpose_b={tb}")
    ops_case("batch_dot__float32", sym.batch_dot(a, b, name="bd"), {"a": (2, 3, 4), "b": (2, 4, 5)}, "a,b",
             "batch_dot", dtype="float32")
    for shp, kw in [((2, 3, 2, 2), {}), ((2, 3, 4), {"no_bias": True, "flatten": False}), ((7,), {}),
                    ((7,), {"flatten": False}), ((2, 2, 3), {"flatten": False}), ((3, 5), {"no_bias": True})]:
        out = sym.FullyConnected(data, num_hidden=4, name="fc", **kw)
        args = out.list_arguments()
        nh = 4
        if kw.get("flatten", True):
            k = int(np.prod(shp[1:])) if len(shp) > 1 else 1
        else:
            k = shp[-1]
        spec = {"data": shp, "fc_weight": (nh, k), "fc_bias": (nh,)}
        tag = "x".join(map(str, shp)) + "".join(f"_{k}{v}" for k, v in kw.items())
        ops_case(f"FullyConnected__{tag}", out, spec, args, f"FullyConnected data {shp} {kw}")
    ops_case("FullyConnected__float32", sym.FullyConnected(data, num_hidden=3, name="fc"),
             {"data": (2, 5), "fc_weight": (3, 5), "fc_bias": (3,)}, "data,fc_weight,fc_bias", "FullyConnected",
             dtype="float32")
    ops_case("FullyConnected__shared_input", sym.FullyConnected(x, x, no_bias=True, num_hidden=3, name="fc"),
             {"x": (3, 3)}, "x", "FullyConnected with data = weight (gradients summed)")


def gen_nn():
    w, bb = sym.Variable("w"), sym.Variable("b")

    def conv_case(cid, shp, desc, deconv=False, f32=False, **kw):
        fn = sym.Deconvolution if deconv else sym.Convolution
        no_bias = kw.get("no_bias", deconv)  # Deconvolution defaults to no_bias=True
        out = fn(data, w, name="cv", **kw) if no_bias else fn(data, w, bb, name="cv", **kw)
        args = out.list_arguments()
        arg_shapes, _, _ = out.infer_shape(data=shp)
        spec = dict(zip(args, [tuple(s) for s in arg_shapes]))
        ops_case(cid, out, spec, args, desc, dtype="float32" if f32 else "float64")

    conv_case("Convolution__stride2_pad1", (2, 3, 6, 6), "Convolution 3x3 stride 2 pad 1", kernel=(3, 3),
              stride=(2, 2), pad=(1, 1), num_filter=4)
    conv_case("Convolution__dilate2", (1, 2, 7, 7), "Convolution dilate 2", kernel=(3, 3), dilate=(2, 2),
              num_filter=3)
    conv_case("Convolution__groups", (2, 4, 5, 5), "Convolution num_group=2", kernel=(3, 3), num_group=2,
              num_filter=6, pad=(1, 1))
    conv_case("Convolution__depthwise", (1, 3, 5, 5), "Convolution depthwise", kernel=(3, 3), num_group=3,
              num_filter=3, stride=(2, 2))
    conv_case("Convolution__1d", (2, 3, 9), "Convolution 1-D stride 2 pad 1", kernel=(3,), stride=(2,), pad=(1,),
              num_filter=4)
    conv_case("Convolution__1d_dilate", (1, 2, 10), "Convolution 1-D dilate 3", kernel=(2,), dilate=(3,),
              num_filter=2)
    conv_case("Convolution__3d", (1, 2, 4, 5, 4), "Convolution 3-D", kernel=(2, 3, 2), stride=(1, 2, 1),
              pad=(1, 0, 1), num_filter=3)
    conv_case("Convolution__no_bias", (2, 3, 5, 5), "Convolution no_bias", kernel=(3, 3), num_filter=2,
              no_bias=True)
    conv_case("Convolution__rect", (1, 2, 6, 7), "Convolution kernel (2,3) stride (1,2) pad (0,1)",
              kernel=(2, 3), stride=(1, 2), pad=(0, 1), num_filter=3)
    conv_case("Convolution__1x1", (2, 4, 3, 3), "Convolution 1x1", kernel=(1, 1), num_filter=5)
    conv_case("Convolution__float32", (2, 3, 5, 5), "Convolution 3x3", kernel=(3, 3), num_filter=4, f32=True)
    conv_case("Convolution__big_stride", (1, 2, 7, 7), "Convolution stride 3 (rows left over)", kernel=(2, 2),
              stride=(3, 3), num_filter=2)
    conv_case("Deconvolution__stride2_pad1_adj1", (1, 3, 4, 4), "Deconvolution stride 2 pad 1 adj 1",
              deconv=True, kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1), num_filter=2)
    conv_case("Deconvolution__bias", (2, 2, 3, 3), "Deconvolution with bias", deconv=True, kernel=(2, 2),
              num_filter=3, no_bias=False)
    conv_case("Deconvolution__1d", (2, 3, 5), "Deconvolution 1-D stride 2", deconv=True, kernel=(3,), stride=(2,),
              num_filter=2)
    conv_case("Deconvolution__3d", (1, 2, 2, 3, 2), "Deconvolution 3-D", deconv=True, kernel=(2, 2, 2),
              stride=(2, 1, 2), num_filter=2)
    conv_case("Deconvolution__groups", (1, 4, 3, 3), "Deconvolution num_group=2", deconv=True, kernel=(3, 3),
              num_group=2, num_filter=4)
    conv_case("Deconvolution__dilate", (1, 2, 3, 3), "Deconvolution dilate 2", deconv=True, kernel=(3, 3),
              dilate=(2, 2), num_filter=2)
    conv_case("Deconvolution__target_shape", (1, 2, 4, 4), "Deconvolution target_shape (8, 8)", deconv=True,
              kernel=(3, 3), stride=(2, 2), target_shape=(8, 8), num_filter=2)
    conv_case("Deconvolution__target_shape_odd", (1, 2, 3, 3), "Deconvolution target_shape (7, 6)", deconv=True,
              kernel=(3, 3), stride=(2, 2), target_shape=(7, 6), num_filter=2)
    conv_case("Deconvolution__float32", (1, 3, 4, 4), "Deconvolution", deconv=True, kernel=(3, 3), stride=(2, 2),
              num_filter=2, f32=True)
    # pooling
    pools = [
        ("max_s2", (2, 2, 6, 6), dict(kernel=(2, 2), stride=(2, 2), pool_type="max")),
        ("max_pad", (1, 2, 5, 5), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max")),
        ("avg_pad", (1, 2, 5, 5), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg")),
        ("avg_pad_exclude", (1, 2, 5, 5), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                                count_include_pad=False)),
        ("max_full", (1, 2, 6, 6), dict(kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full")),
        ("avg_full", (1, 2, 6, 6), dict(kernel=(3, 3), stride=(2, 2), pool_type="avg", pooling_convention="full")),
        ("avg_full_pad", (1, 1, 4, 4), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                            pooling_convention="full")),
        ("avg_full_pad_exclude", (1, 1, 4, 4), dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                                    pooling_convention="full", count_include_pad=False)),
        ("global_max", (2, 3, 4, 5), dict(kernel=(2, 2), global_pool=True, pool_type="max")),
        ("global_avg", (2, 3, 4, 5), dict(kernel=(1, 1), global_pool=True, pool_type="avg")),
        ("global_sum", (2, 3, 4, 5), dict(kernel=(1, 1), global_pool=True, pool_type="sum")),
        ("sum", (1, 2, 5, 5), dict(kernel=(2, 2), stride=(1, 2), pool_type="sum")),
        ("lp2", (1, 2, 4, 4), dict(kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=2)),
        ("lp3", (1, 2, 4, 4), dict(kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=3)),
        ("lp1", (1, 2, 4, 4), dict(kernel=(2, 2), stride=(1, 1), pool_type="lp", p_value=1)),
        ("max_1d", (2, 3, 9), dict(kernel=(3,), stride=(2,), pool_type="max")),
        ("avg_1d_pad", (2, 3, 7), dict(kernel=(3,), stride=(2,), pad=(1,), pool_type="avg")),
        ("max_3d", (1, 2, 4, 4, 4), dict(kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="max")),
        ("avg_3d", (1, 2, 3, 4, 4), dict(kernel=(2, 2, 2), stride=(1, 2, 2), pool_type="avg")),
        ("global_avg_3d", (1, 2, 3, 2, 2), dict(kernel=(1, 1, 1), global_pool=True, pool_type="avg")),
        ("max_rect", (1, 2, 5, 7), dict(kernel=(2, 3), stride=(1, 2), pad=(1, 1), pool_type="max")),
        ("avg_default", (1, 2, 4, 4), dict(kernel=(2, 2), pool_type="avg")),
    ]
    for tag, shp, kw in pools:
        out = sym.Pooling(data, name="pool", **kw)
        vals = distinct(shp, "pool" + tag)
        if kw.get("pool_type") == "lp":
            vals = np.abs(vals) + 0.1
        ops_case(f"Pooling__{tag}", out, {"data": vals}, "data", f"Pooling {kw}")
    ops_case("Pooling__max_float32", sym.Pooling(data, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool"),
             {"data": distinct((1, 2, 4, 4), "pf")}, "data", "Pooling max 2x2", dtype="float32")
    ops_case("Pooling__max_ties", sym.Pooling(data, kernel=(2, 2), stride=(1, 1), pool_type="max", name="pool"),
             {"data": ints((1, 1, 4, 4), 0, 2, seed="pt")}, "data", "Pooling max with ties")
    # BatchNorm family
    bn_in = lambda shp, C: {"data": shp, "bn_gamma": rng_for("g").uniform(0.5, 1.5, C),
                            "bn_beta": (C,), "bn_moving_mean": rng_for("m").normal(0, 0.1, C),
                            "bn_moving_var": rng_for("v").uniform(0.5, 1.5, C)}
    bn_all = "data,bn_gamma,bn_beta"
    ops_case("BatchNorm__fix_gamma_false", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((2, 3, 4), 3),
             bn_all, "BatchNorm fix_gamma=False train")
    ops_case("BatchNorm__default", sym.BatchNorm(data, name="bn"), bn_in((2, 3, 2, 2), 3), bn_all,
             "BatchNorm defaults (fix_gamma=True) train")
    ops_case("BatchNorm__global_stats", sym.BatchNorm(data, fix_gamma=False, use_global_stats=True, name="bn"),
             bn_in((2, 3, 4), 3), bn_all, "BatchNorm use_global_stats")
    ops_case("BatchNorm__axis_last", sym.BatchNorm(data, fix_gamma=False, axis=-1, momentum=0.7, name="bn"),
             bn_in((2, 3, 4), 4), bn_all, "BatchNorm axis=-1 momentum=0.7")
    ops_case("BatchNorm__axis2", sym.BatchNorm(data, fix_gamma=False, axis=2, eps=1e-5, name="bn"),
             bn_in((2, 3, 4, 2), 4), bn_all, "BatchNorm axis=2 eps=1e-5")
    ops_case("BatchNorm__2d", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((4, 3), 3), bn_all,
             "BatchNorm on (N, C)")
    ops_case("BatchNorm__mean_var", sym.BatchNorm(data, fix_gamma=False, output_mean_var=True, name="bn"),
             bn_in((3, 2, 2), 2), bn_all, "BatchNorm output_mean_var (three outputs)", suite="known")
    ops_case("BatchNorm__mean_var_fwd", sym.BatchNorm(data, fix_gamma=False, output_mean_var=True, name="bn"),
             bn_in((3, 2, 2), 2), (), "BatchNorm output_mean_var forward (inference)")
    ops_case("BatchNorm__infer", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((2, 3, 4), 3), (),
             "BatchNorm inference (moving statistics)")
    ops_case("BatchNorm__infer_grad", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((2, 3, 4), 3), bn_all,
             "BatchNorm gradients in inference mode (--mode infer)", mode="infer", suite="known")
    ops_case("BatchNorm__float32", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((2, 3, 4), 3), bn_all,
             "BatchNorm train", dtype="float32")
    ops_case("BatchNorm__gamma_only", sym.BatchNorm(data, fix_gamma=False, name="bn"), bn_in((2, 3, 4), 3),
             "bn_gamma", "BatchNorm gradient w.r.t. gamma only")
    ln_in = lambda shp, C: {"data": shp, "ln_gamma": rng_for("lg").uniform(0.5, 1.5, C), "ln_beta": (C,)}
    ops_case("LayerNorm__default", sym.LayerNorm(data, name="ln"), ln_in((2, 3, 4), 4), "data,ln_gamma,ln_beta",
             "LayerNorm defaults")
    ops_case("LayerNorm__axis1", sym.LayerNorm(data, axis=1, eps=1e-3, name="ln"), ln_in((2, 3, 4), 3),
             "data,ln_gamma,ln_beta", "LayerNorm axis=1 eps=1e-3")
    ops_case("LayerNorm__2d", sym.LayerNorm(data, name="ln"), ln_in((3, 5), 5), "data,ln_gamma,ln_beta",
             "LayerNorm 2-D")
    ops_case("LayerNorm__mean_std", sym.LayerNorm(data, output_mean_var=True, name="ln"), ln_in((2, 3, 4), 4),
             "data,ln_gamma,ln_beta", "LayerNorm output_mean_var (mean and std outputs)", suite="known")
    ops_case("LayerNorm__mean_std_fwd", sym.LayerNorm(data, output_mean_var=True, name="ln"), ln_in((2, 3, 4), 4),
             (), "LayerNorm output_mean_var forward")
    ops_case("LayerNorm__axis0", sym.LayerNorm(data, axis=0, name="ln"), ln_in((3, 4), 3), "data,ln_gamma,ln_beta",
             "LayerNorm axis=0")
    ops_case("LayerNorm__float32", sym.LayerNorm(data, name="ln"), ln_in((2, 3, 4), 4), "data,ln_gamma,ln_beta",
             "LayerNorm", dtype="float32")
    in_in = lambda shp, C: {"data": shp, "in_gamma": rng_for("ig").uniform(0.5, 1.5, C), "in_beta": (C,)}
    ops_case("InstanceNorm__4d", sym.InstanceNorm(data, name="in"), in_in((2, 3, 2, 3), 3), "data,in_gamma,in_beta",
             "InstanceNorm 4-D")
    ops_case("InstanceNorm__3d_eps", sym.InstanceNorm(data, eps=0.1, name="in"), in_in((2, 2, 5), 2),
             "data,in_gamma,in_beta", "InstanceNorm eps=0.1")
    for mode in ("instance", "channel", "spatial"):
        ops_case(f"L2Normalization__{mode}", sym.L2Normalization(data, mode=mode, name="l2"), {"data": (2, 3, 2, 2)},
                 "data", f"L2Normalization mode={mode}")
    ops_case("L2Normalization__2d", sym.L2Normalization(data, name="l2"), {"data": (3, 4)}, "data",
             "L2Normalization 2-D instance")
    ops_case("L2Normalization__eps", sym.L2Normalization(data, eps=0.5, mode="channel", name="l2"),
             {"data": (2, 3, 4)}, "data", "L2Normalization eps=0.5 channel 3-D")
    ops_case("L2Normalization__spatial3d", sym.L2Normalization(data, mode="spatial", name="l2"),
             {"data": (2, 3, 4)}, "data", "L2Normalization spatial 3-D")
    for act in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        ops_case(f"Activation__{act}", sym.Activation(data, act_type=act, name="act"), {"data": (3, 4)}, "data",
                 f"Activation {act}", low=-3, high=3)
        ops_case(f"Activation__{act}_float32", sym.Activation(data, act_type=act, name="act"), {"data": (3, 4)},
                 "data", f"Activation {act}", low=-3, high=3, dtype="float32")
    ops_case("Activation__softrelu_large", sym.Activation(data, act_type="softrelu", name="act"),
             {"data": np.array([-40.0, -20.5, 19.9, 20.1, 25.0, 60.0])}, "data", "softrelu around the x>20 cut")
    for tag, kw in [("leaky", dict(slope=0.1)), ("leaky_default", {}), ("elu", dict(act_type="elu")),
                    ("elu_slope", dict(act_type="elu", slope=1.3)), ("selu", dict(act_type="selu")),
                    ("gelu", dict(act_type="gelu"))]:
        # MXNet: x*slope in float32 (leaky), gelu in float32, selu's backward λ(y+α): see KNOWN
        known = tag in ("leaky", "leaky_default", "selu", "gelu")
        ops_case(f"LeakyReLU__{tag}", sym.LeakyReLU(data, name="lr", **kw), {"data": (3, 4)}, "data",
                 f"LeakyReLU {kw}", low=-3, high=3, suite="known" if known else "ops")
    ops_case("LeakyReLU__selu_fwd", sym.LeakyReLU(data, act_type="selu", name="lr"), {"data": (3, 4)}, (),
             "selu forward", low=-3, high=3)
    ops_case("LeakyReLU__selu_positive", sym.LeakyReLU(data, act_type="selu", name="lr"), {"data": (3, 4)}, "data",
             "selu on positive inputs", low=0.1, high=3)
    ops_case("LeakyReLU__prelu", sym.LeakyReLU(data, act_type="prelu", name="pr"),
             {"data": (2, 3, 4), "pr_gamma": rng_for("pg").uniform(0.1, 0.5, 3)}, "data,pr_gamma", "PReLU")
    ops_case("LeakyReLU__prelu_4d", sym.LeakyReLU(data, act_type="prelu", name="pr"),
             {"data": (2, 3, 2, 2), "pr_gamma": rng_for("pg").uniform(0.1, 0.5, 3)}, "data,pr_gamma", "PReLU 4-D")
    ops_case("LeakyReLU__prelu_2d", sym.LeakyReLU(data, act_type="prelu", name="pr"),
             {"data": (4, 3), "pr_gamma": rng_for("pg").uniform(0.1, 0.5, 3)}, "data,pr_gamma", "PReLU 2-D")
    ops_case("LeakyReLU__rrelu_infer", sym.LeakyReLU(data, act_type="rrelu", name="rr"), {"data": (3, 4)}, (),
             "rrelu inference (mean slope; the mask output is left uninitialized by MXNet)",
             skip_outputs=("rr_mask",))
    ops_case("LeakyReLU__leaky_zero", sym.LeakyReLU(data, slope=0.2, name="lr"),
             {"data": np.array([-1.0, 0.0, 1.0, -0.0])}, "data", "leaky at 0 (gradient = slope)")
    ops_case("LeakyReLU__float32_elu", sym.LeakyReLU(data, act_type="elu", name="lr"), {"data": (3, 4)}, "data",
             "elu", dtype="float32", low=-3, high=3)
    ops_case("Dropout__infer", sym.Dropout(data, p=0.5, name="do"), {"data": (3, 4)}, (), "Dropout at inference")
    ops_case("Dropout__infer_grad", sym.Dropout(data, p=0.3, name="do"), {"data": (3, 4)}, "data",
             "Dropout with --mode infer (identity gradient)", mode="infer")
    ops_case("Dropout__p0_train", sym.Dropout(data, p=0.0, name="do"), {"data": (3, 4)}, "data",
             "Dropout p=0 in training (identity)")
    ops_case("Dropout__axes_infer", sym.Dropout(data, p=0.5, axes=(1,), name="do"), {"data": (2, 3, 4)}, (),
             "Dropout axes at inference")
    ops_case("UpSampling__nearest2", sym.UpSampling(data, scale=2, sample_type="nearest", name="up"),
             {"data": (1, 2, 3, 3)}, "data", "UpSampling nearest scale 2")
    ops_case("UpSampling__nearest3", sym.UpSampling(data, scale=3, sample_type="nearest", num_args=1, name="up"),
             {"data": (2, 1, 2, 3)}, "data", "UpSampling nearest scale 3")
    ops_case("UpSampling__multi_concat", sym.UpSampling(a, b, scale=2, sample_type="nearest", num_args=2, name="up"),
             {"a": (1, 2, 2, 2), "b": (1, 3, 4, 4)}, "a,b", "UpSampling two inputs, concat mode")
    ops_case("UpSampling__multi_sum", sym.UpSampling(a, b, scale=2, sample_type="nearest", num_args=2,
                                                     multi_input_mode="sum", name="up"),
             {"a": (1, 2, 2, 2), "b": (1, 2, 4, 4)}, "a,b", "UpSampling two inputs, sum mode")
    ops_case("UpSampling__bilinear", sym.UpSampling(data, sym.Variable("up_weight"), scale=2, num_filter=2,
                                                    sample_type="bilinear", name="up"),
             {"data": (1, 2, 3, 3), "up_weight": (2, 1, 4, 4)}, "data,up_weight", "UpSampling bilinear")


def gen_loss():
    lab = sym.Variable("label")
    r = rng_for("labels")
    so = lambda **kw: sym.SoftmaxOutput(data, lab, name="softmax", **kw)
    ops_case("SoftmaxOutput__preserve_shape", so(preserve_shape=True),
             {"data": (2, 3, 4), "label": r.integers(0, 4, (2, 3)).astype(float)}, "data",
             "SoftmaxOutput preserve_shape=True (last axis)")
    ops_case("SoftmaxOutput__multi_ignore", so(multi_output=True, use_ignore=True, ignore_label=1),
             {"data": (2, 3, 4), "label": np.array([[0.0, 1, 2, 1], [1, 1, 0, 2]])}, "data",
             "SoftmaxOutput multi_output use_ignore")
    ops_case("SoftmaxOutput__multi_valid", so(multi_output=True, use_ignore=True, ignore_label=2,
                                              normalization="valid"),
             {"data": (2, 3, 4), "label": np.array([[0.0, 1, 2, 1], [2, 1, 0, 2]])}, "data",
             "SoftmaxOutput multi_output normalization=valid")
    ops_case("SoftmaxOutput__multi_batch", so(multi_output=True, normalization="batch"),
             {"data": (2, 3, 2, 2), "label": r.integers(0, 3, (2, 2, 2)).astype(float)}, "data",
             "SoftmaxOutput multi_output 4-D normalization=batch")
    ops_case("SoftmaxOutput__multi_label3d", so(multi_output=True),
             {"data": (2, 3, 4), "label": r.integers(0, 3, (2, 1, 4)).astype(float)}, "data",
             "SoftmaxOutput multi_output label (N, 1, d)")
    ops_case("SoftmaxOutput__smooth", so(smooth_alpha=0.2), {"data": (4, 5), "label": np.array([0.0, 4, 2, 2])},
             "data", "SoftmaxOutput smooth_alpha=0.2")
    ops_case("SoftmaxOutput__smooth_ignore", so(smooth_alpha=0.1, use_ignore=True, ignore_label=0,
                                                normalization="valid"),
             {"data": (4, 5), "label": np.array([0.0, 4, 2, 0])}, "data", "SoftmaxOutput smooth_alpha with ignore")
    ops_case("SoftmaxOutput__prob_label", so(), {"data": (3, 4), "label": rng_for("pl").dirichlet(np.ones(4), 3)},
             "data", "SoftmaxOutput with probability labels (label shape = data shape)")
    ops_case("SoftmaxOutput__grad_scale_valid", so(grad_scale=0.5, normalization="valid"),
             {"data": (4, 3), "label": np.array([0.0, -1.0, 2.0, -1.0])}, "data",
             "SoftmaxOutput grad_scale=0.5 normalization=valid (labels -1 counted invalid)")
    ops_case("SoftmaxOutput__out_of_range", so(), {"data": (3, 4), "label": np.array([5.0, -2.0, 1.7])}, "data",
             "SoftmaxOutput labels out of range and fractional")
    ops_case("SoftmaxOutput__ignore_frac", so(use_ignore=True, ignore_label=-1),
             {"data": (3, 4), "label": np.array([-1.5, 2.0, -1.0])}, "data", "SoftmaxOutput ignore -1, label -1.5")
    ops_case("SoftmaxOutput__4d_flat", so(), {"data": (2, 3, 2), "label": np.array([[1.0, 0], [2, 1], [0, 0]])[:2]},
             "data", "SoftmaxOutput 3-D data without flags (rows flattened)")
    ops_case("SoftmaxOutput__float32", so(normalization="batch"), {"data": (3, 4), "label": np.array([1.0, 0, 3])},
             "data", "SoftmaxOutput batch", dtype="float32")
    ops_case("Softmax__alias", sym.Softmax(data, lab, name="softmax"), {"data": (3, 4), "label": np.array([1.0, 0, 3])},
             "data", "Softmax alias of SoftmaxOutput")
    ops_case("SoftmaxOutput__auto_label", sym.SoftmaxOutput(data, name="sm"),
             {"data": (3, 4), "sm_label": np.array([1.0, 0, 3])}, "data", "SoftmaxOutput auto-named label")
    ops_case("SoftmaxOutput__out_grad", so(out_grad=True), {"data": (3, 4), "label": np.array([1.0, 0, 3])},
             "data", "SoftmaxOutput out_grad=True")
    ops_case("LinearRegressionOutput__3d", sym.LinearRegressionOutput(data, lab, name="lro"),
             {"data": (2, 3, 4), "label": (2, 3, 4)}, "data", "LinearRegressionOutput 3-D (divides by 12)")
    ops_case("LinearRegressionOutput__label_n", sym.LinearRegressionOutput(data, lab, name="lro"),
             {"data": (4, 1), "label": (4,)}, "data", "LinearRegressionOutput label (N,) for (N,1) data")
    ops_case("LinearRegressionOutput__1d", sym.LinearRegressionOutput(data, lab, grad_scale=2.0, name="lro"),
             {"data": (5,), "label": (5,)}, "data", "LinearRegressionOutput 1-D data grad_scale=2")
    ops_case("LogisticRegressionOutput__grad_scale", sym.LogisticRegressionOutput(data, lab, grad_scale=3.0,
                                                                                  name="lro"),
             {"data": (3, 4), "label": ints((3, 4), 0, 2)}, "data", "LogisticRegressionOutput grad_scale=3")
    ops_case("MAERegressionOutput__3d", sym.MAERegressionOutput(data, lab, name="mae"),
             {"data": (2, 2, 3), "label": (2, 2, 3)}, "data", "MAERegressionOutput 3-D")
    ops_case("LinearRegressionOutput__float32", sym.LinearRegressionOutput(data, lab, name="lro"),
             {"data": (3, 2), "label": (3, 2)}, "data", "LinearRegressionOutput", dtype="float32")
    ops_case("MakeLoss__valid_thresh", sym.MakeLoss(x, normalization="valid", valid_thresh=0.3, name="ml"),
             {"x": (3, 4)}, "x", "MakeLoss normalization=valid valid_thresh=0.3")
    ops_case("MakeLoss__batch_3d", sym.MakeLoss(sym.sum(x * x, axis=1), normalization="batch", name="ml"),
             {"x": (4, 3)}, "x", "MakeLoss(sum(x*x, axis=1)) normalization=batch")
    ops_case("MakeLoss__composite", sym.MakeLoss(sym.log(x), grad_scale=0.25, name="ml"), {"x": (3, 4)}, "x",
             "MakeLoss(log(x)) grad_scale=0.25", low=0.5, high=2)
    ops_case("MakeLoss__valid_none", sym.MakeLoss(x, normalization="valid", name="ml"), {"x": (2, 3)}, "x",
             "MakeLoss valid with no element above threshold (min 1)", low=-2, high=-0.5)
    ops_case("MakeLoss__group", sym.Group([sym.MakeLoss(x * y, name="ml"), sym.BlockGrad(x + y, name="bg")]),
             {"x": (2, 3), "y": (2, 3)}, "x,y", "Group of MakeLoss and BlockGrad heads")
    ops_case("BlockGrad__head_grad_ignored", sym.BlockGrad(x, name="bg") * y, {"x": (2, 3), "y": (2, 3)}, "x,y",
             "BlockGrad(x) * y")


def gen_creation():
    def cr(cid, s, desc):
        ops_case(cid, s, {}, (), desc)
    cr("_zeros__int32", sym.zeros((2, 3), dtype="int32"), "_zeros int32")
    cr("_ones__3d", sym.ones((2, 1, 3)), "_ones 3-D float32")
    cr("_full__neg_int64", sym.full((2, 2), -3.7, dtype="int64"), "_full value=-3.7 dtype=int64")
    cr("_full__f64", sym.full((3,), 0.1, dtype="float64"), "_full float64 0.1")
    cr("_arange__neg_step", sym.arange(5, -1, -1.5), "_arange negative step")
    cr("_arange__stop_none", sym.arange(6), "_arange stop=None")
    cr("_arange__int64", sym.arange(2, 9, 2, repeat=2, dtype="int64"), "_arange int64 repeat=2")
    cr("_arange__f64", sym.arange(0.5, 2.0, 0.25, dtype="float64"), "_arange float64")
    cr("_eye", sym.eye(3, 4, 1), "_eye N=3 M=4 k=1")
    cr("_eye__neg_k", sym.eye(4, k=-2, dtype="int32"), "_eye k=-2 int32")
    ops_case("_zeros__plus_x", x + sym.zeros((2, 3)), {"x": (2, 3)}, "x", "x + zeros")
    ops_case("_ones__mul_x", x * sym.ones((2, 3), dtype="float64"), {"x": (2, 3)}, "x", "x * ones(float64)")


# ------------------------------------------------------------------------------------------------
# shapes
# ------------------------------------------------------------------------------------------------

def _dt(t):
    return None if t is None else np.dtype(t).name


def shape_case(cid: str, out, shapes: dict, types: dict | None = None, partial: bool = False, desc: str = "",
               fail: bool = False, declared: bool = False) -> None:
    if not G.wanted("shapes", cid):
        return
    types = types or {}
    step = ["infer-shape", "{case}/graph.json"]
    for n, s in shapes.items():
        step += ["-s", f"{n}={','.join(map(str, s))}"]
    for n, t in types.items():
        step += ["-t", f"{n}={t}"]
    step.append("--json")
    if partial:
        step.append("--partial")
    path_ok = True
    if fail:
        expect = {"exit": 1, "stderr_one_line": True}
        try:
            res = out.infer_shape(**shapes)
            if res[0] is not None and not partial:
                path_ok = False
        except mx.base.MXNetError:
            pass
        if not path_ok:
            G.skipped.append(f"shapes/{cid}: MXNet accepts it")
            return
    else:
        try:
            if partial:
                arg_s, out_s, aux_s = out.infer_shape_partial(**shapes)
            else:
                arg_s, out_s, aux_s = out.infer_shape(**shapes)
            # MXNet's dtypes from the given ones; variables nothing decides get float32 (simple_bind)
            tdict = dict(types) or {n: "float32" for n in shapes}
            arg_t, _, aux_t = out.infer_type_partial(**tdict)
            names = out.list_arguments() + out.list_auxiliary_states()
            for n, t in zip(names, list(arg_t) + list(aux_t)):
                if t is None:
                    tdict[n] = "float32"
            arg_t, out_t, aux_t = out.infer_type(**tdict) if names else out.infer_type()
        except mx.base.MXNetError as e:
            G.skipped.append(f"shapes/{cid}: MXNet error {str(e).splitlines()[0][:100]}")
            return

        def known(s):
            return s is not None and len(s) > 0 and all(v > 0 for v in s)

        def entry(s, t):
            return {"shape": list(s), "dtype": _dt(t)}
        argsj = {n: entry(s, t) for n, s, t in zip(out.list_arguments(), arg_s, arg_t) if known(s)}
        outsj = {n: entry(s, t) for n, s, t in zip(out.list_outputs(), out_s, out_t) if known(s)}
        auxj = {n: entry(s, t) for n, s, t in zip(out.list_auxiliary_states(), aux_s, aux_t) if known(s)}
        unknown = [n for n, s in zip(out.list_arguments(), arg_s) if not known(s)]  # arguments only (cli.md)
        expect = {"exit": 0, "json_stdout": {"arguments": argsj, "outputs": outsj, "auxiliary_states": auxj,
                                             "unknown": unknown}}
    path = G.folder("shapes", cid)
    case = {"description": (desc or cid) + ("" if fail else " (expected JSON from MXNet 1.9.1 infer_shape/infer_type)"),
            "steps": [step], "expect": expect}
    G.write(path, case, out.tojson(), {})


def gen_shapes():
    d = data
    # a conv net with many kinds of layers
    net = sym.Convolution(d, kernel=(3, 3), num_filter=8, pad=(1, 1), name="c1")
    net = sym.BatchNorm(net, name="bn1")
    net = sym.LeakyReLU(net, act_type="prelu", name="pr1")
    net = sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pooling_convention="full", pool_type="max", name="p1")
    net = sym.Convolution(net, kernel=(1, 1), num_filter=4, num_group=2, no_bias=True, name="c2")
    net = sym.Deconvolution(net, kernel=(4, 4), stride=(2, 2), pad=(1, 1), num_filter=6, name="dc1")
    net = sym.InstanceNorm(net, name="in1")
    net = sym.Pooling(net, kernel=(1, 1), global_pool=True, pool_type="avg", name="gp")
    net = sym.Flatten(net, name="fl")
    net = sym.FullyConnected(net, num_hidden=5, name="fc")
    net = sym.SoftmaxOutput(net, name="softmax")
    shape_case("convnet_big", net, {"data": (2, 3, 9, 9)}, desc="conv/BN/PReLU/full pool/group conv/deconv/"
               "InstanceNorm/global pool/FC/SoftmaxOutput: every weight, aux and label shape")
    shape_case("convnet_big__float64", net, {"data": (2, 3, 9, 9)}, {"data": "float64"},
               desc="the same net with -t data=float64")
    shape_case("convnet_big__float16", net, {"data": (2, 3, 9, 9)}, {"data": "float16"},
               desc="the same net with float16 data (BatchNorm params and aux float32)")
    c1d = sym.Convolution(d, kernel=(3,), stride=(2,), num_filter=4, name="c1")
    c1d = sym.Pooling(c1d, kernel=(2,), pool_type="avg", name="p1")
    shape_case("conv1d", sym.FullyConnected(c1d, num_hidden=3, flatten=False, name="fc"), {"data": (2, 3, 11)},
               desc="1-D conv, 1-D pool, FC flatten=False")
    c3d = sym.Convolution(d, kernel=(2, 2, 2), pad=(1, 1, 1), num_filter=2, dilate=(2, 1, 1), name="c1")
    c3d = sym.Deconvolution(c3d, kernel=(2, 2, 2), stride=(2, 2, 2), adj=(1, 0, 1), num_filter=3, no_bias=False,
                            name="dc")
    shape_case("conv3d_deconv", c3d, {"data": (1, 2, 4, 5, 6)}, desc="3-D conv with dilate, 3-D deconv with adj")
    dct = sym.Deconvolution(d, kernel=(3, 3), stride=(2, 2), target_shape=(9, 10), num_filter=2, name="dc")
    shape_case("deconv_target_shape", dct, {"data": (1, 3, 5, 5)}, desc="Deconvolution target_shape")
    bnl = sym.BatchNorm(d, axis=-1, name="bn")
    shape_case("batchnorm_axis_last", sym.LayerNorm(bnl, axis=1, name="ln"), {"data": (2, 3, 5)},
               desc="BatchNorm axis=-1 then LayerNorm axis=1")
    shape_case("batchnorm_mean_var", sym.BatchNorm(d, output_mean_var=True, name="bn"), {"data": (4, 3, 2)},
               desc="BatchNorm output_mean_var: three outputs")
    emb = sym.Embedding(d, input_dim=10, output_dim=4, name="emb")
    emb = sym.FullyConnected(emb, num_hidden=3, flatten=False, name="fc")
    shape_case("embedding_fc", emb, {"data": (2, 5)}, desc="Embedding then FC flatten=False")
    shape_case("embedding_int32", emb, {"data": (2, 5)}, {"data": "int32"},
               desc="Embedding with int32 data: weight float32")
    emb64 = sym.Embedding(d, input_dim=10, output_dim=4, dtype="float64", name="emb")
    shape_case("embedding_dtype64", emb64, {"data": (3,)}, desc="Embedding dtype=float64")
    lab = sym.Variable("label")
    shape_case("softmax_multi_output", sym.SoftmaxOutput(d, lab, multi_output=True, name="sm"),
               {"data": (2, 4, 3, 3)}, desc="SoftmaxOutput multi_output: label (N, H*W)")
    shape_case("softmax_preserve", sym.SoftmaxOutput(d, preserve_shape=True, name="sm"), {"data": (2, 4, 3)},
               desc="SoftmaxOutput preserve_shape: label shape")
    shape_case("regression_label", sym.LinearRegressionOutput(sym.FullyConnected(d, num_hidden=2, name="fc"),
                                                              name="lro"), {"data": (3, 5)},
               desc="LinearRegressionOutput label shape from FC output")
    shape_case("logistic_label", sym.LogisticRegressionOutput(d, name="lro"), {"data": (3, 4, 2)},
               desc="LogisticRegressionOutput label")
    # concat, broadcast, backward inference
    cc = sym.Concat(a, b, c, dim=1, name="cc")
    shape_case("concat_fill", cc + x, {"a": (2, 3), "b": (2, 4), "x": (2, 10)},
               desc="Concat's missing input c inferred from the output shape")
    shape_case("broadcast_rank", sym.broadcast_mul(x, y, name="bm"), {"x": (2, 3, 4), "y": (4,)},
               desc="broadcast_mul with a rank difference")
    shape_case("elemwise_chain", sym.elemwise_add(sym.elemwise_mul(x, y), z), {"z": (3, 2)},
               desc="x*y+z with only z given: x and y inferred backward")
    shape_case("dot_shapes", sym.dot(a, b, transpose_a=True, name="dot0"), {"a": (4, 3, 2), "b": (4, 5)},
               desc="dot transpose_a on 3-D")
    shape_case("batch_dot_shapes", sym.batch_dot(a, b, transpose_b=True, name="bd"), {"a": (2, 3, 4), "b": (2, 5, 4)},
               desc="batch_dot transpose_b")
    shape_case("reshape_chain", sym.Reshape(sym.transpose(x, axes=(0, 2, 1)), shape=(-1, 0, 2), reverse=True) * y,
               {"x": (2, 3, 4)}, desc="transpose then Reshape reverse, y inferred")
    shape_case("slice_tile_repeat", sym.repeat(sym.tile(sym.slice(x, begin=(None, 1), end=(None, None), step=(1, 2)),
                                                        reps=(2, 1)), repeats=3, axis=0), {"x": (3, 7)},
               desc="slice step, tile, repeat")
    shape_case("pad_upsampling", sym.UpSampling(sym.pad(x, mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 2, 2)),
                                                scale=2, sample_type="nearest"), {"x": (1, 2, 3, 3)},
               desc="pad then UpSampling")
    shape_case("topk_dtype", sym.Group([sym.topk(x, k=2, ret_typ="both", dtype="int32", name="tk"),
                                        sym.argsort(x, name="as"), sym.argmax(x, axis=1, name="am"),
                                        sym.one_hot(sym.Variable("idx"), depth=3, name="oh"),
                                        sym.shape_array(x, name="sa")]),
               {"x": (3, 4), "idx": (2,)}, desc="dtypes of topk/argsort/argmax/one_hot/shape_array outputs")
    shape_case("cast_chain", sym.Cast(sym.Cast(x, dtype="int32") + y, dtype="float64"), {"x": (2, 2)},
               {"x": "float32"}, desc="Cast to int32, add y (inferred int32), Cast to float64")
    shape_case("split_stack", sym.stack(*sym.SliceChannel(x, num_outputs=3, axis=1, squeeze_axis=True), axis=0),
               {"x": (2, 3, 4)}, desc="SliceChannel squeeze then stack")
    shape_case("prelu_gamma", sym.LeakyReLU(d, act_type="prelu", name="pr"), {"data": (2, 5, 3)},
               desc="PReLU gamma shape")
    shape_case("upsampling_bilinear", sym.UpSampling(d, scale=2, num_filter=3, sample_type="bilinear", name="up"),
               {"data": (1, 3, 4, 4)}, desc="UpSampling bilinear weight shape")
    shape_case("partial_fc_weight", sym.FullyConnected(d, num_hidden=4, name="fc") + sym.FullyConnected(
        x, num_hidden=4, name="fc2"), {"data": (2, 6)}, partial=True,
        desc="--partial: second FC's data cannot be inferred from its weight or the sum")
    shape_case("partial_all_known", sym.FullyConnected(d, num_hidden=4, name="fc"), {"data": (2, 6)}, partial=True,
               desc="--partial with everything known")
    shape_case("softmax_label_int", sym.SoftmaxOutput(d, lab, name="sm"), {"data": (3, 4)},
               {"data": "float64", "label": "float64"}, desc="SoftmaxOutput float64")
    shape_case("norm_layers", sym.L2Normalization(sym.Activation(sym.LayerNorm(d, name="ln"), act_type="softrelu"),
                                                  mode="spatial"), {"data": (2, 3, 4)}, desc="LayerNorm/Activation/L2")
    shape_case("where_rows", sym.where(sym.Variable("cond"), x, y), {"cond": (3,), "x": (3, 4)},
               desc="where with a 1-D condition, y inferred")
    shape_case("take_pick", sym.pick(sym.take(a, sym.Variable("i"), axis=1), sym.Variable("j"), axis=0),
               {"a": (4, 5), "i": (2, 3)}, desc="take then pick; pick index inferred")
    shape_case("reduce_keepdims", sym.broadcast_sub(x, sym.mean(x, axis=(1, 2), keepdims=True)),
               {"x": (2, 3, 4)}, desc="x - mean(x, keepdims)")
    shape_case("creation_ops", sym.Group([sym.zeros((2, 3), dtype="int32"), sym.arange(0, 5, 2, dtype="float64"),
                                          sym.eye(3), sym.full((1, 2), 2.0, dtype="int64")]), {},
               desc="creation ops: shapes and dtypes from attributes")
    gen_backward_inference()
    # conflicts
    shape_case("conflict__concat", sym.Concat(a, b, dim=1, name="cc"), {"a": (2, 3), "b": (3, 3)}, fail=True,
               desc="Concat with mismatched non-concat dims: exit 1 with one line on stderr (MXNet also refuses)")
    shape_case("conflict__broadcast", sym.broadcast_add(x, y, name="ba"), {"x": (2, 3), "y": (4, 3)}, fail=True,
               desc="broadcast_add of incompatible shapes: exit 1 (MXNet also refuses)")
    shape_case("conflict__conv_weight", sym.Convolution(d, sym.Variable("w"), kernel=(3, 3), num_filter=4,
                                                        no_bias=True, name="cv"),
               {"data": (1, 3, 8, 8), "w": (4, 2, 3, 3)}, fail=True,
               desc="Convolution weight with the wrong channel count: exit 1 (MXNet also refuses)")
    shape_case("conflict__dot", sym.dot(a, b, name="dot0"), {"a": (2, 3), "b": (4, 3)}, fail=True,
               desc="dot shape mismatch: exit 1 (MXNet also refuses)")
    shape_case("conflict__reshape", sym.Reshape(x, shape=(-1, -1), name="rs"), {"x": (2, 3)}, fail=True,
               desc="Reshape with two -1: exit 1 (MXNet also refuses)")
    shape_case("conflict__batch_dot", sym.batch_dot(a, b, name="bd"), {"a": (2, 3, 4), "b": (3, 4, 5)}, fail=True,
               desc="batch_dot with different batch sizes: exit 1 (MXNet also refuses)")
    shape_case("conflict__pool_kernel", sym.Pooling(d, kernel=(5, 5), pool_type="max", name="p"),
               {"data": (1, 1, 3, 3)}, fail=True, desc="Pooling kernel larger than input: exit 1 (MXNet also refuses)")
    shape_case("conflict__bn_gamma", sym.BatchNorm(d, sym.Variable("g"), name="bn"), {"data": (2, 3, 4), "g": (4,)},
               fail=True, desc="BatchNorm gamma of the wrong size: exit 1 (MXNet also refuses)")
    shape_case("conflict__unknown_no_partial", sym.Concat(a, b, dim=0, name="cc"), {"a": (2, 3)}, fail=True,
               desc="b unknown without --partial: exit 1 (one line on stderr)")
    shape_case("conflict__split", sym.SliceChannel(x, num_outputs=3, axis=1, name="sc"), {"x": (2, 4)}, fail=True,
               desc="SliceChannel with an indivisible axis: exit 1 (MXNet also refuses)")


def gen_backward_inference():
    """op(x) + y with only y's shape (and dtype) given, under --partial: what each operator infers
    backwards (from its output) and what it leaves unknown, exactly as MXNet does."""
    w = sym.Variable("w")
    table = [
        ("relu", sym.relu(x), (2, 3)), ("Activation", sym.Activation(x, act_type="tanh"), (2, 3)),
        ("LeakyReLU", sym.LeakyReLU(x, slope=0.1), (2, 3)), ("prelu", sym.LeakyReLU(x, act_type="prelu", name="pr"),
                                                               (2, 3)),
        ("Dropout", sym.Dropout(x), (2, 3)), ("BatchNorm", sym.BatchNorm(x, name="bn"), (2, 3)),
        ("LayerNorm", sym.LayerNorm(x, name="ln"), (2, 3)), ("InstanceNorm", sym.InstanceNorm(x, name="in"),
                                                             (2, 3, 4)),
        ("L2Normalization", sym.L2Normalization(x), (2, 3)), ("softmax", sym.softmax(x), (2, 3)),
        ("log_softmax", sym.log_softmax(x, axis=0), (2, 3)), ("SoftmaxActivation", sym.SoftmaxActivation(x), (2, 3)),
        ("FullyConnected", sym.FullyConnected(x, num_hidden=3, name="fc"), (2, 3)),
        ("FullyConnected_no_bias", sym.FullyConnected(x, num_hidden=3, no_bias=True, name="fc"), (2, 3)),
        ("Convolution", sym.Convolution(x, kernel=(3, 3), num_filter=2, name="cv"), (1, 2, 4, 4)),
        ("Deconvolution", sym.Deconvolution(x, kernel=(3, 3), num_filter=2, name="dc"), (1, 2, 4, 4)),
        ("Pooling", sym.Pooling(x, kernel=(2, 2), pool_type="max"), (1, 2, 3, 3)),
        ("Flatten", sym.Flatten(x), (2, 6)), ("Reshape", sym.Reshape(x, shape=(-1, 6)), (2, 6)),
        ("transpose", sym.transpose(x), (3, 2)), ("expand_dims", sym.expand_dims(x, axis=1), (2, 1, 3)),
        ("sum", sym.sum(x, axis=1), (2,)), ("Cast", sym.Cast(x, dtype="float64"), (2, 3)),
        ("clip", sym.clip(x, 0, 1), (2, 3)), ("sigmoid", sym.sigmoid(x), (2, 3)), ("mul_scalar", x * 2.0, (2, 3)),
        ("broadcast_add", sym.broadcast_add(x, w), (2, 3)), ("elemwise_mul", x * w, (2, 3)),
        ("Concat", sym.Concat(x, w, dim=1), (2, 5)), ("SliceChannel", sym.SliceChannel(x, num_outputs=2)[0], (2, 3)),
        ("slice", sym.slice(x, begin=(0,), end=(2,)), (2, 3)), ("tile", sym.tile(x, reps=(2,)), (2, 6)),
        ("repeat", sym.repeat(x, repeats=2, axis=0), (4, 3)),
        ("pad", sym.pad(x, mode="constant", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)), (1, 1, 4, 4)),
        ("UpSampling", sym.UpSampling(x, scale=2, sample_type="nearest"), (1, 1, 4, 4)),
        ("Embedding", sym.Embedding(x, input_dim=5, output_dim=3, name="emb"), (2, 3)),
        ("take", sym.take(w, x), (2, 3)), ("dot", sym.dot(x, w), (2, 3)),
        ("batch_dot", sym.batch_dot(x, w), (2, 2, 3)), ("SwapAxis", sym.SwapAxis(x, dim1=0, dim2=1), (3, 2)),
        ("squeeze", sym.squeeze(x), (2, 3)), ("stack", sym.stack(x, w), (2, 2, 3)), ("reverse", sym.reverse(x, axis=0),
                                                                                     (2, 3)),
        ("where", sym.where(w, x, x), (2, 3)), ("BlockGrad", sym.BlockGrad(x), (2, 3)),
        ("MakeLoss", sym.MakeLoss(x), (2, 3)), ("SoftmaxOutput", sym.SoftmaxOutput(x, name="so"), (2, 3)),
        ("LinearRegressionOutput", sym.LinearRegressionOutput(x, name="lro"), (2, 3)),
        ("sort", sym.sort(x), (2, 3)), ("topk", sym.topk(x, k=2, ret_typ="value"), (2, 2)),
        ("argsort", sym.argsort(x), (2, 3)), ("argmax", sym.argmax(x, axis=1), (2,)),
        ("one_hot", sym.one_hot(x, depth=3), (2, 3)), ("zeros_like", sym.zeros_like(x), (2, 3)),
        ("shape_array", sym.shape_array(x), (2,)), ("add_n", sym.add_n(x, w), (2, 3)),
        ("identity", sym.identity(x), (2, 3)), ("broadcast_to", sym.broadcast_to(x, shape=(2, 3)), (2, 3)),
        ("broadcast_like", sym.broadcast_like(x, w), (2, 3)), ("reshape_like", sym.reshape_like(x, w), (2, 3)),
        ("slice_like", sym.slice_like(x, w), (2, 3)), ("slice_axis", sym.slice_axis(x, axis=0, begin=0, end=2),
                                                        (2, 3)),
        ("pick", sym.pick(x, w), (2,)), ("norm", sym.norm(x, axis=1), (2,)), ("mean", sym.mean(x), (1,)),
        ("max_keepdims", sym.max(x, axis=1, keepdims=True), (2, 1)), ("negative", sym.negative(x), (2, 3)),
        ("power_scalar", x ** 2.0, (2, 3)), ("softmin", sym.softmin(x), (2, 3)), ("make_loss", sym.make_loss(x),
                                                                                (2, 3)),
        ("ones_like", sym.ones_like(x), (2, 3)), ("hard_sigmoid", sym.hard_sigmoid(x), (2, 3)),
        ("broadcast_axis", sym.broadcast_axis(x, axis=0, size=2), (2, 3)), ("abs", sym.abs(x), (2, 3)),
    ]
    for tag, f, yshape in table:
        out = f + y if tag not in ("SliceChannel",) else f + y
        shape_case(f"backward__{tag}", out, {"y": yshape}, partial=True,
                   desc=f"{tag}(x) + y with only y given (--partial): what is inferred backwards")
        shape_case(f"backward_dtype__{tag}", out, {"y": yshape}, {"y": "float64"}, partial=True,
                   desc=f"{tag}(x) + y with only y given, y float64 (--partial): dtypes inferred backwards")


# ------------------------------------------------------------------------------------------------
# higher
# ------------------------------------------------------------------------------------------------

def mx_grad(out, vals: dict, wrt: list) -> dict:
    nd_args = {n: mx.nd.array(v, dtype="float64") for n, v in vals.items()}
    grads = {n: mx.nd.zeros(vals[n].shape, dtype="float64") for n in wrt}
    req = {n: ("write" if n in wrt else "null") for n in out.list_arguments()}
    ex = out.bind(mx.cpu(), nd_args, args_grad=grads, grad_req=req)
    outs = ex.forward(is_train=True)
    ex.backward([mx.nd.ones(o.shape, dtype="float64") for o in outs])
    return {n: ex.grad_dict[n].asnumpy().copy() for n in wrt}


def fd_directional(out, vals, directions: dict, wrt, h):
    """Richardson-extrapolated central difference of MXNet's gradient along `directions` (name -> array)."""
    def d(hh):
        p = {k: (v + hh * directions[k] if k in directions else v) for k, v in vals.items()}
        gp = mx_grad(out, p, wrt)
        p = {k: (v - hh * directions[k] if k in directions else v) for k, v in vals.items()}
        gm = mx_grad(out, p, wrt)
        return {n: (gp[n] - gm[n]) / (2 * hh) for n in wrt}
    d1, d2 = d(h), d(h / 2)
    return {n: (4 * d2[n] - d1[n]) / 3 for n in wrt}


def fd_checked(out, vals, directions, wrt, h=1e-3):
    """None when two step sizes disagree (a kink nearby)."""
    r1 = fd_directional(out, vals, directions, wrt, h)
    r2 = fd_directional(out, vals, directions, wrt, h * 2.5)
    for n in wrt:
        if not np.allclose(r1[n], r2[n], rtol=1e-7, atol=1e-9):
            return None
    return r1


def higher_cases(cid: str, *args, **kw):
    try:
        _higher_cases(cid, *args, **kw)
    except mx.base.MXNetError as e:
        G.skipped.append(f"higher/{cid}: MXNet error {str(e).splitlines()[0][:120]}")


def _higher_cases(cid: str, out, spec: dict, wrt: str = "x", low=-1.0, high=1.0, desc="", suite="higher"):
    """`<cid>__grad2` (grad twice then run; Hessian of sum(f) times ones) and, for scalar f,
    `<cid>__hessian`."""
    vals = _values(cid, out, spec, low, high)
    vals = {k: v.astype(np.float64) for k, v in vals.items()}
    names = wrt.split(",")
    if G.wanted(suite, cid + "__grad2"):
        r = fd_checked(out, vals, {n: np.ones_like(vals[n]) for n in names}, names)
        if r is None:
            G.skipped.append(f"higher/{cid}__grad2: finite differences disagree")
        else:
            path = G.folder(suite, cid + "__grad2")
            case = {"description": f"grad twice w.r.t. {wrt} of {desc or cid}, then run: Hessian x ones of sum(f) "
                                   "(finite differences of MXNet's float64 gradient), compared by position",
                    "steps": [["grad", "{case}/graph.json", "--wrt", wrt, "-o", "{tmp}/g1.json"],
                              ["grad", "{tmp}/g1.json", "--wrt", wrt, "-o", "{tmp}/g2.json"],
                              ["run", "{tmp}/g2.json", "--inputs", "{case}/inputs.npz", "--dtype", "float64",
                               "-o", "{tmp}/out.npz"]],
                    "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                                  "rtol": HIGHER_TOL[0], "atol": HIGHER_TOL[1], "by_position": True}}}
            G.write(path, case, out.tojson(), {"inputs.npz": vals,
                                               "expected.npz": {f"hvp:{n}": r[n] for n in names}})
    # full Hessian of a scalar function
    shapes = out.infer_shape(**{k: v.shape for k, v in vals.items()})[1]
    if len(shapes) == 1 and int(np.prod(shapes[0])) == 1:
        hname = cid + "__hessian"
        if not G.wanted(suite, hname):
            return
        expected = {}
        for i, va in enumerate(names):
            n = vals[va].size
            cols = {nb: np.zeros((n,) + vals[nb].shape) for nb in names[i:]}
            ok = True
            for j in range(n):
                e = np.zeros(n)
                e[j] = 1.0
                r = fd_checked(out, vals, {va: e.reshape(vals[va].shape)}, names[i:])
                if r is None:
                    ok = False
                    break
                for nb in names[i:]:
                    cols[nb][j] = r[nb]
            if not ok:
                G.skipped.append(f"higher/{hname}: finite differences disagree")
                return
            expected[f"hessian:{va}"] = cols[va].reshape(vals[va].shape + vals[va].shape)
            for nb in names[i + 1:]:
                expected[f"hessian:{va}:{nb}"] = cols[nb].reshape(vals[va].shape + vals[nb].shape)
        path = G.folder(suite, hname)
        case = {"description": f"full Hessian of {desc or cid} w.r.t. {wrt} (finite differences of MXNet's float64 "
                               "gradient)",
                "steps": [["hessian", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--wrt", wrt,
                           "-o", "{tmp}/out.npz"]],
                "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                              "rtol": HIGHER_TOL[0], "atol": HIGHER_TOL[1]}}}
        G.write(path, case, out.tojson(), {"inputs.npz": vals, "expected.npz": expected})


def gen_higher():
    S = (4,)
    pos = dict(low=0.5, high=2.0)
    unit = dict(low=-0.8, high=0.8)
    for name, kw in [("tan", unit), ("arctan", {}), ("sinh", {}), ("cosh", {}), ("arcsinh", {}), ("sqrt", pos),
                     ("rsqrt", pos), ("cbrt", pos), ("rcbrt", pos), ("square", {}), ("reciprocal", pos),
                     ("softsign", {}), ("erf", {}), ("log1p", pos), ("expm1", {}), ("log2", pos), ("log10", pos),
                     ("arcsin", unit), ("arccos", unit), ("arctanh", unit), ("cos", {}), ("exp", {}),
                     ("relu", {}), ("abs", {}), ("erfinv", unit), ("sigmoid", {})]:
        higher_cases(name, sym.sum(getattr(sym, name)(x)), {"x": S}, desc=f"sum of {name}", **kw)
    higher_cases("arccosh", sym.sum(sym.arccosh(x)), {"x": S}, low=1.5, high=3, desc="sum of arccosh")
    higher_cases("gammaln", sym.sum(sym.gammaln(x)), {"x": S}, low=1.5, high=3, desc="sum of gammaln")
    X = (2, 3)
    higher_cases("softmax_weighted", sym.sum(sym.softmax(x, axis=1) * y), {"x": X, "y": X}, desc="sum(softmax*y)")
    higher_cases("softmax_axis0", sym.softmax(x, axis=0, temperature=2.0) * y, {"x": X, "y": X},
                 desc="softmax axis 0 temperature 2 times y")
    higher_cases("log_softmax_temp", sym.sum(sym.log_softmax(x, temperature=0.7) * y), {"x": X, "y": X},
                 desc="sum(log_softmax(T=0.7)*y)")
    higher_cases("softmin", sym.sum(sym.softmin(x) * y), {"x": X, "y": X}, desc="sum(softmin*y)")
    higher_cases("SoftmaxActivation", sym.sum(sym.SoftmaxActivation(x) * y), {"x": X, "y": X},
                 desc="sum(SoftmaxActivation*y)")
    higher_cases("norm_axis", sym.norm(x, axis=1), {"x": X}, desc="norm axis=1")
    higher_cases("norm_ord1_sq", sym.sum(sym.square(sym.norm(x, ord=1, axis=0))), {"x": X}, desc="sum(norm1^2)",
                 low=0.2, high=1.0)
    higher_cases("mean_sq", sym.mean(x * x * x), {"x": X}, desc="mean(x^3)")
    higher_cases("prod", sym.prod(x), {"x": X}, desc="prod", low=0.5, high=1.5)
    higher_cases("prod_axis", sym.prod(x, axis=1), {"x": X}, desc="prod axis=1", low=0.5, high=1.5)
    higher_cases("max_sq", sym.square(sym.max(x, axis=1)), {"x": distinct(X, "h")}, desc="max(x, axis=1)^2")
    higher_cases("dot_quadratic", sym.sum(sym.dot(sym.dot(x, a), x, transpose_b=True)),
                 {"x": (1, 3), "a": (3, 3)}, desc="x A x^T")
    higher_cases("dot_tanh", sym.sum(sym.tanh(sym.dot(a, x))), {"x": (3, 2), "a": (2, 3)}, desc="sum tanh(A x)")
    higher_cases("batch_dot", sym.sum(sym.sin(sym.batch_dot(x, a))), {"x": (2, 2, 3), "a": (2, 3, 2)},
                 desc="sum sin(batch_dot)")
    higher_cases("fc_sigmoid", sym.sum(sym.sigmoid(sym.FullyConnected(x, num_hidden=3, name="fc"))),
                 {"x": (2, 4), "fc_weight": (3, 4), "fc_bias": (3,)}, desc="sum sigmoid(FC(x))")
    higher_cases("fc_weight", sym.sum(sym.tanh(sym.FullyConnected(data, num_hidden=2, name="fc"))),
                 {"data": (2, 3), "fc_weight": (2, 3), "fc_bias": (2,)}, wrt="fc_weight", desc="w.r.t. FC weight")
    higher_cases("fc_mixed", sym.sum(sym.tanh(sym.FullyConnected(data, num_hidden=2, name="fc"))),
                 {"data": (2, 3), "fc_weight": (2, 3), "fc_bias": (2,)}, wrt="data,fc_weight,fc_bias",
                 desc="mixed blocks data/weight/bias")
    higher_cases("conv_tanh", sym.sum(sym.tanh(sym.Convolution(x, kernel=(2, 2), num_filter=2, name="cv"))),
                 {"x": (1, 1, 3, 3), "cv_weight": (2, 1, 2, 2), "cv_bias": (2,)}, desc="sum tanh(conv(x))")
    higher_cases("conv_weight", sym.sum(sym.square(sym.Convolution(x, kernel=(2,), stride=(2,), num_filter=2,
                                                                   name="cv"))),
                 {"x": (1, 2, 4), "cv_weight": (2, 2, 2), "cv_bias": (2,)}, wrt="x,cv_weight", desc="conv 1-D squared")
    higher_cases("deconv", sym.sum(sym.sin(sym.Deconvolution(x, kernel=(2, 2), stride=(2, 2), num_filter=1,
                                                             name="dc"))),
                 {"x": (1, 2, 2, 2), "dc_weight": (2, 1, 2, 2)}, desc="sum sin(deconv(x))")
    higher_cases("avgpool_sq", sym.sum(sym.square(sym.Pooling(x, kernel=(2, 2), pool_type="avg", stride=(1, 1)))),
                 {"x": (1, 1, 3, 3)}, desc="sum avg_pool(x)^2")
    higher_cases("maxpool_sq", sym.sum(sym.square(sym.Pooling(x, kernel=(2, 2), pool_type="max", stride=(2, 2)))),
                 {"x": distinct((1, 1, 4, 4), "mp")}, desc="sum max_pool(x)^2")
    higher_cases("lppool", sym.sum(sym.Pooling(x, kernel=(2, 2), pool_type="lp", p_value=2, stride=(2, 2))),
                 {"x": (1, 1, 4, 4)}, low=0.3, high=1.5, desc="sum lp pool p=2")
    higher_cases("layernorm", sym.sum(sym.LayerNorm(x, name="ln") * y),
                 {"x": (2, 4), "y": (2, 4), "ln_gamma": (4,), "ln_beta": (4,)}, desc="sum(LayerNorm(x)*y)")
    higher_cases("layernorm_gamma", sym.sum(sym.square(sym.LayerNorm(x, name="ln"))),
                 {"x": (2, 3), "ln_gamma": (3,), "ln_beta": (3,)}, wrt="x,ln_gamma", desc="LayerNorm squared")
    higher_cases("instancenorm", sym.sum(sym.InstanceNorm(x, name="in") * y),
                 {"x": (1, 2, 3), "y": (1, 2, 3), "in_gamma": (2,), "in_beta": (2,)}, desc="sum(InstanceNorm*y)")
    higher_cases("l2norm", sym.sum(sym.L2Normalization(x) * y), {"x": (2, 3), "y": (2, 3)}, desc="sum(L2Norm*y)")
    higher_cases("l2norm_channel", sym.sum(sym.L2Normalization(x, mode="channel") * y),
                 {"x": (1, 2, 3), "y": (1, 2, 3)}, desc="sum(L2Norm channel*y)")
    higher_cases("div", sym.sum(x / (y * y + 1)), {"x": X, "y": X}, wrt="x,y", desc="sum x/(y^2+1)")
    higher_cases("broadcast_div", sym.sum(sym.broadcast_div(x, y)), {"x": (2, 3), "y": (1, 3)}, wrt="x,y",
                 low=0.5, high=2, desc="sum broadcast_div")
    higher_cases("broadcast_power", sym.sum(sym.broadcast_power(x, y)), {"x": (2, 3), "y": (3,)}, wrt="x,y",
                 low=0.5, high=2, desc="sum broadcast_power")
    higher_cases("broadcast_mul_sub", sym.sum(sym.broadcast_mul(sym.broadcast_sub(x, y), x)),
                 {"x": (2, 3), "y": (2, 1)}, wrt="x,y", desc="sum (x-y)*x broadcast")
    higher_cases("hypot", sym.sum(sym.hypot(x, y)), {"x": X, "y": X}, wrt="x,y", low=0.3, high=1.5, desc="hypot")
    higher_cases("power_scalar", sym.sum(x ** 3.5), {"x": X}, low=0.5, high=2, desc="x^3.5")
    higher_cases("rpower_scalar", sym.sum(2.0 ** x), {"x": X}, desc="2^x")
    higher_cases("rdiv_scalar", sym.sum(3.0 / x), {"x": X}, low=0.5, high=2, desc="3/x")
    higher_cases("maximum_mix", sym.sum(sym.maximum(x * x, y) * x), {"x": X, "y": X}, wrt="x,y",
                 desc="maximum(x^2, y)*x")
    higher_cases("take_sq", sym.sum(sym.square(sym.take(x, sym.Variable("i")))),
                 {"x": (4, 2), "i": np.array([0.0, 2.0, 2.0])}, desc="take with repeated indices squared")
    higher_cases("pick_log", sym.sum(sym.log(sym.pick(x, sym.Variable("i"), axis=1))),
                 {"x": (3, 4), "i": np.array([0.0, 3.0, 1.0])}, low=0.5, high=2, desc="log pick")
    higher_cases("embedding", sym.sum(sym.square(sym.Embedding(data, input_dim=4, output_dim=2, name="emb"))),
                 {"data": np.array([1.0, 3.0, 1.0]), "emb_weight": (4, 2)}, wrt="emb_weight", desc="Embedding^2")
    higher_cases("concat_slice", sym.sum(sym.square(sym.slice(sym.Concat(x, y * x, dim=1), begin=(0, 1),
                                                              end=(None, 5)))),
                 {"x": (2, 3), "y": (2, 3)}, wrt="x,y", desc="slice of concat squared")
    higher_cases("reshape_transpose", sym.sum(sym.sin(sym.transpose(sym.Reshape(x, shape=(3, -1))) * y)),
                 {"x": (2, 3), "y": (2, 3)}, desc="reshape/transpose")
    higher_cases("tile_repeat", sym.sum(sym.tile(x, reps=(2, 1)) * sym.repeat(x, repeats=2, axis=0)),
                 {"x": (2, 2)}, desc="tile * repeat")
    higher_cases("where", sym.sum(sym.where(sym.Variable("c"), x * x, sym.exp(x))),
                 {"x": X, "c": np.array([[1.0, 0, 1], [0, 0, 1]])}, desc="where(c, x^2, exp x)")
    higher_cases("topk_value", sym.sum(sym.square(sym.topk(x, k=2, ret_typ="value"))), {"x": distinct((2, 4), "tk")},
                 desc="topk values squared")
    higher_cases("sort", sym.sum(sym.sort(x) * y), {"x": distinct((2, 3), "so"), "y": X}, wrt="x,y",
                 desc="sort(x)*y")
    higher_cases("clip", sym.sum(sym.clip(x, -0.5, 0.5) * x), {"x": np.array([[-0.9, -0.2, 0.3], [0.7, 0.1, -0.4]])},
                 desc="clip(x)*x")
    higher_cases("leaky_elu", sym.sum(sym.LeakyReLU(x, act_type="elu", slope=0.7)), {"x": X}, desc="elu")
    higher_cases("leaky_selu", sym.sum(sym.LeakyReLU(x, act_type="selu")), {"x": X}, desc="selu", suite="known")
    higher_cases("leaky_gelu", sym.sum(sym.LeakyReLU(x, act_type="gelu")), {"x": X}, desc="gelu")
    higher_cases("leaky_leaky", sym.sum(sym.LeakyReLU(x, slope=0.3) * x), {"x": X}, desc="leaky(x)*x")
    higher_cases("prelu", sym.sum(sym.LeakyReLU(x, act_type="prelu", name="pr") * x),
                 {"x": (2, 3), "pr_gamma": np.array([0.2, 0.3, 0.4])}, wrt="x,pr_gamma", desc="prelu*x")
    higher_cases("act_softrelu", sym.sum(sym.Activation(x, act_type="softrelu")), {"x": X}, desc="softrelu")
    higher_cases("act_softsign", sym.sum(sym.Activation(x, act_type="softsign")), {"x": X}, desc="softsign act")
    higher_cases("act_tanh_sigmoid", sym.sum(sym.Activation(sym.Activation(x, act_type="tanh"),
                                                            act_type="sigmoid")), {"x": X}, desc="sigmoid(tanh)")
    higher_cases("hard_sigmoid", sym.sum(sym.hard_sigmoid(x) * x), {"x": X}, desc="hard_sigmoid*x")
    higher_cases("add_n", sym.sum(sym.add_n(x * x, sym.sin(x), sym.exp(x))), {"x": X}, desc="add_n")
    higher_cases("sum_axis_keepdims", sym.sum(sym.broadcast_mul(sym.sum(x, axis=1, keepdims=True), x)),
                 {"x": X}, desc="sum(x, keepdims)*x")
    higher_cases("broadcast_to", sym.sum(sym.broadcast_to(x, shape=(3, 2)) * y), {"x": (1, 2), "y": (3, 2)},
                 desc="broadcast_to * y")
    higher_cases("expand_squeeze", sym.sum(sym.squeeze(sym.expand_dims(x, axis=1)) ** 3.0), {"x": X},
                 desc="squeeze(expand_dims)^3")
    higher_cases("split", sym.sum(sym.SliceChannel(x, num_outputs=2, axis=1)[0] * sym.SliceChannel(
        x, num_outputs=2, axis=1)[1]), {"x": (2, 4)}, desc="split halves product")
    higher_cases("stack", sym.sum(sym.stack(x, x * x, axis=1) ** 2.0), {"x": X}, desc="stack squared")
    higher_cases("pad", sym.sum(sym.square(sym.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)))),
                 {"x": (1, 1, 2, 3)}, desc="reflect pad squared")
    higher_cases("broadcast_like", sym.sum(sym.broadcast_like(x, y) * y * sym.broadcast_like(x, y)),
                 {"x": (1, 3), "y": (2, 3)}, desc="broadcast_like")
    higher_cases("cast", sym.sum(sym.Cast(sym.square(x), dtype="float64") * x), {"x": X}, desc="Cast")
    higher_cases("nansum", sym.nansum(x * x * y), {"x": X, "y": X}, wrt="x,y", desc="nansum")
    higher_cases("smooth_mix", sym.sum(sym.sqrt(x * x + 1.0) * sym.arctan(y)), {"x": X, "y": X}, wrt="x,y",
                 desc="sqrt(x^2+1)*arctan(y)")
    higher_cases("linear_regression", sym.sum(sym.LinearRegressionOutput(sym.square(x), y)), {"x": X, "y": X},
                 desc="sum LinearRegressionOutput(x^2, y) (loss head: gradient graph)")
    higher_cases("makeloss", sym.MakeLoss(sym.sum(x * x * x)), {"x": (3,)}, desc="MakeLoss(sum x^3)")
    higher_cases("blockgrad", sym.sum(x * sym.BlockGrad(x * x) + x * x * x), {"x": X}, desc="x*BlockGrad(x^2)+x^3",
                 suite="known")
    higher_cases("softmax_output_ce", sym.sum(sym.SoftmaxOutput(x * y, sym.Variable("label"))),
                 {"x": X, "y": X, "label": np.array([0.0, 2.0])}, desc="SoftmaxOutput(x*y)")
    higher_cases("mod", sym.sum(sym.broadcast_mod(x * x, y)), {"x": X, "y": (3,)}, low=0.6, high=0.9,
                 desc="mod(x^2, y)")
    higher_cases("dot_vec", sym.dot(x, sym.exp(x)), {"x": (4,)}, desc="dot(x, exp x)")


def gen_seed():
    def seed_case(cid, out, vals, steps, expected, desc, tol=(1e-7, 1e-9), by_position=False, hg=None):
        if not G.wanted("seed", cid):
            return
        path = G.folder("seed", cid)
        npz = {"file": "{tmp}/out.npz", "expected": "expected.npz", "rtol": tol[0], "atol": tol[1]}
        if by_position:
            npz["by_position"] = True
        G.write(path, {"description": desc, "steps": steps, "expect": {"exit": 0, "npz": npz}}, out.tojson(),
                {"inputs.npz": vals, "expected.npz": expected, "head_grads.npz": hg})

    X = sym.Variable("X")
    f = sym.elemwise_mul(X, X, name="_mul0")
    xv = np.array([1.5, -2.0, 0.5])
    seed_case("x_times_x__vector", f, {"X": xv},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--grad", "--head-grads",
                "{case}/head_grads.npz", "-o", "{tmp}/out.npz"]],
              {"_mul0_output": xv * xv, "grad:X": 2 * xv * xv * xv}, "X*X with head gradient = output, vector X",
              hg={"_mul0_output": xv * xv})
    xv32 = np.array([[2.0, 3.0]], dtype=np.float32)
    seed_case("x_times_x__float32", f, {"X": xv32},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--grad", "--head-grads",
                "{case}/head_grads.npz", "-o", "{tmp}/out.npz"]],
              {"_mul0_output": xv32 * xv32, "grad:X": 2 * xv32 ** 3}, "X*X float32 head = output",
              tol=F32_TOL, hg={"_mul0_output": xv32 * xv32})
    seed_case("x_times_x__no_head", f, {"X": xv},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--grad", "-o", "{tmp}/out.npz"]],
              {"_mul0_output": xv * xv, "grad:X": 2 * xv}, "X*X without --head-grads: ones")
    seed_case("third_derivative", sym.elemwise_mul(f, X, name="_mul1"), {"X": np.array([2.0])},
              [["grad", "{case}/graph.json", "--wrt", "X", "-o", "{tmp}/g1.json"],
               ["grad", "{tmp}/g1.json", "--wrt", "X", "-o", "{tmp}/g2.json"],
               ["grad", "{tmp}/g2.json", "--wrt", "X", "-o", "{tmp}/g3.json"],
               ["run", "{tmp}/g3.json", "--inputs", "{case}/inputs.npz", "-o", "{tmp}/out.npz"]],
              {"d3": np.array([6.0])}, "third derivative of X^3: grad three times -> [6]", by_position=True)
    seed_case("hessian_xy", sym.sum(X * X * sym.Variable("Y")), {"X": np.array([1.0, 2.0]), "Y": np.array([3.0, -1.0])},
              [["hessian", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--wrt", "X,Y", "-o", "{tmp}/out.npz"]],
              {"hessian:X": np.diag([6.0, -2.0]), "hessian:Y": np.zeros((2, 2)), "hessian:X:Y": np.diag([2.0, 4.0])},
              "hessian of sum(X*X*Y): blocks X, Y and X:Y")
    A, B = sym.Variable("a"), sym.Variable("b")
    c_ = sym.elemwise_mul(A, B, name="c")
    d_ = sym.elemwise_mul(c_, B, name="d")
    e_ = sym.sin(d_, name="e")
    av, bv = np.array([[0.5, -1.0], [2.0, 1.5]]), np.array([[1.2, 0.3], [-0.7, 2.0]])
    hv = np.array([[1.0, -2.0], [0.5, 3.0]])
    cval, dval = av * bv, av * bv * bv
    g_d = hv * np.cos(dval)
    seed_case("intermediate_grad__chain", e_, {"a": av, "b": bv},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--grad", "--wrt", "a,c_output,d_output",
                "--head-grads", "{case}/head_grads.npz", "-o", "{tmp}/out.npz"]],
              {"e_output": np.sin(dval), "grad:a": g_d * bv * bv, "grad:c_output": g_d * bv, "grad:d_output": g_d},
              "gradients w.r.t. two internal outputs of sin(a*b*b)", hg={"e_output": hv})
    seed_case("intermediate_output__two", e_, {"a": av, "b": bv},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--outputs", "d_output,c_output",
                "-o", "{tmp}/out.npz"]],
              {"e_output": np.sin(dval), "d_output": dval, "c_output": cval}, "--outputs with two internal outputs")
    seed_case("outputs_and_grad", e_, {"a": av, "b": bv},
              [["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--outputs", "c_output", "--grad",
                "--wrt", "b,c_output", "--head-grads", "{case}/head_grads.npz", "-o", "{tmp}/out.npz"]],
              {"e_output": np.sin(dval), "c_output": cval, "grad:b": g_d * 2 * av * bv, "grad:c_output": g_d * bv},
              "--outputs c_output together with gradients w.r.t. b and c_output", hg={"e_output": hv})
    seed_case("grad_graph_internal", e_, {"a": av, "b": bv},
              [["grad", "{case}/graph.json", "--wrt", "c_output,b", "-o", "{tmp}/g1.json"],
               ["run", "{tmp}/g1.json", "--inputs", "{case}/inputs.npz", "-o", "{tmp}/out.npz"]],
              {"g_c": np.cos(dval) * bv, "g_b": np.cos(dval) * 2 * av * bv},
              "grad graph w.r.t. an internal output and an argument (by position)", by_position=True)


def gen_more():
    """Integer dtypes other than int32, and assorted attribute corners."""
    u8 = np.array([[0, 1, 200, 255], [3, 128, 7, 250]], np.uint8)
    i8 = np.array([[-128, -1, 0, 100], [127, 64, -65, 3]], np.int8)
    i64 = np.array([[-7, 2, 9, 10 ** 12], [5, -3, 0, 1]], np.int64)
    for tag, v in (("uint8", u8), ("int8", i8), ("int64", i64)):
        w = np.flip(v, axis=1).copy()
        ops_case(f"elemwise_add__{tag}", sym.elemwise_add(x, y, name="op"), {"x": v, "y": w}, (),
                 f"elemwise_add on {tag} (wraps)")
        ops_case(f"elemwise_mul__{tag}", sym.elemwise_mul(x, y, name="op"), {"x": v, "y": w}, (),
                 f"elemwise_mul on {tag} (wraps)")
        ops_case(f"_mul_scalar__{tag}", sym._internal._mul_scalar(x, scalar=2.7, name="op"), {"x": v}, (),
                 f"_mul_scalar 2.7 on {tag} (scalar truncated to 2, wraps)")
        ops_case(f"_minus_scalar__{tag}", sym._internal._minus_scalar(x, scalar=2, name="op"), {"x": v}, (),
                 f"_minus_scalar 2 on {tag}")
        ops_case(f"sum__{tag}", sym.sum(x, axis=1, name="op"), {"x": v}, (), f"sum on {tag} (own dtype)")
        ops_case(f"max__{tag}", sym.max(x, axis=0, name="op"), {"x": v}, (), f"max on {tag}")
        ops_case(f"argmax__{tag}", sym.argmax(x, axis=1, name="op"), {"x": v}, (), f"argmax on {tag}")
        ops_case(f"abs__{tag}", sym.abs(x, name="op"), {"x": v}, (), f"abs on {tag}")
        ops_case(f"Cast__{tag}_to_f32", sym.Cast(x, dtype="float32", name="op"), {"x": v}, (), f"Cast {tag} to float32")
        ops_case(f"transpose__{tag}", sym.transpose(x, name="op"), {"x": v}, (), f"transpose on {tag}")
        ops_case(f"broadcast_sub__{tag}", sym.broadcast_sub(x, y, name="op"), {"x": v, "y": v[:1]}, (),
                 f"broadcast_sub on {tag}")
    ops_case("where__int_cond", sym.where(sym.Variable("condition"), x, y, name="wh"),
             {"condition": np.array([[1, 0, 3], [0, -2, 0]], np.int32), "x": (2, 3), "y": (2, 3)}, "x,y",
             "where with an int32 condition")
    ops_case("norm__out_dtype", sym.norm(x, axis=1, out_dtype="float64", name="n"), {"x": (3, 4)}, "x",
             "norm float32 in, out_dtype=float64", dtype="float32")
    ops_case("norm__int32", sym.norm(x, name="n"), {"x": np.array([[3, -4], [6, 8]], np.int32)}, (),
             "norm on int32 stays int32", suite="known")
    ops_case("BatchNorm_v1__float32", sym.BatchNorm_v1(data, fix_gamma=False, name="bn"),
             {"data": (2, 3, 2, 2), "bn_gamma": rng_for("g1").uniform(0.5, 1.5, 3), "bn_beta": (3,),
              "bn_moving_mean": rng_for("m1").normal(0, 0.1, 3), "bn_moving_var": rng_for("v1").uniform(0.5, 1.5, 3)},
             "data,bn_gamma,bn_beta", "BatchNorm_v1 train", dtype="float32")
    for shp, rs in [((2, 3, 4), (-4, -1, 2, 0, 0)), ((2, 3, 4), (0, 0, -4, 2, -1)), ((2, 3, 4, 5), (0, -3, -2)),
                    ((2, 3, 4, 5), (-2, -3)), ((2, 3, 4), (-1, 1, 1, 0)), ((6,), (-4, 2, 3)), ((2, 1, 3), (0, 0, 0)),
                    ((2, 3, 4), (-3, -2))]:
        tag = "_".join(str(v).replace("-", "m") for v in rs) + "_" + "x".join(map(str, shp))
        ops_case(f"Reshape__{tag}", sym.Reshape(x, shape=rs, name="rs"), {"x": shp}, "x", f"Reshape {shp} shape={rs}")
    for shp, kw in [((5, 4), dict(begin=(-10,), end=(10,))), ((5, 4), dict(begin=(1, -100), end=(None, 100))),
                    ((5, 4), dict(begin=(4,), end=(-10,), step=(-2,))), ((5, 4), dict(begin=(2, 3), end=(2, 3)))]:
        tag = "_".join(str(v) for v in sum((list(t) for t in kw.values()), [])).replace("None", "n").replace("-", "m")
        ops_case(f"slice__edge_{tag}", sym.slice(x, name="sl", **kw), {"x": shp}, "x", f"slice {shp} {kw}")
    lab = sym.Variable("label")
    ops_case("SoftmaxOutput__preserve_ignore_valid", sym.SoftmaxOutput(data, lab, preserve_shape=True, use_ignore=True,
                                                                       ignore_label=0, normalization="valid",
                                                                       name="softmax"),
             {"data": (2, 3, 4), "label": np.array([[0.0, 1, 3], [2, 0, 0]])}, "data",
             "SoftmaxOutput preserve_shape use_ignore normalization=valid")
    ops_case("SoftmaxOutput__multi_smooth", sym.SoftmaxOutput(data, lab, multi_output=True, smooth_alpha=0.3,
                                                              name="softmax"),
             {"data": (2, 3, 4), "label": np.array([[0.0, 1, 2, 1], [1, 1, 0, 2]])}, "data",
             "SoftmaxOutput multi_output ignores smooth_alpha")
    ops_case("SoftmaxOutput__multi_label_nd", sym.SoftmaxOutput(data, lab, multi_output=True, name="softmax"),
             {"data": (2, 3, 2, 2), "label": rng_for("mlnd").integers(0, 3, (2, 2, 2)).astype(float)}, "data",
             "SoftmaxOutput multi_output label (N, H, W)")
    ops_case("SoftmaxOutput__batch_2d", sym.SoftmaxOutput(data, lab, normalization="batch", grad_scale=2.0,
                                                          name="softmax"),
             {"data": (5, 3), "label": np.array([0.0, 2, 1, 1, 0])}, "data", "SoftmaxOutput batch grad_scale=2")
    ops_case("MakeLoss__batch_1d", sym.MakeLoss(x, normalization="batch", name="ml"), {"x": (5,)}, "x",
             "MakeLoss normalization=batch on 1-D data (no division)")
    ops_case("MakeLoss__batch_4d", sym.MakeLoss(x * x, normalization="batch", grad_scale=0.5, name="ml"),
             {"x": (2, 3, 2, 2)}, "x", "MakeLoss normalization=batch on 4-D data (divides by prod(shape[:-1]))")
    # gradients w.r.t. index/label inputs: MXNet reports zeros
    ops_case("SoftmaxOutput__label_grad", sym.SoftmaxOutput(data, lab, name="softmax"),
             {"data": (3, 4), "label": np.array([1.0, 0, 3])}, "data,label", "SoftmaxOutput gradient w.r.t. label too")
    ops_case("take__indices_grad", sym.take(a, sym.Variable("indices"), name="tk"),
             {"a": (4, 3), "indices": np.array([0.0, 3.0, 1.0])}, "a,indices", "take gradient w.r.t. indices too")
    ops_case("pick__index_grad", sym.pick(data, sym.Variable("index"), name="pk"),
             {"data": (3, 4), "index": np.array([0.0, 3.0, 1.0])}, "data,index", "pick gradient w.r.t. index too")
    ops_case("Embedding__data_grad", sym.Embedding(data, sym.Variable("emb_weight"), input_dim=4, output_dim=2,
                                                   name="emb"),
             {"data": np.array([0.0, 3.0, 1.0]), "emb_weight": (4, 2)}, "data,emb_weight",
             "Embedding gradient w.r.t. data too")
    ops_case("LinearRegressionOutput__label_grad", sym.LinearRegressionOutput(data, lab, name="lro"),
             {"data": (3, 2), "label": (3, 2)}, "data,label", "LinearRegressionOutput gradient w.r.t. label too")
    ops_case("one_hot__indices_grad", sym.one_hot(sym.Variable("indices"), depth=3, name="oh") * y,
             {"indices": np.array([0.0, 2.0]), "y": (2, 3)}, "indices,y", "one_hot(indices) * y, w.r.t. indices too")
    ops_case("argmax__in_graph", sym.argmax(x, axis=1, name="am") * y,
             {"x": distinct((3, 4), "amg"), "y": (3,)}, "x,y", "argmax(x) * y (zero gradient through argmax)")
    ops_case("Group__loss_and_output", sym.Group([sym.SoftmaxOutput(data, lab, name="softmax"),
                                                  sym.FullyConnected(data, num_hidden=2, name="fc")]),
             {"data": (3, 4), "label": np.array([1.0, 0, 3]), "fc_weight": (2, 4), "fc_bias": (2,)},
             "data,fc_weight", "a loss head and an ordinary head in one graph")


# ------------------------------------------------------------------------------------------------
# aliases, params files, first-order gradient graphs, bigger graphs
# ------------------------------------------------------------------------------------------------

def _with_op_name(graph_json: str, canonical: str, alias: str) -> str:
    doc = json.loads(graph_json)
    for node in doc["nodes"]:
        if node["op"] == canonical:
            node["op"] = alias
    return json.dumps(doc, indent=2)


def alias_case(alias: str, canonical: str, out, spec: dict, wrt, desc: str, low=-1.0, high=1.0):
    """An ops case whose graph names the operator by an alias (MXNet itself always writes the
    canonical name, so the file is edited; MXNet loads it and computes the same)."""
    cid = f"{alias}__alias"
    if not G.wanted("ops", cid):
        return
    edited = _with_op_name(out.tojson(), canonical, alias)
    try:
        reloaded = mx.sym.load_json(edited)
    except mx.base.MXNetError as e:
        G.skipped.append(f"ops/{cid}: MXNet does not load the alias: {str(e).splitlines()[0][:80]}")
        return
    ops_case(cid, reloaded, spec, wrt, f"graph names {canonical} by its alias '{alias}'", low=low, high=high)
    path = os.path.join(G.root, "ops", cid)
    if os.path.isdir(path):
        with open(os.path.join(path, "graph.json"), "w") as f:
            f.write(edited)


def gen_aliases():
    S = (3, 4)
    for canonical, aliases in [("elemwise_add", ("_plus", "_add")), ("elemwise_sub", ("_minus", "_Minus", "_sub")),
                               ("elemwise_mul", ("_mul",)), ("elemwise_div", ("_div", "_Div"))]:
        for al in aliases:
            alias_case(al, canonical, op(canonical)(x, y, name="op"), {"x": S, "y": S}, "x,y", "", low=0.5, high=2)
    for canonical, al in [("_power", "_Power"), ("_mod", "_Mod"), ("_maximum", "_Maximum"), ("_minimum", "_Minimum"),
                          ("_hypot", "_Hypot"), ("_equal", "_Equal"), ("_not_equal", "_Not_Equal"),
                          ("_greater", "_Greater"), ("_greater_equal", "_Greater_Equal"), ("_lesser", "_Lesser"),
                          ("_lesser_equal", "_Lesser_Equal"), ("_logical_and", "_Logical_And"),
                          ("_logical_or", "_Logical_Or"), ("_logical_xor", "_Logical_Xor")]:
        alias_case(al, canonical, op(canonical)(x, y, name="op"), {"x": S, "y": S}, "x,y", "", low=0.5, high=2)
    for canonical, al, sc in [("_plus_scalar", "_PlusScalar", 1.5), ("_minus_scalar", "_MinusScalar", 1.5),
                              ("_rminus_scalar", "_RMinusScalar", 1.5), ("_mul_scalar", "_MulScalar", 1.5),
                              ("_div_scalar", "_DivScalar", 1.5), ("_rdiv_scalar", "_RDivScalar", 1.5),
                              ("_mod_scalar", "_ModScalar", 1.5), ("_rmod_scalar", "_RModScalar", 1.5),
                              ("_power_scalar", "_PowerScalar", 1.5), ("_rpower_scalar", "_RPowerScalar", 1.5),
                              ("_maximum_scalar", "_MaximumScalar", 1.0), ("_minimum_scalar", "_MinimumScalar", 1.0),
                              ("_hypot_scalar", "_HypotScalar", 1.5), ("_equal_scalar", "_EqualScalar", 1.0),
                              ("_not_equal_scalar", "_NotEqualScalar", 1.0),
                              ("_greater_scalar", "_GreaterScalar", 1.0),
                              ("_greater_equal_scalar", "_GreaterEqualScalar", 1.0),
                              ("_lesser_scalar", "_LesserScalar", 1.0), ("_lesser_equal_scalar", "_LesserEqualScalar", 1.0),
                              ("_logical_and_scalar", "_LogicalAndScalar", 1.0),
                              ("_logical_or_scalar", "_LogicalOrScalar", 0.0),
                              ("_logical_xor_scalar", "_LogicalXorScalar", 1.0)]:
        alias_case(al, canonical, op(canonical)(x, scalar=sc, name="op"), {"x": S}, "x", "", low=0.6, high=2.2)
    X = (2, 3, 4)
    alias_case("broadcast_minus", "broadcast_sub", sym.broadcast_sub(x, y, name="op"), {"x": (2, 3, 1), "y": (3, 4)},
               "x,y", "")
    alias_case("min_axis", "min", sym.min(x, axis=1, name="op"), {"x": distinct(X, "al")}, "x", "")
    alias_case("swapaxes", "SwapAxis", sym.SwapAxis(x, dim1=0, dim2=2, name="op"), {"x": X}, "x", "")
    alias_case("pad", "Pad", sym.Pad(x, mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 0, 2), name="op"),
               {"x": (1, 2, 3, 3)}, "x", "")
    alias_case("split", "SliceChannel", sym.SliceChannel(x, num_outputs=2, axis=2, name="op"), {"x": X}, "x", "")
    alias_case("reshape", "Reshape", sym.Reshape(x, shape=(0, -1), name="op"), {"x": X}, "x", "")
    alias_case("flip", "reverse", sym.reverse(x, axis=1, name="op"), {"x": X}, "x", "")
    alias_case("identity", "_copy", sym.identity(x, name="op") * x, {"x": X}, "x", "")
    alias_case("ElementWiseSum", "add_n", sym.add_n(x, y, x, name="op"), {"x": X, "y": X}, "x,y", "")
    alias_case("stop_gradient", "BlockGrad", sym.BlockGrad(x * x, name="op") * x, {"x": X}, "x", "")
    alias_case("choose_element_0index", "pick", sym.pick(x, y, name="op"),
               {"x": (3, 4), "y": np.array([0.0, 3.0, 1.0])}, "x", "")
    alias_case("Softmax", "SoftmaxOutput", sym.SoftmaxOutput(x, y, name="op"),
               {"x": (3, 4), "y": np.array([0.0, 3.0, 1.0])}, "x", "")
    alias_case("concat", "Concat", sym.Concat(x, y, dim=2, name="op"), {"x": X, "y": (2, 3, 1)}, "x,y", "")
    alias_case("crop", "slice", sym.slice(x, begin=(0, 1), end=(2, 3), name="op"), {"x": X}, "x", "")
    alias_case("cast", "Cast", sym.Cast(x, dtype="float32", name="op"), {"x": X}, "x", "")
    alias_case("sum_axis", "sum", sym.sum(x, axis=(0, 2), name="op"), {"x": X}, "x", "")


def params_case(cid: str, out, spec: dict, pspec: list, wrt, desc: str, npz: bool = False, seed: int = 5,
                dtype_flag: bool = True):
    """An ops case whose weights come from a `params` block (the runner writes them): pspec is
    [[name, shape, dtype, init], ...] as run_eval.make_weights takes it."""
    if not G.wanted("ops", cid):
        return
    sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "conformance"))
    import run_eval  # noqa: E402  (the shared runner: the same weights the case will get)
    weights = run_eval.make_weights(seed, pspec)
    vals = _values(cid, out, {**spec, **{k: v for k, v in weights.items()}}, -1.0, 1.0)
    vals64 = {k: (v.astype(np.float64) if v.dtype.kind == "f" else v) for k, v in vals.items()}
    args, auxn = out.list_arguments(), out.list_auxiliary_states()
    nd_args = {n: mx.nd.array(vals64[n], dtype=vals64[n].dtype) for n in args}
    nd_aux = {n: mx.nd.array(vals64[n], dtype=vals64[n].dtype) for n in auxn}
    grads = {n: mx.nd.zeros(vals64[n].shape, dtype="float64") for n in wrt}
    ex = out.bind(mx.cpu(), nd_args, args_grad=grads, grad_req={n: ("write" if n in wrt else "null") for n in args},
                  aux_states=nd_aux)
    outs = ex.forward(is_train=True)
    r = rng_for("hg/" + cid)
    heads = [r.normal(size=o.shape).astype(o.dtype) for o in outs]
    ex.backward([mx.nd.array(h, dtype=h.dtype) for h in heads])
    expected = {n: o.asnumpy() for n, o in zip(out.list_outputs(), outs)}
    for n in wrt:
        expected[f"grad:{n}"] = ex.grad_dict[n].asnumpy()
    for n in auxn:
        expected[f"aux:{n}"] = ex.aux_dict[n].asnumpy()
    path = G.folder("ops", cid)
    pout = "{tmp}/weights.npz" if npz else "{tmp}/weights.params"
    step = ["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--params", pout]
    if dtype_flag:
        step += ["--dtype", "float64"]
    step += ["--grad", "--wrt", ",".join(wrt), "--head-grads", "{case}/head_grads.npz", "-o", "{tmp}/out.npz"]
    case = {"description": f"{desc}; float64; gradients w.r.t. {', '.join(wrt)} with a random head gradient",
            "params": {"seed": seed, "out": pout, "arrays": pspec}, "steps": [step],
            "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                          "rtol": F64_TOL[0], "atol": F64_TOL[1]}}}
    inputs = {k: vals64[k] for k in spec}
    G.write(path, case, out.tojson(), {"inputs.npz": inputs, "head_grads.npz": dict(zip(out.list_outputs(), heads)),
                                       "expected.npz": expected})


def gen_params():
    bn = sym.BatchNorm(sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv0"),
                       fix_gamma=False, name="bn0")
    pspec = [["conv0_weight", [4, 3, 3, 3], "float64", "he"], ["conv0_bias", [4], "float64", "bias"],
             ["bn0_gamma", [4], "float64", "gamma"], ["bn0_beta", [4], "float64", "beta"],
             ["bn0_moving_mean", [4], "float64", "mean"], ["bn0_moving_var", [4], "float64", "var"]]
    params_case("BatchNorm__params_file_aux", bn, {"data": (2, 3, 4, 4)}, pspec,
                ["data", "conv0_weight", "bn0_gamma", "bn0_beta"],
                "conv + BatchNorm with weights and moving statistics from a .params file (arg:/aux: prefixes)")
    params_case("BatchNorm__params_npz_aux", bn, {"data": (2, 3, 4, 4)}, pspec, ["data", "bn0_gamma"],
                "conv + BatchNorm with weights and moving statistics from an .npz (plain names)", npz=True, seed=6)
    p32 = [[n, sh, "float32", init] for n, sh, _, init in pspec]
    params_case("BatchNorm__params_float32_cast", bn, {"data": (2, 3, 4, 4)}, p32, ["data", "conv0_weight"],
                "float32 weights and aux in a .params file cast by --dtype float64", seed=7)
    emb = sym.Embedding(data, input_dim=6, output_dim=3, name="emb")
    params_case("Embedding__params_file", sym.FullyConnected(emb, num_hidden=2, flatten=False, name="fc"),
                {"data": np.array([[1.0, 5.0], [0.0, 1.0]])},
                [["emb_weight", [6, 3], "float64", "normal"], ["fc_weight", [2, 3], "float64", "he"],
                 ["fc_bias", [2], "float64", "zeros"]], ["emb_weight", "fc_weight", "fc_bias"],
                "Embedding then FC, weights from a .params file", seed=8)
    ln = sym.LayerNorm(sym.FullyConnected(data, num_hidden=4, name="fc"), name="ln")
    params_case("LayerNorm__params_npz", ln, {"data": (3, 5)},
                [["fc_weight", [4, 5], "float64", "uniform"], ["fc_bias", [4], "float64", "bias"],
                 ["ln_gamma", [4], "float64", "ones"], ["ln_beta", [4], "float64", "zeros"]],
                ["data", "fc_weight", "ln_gamma", "ln_beta"], "FC + LayerNorm, weights from .npz", npz=True, seed=9)


def grad_graph_case(cid: str, out, spec: dict, wrt: list, desc: str, head_inputs: bool = False, low=-1.0,
                    high=1.0):
    """`higher` first-order case: grad --wrt writes a graph of the gradients; run it (by position).
    head_inputs: --head-grads inputs, and the run is given head_grad/<output> arrays."""
    if not G.wanted("higher", cid):
        return
    vals = {k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in _values(cid, out, spec, low, high).items()}
    args = out.list_arguments()
    nd_args = {n: mx.nd.array(v, dtype=v.dtype) for n, v in vals.items()}
    grads = {n: mx.nd.zeros(vals[n].shape, dtype="float64") for n in wrt}
    ex = out.bind(mx.cpu(), nd_args, args_grad=grads, grad_req={n: ("write" if n in wrt else "null") for n in args})
    outs = ex.forward(is_train=True)
    r = rng_for("hg/" + cid)
    heads = [r.normal(size=o.shape) if head_inputs else np.ones(o.shape) for o in outs]
    ex.backward([mx.nd.array(h, dtype="float64") for h in heads])
    expected = {f"grad_{i}:{n}": ex.grad_dict[n].asnumpy() for i, n in enumerate(wrt)}
    inputs = dict(vals)
    step1 = ["grad", "{case}/graph.json", "--wrt", ",".join(wrt), "-o", "{tmp}/g1.json"]
    if head_inputs:
        step1[-2:-2] = ["--head-grads", "inputs"]
        for n, h in zip(out.list_outputs(), heads):
            inputs[f"head_grad/{n}"] = h
    path = G.folder("higher", cid)
    case = {"description": f"first order: grad --wrt {','.join(wrt)} of {desc}" +
                           (" with --head-grads inputs (head_grad/<output> given to run)" if head_inputs else
                            " (head gradient ones)") + "; run the gradient graph (exact MXNet values, by position)",
            "steps": [step1, ["run", "{tmp}/g1.json", "--inputs", "{case}/inputs.npz", "--dtype", "float64",
                              "-o", "{tmp}/out.npz"]],
            "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz", "rtol": F64_TOL[0],
                                          "atol": F64_TOL[1], "by_position": True}}}
    G.write(path, case, out.tojson(), {"inputs.npz": inputs, "expected.npz": expected})


def gen_grad_graphs():
    X = (2, 3)
    grad_graph_case("grad1_conv_pool", sym.Pooling(sym.Convolution(x, kernel=(2, 2), num_filter=2, name="cv"),
                                                   kernel=(2, 2), pool_type="avg"),
                    {"x": (1, 2, 4, 4), "cv_weight": (2, 2, 2, 2), "cv_bias": (2,)}, ["x", "cv_weight", "cv_bias"],
                    "avg_pool(conv(x))")
    grad_graph_case("grad1_softmax_output", sym.SoftmaxOutput(sym.FullyConnected(x, num_hidden=3, name="fc"),
                                                              sym.Variable("label"), name="so"),
                    {"x": (4, 5), "fc_weight": (3, 5), "fc_bias": (3,), "label": np.array([0.0, 2.0, 1.0, 2.0])},
                    ["fc_weight", "x"], "SoftmaxOutput(FC(x)) (a loss head)")
    grad_graph_case("grad1_two_outputs", sym.Group([sym.sin(x) * y, sym.sum(sym.exp(x), axis=1)]), {"x": X, "y": X},
                    ["y", "x"], "a graph with two outputs (the sum over both)")
    grad_graph_case("grad1_take_embedding", sym.sum(sym.take(x, sym.Variable("i")) ** 2.0),
                    {"x": (4, 3), "i": np.array([1.0, 1.0, 3.0])}, ["x"], "take with repeated indices")
    grad_graph_case("grad1_head_inputs", sym.tanh(sym.dot(x, y)), {"x": (2, 3), "y": (3, 4)}, ["x", "y"],
                    "tanh(dot(x, y))", head_inputs=True)
    grad_graph_case("grad1_head_inputs_two", sym.Group([sym.sigmoid(x), sym.sum(x * y, axis=0)]), {"x": X, "y": X},
                    ["x"], "two outputs", head_inputs=True)
    grad_graph_case("grad1_internal_wrt_layers", sym.sum(sym.LayerNorm(x, name="ln") * y),
                    {"x": (2, 4), "y": (2, 4), "ln_gamma": (4,), "ln_beta": (4,)}, ["ln_gamma", "x", "ln_beta"],
                    "LayerNorm")
    grad_graph_case("grad1_leaky_elu", sym.LeakyReLU(x, act_type="elu"), {"x": X}, ["x"], "elu", low=-2, high=2)


def gen_hessian_params():
    """hessian with weights from a .params file (the runner writes them) and two --wrt names."""
    cid = "hessian_params_file"
    if not G.wanted("higher", cid):
        return
    sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "conformance"))
    import run_eval  # noqa: E402
    out = sym.sum(sym.tanh(sym.FullyConnected(x, num_hidden=3, name="fc")) * y)
    pspec = [["fc_weight", [3, 4], "float64", "he"], ["fc_bias", [3], "float64", "bias"]]
    weights = run_eval.make_weights(21, pspec)
    vals = {"x": rng_for(cid).uniform(-1, 1, (2, 4)), "y": rng_for(cid + "y").uniform(-1, 1, (2, 3)), **weights}
    names = ["x", "fc_bias"]
    expected = {}
    for i, va in enumerate(names):
        n = vals[va].size
        cols = {nb: np.zeros((n,) + vals[nb].shape) for nb in names[i:]}
        for j in range(n):
            e = np.zeros(n)
            e[j] = 1.0
            r = fd_checked(out, vals, {va: e.reshape(vals[va].shape)}, names[i:])
            for nb in names[i:]:
                cols[nb][j] = r[nb]
        expected[f"hessian:{va}"] = cols[va].reshape(vals[va].shape * 2)
        for nb in names[i + 1:]:
            expected[f"hessian:{va}:{nb}"] = cols[nb].reshape(vals[va].shape + vals[nb].shape)
    path = G.folder("higher", cid)
    case = {"description": "full Hessian blocks w.r.t. x and fc_bias of sum(tanh(FC(x))*y), weights from a .params "
                           "file (finite differences of MXNet's float64 gradient)",
            "params": {"seed": 21, "out": "{tmp}/w.params", "arrays": pspec},
            "steps": [["hessian", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--params", "{tmp}/w.params",
                       "--wrt", "x,fc_bias", "-o", "{tmp}/out.npz"]],
            "expect": {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                          "rtol": HIGHER_TOL[0], "atol": HIGHER_TOL[1]}}}
    G.write(path, case, out.tojson(), {"inputs.npz": {"x": vals["x"], "y": vals["y"]}, "expected.npz": expected})


def gen_fuzz(n_each: int = 12):
    """Seeded random attribute combinations for the attribute-heavy operators (MXNet decides what is
    valid: a combination it rejects is skipped)."""
    r = np.random.default_rng(1234)

    def axes_subset(ndim):
        k = int(r.integers(1, ndim + 1))
        chosen = sorted(r.choice(ndim, size=k, replace=False).tolist())
        return tuple(a - ndim if r.random() < 0.4 else a for a in chosen)

    X4 = (2, 3, 4, 5)
    for i in range(n_each):
        attrs = {"axis": axes_subset(4), "keepdims": bool(r.random() < 0.5), "exclude": bool(r.random() < 0.3)}
        name = ["sum", "mean", "max", "min", "prod", "nansum"][i % 6]
        lo, hi = (0.7, 1.3) if name == "prod" else (-1, 1)
        vals = distinct(X4, f"fz{i}") if name in ("max", "min") else X4
        ops_case(f"fuzz__{name}_{i}", getattr(sym, name)(x, name="r", **attrs), {"x": vals}, "x",
                 f"{name}(x, {attrs}) on {X4}", low=lo, high=hi)
        perm = tuple(r.permutation(4).tolist())
        ops_case(f"fuzz__transpose_{i}", sym.transpose(x, axes=perm, name="t"), {"x": X4}, "x", f"transpose {perm}")
        shp = (4, 5, 6)
        begin, end, step = [], [], []
        for d in shp:
            st = int(r.choice([1, 2, -1, -2, 3])) if r.random() < 0.7 else None
            b = int(r.integers(-d, d)) if r.random() < 0.7 else None
            e = int(r.integers(-d, d + 1)) if r.random() < 0.7 else None
            begin.append(b)
            end.append(e)
            step.append(st)
        kw = {"begin": tuple(begin), "end": tuple(end), "step": tuple(step)}
        ops_case(f"fuzz__slice_{i}", sym.slice(x, name="sl", **kw), {"x": shp}, "x", f"slice {shp} {kw}")
        reps = tuple(int(v) for v in r.integers(1, 3, size=int(r.integers(1, 4))))
        ops_case(f"fuzz__tile_{i}", sym.tile(x, reps=reps, name="tl"), {"x": (2, 3)}, "x", f"tile (2, 3) reps={reps}")
        k = int(r.integers(1, 4))
        ax = int(r.integers(-3, 3))
        ret = ["value", "both", "indices", "mask"][i % 4]
        asc = bool(r.random() < 0.5)
        ops_case(f"fuzz__topk_{i}", sym.topk(x, k=k, axis=ax, ret_typ=ret, is_ascend=asc, name="tk"),
                 {"x": distinct((3, 4, 5), f"tk{i}")}, "x" if ret in ("value", "both") else (),
                 f"topk k={k} axis={ax} ret_typ={ret} is_ascend={asc}")
        pt = ["max", "avg", "sum"][i % 3]
        kern = tuple(int(v) for v in r.integers(1, 4, size=2))
        stride = tuple(int(v) for v in r.integers(1, 3, size=2))
        pad = tuple(int(min(v, kk - 1)) for v, kk in zip(r.integers(0, 2, size=2), kern))
        conv = ["valid", "full"][int(r.integers(0, 2))]
        cip = bool(r.random() < 0.5)
        pkw = dict(kernel=kern, stride=stride, pad=pad, pool_type=pt, pooling_convention=conv)
        if pt == "avg":
            pkw["count_include_pad"] = cip
        ops_case(f"fuzz__Pooling_{i}", sym.Pooling(data, name="pool", **pkw), {"data": distinct((1, 2, 6, 7), f"pl{i}")},
                 "data", f"Pooling {pkw}")
        ck = tuple(int(v) for v in r.integers(1, 4, size=2))
        cs = tuple(int(v) for v in r.integers(1, 3, size=2))
        cp = tuple(int(v) for v in r.integers(0, 2, size=2))
        cd = tuple(int(v) for v in r.integers(1, 3, size=2))
        grp = int(r.choice([1, 2]))
        ckw = dict(kernel=ck, stride=cs, pad=cp, dilate=cd, num_group=grp, num_filter=2 * grp)
        out = sym.Convolution(data, name="cv", **ckw)
        try:
            arg_shapes = out.infer_shape(data=(2, 2 * grp, 7, 6))[0]
        except mx.base.MXNetError:
            continue
        ops_case(f"fuzz__Convolution_{i}", out, dict(zip(out.list_arguments(), map(tuple, arg_shapes))),
                 out.list_arguments(), f"Convolution {ckw}")
        dkw = dict(kernel=ck, stride=cs, pad=tuple(min(p_, k_ - 1) for p_, k_ in zip(cp, ck)), num_group=grp,
                   num_filter=2 * grp, no_bias=bool(r.random() < 0.5))
        dkw["adj"] = tuple(int(min(r.integers(0, 2), s_ - 1)) for s_ in cs)
        out = sym.Deconvolution(data, name="dc", **dkw)
        try:
            arg_shapes = out.infer_shape(data=(1, 2 * grp, 3, 4))[0]
        except mx.base.MXNetError:
            continue
        ops_case(f"fuzz__Deconvolution_{i}", out, dict(zip(out.list_arguments(), map(tuple, arg_shapes))),
                 out.list_arguments(), f"Deconvolution {dkw}")


def gen_loss_grid():
    """SoftmaxOutput over its attribute product (normalization x ignore x layout x smoothing)."""
    lab = sym.Variable("label")
    r = rng_for("grid")
    i = 0
    for layout in ("default", "multi", "preserve"):
        for norm in ("null", "batch", "valid"):
            for use_ignore in (False, True):
                for smooth in (0.0, 0.2):
                    kw = dict(normalization=norm, use_ignore=use_ignore, ignore_label=1, grad_scale=1.5)
                    if smooth:
                        kw["smooth_alpha"] = smooth
                    if layout == "multi":
                        kw["multi_output"] = True
                        shp, lshape, classes = (2, 3, 4), (2, 4), 3
                    elif layout == "preserve":
                        kw["preserve_shape"] = True
                        shp, lshape, classes = (2, 3, 4), (2, 3), 4
                    else:
                        shp, lshape, classes = (4, 5), (4,), 5
                    labels = r.integers(-1, classes, size=lshape).astype(float)
                    ops_case(f"SoftmaxOutput__grid{i}", sym.SoftmaxOutput(data, lab, name="softmax", **kw),
                             {"data": shp, "label": labels}, "data", f"SoftmaxOutput {layout} {kw}")
                    i += 1
    for j, (shp, kw) in enumerate([((3, 4), dict(normalization="valid", valid_thresh=-0.2)),
                                   ((2, 3, 2), dict(normalization="batch", grad_scale=2.5)),
                                   ((6,), dict(normalization="valid", valid_thresh=0.5, grad_scale=0.3)),
                                   ((2, 2, 2), dict(normalization="null", grad_scale=-1.0))]):
        ops_case(f"MakeLoss__grid{j}", sym.MakeLoss(x, name="ml", **kw), {"x": shp}, "x", f"MakeLoss {shp} {kw}")
    for j, (kind, shp, lshape) in enumerate([("LinearRegressionOutput", (4,), (4,)),
                                             ("LogisticRegressionOutput", (2, 3, 2), (2, 3, 2)),
                                             ("MAERegressionOutput", (3, 1), (3,)),
                                             ("LogisticRegressionOutput", (3, 4), (3, 4)),
                                             ("MAERegressionOutput", (2, 5), (2, 5))]):
        ops_case(f"{kind}__grid{j}", getattr(sym, kind)(data, lab, grad_scale=0.7, name="reg"),
                 {"data": shp, "label": lshape}, "data", f"{kind} {shp} label {lshape} grad_scale=0.7")


def gen_big_shapes():
    """infer-shape of gluon model-zoo exports (their weights carry __shape__ hints with 0 dims)."""
    import tempfile
    from mxnet.gluon.model_zoo import vision
    for name, size in [("resnet18_v1", 48), ("mobilenetv2_0.25", 40), ("squeezenet1.1", 209), ("alexnet", 67),
                       ("densenet121", 221), ("vgg11_bn", 40), ("resnet50_v2", 64), ("inceptionv3", 299),
                       ("mobilenet0.25", 36)]:
        cid = f"model__{name.replace('.', '_')}"
        if not G.wanted("shapes", cid):
            continue
        net = vision.get_model(name, pretrained=False, classes=10)
        net.initialize()
        net.hybridize()
        net(mx.nd.zeros((1, 3, size, size)))
        with tempfile.TemporaryDirectory() as tmp:
            net.export(os.path.join(tmp, "m"))
            s = mx.sym.load(os.path.join(tmp, "m-symbol.json"))
        shape_case(cid, s, {"data": (2, 3, size, size)}, desc=f"gluon {name} export at {size}x{size}, batch 2: "
                   "every weight and aux shape")


def main(argv=None) -> int:
    global G
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", ".extra_cases"))
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("--only", action="append", default=[], help="generator group: unary binary ... seed")
    args = ap.parse_args(argv)
    G = Gen(os.path.abspath(args.out), args.k)
    if not args.k and not args.only and os.path.isdir(G.root):
        shutil.rmtree(G.root)  # a full run leaves no stale case behind
    groups = {"unary": gen_unary, "binary": gen_binary, "scalar": gen_scalar, "reduce": gen_reduce,
              "softmax": gen_softmax, "shape": gen_shape, "index": gen_index, "linalg": gen_linalg, "nn": gen_nn,
              "loss": gen_loss, "creation": gen_creation, "aliases": gen_aliases, "more": gen_more, "params": gen_params,
              "shapes": gen_shapes, "big_shapes": gen_big_shapes, "higher": gen_higher,
              "grad_graphs": gen_grad_graphs, "hessian_params": gen_hessian_params, "fuzz": gen_fuzz, "loss_grid": gen_loss_grid, "seed": gen_seed}
    for name, fn in groups.items():
        if args.only and name not in args.only:
            continue
        fn()
    for s in G.skipped:
        print("skipped", s, file=sys.stderr)
    print(f"wrote {G.count} cases to {G.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
