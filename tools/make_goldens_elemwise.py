"""MXNet 1.9.1's outputs (and float64 gradients) for the elementwise and unary operators
-> tests/goldens/elemwise.npz (binary, scalar, broadcast) and tests/goldens/elemwise_unary.npz.

Each case is a one-node graph loaded from JSON (so aliases and attribute strings go through MXNet's
own parser), run forward in training mode and, for float64 inputs, backward with a seeded head
gradient. Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_elemwise.py
"""
import json
import os
import warnings

import mxnet as mx
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "tests", "goldens")
rng = np.random.default_rng(20240601)


def arr(values, dtype="float64"):
    return np.array(values, dtype=dtype)


def case(name, op, inputs, attrs=None, grad=None, rtol=None):
    """grad: differentiate (default: every input is float64)."""
    if grad is None:
        grad = all(a.dtype == np.float64 for a in inputs)
    return {"name": name, "op": op, "attrs": attrs or {}, "inputs": inputs, "grad": grad,
            "rtol": rtol}


def run(c):
    names = [f"in{k}" for k in range(len(c["inputs"]))]
    nodes = [{"op": "null", "name": n, "inputs": []} for n in names]
    nodes.append({"op": c["op"], "name": "node", "attrs": c["attrs"],
                  "inputs": [[k, 0, 0] for k in range(len(names))]})
    graph = {"nodes": nodes, "arg_nodes": list(range(len(names))), "heads": [[len(names), 0, 0]],
             "attrs": {"mxnet_version": ["int", 10901]}}
    sym = mx.sym.load_json(json.dumps(graph))
    args = {n: mx.nd.array(a, dtype=a.dtype) for n, a in zip(names, c["inputs"])}
    grads = None
    if c["grad"]:
        grads = {n: mx.nd.zeros(a.shape, dtype=a.dtype) for n, a in zip(names, c["inputs"])}
    meta = {key: c[key] for key in ("name", "op", "attrs", "grad", "rtol")}
    arrays = {f"in{k}": a for k, a in enumerate(c["inputs"])}
    try:
        ex = sym.bind(mx.cpu(), args, args_grad=grads, grad_req="write" if grads else "null")
        out = ex.forward(is_train=bool(grads))[0].asnumpy()
    except mx.base.MXNetError as exc:  # symcli must refuse these too
        meta["grad"] = False
        meta["error"] = str(exc).strip().splitlines()[-1]
        return meta, arrays
    arrays["out"] = out
    if grads:
        head = rng.uniform(-1.5, 1.5, size=out.shape).round(3).astype(out.dtype)
        ex.backward(out_grads=[mx.nd.array(head, dtype=out.dtype)])
        arrays["head"] = head
        for k, n in enumerate(names):
            arrays[f"grad{k}"] = ex.grad_dict[n].asnumpy()
    return meta, arrays


def write(filename, cases):
    """Arrays of one dtype are packed into one flat array (few zip members keep the file small);
    each case's meta says where its arrays lie: {role: [dtype, shape, offset]}."""
    metas, packs = [], {}
    for c in cases:
        meta, arrays = run(c)
        meta["arrays"] = {}
        for role, a in arrays.items():
            pack = packs.setdefault(a.dtype.name, [])
            offset = sum(p.size for p in pack)
            pack.append(np.ascontiguousarray(a).ravel())
            meta["arrays"][role] = [a.dtype.name, list(a.shape), offset]
        metas.append(meta)
    out = {f"pack:{dt}": np.concatenate(parts) for dt, parts in packs.items()}
    out["__meta__"] = np.array(json.dumps(metas))
    path = os.path.normpath(os.path.join(OUT_DIR, filename))
    np.savez_compressed(path, **out)
    print("wrote", path, len(cases), "cases")


# -- binary, scalar and broadcast -----------------------------------------------------------------
A = arr([[1.5, -0.7, 2.25], [0.3, -1.8, 0.9]])
B = arr([[0.4, 1.1, -2.0], [0.3, 0.6, -0.9]])  # a tie at (1, 0) for max/min
POS_A = arr([[0.5, 1.7, 2.2], [0.9, 1.3, 3.1]])
POS_B = arr([[1.5, -0.5, 2.0], [0.7, 2.4, -1.2]])
SMALL_A = arr([[1, 2, 0], [-1, 3, 2]])
SMALL_B = arr([[1, 1, 0], [2, -3, 0]])
MOD_A = arr([[5, -5, 5, -5, 5.5, -5.5], [7.25, 0, 3, -2.5, 9, 1]])
MOD_B = arr([[3, 3, -3, -3, 2, 2], [-1.5, 3, 0, 0, 2.5, -4]])
INT_A = arr([[7, -7, 5], [-5, 3, 0]], "int32")
INT_B = arr([[2, 2, -3], [-3, 4, 3]], "int32")
INT_MOD_B = arr([[2, 2, -3], [-3, 0, 3]], "int32")

binary_cases = []
SAME_SHAPE = ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_maximum", "_minimum",
              "_hypot", "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser",
              "_lesser_equal", "_logical_and", "_logical_or", "_logical_xor"]
for op in SAME_SHAPE:
    binary_cases.append(case(f"{op}", op, [A, B]))
    binary_cases.append(case(f"{op}__int32", op, [INT_A, INT_B]))
for op in ["_equal", "_not_equal", "_greater", "_greater_equal", "_lesser", "_lesser_equal",
           "_logical_and", "_logical_or", "_logical_xor"]:
    binary_cases.append(case(f"{op}__ties", op, [SMALL_A, SMALL_B]))
binary_cases += [
    case("_power", "_power", [POS_A, POS_B]),
    case("_power__edges", "_power",
         [arr([-2, 0, 0, 2, -2, 0, -8, 4]), arr([2, 2, 0, 0, 0.5, -1, 3, -0.5])]),
    case("_power__int32", "_power",
         [arr([[7, -7, 5], [3, 0, 2]], "int32"), arr([[2, 3, -3], [0, 3, 5]], "int32")]),
    case("_power__int32_float32_rounding", "_power", [arr([7, 3, 11], "int32"), arr([9, 15, 7], "int32")]),
    case("_mod", "_mod", [MOD_A, MOD_B], grad=False),
    case("_mod__grad", "_mod", [arr([5.3, -5.3, 4.1, -4.1, 2.2, 7.7]), arr([3.1, 3.1, -1.7, -1.7, 0.9, -2.4])]),
    case("_mod__int32", "_mod", [INT_A, INT_MOD_B]),
    case("_mod__uint8", "_mod", [arr([1, 200, 3, 250], "uint8"), arr([2, 100, 0, 7], "uint8")]),
    case("elemwise_div__zero", "elemwise_div", [arr([1, 0, -1, 2]), arr([0, 0, 0, 4])]),
    case("_hypot__zero", "_hypot", [arr([0, 3, -3]), arr([0, 4, 0])]),
    case("_maximum__nan", "_maximum", [arr([np.nan, 1, 2]), arr([1, np.nan, 3])], grad=False),
    case("_minimum__nan", "_minimum", [arr([np.nan, 1, 2]), arr([1, np.nan, 3])], grad=False),
    case("elemwise_add__int8_wrap", "elemwise_add",
         [arr([100, -100, 3], "int8"), arr([100, -100, 4], "int8")]),
    case("elemwise_sub__uint8_wrap", "elemwise_sub",
         [arr([1, 200, 3], "uint8"), arr([2, 100, 0], "uint8")]),
    case("elemwise_mul__float32", "elemwise_mul", [A.astype("float32"), B.astype("float32")]),
    case("_power__float32", "_power", [POS_A.astype("float32"), POS_B.astype("float32")]),
    case("_power__float16", "_power", [POS_A.astype("float16"), POS_B.astype("float16")]),
    case("elemwise_div__float16", "elemwise_div", [A.astype("float16"), B.astype("float16")]),
    case("_mod__float16", "_mod", [MOD_A.astype("float16"), MOD_B.astype("float16")]),
    case("_hypot__int64", "_hypot", [INT_A.astype("int64"), INT_B.astype("int64")]),
    case("elemwise_div__int8", "elemwise_div", [INT_A.astype("int8"), INT_B.astype("int8")]),
    case("elemwise_add__bool", "elemwise_add", [arr([True, False], "bool"), arr([True, True], "bool")]),
    case("broadcast_equal__bool", "broadcast_equal", [arr([True, False], "bool"), arr([True], "bool")]),
]
for alias, canonical in [("_Plus", "elemwise_add"), ("_sub", "elemwise_sub"), ("_Mul", "elemwise_mul"),
                         ("_Div", "elemwise_div"), ("_Power", "_power"), ("_Mod", "_mod"),
                         ("_Maximum", "_maximum"), ("_Hypot", "_hypot"), ("_Greater_Equal", "_greater_equal"),
                         ("_Not_Equal", "_not_equal"), ("_Logical_Xor", "_logical_xor")]:
    inputs = [POS_A, POS_B] if canonical in ("_power", "_mod") else [A, B]
    binary_cases.append(case(f"{alias}__alias", alias, inputs, grad=canonical != "_mod"))

X = arr([[-2.5, -1.2, -0.5, 0.0], [0.5, 1.0, 1.7, 3.2]])
POS_X = arr([[0.2, 0.5, 0.9, 1.0], [1.3, 1.7, 2.5, 4.0]])
INT_X = arr([[-7, -3, -1, 0], [1, 2, 5, 9]], "int32")
SCALARS = ["_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
           "_rdiv_scalar", "_maximum_scalar", "_minimum_scalar", "_hypot_scalar", "_equal_scalar",
           "_not_equal_scalar", "_greater_scalar", "_greater_equal_scalar", "_lesser_scalar",
           "_lesser_equal_scalar", "_logical_and_scalar", "_logical_or_scalar", "_logical_xor_scalar"]
for op in SCALARS:
    binary_cases.append(case(op, op, [X if op != "_rdiv_scalar" else POS_X], {"scalar": "1.7"}))
    binary_cases.append(case(f"{op}__at_value", op, [X], {"scalar": "0.5"}, grad=op != "_rdiv_scalar"))
    if op != "_div_scalar":
        binary_cases.append(case(f"{op}__int32_truncated", op, [INT_X], {"scalar": "2.5"}))
        binary_cases.append(case(f"{op}__int32_negative", op, [INT_X], {"scalar": "-0.5"}))
    binary_cases.append(case(f"{op}__int32_not_int", op, [INT_X], {"scalar": "2.5", "is_int": "False"}))
    binary_cases.append(case(f"{op}__bool", op, [arr([True, False, True], "bool")], {"scalar": "2"}))
    binary_cases.append(case(f"{op}__float32", op, [POS_X.astype("float32")], {"scalar": "0.3"}))
binary_cases += [
    case("_div_scalar__int32", "_div_scalar", [INT_X], {"scalar": "2.5"}),
    case("_div_scalar__int32_neg", "_div_scalar", [INT_X], {"scalar": "-2"}),
    case("_rdiv_scalar__int32_zero", "_rdiv_scalar", [INT_X], {"scalar": "10"}),
    case("_mod_scalar", "_mod_scalar", [arr([-4.1, -2.6, -0.5, 0.9, 2.3, 5.2])], {"scalar": "1.7"}),
    case("_mod_scalar__neg", "_mod_scalar", [arr([-4.1, -2.6, -0.5, 0.9, 2.3, 5.2])], {"scalar": "-1.7"}),
    case("_mod_scalar__zero", "_mod_scalar", [arr([-4.1, 0.0, 5.2])], {"scalar": "0"}),
    case("_mod_scalar__int32", "_mod_scalar", [INT_X], {"scalar": "2.5"}),
    case("_mod_scalar__int32_zero", "_mod_scalar", [INT_X], {"scalar": "0.5"}),
    case("_rmod_scalar", "_rmod_scalar", [arr([-4.1, -2.6, -0.7, 0.9, 2.3, 3.2])], {"scalar": "5.27"}),
    case("_rmod_scalar__zero", "_rmod_scalar", [arr([5, -5, 5.5, -5.5, 0])], {"scalar": "7"}, grad=False),
    case("_rmod_scalar__int32", "_rmod_scalar", [INT_X], {"scalar": "7.9"}),
    case("_power_scalar", "_power_scalar", [POS_X], {"scalar": "1.7"}),
    case("_power_scalar__neg_base_int", "_power_scalar", [X], {"scalar": "3"}),
    case("_power_scalar__zero_exponent", "_power_scalar", [X], {"scalar": "0"}),
    case("_power_scalar__half", "_power_scalar", [X], {"scalar": "0.5"}, grad=False),
    case("_power_scalar__int32", "_power_scalar", [INT_X], {"scalar": "2.5"}),
    case("_power_scalar__int32_neg", "_power_scalar", [INT_X], {"scalar": "-1"}),
    case("_power_scalar__float32", "_power_scalar", [POS_X.astype("float32")], {"scalar": "2.5"}),
    case("_rpower_scalar", "_rpower_scalar", [X], {"scalar": "1.7"}),
    case("_rpower_scalar__zero_base", "_rpower_scalar", [arr([-2, 0, 2])], {"scalar": "0"}),
    case("_rpower_scalar__neg_base", "_rpower_scalar", [arr([-2, 0, 2])], {"scalar": "-2"}),
    case("_rpower_scalar__int32", "_rpower_scalar", [INT_X], {"scalar": "2.5"}),
    case("_mul_scalar__int8_wrap", "_mul_scalar", [arr([100, -100, 3], "int8")], {"scalar": "2.9"}),
    case("_minus_scalar__uint8_wrap", "_minus_scalar", [arr([1, 0, 3], "uint8")], {"scalar": "2"}),
    case("_plus_scalar__default_scalar", "_plus_scalar", [X], {}),
    case("_plus_scalar__float_forms", "_plus_scalar", [X], {"scalar": ".5e1"}),
    case("_maximum_scalar__nan", "_maximum_scalar", [arr([np.nan, 1, 2])], {"scalar": "1.5"}, grad=False),
    case("_maximum_scalar__nan_scalar", "_maximum_scalar", [arr([0, 1, 2])], {"scalar": "nan"}, grad=False),
    case("_greater_scalar__inf", "_greater_scalar", [X], {"scalar": "-inf"}),
]
for alias in ["_PlusScalar", "_MinusScalar", "_RMinusScalar", "_MulScalar", "_DivScalar", "_RDivScalar",
              "_ModScalar", "_RModScalar", "_PowerScalar", "_RPowerScalar", "_MaximumScalar",
              "_MinimumScalar", "_HypotScalar", "_EqualScalar", "_NotEqualScalar", "_GreaterScalar",
              "_GreaterEqualScalar", "_LesserScalar", "_LesserEqualScalar", "_LogicalAndScalar",
              "_LogicalOrScalar", "_LogicalXorScalar"]:
    binary_cases.append(case(f"{alias}__alias", alias, [POS_X], {"scalar": "0.7"},
                             grad=alias not in ("_ModScalar", "_RModScalar")))

BL = arr(rng.uniform(-2, 2, (2, 3, 1)).round(2))
BR = arr(rng.uniform(-2, 2, (1, 3, 4)).round(2))
BCAST = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_maximum",
         "broadcast_minimum", "broadcast_hypot", "broadcast_equal", "broadcast_not_equal",
         "broadcast_greater", "broadcast_greater_equal", "broadcast_lesser", "broadcast_lesser_equal",
         "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor"]
for op in BCAST:
    binary_cases.append(case(op, op, [BL, BR]))
    binary_cases.append(case(f"{op}__rank", op, [arr([[1, 2, 0], [-1, 3, 2]]), arr([2, 2, 0])]))
    binary_cases.append(case(f"{op}__int32", op, [INT_A, arr([[2], [-3]], "int32")]))
binary_cases += [
    case("broadcast_power", "broadcast_power", [np.abs(BL) + 0.1, BR]),
    case("broadcast_power__int32", "broadcast_power", [INT_A, arr([[2], [3]], "int32")]),
    case("broadcast_mod", "broadcast_mod", [arr([[5.3, -5.3, 4.1], [-4.1, 2.2, 7.7]]), arr([3.1, -1.7, 2.4])]),
    case("broadcast_mod__zero", "broadcast_mod", [MOD_A, arr([[3], [0]])], grad=False),
    case("broadcast_mod__int32", "broadcast_mod", [INT_A, arr([[2], [0]], "int32")]),
    case("broadcast_div__int32", "broadcast_div", [INT_A, arr([[2], [-3]], "int32")]),
    case("broadcast_plus__alias", "broadcast_plus", [BL, BR]),
    case("broadcast_minus__alias", "broadcast_minus", [BL, BR]),
    case("broadcast_maximum__ties", "broadcast_maximum", [arr([[1, 2, 3], [4, 5, 6]]), arr([[1], [5]])]),
    case("broadcast_minimum__ties", "broadcast_minimum", [arr([[1, 2, 3], [4, 5, 6]]), arr([[1], [5]])]),
]

# -- unary --------------------------------------------------------------------------------------------
GENERAL = arr([-2.7, -1.3, -0.6, -0.2, 0.3, 0.8, 1.4, 2.9])
POSITIVE = arr([0.05, 0.3, 0.8, 1.0, 1.6, 2.5, 7.0, 40.0])
UNIT = arr([-0.95, -0.6, -0.25, -0.05, 0.1, 0.45, 0.7, 0.99])
ROUNDING = arr([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.4, 0.6, -2.7, 2.7, 0.0, 3.0, 0.49999999999999994])
EDGES = arr([-1.0, 0.0, 0.5, 1.0, 2.0, np.inf, -np.inf, np.nan])
INTS = arr([-3, -1, 0, 1, 2, 4, 9, 30], "int32")

UNARY = {
    "exp": GENERAL, "log": POSITIVE, "log2": POSITIVE, "log10": POSITIVE,
    "log1p": arr([-0.9, -0.3, 0.0, 1e-10, 0.5, 3.0]),
    "expm1": arr([-40, -1.5, -1e-9, 0.0, 1e-9, 0.4, 2.0]), "sqrt": POSITIVE, "rsqrt": POSITIVE,
    "cbrt": GENERAL, "rcbrt": GENERAL, "square": GENERAL, "abs": GENERAL, "sin": GENERAL,
    "cos": GENERAL, "tan": arr([-1.4, -0.7, 0.0, 0.2, 1.1]), "arcsin": UNIT, "arccos": UNIT,
    "arctan": GENERAL, "sinh": GENERAL, "cosh": GENERAL, "tanh": GENERAL, "arcsinh": GENERAL,
    "arccosh": arr([1.01, 1.3, 2.0, 5.5, 30.0]), "arctanh": UNIT, "degrees": GENERAL, "radians": GENERAL,
    "sigmoid": GENERAL, "relu": GENERAL, "softsign": GENERAL, "reciprocal": GENERAL, "negative": GENERAL,
    "erf": arr([-6.0, -3.1, -2.5, -1.0, -0.3, -1e-8, 0.0, 0.2, 0.9, 2.0, 2.6, 4.0, 5.9, 27.0]),
    "erfinv": arr([-0.999999, -0.97, -0.5, -0.2, -1e-9, 0.0, 0.3, 0.5, 0.75, 0.9999, 0.9999999]),
    "gamma": arr([-3.5, -2.2, -0.7, 0.01, 0.4, 1.0, 1.3, 2.5, 5.0, 7.3, 20.0, 100.5]),
    "gammaln": arr([-3.5, -2.2, -0.7, 0.01, 0.4, 1.0, 1.3, 2.5, 5.0, 7.3, 20.0, 1e5]),
    "hard_sigmoid": arr([-3.0, -2.5, -1.0, 0.0, 0.7, 2.5, 3.0]),
    "round": ROUNDING, "rint": ROUNDING, "floor": ROUNDING, "ceil": ROUNDING, "trunc": ROUNDING,
    "fix": ROUNDING, "sign": arr([-2.0, -0.0, 0.0, 0.3, np.nan]),
    "logical_not": arr([0.0, 1.0, -2.0, 0.5, np.nan]),
}
LOOSE = {"gamma": 1e-5, "gammaln": 5e-6, "erf": 5e-7, "erfinv": 5e-7, "degrees": 5e-7, "radians": 5e-7}
unary_cases = []
for op, values in UNARY.items():
    unary_cases.append(case(op, op, [values], rtol=LOOSE.get(op)))
    unary_cases.append(case(f"{op}__int32", op, [INTS]))
    unary_cases.append(case(f"{op}__float32", op, [values.astype("float32")]))
    unary_cases.append(case(f"{op}__float16", op, [values.astype("float16")], grad=False))
    if op not in ("sign", "logical_not"):
        unary_cases.append(case(f"{op}__edges", op, [EDGES], grad=False, rtol=LOOSE.get(op)))
unary_cases += [
    case("relu__kink_grad", "relu", [arr([-1.0, 0.0, 2.0])]),
    case("abs__kink_grad", "abs", [arr([-1.0, 0.0, 2.0])]),
    case("hard_sigmoid__attrs", "hard_sigmoid", [GENERAL], {"alpha": "0.3", "beta": "0.4"}),
    case("hard_sigmoid__float32_attrs", "hard_sigmoid", [GENERAL.astype("float32")],
         {"alpha": "0.1", "beta": "0.6"}),
    case("gamma__negative_grad", "gamma", [arr([-2.5, -1.2, -0.3, 0.7])], rtol=1e-5),
    case("negative__uint8", "negative", [arr([1, 200, 3], "uint8")]),
    case("square__int32_large", "square", [arr([5001, 3, -46341], "int32")]),
    case("abs__int8", "abs", [arr([-128, -3, 5], "int8")]),
    case("sign__uint8", "sign", [arr([0, 3, 255], "uint8")]),
    case("exp__bool", "exp", [arr([True, False], "bool")]),
    case("sqrt__int64", "sqrt", [arr([4, 10, 2**40], "int64")]),
]

write("elemwise.npz", binary_cases)
write("elemwise_unary.npz", unary_cases)
