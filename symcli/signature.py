"""The named interface of a graph: its operators resolved, arguments, auxiliary states, outputs.

Resolves each node's operator and parsed attributes once per graph, and answers MXNet's
`list_arguments()`, `list_auxiliary_states()`, `list_outputs()` and `get_internals()` questions.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from .errors import GraphError, OperatorError, node_label
from .graph import Entry, Graph
from .ops.attrs import Params
from .ops.registry import OpDef, get_op, parse_node_attrs


@dataclass(frozen=True)
class Resolved:
    """A graph with each node's OpDef and Params (None for variables)."""

    graph: Graph
    ops: tuple[OpDef | None, ...]
    params: tuple[Params | None, ...]
    num_outputs: tuple[int, ...]
    aux_nodes: frozenset[int]


_cache: "weakref.WeakKeyDictionary[Graph, Resolved]" = weakref.WeakKeyDictionary()


def resolve(graph: Graph) -> Resolved:
    """Look up every op and parse every attribute; OperatorError names the first bad node."""
    hit = _cache.get(graph)
    if hit is not None:
        return hit
    ops: list[OpDef | None] = []
    params: list[Params | None] = []
    counts: list[int] = []
    aux: set[int] = set()
    for i, node in enumerate(graph.nodes):
        if node.is_variable:
            ops.append(None)
            params.append(None)
            counts.append(1)
            continue
        where = node_label(i, node.name, node.op)
        try:
            op = get_op(node.op)
        except OperatorError as exc:
            raise OperatorError(f"{node_label(i, node.name)}: {exc}") from None
        p = parse_node_attrs(op, dict(node.attrs), where)
        expected = op.input_names(p)
        if len(node.inputs) != len(expected):
            raise GraphError(f"{where}: expects {len(expected)} inputs "
                             f"[{', '.join(expected)}], got {len(node.inputs)}")
        for slot in op.aux_indices(p):
            src = node.inputs[slot][0]
            if not graph.nodes[src].is_variable:
                raise GraphError(f"{where}: auxiliary input '{expected[slot]}' must be a variable")
            aux.add(src)
        ops.append(op)
        params.append(p)
        counts.append(op.n_outputs(p))
    for i, node in enumerate(graph.nodes):
        for src, idx in node.inputs:
            if idx >= counts[src]:
                raise GraphError(f"{node_label(i, node.name, node.op)}: input refers to output {idx} "
                                 f"of node {src} '{graph.nodes[src].name}', which has {counts[src]}")
    for n, idx in graph.heads:
        if idx >= counts[n]:
            raise GraphError(f"head refers to output {idx} of node {n} '{graph.nodes[n].name}', "
                             f"which has {counts[n]}")
    result = Resolved(graph, tuple(ops), tuple(params), tuple(counts), frozenset(aux))
    _cache[graph] = result
    return result


def list_arguments(graph: Graph) -> list[str]:
    r = resolve(graph)
    return [graph.nodes[i].name for i in graph.dfs_variable_order() if i not in r.aux_nodes]


def list_auxiliary_states(graph: Graph) -> list[str]:
    r = resolve(graph)
    return [graph.nodes[i].name for i in graph.dfs_variable_order() if i in r.aux_nodes]


def list_inputs(graph: Graph) -> list[str]:
    return [graph.nodes[i].name for i in graph.dfs_variable_order()]


def argument_nodes(graph: Graph) -> list[int]:
    r = resolve(graph)
    return [i for i in graph.dfs_variable_order() if i not in r.aux_nodes]


def aux_nodes(graph: Graph) -> list[int]:
    r = resolve(graph)
    return [i for i in graph.dfs_variable_order() if i in r.aux_nodes]


def entry_name(graph: Graph, entry: Entry) -> str:
    """The list_outputs() name of one entry (a variable is just its name)."""
    r = resolve(graph)
    n, idx = entry
    node = graph.nodes[n]
    if node.is_variable:
        return node.name
    op, p = r.ops[n], r.params[n]
    names = op.list_outputs(node.name, p)
    if idx < len(names):
        return names[idx]
    return f"{node.name}_output{idx}"  # a hidden output (only gradient graphs refer to these)


def list_outputs(graph: Graph) -> list[str]:
    return [entry_name(graph, h) for h in graph.heads]


def internal_entries(graph: Graph) -> list[tuple[str, Entry]]:
    """Every variable and visible output, in DFS order: what get_internals() lists."""
    r = resolve(graph)
    out: list[tuple[str, Entry]] = []
    for i in graph.dfs_node_order():
        node = graph.nodes[i]
        if node.is_variable:
            out.append((node.name, (i, 0)))
            continue
        for k, name in enumerate(r.ops[i].list_outputs(node.name, r.params[i])):
            out.append((name, (i, k)))
    return out


def find_entry(graph: Graph, name: str) -> Entry:
    """An argument or internal output by its get_internals() name; GraphError if none."""
    for entry_nm, entry in internal_entries(graph):
        if entry_nm == name:
            return entry
    # also every node, reachable or not, so a graph's unused internals can still be named
    raise GraphError(f"'{name}' names no argument or internal output of the graph")
