"""Shape operators: reshapes, transposes, joins and splits, slices, broadcasts, tiles, pads, casts, clip.

Most of them are linear, and the gradient of each is its adjoint, itself a registered operator whose
own gradient is the original (slice <-> _slice_scatter, Pad <-> _pad_adjoint, Concat <-> _split_like),
so gradients of any order stay inside this family. Semantics follow mxnet-format.md §6.1, §6.7, §6.17.
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Sequence

from .attrs import (Attr, Bool, DType, Enum, Float, Int, Optional, OptionalIntTuple, OptionalShape,
                    Shape, format_value)
from .batchrules import batch_size, broadcast_out, item_shape, lift, unbatched_first
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register
from .rules import fmt, unary_rule


def _F():
    from ..symbol import F
    return F


# -- shared helpers --------------------------------------------------------------------------------
def _known(shape) -> bool:
    """A fully known shape (symcli marks unknown dims with 0, unknown shapes with None)."""
    return shape is not None and 0 not in shape


def _prod(dims) -> int:
    return math.prod(int(d) for d in dims)


def _axis(axis: int, ndim: int, what: str = "axis") -> int:
    """A possibly negative axis as an index into `ndim` dims; ValueError when out of range."""
    a = axis + ndim if axis < 0 else axis
    if not 0 <= a < ndim:
        raise ValueError(f"{what} {axis} is out of range for an array of {ndim} dimensions")
    return a


def _emit(current, proposed):
    """What a rule writes into a slot: `proposed` merged into `current`.

    A partial proposal (unknown dims) only refines a slot that is already partially known; an unknown
    slot only receives complete shapes, so partial shapes never spread into rules that expect full ones.
    """
    if proposed is None:
        return current
    proposed = tuple(int(d) for d in proposed)
    if current is None:
        return proposed if 0 not in proposed else None
    if len(current) != len(proposed):
        raise ValueError(f"shape {fmt(proposed)} conflicts with {fmt(current)}")
    merged = []
    for c, q in zip(current, proposed):
        if c and q and c != q:
            raise ValueError(f"shape {fmt(proposed)} conflicts with {fmt(current)}")
        merged.append(c or q)
    return tuple(merged)


def _attrs(p, *names: str) -> dict[str, str]:
    """Attributes of `p` in MXNet's string form, to rebuild a node in a gradient rule (None kept)."""
    return {n: format_value(getattr(p, n)) for n in names}


def _forward(shape_fn):
    """A rule computing the outputs once every input shape is fully known."""
    def rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
        if not all(_known(s) for s in in_shapes):
            return in_shapes, out_shapes
        out = shape_fn(p, *in_shapes)
        outs = out if isinstance(out, list) else [out]
        return in_shapes, [_emit(o, n) for o, n in zip(out_shapes, outs)]
    return rule


def _both_ways(forward, backward=None):
    """A single-input rule: output dims from input dims (unknown dims stay unknown), and back."""
    def rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
        data, out = in_shapes[0], out_shapes[0]
        if data is not None:
            out = _emit(out, forward(p, data))
        if out is not None and backward is not None:
            data = _emit(data, backward(p, out))
        return [data] + list(in_shapes[1:]), [out]
    return rule


def _first_dtype(p, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    """The output has the first input's dtype; other inputs (shape donors) may have any dtype."""
    known = in_dtypes[0] or next((d for d in out_dtypes if d is not None), None)
    return [known] + list(in_dtypes[1:]), [known] * len(out_dtypes)


def _fail(message: str):
    raise ValueError(message)


def _reshape_like_grad(p, ins, outs, gs):
    return [_F().reshape_like(gs[0], ins[0])]


# -- batching (Hessian-vector products, see batchrules.py): per-item shapes, axes past the batch axis
def _reshaped(shape_fn):
    """Batching of ops returning input 0 reshaped to shape_fn(p, *item shapes)."""
    def rule(ctx, p, arrays, flags):
        size = batch_size(arrays, flags)
        items = [item_shape(a, f) for a, f in zip(arrays, flags)]
        target = tuple(shape_fn(p, *items))
        if _prod(target) != _prod(items[0]) or not target:
            raise ValueError(f"cannot reshape {fmt(items[0])} into {fmt(target)}")
        if not flags[0]:
            return broadcast_out(ctx.xp, arrays[0].reshape(target), size)
        return arrays[0].reshape((size,) + target)
    return rule


def _scatter_batched(index_fn):
    """Batching of the slice adjoints: zeros shaped like `like` per entry, data written at
    index_fn(p, data item shape, like item shape) (an unbatched data fills every entry)."""
    def rule(ctx, p, arrays, flags):
        (g, like), (fg, fl) = arrays, flags
        size, like_shape = batch_size(arrays, flags), item_shape(like, fl)
        out = ctx.xp.zeros((size,) + like_shape, dtype=g.dtype)
        out[(slice(None),) + index_fn(p, item_shape(g, fg), like_shape)] = g
        return out
    return rule


def _fold_leading(compute):
    """Batching of single-input ops that treat axis 0 as independent rows and keep its size: the
    batch axis folds into it, one call for the batch."""
    def rule(ctx, p, arrays, flags):
        x = arrays[0]
        size = x.shape[0]
        if x.ndim < 2:
            raise ValueError("cannot fold the batch into a 0-d array")
        out = compute(ctx, p, x.reshape((size * x.shape[1],) + x.shape[2:]))
        return out.reshape((size, out.shape[0] // size) + out.shape[1:])
    return rule


# -- Reshape ---------------------------------------------------------------------------------------
def _reshape_dims(spec: Sequence[int], dims: list[int], reverse: bool) -> list[int]:
    """MXNet's InferReshapeShape: the special values 0, -1, -2, -3, -4; -1 marks an unknown dim."""
    d, s = list(dims), list(spec)
    if reverse:
        d.reverse()
        s.reverse()
    out: list[int] = []
    src, inferred, i = 0, -1, 0
    while i < len(s):
        v = s[i]
        if v == 0:
            if src >= len(d):
                raise ValueError(f"shape {fmt(spec)}: 0 copies an input dim, but the input has only {len(d)}")
            out.append(d[src])
            src += 1
        elif v == -1:
            if inferred >= 0:
                raise ValueError(f"shape {fmt(spec)}: One and only one dim can be inferred")
            inferred = i  # MXNet indexes the output with the position in `shape` (a quirk kept)
            out.append(1)
            src += 1
        elif v == -2:
            out.extend(d[src:])
            src = len(d)
        elif v == -3:
            if src + 1 >= len(d):
                raise ValueError(f"shape {fmt(spec)}: -3 needs two input dims, the input has {len(d)}")
            a, b = d[src], d[src + 1]
            src += 2
            out.append(-1 if a < 0 or b < 0 else a * b)
        elif v == -4:
            if i + 2 >= len(s) or src >= len(d):
                raise ValueError(f"shape {fmt(spec)}: -4 needs an input dim and two sizes after it")
            d0, d1, d2 = d[src], s[i + 1], s[i + 2]
            src += 1
            i += 2
            if d1 == -1 and d2 == -1:
                raise ValueError(f"shape {fmt(spec)}: Split dims cannot both be -1")
            if d1 == -1 and d0 >= 0:
                d1 = d0 // d2
            if d2 == -1 and d0 >= 0:
                d2 = d0 // d1
            if d1 * d2 != d0 and d0 != -1:
                raise ValueError(f"shape {fmt(spec)}: Split dims {d1}, {d2} do not divide original dim {d0}")
            out.extend([d1, d2])
        elif v > 0:
            out.append(v)
            src += 1
        else:
            raise ValueError(f"shape {fmt(spec)}: invalid value {v}")
        i += 1
    if inferred >= 0:
        if inferred >= len(out):
            raise ValueError(f"shape {fmt(spec)}: cannot place the inferred dim")
        if all(x > 0 for x in d):
            rest = _prod(out)
            out[inferred] = _prod(d) // rest if rest > 0 else -1
        else:
            out[inferred] = -1
    if any(x < -1 for x in out):
        raise ValueError(f"shape {fmt(spec)}: gives invalid dims {fmt(out)}")
    if reverse:
        out.reverse()
    return out


def _reshape_target(p, shape: Sequence[int]) -> tuple[int, ...]:
    """Reshape's output shape for an input shape (0 = unknown dim, in and out)."""
    if p.shape:
        dims = _reshape_dims(p.shape, [d if d > 0 else -1 for d in shape], p.reverse)
        return tuple(max(x, 0) for x in dims)
    if p.target_shape:  # deprecated form: one 0 is inferred, keep_highest copies dim 0
        out = list(p.target_shape)
        if p.keep_highest:
            out[0] = shape[0]
        zeros = [i for i in range(1 if p.keep_highest else 0, len(out)) if out[i] == 0]
        if len(zeros) == 1 and _known(shape):
            rest = _prod(out[k] for k in range(len(out)) if k != zeros[0])
            out[zeros[0]] = _prod(shape) // rest if rest else 0
        return tuple(out)
    raise ValueError("Reshape needs a `shape`")


def _check_size(shape, target) -> None:
    # MXNet compiles this check out and then crashes in forward (mxnet-format.md §6.1)
    if _known(shape) and _known(target) and _prod(shape) != _prod(target):
        raise ValueError(f"cannot reshape {fmt(shape)} ({_prod(shape)} elements) into "
                         f"{fmt(target)} ({_prod(target)} elements)")


def _reshape_rule(p, in_shapes, out_shapes):
    data, out = in_shapes[0], out_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    target = _reshape_target(p, data)
    _check_size(data, target)
    out = _emit(out, target)
    if _known(out) and not _known(data) and data.count(0) == 1:
        # MXNet's ReverseReshapeInferShape: one unknown input dim follows from the output size
        rest = _prod(d for d in data if d)
        data = tuple(_prod(out) // rest if d == 0 else d for d in data)
        _check_size(data, out)
    return [data], [out]


def _reshape(ctx, p, x):
    target = _reshape_target(p, x.shape)
    if _prod(target) != x.size or len(target) == 0:
        raise ValueError(f"cannot reshape {fmt(x.shape)} into {fmt(target)}")
    return x.reshape(target)


register(OpDef(
    name="Reshape", aliases=("reshape",),
    batching=_reshaped(_reshape_target),
    attrs=(Attr("shape", Shape, ()), Attr("reverse", Bool, False),
           Attr("target_shape", OptionalShape, None), Attr("keep_highest", Bool, False)),
    compute=_reshape, infer_shape=_reshape_rule, grad=_reshape_like_grad,
    doc="Reshape with MXNet's special values 0 (copy), -1 (infer), -2 (rest), -3 (merge), -4 (split).",
    samples=(Sample(((2, 3, 4),), {"shape": "(0, -1)"}),
             Sample(((2, 3, 4),), {"shape": "(-4, 1, 2, -2)"}),
             Sample(((2, 3, 4),), {"shape": "(-1, 0)", "reverse": "True"}),
             Sample(((2, 3, 4),), {"target_shape": "(0, 6)"})),
))


def _reshape_like_range(begin, end, ndim: int, side: str) -> tuple[int, int]:
    b = 0 if begin is None else begin + (ndim if begin < 0 else 0)
    e = ndim if end is None else end + (ndim if end < 0 else 0)
    if not (0 <= b < e <= ndim):
        raise ValueError(f"Invalid {side}_begin={begin}, {side}_end={end} for {ndim} dimensions")
    return b, e


def _reshape_like_shape(p, lhs, rhs):
    lhs_begin, lhs_end = _reshape_like_range(p.lhs_begin, p.lhs_end, len(lhs), "lhs")
    rhs_begin, rhs_end = _reshape_like_range(p.rhs_begin, p.rhs_end, len(rhs), "rhs")
    out = tuple(lhs[:lhs_begin]) + tuple(rhs[rhs_begin:rhs_end]) + tuple(lhs[lhs_end:])
    if _prod(out) != _prod(lhs):
        raise ValueError(f"Cannot reshape lhs with shape {fmt(lhs)} to new shape {fmt(out)} "
                         "because they have different size")
    return out


register(OpDef(
    name="reshape_like", inputs=("lhs", "rhs"), nondiff_inputs=("rhs",),
    batching=_reshaped(_reshape_like_shape),
    attrs=tuple(Attr(n, Optional(Int()), None) for n in ("lhs_begin", "lhs_end", "rhs_begin", "rhs_end")),
    compute=lambda ctx, p, lhs, rhs: lhs.reshape(_reshape_like_shape(p, lhs.shape, rhs.shape)),
    infer_shape=_forward(_reshape_like_shape), infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F().reshape_like(gs[0], ins[0]), None],
    doc="`lhs` reshaped to `rhs`'s shape, or its dims [lhs_begin, lhs_end) replaced by rhs's "
        "[rhs_begin, rhs_end).",
    samples=(Sample(((2, 6), (3, 4))),
             Sample(((2, 12), (5, 3, 4)), {"lhs_begin": "1", "rhs_begin": "1", "rhs_end": "3"})),
))


def _flatten_shape(p, shape):
    return (shape[0], _prod(shape[1:])) if shape else _fail("Flatten of a 0-d array")


register(OpDef(
    name="Flatten", aliases=("flatten",),
    batching=_reshaped(_flatten_shape),
    compute=lambda ctx, p, x: x.reshape(x.shape[0], _prod(x.shape[1:])),
    infer_shape=_both_ways(_flatten_shape),
    grad=_reshape_like_grad,
    doc="(N, ...) -> (N, prod(...)); a 1-d (N,) becomes (N, 1).",
    samples=(Sample(((2, 3, 4),)), Sample(((5,),))),
))


# -- transpose, SwapAxis, expand_dims, squeeze, reverse -------------------------------------------
def _perm(p, ndim: int) -> tuple[int, ...]:
    if not p.axes:
        return tuple(range(ndim - 1, -1, -1))
    if sorted(p.axes) != list(range(ndim)):
        raise ValueError(f"axes {fmt(p.axes)} is not a permutation of the {ndim} axes")
    return tuple(p.axes)


def _inverse(perm: Sequence[int]) -> tuple[int, ...]:
    inv = [0] * len(perm)
    for i, a in enumerate(perm):
        inv[a] = i
    return tuple(inv)


def _transpose_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return ctx.xp.transpose(x, (0,) + tuple(a + 1 for a in _perm(p, x.ndim - 1)))


register(OpDef(
    name="transpose", attrs=(Attr("axes", Shape, ()),),
    batching=_transpose_batched,
    compute=lambda ctx, p, x: ctx.xp.transpose(x, _perm(p, x.ndim)),
    infer_shape=_both_ways(lambda p, d: tuple(d[a] for a in _perm(p, len(d))),
                           lambda p, o: tuple(o[a] for a in _inverse(_perm(p, len(o))))),
    grad=lambda p, ins, outs, gs: [_F().transpose(gs[0], axes=format_value(_inverse(p.axes))
                                                  if p.axes else "()")],
    doc="Permute the axes (`axes`; none given reverses them).",
    samples=(Sample(((2, 3, 4),)), Sample(((2, 3, 4),), {"axes": "(1, 2, 0)"})),
))


def _swap(p, shape):
    d = list(shape)
    a, b = _axis(p.dim1, len(d), "dim1"), _axis(p.dim2, len(d), "dim2")
    d[a], d[b] = d[b], d[a]
    return tuple(d)


def _swapaxis_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return ctx.xp.swapaxes(x, _axis(p.dim1, x.ndim - 1) + 1, _axis(p.dim2, x.ndim - 1) + 1)


register(OpDef(
    name="SwapAxis", aliases=("swapaxes",), attrs=(Attr("dim1", Int(), 0), Attr("dim2", Int(), 0)),
    batching=_swapaxis_batched,
    compute=lambda ctx, p, x: ctx.xp.swapaxes(x, _axis(p.dim1, x.ndim), _axis(p.dim2, x.ndim)),
    infer_shape=_both_ways(_swap, _swap),
    grad=lambda p, ins, outs, gs: [_F().SwapAxis(gs[0], **_attrs(p, "dim1", "dim2"))],
    doc="Swap axes dim1 and dim2 (negative axes count from the end).",
    samples=(Sample(((2, 3, 4),), {"dim1": "0", "dim2": "-1"}),),
))


def _expand(p, shape):
    a = _axis(p.axis, len(shape) + 1)
    return tuple(shape[:a]) + (1,) + tuple(shape[a:])


def _unexpand(p, out):
    a = _axis(p.axis, len(out))
    return tuple(out[:a]) + tuple(out[a + 1:])


register(OpDef(
    name="expand_dims", attrs=(Attr("axis", Int()),),
    batching=_reshaped(_expand),
    compute=lambda ctx, p, x: x.reshape(_expand(p, x.shape)),
    infer_shape=_both_ways(_expand, _unexpand), grad=_reshape_like_grad,
    doc="Insert an axis of size 1 at `axis` (in [-ndim-1, ndim]).",
    samples=(Sample(((3, 4),), {"axis": "1"}), Sample(((3, 4),), {"axis": "-1"})),
))


def _squeeze_shape(p, shape):
    ndim = len(shape)
    drop = set()
    if p.axis is not None:
        for axis in p.axis:
            a = _axis(axis, ndim)
            if shape[a] != 1:
                raise ValueError(f"cannot select an axis to squeeze out which has size={shape[a]} "
                                 "not equal to one")
            if a in drop:
                raise ValueError("duplicate value in axis")
            drop.add(a)
    else:
        drop = {a for a, d in enumerate(shape) if d == 1}
    out = tuple(d for a, d in enumerate(shape) if a not in drop)
    return out or (1,)  # legacy MXNet has no 0-d arrays: (1, 1) squeezes to (1,)


register(OpDef(
    name="squeeze", attrs=(Attr("axis", OptionalShape, None),),
    batching=_reshaped(_squeeze_shape),
    compute=lambda ctx, p, x: x.reshape(_squeeze_shape(p, x.shape)),
    infer_shape=_forward(_squeeze_shape), grad=_reshape_like_grad,
    doc="Remove axes of size 1 (all, or those in `axis`); never down to 0-d.",
    samples=(Sample(((2, 1, 3, 1),)), Sample(((2, 1, 3, 1),), {"axis": "(-1,)"}), Sample(((1, 1),))),
))


def _reverse_axes(p, ndim: int) -> tuple[int, ...]:
    for a in p.axis:
        if not 0 <= a < ndim:  # MXNet accepts a negative axis in inference, then fails to run it
            raise ValueError(f"reverse axis {a} is out of range for {ndim} dimensions")
    return tuple(p.axis)


def _reverse(ctx, p, x):
    for a in _reverse_axes(p, x.ndim):  # a repeated axis flips twice, as in MXNet
        x = ctx.xp.flip(x, a)
    return x


def _reverse_check(p, shape):
    _reverse_axes(p, len(shape))
    return tuple(shape)


def _reverse_batched(ctx, p, arrays, flags):
    x = arrays[0]
    for a in _reverse_axes(p, x.ndim - 1):
        x = ctx.xp.flip(x, a + 1)
    return x


register(OpDef(
    name="reverse", aliases=("flip",), attrs=(Attr("axis", Shape),),
    batching=_reverse_batched,
    compute=_reverse, infer_shape=_both_ways(_reverse_check, _reverse_check),
    grad=lambda p, ins, outs, gs: [_F().reverse(gs[0], **_attrs(p, "axis"))],
    doc="Reverse the order of elements along the axes in `axis`.",
    samples=(Sample(((2, 3, 4),), {"axis": "1"}), Sample(((2, 3, 4),), {"axis": "(0, 2)"})),
))


# -- Concat and its adjoint, stack, SliceChannel --------------------------------------------------
def _concat_rule(p, in_shapes, out_shapes):
    """Non-axis dims are shared by all inputs and the output; axis sizes add up (MXNet's ConcatShape).

    Beyond MXNet, one input's unknown axis size follows from a known output.
    """
    present = [s for s in list(in_shapes) + list(out_shapes) if s is not None]
    if not present:
        return in_shapes, out_shapes
    ndim = len(present[0])
    if any(len(s) != ndim for s in present):
        raise ValueError("Concat inputs must have the same number of dimensions, got "
                         + ", ".join(fmt(s) for s in present))
    if ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = _axis(p.dim, ndim, "dim")
    common = [0] * ndim
    for s in present:
        for k, d in enumerate(s):
            if k != axis and d:
                if common[k] and common[k] != d:
                    raise ValueError("Concat: incompatible shapes "
                                     + ", ".join(fmt(s) for s in present) + f" along dim {k}")
                common[k] = d
    sizes = [s[axis] if s is not None else 0 for s in in_shapes]
    out = out_shapes[0]
    total = out[axis] if out is not None else 0
    if all(sizes):
        if total and total != sum(sizes):
            raise ValueError(f"Concat: inputs add up to {sum(sizes)} along dim {axis}, "
                             f"the output has {total}")
        total = sum(sizes)
    elif total and sizes.count(0) == 1:
        rest = total - sum(sizes)
        if rest <= 0:
            raise ValueError(f"Concat: inputs already exceed the output's {total} along dim {axis}")
        sizes[sizes.index(0)] = rest

    def shaped(size: int) -> tuple[int, ...]:
        return tuple(size if k == axis else common[k] for k in range(ndim))
    new_ins = [_emit(s, shaped(n)) for s, n in zip(in_shapes, sizes)]
    return new_ins, [_emit(out, shaped(total))]


def _concat(ctx, p, *arrays):
    return ctx.xp.concatenate(arrays, axis=_axis(p.dim, arrays[0].ndim, "dim"))


def _concat_grad(p, ins, outs, gs):
    parts = _F()._split_like(gs[0], *ins, dim=str(p.dim), num_args=str(p.num_args))
    return [parts[i] for i in range(p.num_args)]


def _concat_batched(ctx, p, arrays, flags):
    size = batch_size(arrays, flags)
    axis = _axis(p.dim, len(item_shape(arrays[0], flags[0])), "dim") + 1
    return ctx.xp.concatenate([lift(ctx.xp, a, f, size) for a, f in zip(arrays, flags)], axis=axis)


register(OpDef(
    name="Concat", aliases=("concat",),
    batching=_concat_batched,
    attrs=(Attr("num_args", Int(1)), Attr("dim", Int(), 1)),
    inputs=lambda p: [f"arg{i}" for i in range(p.num_args)], variadic="num_args",
    compute=_concat, infer_shape=_concat_rule, grad=_concat_grad,
    doc="Join `num_args` arrays along `dim` (default 1).",
    samples=(Sample(((2, 1, 3), (2, 2, 3), (2, 3, 3)), {"num_args": "3", "dim": "1"}),
             Sample(((2, 3), (1, 3)), {"num_args": "2", "dim": "0"}),
             Sample(((2, 3), (2, 2)), {"num_args": "2", "dim": "-1"})),
))


def _split_like_shape(p, data, *likes):
    axis = _axis(p.dim, len(data), "dim")
    if sum(s[axis] for s in likes) != data[axis]:
        raise ValueError(f"_split_like: parts {', '.join(fmt(s) for s in likes)} do not add up to "
                         f"{fmt(data)} along dim {axis}")
    return [tuple(s[axis] if k == axis else d for k, d in enumerate(data)) for s in likes]


def _split_like(ctx, p, data, *likes):
    axis = _axis(p.dim, data.ndim, "dim")
    bounds, at = [], 0
    for like in likes[:-1]:
        at += like.shape[axis]
        bounds.append(at)
    parts = ctx.xp.split(data, bounds, axis=axis)
    return parts[0] if len(parts) == 1 else tuple(parts)  # one output is returned bare


@unbatched_first(_split_like, values=(0,))
def _split_like_batched(ctx, p, arrays, flags):
    data, likes = arrays[0], arrays[1:]
    axis = _axis(p.dim, data.ndim - 1, "dim")
    bounds, at = [], 0
    for like, f in zip(likes[:-1], flags[1:]):
        at += item_shape(like, f)[axis]
        bounds.append(at)
    parts = ctx.xp.split(data, bounds, axis=axis + 1)
    return parts[0] if len(parts) == 1 else tuple(parts)


register(OpDef(
    name="_split_like",
    batching=_split_like_batched,
    attrs=(Attr("num_args", Int(1)), Attr("dim", Int(), 1)),
    inputs=lambda p: ["data"] + [f"like{i}" for i in range(p.num_args)],
    num_outputs=lambda p: p.num_args, output_names=lambda p: [f"output{i}" for i in range(p.num_args)],
    compute=_split_like, infer_shape=_forward(_split_like_shape), infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F().Concat(*gs, dim=str(p.dim), num_args=str(p.num_args))]
    + [None] * p.num_args,
    doc="Concat's adjoint: `data` cut along `dim` into parts as long as each `like` input is.",
    samples=(Sample(((2, 6, 3), (2, 1, 3), (2, 2, 3), (2, 3, 3)), {"num_args": "3"}),),
))


def _stack_rule(p, in_shapes, out_shapes):
    """Every input has one shape; the output inserts `num_args` at `axis`. As in MXNet, the
    inputs are checked against each other but never filled in (from each other or the output)."""
    base = None
    for s in in_shapes:
        if s is not None:
            base = s if base is None else _emit(base, s)
    out = out_shapes[0]
    if out is not None:
        a = _axis(p.axis, len(out))
        if out[a] and out[a] != p.num_args:
            raise ValueError(f"stack: output {fmt(out)} has {out[a]} along axis {a}, not {p.num_args}")
        if base is not None:
            _emit(base, tuple(out[:a]) + tuple(out[a + 1:]))
    if base is None:
        return in_shapes, out_shapes
    a = _axis(p.axis, len(base) + 1)
    return in_shapes, [_emit(out, tuple(base[:a]) + (p.num_args,) + tuple(base[a:]))]


def _stack_batched(ctx, p, arrays, flags):
    size = batch_size(arrays, flags)
    axis = _axis(p.axis, len(item_shape(arrays[0], flags[0])) + 1) + 1
    return ctx.xp.stack([lift(ctx.xp, a, f, size) for a, f in zip(arrays, flags)], axis=axis)


register(OpDef(
    name="stack", attrs=(Attr("axis", Int(), 0), Attr("num_args", Int(1))),
    batching=_stack_batched,
    inputs=lambda p: [f"arg{i}" for i in range(p.num_args)], variadic="num_args",
    compute=lambda ctx, p, *xs: ctx.xp.stack(xs, axis=_axis(p.axis, xs[0].ndim + 1)),
    infer_shape=_stack_rule,
    grad=lambda p, ins, outs, gs: list(_F().SliceChannel(
        gs[0], num_outputs=str(p.num_args), axis=str(p.axis), squeeze_axis="True")[i]
        for i in range(p.num_args)),
    doc="Join `num_args` arrays of one shape along a new axis `axis`.",
    samples=(Sample(((3, 4), (3, 4)), {"num_args": "2"}),
             Sample(((3, 4), (3, 4), (3, 4)), {"num_args": "3", "axis": "-1"})),
))


def _split_rule(p, in_shapes, out_shapes):
    """MXNet's SliceChannel inference, including the input computed back from an output once
    its rank is known (an unknown input stays unknown)."""
    n, data = p.num_outputs, in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    outs = list(out_shapes)
    if data is not None:
        a = _axis(p.axis, len(data))
        if data[a] and data[a] % n:
            raise ValueError(f"cannot split axis {a} of {fmt(data)} into num_outputs={n} "
                             "evenly sized chunks")
        if p.squeeze_axis and data[a] and data[a] != n:
            raise ValueError("If squeeze axis is True, the size of the sliced axis must be the same as "
                             f"num_outputs. Input shape={fmt(data)}, axis={a}, num_outputs={n}")
        part = list(data)
        part[a] = data[a] // n
        if p.squeeze_axis:
            del part[a]
        outs = [_emit(o, part) for o in outs]
    for o in outs:
        if _known(o):
            ndim = len(o) + (1 if p.squeeze_axis else 0)
            a = _axis(p.axis, ndim)
            whole = list(o)
            if p.squeeze_axis:
                whole.insert(a, n)
            else:
                whole[a] *= n
            data = _emit(data, whole)
            break
    return [data], outs


def _split(ctx, p, x):
    a = _axis(p.axis, x.ndim)
    parts = ctx.xp.split(x, p.num_outputs, axis=a)
    if p.squeeze_axis:
        parts = [part.reshape(part.shape[:a] + part.shape[a + 1:]) for part in parts]
    return parts[0] if len(parts) == 1 else tuple(parts)  # one output is returned bare


def _split_grad(p, ins, outs, gs):
    F = _F()
    if p.squeeze_axis:
        return [F.stack(*gs, axis=str(p.axis), num_args=str(p.num_outputs))]
    return [F.Concat(*gs, dim=str(p.axis), num_args=str(p.num_outputs))]


def _split_batched(ctx, p, arrays, flags):
    x = arrays[0]
    a = _axis(p.axis, x.ndim - 1) + 1
    parts = ctx.xp.split(x, p.num_outputs, axis=a)
    if p.squeeze_axis:
        parts = [part.reshape(part.shape[:a] + part.shape[a + 1:]) for part in parts]
    return parts[0] if len(parts) == 1 else tuple(parts)


register(OpDef(
    name="SliceChannel", aliases=("split",),
    batching=_split_batched,
    attrs=(Attr("num_outputs", Int(1)), Attr("axis", Int(), 1), Attr("squeeze_axis", Bool, False)),
    num_outputs=lambda p: p.num_outputs,
    output_names=lambda p: [f"output{i}" for i in range(p.num_outputs)],
    compute=_split, infer_shape=_split_rule, grad=_split_grad,
    doc="Split into `num_outputs` equal parts along `axis`; squeeze_axis drops that axis.",
    samples=(Sample(((2, 6, 2),), {"num_outputs": "3"}),
             Sample(((2, 4, 3),), {"num_outputs": "3", "axis": "-1", "squeeze_axis": "True"})),
))


# -- slice, slice_axis, slice_like and their adjoints ----------------------------------------------
def _slice_plan(shape, begin, end, step) -> tuple[tuple, tuple[int, ...]]:
    """MXNet's GetIndexRange: per axis a Python slice, and the output shape."""
    if len(begin) != len(end):
        raise ValueError("begin and end must have the same length")
    if len(begin) > len(shape):
        raise ValueError(f"Slicing axis exceeds data dimensions: {len(begin)} > {len(shape)}")
    if step and len(step) != len(begin):
        raise ValueError("step and begin must have the same length")
    if not shape:
        raise ValueError("slice only works for ndim > 0")
    slices, dims = [], []
    for i, length in enumerate(shape):
        if i >= len(begin):
            slices.append(slice(None))
            dims.append(length)
            continue
        s = step[i] if step and step[i] is not None else 1
        if s == 0:
            raise ValueError(f"slice op step[{i}] cannot be 0")
        b = e = 0
        if length > 0:
            b = begin[i] if begin[i] is not None else (length - 1 if s < 0 else 0)
            e = end[i] if end[i] is not None else (-1 if s < 0 else length)
            if b < 0:
                b += length
            if e < 0 and end[i] is not None:
                e += length
            if b < 0 and s > 0:
                b = 0
            if b > length - 1 and s < 0:
                b = length - 1
            if b < 0 or b > length - 1:
                b = -1  # an empty result
            e = min(max(e, -1), length)
        n = 0
        if e != b and b >= 0:
            if s > 0 and e > b:
                n = (e - b - 1) // s + 1
            elif s < 0 and e < b:
                n = (b - e - 1) // (-s) + 1
        if n == 0:
            slices.append(slice(0, 0))
        else:
            stop = b + n * s
            slices.append(slice(b, stop if stop >= 0 else None, s))
        dims.append(n)
    return tuple(slices), tuple(dims)


def _slice_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    _, dims = _slice_plan(data, p.begin, p.end, p.step)
    return in_shapes, [_emit(out_shapes[0], dims)]


_SLICE_ATTRS = (Attr("begin", OptionalIntTuple), Attr("end", OptionalIntTuple),
                Attr("step", OptionalIntTuple, ()))


def _slice_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return x[(slice(None),) + _slice_plan(x.shape[1:], p.begin, p.end, p.step)[0]]


register(OpDef(
    name="slice", aliases=("crop",), attrs=_SLICE_ATTRS,
    batching=_slice_batched,
    compute=lambda ctx, p, x: x[_slice_plan(x.shape, p.begin, p.end, p.step)[0]],
    infer_shape=_slice_rule,
    grad=lambda p, ins, outs, gs: [_F()._slice_scatter(gs[0], ins[0], **_attrs(p, "begin", "end", "step"))],
    doc="x[begin:end:step] per leading axis; None entries take the defaults, negatives count from the end.",
    samples=(Sample(((4, 5),), {"begin": "(1, 0)", "end": "(3, 4)"}),
             Sample(((4, 5),), {"begin": "(-1, -2)", "end": "(None, 0)", "step": "(-1, -2)"}),
             Sample(((4, 5),), {"begin": "(None, 1)", "end": "(None, None)", "step": "(None, 2)"})),
))


def _scatter(ctx, g, like_shape, index):
    out = ctx.xp.zeros(like_shape, dtype=g.dtype)
    out[index] = g
    return out


def _slice_scatter(ctx, p, g, like):
    index, dims = _slice_plan(like.shape, p.begin, p.end, p.step)
    if tuple(g.shape) != dims:
        raise ValueError(f"_slice_scatter: data {fmt(g.shape)} does not fit the slice {fmt(dims)}")
    return _scatter(ctx, g, like.shape, index)


def _scatter_rule(part_shape):
    """(data, like) -> like's shape; data's shape follows from like's when `part_shape` is given."""
    def rule(p, in_shapes, out_shapes):
        data, like = in_shapes
        out = out_shapes[0]
        like = _emit(like, out)
        if like is not None:
            out = _emit(out, like)
            if part_shape is not None and _known(like):
                data = _emit(data, part_shape(p, like))
        return [data, like], [out]
    return rule


def _slice_scatter_index(p, part, like):
    index, dims = _slice_plan(like, p.begin, p.end, p.step)
    if part != dims:
        raise ValueError(f"_slice_scatter: data {fmt(part)} does not fit the slice {fmt(dims)}")
    return index


register(OpDef(
    name="_slice_scatter", inputs=("data", "like"), nondiff_inputs=("like",), attrs=_SLICE_ATTRS,
    batching=_scatter_batched(_slice_scatter_index),
    compute=_slice_scatter,
    infer_shape=_scatter_rule(lambda p, like: _slice_plan(like, p.begin, p.end, p.step)[1]),
    infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F().slice(gs[0], **_attrs(p, "begin", "end", "step")), None],
    doc="slice's adjoint: zeros shaped like `like`, with `data` written into the slice.",
    samples=(Sample(((2, 4), (4, 5)), {"begin": "(1, 0)", "end": "(3, 4)"}),
             Sample(((4, 2), (4, 5)), {"begin": "(-1, -2)", "end": "(None, 0)", "step": "(-1, -2)"})),
))


def _slice_axis_range(p, shape) -> tuple[int, int, int]:
    """MXNet's GetSliceAxisParams: (axis, begin, end), with its checks."""
    axis = _axis(p.axis, len(shape))
    size = shape[axis]
    begin = p.begin + size if p.begin < 0 else p.begin
    end = -1
    if size > 0:
        end = size if p.end is None else (p.end + size if p.end < 0 else p.end)
        if end > size:
            raise ValueError(f"Invalid end for end={p.end} as axis_size is {size}")
        if not begin < end:
            raise ValueError(f"Invalid begin, end, get begin={p.begin}, end={p.end}")
    else:
        begin = end = 0
    if end < 0 or begin < 0:
        raise ValueError(f"Invalid begin, end, get begin={p.begin}, end={p.end}")
    return axis, begin, end


def _slice_axis_index(p, shape) -> tuple:
    axis, begin, end = _slice_axis_range(p, shape)
    return (slice(None),) * axis + (slice(begin, end),)


def _slice_axis_shape(p, shape):
    axis, begin, end = _slice_axis_range(p, shape)
    return tuple(end - begin if k == axis else d for k, d in enumerate(shape))


_SLICE_AXIS_ATTRS = (Attr("axis", Int()), Attr("begin", Int()), Attr("end", Optional(Int())))

def _slice_axis_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return x[(slice(None),) + _slice_axis_index(p, x.shape[1:])]


register(OpDef(
    name="slice_axis", attrs=_SLICE_AXIS_ATTRS,
    batching=_slice_axis_batched,
    compute=lambda ctx, p, x: x[_slice_axis_index(p, x.shape)],
    infer_shape=_forward(_slice_axis_shape),
    grad=lambda p, ins, outs, gs: [_F()._slice_axis_scatter(gs[0], ins[0],
                                                            **_attrs(p, "axis", "begin", "end"))],
    doc="x[begin:end] along `axis` (negative values count from the end; end=None is the end).",
    samples=(Sample(((2, 3, 4),), {"axis": "1", "begin": "1", "end": "3"}),
             Sample(((2, 3, 4),), {"axis": "-1", "begin": "-3", "end": "None"})),
))


def _slice_axis_scatter(ctx, p, g, like):
    if tuple(g.shape) != _slice_axis_shape(p, like.shape):
        raise ValueError(f"_slice_axis_scatter: data {fmt(g.shape)} does not fit the slice of "
                         f"{fmt(like.shape)}")
    return _scatter(ctx, g, like.shape, _slice_axis_index(p, like.shape))


def _slice_axis_scatter_index(p, part, like):
    if part != _slice_axis_shape(p, like):
        raise ValueError(f"_slice_axis_scatter: data {fmt(part)} does not fit the slice of {fmt(like)}")
    return _slice_axis_index(p, like)


register(OpDef(
    name="_slice_axis_scatter", inputs=("data", "like"), nondiff_inputs=("like",),
    batching=_scatter_batched(_slice_axis_scatter_index),
    attrs=_SLICE_AXIS_ATTRS, compute=_slice_axis_scatter,
    infer_shape=_scatter_rule(_slice_axis_shape), infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F().slice_axis(gs[0], **_attrs(p, "axis", "begin", "end")), None],
    doc="slice_axis's adjoint: zeros shaped like `like`, with `data` written into the slice.",
    samples=(Sample(((2, 2, 4), (2, 3, 4)), {"axis": "1", "begin": "1", "end": "3"}),),
))


def _slice_like_shape(p, data, like):
    if not p.axes:
        if len(data) != len(like):
            raise ValueError("By default slice_like performs slice on all axes, but ndim mismatch "
                             f"for inputs: {len(data)} vs. {len(like)}")
        axes = range(len(data))
    else:
        axes = [_axis(a, len(data)) for a in p.axes]
    out = list(data)
    for a in axes:
        if a >= len(like):
            raise ValueError(f"Slice axis: {a} exceeds second input: {len(like)}")
        if like[a] > data[a]:
            raise ValueError(f"Slice axis {a} with size {like[a]} exceeds limit of input with size {data[a]}")
        out[a] = like[a]
    return tuple(out)


def _corner(shape) -> tuple:
    return tuple(slice(0, d) for d in shape)


@unbatched_first(lambda ctx, p, x, like: x[_corner(_slice_like_shape(p, x.shape, like.shape))], values=(0,))
def _slice_like_batched(ctx, p, arrays, flags):
    (x, like), (_, fl) = arrays, flags
    return x[(slice(None),) + _corner(_slice_like_shape(p, x.shape[1:], item_shape(like, fl)))]


register(OpDef(
    name="slice_like", inputs=("data", "shape_like"), nondiff_inputs=("shape_like",),
    batching=_slice_like_batched,
    attrs=(Attr("axes", Shape, ()),),
    compute=lambda ctx, p, x, like: x[_corner(_slice_like_shape(p, x.shape, like.shape))],
    infer_shape=_forward(_slice_like_shape), infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F()._slice_like_scatter(gs[0], ins[0]), None],
    doc="The leading corner of `data` as large as `shape_like` (on all axes, or those in `axes`).",
    samples=(Sample(((4, 5), (2, 3))), Sample(((4, 5), (3, 2)), {"axes": "(-1,)"})),
))


def _slice_like_scatter(ctx, p, g, like):
    if g.ndim != like.ndim or any(a > b for a, b in zip(g.shape, like.shape)):
        raise ValueError(f"_slice_like_scatter: data {fmt(g.shape)} does not fit in {fmt(like.shape)}")
    return _scatter(ctx, g, like.shape, _corner(g.shape))


def _slice_like_scatter_index(p, part, like):
    if len(part) != len(like) or any(a > b for a, b in zip(part, like)):
        raise ValueError(f"_slice_like_scatter: data {fmt(part)} does not fit in {fmt(like)}")
    return _corner(part)


register(OpDef(
    name="_slice_like_scatter", inputs=("data", "like"), nondiff_inputs=("like",),
    batching=_scatter_batched(_slice_like_scatter_index),
    compute=_slice_like_scatter, infer_shape=_scatter_rule(None), infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F().slice_like(gs[0], ins[0]), None],
    doc="slice_like's adjoint: zeros shaped like `like`, with `data` in the leading corner.",
    samples=(Sample(((2, 3), (4, 5))),),
))


# -- broadcast_to, broadcast_axis, tile, repeat ---------------------------------------------------
def _broadcast_to_shape(p, shape):
    if len(shape) != len(p.shape):
        raise ValueError(f"Operand of shape {fmt(shape)} cannot be broadcasted to {fmt(p.shape)}")
    out = []
    for d, t in zip(shape, p.shape):
        if t != 0 and d != t and d != 1:
            raise ValueError(f"Array cannot be broadcasted from {fmt(shape)} to {fmt(p.shape)}")
        out.append(t if t != 0 else d)
    return tuple(out)


def _unbroadcast_grad(p, ins, outs, gs):
    return [_F()._reduce_like(gs[0], ins[0])]


def _broadcast_batched(shape_fn):
    def rule(ctx, p, arrays, flags):
        x = arrays[0]
        return ctx.xp.broadcast_to(x, x.shape[:1] + shape_fn(p, x.shape[1:]))
    return rule


register(OpDef(
    name="broadcast_to", attrs=(Attr("shape", Shape, ()),),
    batching=_broadcast_batched(_broadcast_to_shape),
    compute=lambda ctx, p, x: ctx.xp.broadcast_to(x, _broadcast_to_shape(p, x.shape)),
    infer_shape=_forward(_broadcast_to_shape), grad=_unbroadcast_grad,
    doc="Broadcast size-1 axes to `shape` (a 0 in `shape` keeps the input's dim).",
    samples=(Sample(((1, 4),), {"shape": "(3, 0)"}), Sample(((2, 1, 1),), {"shape": "(2, 3, 4)"})),
))


def _broadcast_axis_shape(p, shape):
    if len(p.axis) != len(p.size):
        raise ValueError(f"axis {fmt(p.axis)} and size {fmt(p.size)} must have the same length")
    out = list(shape)
    for a, n in zip(p.axis, p.size):
        if not 0 <= a < len(shape):  # MXNet rejects negative axes here
            raise ValueError(f"broadcast axis {a} is out of range for {len(shape)} dimensions")
        if out[a] != 1:
            raise ValueError(f"Broadcasting axis must have size 1, axis {a} of {fmt(shape)} has {out[a]}")
        out[a] = n
    return tuple(out)


register(OpDef(
    name="broadcast_axis", aliases=("broadcast_axes",),
    batching=_broadcast_batched(_broadcast_axis_shape),
    attrs=(Attr("axis", Shape, ()), Attr("size", Shape, ())),
    compute=lambda ctx, p, x: ctx.xp.broadcast_to(x, _broadcast_axis_shape(p, x.shape)),
    infer_shape=_forward(_broadcast_axis_shape), grad=_unbroadcast_grad,
    doc="Broadcast the size-1 axes in `axis` to the sizes in `size`.",
    samples=(Sample(((1, 4, 1),), {"axis": "(0, 2)", "size": "(3, 2)"}),),
))


def _tile_reps(p, ndim: int) -> tuple[tuple[int, ...], int]:
    """(reps promoted to the output rank, output rank)."""
    if any(r < 1 for r in p.reps):
        raise ValueError(f"tile reps {fmt(p.reps)} must be positive")
    rank = max(ndim, len(p.reps))
    return (1,) * (rank - len(p.reps)) + tuple(p.reps), rank


def _tile_shape(p, shape):
    reps, rank = _tile_reps(p, len(shape))
    dims = (1,) * (rank - len(shape)) + tuple(shape)
    return tuple(d * r for d, r in zip(dims, reps))


def _tile_adjoint(ctx, p, g):
    """Sum the tiles back onto one: (r0*d0, r1*d1, ...) -> (d0, d1, ...)."""
    reps, rank = _tile_reps(p, g.ndim)
    if rank != g.ndim:
        raise ValueError(f"_tile_adjoint: reps {fmt(p.reps)} are longer than the data's rank {g.ndim}")
    split: list[int] = []
    for d, r in zip(g.shape, reps):
        if d % r:
            raise ValueError(f"_tile_adjoint: {fmt(g.shape)} is not a tiling by {fmt(reps)}")
        split += [r, d // r]
    return g.reshape(split).sum(axis=tuple(range(0, 2 * rank, 2)), dtype=g.dtype)


def _tile_batched(ctx, p, arrays, flags):
    x = arrays[0]
    if not p.reps:
        return x
    item = x.shape[1:]
    reps, rank = _tile_reps(p, len(item))
    x = x.reshape(x.shape[:1] + (1,) * (rank - len(item)) + item)
    return ctx.xp.tile(x, (1,) + reps)


register(OpDef(
    name="tile", attrs=(Attr("reps", Shape),),
    batching=_tile_batched,
    compute=lambda ctx, p, x: ctx.xp.tile(x, p.reps) if p.reps else x,
    infer_shape=_forward(lambda p, s: _tile_shape(p, s) if p.reps else tuple(s)),
    grad=lambda p, ins, outs, gs: [_F().reshape_like(_F()._tile_adjoint(gs[0], **_attrs(p, "reps")),
                                                     ins[0])],
    doc="Repeat the whole array `reps` times per axis (numpy.tile).",
    samples=(Sample(((3, 4),), {"reps": "(2, 1)"}), Sample(((2, 3),), {"reps": "(2, 1, 3)"}),
             Sample(((2, 3),), {"reps": "(2,)"})),
))


def _tile_adjoint_batched(ctx, p, arrays, flags):
    g = arrays[0]
    reps, rank = _tile_reps(p, g.ndim - 1)
    if rank != g.ndim - 1:
        raise ValueError(f"_tile_adjoint: reps {fmt(p.reps)} are longer than the data's rank {g.ndim - 1}")
    split: list[int] = [g.shape[0]]
    for d, r in zip(g.shape[1:], reps):
        if d % r:
            raise ValueError(f"_tile_adjoint: {fmt(g.shape[1:])} is not a tiling by {fmt(reps)}")
        split += [r, d // r]
    return g.reshape(split).sum(axis=tuple(range(1, 2 * rank + 1, 2)), dtype=g.dtype)


register(OpDef(
    name="_tile_adjoint", attrs=(Attr("reps", Shape),),
    batching=_tile_adjoint_batched,
    compute=_tile_adjoint,
    infer_shape=_forward(lambda p, s: tuple(d // r for d, r in zip(s, _tile_reps(p, len(s))[0]))),
    grad=lambda p, ins, outs, gs: [_F().tile(gs[0], **_attrs(p, "reps"))],
    doc="tile's adjoint: the sum of the `reps` tiles of `data`.",
    samples=(Sample(((6, 4),), {"reps": "(2, 2)"}), Sample(((2, 6),), {"reps": "(3,)"})),
))


def _repeat_shape(p, shape):
    if p.repeats < 0:
        raise ValueError("repeats cannot be a negative number")
    if p.axis is None:
        return (_prod(shape) * p.repeats,)
    a = _axis(p.axis, len(shape))
    return tuple(d * p.repeats if k == a else d for k, d in enumerate(shape))


def _repeat_grad(p, ins, outs, gs):
    F = _F()
    if p.axis is None:
        summed = F._repeat_adjoint(gs[0], repeats=str(p.repeats), axis="0")
        return [F.reshape_like(summed, ins[0])]
    return [F._repeat_adjoint(gs[0], **_attrs(p, "repeats", "axis"))]


def _repeat_batched(ctx, p, arrays, flags):
    x = arrays[0]
    if p.axis is None:  # each entry flattened
        return ctx.xp.repeat(x.reshape(x.shape[0], -1), p.repeats, axis=1)
    return ctx.xp.repeat(x, p.repeats, axis=_axis(p.axis, x.ndim - 1) + 1)


register(OpDef(
    name="repeat", attrs=(Attr("repeats", Int()), Attr("axis", Optional(Int()), None)),
    batching=_repeat_batched,
    compute=lambda ctx, p, x: ctx.xp.repeat(x, p.repeats, axis=None if p.axis is None
                                            else _axis(p.axis, x.ndim)),
    infer_shape=_forward(_repeat_shape), grad=_repeat_grad,
    doc="Repeat each element `repeats` times along `axis` (None: of the flattened array).",
    samples=(Sample(((3, 4),), {"repeats": "2", "axis": "1"}), Sample(((2, 2),), {"repeats": "3"}),
             Sample(((3, 2),), {"repeats": "2", "axis": "-2"})),
))


def _repeat_adjoint(ctx, p, g):
    """Sum each run of `repeats` consecutive elements along `axis`."""
    a = _axis(p.axis, g.ndim)
    if p.repeats < 1 or g.shape[a] % p.repeats:
        raise ValueError(f"_repeat_adjoint: axis {a} of {fmt(g.shape)} is not a multiple of {p.repeats}")
    split = g.shape[:a] + (g.shape[a] // p.repeats, p.repeats) + g.shape[a + 1:]
    return g.reshape(split).sum(axis=a + 1, dtype=g.dtype)


def _repeat_adjoint_batched(ctx, p, arrays, flags):
    g = arrays[0]
    a = _axis(p.axis, g.ndim - 1) + 1
    if p.repeats < 1 or g.shape[a] % p.repeats:
        raise ValueError(f"_repeat_adjoint: axis {a - 1} of {fmt(g.shape[1:])} is not a multiple of "
                         f"{p.repeats}")
    split = g.shape[:a] + (g.shape[a] // p.repeats, p.repeats) + g.shape[a + 1:]
    return g.reshape(split).sum(axis=a + 1, dtype=g.dtype)


register(OpDef(
    name="_repeat_adjoint", attrs=(Attr("repeats", Int()), Attr("axis", Int())),
    batching=_repeat_adjoint_batched,
    compute=_repeat_adjoint,
    infer_shape=_forward(lambda p, s: tuple(d // p.repeats if k == _axis(p.axis, len(s)) else d
                                            for k, d in enumerate(s))),
    grad=lambda p, ins, outs, gs: [_F().repeat(gs[0], **_attrs(p, "repeats", "axis"))],
    doc="repeat's adjoint: sums of runs of `repeats` elements along `axis`.",
    samples=(Sample(((3, 8),), {"repeats": "2", "axis": "1"}),
             Sample(((6,),), {"repeats": "3", "axis": "-1"})),
))


# -- Pad and its adjoint ---------------------------------------------------------------------------
def _pad_pairs(p, shape) -> list[tuple[int, int]]:
    """MXNet's Pad checks: 4-d or 5-d input, no padding on the first two axes."""
    ndim, pw = len(shape), p.pad_width
    if ndim not in (4, 5):
        raise ValueError(f"Pad: current implementation only supports 4-D or 5-D input, got {fmt(shape)}")
    if any(pw[:4]):
        raise ValueError("Pad: current implementation expects padding on the first two axes to be zero")
    if len(pw) != 2 * ndim:
        raise ValueError(f"Pad: input shape {fmt(shape)} vs padding spec {fmt(pw)} mismatch")
    pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(ndim)]
    if any(b < 0 or a < 0 for b, a in pairs):
        raise ValueError(f"Pad: negative pad_width {fmt(pw)}")
    if p.mode == "reflect" and any(max(b, a) >= d for (b, a), d in zip(pairs[2:], shape[2:])):
        raise ValueError("Pad: reflection padding only supports padding sizes smaller than the input size")
    return pairs


def _pad(ctx, p, x):
    pairs = _pad_pairs(p, x.shape)
    if p.mode == "constant":
        return ctx.xp.pad(x, pairs, mode="constant", constant_values=x.dtype.type(p.constant_value))
    return ctx.xp.pad(x, pairs, mode=p.mode)


def _along(axis: int, index) -> tuple:
    return (slice(None),) * axis + (index,)


def _pad_adjoint(ctx, p, g):
    """Fold the padding's gradient back onto the input: edge adds to the border, reflect mirrors."""
    xp = ctx.xp
    unpadded = tuple(d - b - a for d, (b, a) in zip(g.shape, [(p.pad_width[2 * i], p.pad_width[2 * i + 1])
                                                              for i in range(g.ndim)]))
    pairs = _pad_pairs(p, unpadded)
    for axis, (b, a) in enumerate(pairs):
        if not b and not a:
            continue
        n = g.shape[axis] - b - a
        mid = g[_along(axis, slice(b, b + n))]
        if p.mode != "constant":
            mid = mid.copy()
            left, right = g[_along(axis, slice(0, b))], g[_along(axis, slice(b + n, b + n + a))]
            if p.mode == "edge":
                mid[_along(axis, slice(0, 1))] += left.sum(axis=axis, keepdims=True, dtype=g.dtype)
                mid[_along(axis, slice(n - 1, n))] += right.sum(axis=axis, keepdims=True, dtype=g.dtype)
            else:  # reflect: padded[b - k] = x[k] and padded[b + n - 1 + k] = x[n - 1 - k]
                mid[_along(axis, slice(1, b + 1))] += xp.flip(left, axis)
                mid[_along(axis, slice(n - 1 - a, n - 1))] += xp.flip(right, axis)
        g = mid
    return g


_PAD_ATTRS = (Attr("mode", Enum("constant", "edge", "reflect")), Attr("pad_width", Shape),
              Attr("constant_value", Float(), 0.0))


def _padded_shape(p, shape):
    return tuple(d + b + a for d, (b, a) in zip(shape, _pad_pairs(p, shape)))


register(OpDef(
    name="Pad", aliases=("pad",), attrs=_PAD_ATTRS,
    batching=_fold_leading(_pad),
    compute=_pad, infer_shape=_forward(_padded_shape),
    grad=lambda p, ins, outs, gs: [_F()._pad_adjoint(gs[0], **_attrs(p, "mode", "pad_width"))],
    doc="Pad the spatial axes of a 4-d/5-d array (constant, edge or reflect).",
    samples=tuple(Sample(((1, 2, 3, 3),), {"mode": m, "pad_width": "(0, 0, 0, 0, 1, 2, 2, 1)",
                                              "constant_value": "1.5"})
                  for m in ("constant", "edge", "reflect"))
    + (Sample(((1, 1, 2, 3, 2),), {"mode": "edge", "pad_width": "(0, 0, 0, 0, 2, 1, 0, 1, 1, 0)"}),),
))


def _unpadded_shape(p, shape):
    ndim = len(shape)
    if len(p.pad_width) != 2 * ndim:
        raise ValueError(f"_pad_adjoint: data {fmt(shape)} vs padding spec {fmt(p.pad_width)} mismatch")
    out = tuple(d - p.pad_width[2 * i] - p.pad_width[2 * i + 1] for i, d in enumerate(shape))
    if any(d < 1 for d in out):
        raise ValueError(f"_pad_adjoint: data {fmt(shape)} is smaller than its padding {fmt(p.pad_width)}")
    _pad_pairs(p, out)
    return out


register(OpDef(
    name="_pad_adjoint", attrs=_PAD_ATTRS, compute=_pad_adjoint, infer_shape=_forward(_unpadded_shape),
    batching=_fold_leading(_pad_adjoint),
    grad=lambda p, ins, outs, gs: [_F().Pad(gs[0], **_attrs(p, "mode", "pad_width"))],
    doc="Pad's adjoint: the gradient of a padded array folded back onto the unpadded one.",
    samples=tuple(Sample(((1, 2, 6, 6),), {"mode": m, "pad_width": "(0, 0, 0, 0, 1, 2, 2, 1)"})
                  for m in ("constant", "edge", "reflect")),
))


# -- Cast, clip --------------------------------------------------------------------------------------
_INT_LIMITS = {"int32": 2 ** 31, "int64": 2 ** 63}


def cast_array(xp: Any, x: Any, dtype: str) -> Any:
    """MXNet's cast (mxnet-format.md §9): float->int truncates, NaN and out-of-range values become
    INT_MIN, int8/uint8 wrap through int32 (as x86 converts), float->bool maps NaN to True."""
    if dtype == "bfloat16":
        raise ValueError("bfloat16 arrays are not supported")
    if x.dtype.name == dtype:
        return x
    if x.dtype.kind == "f" and dtype in ("int8", "uint8", "int32", "int64"):
        wide = "int64" if dtype == "int64" else "int32"
        limit = _INT_LIMITS[wide]
        t = xp.trunc(x.astype(xp.float64))
        inside = (t >= -limit) & (t < limit)  # False for NaN and inf
        out = xp.where(inside, t, 0).astype(wide)
        out = xp.where(inside, out, xp.asarray(-limit, dtype=wide))
        return out.astype(dtype)
    if dtype == "bool":
        return x != 0
    errstate = getattr(xp, "errstate", None)  # numpy warns where a float overflows to inf, as it should
    with errstate(over="ignore") if errstate else contextlib.nullcontext():
        return x.astype(dtype)


def _cast_dtype(p, in_dtypes, out_dtypes):
    return in_dtypes, [p.dtype]


register(OpDef(
    name="Cast", aliases=("cast",), attrs=(Attr("dtype", DType()),),
    batching=ELEMENTWISE,
    compute=lambda ctx, p, x: cast_array(ctx.xp, x, p.dtype),
    infer_shape=unary_rule, infer_dtype=_cast_dtype,
    grad=lambda p, ins, outs, gs: [_F()._cast_like(gs[0], ins[0])],
    doc="Convert to `dtype` with MXNet's rules (truncation, INT_MIN for NaN, wrapping small ints).",
    samples=(Sample(((3, 4),), {"dtype": "float64"}), Sample(((3, 4),), {"dtype": "float32"}, grad=False),
             Sample(((3, 4),), {"dtype": "int32"}, low=-5, high=5, grad=False)),
))


@unbatched_first(lambda ctx, p, x, like: cast_array(ctx.xp, x, like.dtype.name), values=(0,))
def _cast_like_batched(ctx, p, arrays, flags):
    return cast_array(ctx.xp, arrays[0], arrays[1].dtype.name)


register(OpDef(
    name="_cast_like", inputs=("data", "like"), nondiff_inputs=("like",),
    batching=_cast_like_batched,
    compute=lambda ctx, p, x, like: cast_array(ctx.xp, x, like.dtype.name),
    infer_shape=lambda p, i, o: ([_emit(i[0], o[0]), i[1]], [_emit(o[0], i[0])]),
    infer_dtype=lambda p, i, o: (i, [i[1]]),
    grad=lambda p, ins, outs, gs: [_F()._cast_like(gs[0], ins[0]), None],
    doc="`data` cast to the dtype of `like` (Cast's gradient goes back in the input's dtype).",
    samples=(Sample(((2, 3), (4,))),),
))


def _clip_bounds(xp, p, x) -> tuple[Any, Any, Any]:
    """(comparable data, low, high): MXNet's bounds are float32, compared in float32 unless x is float64."""
    low, high = xp.float32(p.a_min), xp.float32(p.a_max)
    data = x if x.dtype == xp.float64 else x.astype(xp.float32)
    return data, low, high


def _clip(ctx, p, x):
    xp = ctx.xp
    data, low, high = _clip_bounds(xp, p, x)
    # x > a_max ? a_max : (x < a_min ? a_min : x): NaN passes, swapped bounds give a_max
    return xp.where(data > high, xp.asarray(high).astype(x.dtype),
                    xp.where(data < low, xp.asarray(low).astype(x.dtype), x))


def _clip_grad(ctx, p, g, x):
    xp = ctx.xp
    data, low, high = _clip_bounds(xp, p, x)
    return xp.where((data > high) | (data < low), xp.zeros((), dtype=g.dtype), g)


_CLIP_ATTRS = (Attr("a_min", Float()), Attr("a_max", Float()))

register(OpDef(
    name="clip", attrs=_CLIP_ATTRS, compute=_clip, infer_shape=unary_rule,
    batching=ELEMENTWISE,
    grad=lambda p, ins, outs, gs: [_F()._clip_grad(gs[0], ins[0], **_attrs(p, "a_min", "a_max"))],
    doc="Clip to [a_min, a_max]; the gradient is 1 on the closed interval, 0 outside.",
    samples=(Sample(((3, 4),), {"a_min": "-0.5", "a_max": "0.5"}),),
))


register(OpDef(
    name="_clip_grad", inputs=("grad", "data"), nondiff_inputs=("data",), attrs=_CLIP_ATTRS,
    batching=ELEMENTWISE,
    compute=_clip_grad, infer_shape=unary_rule, infer_dtype=_first_dtype,
    grad=lambda p, ins, outs, gs: [_F()._clip_grad(gs[0], ins[1], **_attrs(p, "a_min", "a_max")), None],
    doc="clip's gradient: `grad` where a_min <= data <= a_max, 0 elsewhere.",
    samples=(Sample(((3, 4), (3, 4)), {"a_min": "-0.5", "a_max": "0.5"}),),
))


# -- shape_array, size_array ---------------------------------------------------------------------
def _int64_out(p, in_dtypes, out_dtypes):
    return in_dtypes, ["int64"]


def _shape_array_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return ctx.xp.broadcast_to(ctx.xp.asarray(x.shape[1:], dtype=ctx.xp.int64), (x.shape[0], x.ndim - 1))


register(OpDef(
    name="shape_array", compute=lambda ctx, p, x: ctx.xp.asarray(x.shape, dtype=ctx.xp.int64),
    batching=_shape_array_batched,
    infer_shape=lambda p, i, o: (i, [(len(i[0]),)] if i[0] is not None else o),
    infer_dtype=_int64_out, grad=ZERO_GRADIENT,
    doc="The input's shape as a 1-d int64 array.", samples=(Sample(((2, 3, 4),)),),
))
def _size_array_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return ctx.xp.broadcast_to(ctx.xp.asarray([_prod(x.shape[1:])], dtype=ctx.xp.int64), (x.shape[0], 1))


register(OpDef(
    name="size_array", compute=lambda ctx, p, x: ctx.xp.asarray([x.size], dtype=ctx.xp.int64),
    batching=_size_array_batched,
    infer_shape=lambda p, i, o: (i, [(1,)]),
    infer_dtype=_int64_out, grad=ZERO_GRADIENT,
    doc="The input's number of elements as a (1,) int64 array.", samples=(Sample(((2, 3, 4),)),),
))
