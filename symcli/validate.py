"""`symcli validate`: every problem in a graph file, each with its node index (in the file) and name.

Checks run in layers: the encoding (one fatal problem), the document's structure (fields, types,
references, cycles, arg_nodes, duplicate names), each operator (known, attributes parse, input
count, auxiliary inputs, output indices), and, when all that is clean, shape and dtype inference
from the declared `__shape__`/`__dtype__` attributes.
"""
from __future__ import annotations

import re
from typing import Any

from .errors import SymcliError

_LABEL = re.compile(r"^node (\d+) '(.*?)'(?: \(([^()]*)\))?: (.*)$", re.S)
MAX_REPORTED = 1000  # problems listed; the rest are counted in a last line


def _problem(node: int | None, name: str, message: str) -> dict[str, Any]:
    return {"node": node, "name": name, "message": message}


def validate_file(path: str) -> dict[str, Any]:
    """A report: ok, node count, arguments, auxiliary states, outputs, problems (cli.md's --json).
    Problems about the whole graph come first, then each node's in file order."""
    report = _validate(path)
    problems = sorted(report["problems"], key=lambda p: -1 if p["node"] is None else p["node"])
    if len(problems) > MAX_REPORTED:
        rest = len(problems) - MAX_REPORTED
        problems = problems[:MAX_REPORTED] + [_problem(None, "", f"... and {rest} more problems")]
    report["problems"] = problems
    return report


def _validate(path: str) -> dict[str, Any]:
    from .codec import load_graph_file
    report: dict[str, Any] = {"ok": False, "nodes": 0, "arguments": [], "auxiliary_states": [],
                              "outputs": [], "problems": []}
    try:
        loaded = load_graph_file(path, collect=True)
    except SymcliError as exc:
        report["problems"].append(_problem(None, "", str(exc).removeprefix(f"{path}: ")))
        return report
    problems = report["problems"]
    problems.extend(_problem(p.node, p.name, p.message) for p in loaded.problems)
    graph = loaded.graph
    if graph is None:
        return report
    report["nodes"] = len(graph.nodes)

    def where(i: int) -> int:
        index = loaded.file_index[i] if i < len(loaded.file_index) else None
        return i if index is None else index

    problems.extend(check_operators(graph, where, skip_counts=loaded.broken))
    problems.extend(check_duplicate_op_names(graph, where))
    if problems:
        return report
    from .signature import list_arguments, list_auxiliary_states, list_outputs
    try:
        report["arguments"] = list_arguments(graph)
        report["auxiliary_states"] = list_auxiliary_states(graph)
        report["outputs"] = list_outputs(graph)
    except SymcliError as exc:  # anything check_operators did not foresee
        problems.append(_labelled(str(exc), where))
        return report
    problems.extend(check_declared_shapes(graph, where))
    report["ok"] = not problems
    return report


def check_operators(graph, where=lambda i: i, skip_counts: set[int] = frozenset()) -> list[dict[str, Any]]:
    """Unknown operators, attributes that do not parse, wrong input counts, auxiliary inputs that
    are not variables, input and head output indices out of range."""
    from .ops.registry import get_op, parse_node_attrs
    problems = []
    counts: list[int | None] = []
    for i, node in enumerate(graph.nodes):
        if node.is_variable:
            counts.append(1)
            continue
        try:
            op = get_op(node.op)
            p = parse_node_attrs(op, dict(node.attrs), f"operator {node.op}")
            counts.append(op.n_outputs(p))
        except SymcliError as exc:
            problems.append(_problem(where(i), node.name, str(exc)))
            counts.append(None)
            continue
        expected = op.input_names(p)
        if len(node.inputs) != len(expected) and i not in skip_counts:
            problems.append(_problem(where(i), node.name,
                                     f"{node.op} expects {len(expected)} inputs [{', '.join(expected)}], "
                                     f"got {len(node.inputs)}"))
            continue
        for slot in op.aux_indices(p):
            if slot < len(node.inputs) and not graph.nodes[node.inputs[slot][0]].is_variable:
                problems.append(_problem(where(i), node.name, f"auxiliary input '{expected[slot]}' of "
                                         f"{node.op} must be a variable"))
    for i, node in enumerate(graph.nodes):
        for k, (src, idx) in enumerate(node.inputs):
            if counts[src] is not None and idx >= counts[src]:
                problems.append(_problem(where(i), node.name,
                                         f"input {k} refers to output {idx} of node {where(src)} "
                                         f"'{graph.nodes[src].name}', which has {counts[src]}"))
    for k, (n, idx) in enumerate(graph.heads):
        if counts[n] is not None and idx >= counts[n]:
            problems.append(_problem(None, "", f"head {k} refers to output {idx} of node {where(n)} "
                                     f"'{graph.nodes[n].name}', which has {counts[n]}"))
    return problems


def check_duplicate_op_names(graph, where=lambda i: i) -> list[dict[str, Any]]:
    """Two operators with one name make their outputs' names (`fc1_output`) ambiguous.
    (Duplicate variable names are refused when the document is read.)"""
    seen: dict[str, int] = {}
    problems = []
    for i, node in enumerate(graph.nodes):
        if node.is_variable:
            continue
        if node.name in seen:
            problems.append(_problem(where(i), node.name, f"duplicate operator name '{node.name}' (also node "
                                     f"{where(seen[node.name])}): its outputs' names are ambiguous"))
        else:
            seen[node.name] = i
    return problems


def check_declared_shapes(graph, where=lambda i: i) -> list[dict[str, Any]]:
    """Shape and dtype inference from `__shape__`/`__dtype__` attributes, where declared."""
    from .infer import infer_dtypes, infer_shapes
    problems = []
    for infer in (infer_shapes, infer_dtypes):
        try:
            infer(graph, {})
        except SymcliError as exc:
            problems.append(_labelled(str(exc), where))
    return problems


def _labelled(message: str, where) -> dict[str, Any]:
    """Split `node 3 'fc1' (FullyConnected): ...` into the problem's node, name and message."""
    m = _LABEL.match(message)
    if not m:
        return _problem(None, "", message)
    index, name, op, rest = m.groups()
    return _problem(where(int(index)), name, f"{op}: {rest}" if op else rest)
