"""`symcli validate`: every problem in a graph file, each with its node index and name."""
from __future__ import annotations

from typing import Any

from .errors import SymcliError


def validate_file(path: str) -> dict[str, Any]:
    """A report: ok, node count, arguments, auxiliary states, outputs, problems."""
    from .codec import read_graph
    report: dict[str, Any] = {"ok": False, "nodes": 0, "arguments": [], "auxiliary_states": [],
                              "outputs": [], "problems": []}
    try:
        graph, problems = read_graph(path, collect=True)
    except SymcliError as exc:
        report["problems"].append({"node": None, "name": "", "message": str(exc).removeprefix(f"{path}: ")})
        return report
    report["problems"] = [{"node": p.node, "name": p.name, "message": p.message} for p in problems]
    if graph is None:
        return report
    report["nodes"] = len(graph.nodes)
    report["problems"].extend(check_operators(graph))
    if report["problems"]:
        return report
    from .signature import list_arguments, list_auxiliary_states, list_outputs
    report["arguments"] = list_arguments(graph)
    report["auxiliary_states"] = list_auxiliary_states(graph)
    report["outputs"] = list_outputs(graph)
    report["problems"].extend(check_declared_shapes(graph))
    report["ok"] = not report["problems"]
    return report


def check_operators(graph) -> list[dict[str, Any]]:
    """Unknown operators, attributes that do not parse, wrong input counts, bad output indices."""
    from .ops.registry import get_op, parse_node_attrs
    problems = []
    counts: list[int | None] = []
    for i, node in enumerate(graph.nodes):
        if node.is_variable:
            counts.append(1)
            continue
        try:
            op = get_op(node.op)
            p = parse_node_attrs(op, dict(node.attrs), node.op)
            expected = op.input_names(p)
            if len(node.inputs) != len(expected):
                raise SymcliError(f"expects {len(expected)} inputs [{', '.join(expected)}], "
                                  f"got {len(node.inputs)}")
            counts.append(op.n_outputs(p))
        except SymcliError as exc:
            problems.append({"node": i, "name": node.name, "message": str(exc)})
            counts.append(None)
    for i, node in enumerate(graph.nodes):
        for k, (src, idx) in enumerate(node.inputs):
            if counts[src] is not None and idx >= counts[src]:
                problems.append({"node": i, "name": node.name,
                                 "message": f"input {k} refers to output {idx} of node {src}, "
                                            f"which has {counts[src]}"})
    for k, (n, idx) in enumerate(graph.heads):
        if counts[n] is not None and idx >= counts[n]:
            problems.append({"node": None, "name": "",
                             "message": f"head {k} refers to output {idx} of node {n}, which has {counts[n]}"})
    return problems


def check_declared_shapes(graph) -> list[dict[str, Any]]:
    """Shape and dtype inference from `__shape__`/`__dtype__` attributes, where declared."""
    from .infer import infer_dtypes, infer_shapes
    problems = []
    for infer in (infer_shapes, infer_dtypes):
        try:
            infer(graph, {})
        except SymcliError as exc:
            problems.append({"node": None, "name": "", "message": str(exc)})
    return problems
