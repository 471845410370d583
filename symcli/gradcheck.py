"""`symcli gradcheck`: symbolic gradients against central finite differences, in float64.

Order 1 compares <grad f, d> with (f(x+εd) - f(x-εd)) / 2ε along a random direction d, where f is
sum(outputs × fixed random head gradients). Order 2 compares the Hessian-vector product u·H·d with
the finite difference of <grad f, u> along d.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .autodiff import build
from .errors import BindError, GraphError, node_label
from .executor import Executor
from .graph import Graph
from .signature import argument_nodes, resolve


def _objective(graph: Graph, args: dict, aux: dict, heads: list[np.ndarray]):
    ex = Executor.bind(graph, "cpu", {k: v.copy() for k, v in args.items()}, aux_states=aux)

    def f(**changes: np.ndarray) -> float:
        outs = ex.forward(**{**args, **changes})  # reset inputs perturbed by an earlier call
        return float(sum(np.sum(np.asarray(o, dtype=np.float64) * h) for o, h in zip(outs, heads)))
    return f


def check(graph: Graph, args: dict[str, np.ndarray], aux: dict[str, np.ndarray], *,
          wrt: Sequence[str] | None = None, order: int = 1, eps: float = 1e-6, rtol: float = 1e-4,
          atol: float = 1e-6, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    names = [graph.nodes[i].name for i in argument_nodes(graph)]
    ops = resolve(graph).ops
    for n, _ in graph.heads:
        if ops[n] is not None and ops[n].is_loss:  # FAIL would wrongly blame the gradient
            raise GraphError(f"{node_label(n, graph.nodes[n].name, graph.nodes[n].op)}: a loss output's "
                             "gradient is not the derivative of its value (it ignores head gradients), "
                             "so finite differences cannot check it")
    if wrt is None:
        wrt = [n for n in names if args[n].dtype.kind == "f"]
    for name in wrt:
        if name not in names:
            raise BindError(f"--wrt '{name}' is not an argument of the graph (gradcheck perturbs "
                            "arguments only)")
        if args[name].dtype.kind != "f":
            raise BindError(f"--wrt '{name}' has dtype {args[name].dtype.name}; finite differences "
                            "need a floating argument", argument=name)
    ex = Executor.bind(graph, "cpu", args, aux_states=aux)
    outs = ex.forward()
    heads = [rng.standard_normal(np.shape(o)) for o in outs]
    head_map = {f"head_grad/{n}": h for n, h in zip(ex.output_names, heads)}
    g1 = build(graph, list(wrt), head_grads="inputs", keep_forward_heads=False)
    grad_graph = g1.graph
    grad_args = [grad_graph.nodes[i].name for i in argument_nodes(grad_graph)]

    def grads_at(values: dict) -> list[np.ndarray]:
        bound = {n: (values[n] if n in values else head_map[n]) for n in grad_args}
        gex = Executor.bind(grad_graph, "cpu", bound, aux_states={k: v for k, v in aux.items()
                                                                  if k in _var_names(grad_graph)})
        return [np.asarray(o, dtype=np.float64) for o in gex.forward()]

    results = []
    base = grads_at(args)
    f = _objective(graph, args, aux, heads)
    for k, name in enumerate(wrt):
        d = rng.standard_normal(args[name].shape)
        if order == 1:
            symbolic = float(np.sum(base[k] * d))
            plus = f(**{name: args[name] + eps * d})
            minus = f(**{name: args[name] - eps * d})
            numeric = (plus - minus) / (2 * eps)
        else:
            u = [rng.standard_normal(np.shape(g)) for g in base]
            if name not in _var_names(grad_graph):
                symbolic = 0.0  # the gradient does not depend on this argument at all
            else:
                symbolic = _hvp(grad_graph, name, u, args, head_map, aux, d)
            gp = grads_at({**args, name: args[name] + eps * d})
            gm = grads_at({**args, name: args[name] - eps * d})
            numeric = float(sum(np.sum((a - b) * uu) for a, b, uu in zip(gp, gm, u))) / (2 * eps)
        abs_err = abs(symbolic - numeric)
        rel_err = abs_err / max(abs(numeric), 1e-300)
        results.append({"name": name, "order": order, "symbolic": symbolic, "numeric": numeric,
                        "abs_err": abs_err, "rel_err": rel_err,
                        "ok": bool(abs_err <= atol + rtol * abs(numeric))})
    return {"ok": all(r["ok"] for r in results), "results": results}


def _hvp(grad_graph: Graph, name: str, u: list, args: dict, head_map: dict, aux: dict, d) -> float:
    """u · H · d, from the gradient graph differentiated once more with head gradients u."""
    hv = build(grad_graph, [name], head_grads="inputs", keep_forward_heads=False)
    hv_args = [hv.graph.nodes[i].name for i in argument_nodes(hv.graph)]
    seeds = {s: u[j] for j, s in enumerate(hv.head_grad_names) if s}
    bound = {n: (args[n] if n in args else head_map.get(n, seeds.get(n))) for n in hv_args}
    ex = Executor.bind(hv.graph, "cpu", bound,
                       aux_states={k: v for k, v in aux.items() if k in _var_names(hv.graph)})
    return float(np.sum(np.asarray(ex.forward()[0]) * d))


def _var_names(graph: Graph) -> set[str]:
    return {graph.nodes[i].name for i in graph.variable_indices}
