"""Shape operators against MXNet 1.9.1 goldens (tools/make_goldens_shape.py), plus the rules MXNet
cannot be asked about: clean errors where it crashes, inference in both directions, gradient graphs."""
from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from symcli.autodiff import build
from symcli.errors import ShapeError
from symcli.executor import Executor
from symcli.graph import Graph, Node
from symcli.infer import infer_dtypes, infer_shapes
from symcli.ops.registry import get_op

from opcheck import forward, sample_inputs

GOLDENS = pathlib.Path(__file__).resolve().parent / "goldens" / "shape.npz"
CREATION_OPS = {"_zeros", "_ones", "_full", "_arange", "_eye"}


def load_goldens() -> list[tuple[dict, dict[str, np.ndarray]]]:
    """(spec, arrays) per case, unpacked from the flat per-dtype buffers."""
    with np.load(GOLDENS) as data:
        specs = json.loads(str(data["spec"]))
        buffers = {k[len("data_"):]: data[k] for k in data.files if k.startswith("data_")}
    cases = []
    for spec in specs:
        arrays = {}
        for key, (dtype, shape, stored, offset) in spec["arrays"].items():
            size = int(np.prod(shape, dtype=np.int64))
            arrays[key] = buffers[stored][offset:offset + size].reshape(shape).astype(dtype)
        cases.append((spec, arrays))
    return cases


def one_node_graph(spec: dict) -> Graph:
    n = spec["num_inputs"]
    nodes = [Node("null", f"x{i}") for i in range(n)]
    nodes.append(Node(spec["op"], "node", spec["attrs"], [(i, 0) for i in range(n)]))
    return Graph(nodes, [(n, k) for k in range(spec["num_outputs"])])


def assert_same(got, expected, what: str) -> None:
    got = np.asarray(got)
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype}, MXNet {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape}, MXNet {expected.shape}"
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0, equal_nan=True, err_msg=what)
        # signed zeros too (Cast of -0.0, clip)
        assert np.array_equal(np.signbit(got), np.signbit(expected)), f"{what}: signs of zeros differ"
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what)


def check_golden(spec: dict, arrays: dict[str, np.ndarray]) -> None:
    graph = one_node_graph(spec)
    args = {f"x{i}": arrays[f"in{i}"] for i in range(spec["num_inputs"])}
    outs = [arrays[f"out{k}"] for k in range(spec["num_outputs"])]
    shapes = infer_shapes(graph, {n: a.shape for n, a in args.items()})
    dtypes = infer_dtypes(graph, {n: a.dtype.name for n, a in args.items()})
    for k, head in enumerate(graph.heads):
        assert shapes.of(head) == outs[k].shape, f"inferred shape of output {k}"
        assert dtypes.of(head) == outs[k].dtype.name, f"inferred dtype of output {k}"
    before = {n: a.copy() for n, a in args.items()}
    if spec["grad"]:
        grads = {n: np.zeros_like(a) for n, a in args.items()}
        ex = Executor.bind(graph, "cpu", args, args_grad=grads, grad_req="write")
        got = ex.forward(is_train=True)
        ex.backward([arrays[f"head{k}"] for k in range(spec["num_outputs"])])
        for i in range(spec["num_inputs"]):
            assert_same(ex.grad_dict[f"x{i}"], arrays[f"grad{i}"], f"gradient of input {i}")
    else:
        got = Executor.bind(graph, "cpu", args).forward()
    for k, expected in enumerate(outs):
        assert_same(got[k], expected, f"output {k}")
    for n, a in before.items():  # kernels never write into their inputs
        np.testing.assert_array_equal(args[n], a)


SHAPE_CASES = [c for c in load_goldens() if c[0]["op"] not in CREATION_OPS]


@pytest.mark.parametrize("spec,arrays", SHAPE_CASES, ids=[c[0]["name"] for c in SHAPE_CASES])
def test_matches_mxnet(spec, arrays):
    check_golden(spec, arrays)


# -- inference: both directions, partial shapes, clean errors --------------------------------------
def graph_of(*nodes: Node, heads=None) -> Graph:
    return Graph(list(nodes), heads or [(len(nodes) - 1, 0)])


def test_reshape_size_mismatch_is_a_clean_error():
    # MXNet infers (5,4) here and then crashes in forward (mxnet-format.md §6.1)
    g = graph_of(Node("null", "x"), Node("Reshape", "r", {"shape": "(5, -1)"}, [(0, 0)]))
    with pytest.raises(ShapeError, match=r"cannot reshape \(2,3,4\) \(24 elements\) into \(5,4\)"):
        infer_shapes(g, {"x": (2, 3, 4)})
    g = graph_of(Node("null", "x"), Node("Reshape", "r", {"shape": "(0,)"}, [(0, 0)]))
    with pytest.raises(ShapeError, match="cannot reshape"):
        infer_shapes(g, {"x": (2, 3, 4)})


@pytest.mark.parametrize("shape,message", [
    ("(-1, -1)", "One and only one dim can be inferred"),
    ("(0, 0, 0, 0)", "copies an input dim"),
    ("(-4, 4, -1, -2)", "Split dims 4, 0 do not divide original dim 2"),
    ("(-5, 6)", "invalid value -5"),
])
def test_reshape_special_value_errors(shape, message):
    g = graph_of(Node("null", "x"), Node("Reshape", "r", {"shape": shape}, [(0, 0)]))
    with pytest.raises(ShapeError, match=message):
        infer_shapes(g, {"x": (2, 3, 4)})


def test_reshape_quirk_inferred_dim_indexed_by_shape_position():
    # MXNet writes the inferred size at the -1's index in `shape`, not in the output: (-2, -1)
    # on (2, 3, 4) puts it at output index 1, so the result (2,1,4,1) has the wrong size -> error.
    g = graph_of(Node("null", "x"), Node("Reshape", "r", {"shape": "(-2, -1)"}, [(0, 0)]))
    with pytest.raises(ShapeError, match=r"into \(2,1,4,1\)"):
        infer_shapes(g, {"x": (2, 3, 4)})


def add_graph(op: str, attrs: dict, n_inputs: int = 1, output: int = 0) -> Graph:
    """op(x0, ...)[output] + y: the elementwise add gives the op's output shape from y."""
    nodes = [Node("null", f"x{i}") for i in range(n_inputs)]
    nodes.append(Node(op, "op", attrs, [(i, 0) for i in range(n_inputs)]))
    nodes.append(Node("null", "y"))
    nodes.append(Node("elemwise_add", "add", {}, [(n_inputs, output), (n_inputs + 1, 0)]))
    return graph_of(*nodes)


@pytest.mark.parametrize("op,attrs,given,expected", [
    ("Reshape", {"shape": "(-1,)"}, {"x0": (2, 0), "y": (6,)}, (2, 3)),  # one unknown dim
    ("transpose", {"axes": "(1, 0, 2)"}, {"y": (2, 3, 4)}, (3, 2, 4)),
    ("expand_dims", {"axis": "1"}, {"y": (2, 1, 3)}, (2, 3)),
    ("SwapAxis", {"dim1": "0", "dim2": "-1"}, {"y": (2, 3, 4)}, (4, 3, 2)),
    ("Flatten", {}, {"x0": (5,)}, (5,)),
])
def test_input_shape_inferred_from_output(op, attrs, given, expected):
    g = add_graph(op, attrs)
    assert infer_shapes(g, given).of((0, 0)) == expected


def test_split_input_inferred_from_one_output():
    # MXNet 1.9.1 fills a partially known input's dims from an output, but leaves an input of
    # unknown rank unknown
    g = add_graph("SliceChannel", {"num_outputs": "2", "axis": "1"}, output=1)
    assert infer_shapes(g, {"x0": (0, 6), "y": (2, 3)}).of((0, 0)) == (2, 6)
    assert infer_shapes(g, {"y": (2, 3)}).of((0, 0)) is None
    g = add_graph("SliceChannel", {"num_outputs": "3", "axis": "-1", "squeeze_axis": "True"})
    assert infer_shapes(g, {"x0": (0, 4, 3), "y": (2, 4)}).of((0, 0)) == (2, 4, 3)


def test_concat_fills_unknown_dims_from_siblings():
    g = graph_of(Node("null", "a"), Node("null", "b"),
                 Node("Concat", "c", {"num_args": "2", "dim": "1"}, [(0, 0), (1, 0)]))
    inf = infer_shapes(g, {"a": (2, 3), "b": (0, 4)})
    assert inf.of((1, 0)) == (2, 4) and inf.of((2, 0)) == (2, 7)


def test_concat_missing_input_follows_from_output():
    g = add_graph("Concat", {"num_args": "2", "dim": "1"}, n_inputs=2)
    inf = infer_shapes(g, {"x0": (2, 3), "y": (2, 7)})
    assert inf.of((1, 0)) == (2, 4)


def test_stack_infers_the_output_but_no_input():
    # MXNet 1.9.1: stack(a, b) with only a known gives the output, while b stays unknown
    g = graph_of(Node("null", "a"), Node("null", "b"),
                 Node("stack", "s", {"num_args": "2", "axis": "1"}, [(0, 0), (1, 0)]))
    inf = infer_shapes(g, {"a": (2, 3)})
    assert inf.of((1, 0)) is None and inf.of((2, 0)) == (2, 2, 3)


@pytest.mark.parametrize("op,attrs,shape,message", [
    ("slice_axis", {"axis": "1", "begin": "2", "end": "1"}, (2, 3, 4), "Invalid begin, end"),
    ("slice_axis", {"axis": "1", "begin": "0", "end": "5"}, (2, 3, 4), "Invalid end"),
    ("slice_axis", {"axis": "3", "begin": "0", "end": "1"}, (2, 3, 4), "axis 3 is out of range"),
    ("squeeze", {"axis": "0"}, (2, 3), "size=2 not equal to one"),
    ("squeeze", {"axis": "(1, -1)"}, (2, 1), "duplicate value in axis"),
    ("SliceChannel", {"num_outputs": "4"}, (2, 6), "evenly sized chunks"),
    ("SliceChannel", {"num_outputs": "2", "squeeze_axis": "True"}, (2, 4), "must be the same as num_outputs"),
    ("Pad", {"mode": "constant", "pad_width": "(0, 0, 1, 1)"}, (2, 3), "only supports 4-D or 5-D"),
    ("Pad", {"mode": "constant", "pad_width": "(1, 0, 0, 0, 1, 1, 1, 1)"}, (1, 2, 3, 3), "first two axes"),
    ("Pad", {"mode": "reflect", "pad_width": "(0, 0, 0, 0, 3, 3, 1, 1)"}, (1, 2, 3, 3), "smaller than"),
    ("transpose", {"axes": "(0, 0, 1)"}, (2, 3, 4), "not a permutation"),
    ("transpose", {"axes": "(-1, 0, 1)"}, (2, 3, 4), "not a permutation"),
    ("reverse", {"axis": "-1"}, (2, 3), "out of range"),
    ("broadcast_to", {"shape": "(2, 5)"}, (2, 4), "cannot be broadcasted"),
    ("broadcast_to", {"shape": "(2, 4)"}, (4,), "cannot be broadcasted"),
    ("broadcast_axis", {"axis": "0", "size": "3"}, (2, 1), "must have size 1"),
    ("broadcast_axis", {"axis": "-1", "size": "3"}, (2, 1), "out of range"),
    ("expand_dims", {"axis": "3"}, (3, 4), "out of range"),
    ("repeat", {"repeats": "2", "axis": "2"}, (2, 3), "out of range"),
    ("tile", {"reps": "(0, 2)"}, (2, 3), "must be positive"),
    ("slice", {"begin": "(0,)", "end": "(1, 2)"}, (2, 3), "same length"),
    ("slice", {"begin": "(0,)", "end": "(1,)", "step": "(0,)"}, (2, 3), "cannot be 0"),
])
def test_invalid_attributes_are_shape_errors(op, attrs, shape, message):
    g = graph_of(Node("null", "x"), Node(op, "node", attrs, [(0, 0)]))
    with pytest.raises(ShapeError, match=message):
        infer_shapes(g, {"x": shape})


def test_slice_like_checks_sizes():
    g = graph_of(Node("null", "a"), Node("null", "b"), Node("slice_like", "s", {}, [(0, 0), (1, 0)]))
    with pytest.raises(ShapeError, match="exceeds limit of input"):
        infer_shapes(g, {"a": (4, 5), "b": (2, 6)})


# -- dtypes ------------------------------------------------------------------------------------------
def test_cast_dtype_and_gradient_dtype():
    g = graph_of(Node("null", "x"), Node("Cast", "c", {"dtype": "float16"}, [(0, 0)]))
    assert infer_dtypes(g, {"x": "float32"}).of((1, 0)) == "float16"
    grad = build(g, ["x"], head_grads="inputs", keep_forward_heads=False).graph
    inf = infer_dtypes(grad, {"x": "float32", "head_grad/c_output": "float16"})
    assert inf.of(grad.heads[0]) == "float32"


def test_shape_and_size_arrays_are_int64_whatever_the_input():
    for op in ("shape_array", "size_array"):
        g = graph_of(Node("null", "x"), Node(op, "s", {}, [(0, 0)]))
        assert infer_dtypes(g, {"x": "float16"}).of((1, 0)) == "int64"


def test_concat_rejects_mixed_dtypes():
    g = graph_of(Node("null", "a"), Node("null", "b"),
                 Node("Concat", "c", {"num_args": "2"}, [(0, 0), (1, 0)]))
    with pytest.raises(ShapeError, match="dtype inconsistent"):
        infer_dtypes(g, {"a": "float32", "b": "float64"})


# -- gradient graphs: adjoint pairs, so second order stays in registered ops ----------------------
def grad_ops(op: str, attrs: dict, shapes, order: int = 1) -> list[str]:
    n = len(shapes)
    g = graph_of(*[Node("null", f"x{i}") for i in range(n)],
                 Node(op, "node", attrs, [(i, 0) for i in range(n)]))
    for _ in range(order):
        g = build(g, ["x0"], head_grads="inputs", keep_forward_heads=False).graph
    return [node.op for node in g.nodes if not node.is_variable]


@pytest.mark.parametrize("op,attrs,shapes,first,second", [
    ("Concat", {"num_args": "2", "dim": "1"}, [(2, 3), (2, 4)], "_split_like", "Concat"),
    ("slice", {"begin": "(1,)", "end": "(3,)"}, [(4, 5)], "_slice_scatter", "slice"),
    ("slice_axis", {"axis": "-1", "begin": "1", "end": "None"}, [(4, 5)],
     "_slice_axis_scatter", "slice_axis"),
    ("slice_like", {}, [(4, 5), (2, 3)], "_slice_like_scatter", "slice_like"),
    ("Pad", {"mode": "edge", "pad_width": "(0, 0, 0, 0, 1, 1, 1, 1)"}, [(1, 1, 2, 2)], "_pad_adjoint", "Pad"),
    ("repeat", {"repeats": "2", "axis": "1"}, [(2, 3)], "_repeat_adjoint", "repeat"),
    ("tile", {"reps": "(2, 2)"}, [(2, 3)], "_tile_adjoint", "tile"),
    ("SliceChannel", {"num_outputs": "2"}, [(2, 4)], "Concat", "_split_like"),
    ("transpose", {"axes": "(1, 2, 0)"}, [(2, 3, 4)], "transpose", "transpose"),
    ("Cast", {"dtype": "float32"}, [(2, 3)], "_cast_like", "_cast_like"),
    ("clip", {"a_min": "0", "a_max": "1"}, [(2, 3)], "_clip_grad", "_clip_grad"),
])
def test_gradient_of_gradient_is_the_adjoint_pair(op, attrs, shapes, first, second):
    assert first in grad_ops(op, attrs, shapes)
    # differentiate the gradient w.r.t. the head gradient: the forward op comes back
    g = graph_of(*[Node("null", f"x{i}") for i in range(len(shapes))],
                 Node(op, "node", attrs, [(i, 0) for i in range(len(shapes))]))
    gg = build(g, ["x0"], head_grads="inputs", keep_forward_heads=False)
    head = next(n for n in gg.head_grad_names if n)
    again = build(gg.graph, [head], head_grads="inputs", keep_forward_heads=False).graph
    assert second in [node.op for node in again.nodes if not node.is_variable]


def test_transpose_gradient_uses_the_inverse_permutation():
    g = graph_of(Node("null", "x"), Node("transpose", "t", {"axes": "(1, 2, 0)"}, [(0, 0)]))
    grad = build(g, ["x"], head_grads="inputs", keep_forward_heads=False).graph
    node = next(n for n in grad.nodes if n.op == "transpose")
    assert node.attrs["axes"] == "(2, 0, 1)"


def test_clip_gradient_is_one_on_the_closed_interval_and_passes_nan():
    x = np.array([-1.0, -0.5, 0.0, 1.0, 1.5, np.nan])
    g = graph_of(Node("null", "x"), Node("clip", "c", {"a_min": "-1", "a_max": "1"}, [(0, 0)]))
    ex = Executor.bind(g, "cpu", {"x": x}, args_grad={"x": np.zeros(6)})
    ex.forward(is_train=True)
    ex.backward([np.ones(6)])
    np.testing.assert_array_equal(ex.grad_dict["x"], [1, 1, 1, 1, 0, 1])


def test_no_kernel_writes_into_its_inputs():
    names = ["Reshape", "Flatten", "transpose", "SwapAxis", "expand_dims", "squeeze", "reverse", "Concat",
             "_split_like", "stack", "SliceChannel", "slice", "_slice_scatter", "slice_axis", "slice_like",
             "broadcast_to", "broadcast_axis", "tile", "_tile_adjoint", "repeat", "_repeat_adjoint", "Pad",
             "_pad_adjoint", "Cast", "_cast_like", "clip", "_clip_grad", "reshape_like"]
    for name in names:
        op = get_op(name)
        for sample in op.samples:
            arrays = sample_inputs(op, sample)
            kept = {k: v.copy() for k, v in arrays.items()}
            forward(op, sample, arrays)
            for k in arrays:
                np.testing.assert_array_equal(arrays[k], kept[k], err_msg=f"{name} wrote into {k}")
