"""Compile a graph once into a flat plan, and run it: MXNet's `Executor`.

Binding resolves every node's op and parsed attributes, orders the steps, numbers the slots and
computes when each slot can be released. `forward()` then walks the step list and nothing else.
`backward()` runs the steps of the gradient graph (built by `autodiff`) on the same slots, reusing
the forward values, and writes into the gradient buffers per `grad_req`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .autodiff import build as build_gradient
from .context import Context, parse_context
from .errors import BindError, ExecutionError, SymcliError, node_label
from .graph import Entry, Graph
from .infer import infer_dtypes, infer_shapes
from .ops.registry import ComputeContext, silenced
from .signature import argument_nodes, aux_nodes, list_outputs, resolve


def _gradient_flows(graph: Graph, r: Any, wrt: Sequence[str], wrt_internal: Sequence[str],
                    heads: Sequence[Entry]) -> list[bool]:
    """Per node: does the backward pass run its gradient? MXNet's backward graph keeps a node's
    gradient only when a seeded head depends on the node and the gradient of some `wrt` name is
    computed through it, i.e. a `wrt` variable (or internal output) feeds one of its differentiable
    inputs through differentiable ops (BlockGrad and other zero-gradient ops cut the path)."""
    from .ops.registry import NOT_DIFFERENTIABLE, ZERO_GRADIENT
    from .signature import find_entry
    below_head = graph.reachable(n for n, _ in heads)
    var_index = {graph.nodes[i].name: i for i in graph.variable_indices}
    sources = {var_index[n] for n in wrt if n in var_index and n not in wrt_internal}
    sources.update(find_entry(graph, n)[0] for n in wrt_internal)
    flows = [False] * len(graph.nodes)
    for i, node in enumerate(graph.nodes):  # topological order
        op = r.ops[i]
        if node.is_variable or op is None or op.grad in (NOT_DIFFERENTIABLE, ZERO_GRADIENT):
            continue
        names = op.input_names(r.params[i])
        flows[i] = below_head[i] and any(
            (s in sources or flows[s]) for slot, (s, _) in enumerate(node.inputs)
            if slot >= len(names) or names[slot] not in op.nondiff_inputs)
    return flows


@dataclass
class Step:
    node: int
    label: str
    op: Any  # the OpDef
    kernel: Callable[..., Any]
    params: Any
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    release: tuple[int, ...] = ()


@dataclass
class Plan:
    """Steps over numbered slots; `slot_of` maps graph entries to slots."""

    steps: list[Step]
    slot_of: dict[Entry, int]
    num_slots: int
    updates: list[tuple[Step, list[int]]] = field(default_factory=list)  # aux updates (train)


def compile_plan(graph: Graph, run_nodes: Sequence[int], keep: set[Entry]) -> Plan:
    """Steps for `run_nodes` (in order); slots not in `keep` are released after their last use."""
    r = resolve(graph)
    slot_of: dict[Entry, int] = {}
    for i, node in enumerate(graph.nodes):
        for k in range(r.num_outputs[i]):
            slot_of[(i, k)] = len(slot_of)
    steps: list[Step] = []
    last_use: dict[int, int] = {}
    for i in run_nodes:
        node, op, p = graph.nodes[i], r.ops[i], r.params[i]
        step = Step(i, node_label(i, node.name, node.op), op, op.compute, p,
                    tuple(slot_of[e] for e in node.inputs),
                    tuple(slot_of[(i, k)] for k in range(r.num_outputs[i])))
        for s in step.inputs:
            last_use[s] = len(steps)
        for s in step.outputs:
            last_use.setdefault(s, len(steps))
        steps.append(step)
    kept = {slot_of[e] for e in keep}
    variable_slots = {slot_of[(i, 0)] for i in graph.variable_indices}
    releases: dict[int, list[int]] = {}
    for s, at in last_use.items():
        if s not in kept and s not in variable_slots:
            releases.setdefault(at, []).append(s)
    for at, slots in releases.items():
        steps[at].release = tuple(slots)
    return Plan(steps, slot_of, len(slot_of))


def run_steps(steps: Sequence[Step], slots: list[Any], ctx: ComputeContext, *,
              check_numerics: bool = False, profile: dict[str, list[float]] | None = None) -> None:
    """Execute steps in order. The only loop at run time: no graph walking, no parsing."""
    with silenced(ctx.xp):
        _run(steps, slots, ctx, check_numerics, profile)


def _run(steps: Sequence[Step], slots: list[Any], ctx: ComputeContext, check_numerics: bool,
         profile: dict[str, list[float]] | None) -> None:
    xp = ctx.xp
    for step in steps:
        args = [slots[s] for s in step.inputs]
        t0 = time.perf_counter() if profile is not None else 0.0
        try:
            result = step.kernel(ctx, step.params, *args)
        except SymcliError as exc:
            raise ExecutionError(f"{step.label}: {exc}") from None
        except (ValueError, IndexError, ZeroDivisionError, FloatingPointError, TypeError,
                OverflowError, MemoryError) as exc:
            raise ExecutionError(f"{step.label}: {type(exc).__name__}: {exc}") from None
        if len(step.outputs) == 1:
            slots[step.outputs[0]] = result
        else:
            for s, value in zip(step.outputs, result):
                slots[s] = value
        if profile is not None:
            profile.setdefault(step.op.name, []).append(time.perf_counter() - t0)
        if check_numerics:
            for k, s in enumerate(step.outputs):
                value = slots[s]
                if value is not None and value.dtype.kind in "fc" and not bool(xp.isfinite(value).all()):
                    bad = "NaN" if bool(xp.isnan(value).any()) else "Inf"
                    raise ExecutionError(f"{step.label}: produced a non-finite value ({bad}) in output {k}")
        for s in step.release:
            slots[s] = None


def _as_dict(values: Any, names: list[str], what: str) -> dict[str, Any]:
    if values is None:
        return {}
    if isinstance(values, Mapping):
        return dict(values)
    values = list(values)
    if len(values) != len(names):
        raise BindError(f"{what}: expected {len(names)} arrays ({', '.join(names)}), got {len(values)}")
    return dict(zip(names, values))


def _grad_reqs(grad_req: Any, names: list[str]) -> dict[str, str]:
    if isinstance(grad_req, str):
        reqs = {n: grad_req for n in names}
    elif isinstance(grad_req, Mapping):
        unknown = [k for k in grad_req if k not in names]
        if unknown:
            raise BindError(f"grad_req names '{unknown[0]}', which is not an argument")
        reqs = {n: grad_req.get(n, "null") for n in names}  # MXNet: names left out get null
    else:
        reqs = dict(zip(names, grad_req))
    for n, req in reqs.items():
        if req not in ("write", "add", "null"):
            raise BindError(f"grad_req for '{n}' must be write, add or null, not '{req}'")
    return reqs


class Executor:
    """A graph bound to arrays on one context: forward, backward, outputs, gradients."""

    def __init__(self, graph: Graph, ctx: Context, args: dict[str, Any], aux: dict[str, Any],
                 grad_buffers: dict[str, Any], grad_reqs: dict[str, str],
                 wrt_internal: Sequence[str] = (), check_numerics: bool = False, seed: int = 0,
                 seeded_heads: int | None = None):
        self._graph = graph
        self._ctx = ctx
        self.xp = ctx.xp
        self.arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
        self.aux_names = [graph.nodes[i].name for i in aux_nodes(graph)]
        self.output_names = list_outputs(graph)
        self.arg_dict = args
        self.aux_dict = aux
        self.grad_req = grad_reqs
        self.grad_dict: dict[str, Any] = {n: grad_buffers.get(n) for n in self.arg_names}
        self.check_numerics = check_numerics
        self.profile: dict[str, list[float]] | None = None
        self._rng_seed = seed
        self.outputs: list[Any] = []
        self._slots: list[Any] = []
        self._trained = False
        wrt = [n for n in self.arg_names if grad_reqs.get(n, "null") != "null"
               and self.grad_dict.get(n) is not None] + list(wrt_internal)
        self._wrt = wrt
        self._wrt_internal = list(wrt_internal)
        self._seeded_heads = seeded_heads
        self._compile(wrt)

    # -- construction ------------------------------------------------------------------------------
    def _compile(self, wrt: list[str]) -> None:
        graph = self._graph
        r = resolve(graph)
        if wrt:
            gg = build_gradient(graph, wrt, head_grads="inputs", seeded_heads=self._seeded_heads)
            joint = gg.graph
            self._head_grad_names = gg.head_grad_names
        else:
            joint = graph
            self._head_grad_names = [None] * len(graph.heads)
        self._joint = joint
        nfwd = len(graph.heads)
        fwd_heads = list(joint.heads[:nfwd])
        grad_heads = list(joint.heads[nfwd:])
        forward_set = joint.reachable(n for n, _ in fwd_heads)
        all_set = joint.reachable()
        jr = resolve(joint)
        fwd_nodes = [i for i, n in enumerate(joint.nodes) if forward_set[i] and not n.is_variable]
        bwd_nodes = [i for i, n in enumerate(joint.nodes)
                     if all_set[i] and not forward_set[i] and not n.is_variable]
        # forward values the backward pass reads, and those a training backward needs for aux updates
        keep: set[Entry] = set(fwd_heads) | set(grad_heads)
        for i in bwd_nodes:
            keep.update(e for e in joint.nodes[i].inputs if forward_set[e[0]])
        updaters = [i for i in fwd_nodes if jr.ops[i].update_aux is not None]
        if updaters:  # as in MXNet, only ops whose backward runs update their auxiliary states
            seeded = nfwd if self._seeded_heads is None else self._seeded_heads
            flows = _gradient_flows(joint, jr, wrt, self._wrt_internal, fwd_heads[:seeded])
            updaters = [i for i in updaters if flows[i]]
        for i in updaters:
            keep.update(joint.nodes[i].inputs)
            keep.update((i, k) for k in range(jr.num_outputs[i]))
        self._plan = compile_plan(joint, fwd_nodes + bwd_nodes, keep)
        self._nfwd_steps = len(fwd_nodes)
        self._updaters = [(self._plan.steps[fwd_nodes.index(i)], jr.ops[i]) for i in updaters]
        self._fwd_heads = [self._plan.slot_of[e] for e in fwd_heads]
        self._grad_heads = [self._plan.slot_of[e] for e in grad_heads]
        name_to_node = {joint.nodes[i].name: i for i in joint.variable_indices}
        self._var_slots = {name: self._plan.slot_of[(i, 0)] for name, i in name_to_node.items()}
        self._head_grad_slots = [self._var_slots.get(n) if n else None for n in self._head_grad_names]
        del r

    @classmethod
    def bind(cls, graph: Graph, ctx: Any, args: Any, args_grad: Any = None, grad_req: Any = "write",
             aux_states: Any = None, wrt_internal: Sequence[str] = (), check_numerics: bool = False,
             seeded_heads: int | None = None) -> "Executor":
        context = parse_context(ctx)
        xp = context.xp
        arg_names = [graph.nodes[i].name for i in argument_nodes(graph)]
        aux_names = [graph.nodes[i].name for i in aux_nodes(graph)]
        arg_map = _as_dict(args, arg_names, "args")
        aux_map = _as_dict(aux_states, aux_names, "aux_states")
        for names, given, what in ((arg_names, arg_map, "args"), (aux_names, aux_map, "aux_states")):
            missing = [n for n in names if n not in given]
            if missing:
                raise BindError(f"'{missing[0]}' is missing in `{what}`")
            extra = [n for n in given if n not in names]
            if extra:
                raise BindError(f"'{extra[0]}' in `{what}` names no {what[:-1] if what == 'args' else 'auxiliary state'} of the graph")
        arrays = {n: _wrap(xp.asarray(v)) for n, v in arg_map.items()}
        aux = {n: _wrap(xp.asarray(v)) for n, v in aux_map.items()}
        grads = _as_dict(args_grad, arg_names, "args_grad")
        grads = {n: _wrap(xp.asarray(v)) for n, v in grads.items() if v is not None}
        reqs = _grad_reqs(grad_req, arg_names)
        if args_grad is None:
            reqs = {n: "null" for n in arg_names}
        _check_against_inference(graph, arrays, aux)
        return cls(graph, context, arrays, aux, grads, reqs, wrt_internal, check_numerics,
                   seeded_heads=seeded_heads)

    @classmethod
    def simple_bind(cls, graph: Graph, ctx: Any, grad_req: Any = "write", type_dict: dict | None = None,
                    shapes: Mapping[str, Any] | None = None, **kwargs: Any) -> "Executor":
        context = parse_context(ctx)
        xp = context.xp
        shapes = dict(shapes or {}, **kwargs)
        inf_s = infer_shapes(graph, shapes)
        inf_t = infer_dtypes(graph, type_dict or {})
        arrays, aux, grads = {}, {}, {}
        arg_idx, aux_idx = argument_nodes(graph), aux_nodes(graph)
        for i in arg_idx + aux_idx:
            name = graph.nodes[i].name
            shape = inf_s.of((i, 0))
            if shape is None or 0 in shape:
                raise BindError(f"cannot decide the shape of '{name}'; give it to simple_bind")
            dt = inf_t.of((i, 0)) or "float32"
            (arrays if i in arg_idx else aux)[name] = _wrap(xp.zeros(shape, dtype=dt))  # MXNet zero-fills
        arg_names = [graph.nodes[i].name for i in arg_idx]
        reqs = _grad_reqs(grad_req, arg_names)
        for n in arg_names:
            if reqs[n] != "null":
                grads[n] = _wrap(xp.zeros_like(arrays[n]))
        return cls(graph, context, arrays, aux, grads, reqs)

    # -- running -----------------------------------------------------------------------------------
    @property
    def arg_arrays(self) -> list[Any]:
        return [self.arg_dict[n] for n in self.arg_names]

    @property
    def aux_arrays(self) -> list[Any]:
        return [self.aux_dict[n] for n in self.aux_names]

    @property
    def grad_arrays(self) -> list[Any]:
        return [self.grad_dict.get(n) for n in self.arg_names]

    @property
    def output_dict(self) -> dict[str, Any]:
        names: list[str] = []
        for n in self.output_names:
            unique, k = n, 1
            while unique in names:
                unique, k = f"{n}{k}", k + 1
            names.append(unique)
        return dict(zip(names, self.outputs))

    def forward(self, is_train: bool = False, **inputs: Any) -> list[Any]:
        for name, value in inputs.items():
            if name not in self.arg_dict:
                raise BindError(f"'{name}' is not an argument of the graph")
            self.arg_dict[name][...] = self.xp.asarray(value)
        slots: list[Any] = [None] * self._plan.num_slots
        for name, value in self.arg_dict.items():
            slots[self._var_slots[name]] = value
        for name, value in self.aux_dict.items():
            slots[self._var_slots[name]] = value
        ctx = ComputeContext(self.xp, bool(is_train), self._rng())
        run_steps(self._plan.steps[:self._nfwd_steps], slots, ctx,
                  check_numerics=self.check_numerics, profile=self.profile)
        self._slots = slots
        self._trained = bool(is_train)
        self.outputs = [_wrap(slots[s]) for s in self._fwd_heads]
        return self.outputs

    def _rng(self) -> Any:
        import numpy as np
        return np.random.default_rng(self._rng_seed)

    def backward(self, out_grads: Any = None, is_train: bool | None = None) -> None:
        if not self._wrt:
            raise BindError("backward() on an executor bound without gradient buffers (args_grad)")
        if not self._slots:
            raise BindError("backward() called before forward()")
        xp = self.xp
        slots = self._slots
        given = self._head_grads(out_grads)
        for h, slot in enumerate(self._head_grad_slots):
            if slot is None:
                continue
            value = given[h] if given[h] is not None else None
            head = slots[self._fwd_heads[h]]
            if value is None:
                value = xp.ones_like(head)  # friendlier than MXNet, which demands a head gradient
            else:
                value = xp.asarray(value)
                if value.shape != head.shape:
                    raise BindError(f"head gradient for '{self.output_names[h]}' has shape "
                                    f"{tuple(value.shape)}, the output has {tuple(head.shape)}")
                value = value.astype(head.dtype, copy=False)
            slots[slot] = value
        ctx = ComputeContext(xp, self._trained, self._rng())
        run_steps(self._plan.steps[self._nfwd_steps:], slots, ctx,
                  check_numerics=self.check_numerics, profile=self.profile)
        self.internal_grads: dict[str, Any] = {}
        for name, slot in zip(self._wrt, self._grad_heads):
            value = slots[slot]
            if name in self._wrt_internal:
                self.internal_grads[name] = _wrap(value)
                continue
            buf = self.grad_dict[name]
            if tuple(value.shape) != tuple(buf.shape):  # an operator's gradient disagrees with its shape rule
                raise ExecutionError(f"the gradient of '{name}' has shape {tuple(value.shape)}, the argument "
                                     f"has {tuple(buf.shape)} (inconsistent operator attributes?)")
            if self.grad_req[name] == "add":
                buf += value
            else:
                buf[...] = value
        if self._trained:
            with silenced(xp):  # as for the kernels: inf/NaN statistics are MXNet's, not warnings
                for step, op in self._updaters:
                    new = op.update_aux(ctx, step.params, [slots[s] for s in step.inputs],
                                        [slots[s] for s in step.outputs])
                    for index, value in new.items():
                        slots[step.inputs[index]][...] = value

    def _head_grads(self, out_grads: Any) -> list[Any]:
        n = len(self.output_names)
        if out_grads is None:
            return [None] * n
        if isinstance(out_grads, Mapping):
            unknown = [k for k in out_grads if k not in self.output_names]
            if unknown:
                raise BindError(f"head gradient '{unknown[0]}' names no output "
                                f"(outputs: {', '.join(self.output_names)})")
            return [out_grads.get(name) for name in self.output_names]
        if not isinstance(out_grads, (list, tuple)):
            out_grads = [out_grads]
        if len(out_grads) > n:
            raise BindError(f"{len(out_grads)} head gradients for {n} outputs")
        return list(out_grads) + [None] * (n - len(out_grads))


def _wrap(value: Any) -> Any:
    import numpy as np
    if isinstance(value, np.ndarray):
        from .nd import NDArray
        return value.view(NDArray)
    return value


def _check_against_inference(graph: Graph, arrays: dict[str, Any], aux: dict[str, Any]) -> None:
    """Every bound array must agree with what inference derives from the others."""
    from .errors import ShapeError
    given = {**arrays, **aux}
    try:
        inf_s = infer_shapes(graph, {n: tuple(a.shape) for n, a in given.items()})
        inf_t = infer_dtypes(graph, {n: a.dtype.name for n, a in given.items()})
    except ShapeError as exc:
        raise BindError(str(exc)) from None
    del inf_s, inf_t
