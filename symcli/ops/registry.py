"""The operator registry: one declarative `OpDef` record per operator.

An `OpDef` holds everything symcli knows about an operator: names and aliases, typed attributes,
inputs (auxiliary or non-differentiable ones flagged), outputs (visible and hidden), the shape and
dtype rules, the compute kernel (given the array module `xp`, never numpy directly) and the gradient
rule, which builds graph nodes from other registered operators. Nothing else switches on op names.
"""
from __future__ import annotations

import contextlib
import importlib
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence

from ..errors import OperatorError
from .attrs import Attr, AttrParseError, Params, parse_attrs

Shape = tuple[int, ...]
# Modules that register operators, loaded on first use so `import symcli` stays cheap.
FAMILIES = ("elemwise", "unary", "reduce", "linalg", "shape", "index", "softmax", "loss", "nn",
            "creation", "gradhelpers", "conv")

NOT_DIFFERENTIABLE = "not differentiable"
ELEMENTWISE = "elementwise"
ZERO_GRADIENT = "zero gradient"


def same_dtype(p: Params, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    """Default dtype rule: every input and output shares one dtype (MXNet never promotes)."""
    known = next((d for d in list(in_dtypes) + list(out_dtypes) if d is not None), None)
    if known is None:
        return in_dtypes, out_dtypes
    return [known] * len(in_dtypes), [known] * len(out_dtypes)


_NULL_CONTEXT = contextlib.nullcontext()
_silence = threading.local()


def quiet(xp: Any) -> Any:
    """A context turning numpy's divide/invalid/overflow warnings off around a kernel: MXNet's
    inf/NaN results are intended, and a warning line would pollute the CLI's stderr. Free inside
    `silenced()`, which the executor enters once per run instead of once per step."""
    if getattr(_silence, "active", False):
        return _NULL_CONTEXT
    errstate = getattr(xp, "errstate", None)
    return errstate(all="ignore") if errstate is not None else _NULL_CONTEXT


@contextlib.contextmanager
def silenced(xp: Any):
    """Warnings off for a whole run of steps (see `quiet`)."""
    if getattr(_silence, "active", False):
        yield
        return
    errstate = getattr(xp, "errstate", None)
    _silence.active = True
    try:
        with errstate(all="ignore") if errstate is not None else _NULL_CONTEXT:
            yield
    finally:
        _silence.active = False


@dataclass(frozen=True)
class Sample:
    """One sample case of an operator, driving the generic tests (forward, shapes, gradcheck).

    shapes: one shape per input. attrs: raw string attributes. values: per input, None (random
    uniform in [low, high)) or explicit values (e.g. integer labels and indices). grad: run gradcheck
    (order 1 and 2, float64) on the inputs that are differentiable; order2=False skips order 2
    (ops whose second derivative is zero almost everywhere still pass, so use it sparingly).
    """

    shapes: tuple[tuple[int, ...], ...]
    attrs: dict = field(default_factory=dict)
    values: tuple = ()
    low: float = -2.0
    high: float = 2.0
    grad: bool = True
    order2: bool = True
    dtype: str = "float64"
    note: str = ""


@dataclass(frozen=True)
class ComputeContext:
    """What a kernel may use besides its inputs: the array module, the mode, a seeded RNG."""

    xp: Any
    is_train: bool = False
    rng: Any = None


@dataclass(frozen=True, eq=False)
class OpDef:
    """Everything about one operator, declared once.

    compute(ctx, p, *arrays) -> array | tuple of arrays (all outputs, hidden ones included)
    infer_shape(p, in_shapes, out_shapes) -> (in_shapes, out_shapes); unknown shapes are None.
        Rules fill in what they can in both directions and raise ValueError on a conflict.
    infer_dtype(p, in_dtypes, out_dtypes) -> (in_dtypes, out_dtypes); numpy dtype names or None.
    grad(p, inputs, outputs, out_grads) -> one Symbol or None (zero) per input. `inputs` and
        `outputs` are Symbols of the forward entries, `out_grads` Symbols (None where no gradient
        flows into an output). Or NOT_DIFFERENTIABLE / ZERO_GRADIENT.
    update_aux(ctx, p, inputs, outputs) -> {input index: new value}, run by a training backward.
    input_var_attrs: extra attributes of the variables auto-created for omitted inputs (MXNet stamps
        `__init__` on BatchNorm's moving statistics and PReLU's gamma).
    batching: how the op runs with a leading batch axis on some inputs (Hessians evaluate a batch of
        Hessian-vector products at once): ELEMENTWISE when the kernel broadcasts like numpy, or
        rule(ctx, p, arrays, batched_flags) -> outputs with the batch axis first; None loops over the batch.
    """

    name: str
    compute: Callable[..., Any]
    infer_shape: Callable[..., tuple[list, list]]
    attrs: tuple[Attr, ...] = ()
    inputs: Sequence[str] | Callable[[Params], Sequence[str]] = ("data",)
    aux_inputs: tuple[str, ...] = ()
    nondiff_inputs: tuple[str, ...] = ()
    num_outputs: int | Callable[[Params], int] = 1
    num_visible: int | Callable[[Params], int] | None = None
    output_names: Sequence[str] | Callable[[Params], Sequence[str]] | None = None
    infer_dtype: Callable[..., tuple[list, list]] = same_dtype
    grad: Callable[..., Sequence[Any]] | str = NOT_DIFFERENTIABLE
    update_aux: Callable[..., dict[int, Any]] | None = None
    batching: str | Callable[..., Any] | None = None
    input_var_attrs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    hint: str | None = None
    strict_attrs: bool = True
    is_loss: bool = False
    variadic: str | None = None  # attribute holding the input count (Concat's num_args)
    doc: str = ""
    samples: tuple[Any, ...] = field(default=(), repr=False)

    # -- resolved per node -----------------------------------------------------------------------
    def parse(self, raw: dict[str, str]) -> Params:
        """Parse raw string attributes; raises AttrParseError."""
        return _parse_cached(self, tuple(sorted(raw.items())))

    def input_names(self, p: Params) -> list[str]:
        names = self.inputs(p) if callable(self.inputs) else self.inputs
        return list(names)

    def n_outputs(self, p: Params) -> int:
        return self.num_outputs(p) if callable(self.num_outputs) else self.num_outputs

    def n_visible(self, p: Params) -> int:
        if self.num_visible is None:
            return self.n_outputs(p)
        return self.num_visible(p) if callable(self.num_visible) else self.num_visible

    def list_outputs(self, node_name: str, p: Params) -> list[str]:
        """Names of the visible outputs as MXNet's list_outputs() gives them."""
        visible = self.n_visible(p)
        if self.output_names is not None:
            names = self.output_names(p) if callable(self.output_names) else self.output_names
            return [f"{node_name}_{n}" for n in list(names)[:visible]]
        if visible == 1:
            return [f"{node_name}_output"]
        return [f"{node_name}_output{i}" for i in range(visible)]

    def aux_indices(self, p: Params) -> list[int]:
        return [i for i, n in enumerate(self.input_names(p)) if n in self.aux_inputs]

    @property
    def differentiable(self) -> bool:
        return self.grad is not NOT_DIFFERENTIABLE


COUNT_ATTRS = ("num_args", "num_outputs")  # MXNet's names for input and output counts


@lru_cache(maxsize=4096)
def _parse_cached(op: OpDef, items: tuple[tuple[str, str], ...]) -> Params:
    p = parse_attrs(op.attrs, dict(items), strict=op.strict_attrs)
    # a count from a file sizes lists of names before any input is looked at: bound it first
    from ..codec.limits import MAX_INPUTS
    for name in {*COUNT_ATTRS, op.variadic} - {None}:
        value = p.get(name)
        if isinstance(value, int) and value > MAX_INPUTS:
            raise AttrParseError(f"Invalid Parameter format for {name}: {value} exceeds the limit of "
                                 f"{MAX_INPUTS}")
    return p


_REGISTRY: dict[str, OpDef] = {}
_CANONICAL: list[OpDef] = []
_loaded = False


def register(op: OpDef) -> OpDef:
    """Add an operator under its name and aliases; a name may be registered once."""
    for name in (op.name, *op.aliases):
        if name in _REGISTRY:
            raise RuntimeError(f"operator name {name!r} registered twice")
        _REGISTRY[name] = op
    _CANONICAL.append(op)
    return op


def _load_families() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for family in FAMILIES:
        try:
            importlib.import_module(f"{__package__}.{family}")
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != f"{__package__}.{family}":
                raise


def get_op(name: str) -> OpDef:
    """The operator registered under `name` (canonical or alias); OperatorError otherwise."""
    _load_families()
    op = _REGISTRY.get(name)
    if op is None:
        if name in ("Custom", "_Custom") or name.startswith("_custom"):
            raise OperatorError(
                f"custom operator '{name}' is not supported: it would run code the file names")
        raise OperatorError(f"unknown operator '{name}'")
    return op


def has_op(name: str) -> bool:
    _load_families()
    return name in _REGISTRY


def all_ops() -> list[OpDef]:
    """Every registered operator once (canonical records, registration order)."""
    _load_families()
    return list(_CANONICAL)


def all_names() -> list[str]:
    _load_families()
    return sorted(_REGISTRY)


def parse_node_attrs(op: OpDef, raw: dict[str, str], where: str) -> Params:
    """Parse a node's attributes, turning a parse failure into an OperatorError naming `where`."""
    try:
        return op.parse(dict(raw))
    except AttrParseError as exc:
        raise OperatorError(f"{where}: {exc}") from None
