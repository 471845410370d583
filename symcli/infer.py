"""Shape and dtype inference: run every op's rules to a fixed point, in both directions.

Known facts come from the caller (`data=(2, 3)`) and from variables' `__shape__`/`__dtype__`
attributes (callers win, as in MXNet). Each op's rule fills in what it can from its neighbours;
sweeps alternate forward and backward until nothing changes. A conflict raises ShapeError naming
the node, its op and the shapes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .dtypes import dtype_name, parse_dtype_attr
from .errors import ShapeError, node_label
from .graph import Graph
from .ops.attrs import AttrParseError, parse_shape_attr
from .signature import argument_nodes, aux_nodes, resolve

Shape = tuple[int, ...]


@dataclass
class Inferred:
    """Per-entry facts: `values[node][output]` is a shape (or dtype name) or None."""

    values: list[list[Any]]

    def of(self, entry: tuple[int, int]) -> Any:
        return self.values[entry[0]][entry[1]]


def _merge(old: Any, new: Any, what: str, where: str, kind: str) -> Any:
    if new is None:
        return old
    if kind == "shape":
        new = tuple(int(d) for d in new)
        if old is not None and len(old) == len(new) and 0 in old:
            # a partially known shape (0 = unknown dim) is completed by a full one
            if all(o in (0, n) for o, n in zip(old, new)):
                return new
        if old is not None and len(old) == len(new) and 0 in new:
            if all(n in (0, o) for o, n in zip(old, new)):
                return old
    else:
        new = dtype_name(new)
    if old is not None and old != new:
        shown = (lambda v: "(" + ",".join(map(str, v)) + ")") if kind == "shape" else str
        raise ShapeError(f"{where}: {kind} inconsistent at {what}: provided {shown(old)}, "
                         f"inferred {shown(new)}")
    return new


def _run(graph: Graph, known: dict[int, Any], kind: str) -> Inferred:
    r = resolve(graph)
    values: list[list[Any]] = [[None] * c for c in r.num_outputs]
    for i, v in known.items():
        values[i][0] = v
    rule_of: Callable = (lambda op: op.infer_shape) if kind == "shape" else (lambda op: op.infer_dtype)
    order = [i for i, n in enumerate(graph.nodes) if not n.is_variable]
    for sweep in range(2 * len(order) + 2):
        changed = False
        for i in (order if sweep % 2 == 0 else reversed(order)):
            node, op, p = graph.nodes[i], r.ops[i], r.params[i]
            ins = [values[s][k] for s, k in node.inputs]
            outs = list(values[i])
            where = node_label(i, node.name, node.op)
            if sweep > 0 and all(v is not None and (kind != "shape" or 0 not in v) for v in ins + outs):
                continue
            try:
                new_ins, new_outs = rule_of(op)(p, list(ins), list(outs))
            except ShapeError as exc:
                raise ShapeError(f"{where}: {exc}") from None
            except (ValueError, ArithmeticError, IndexError, TypeError, AttrParseError) as exc:
                shapes = ", ".join("?" if v is None else str(tuple(v)) if kind == "shape" else str(v)
                                   for v in ins)
                raise ShapeError(f"{where}: {exc} (input {kind}s: {shapes})") from None
            for slot, ((s, k), v) in enumerate(zip(node.inputs, new_ins)):
                merged = _merge(values[s][k], v, f"input {slot}", where, kind)
                if merged != values[s][k]:
                    values[s][k] = merged
                    changed = True
            for k, v in enumerate(new_outs):
                merged = _merge(values[i][k], v, f"output {k}", where, kind)
                if merged != values[i][k]:
                    values[i][k] = merged
                    changed = True
        if not changed and sweep >= 1:
            break
    return Inferred(values)


def _known_from_attrs(graph: Graph, given: Mapping[str, Any], kind: str) -> dict[int, Any]:
    by_name = {graph.nodes[i].name: i for i in graph.variable_indices}
    unknown = [k for k in given if k not in by_name]
    if unknown:
        names = ", ".join(graph.nodes[i].name for i in graph.variable_indices)
        raise ShapeError(f"'{unknown[0]}' names no argument of the graph (arguments: {names})")
    known: dict[int, Any] = {}
    attr = "__shape__" if kind == "shape" else "__dtype__"
    for i in graph.variable_indices:
        text = graph.nodes[i].attrs.get(attr)
        if text is None:
            continue
        try:
            value = parse_shape_attr(text) if kind == "shape" else parse_dtype_attr(text)
        except (AttrParseError, ValueError) as exc:
            raise ShapeError(f"{node_label(i, graph.nodes[i].name)}: bad {attr} '{text}': {exc}") from None
        if value is not None and value != ():  # legacy "()" means unknown
            known[i] = value
    for name, value in given.items():
        if value is None:
            continue
        known[by_name[name]] = tuple(int(d) for d in value) if kind == "shape" else dtype_name(value)
    return known


def infer_shapes(graph: Graph, shapes: Mapping[str, Any]) -> Inferred:
    return _run(graph, _known_from_attrs(graph, shapes, "shape"), "shape")


def infer_dtypes(graph: Graph, dtypes: Mapping[str, Any]) -> Inferred:
    return _run(graph, _known_from_attrs(graph, dtypes, "dtype"), "dtype")


def _complete(shape: Shape | None) -> bool:
    return shape is not None and 0 not in shape


def infer_shape(graph: Graph, shapes: Mapping[str, Any], partial: bool = False):
    """MXNet's (arg_shapes, out_shapes, aux_shapes); (None, None, None) when incomplete."""
    inf = infer_shapes(graph, shapes)
    args = [inf.of((i, 0)) for i in argument_nodes(graph)]
    auxs = [inf.of((i, 0)) for i in aux_nodes(graph)]
    outs = [inf.of(h) for h in graph.heads]
    if not partial and not all(_complete(s) for s in args + auxs + outs):
        return None, None, None
    fix = (lambda s: s if s is not None else ())
    return [fix(s) for s in args], [fix(s) for s in outs], [fix(s) for s in auxs]


def infer_type(graph: Graph, dtypes: Mapping[str, Any]):
    """MXNet's (arg_types, out_types, aux_types) as numpy dtypes; Nones when nothing is known."""
    import numpy as np
    inf = infer_dtypes(graph, dtypes)
    args = [inf.of((i, 0)) for i in argument_nodes(graph)]
    auxs = [inf.of((i, 0)) for i in aux_nodes(graph)]
    outs = [inf.of(h) for h in graph.heads]
    if not all(d is not None for d in args + auxs + outs):
        return None, None, None
    conv = (lambda d: np.dtype(d).type)
    return [conv(d) for d in args], [conv(d) for d in outs], [conv(d) for d in auxs]
