"""What `symcli run` does, as a library: bind arrays from files to a graph, run it, name results.

Checks the arrays against the graph first (missing, extra, wrong shape or dtype: one message naming
the argument, expected and given), refuses computations larger than the memory limit before
allocating, then runs forward (and backward) on one compiled executor.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .codec import limits
from .context import to_numpy
from .dtypes import is_floating
from .errors import BindError, ExecutionError, LimitError, ShapeError, node_label
from .executor import Executor
from .graph import Graph
from .infer import infer_dtypes, infer_shapes
from .signature import argument_nodes, aux_nodes, find_entry, list_outputs, resolve


def split_params(arrays: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """`arg:`/`aux:` prefixed names (MXNet .params) -> (args, aux); plain names go to args."""
    args, aux = {}, {}
    for key, value in arrays.items():
        if key.startswith("arg:"):
            args[key[4:]] = value
        elif key.startswith("aux:"):
            aux[key[4:]] = value
        else:
            args[key] = value
    return args, aux


def _shape_text(shape: Sequence[int] | None) -> str:
    return "unknown" if shape is None else "(" + ", ".join(str(d) for d in shape) + ")"


def check_arrays(graph: Graph, given: dict[str, np.ndarray]) -> None:
    """Shapes and dtypes of the bound arrays must agree with the graph and with each other."""
    shapes = {n: tuple(a.shape) for n, a in given.items()}
    dtypes = {n: a.dtype.name for n, a in given.items()}
    for kind, facts, infer in (("shape", shapes, infer_shapes), ("dtype", dtypes, infer_dtypes)):
        try:
            infer(graph, facts)
            continue
        except ShapeError as first:
            error = first
        # Name the culprit: an argument whose given value differs from what the others imply.
        for name in facts:
            others = {k: v for k, v in facts.items() if k != name}
            try:
                inferred = infer(graph, others)
            except ShapeError:
                continue
            node = next(i for i in graph.variable_indices if graph.nodes[i].name == name)
            expected = inferred.of((node, 0))
            if expected is not None and expected != facts[name]:
                show = _shape_text if kind == "shape" else str
                raise BindError(f"argument '{name}': expected {kind} {show(expected)}, "
                                f"given {show(facts[name])}", argument=name) from None
        raise BindError(str(error)) from None


def check_memory(graph: Graph, given: dict[str, np.ndarray], max_memory: int) -> None:
    """Refuse a run whose inferred arrays would exceed `max_memory` bytes, before allocating."""
    inf_s = infer_shapes(graph, {n: tuple(a.shape) for n, a in given.items()})
    inf_t = infer_dtypes(graph, {n: a.dtype.name for n, a in given.items()})
    total = 0
    worst = ("", 0)
    for i, row in enumerate(inf_s.values):
        for k, shape in enumerate(row):
            if shape is None:
                continue
            if len(shape) > limits.MAX_RANK:
                raise LimitError(f"node {i} '{graph.nodes[i].name}': rank {len(shape)} exceeds the "
                                 f"limit of {limits.MAX_RANK}")
            dt = inf_t.values[i][k] or "float32"
            try:
                itemsize = np.dtype(dt).itemsize
            except TypeError:  # bfloat16: MXNet has it, numpy does not
                raise ExecutionError(f"{node_label(i, graph.nodes[i].name, graph.nodes[i].op)}: dtype {dt} "
                                     "is not supported (numpy has no such type)") from None
            nbytes = int(np.prod(shape, dtype=object)) * itemsize
            total += nbytes
            if nbytes > worst[1]:
                worst = (graph.nodes[i].name, nbytes)
            if nbytes > max_memory:
                raise LimitError(f"node {i} '{graph.nodes[i].name}' would allocate {nbytes} bytes "
                                 f"({_shape_text(shape)} {dt}), over the limit of {max_memory} "
                                 "(raise it with --max-memory)")
    if total > 4 * max_memory:
        raise LimitError(f"the run would allocate about {total} bytes in all, over 4x the limit of "
                         f"{max_memory} (raise it with --max-memory)")


def _check_declared_dtypes(graph: Graph, given: dict[str, np.ndarray]) -> None:
    """A variable's `__dtype__` is a promise about its data: hold the given arrays to it."""
    from .dtypes import parse_dtype_attr
    for i in graph.variable_indices:
        node = graph.nodes[i]
        text = node.attrs.get("__dtype__")
        if text is None or node.name not in given:
            continue
        try:
            declared = parse_dtype_attr(text)
        except ValueError:
            continue  # validate reports malformed attributes
        actual = given[node.name].dtype.name
        if declared is not None and declared != actual:
            raise BindError(f"argument '{node.name}': expected dtype {declared} (declared by "
                            f"__dtype__), given {actual}", argument=node.name)


def bind_inputs(graph: Graph, arrays: Mapping[str, np.ndarray], *, dtype: str | None = None,
                allow_extra: bool = False, warn=None) -> tuple[dict, dict]:
    """Sort named arrays into arguments and auxiliary states; check names, shapes and dtypes."""
    resolve(graph)
    arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
    aux_names = [graph.nodes[i].name for i in aux_nodes(graph)]
    args: dict[str, np.ndarray] = {}
    aux: dict[str, np.ndarray] = {}
    for name, value in arrays.items():
        if name in arg_names:
            args[name] = value
        elif name in aux_names:
            aux[name] = value
        elif allow_extra:
            if warn:
                warn(f"ignoring '{name}', which names no argument or auxiliary state")
        else:
            raise BindError(f"'{name}' names no argument or auxiliary state of the graph "
                            f"(arguments: {', '.join(arg_names)})", argument=name)
    if dtype is None:
        _check_declared_dtypes(graph, {**args, **aux})
    else:
        args = {n: (a.astype(dtype) if is_floating(a.dtype.name) else a) for n, a in args.items()}
        aux = {n: (a.astype(dtype) if is_floating(a.dtype.name) else a) for n, a in aux.items()}
    missing = [n for n in arg_names if n not in args] + [n for n in aux_names if n not in aux]
    if missing:
        name = missing[0]
        node = next(i for i in graph.variable_indices if graph.nodes[i].name == name)
        try:
            expected = infer_shapes(graph, {n: a.shape for n, a in {**args, **aux}.items()}).of((node, 0))
        except ShapeError:
            expected = None
        kind = "argument" if name in arg_names else "auxiliary state"
        raise BindError(f"missing input: {kind} '{name}' (expected shape {_shape_text(expected)}) "
                        "is not given")
    check_arrays(graph, {**args, **aux})
    return args, aux


def run(graph: Graph, args: dict, aux: dict, *, ctx: Any = "cpu", is_train: bool = False,
        extra_outputs: Sequence[str] = (), grad: bool = False, wrt: Sequence[str] | None = None,
        grad_req: Mapping[str, str] | str = "write", head_grads: Mapping[str, np.ndarray] | None = None,
        check_numerics: bool = False, profile: dict | None = None,
        max_memory: int = limits.DEFAULT_MAX_MEMORY) -> dict[str, np.ndarray]:
    """Run the graph; results named as the CLI contract's `.npz` keys, in its order."""
    check_memory(graph, {**args, **aux}, max_memory)
    out_names = list_outputs(graph)
    extra_entries = [find_entry(graph, name) for name in extra_outputs]
    run_graph = graph.with_heads(list(graph.heads) + extra_entries) if extra_entries else graph
    arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
    internal_wrt: list[str] = []
    grads_buf: dict[str, Any] = {}
    reqs: dict[str, str] = {n: "null" for n in arg_names}
    if grad:
        if wrt is None:
            wrt = [n for n in arg_names if is_floating(np.asarray(args[n]).dtype.name)]
        for name in wrt:
            if name in arg_names:
                reqs[name] = "write"
            else:
                find_entry(graph, name)  # an internal output (raises if it names nothing)
                internal_wrt.append(name)
        if isinstance(grad_req, str):
            reqs = {n: (grad_req if r != "null" else "null") for n, r in reqs.items()}
        else:
            for name, req in grad_req.items():
                if name not in arg_names:
                    raise BindError(f"--grad-req names '{name}', which is not an argument")
                reqs[name] = req
        for n, r in reqs.items():
            if r != "null":
                grads_buf[n] = np.zeros_like(args[n])
        if head_grads:
            unknown = [k for k in head_grads if k not in out_names]
            if unknown:
                raise BindError(f"head gradient '{unknown[0]}' names no output "
                                f"(outputs: {', '.join(out_names)})", argument=f"head_grad/{unknown[0]}")
    ex = Executor.bind(run_graph, ctx, args, grads_buf if grads_buf else None, reqs, aux,
                       wrt_internal=internal_wrt, check_numerics=check_numerics,
                       seeded_heads=len(graph.heads))
    ex.profile = profile
    outputs = ex.forward(is_train=is_train)
    results: dict[str, np.ndarray] = {}
    for name, value in zip(out_names, outputs[:len(out_names)]):
        results[name] = to_numpy(value)
    for name, value in zip(extra_outputs, outputs[len(out_names):]):
        results[name] = to_numpy(value)
    if grad and (grads_buf or internal_wrt):
        hg = [None] * len(ex.output_names)
        for k, name in enumerate(out_names):
            if head_grads and name in head_grads:
                hg[k] = head_grads[name]
                if tuple(np.shape(hg[k])) != tuple(results[name].shape):
                    raise BindError(f"head gradient for '{name}' has shape {_shape_text(np.shape(hg[k]))}, "
                                    f"the output has {_shape_text(results[name].shape)}",
                                    argument=f"head_grad/{name}")
        ex.backward(hg)
        for name in arg_names:
            if reqs.get(name, "null") != "null":
                results[f"grad:{name}"] = to_numpy(ex.grad_dict[name])
        for name in internal_wrt:
            results[f"grad:{name}"] = to_numpy(ex.internal_grads[name])
    if is_train:
        for name in ex.aux_names:
            results[f"aux:{name}"] = to_numpy(ex.aux_dict[name])
    return results
