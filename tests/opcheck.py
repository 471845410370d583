"""The generic operator checks every op record's samples go through.

For a sample: build a one-node graph, run it forward in float64, check the shape and dtype rules
against the computed outputs, and compare symbolic gradients (order 1 and 2) with central finite
differences along random directions (the way autograd's check_grads(order=2) does).
"""
from __future__ import annotations

import numpy as np

from symcli.executor import Executor
from symcli.graph import Graph, Node
from symcli.infer import infer_dtypes, infer_shapes
from symcli.ops.registry import OpDef, Sample
from symcli.signature import argument_nodes


def sample_graph(op: OpDef, sample: Sample) -> tuple[Graph, list[str]]:
    p = op.parse(sample.attrs)
    names = op.input_names(p)
    nodes = [Node("null", f"in_{n}") for n in names]
    nodes.append(Node(op.name, "node", sample.attrs, [(i, 0) for i in range(len(names))]))
    heads = [(len(names), k) for k in range(op.n_visible(p))]
    return Graph(nodes, heads), [f"in_{n}" for n in names]


def sample_inputs(op: OpDef, sample: Sample, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    names = op.input_names(op.parse(sample.attrs))
    arrays = {}
    for k, (name, shape) in enumerate(zip(names, sample.shapes)):
        given = sample.values[k] if k < len(sample.values) else None
        if given is None:
            arr = rng.uniform(sample.low, sample.high, size=shape).astype(sample.dtype)
        else:
            arr = np.array(given).reshape(shape)
            if arr.dtype.kind == "f":
                arr = arr.astype(sample.dtype)
        arrays[f"in_{name}"] = arr
    return arrays


def forward(op: OpDef, sample: Sample, arrays=None, is_train=False):
    graph, names = sample_graph(op, sample)
    arrays = arrays if arrays is not None else sample_inputs(op, sample)
    r_args = [graph.nodes[i].name for i in argument_nodes(graph)]
    args = {n: arrays[n] for n in r_args}
    aux = {n: arrays[n] for n in arrays if n not in args}
    ex = Executor.bind(graph, "cpu", args, aux_states=aux)
    return graph, [np.asarray(o) for o in ex.forward(is_train=is_train)]


def check_rules(op: OpDef, sample: Sample) -> None:
    """Inferred output shapes and dtypes equal the computed ones."""
    graph, outs = forward(op, sample)
    arrays = sample_inputs(op, sample)
    shapes = infer_shapes(graph, {n: a.shape for n, a in arrays.items()})
    dtypes = infer_dtypes(graph, {n: a.dtype.name for n, a in arrays.items()})
    for k, (head, out) in enumerate(zip(graph.heads, outs)):
        assert shapes.of(head) == out.shape, f"{op.name} output {k}: rule {shapes.of(head)} vs {out.shape}"
        assert dtypes.of(head) == out.dtype.name, f"{op.name} output {k}: rule {dtypes.of(head)} vs {out.dtype}"


def diff_inputs(op: OpDef, sample: Sample) -> list[str]:
    p = op.parse(sample.attrs)
    names = op.input_names(p)
    return [f"in_{n}" for n in names if n not in op.nondiff_inputs and n not in op.aux_inputs]


def check_gradients(op: OpDef, sample: Sample, order: int = 1, eps: float = 1e-6,
                    rtol: float = 1e-5, atol: float = 1e-7, seed: int = 1) -> None:
    from symcli.gradcheck import check
    graph, _ = sample_graph(op, sample)
    arrays = sample_inputs(op, sample)
    arg_set = {graph.nodes[i].name for i in argument_nodes(graph)}
    args = {n: a for n, a in arrays.items() if n in arg_set}
    aux = {n: a for n, a in arrays.items() if n not in arg_set}
    wrt = [n for n in diff_inputs(op, sample) if n in args]
    if not wrt:
        return
    report = check(graph, args, aux, wrt=wrt, order=order, eps=eps, rtol=rtol, atol=atol, seed=seed)
    bad = [r for r in report["results"] if not r["ok"]]
    assert not bad, f"{op.name} {sample.attrs} order {order}: {bad}"
