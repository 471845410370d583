"""Full Hessians of a graph, as batches of Hessian-vector products.

The gradient graph is differentiated once more with its head gradients as inputs (an HVP graph) and
compiled once. Its steps that do not depend on those inputs run once; the rest run on a batch of
basis vectors at a time (`batching.run_batched`), so a Hessian takes ceil(n / chunk) passes, not n.
The chunk is sized so the batched intermediates stay within a memory budget (`HESSIAN_BUDGET`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .autodiff import build
from .batching import run_batched
from .errors import BindError, GraphError
from .executor import Executor, compile_plan
from .graph import Graph
from .infer import infer_dtypes, infer_shapes
from .ops.registry import ComputeContext
from .signature import argument_nodes, list_outputs

HESSIAN_BUDGET = 1 << 30  # bytes of batched intermediates per chunk


def hvp_graph(graph: Graph, wrt: Sequence[str]) -> tuple[Graph | None, list[str | None], list[str]]:
    """A graph computing Σ_a H[a, b]·v_a for each b its gradient depends on (`present`), with one
    `head_grad/...` input v_a per a in wrt (None where that gradient is constant)."""
    first = build(graph, wrt, head_grads="ones", keep_forward_heads=False).graph
    names = {first.nodes[i].name for i in first.variable_indices}
    present = [w for w in wrt if w in names]
    if not present:
        return None, [None] * len(wrt), []  # the gradient is constant: the Hessian is zero
    second = build(first, present, head_grads="inputs", keep_forward_heads=False)
    return second.graph, second.head_grad_names, present


def _row_bytes(graph: Graph, seeds: set[int], shapes: dict, dtypes: dict) -> int:
    """Bytes of the entries that depend on the seed variables, for one basis vector: what a chunk
    multiplies by its size (an upper bound, since batched values are freed after their last use)."""
    inf_s, inf_t = infer_shapes(graph, shapes), infer_dtypes(graph, dtypes)
    depends = [False] * len(graph.nodes)
    total = 0
    for i, node in enumerate(graph.nodes):
        depends[i] = i in seeds or any(depends[s] for s, _ in node.inputs)
        if not depends[i]:
            continue
        for shape, dt in zip(inf_s.values[i], inf_t.values[i]):
            if shape is not None:
                total += int(np.prod(shape)) * np.dtype(dt or "float64").itemsize
    return max(total, 1)


def hessian(graph: Graph, args: dict[str, np.ndarray], aux: dict[str, np.ndarray],
            wrt: Sequence[str], ctx: str = "cpu", budget: int = HESSIAN_BUDGET) -> dict[str, np.ndarray]:
    """`hessian:<a>` blocks (and `hessian:<a>:<b>` for pairs) of a graph with one 1-element output."""
    if len(graph.heads) != 1:
        raise GraphError(f"hessian needs a graph with one output, this one has {len(graph.heads)}")
    arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
    wrt = list(dict.fromkeys(wrt))  # a name given twice is one block
    if not wrt:
        raise BindError("--wrt names no argument")
    for name in wrt:
        if name not in arg_names:
            raise BindError(f"--wrt '{name}' is not an argument of the graph")
        if name in args and np.asarray(args[name]).dtype.kind != "f":
            raise BindError(f"--wrt '{name}' has dtype {np.asarray(args[name]).dtype.name}; a Hessian "
                            "needs a floating argument", argument=name)
    ex0 = Executor.bind(graph, ctx, args, aux_states=aux)
    out = ex0.forward()[0]
    if int(np.prod(out.shape)) != 1:
        raise GraphError(f"hessian needs a single-element output; '{list_outputs(graph)[0]}' has "
                         f"shape {tuple(out.shape)}")
    xp = ex0.xp
    sizes = {n: int(np.prod(args[n].shape)) for n in wrt}
    dtype = np.result_type(*[args[n].dtype for n in wrt])
    blocks = {(a, b): np.zeros((sizes[a], sizes[b]), dtype=dtype) for a in wrt for b in wrt}
    hv, seeds, present = hvp_graph(graph, wrt)
    if hv is not None and any(s is not None for s in seeds):
        _fill_blocks(hv, seeds, present, args, aux, wrt, sizes, blocks, xp, budget)
    result: dict[str, np.ndarray] = {}
    for a in wrt:
        result[f"hessian:{a}"] = blocks[(a, a)].reshape(args[a].shape + args[a].shape)
    for i, a in enumerate(wrt):
        for b in wrt[i + 1:]:
            result[f"hessian:{a}:{b}"] = blocks[(a, b)].reshape(args[a].shape + args[b].shape)
    return result


def _fill_blocks(hv: Graph, seeds, present, args, aux, wrt, sizes, blocks, xp, budget: int) -> None:
    from .context import to_numpy
    var_index = {hv.nodes[i].name: i for i in hv.variable_indices}
    values = {**args, **aux}
    for k, seed in enumerate(seeds):
        if seed is not None and seed in var_index:
            values[seed] = np.zeros_like(args[wrt[k]])
    missing = [n for n in var_index if n not in values]
    if missing:
        raise BindError(f"argument '{missing[0]}' is not given")
    plan = compile_plan(hv, [i for i, n in enumerate(hv.nodes) if not n.is_variable], set(hv.heads))
    seed_nodes = {var_index[s] for s in seeds if s is not None and s in var_index}
    row = _row_bytes(hv, seed_nodes, {n: values[n].shape for n in var_index},
                     {n: values[n].dtype.name for n in var_index})
    chunk = max(1, min(max(sizes.values()), budget // row))
    ctx = ComputeContext(xp, False, None)
    slots: list = [None] * plan.num_slots
    for name, i in var_index.items():
        slots[plan.slot_of[(i, 0)]] = xp.asarray(values[name])
    for k, a in enumerate(wrt):
        seed = seeds[k]
        if seed is None or seed not in var_index:
            continue  # the gradient w.r.t. a does not depend on any wrt argument: zero rows
        seed_slot = plan.slot_of[(var_index[seed], 0)]
        for start in range(0, sizes[a], chunk):
            rows = min(chunk, sizes[a] - start)
            basis = xp.zeros((rows, sizes[a]), dtype=args[a].dtype)
            basis[xp.arange(rows), xp.arange(start, start + rows)] = 1
            slots[seed_slot] = basis.reshape((rows,) + args[a].shape)
            batched = run_batched(plan, plan.steps, slots, {seed_slot}, rows, ctx)
            for j, b in enumerate(present):
                head = plan.slot_of[hv.heads[j]]
                value = to_numpy(slots[head])
                if head in batched:
                    blocks[(a, b)][start:start + rows] = value.reshape(rows, -1)
                else:
                    blocks[(a, b)][start:start + rows] = value.reshape(1, -1)
            # forget the batched values before the next chunk; the unbatched ones are reused
            for s in batched:
                slots[s] = None
            slots[seed_slot] = xp.asarray(values[seed])
