"""Building blocks of operators' batching rules (run by symcli/batching.py): batch size, per-item
shapes, lifting an unbatched operand, moving axis attributes past the batch axis, and the per-row
loop a rule falls back to for cases it does not vectorize.

A rule is `rule(ctx, p, arrays, flags) -> outputs`: arrays flagged True carry a leading batch axis,
and every output must carry it.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from .attrs import Params

Rule = Callable[[Any, Params, list, list], Any]


def batch_size(arrays: Sequence[Any], flags: Sequence[bool]) -> int:
    return next(a.shape[0] for a, f in zip(arrays, flags) if f)


def item_shape(array: Any, flag: bool) -> tuple[int, ...]:
    """The shape one batch entry sees."""
    return tuple(array.shape[1:]) if flag else tuple(array.shape)


def lift(xp: Any, array: Any, flag: bool, size: int) -> Any:
    """`array` with the batch axis: itself, or an unbatched one broadcast (a view, no copy)."""
    if array is None or flag:
        return array
    return xp.broadcast_to(array, (size,) + tuple(array.shape))


def replace(p: Params, **changes: Any) -> Params:
    """`p` with some attributes changed (kernels then see shifted axes)."""
    return Params({**p.as_dict(), **changes})


def shift(axis: int, ndim: int) -> int:
    """A per-item axis (maybe negative) as an axis of the batched array."""
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for {ndim} dimensions")
    return axis % ndim + 1


def broadcast_out(xp: Any, result: Any, size: int) -> Any:
    """An unbatched result repeated along a new batch axis (outputs that ignore the batched inputs)."""
    if isinstance(result, (tuple, list)):
        return tuple(xp.broadcast_to(r, (size,) + tuple(r.shape)) for r in result)
    return xp.broadcast_to(result, (size,) + tuple(result.shape))


def loop(compute: Callable[..., Any], ctx: Any, p: Params, arrays: Sequence[Any],
         flags: Sequence[bool]) -> Any:
    """One kernel call per batch entry, stacked: for the cases a rule does not vectorize."""
    xp, size = ctx.xp, batch_size(arrays, flags)
    results = [compute(ctx, p, *[a[b] if f else a for a, f in zip(arrays, flags)]) for b in range(size)]
    if isinstance(results[0], (tuple, list)):
        return tuple(xp.stack([r[k] for r in results]) for k in range(len(results[0])))
    return xp.stack(results)


def unbatched_first(compute: Callable[..., Any], values: Sequence[int]) -> Callable[[Rule], Rule]:
    """Decorator: when none of the inputs at `values` is batched (only shape donors are), run the
    kernel once on the first entry of each donor and broadcast the result."""
    def wrap(rule: Rule) -> Rule:
        def run(ctx: Any, p: Params, arrays: list, flags: list) -> Any:
            if any(flags[i] for i in values if i < len(flags)):
                return rule(ctx, p, arrays, flags)
            size = batch_size(arrays, flags)
            out = compute(ctx, p, *[a[0] if f else a for a, f in zip(arrays, flags)])
            return broadcast_out(ctx.xp, out, size)
        return run
    return wrap


def shifted(compute: Callable[..., Any], shape_rule: Callable[..., tuple[list, list]],
            axes: Sequence[str] = ("axis",), ndim_of: int = 0) -> Rule:
    """A rule for kernels that treat every axis they are not told about independently: lift all
    operands to batched, move the axis attributes `axes` (ints or tuples of ints, of input
    `ndim_of`'s item rank) past the batch axis, and reshape the outputs to the item shapes the
    shape rule gives (a kernel may squeeze a 1-d item's result to 0-d differently)."""
    def rule(ctx: Any, p: Params, arrays: list, flags: list) -> Any:
        xp, size = ctx.xp, batch_size(arrays, flags)
        items = [item_shape(a, f) for a, f in zip(arrays, flags)]
        ndim = len(items[ndim_of])
        changes = {}
        for name in axes:
            value = getattr(p, name)
            if isinstance(value, tuple):
                changes[name] = tuple(shift(a, ndim) for a in value)
            elif value is not None:
                changes[name] = shift(value, ndim)
        result = compute(ctx, replace(p, **changes), *[lift(xp, a, f, size) for a, f in zip(arrays, flags)])
        outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        _, out_items = shape_rule(p, items, [None] * len(outs))
        outs = tuple(o.reshape((size,) + tuple(s)) for o, s in zip(outs, out_items))
        return outs if isinstance(result, (tuple, list)) else outs[0]
    return rule
