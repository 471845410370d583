"""Elementwise binary, scalar and broadcast operators against MXNet 1.9.1 goldens, plus the quirks
MXNet cannot give goldens for (integer division by zero kills it; symcli raises a clean error)."""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from symcli.errors import SymcliError
from symcli.executor import Executor
from symcli.graph import Graph, Node
from symcli.infer import infer_dtypes

GOLDENS = pathlib.Path(__file__).resolve().parent / "goldens"


def load_goldens(filename: str) -> list[dict]:
    """Cases of tools/make_goldens_elemwise.py, each with its arrays unpacked under `arrays`."""
    with np.load(GOLDENS / filename) as data:
        packs = {k.split(":", 1)[1]: data[k] for k in data.files if k.startswith("pack:")}
        cases = json.loads(str(data["__meta__"]))
    for c in cases:
        arrays = {}
        for role, (dtype, shape, offset) in c["arrays"].items():
            size = int(np.prod(shape, dtype=np.int64))
            arrays[role] = packs[dtype][offset:offset + size].reshape(shape).astype(dtype)
        c["arrays"] = arrays
    return cases


def one_node_graph(op: str, attrs: dict, num_inputs: int) -> Graph:
    nodes = [Node("null", f"in{k}") for k in range(num_inputs)]
    nodes.append(Node(op, "node", dict(attrs), [(k, 0) for k in range(num_inputs)]))
    return Graph(nodes, [(num_inputs, 0)])


def assert_matches(got, want, rtol: float, atol: float, what: str) -> None:
    got = np.asarray(got)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, MXNet {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, MXNet {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def check_golden(case: dict) -> None:
    arrays = case["arrays"]
    n = len([r for r in arrays if r.startswith("in")])
    graph = one_node_graph(case["op"], case["attrs"], n)
    args = {f"in{k}": arrays[f"in{k}"].copy() for k in range(n)}
    if "error" in case:
        with pytest.raises(SymcliError):
            Executor.bind(graph, "cpu", args).forward()
        return
    grads = {name: np.zeros_like(a) for name, a in args.items()} if case["grad"] else None
    ex = Executor.bind(graph, "cpu", args, args_grad=grads)
    out = ex.forward(is_train=True)[0]
    want = arrays["out"]
    loose = case.get("rtol")
    rtol, atol = {"float64": (1e-7, 1e-9), "float32": (1e-5, 1e-6)}.get(want.dtype.name, (2e-3, 1e-3))
    rtol = max(rtol, loose or 0.0)
    assert_matches(out, want, rtol, atol, f"{case['name']} output")
    dtypes = infer_dtypes(graph, {name: a.dtype.name for name, a in args.items()})
    assert dtypes.of(graph.heads[0]) == want.dtype.name, f"{case['name']}: inferred dtype"
    if case["grad"]:
        ex.backward(out_grads=[arrays["head"]])
        for k in range(n):
            assert_matches(ex.grad_dict[f"in{k}"], arrays[f"grad{k}"], rtol, atol,
                           f"{case['name']} gradient of input {k}")


CASES = load_goldens("elemwise.npz")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_against_mxnet(case):
    check_golden(case)


def test_goldens_cover_every_binary_operator():
    from symcli.ops import elemwise
    from symcli.ops.registry import all_ops
    names = {op.name for op in all_ops() if op.compute.__module__ == elemwise.__name__}
    covered = {c["op"] for c in CASES}
    from symcli.ops.registry import get_op
    covered = {get_op(name).name for name in covered}
    assert names <= covered, f"no MXNet golden for {sorted(names - covered)}"


def run(op: str, *inputs, **attrs):
    graph = one_node_graph(op, {k: str(v) for k, v in attrs.items()}, len(inputs))
    return np.asarray(Executor.bind(graph, "cpu", {f"in{k}": a for k, a in enumerate(inputs)}).forward()[0])


@pytest.mark.parametrize("op,inputs,attrs", [
    ("elemwise_div", (np.array([4, 5], np.int32), np.array([2, 0], np.int32)), {}),
    ("broadcast_div", (np.array([[4, 5]], np.int64), np.array([[0]], np.int64)), {}),
    ("_div_scalar", (np.array([4, 5], np.int32),), {"scalar": "0.5"}),  # truncated to 0
])
def test_integer_division_by_zero_is_a_clean_error(op, inputs, attrs):
    with pytest.raises(SymcliError, match="integer division by zero"):
        run(op, *inputs, **attrs)


def test_bool_tensors_are_refused_like_mxnet():
    for op, inputs in (("elemwise_add", 2), ("broadcast_mul", 2), ("_equal", 2), ("exp", 1), ("relu", 1)):
        with pytest.raises(SymcliError, match="boolean"):
            run(op, *[np.array([True, False])] * inputs)
    # scalar ops take bool and compute in int64 (is_int) or float64
    assert run("_plus_scalar", np.array([True, False]), scalar=2).tolist() == [3, 2]


def test_integer_division_truncates_toward_zero():
    a = np.array([7, -7, 7, -7, 6, -6, 0], np.int64)
    b = np.array([2, 2, -2, -2, 3, -3, 5], np.int64)
    np.testing.assert_array_equal(run("elemwise_div", a, b), [3, -3, -3, 3, 2, 2, 0])
    big = np.array([2**62 + 1, -(2**62) - 1], np.int64)  # exact where a float64 detour is not
    np.testing.assert_array_equal(run("_div_scalar", big, scalar=3), [(2**62 + 1) // 3, -((2**62 + 1) // 3)])


def test_mod_takes_the_divisor_sign_and_zero_divisor_gives_zero():
    a = np.array([5, -5, 5, -5, 5.5, -5.5, 3.0])
    b = np.array([3, 3, -3, -3, 2, 2, 0.0])
    np.testing.assert_array_equal(run("_mod", a, b), [2, 1, -1, -2, 1.5, 0.5, 0])
    np.testing.assert_array_equal(run("_rmod_scalar", np.array([5, -5, 5.5, -5.5, 0.0]), scalar=7),
                                  [2, -3, 1.5, -4, 0])


def test_scalar_dtype_rule_follows_is_int():
    graph = one_node_graph("_plus_scalar", {"scalar": "2.5", "is_int": "False"}, 1)
    assert infer_dtypes(graph, {"in0": "int32"}).of((1, 0)) == "float64"
    assert infer_dtypes(graph, {"in0": "bool"}).of((1, 0)) == "float64"
    assert infer_dtypes(graph, {"in0": "float16"}).of((1, 0)) == "float16"
    graph = one_node_graph("_plus_scalar", {"scalar": "2.5"}, 1)
    assert infer_dtypes(graph, {"in0": "bool"}).of((1, 0)) == "int64"
    assert infer_dtypes(graph, {"in0": "int8"}).of((1, 0)) == "int8"
    out = run("_plus_scalar", np.array([1, 2], np.int32), scalar=2.5, is_int=False)
    assert out.dtype == np.float64 and out.tolist() == [3.5, 4.5]


def test_unknown_attribute_rules():
    # ops without a parameter struct accept any key; scalar ops have one and refuse unknown keys
    assert run("elemwise_add", np.ones(2), np.ones(2), foo="1").tolist() == [2, 2]
    with pytest.raises(SymcliError, match="foo"):
        run("_plus_scalar", np.ones(2), foo="1")


def test_kernels_broadcast_a_leading_batch_axis():
    # batching=ELEMENTWISE: Hessian rows run the same kernels with an extra leading axis
    from symcli.context import cpu
    from symcli.ops.registry import ComputeContext, get_op
    ctx = ComputeContext(cpu().xp)
    a = np.arange(1.0, 7.0).reshape(2, 3)
    batched = np.stack([a, 2 * a])
    for name in ("_power", "_mod", "_hypot", "broadcast_maximum", "_greater"):
        op = get_op(name)
        p = op.parse({})
        got = op.compute(ctx, p, batched, a + 0.5)
        want = np.stack([op.compute(ctx, p, a, a + 0.5), op.compute(ctx, p, 2 * a, a + 0.5)])
        np.testing.assert_array_equal(got, want)


def test_second_order_through_power_and_maximum():
    """Gradient rules build graphs, so d²/dx² of x**y and max(x, c)**2 come out right."""
    import symcli as sx
    from symcli.autodiff import grad
    x, y = sx.sym.Variable("x"), sx.sym.Variable("y")
    f = sx.sym._power(x, y)
    g2 = grad(grad(f, ["x"], head_grads="ones"), ["x"], head_grads="ones")
    xv, yv = np.array([1.5, 2.0]), np.array([3.0, 0.5])
    out = np.asarray(g2.bind("cpu", {"x": xv, "y": yv}).forward()[-1])
    np.testing.assert_allclose(out, yv * (yv - 1) * xv ** (yv - 2), rtol=1e-12)
