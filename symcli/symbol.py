"""The `Symbol` API, shaped like MXNet's `mx.sym`: compose graphs in Python.

A Symbol is a list of output entries of lightweight nodes; every registered operator is available
as a function (`sx.sym.FullyConnected(...)`), Python operators map to the ops MXNet writes, and
names are generated the way MXNet's NameManager generates them. `Symbol.graph` gives the immutable
`Graph` the rest of symcli works on.
"""
from __future__ import annotations

import json
import numbers
import threading
from typing import Any, Iterable, Sequence

from .errors import GraphError, OperatorError
from .graph import Graph, Node
from .ops.attrs import AttrParseError, format_value
from .ops.registry import get_op, has_op, parse_node_attrs


class _SymNode:
    """A mutable-free node used while composing: op name, name, string attrs, input entries."""

    __slots__ = ("op", "name", "attrs", "inputs", "control_deps", "__weakref__")

    def __init__(self, op: str, name: str, attrs: dict[str, str], inputs: list[tuple["_SymNode", int]],
                 control_deps: list["_SymNode"] | None = None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.inputs = inputs
        self.control_deps = control_deps or []


# -- naming ----------------------------------------------------------------------------------------
class NameManager:
    """MXNet's automatic names: `hint + counter[hint]`; use as a context manager to reset."""

    _local = threading.local()

    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.counter: dict[str, int] = {}
        self._old: NameManager | None = None

    def get(self, name: str | None, hint: str) -> str:
        if name is not None:
            return self.prefix + name
        hint = hint.lower()
        n = self.counter.get(hint, 0)
        self.counter[hint] = n + 1
        return f"{self.prefix}{hint}{n}"

    def __enter__(self) -> "NameManager":
        self._old = NameManager.current()
        NameManager._local.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        NameManager._local.value = self._old

    @classmethod
    def current(cls) -> "NameManager":
        cur = getattr(cls._local, "value", None)
        if cur is None:
            cur = cls._local.value = NameManager()
        return cur


class Prefix(NameManager):
    """`with Prefix('p_'):` prefixes every name, explicit ones too (as MXNet does)."""


def reset_names() -> None:
    """Forget the automatic-name counters (tests use this for MXNet-identical names)."""
    NameManager._local.value = NameManager()


# -- Symbol ----------------------------------------------------------------------------------------
class Symbol:
    """One or more output entries of a graph under construction."""

    __slots__ = ("_outputs",)

    def __init__(self, outputs: Sequence[tuple[_SymNode, int]]):
        self._outputs = list(outputs)

    # composition helpers -------------------------------------------------------------------------
    def _entry(self) -> tuple[_SymNode, int]:
        if len(self._outputs) != 1:
            raise GraphError(f"a symbol with {len(self._outputs)} outputs cannot be an op input")
        return self._outputs[0]

    @property
    def name(self) -> str | None:
        return self._outputs[0][0].name if len(self._outputs) == 1 else None

    # graph conversion ----------------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return to_graph(self)

    @classmethod
    def from_graph(cls, graph: Graph) -> "Symbol":
        return from_graph(graph)

    # introspection -------------------------------------------------------------------------------
    def list_arguments(self) -> list[str]:
        from .signature import list_arguments
        return list_arguments(self.graph)

    def list_outputs(self) -> list[str]:
        from .signature import list_outputs
        return list_outputs(self.graph)

    def list_auxiliary_states(self) -> list[str]:
        from .signature import list_auxiliary_states
        return list_auxiliary_states(self.graph)

    def list_inputs(self) -> list[str]:
        from .signature import list_inputs
        return list_inputs(self.graph)

    def get_internals(self) -> "Symbol":
        from .signature import internal_entries
        g = self.graph
        nodes = _build_nodes(g)
        return Symbol([(nodes[n], i) for _, (n, i) in internal_entries(g)])

    def get_children(self) -> "Symbol | None":
        inputs = [e for node, _ in self._outputs for e in node.inputs]
        return Symbol(inputs) if inputs else None

    def __getitem__(self, key: int | str) -> "Symbol":
        if isinstance(key, str):
            names = self.list_outputs()
            if key not in names:
                raise GraphError(f"'{key}' is not an output; outputs are {names}")
            return Symbol([self._outputs[names.index(key)]])
        if len(self._outputs) == 1 and self._outputs[0][0].op != "null":
            # a single-node symbol: index its visible outputs (split's sp[1])
            node = self._outputs[0][0]
            op = get_op(node.op)
            visible = op.n_visible(op.parse(node.attrs))
            if not -visible <= key < visible:
                raise IndexError(f"output index {key} out of range ({visible} outputs)")
            return Symbol([(node, key % visible)])
        return Symbol([self._outputs[key]])

    def __len__(self) -> int:
        return len(self._outputs)

    def __iter__(self):
        return (self[i] for i in range(len(self._outputs)))

    def attr(self, key: str) -> str | None:
        node = self._outputs[0][0]
        return node.attrs.get(key, node.attrs.get(f"__{key}__"))

    def list_attr(self) -> dict[str, str]:
        return dict(self._outputs[0][0].attrs)

    def attr_dict(self) -> dict[str, dict[str, str]]:
        return {n.name: dict(n.attrs) for n in to_graph(self).nodes if n.attrs}

    # serialization -------------------------------------------------------------------------------
    def tojson(self) -> str:
        from .codec.symbol_json import dumps
        return dumps(self.graph)

    def save(self, fname: str) -> None:
        with open(fname, "w") as fh:
            fh.write(self.tojson())

    # inference and execution ---------------------------------------------------------------------
    def infer_shape(self, *args: Any, **shapes: Any):
        from .infer import infer_shape
        return infer_shape(self.graph, shapes, partial=False)

    def infer_shape_partial(self, *args: Any, **shapes: Any):
        from .infer import infer_shape
        return infer_shape(self.graph, shapes, partial=True)

    def infer_type(self, *args: Any, **dtypes: Any):
        from .infer import infer_type
        return infer_type(self.graph, dtypes)

    def bind(self, ctx: Any, args: Any, args_grad: Any = None, grad_req: Any = "write",
             aux_states: Any = None, **kwargs: Any):
        from .executor import Executor
        return Executor.bind(self.graph, ctx, args, args_grad, grad_req, aux_states)

    def simple_bind(self, ctx: Any, grad_req: Any = "write", type_dict: dict | None = None, **shapes: Any):
        from .executor import Executor
        return Executor.simple_bind(self.graph, ctx, grad_req, type_dict, shapes)

    def gradient(self, wrt: Sequence[str]) -> "Symbol":
        """The gradient symbol (head gradients as `head_grad/<output>` arguments)."""
        from .autodiff import grad
        return grad(self, wrt, head_grads="inputs")

    # Python operators: exactly the ops and names MXNet writes (mxnet-format.md §4.1) ----------
    def __add__(self, other):
        return _binary(self, other, "elemwise_add", "_plus", "_plus_scalar", "_plusscalar")

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        return _binary(self, other, "elemwise_sub", "_minus", "_minus_scalar", "_minusscalar")

    def __rsub__(self, other):
        return _scalar(self, other, "_rminus_scalar", "_rminusscalar")

    def __mul__(self, other):
        return _binary(self, other, "elemwise_mul", "_mul", "_mul_scalar", "_mulscalar")

    def __rmul__(self, other):
        return self.__mul__(other)

    def __truediv__(self, other):
        return _binary(self, other, "elemwise_div", "_div", "_div_scalar", "_divscalar")

    def __rtruediv__(self, other):
        return _scalar(self, other, "_rdiv_scalar", "_rdivscalar")

    def __mod__(self, other):
        return _binary(self, other, "_mod", "_mod", "_mod_scalar", "_modscalar")

    def __rmod__(self, other):
        return _scalar(self, other, "_rmod_scalar", "_rmodscalar")

    def __pow__(self, other):
        return _binary(self, other, "_power", "_power", "_power_scalar", "_powerscalar")

    def __rpow__(self, other):
        return _scalar(self, other, "_rpower_scalar", "_rpower_scalar")

    def __neg__(self):
        return _scalar(self, -1.0, "_mul_scalar", "_mulscalar")

    def __abs__(self):
        return _apply("abs", [self], {}, hint="abs")

    def __gt__(self, other):
        return _binary(self, other, "_greater", "_greater", "_greater_scalar", "_greater_scalar")

    def __ge__(self, other):
        return _binary(self, other, "_greater_equal", "_greater_equal", "_greater_equal_scalar",
                       "_greater_equal_scalar")

    def __lt__(self, other):
        return _binary(self, other, "_lesser", "_lesser", "_lesser_scalar", "_lesser_scalar")

    def __le__(self, other):
        return _binary(self, other, "_lesser_equal", "_lesser_equal", "_lesser_equal_scalar",
                       "_lesser_equal_scalar")

    def __eq__(self, other):  # type: ignore[override]
        return _binary(self, other, "_equal", "_equal", "_equal_scalar", "_equal_scalar")

    def __ne__(self, other):  # type: ignore[override]
        return _binary(self, other, "_not_equal", "_not_equal", "_not_equal_scalar", "_not_equal_scalar")

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        if len(self._outputs) == 1:
            return f"<Symbol {self._outputs[0][0].name}>"
        return f"<Symbol group [{', '.join(n.name for n, _ in self._outputs)}]>"

    def __getattr__(self, name: str):
        # fluent methods: x.reshape(...), x.sum(axis=1) ... any registered op taking data first
        if name.startswith("_") or not has_op(name):
            raise AttributeError(name)
        fn = op_function(name)
        return lambda *args, **kwargs: fn(self, *args, **kwargs)


def _binary(lhs: Symbol, rhs: Any, op: str, hint: str, scalar_op: str, scalar_hint: str) -> Symbol:
    if isinstance(rhs, Symbol):
        return _apply(op, [lhs, rhs], {}, hint=hint)
    return _scalar(lhs, rhs, scalar_op, scalar_hint)


def _scalar(sym: Symbol, value: Any, op: str, hint: str) -> Symbol:
    if not isinstance(value, numbers.Number):
        raise TypeError(f"unsupported operand type {type(value).__name__} for a Symbol")
    return _apply(op, [sym], {"scalar": format_value(value)}, hint=hint)  # MXNet writes str(value)


# -- building nodes --------------------------------------------------------------------------------
def Variable(name: str, attr: dict | None = None, shape: Any = None, lr_mult: float | None = None,
             wd_mult: float | None = None, dtype: Any = None, init: Any = None, stype: Any = None,
             **kwargs: Any) -> Symbol:
    """A graph argument; metadata goes into `__shape__`, `__dtype__`... as MXNet stores it."""
    if not isinstance(name, str) or not name:
        raise GraphError("a Variable needs a non-empty name")
    attrs: dict[str, str] = {k: str(v) for k, v in (attr or {}).items()}
    if shape is not None:
        attrs["__shape__"] = format_value(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = format_value(float(lr_mult))
    if wd_mult is not None:
        attrs["__wd_mult__"] = format_value(float(wd_mult))
    if dtype is not None:
        from .dtypes import dtype_flag
        attrs["__dtype__"] = str(dtype_flag(dtype))
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else json.dumps(init)
    if stype is not None:
        attrs["__storage_type__"] = str({"default": 0, "row_sparse": 1, "csr": 2}.get(stype, stype))
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise TypeError(f"Variable attribute '{key}' must be of the form __{key}__")
        attrs[key] = str(value)
    name = NameManager.current().prefix + name
    return Symbol([(_SymNode("null", name, attrs, []), 0)])


var = Variable


def Group(symbols: Iterable[Symbol]) -> Symbol:
    outputs = [e for s in symbols for e in s._outputs]
    if not outputs:
        raise GraphError("Group needs at least one symbol")
    return Symbol(outputs)


def _apply(op_name: str, inputs: Sequence[Symbol], raw_attrs: dict[str, str], *, hint: str,
           name: str | None = None, extra_attrs: dict[str, str] | None = None) -> Symbol:
    """Create one node of `op_name` with the given inputs (auto-creating missing variables)."""
    op = get_op(op_name)
    node_name = NameManager.current().get(name, hint)
    attrs = dict(raw_attrs)
    if extra_attrs:
        attrs.update(extra_attrs)
    p = parse_node_attrs(op, attrs, f"{op.name} '{node_name}'")
    expected = op.input_names(p)
    entries: list[tuple[_SymNode, int]] = []
    for k, input_name in enumerate(expected):
        given = inputs[k] if k < len(inputs) else None
        if given is None:
            # MXNet auto-creates `<node>_<input>`, copying the op's attributes (mxnet-format §1.5)
            var_attrs = {**attrs, **op.input_var_attrs.get(input_name, {})}
            given = Symbol([(_SymNode("null", f"{node_name}_{input_name}", var_attrs, []), 0)])
        entries.append(given._entry())
    if len(inputs) > len(expected):
        raise OperatorError(f"{op.name} '{node_name}' takes {len(expected)} inputs "
                            f"[{', '.join(expected)}], got {len(inputs)}")
    node = _SymNode(op.name, node_name, attrs, entries)
    return Symbol([(node, i) for i in range(op.n_visible(p))])


def op_function(op_name: str, hint: str | None = None):
    """The Python function for one registered op, with MXNet's calling convention."""
    op = get_op(op_name)
    hint = (hint or op_name).lower()

    def fn(*args: Any, name: str | None = None, attr: dict | None = None, **kwargs: Any) -> Symbol:
        symbol_args = [a for a in args if isinstance(a, Symbol) or a is None]
        if len(symbol_args) != len(args):
            raise TypeError(f"{op_name}: positional arguments must be Symbols")
        attrs: dict[str, str] = {}
        named_inputs: dict[str, Symbol] = {}
        for key, value in kwargs.items():
            if isinstance(value, Symbol):
                named_inputs[key] = value
            elif value is not None:  # MXNet's frontend drops None keywords
                attrs[key] = format_value(value)
        if op.variadic:
            inputs = list(symbol_args) + list(named_inputs.values())
            attrs.setdefault(op.variadic, str(len(inputs)))
        else:
            try:
                names = op.input_names(op.parse(attrs))
            except AttrParseError:
                names = []  # _apply reports the attribute problem with the node's name
            inputs = list(symbol_args)
            for k, nm in enumerate(names):
                if nm in named_inputs:
                    inputs.extend([None] * (k + 1 - len(inputs)))
                    inputs[k] = named_inputs.pop(nm)
            if named_inputs:
                raise TypeError(f"{op_name}: unknown input(s) {sorted(named_inputs)}")
        extra = {k: str(v) for k, v in (attr or {}).items()}
        return _apply(op.name, inputs, attrs, hint=hint, name=name, extra_attrs=extra)

    fn.__name__ = op_name
    fn.__doc__ = op.doc or f"The `{op.name}` operator."
    return fn


class _OpNamespace:
    """`F.elemwise_mul(a, b)`: every registered op as a function (used by gradient rules too)."""

    def __getattr__(self, name: str):
        if name.startswith("__") or not has_op(name):
            raise AttributeError(name)
        return op_function(name)


F = _OpNamespace()


# -- Graph conversion ------------------------------------------------------------------------------
def to_graph(sym: Symbol) -> Graph:
    """DFS post-order from the heads, inputs left to right (MXNet's node order)."""
    index: dict[int, int] = {}
    nodes: list[Node] = []
    for head, _ in sym._outputs:
        stack: list[tuple[_SymNode, int]] = [(head, 0)]
        while stack:
            node, k = stack.pop()
            if id(node) in index:
                continue
            deps = [src for src, _ in node.inputs] + node.control_deps
            if k < len(deps):
                stack.append((node, k + 1))
                if id(deps[k]) not in index:
                    stack.append((deps[k], 0))
                continue
            index[id(node)] = len(nodes)
            nodes.append(Node(node.op, node.name, node.attrs,
                              [(index[id(src)], i) for src, i in node.inputs],
                              [index[id(d)] for d in node.control_deps]))
    return Graph(nodes, [(index[id(n)], i) for n, i in sym._outputs],
                 {"mxnet_version": ["int", 10901]})


def from_graph(graph: Graph) -> Symbol:
    built = _build_nodes(graph)
    return Symbol([(built[n], i) for n, i in graph.heads])


def _build_nodes(graph: Graph) -> list[_SymNode]:
    """One _SymNode per graph node, in graph order."""
    built: list[_SymNode] = []
    for node in graph.nodes:
        built.append(_SymNode(node.op, node.name, dict(node.attrs),
                              [(built[s], i) for s, i in node.inputs],
                              [built[d] for d in node.control_deps]))
    return built


def load_json(text: str) -> Symbol:
    from .codec.symbol_json import loads
    return from_graph(loads(text))


def load(fname: str) -> Symbol:
    from .codec import read_graph
    return from_graph(read_graph(fname))


def __getattr__(name: str):
    """`sx.sym.FullyConnected`, `sx.sym.relu`, ... generated from the registry."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return _HELPERS[name]
    except KeyError:
        pass
    if has_op(name):
        return op_function(name)
    raise AttributeError(f"symcli.symbol has no operator or function '{name}'")


def _helper_functions() -> dict[str, Any]:
    """Python-level helpers MXNet offers beside the ops (zeros, maximum, ...)."""

    def _either(sym_op: str, scalar_op: str, hint: str, scalar_hint: str):
        def fn(lhs: Any, rhs: Any, name: str | None = None) -> Symbol:
            if isinstance(lhs, Symbol) and isinstance(rhs, Symbol):
                return _apply(sym_op, [lhs, rhs], {}, hint=hint, name=name)
            if isinstance(lhs, Symbol):
                return _apply(scalar_op, [lhs], {"scalar": format_value(rhs)}, hint=scalar_hint,
                              name=name)
            return _apply(scalar_op, [rhs], {"scalar": format_value(lhs)}, hint=scalar_hint,
                          name=name)
        return fn

    def _creator(op: str, hint: str):
        def fn(shape: Any, dtype: Any = None, name: str | None = None, **kwargs: Any) -> Symbol:
            attrs = {"shape": format_value(tuple(shape) if not isinstance(shape, int) else (shape,)),
                     "dtype": format_value(dtype or "float32")}
            attrs.update({k: format_value(v) for k, v in kwargs.items()})
            return _apply(op, [], attrs, hint=hint, name=name)
        return fn

    def full(shape: Any, val: float, dtype: Any = None, name: str | None = None) -> Symbol:
        return _creator("_full", "_full")(shape, dtype, name=name, value=val)

    def arange(start: float, stop: float | None = None, step: float = 1.0, repeat: int = 1,
               infer_range: bool = False, name: str | None = None, dtype: Any = None) -> Symbol:
        attrs = {"start": format_value(start), "stop": format_value(stop),
                 "step": format_value(step), "repeat": str(int(repeat)),
                 "infer_range": format_value(bool(infer_range)), "dtype": format_value(dtype or "float32")}
        return _apply("_arange", [], attrs, hint="_arange", name=name)

    return {
        "maximum": _either("_maximum", "_maximum_scalar", "_maximum", "_maximumscalar"),
        "minimum": _either("_minimum", "_minimum_scalar", "_minimum", "_minimumscalar"),
        "hypot": _either("_hypot", "_hypot_scalar", "_hypot", "_hypotscalar"),
        "power": _either("_power", "_power_scalar", "_power", "_powerscalar"),
        "zeros": _creator("_zeros", "_zeros"),
        "ones": _creator("_ones", "_ones"),
        "full": full,
        "arange": arange,
        "Variable": Variable, "var": Variable, "Group": Group,
        "load": load, "load_json": load_json, "Symbol": Symbol,
    }


_HELPERS = _helper_functions()
