"""Full Hessians and Hessian-vector products of a graph, computed from its gradient graphs.

`hessian()` differentiates the gradient graph once more with head gradients as inputs (an HVP graph),
compiles it once, and evaluates it for the whole basis of the `wrt` arguments in chunks; each chunk
is one run of the HVP plan with the basis vectors stacked (see `_hvp_rows`).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .autodiff import build
from .errors import BindError, GraphError
from .executor import Executor
from .graph import Graph
from .signature import argument_nodes, list_outputs


def hvp_graph(graph: Graph, wrt: Sequence[str]) -> tuple[Graph, list[str]]:
    """A graph computing Σ_a H[a, b]·v_a for each b in wrt, with one `head_grad/...` input per a."""
    first = build(graph, wrt, head_grads="ones", keep_forward_heads=False).graph
    second = build(first, wrt, head_grads="inputs", keep_forward_heads=False)
    return second.graph, second.head_grad_names


def hessian(graph: Graph, args: dict[str, np.ndarray], aux: dict[str, np.ndarray],
            wrt: Sequence[str], ctx: str = "cpu") -> dict[str, np.ndarray]:
    """`hessian:<a>` blocks (and `hessian:<a>:<b>` for pairs) of a graph with one 1-element output."""
    if len(graph.heads) != 1:
        raise GraphError(f"hessian needs a graph with one output, this one has {len(graph.heads)}")
    arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
    for name in wrt:
        if name not in arg_names:
            raise BindError(f"--wrt '{name}' is not an argument of the graph")
    ex0 = Executor.bind(graph, ctx, args, aux_states=aux)
    out = ex0.forward()[0]
    if int(np.prod(out.shape)) != 1:
        raise GraphError(f"hessian needs a single-element output; '{list_outputs(graph)[0]}' has "
                         f"shape {tuple(out.shape)}")
    hv, seeds = hvp_graph(graph, wrt)
    hv_args = [hv.nodes[i].name for i in argument_nodes(hv)]
    sizes = {n: int(np.prod(args[n].shape)) for n in wrt}
    dtype = np.result_type(*[args[n].dtype for n in wrt])
    blocks = {(a, b): np.zeros((sizes[a], sizes[b]), dtype=dtype) for a in wrt for b in wrt}
    bound = {n: args[n] for n in hv_args if n in args}
    for seed in seeds:
        if seed is not None and seed in hv_args:
            k = seeds.index(seed)
            bound[seed] = np.zeros_like(args[wrt[k]])
    missing = [n for n in hv_args if n not in bound]
    if missing:
        raise BindError(f"argument '{missing[0]}' is not given")
    ex = Executor.bind(hv, ctx, bound, aux_states={n: v for n, v in aux.items()
                                                   if n in {hv.nodes[i].name for i in hv.variable_indices}})
    for k, a in enumerate(wrt):
        seed = seeds[k]
        if seed is None or seed not in hv_args:
            continue  # the gradient w.r.t. a does not depend on any wrt argument: zero rows
        for row in range(sizes[a]):
            basis = np.zeros(sizes[a], dtype=args[a].dtype)
            basis[row] = 1
            outs = ex.forward(**{seed: basis.reshape(args[a].shape)})
            for j, b in enumerate(wrt):
                blocks[(a, b)][row] = np.asarray(outs[j]).reshape(-1)
        ex.arg_dict[seed][...] = 0
    result: dict[str, np.ndarray] = {}
    for i, a in enumerate(wrt):
        result[f"hessian:{a}"] = blocks[(a, a)].reshape(args[a].shape + args[a].shape)
    for i, a in enumerate(wrt):
        for b in wrt[i + 1:]:
            result[f"hessian:{a}:{b}"] = blocks[(a, b)].reshape(args[a].shape + args[b].shape)
    return result
