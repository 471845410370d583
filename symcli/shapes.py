"""`symcli infer-shape`'s report: every argument, output and auxiliary state with shape and dtype."""
from __future__ import annotations

from typing import Any, Mapping

from .graph import Graph
from .infer import infer_dtypes, infer_shapes
from .signature import argument_nodes, aux_nodes, list_outputs


def _known(shape) -> bool:
    return shape is not None and 0 not in shape


def shape_report(graph: Graph, shapes: Mapping[str, Any], dtypes: Mapping[str, Any]) -> dict[str, Any]:
    inf_s = infer_shapes(graph, shapes)
    inf_t = infer_dtypes(graph, dtypes)
    # MXNet's default dtype: float32 wherever nothing decides it (and nothing contradicts it)
    if any(v is None for row in inf_t.values for v in row):
        fill = {graph.nodes[i].name: "float32" for i in graph.variable_indices
                if inf_t.of((i, 0)) is None}
        inf_t = infer_dtypes(graph, {**fill, **dtypes})

    def info(entry) -> dict[str, Any]:
        shape = inf_s.of(entry)
        return {"shape": list(shape) if _known(shape) else None, "dtype": inf_t.of(entry)}

    args = {graph.nodes[i].name: info((i, 0)) for i in argument_nodes(graph)}
    auxs = {graph.nodes[i].name: info((i, 0)) for i in aux_nodes(graph)}
    outs = {}
    for name, head in zip(list_outputs(graph), graph.heads):
        outs[name] = info(head)
    unknown = [n for n, v in args.items() if v["shape"] is None]  # arguments only, as cli.md says
    return {"arguments": args, "outputs": outs, "auxiliary_states": auxs, "unknown": unknown}
