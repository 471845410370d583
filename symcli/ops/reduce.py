"""Reductions: sum, mean, prod, max, min, nansum, nanprod, norm, argmax, argmin, argmax_channel.

MXNet semantics (mxnet-format.md §6.4, §6.5, §6.8): axis/keepdims/exclude, a full reduction gives
shape (1,), integers accumulate in their own dtype. Gradients use small private helper ops
(`_broadcast_reduced`, `_reduce_argmask`, ...) that are themselves differentiable.
"""
from __future__ import annotations

import functools
from math import prod as _prod
from typing import Any, Callable

from .attrs import Attr, AttrType, Bool, DType, Enum, Int, Optional, OptionalShape, parse_int
from .registry import quiet
from .batchrules import batch_size, broadcast_out, item_shape, lift, replace
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register
from .rules import fmt, same_shape


def _F():
    from ..symbol import F
    return F


def quiet_kernel(kernel: Callable) -> Callable:
    """Run a kernel with numpy's overflow/invalid warnings off: inf and NaN results are intended
    (MXNet computes them silently) and a warning line would pollute the CLI's stderr."""
    @functools.wraps(kernel)
    def run(ctx, p, *arrays):
        with quiet(ctx.xp):
            return kernel(ctx, p, *arrays)
    return run


# -- axes and shapes ---------------------------------------------------------------------------------
def reduce_axes(axis: tuple[int, ...] | None, exclude: bool, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The sorted axes a reduction runs over (MXNet's checks and messages)."""
    ndim = len(shape)
    if axis is None or len(axis) == 0:  # `axis=()` reduces everything, even with exclude
        return tuple(range(ndim))
    normalized = []
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"Reduction axis {a} Exceeds input dimensions {fmt(shape)}")
        normalized.append(a % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"Reduction axes have duplicates {fmt(axis)}")
    if exclude:
        return tuple(i for i in range(ndim) if i not in normalized)
    return tuple(sorted(normalized))


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape with each reduced axis set to 1 (keepdims=True)."""
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return kept_shape(shape, axes)
    out = tuple(d for i, d in enumerate(shape) if i not in axes)
    return out or (1,)  # legacy MXNet has no 0-d arrays


def _reduce_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    axes = reduce_axes(p.axis, p.get("exclude", False), data)
    return in_shapes, [reduced_shape(data, axes, p.keepdims)]


def _axes_of(p, x) -> tuple[int, ...]:
    return reduce_axes(p.axis, p.get("exclude", False), x.shape)


def _finish(p, x, out_kept, axes):
    """Reshape a keepdims result to the op's output shape."""
    return out_kept.reshape(reduced_shape(x.shape, axes, p.keepdims))


REDUCE_ATTRS = (Attr("axis", OptionalShape, None, "axes to reduce; None or () reduces all"),
                Attr("keepdims", Bool, False), Attr("exclude", Bool, False, "reduce the other axes"))


def _reduce_kwargs(p) -> dict[str, Any]:
    """Attributes that give a helper op the same axes as the forward reduction."""
    return {"axis": p.axis, "keepdims": p.keepdims, "exclude": p.get("exclude", False)}


def _broadcast_back(p, g, x, mean: bool = False):
    return _F()._broadcast_reduced(g, x, mean=mean, **_reduce_kwargs(p))


# -- kernels -----------------------------------------------------------------------------------------
def _int_mean(xp, total, count):
    """C integer division: truncates toward zero (MXNet's mean of [-1,-2] as int is -1)."""
    q = xp.where(total < 0, -((-total) // count), total // count)
    return q.astype(total.dtype)


# Each kernel reduces given axes with keepdims=True; `_on_own_axes` applies one to a node's axes and
# `_on_item_axes` (batching) to the same axes of every batch entry.
def _sum(xp, p, x, axes):
    return xp.sum(x, axis=axes, dtype=x.dtype, keepdims=True)


def _mean(xp, p, x, axes):
    count = _prod(x.shape[a] for a in axes)
    if x.dtype.kind in "iub":
        total = xp.sum(x, axis=axes, dtype=x.dtype, keepdims=True)
        return _int_mean(xp, total, max(count, 1))
    return xp.mean(x, axis=axes, keepdims=True).astype(x.dtype, copy=False)


def _prod_kernel(xp, p, x, axes):
    return xp.prod(x, axis=axes, dtype=x.dtype, keepdims=True)


def _max(xp, p, x, axes):  # numpy's max propagates NaN, as MXNet's does
    return xp.max(x, axis=axes, keepdims=True)


def _min(xp, p, x, axes):
    return xp.min(x, axis=axes, keepdims=True)


def _nansum(xp, p, x, axes):
    return xp.nansum(x, axis=axes, dtype=x.dtype, keepdims=True)


def _nanprod(xp, p, x, axes):
    return xp.nanprod(x, axis=axes, dtype=x.dtype, keepdims=True)


def _on_own_axes(kernel: Callable) -> Callable:
    """compute(ctx, p, x) of a kernel reducing axes with keepdims."""
    def compute(ctx, p, x):
        axes = _axes_of(p, x)
        return _finish(p, x, kernel(ctx.xp, p, x, axes), axes)
    return compute


def _on_item_axes(kernel: Callable) -> Callable:
    """The batching rule: the node's axes of each entry, shifted past the batch axis."""
    def rule(ctx, p, arrays, flags):
        x = arrays[0]
        item = x.shape[1:]
        axes = reduce_axes(p.axis, p.get("exclude", False), item)
        with quiet(ctx.xp):
            out = kernel(ctx.xp, p, x, tuple(a + 1 for a in axes))
        return out.reshape((x.shape[0],) + reduced_shape(item, axes, p.keepdims))
    return rule


# -- gradients ---------------------------------------------------------------------------------------
def _sum_grad(p, ins, outs, gs):
    return [_broadcast_back(p, gs[0], ins[0])]


def _mean_grad(p, ins, outs, gs):
    return [_broadcast_back(p, gs[0], ins[0], mean=True)]


def _extreme_grad(p, ins, outs, gs):
    # MXNet: every position equal to the extreme gets the whole head gradient (ties included);
    # a NaN result equals nothing, so a NaN row gets no gradient.
    F = _F()
    mask = F._reduce_argmask(ins[0], outs[0], **_reduce_kwargs(p))
    return [_broadcast_back(p, gs[0], ins[0]) * mask]


def _nansum_grad(p, ins, outs, gs):
    return [_broadcast_back(p, gs[0], ins[0]) * _F()._reduce_grad_factor(ins[0], kind="notnan")]


def _prod_grad(ignore_nan: bool):
    # The product of the other elements, not out/x: exact where x has zeros (MXNet gives NaN there).
    def rule(p, ins, outs, gs):
        others = _F()._prod_except(ins[0], axis=p.axis, exclude=p.exclude, ignore_nan=ignore_nan)
        return [_broadcast_back(p, gs[0], ins[0]) * others]
    return rule


_REDUCE_SAMPLES = (
    Sample(((2, 3, 4),), {"axis": "1"}),
    Sample(((2, 3, 4),), {}),
    Sample(((2, 3, 4),), {"axis": "(0, 2)", "keepdims": "True"}),
    Sample(((2, 3, 4),), {"axis": "-1", "exclude": "True"}),
    Sample(((2, 3, 4),), {"axis": "()", "keepdims": "True"}),
)


def _reduction(name, aliases, kernel, grad, doc, samples=_REDUCE_SAMPLES):
    register(OpDef(name=name, aliases=aliases, attrs=REDUCE_ATTRS, compute=quiet_kernel(_on_own_axes(kernel)),
                   infer_shape=_reduce_rule, grad=grad, doc=doc, samples=samples,
                   batching=_on_item_axes(kernel)))


_reduction("sum", ("sum_axis",), _sum, _sum_grad, "Sum over `axis` (all axes when None or ()).")
_reduction("mean", (), _mean, _mean_grad, "Mean over `axis`; integers divide truncating toward zero.")
_reduction("max", ("max_axis",), _max, _extreme_grad,
           "Maximum over `axis`; NaN propagates; the gradient goes to every maximal position.")
_reduction("min", ("min_axis",), _min, _extreme_grad,
           "Minimum over `axis`; NaN propagates; the gradient goes to every minimal position.")
_reduction("prod", (), _prod_kernel, _prod_grad(False), "Product over `axis`.",
           tuple(Sample(s.shapes, s.attrs, low=0.5, high=1.5) for s in _REDUCE_SAMPLES))
_reduction("nansum", (), _nansum, _nansum_grad, "Sum over `axis` treating NaN as 0 (gradient 0 there).",
           _REDUCE_SAMPLES[:2] + (Sample(((2, 3),), {"axis": "1"},
                                         values=([[1.5, float("nan"), 0.5], [0.25, -1.0, 2.0]],)),))
_reduction("nanprod", (), _nanprod, _prod_grad(True),
           "Product over `axis` treating NaN as 1 (gradient 0 there).",
           (Sample(((2, 3, 4),), {"axis": "1"}, low=0.5, high=1.5),
            Sample(((2, 3),), {"axis": "0"}, values=([[1.5, float("nan"), 0.5], [0.75, -1.25, 2.0]],))))


# -- norm --------------------------------------------------------------------------------------------
def _norm_kept(xp, p, x, axes):
    if p.ord == 1:
        return xp.sum(xp.abs(x), axis=axes, dtype=x.dtype, keepdims=True)
    if x.dtype.kind == "f":
        # scaled like MXNet's nrm2 reducer, so large float16/float32 values do not overflow
        work = x.astype("float32") if x.dtype == xp.float16 else x
        scale = xp.max(xp.abs(work), axis=axes, keepdims=True)
        safe = xp.where(scale > 0, scale, 1)
        out = safe * xp.sqrt(xp.sum((work / safe) ** 2, axis=axes, keepdims=True))
        return xp.where(xp.isinf(scale), scale, out).astype(x.dtype)  # inf/inf would give NaN
    # Integers: the exact norm truncated. MXNet's integer nrm2 divides in integers and so
    # underestimates (norm([3,4]) is 4 there); symcli does not reproduce that.
    return xp.sqrt(xp.sum(x.astype("float64") ** 2, axis=axes, keepdims=True)).astype(x.dtype)


def _norm_kernel(ctx, p, x):
    axes = _axes_of(p, x)
    out = _finish(p, x, _norm_kept(ctx.xp, p, x, axes), axes)
    return out.astype(p.out_dtype) if p.out_dtype is not None else out


def _norm_batched(ctx, p, arrays, flags):
    out = _on_item_axes(_norm_kept)(ctx, p, arrays, flags)
    return out.astype(p.out_dtype) if p.out_dtype is not None else out


def _norm_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    axes = reduce_axes(p.axis, False, data)
    return in_shapes, [reduced_shape(data, axes, p.keepdims)]


def _norm_dtype(p, in_dtypes, out_dtypes):
    if p.out_dtype is None:
        from .registry import same_dtype
        return same_dtype(p, in_dtypes, out_dtypes)
    return in_dtypes, [p.out_dtype]


def _norm_grad(p, ins, outs, gs):
    F, x = _F(), ins[0]
    if p.ord == 1:
        return [_broadcast_back(p, gs[0], x) * F._reduce_grad_factor(x, kind="sign")]
    return [_broadcast_back(p, gs[0] / outs[0], x) * x]  # x/|x|: NaN at a zero norm, as in MXNet


def _check_ord(value: int) -> str | None:
    return None if value in (1, 2) else "norm only supports ord=1 and ord=2"


register(OpDef(
    name="norm",
    attrs=(Attr("ord", AttrType("int", parse_int, _check_ord), 2),
           Attr("axis", OptionalShape, None), Attr("out_dtype", DType(allow_none=True), None),
           Attr("keepdims", Bool, False)),
    compute=quiet_kernel(_norm_kernel), infer_shape=_norm_rule, infer_dtype=_norm_dtype, grad=_norm_grad,
    batching=_norm_batched,
    doc="L2 (ord=2) or L1 (ord=1) norm over `axis`; two axes give the Frobenius/entrywise norm.",
    samples=(Sample(((2, 3, 4),), {}, low=0.5), Sample(((2, 3, 4),), {"axis": "1"}),
             Sample(((2, 3, 4),), {"ord": "2", "axis": "(1, 2)", "keepdims": "True"}),
             Sample(((2, 3, 4),), {"ord": "1", "axis": "-1"})),
))


# -- private helpers used by the gradient rules ------------------------------------------------------
def _broadcast_reduced(ctx, p, data, like):
    axes = _axes_of(p, like)
    target = kept_shape(like.shape, axes)
    if data.size != _prod(target):
        raise ValueError(f"cannot broadcast a reduced array of shape {fmt(data.shape)} "
                         f"back to {fmt(like.shape)}")
    out = ctx.xp.broadcast_to(data.reshape(target), like.shape)
    if p.mean:
        count = _prod(like.shape[a] for a in axes)
        out = (out / max(count, 1)).astype(data.dtype, copy=False)
    return out


def _broadcast_reduced_batched(ctx, p, arrays, flags):
    (data, like), (fd, fl) = arrays, flags
    size = batch_size(arrays, flags)
    like_item = item_shape(like, fl)
    if not fd:  # only the shape donor is batched
        return broadcast_out(ctx.xp, _broadcast_reduced(ctx, p, data, like[0]), size)
    axes = reduce_axes(p.axis, p.exclude, like_item)
    target = (size,) + kept_shape(like_item, axes)
    if data.size != _prod(target):
        raise ValueError(f"cannot broadcast a reduced array of shape {fmt(data.shape[1:])} "
                         f"back to {fmt(like_item)}")
    out = ctx.xp.broadcast_to(data.reshape(target), (size,) + like_item)
    if p.mean:
        with quiet(ctx.xp):
            out = (out / max(_prod(like_item[a] for a in axes), 1)).astype(data.dtype, copy=False)
    return out


def _broadcast_reduced_rule(p, in_shapes, out_shapes):
    data, like = in_shapes
    like = like if like is not None else out_shapes[0]
    if like is None:
        return in_shapes, out_shapes
    axes = reduce_axes(p.axis, p.exclude, like)
    return [reduced_shape(like, axes, p.keepdims), like], [like]


def _broadcast_reduced_grad(p, ins, outs, gs):
    F = _F()
    reduce = F.mean if p.mean else F.sum
    return [reduce(gs[0], axis=p.axis, keepdims=p.keepdims, exclude=p.exclude), None]


register(OpDef(
    name="_broadcast_reduced", inputs=("data", "like"), nondiff_inputs=("like",),
    attrs=REDUCE_ATTRS + (Attr("mean", Bool, False, "divide by the number of reduced elements"),),
    compute=quiet_kernel(_broadcast_reduced), infer_shape=_broadcast_reduced_rule,
    grad=_broadcast_reduced_grad, batching=_broadcast_reduced_batched,
    doc="Broadcast the result of a reduction (same axis/keepdims/exclude) back to `like`'s shape.",
    samples=(Sample(((3,), (2, 3, 4)), {"axis": "(0, 2)"}),
             Sample(((2, 1, 4), (2, 3, 4)), {"axis": "1", "keepdims": "True", "mean": "True"}),
             Sample(((3,), (2, 3, 4)), {"axis": "1", "exclude": "True"}),
             Sample(((1,), (2, 3)), {"mean": "True"})),
))


def _reduce_argmask(ctx, p, data, out):
    axes = _axes_of(p, data)
    return (data == out.reshape(kept_shape(data.shape, axes))).astype(data.dtype)


def _reduce_argmask_batched(ctx, p, arrays, flags):
    xp, size = ctx.xp, batch_size(arrays, flags)
    data, out = (lift(xp, a, f, size) for a, f in zip(arrays, flags))
    axes = reduce_axes(p.axis, p.exclude, data.shape[1:])
    return (data == out.reshape((size,) + kept_shape(data.shape[1:], axes))).astype(data.dtype)


def _argmask_rule(p, in_shapes, out_shapes):
    return in_shapes, [in_shapes[0]] if in_shapes[0] is not None else out_shapes


register(OpDef(
    name="_reduce_argmask", inputs=("data", "out"), nondiff_inputs=("data", "out"),
    attrs=REDUCE_ATTRS, compute=_reduce_argmask, infer_shape=_argmask_rule, grad=ZERO_GRADIENT,
    batching=_reduce_argmask_batched,
    doc="1 where `data` equals its reduction `out` broadcast back (max/min gradient mask), else 0.",
    samples=(Sample(((2, 3), (2,)), {"axis": "1"}, values=([[1, 3, 3], [2, 0, 1]], [3, 2])),),
))


def _reduce_grad_factor(ctx, p, x):
    xp = ctx.xp
    if p.kind == "notnan":
        return (~xp.isnan(x)).astype(x.dtype) if x.dtype.kind == "f" else xp.ones_like(x)
    return xp.sign(x)


register(OpDef(
    name="_reduce_grad_factor", attrs=(Attr("kind", Enum("notnan", "sign")),),
    compute=_reduce_grad_factor, infer_shape=same_shape, grad=ZERO_GRADIENT, batching=ELEMENTWISE,
    doc="Piecewise-constant factors of reduction gradients: sign(x) (L1 norm), not-NaN (nansum).",
    samples=(Sample(((2, 3),), {"kind": "sign"}),
             Sample(((3,),), {"kind": "notnan"}, values=([1.0, float("nan"), -2.0],))),
))


def _prod_except(ctx, p, x):
    """For each element, the product of the other elements of its reduction group (zero-safe)."""
    return _prod_except_axes(ctx.xp, p, x, _axes_of(p, x))


def _prod_except_batched(ctx, p, arrays, flags):
    axes = reduce_axes(p.axis, p.exclude, arrays[0].shape[1:])
    with quiet(ctx.xp):
        return _prod_except_axes(ctx.xp, p, arrays[0], tuple(a + 1 for a in axes))


def _prod_except_axes(xp, p, x, axes):
    nan = xp.isnan(x) if (p.ignore_nan and x.dtype.kind == "f") else None
    work = xp.where(nan, xp.ones_like(x), x) if nan is not None else x
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = xp.transpose(work, rest + list(axes))
    k = _prod(x.shape[a] for a in axes)
    flat = moved.reshape(moved.shape[:len(rest)] + (k,))
    ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    left = xp.concatenate([ones, xp.cumprod(flat[..., :-1], axis=-1, dtype=x.dtype)], axis=-1)
    right = xp.flip(xp.cumprod(xp.flip(flat[..., 1:], axis=-1), axis=-1, dtype=x.dtype), axis=-1)
    right = xp.concatenate([right, ones], axis=-1)
    others = (left * right).reshape(moved.shape)
    inverse = [0] * x.ndim
    for pos, a in enumerate(rest + list(axes)):
        inverse[a] = pos
    out = xp.transpose(others, inverse)
    if nan is not None:
        out = xp.where(nan, xp.zeros_like(out), out)
    return xp.ascontiguousarray(out)


def _prod_except_grad(p, ins, outs, gs):
    # d/dx_k sum_i gg_i prod_{j!=i} x_j = (sum_i gg_i y_i - gg_k y_k) / x_k  (needs x_k != 0)
    F, x = _F(), ins[0]
    weighted = gs[0] * outs[0]
    group = F._broadcast_reduced(F.sum(weighted, axis=p.axis, exclude=p.exclude), x,
                                 axis=p.axis, exclude=p.exclude)
    if not p.ignore_nan:
        return [(group - weighted) / x]
    # NaN positions hold constants: divide by 1 there, so no NaN reaches any higher order either
    valid = F._reduce_grad_factor(x, kind="notnan")
    safe_x = F.where(valid, x, F.ones_like(x))
    return [F.where(valid, (group - weighted) / safe_x, F.zeros_like(x))]


register(OpDef(
    name="_prod_except",
    attrs=(Attr("axis", OptionalShape, None), Attr("exclude", Bool, False),
           Attr("ignore_nan", Bool, False, "treat NaN as 1 and give 0 at NaN positions")),
    compute=quiet_kernel(_prod_except), infer_shape=same_shape, grad=_prod_except_grad,
    batching=_prod_except_batched,
    doc="Per element, the product of the other elements reduced with it (the gradient of prod).",
    samples=(Sample(((2, 3, 4),), {"axis": "(0, 2)"}, low=0.5, high=1.5),
             Sample(((2, 3),), {}, low=0.5, high=1.5),
             Sample(((2, 3),), {"axis": "0", "ignore_nan": "True"},
                    values=([[1.5, float("nan"), 0.5], [0.75, -1.25, 2.0]],))),
))


# -- arg reductions ----------------------------------------------------------------------------------
def _arg_kernel(which: str):
    def kernel(ctx, p, x):
        xp = ctx.xp
        fn = xp.argmax if which == "max" else xp.argmin  # both pick the first NaN, as MXNet does
        if p.axis is None:
            out = fn(x.reshape(-1)).reshape((1,) * x.ndim if p.keepdims else (1,))
        else:
            out = fn(x, axis=_single_axis(p.axis, x.shape))
            if p.keepdims:
                out = xp.expand_dims(out, _single_axis(p.axis, x.shape))
            elif out.ndim == 0:
                out = out.reshape(1)
        return out.astype(x.dtype)  # MXNet returns indices in the input dtype
    return kernel


def _arg_batched(which: str):
    kernel = _arg_kernel(which)

    def rule(ctx, p, arrays, flags):
        x = arrays[0]
        size, item = x.shape[0], x.shape[1:]
        if p.axis is None:  # each entry flattened: reduce its row of the (B, -1) view
            out = kernel(ctx, replace(p, axis=1, keepdims=False), x.reshape(size, -1))
        else:
            out = kernel(ctx, replace(p, axis=_single_axis(p.axis, item) + 1), x)
        _, (shape,) = _arg_rule(p, [item], [None])
        return out.reshape((size,) + shape)
    return rule


def _single_axis(axis: int, shape: tuple[int, ...]) -> int:
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"axis {axis} is out of range for shape {fmt(shape)}")
    return axis % len(shape)


def _arg_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    if p.axis is None:
        return in_shapes, [(1,) * len(data) if p.keepdims else (1,)]
    axes = (_single_axis(p.axis, data),)
    return in_shapes, [reduced_shape(data, axes, p.keepdims)]


_ARG_ATTRS = (Attr("axis", Optional(Int()), None), Attr("keepdims", Bool, False))
_ARG_SAMPLES = (Sample(((3, 4),), {"axis": "1"}), Sample(((3, 4),), {}),
                Sample(((2, 3, 4),), {"axis": "0", "keepdims": "True"}))
register(OpDef(name="argmax", attrs=_ARG_ATTRS, compute=_arg_kernel("max"), infer_shape=_arg_rule,
               grad=ZERO_GRADIENT, samples=_ARG_SAMPLES, batching=_arg_batched("max"),
               doc="Index of the maximum along `axis` (flattened when None), in the input dtype."))
register(OpDef(name="argmin", attrs=_ARG_ATTRS, compute=_arg_kernel("min"), infer_shape=_arg_rule,
               grad=ZERO_GRADIENT, samples=_ARG_SAMPLES, batching=_arg_batched("min"),
               doc="Index of the minimum along `axis` (flattened when None), in the input dtype."))


def _argmax_channel(ctx, p, x):
    return ctx.xp.argmax(x, axis=_single_axis(1, x.shape)).astype(x.dtype)


def _argmax_channel_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    return in_shapes, [reduced_shape(data, (_single_axis(1, data),), False)]


def _argmax_channel_batched(ctx, p, arrays, flags):
    x = arrays[0]
    _, (shape,) = _argmax_channel_rule(p, [x.shape[1:]], [None])
    out = ctx.xp.argmax(x, axis=_single_axis(1, x.shape[1:]) + 1).astype(x.dtype)
    return out.reshape((x.shape[0],) + shape)


# MXNet reduces axis 1 (the channel axis of NC... data; the last axis only for 2-D input)
register(OpDef(name="argmax_channel", compute=_argmax_channel, infer_shape=_argmax_channel_rule,
               grad=ZERO_GRADIENT, batching=_argmax_channel_batched,
               samples=(Sample(((3, 4),)), Sample(((2, 3, 4),))),
               doc="argmax over axis 1 (the channel axis), in the input dtype."))
