"""Regressions found by the extra conformance cases (tools/make_extra_op_cases.py): what MXNet 1.9.1
computes and infers where symcli differed (MakeLoss batch normalization, partial shape inference)."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from symcli.executor import Executor
from symcli.graph import Graph, Node
from symcli.infer import infer_shapes

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _makeloss_grad(shape, **attrs) -> np.ndarray:
    g = Graph([Node("null", "x"), Node("MakeLoss", "ml", {k: str(v) for k, v in attrs.items()}, [(0, 0)])],
              [(1, 0)])
    x = np.ones(shape)
    ex = Executor.bind(g, "cpu", {"x": x}, args_grad={"x": np.zeros_like(x)})
    ex.forward(is_train=True)
    ex.backward(np.full(shape, 7.0))  # a loss head: ignored
    return np.asarray(ex.grad_dict["x"])


@pytest.mark.parametrize("shape,rows", [((4,), 1), ((4, 3), 4), ((2, 3, 4), 6), ((2, 3, 4, 5), 24)])
def test_makeloss_batch_divides_by_the_rows_of_the_2d_view(shape, rows):
    # MXNet's MakeLoss works on data.FlatTo2D(): (prod(shape[:-1]), shape[-1]), so a 1-D loss is
    # not divided at all and (2, 3, 4) is divided by 6 (observed: 1, 0.25, 1/6, 1/24)
    grad = _makeloss_grad(shape, normalization="batch", grad_scale=3)
    np.testing.assert_array_equal(grad, np.full(shape, np.float32(3) / np.float32(rows)))


def _plus_y(op: str, attrs: dict, inputs=("x",)) -> Graph:
    """op(inputs...) + y, where y's shape is the only one given."""
    nodes = [Node("null", n) for n in inputs]
    nodes.append(Node(op, "op", attrs, [(i, 0) for i in range(len(inputs))]))
    nodes.append(Node("null", "y"))
    nodes.append(Node("elemwise_add", "add", {}, [(len(inputs), 0), (len(inputs) + 1, 0)]))
    return Graph(nodes, [(len(nodes) - 1, 0)])


@pytest.mark.parametrize("op,attrs,inputs", [
    ("BatchNorm", {}, ("x", "g", "b", "m", "v")),
    ("LayerNorm", {}, ("x", "g", "b")),
    ("LeakyReLU", {"slope": "0.1"}, ("x",)),
    ("LeakyReLU", {"act_type": "prelu"}, ("x", "g")),
    ("Dropout", {}, ("x",)),
    ("softmax", {}, ("x",)),
    ("SoftmaxOutput", {}, ("x", "label")),
    ("LinearRegressionOutput", {}, ("x", "label")),
    ("SliceChannel", {"num_outputs": "2"}, ("x",)),
    ("stack", {"num_args": "2"}, ("x", "w")),
    ("where", {}, ("c", "x", "w")),
    ("FullyConnected", {"num_hidden": "3"}, ("x", "fc_weight", "fc_bias")),
])
def test_no_input_shape_from_the_output(op, attrs, inputs):
    # MXNet 1.9.1's infer_shape_partial leaves all of these inputs unknown (FullyConnected: even
    # its bias, whose shape num_hidden alone would fix)
    shape = (2, 2, 3) if op == "stack" else (2, 3)
    inferred = infer_shapes(_plus_y(op, attrs, inputs), {"y": shape})
    assert [inferred.of((i, 0)) for i in range(len(inputs))] == [None] * len(inputs)


@pytest.mark.parametrize("op", ["log_softmax", "softmin", "relu", "Activation"])
def test_elementwise_shape_ops_still_infer_backwards(op):
    attrs = {"act_type": "tanh"} if op == "Activation" else {}
    assert infer_shapes(_plus_y(op, attrs), {"y": (2, 3)}).of((0, 0)) == (2, 3)


def test_infer_shape_json_with_unknowns_says_why_on_stderr(tmp_path):
    graph = Graph([Node("null", "a"), Node("null", "b"),
                   Node("Concat", "cc", {"num_args": "2", "dim": "0"}, [(0, 0), (1, 0)])], [(2, 0)])
    from symcli.symbol import Symbol
    path = tmp_path / "g.json"
    path.write_text(Symbol.from_graph(graph).tojson())
    done = subprocess.run([sys.executable, "-m", "symcli", "infer-shape", str(path), "-s", "a=2,3", "--json"],
                          capture_output=True, cwd=ROOT)
    assert done.returncode == 1
    assert json.loads(done.stdout)["unknown"] == ["b"]
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symcli: error:") and "b" in lines[0]
