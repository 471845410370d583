"""Symbolic reverse mode: gradient graphs built from the operators' gradient rules.

`grad(f, wrt)` walks the nodes between the heads and `wrt` in reverse order and asks each op's rule
for a vector-Jacobian product, written with other registered ops. The result is an ordinary Symbol:
it serializes, runs on the same executor, and can be differentiated again (Hessians).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .errors import GradientError, GraphError, node_label
from .graph import Entry, Graph
from .ops.registry import NOT_DIFFERENTIABLE, ZERO_GRADIENT
from .signature import find_entry, list_outputs, resolve
from .symbol import F, Group, NameManager, Symbol, _build_nodes, _SymNode, to_graph

HEAD_GRAD_PREFIX = "head_grad/"


class _GradNames(NameManager):
    """Names for gradient nodes: `<forward node>_backward/<hint><n>`, unique within one graph."""

    def __init__(self, taken: set[str]):
        super().__init__()
        self.taken = taken

    def get(self, name: str | None, hint: str) -> str:
        while True:
            candidate = super().get(name, hint)
            if candidate not in self.taken or name is not None:
                self.taken.add(candidate)
                return candidate


@dataclass
class GradientGraph:
    """A forward graph extended with its gradient: heads = forward heads, then gradients."""

    graph: Graph
    num_forward_heads: int
    head_grad_names: list[str | None]  # per forward head: the variable feeding its gradient
    wrt_names: list[str]


def _sum(terms: list[Symbol]) -> Symbol:
    if len(terms) == 1:
        return terms[0]
    return F.add_n(*terms)


def build(graph: Graph, wrt: Sequence[str], head_grads: str = "inputs",
          keep_forward_heads: bool = True, seeded_heads: int | None = None,
          keep_all_inputs: bool = False) -> GradientGraph:
    """Gradient of sum(head × head gradient) w.r.t. each name in `wrt` (arguments or internals).

    head_grads: "inputs" adds a `head_grad/<output>` variable per head whose gradient is consumed;
    "ones" uses ones_like(head). Only the first `seeded_heads` heads (default all) are seeded:
    later ones are outputs the caller wants computed, not differentiated.
    """
    r = resolve(graph)
    wrt_entries: list[Entry] = [find_entry(graph, name) for name in wrt]
    nodes = _build_nodes(graph)
    entry_sym = {}  # (node index, output) -> Symbol of a forward entry

    def sym_of(entry: Entry) -> Symbol:
        if entry not in entry_sym:
            entry_sym[entry] = Symbol([(nodes[entry[0]], entry[1])])
        return entry_sym[entry]

    # Nodes that lie between the heads and wrt: ancestors of a head and descendants of a wrt entry.
    ancestors = graph.reachable()
    wrt_nodes = {n for n, _ in wrt_entries}
    depends = [False] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):
        depends[i] = i in wrt_nodes or any(depends[s] for s, _ in node.inputs)
    active = [a and d for a, d in zip(ancestors, depends)]

    taken = {n.name for n in graph.nodes}
    out_names = list_outputs(graph)
    head_grad_names: list[str | None] = [None] * len(graph.heads)
    adjoints: dict[Entry, list[Symbol]] = {}
    seed_nodes: dict[str, _SymNode] = {}
    names = _GradNames(taken)
    with names:
        for h, head in enumerate(graph.heads):
            if not active[head[0]] or (seeded_heads is not None and h >= seeded_heads):
                continue
            if head_grads == "inputs":
                var_name = HEAD_GRAD_PREFIX + out_names[h]
                seed_nodes[var_name] = _SymNode("null", var_name, {}, [])
                seed = Symbol([(seed_nodes[var_name], 0)])
                head_grad_names[h] = var_name
            else:
                seed = F.ones_like(sym_of(head))
            adjoints.setdefault(head, []).append(seed)

        for i in range(len(graph.nodes) - 1, -1, -1):
            if not active[i]:
                continue
            node, op, p = graph.nodes[i], r.ops[i], r.params[i]
            outs = [(i, k) for k in range(r.num_outputs[i])]
            for e in outs:
                if e in adjoints and len(adjoints[e]) > 1:
                    adjoints[e] = [_sum(adjoints[e])]
            if node.is_variable or all(e not in adjoints for e in outs):
                continue
            if op.grad == ZERO_GRADIENT:
                continue
            needs = [active[s] for s, _ in node.inputs]
            if not any(needs):
                continue
            if op.grad == NOT_DIFFERENTIABLE:
                raise GradientError(f"{node_label(i, node.name, node.op)}: operator has no gradient")
            names.prefix = f"{node.name}_backward/"
            visible = op.n_visible(p)
            out_grads: list[Symbol | None] = []
            for k, e in enumerate(outs):
                if e in adjoints:
                    out_grads.append(adjoints[e][0])
                elif k < visible:
                    out_grads.append(F.zeros_like(sym_of(e)))
                else:
                    out_grads.append(None)
            in_syms = [sym_of(e) for e in node.inputs]
            out_syms = [sym_of(e) for e in outs]
            try:
                in_grads = op.grad(p, in_syms, out_syms, out_grads)
            except (ValueError, ArithmeticError) as exc:  # e.g. softmax's 1 / temperature at 0
                raise GradientError(f"{node_label(i, node.name, node.op)}: cannot build the gradient: "
                                    f"{type(exc).__name__}: {exc}") from exc
            input_names = op.input_names(p)
            for slot, (src, g) in enumerate(zip(node.inputs, in_grads)):
                if g is None or not needs[slot] or input_names[slot] in op.nondiff_inputs:
                    continue
                adjoints.setdefault(src, []).append(g)
        names.prefix = "grad/"
        grads: list[Symbol] = []
        for name, e in zip(wrt, wrt_entries):
            terms = adjoints.get(e)
            grads.append(_sum(terms) if terms else F.zeros_like(sym_of(e)))
            del name
    heads = [sym_of(h) for h in graph.heads] if keep_forward_heads else []
    if keep_all_inputs:
        _keep_inputs(grads, [nodes[i] for i in graph.dfs_variable_order()], seed_nodes,
                     [HEAD_GRAD_PREFIX + n for n in out_names] if head_grads == "inputs" else [], wrt[0])
    joint = to_graph(Symbol([e for s in heads + grads for e in s._outputs]))
    return GradientGraph(joint, len(heads), head_grad_names, list(wrt))


def _keep_inputs(grads: list[Symbol], variables: list[_SymNode], seed_nodes: dict[str, _SymNode],
                 seed_names: list[str], first_wrt: str) -> None:
    """Keep every original variable and head-gradient input in the gradient graph, used or not,
    through a control dependency, so it takes exactly the inputs its caller expects."""
    used = {n.name for n in to_graph(Group(grads)).nodes if n.is_variable}
    wanted = list(variables) + [seed_nodes.get(n) or _SymNode("null", n, {}, []) for n in seed_names]
    missing = [v for v in wanted if v.name not in used]
    if not missing:
        return
    grads[0] = F._copy(grads[0], name=f"grad/{first_wrt}_keep_inputs")
    grads[0]._outputs[0][0].control_deps = missing


def grad(f: Symbol | Graph, wrt: Sequence[str] | str, head_grads: str = "ones") -> Symbol | Graph:
    """The gradient of `f` w.r.t. `wrt` as a new graph whose outputs are the gradients, in order.

    head_grads="ones": the new graph has the original arguments; "inputs": it also takes one
    `head_grad/<output name>` argument per output whose gradient is used.
    """
    if isinstance(wrt, str):
        wrt = [w.strip() for w in wrt.split(",") if w.strip()]
    if not wrt:
        raise GraphError("grad needs at least one name in wrt")
    graph = f.graph if isinstance(f, Symbol) else f
    result = build(graph, wrt, head_grads=head_grads, keep_forward_heads=False,
                   keep_all_inputs=True).graph
    return Symbol.from_graph(result) if isinstance(f, Symbol) else result
