"""Operators gradient rules are written with: zeros/ones like, sums, broadcast reductions.

Each is an ordinary registered operator with its own gradient rule, so gradient graphs built from
them can be differentiated again.
"""
from __future__ import annotations

from .attrs import Attr, Int
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register
from .rules import same_shape, unary_rule


def _F():
    from ..symbol import F
    return F


def _reduce_like_axes(data_shape, like_shape):
    """Axes of `data` summed to reach `like`'s shape (numpy broadcasting, right-aligned)."""
    lead = len(data_shape) - len(like_shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(like_shape)
                                      if d == 1 and data_shape[lead + i] != 1)
    return axes, lead


def _reduce_like(ctx, p, data, like):
    axes, lead = _reduce_like_axes(data.shape, like.shape)
    out = data.sum(axis=axes, keepdims=True) if axes else data
    return out.reshape(like.shape) if out.shape != like.shape else out


def _reduce_like_batched(ctx, p, arrays, flags):
    """Batch axis first on `data` (and possibly `like`): reduce the per-item dims only."""
    data, like = arrays
    like_shape = like.shape[1:] if flags[1] else like.shape
    if not flags[0]:
        out = _reduce_like(ctx, p, data, ctx.xp.empty(like_shape))
        return ctx.xp.broadcast_to(out, like.shape)
    axes, _ = _reduce_like_axes(data.shape[1:], like_shape)
    axes = tuple(a + 1 for a in axes)
    out = data.sum(axis=axes, keepdims=True) if axes else data
    return out.reshape((data.shape[0],) + tuple(like_shape))


def _reduce_like_shape(p, in_shapes, out_shapes):
    return in_shapes, [in_shapes[1]] if in_shapes[1] is not None else out_shapes


register(OpDef(
    name="_reduce_like",
    doc="Sum `data` over the axes it was broadcast along so that it has the shape of `like`.",
    inputs=("data", "like"), nondiff_inputs=("like",),
    compute=_reduce_like, infer_shape=_reduce_like_shape, batching=_reduce_like_batched,
    grad=lambda p, ins, outs, gs: [_F().broadcast_like(gs[0], ins[0]), None],
    samples=(Sample(((2, 3, 4), (3, 1))), Sample(((2, 3), (2, 3)))),
))


def _zeros_like(ctx, p, x):
    return ctx.xp.zeros_like(x)


def _ones_like(ctx, p, x):
    return ctx.xp.ones_like(x)


register(OpDef(name="zeros_like", compute=_zeros_like, infer_shape=unary_rule, grad=ZERO_GRADIENT,
               batching=ELEMENTWISE,
               strict_attrs=False, doc="An array of zeros with the shape and dtype of `data`.",
               samples=(Sample(((2, 3),)),)))
register(OpDef(name="ones_like", compute=_ones_like, infer_shape=unary_rule, grad=ZERO_GRADIENT,
               batching=ELEMENTWISE,
               strict_attrs=False, doc="An array of ones with the shape and dtype of `data`.",
               samples=(Sample(((2, 3),)),)))


def _add_n(ctx, p, *arrays):
    out = arrays[0] + arrays[1] if len(arrays) > 1 else arrays[0].copy()
    for a in arrays[2:]:
        if a.shape == out.shape:
            out += a  # in place: `out` is a fresh array
        else:
            out = out + a  # a batched operand (Hessian rows) broadcasts
    return out


register(OpDef(
    name="add_n", aliases=("ElementWiseSum",),
    attrs=(Attr("num_args", Int(1)),),
    inputs=lambda p: [f"arg{i}" for i in range(p.num_args)], variadic="num_args",
    compute=_add_n, infer_shape=same_shape, batching=ELEMENTWISE,
    grad=lambda p, ins, outs, gs: [gs[0]] * len(ins),
    doc="The elementwise sum of `num_args` arrays of one shape.",
    samples=(Sample(((2, 3), (2, 3), (2, 3)), {"num_args": "3"}),),
))


def _identity(ctx, p, x):
    return x


register(OpDef(name="_copy", aliases=("identity",), compute=_identity, infer_shape=unary_rule,
               batching=ELEMENTWISE,
               grad=lambda p, ins, outs, gs: [gs[0]], doc="The identity.", samples=(Sample(((3,),)),)))
register(OpDef(name="BlockGrad", aliases=("stop_gradient",), compute=_identity, infer_shape=unary_rule,
               batching=ELEMENTWISE,
               grad=ZERO_GRADIENT, hint="blockgrad",
               doc="The identity forward; no gradient flows through it.", samples=(Sample(((3,),)),)))


def _like_axes(p, lhs_ndim, rhs_ndim):
    if p.lhs_axes is None and p.rhs_axes is None:
        return None
    lhs = [a % lhs_ndim for a in p.lhs_axes]
    rhs = [a % rhs_ndim for a in p.rhs_axes]
    if len(lhs) != len(rhs):
        raise ValueError("lhs_axes and rhs_axes must have the same length")
    return lhs, rhs


def _broadcast_like_shape(p, lhs, rhs):
    axes = _like_axes(p, len(lhs), len(rhs))
    if axes is None:
        return tuple(rhs)
    out = list(lhs)
    for a, b in zip(*axes):
        if lhs[a] != 1 and lhs[a] != rhs[b]:
            raise ValueError(f"cannot broadcast axis {a} of size {lhs[a]} to {rhs[b]}")
        out[a] = rhs[b]
    return tuple(out)


def _broadcast_like(ctx, p, lhs, rhs):
    target = _broadcast_like_shape(p, lhs.shape, rhs.shape)
    if len(target) != lhs.ndim and lhs.ndim > len(target):
        raise ValueError(f"cannot broadcast shape {lhs.shape} like {rhs.shape}")
    return ctx.xp.broadcast_to(lhs, target)


def _broadcast_like_batched(ctx, p, arrays, flags):
    lhs, rhs = arrays
    size = (lhs if flags[0] else rhs).shape[0]
    lhs_item = lhs.shape[1:] if flags[0] else lhs.shape
    rhs_item = rhs.shape[1:] if flags[1] else rhs.shape
    target = _broadcast_like_shape(p, lhs_item, rhs_item)
    if flags[0]:
        lhs = lhs.reshape((size,) + (1,) * (len(target) - len(lhs_item)) + lhs_item)
    return ctx.xp.broadcast_to(lhs, (size,) + tuple(target))


def _broadcast_like_rule(p, in_shapes, out_shapes):
    lhs, rhs = in_shapes
    if lhs is not None and rhs is not None:
        return in_shapes, [_broadcast_like_shape(p, lhs, rhs)]
    return in_shapes, out_shapes


from .attrs import OptionalShape  # noqa: E402

register(OpDef(
    name="broadcast_like", inputs=("lhs", "rhs"), nondiff_inputs=("rhs",),
    attrs=(Attr("lhs_axes", OptionalShape, None), Attr("rhs_axes", OptionalShape, None)),
    compute=_broadcast_like, infer_shape=_broadcast_like_rule, batching=_broadcast_like_batched,
    grad=lambda p, ins, outs, gs: [_F()._reduce_like(gs[0], ins[0]), None],
    samples=(Sample(((3, 1), (2, 3, 4))), Sample(((1, 4), (3, 4)), {"lhs_axes": "(0,)", "rhs_axes": "(0,)"})),
    doc="Broadcast `lhs` to the shape of `rhs` (or only along lhs_axes/rhs_axes).",
))
