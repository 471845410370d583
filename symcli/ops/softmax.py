"""The softmax family: softmax, log_softmax, softmin, SoftmaxActivation, and their gradient helpers.

Kernels follow MXNet's (subtract the row max, then exp); gradients are graphs of the `_softmax_*`
helpers below, each with its own gradient rule, so Hessians through a softmax work.
"""
from __future__ import annotations

import functools
from typing import Any

from .attrs import Attr, Bool, Enum, Float, Int, Optional
from .batchrules import batch_size, item_shape, lift, replace, shift, unbatched_first
from .registry import ZERO_GRADIENT, OpDef, Sample, register
from .rules import fmt, same_shape

FLOAT_DTYPES = ("float16", "float32", "float64")


def _F():
    from ..symbol import F
    return F


def _fmt_float(value: float) -> str:
    return repr(float(value))


# -- rows: the axes a softmax normalises over --------------------------------------------------------
def row_axes(ndim: int, axis: int, flat: bool = False) -> tuple[int, ...]:
    """`flat`: every axis but the first (SoftmaxOutput's default view); otherwise one axis."""
    if flat:
        return tuple(range(1, ndim))  # empty for 1-d data: rows of one element
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for {ndim}-d data")
    return (axis % ndim,)


def softmax_rows(xp: Any, x: Any, axes: tuple[int, ...], temperature: float | None = None,
                 log: bool = False, negate: bool = False, mask: Any = None) -> Any:
    """MXNet's kernel: (x - max)/T, exp, normalise; `mask` (bool, broadcastable) zeroes positions.

    Positions outside the mask output 0 and are left out of the max and the sum; a row with no
    valid position is all zeros (MXNet's length=0).
    """
    if negate:
        x = -x
    if mask is not None:
        x = xp.where(mask, x, -xp.inf)
    top = x.max(axis=axes, keepdims=True)
    if mask is not None:
        top = xp.where(xp.isfinite(top), top, 0)
    shifted = x - top  # a fresh array: the in-place steps below never touch the input
    if temperature is not None and temperature != 1.0:
        shifted /= x.dtype.type(temperature)
    e = xp.exp(shifted) if log else xp.exp(shifted, out=shifted)
    if mask is not None:
        e = xp.where(mask, e, 0)
    total = e.sum(axis=axes, keepdims=True)
    if mask is not None:
        total = xp.where(total == 0, 1, total)  # an empty row stays all zeros
    if log:
        out = shifted - xp.log(total)
    else:
        e /= total
        out = e
    if mask is not None:
        out = xp.where(mask, out, 0)
    return out


def length_mask(xp: Any, shape: tuple[int, ...], length: Any, axis: int) -> Any:
    """A bool array broadcastable to `shape`: position along `axis` < length (per row)."""
    if length.dtype.kind not in "iu":
        raise ValueError(f"the length input only supports integer types, not {length.dtype.name}")
    positions = xp.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    return positions < xp.expand_dims(length, axis)


# -- helpers: fused softmax backward and row dot products ----------------------------------------
_ROW_ATTRS = (Attr("axis", Int(), -1), Attr("flat", Bool, False))


def _batched_rows(p, batched_ndim: int) -> tuple[int, ...]:
    """The row axes of every entry of a batched array (the batch axis in front)."""
    return tuple(a + 1 for a in row_axes(batched_ndim - 1, p.axis, p.flat))


def _row_attrs(p) -> dict[str, str]:
    return {"axis": str(p.axis), "flat": str(p.flat)}


def _rowdot(ctx, p, a, b):
    axes = row_axes(a.ndim, p.axis, p.flat)
    return ctx.xp.broadcast_to((a * b).sum(axis=axes, keepdims=True), a.shape).copy()


def _rowdot_grad(p, ins, outs, gs):
    F = _F()
    summed = F._softmax_rowdot(gs[0], F.ones_like(gs[0]), **_row_attrs(p))
    return [summed * ins[1], summed * ins[0]]


def _rowdot_batched(ctx, p, arrays, flags):
    (a, b), size = arrays, batch_size(arrays, flags)
    shape = (size,) + item_shape(a, flags[0])
    summed = (a * b).sum(axis=_batched_rows(p, len(shape)), keepdims=True)
    return ctx.xp.broadcast_to(summed, shape).copy()


register(OpDef(
    name="_softmax_rowdot", inputs=("lhs", "rhs"), attrs=_ROW_ATTRS,
    batching=_rowdot_batched,
    compute=_rowdot, infer_shape=same_shape, grad=_rowdot_grad,
    doc="sum(lhs * rhs) over each softmax row, broadcast back to the input shape.",
    samples=(Sample(((2, 3, 4), (2, 3, 4)), {"axis": "1"}),
             Sample(((2, 3, 2), (2, 3, 2)), {"flat": "True"})),
))


def _softmax_backward(ctx, p, g, y):
    axes = row_axes(y.ndim, p.axis, p.flat)
    out = y * (g - (g * y).sum(axis=axes, keepdims=True))
    return out * y.dtype.type(p.scale) if p.scale != 1.0 else out


def _softmax_backward_grad(p, ins, outs, gs):
    F = _F()
    g, y = ins
    u = gs[0]
    rows = _row_attrs(p)
    d_g = F._softmax_backward(u, y, scale=_fmt_float(p.scale), **rows)
    # out_i = s*y_i*(g_i - r), r = sum(g*y)  =>  dy = s*(u*(g - r) - g*sum(u*y))
    d_y = u * (g - F._softmax_rowdot(g, y, **rows)) - g * F._softmax_rowdot(u, y, **rows)
    return [d_g, d_y * p.scale if p.scale != 1.0 else d_y]


def _softmax_backward_batched(ctx, p, arrays, flags):
    g, y = arrays
    axes = _batched_rows(p, len(item_shape(y, flags[1])) + 1)
    out = y * (g - (g * y).sum(axis=axes, keepdims=True))  # the unbatched operand broadcasts
    return out * y.dtype.type(p.scale) if p.scale != 1.0 else out


register(OpDef(
    name="_softmax_backward", inputs=("ograd", "output"),
    batching=_softmax_backward_batched,
    attrs=_ROW_ATTRS + (Attr("scale", Float(), 1.0),),
    compute=_softmax_backward, infer_shape=same_shape, grad=_softmax_backward_grad,
    doc="The softmax vector-Jacobian product scale*y*(g - sum(g*y)) over each row.",
    samples=(Sample(((2, 3, 4), (2, 3, 4)), {"axis": "-1", "scale": "0.5"}),
             Sample(((2, 3, 2), (2, 3, 2)), {"flat": "True"}, low=0.1, high=1.0)),
))


def _softmax_rows_op(ctx, p, x):
    return softmax_rows(ctx.xp, x, row_axes(x.ndim, p.axis, p.flat))


def _softmax_rows_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return softmax_rows(ctx.xp, x, _batched_rows(p, x.ndim))


register(OpDef(
    name="_softmax_rows", attrs=_ROW_ATTRS,
    batching=_softmax_rows_batched,
    compute=_softmax_rows_op, infer_shape=same_shape,
    grad=lambda p, ins, outs, gs: [_F()._softmax_backward(gs[0], outs[0], **_row_attrs(p))],
    doc="A plain softmax over one axis, or over all axes but the first (flat=True).",
    samples=(Sample(((2, 3, 4),), {"flat": "True"}), Sample(((3, 4),), {"axis": "0"})),
))


def _length_mask_op(ctx, p, data, length):
    mask = length_mask(ctx.xp, data.shape, length, row_axes(data.ndim, p.axis)[0])
    return ctx.xp.broadcast_to(mask, data.shape).astype(data.dtype)


@unbatched_first(_length_mask_op, values=(1,))  # data gives only the shape and dtype
def _length_mask_batched(ctx, p, arrays, flags):
    xp, size = ctx.xp, batch_size(arrays, flags)
    data, length = (lift(xp, a, f, size) for a, f in zip(arrays, flags))
    mask = length_mask(xp, data.shape, length, shift(p.axis, data.ndim - 1))
    return xp.broadcast_to(mask, data.shape).astype(data.dtype)


register(OpDef(
    name="_softmax_length_mask", inputs=("data", "length"), nondiff_inputs=("length",),
    batching=_length_mask_batched,
    attrs=(Attr("axis", Int(), -1),), compute=_length_mask_op,
    infer_shape=lambda p, i, o: _softmax_shape(p, i, o, use_length=True),
    infer_dtype=lambda p, i, o: ([o[0] or i[0], i[1]], [i[0] or o[0]]),
    grad=ZERO_GRADIENT,
    doc="1 where the position along axis is below the row's length, else 0 (data's dtype).",
    samples=(Sample(((2, 4), (2,)), {"axis": "-1"}, values=(None, [1, 3])),),
))


def _cast_like(y: Any, x: Any, p) -> Any:
    """The gradient of an op with a dtype override goes back in the input's dtype."""
    return _F()._softmax_cast_like(y, x) if p.dtype is not None else y


def _cast_like_op(ctx, p, data, like):
    return data.astype(like.dtype, copy=False)


@unbatched_first(_cast_like_op, values=(0,))
def _softmax_cast_like_batched(ctx, p, arrays, flags):
    return arrays[0].astype(arrays[1].dtype, copy=False)


register(OpDef(
    name="_softmax_cast_like", inputs=("data", "like"), nondiff_inputs=("like",),
    batching=_softmax_cast_like_batched,
    compute=_cast_like_op, infer_shape=lambda p, i, o: ([i[0] or o[0], i[1]], [i[0] or o[0]]),
    infer_dtype=lambda p, i, o: (i, [i[1]]),
    grad=lambda p, ins, outs, gs: [_F()._softmax_cast_like(gs[0], ins[0]), None],
    doc="`data` cast to the dtype of `like` (softmax's dtype override, in the backward).",
    samples=(Sample(((2, 3), (2, 3))),),
))


# -- softmax / log_softmax / softmin -------------------------------------------------------------
_SOFTMAX_ATTRS = (
    Attr("axis", Int(), -1),
    Attr("temperature", Optional(Float()), None),
    Attr("dtype", Optional(Enum(*FLOAT_DTYPES)), None),
    # MXNet declares use_length optional<bool>; None (which crashes MXNet) reads as False
    Attr("use_length", Optional(Bool), False),
)


def _uses_length(p) -> bool:
    return bool(p.use_length)


def _softmax_shape(p, in_shapes, out_shapes, use_length=None, from_output=True):
    # MXNet's softmax (SoftmaxOpShape) infers no data shape from its output; log_softmax and
    # softmin (ElemwiseShape) do
    data = in_shapes[0] if in_shapes[0] is not None or not from_output else out_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    ins = list(in_shapes)
    ins[0] = tuple(data)
    axis = row_axes(len(data), p.axis)[0]
    if use_length if use_length is not None else _uses_length(p):
        expected = tuple(data[:axis]) + tuple(data[axis + 1:])
        if ins[1] is not None and tuple(ins[1]) != expected:
            raise ValueError(f"length shape {fmt(ins[1])} must be the data shape {fmt(data)} "
                             f"without axis {axis}, {fmt(expected)}")
        ins[1] = expected
    if out_shapes[0] is not None and tuple(out_shapes[0]) != tuple(data):
        raise ValueError(f"output shape {fmt(out_shapes[0])} differs from data shape {fmt(data)}")
    return ins, [tuple(data)]


def _softmax_dtype(p, in_dtypes, out_dtypes):
    ins = list(in_dtypes)
    if ins[0] is not None and ins[0] not in FLOAT_DTYPES:
        raise ValueError(f"this operation only supports floating point types, not {ins[0]}")
    if p.dtype is not None:
        # MXNet: the output takes the override; an unknown input is assigned it too
        if ins[0] is None:
            ins[0] = p.dtype
        return ins, [p.dtype]
    known = ins[0] or out_dtypes[0]
    ins[0] = known
    return ins, [known]


def _softmax_kernel(kind: str):
    def compute(ctx, p, x, length=None):
        xp = ctx.xp
        if x.dtype.kind != "f":
            raise ValueError(f"this operation only supports floating point types, not {x.dtype.name}")
        axis = row_axes(x.ndim, p.axis)[0]
        mask = length_mask(xp, x.shape, length, axis) if _uses_length(p) else None
        # MXNet computes in the input type (accumulating fp16 in fp32), then casts to the output
        work = x.astype("float32") if x.dtype.name == "float16" else x
        out = softmax_rows(xp, work, (axis,), p.temperature, log=kind == "log_softmax",
                           negate=kind == "softmin", mask=mask)
        return out.astype(p.dtype or x.dtype.name, copy=False)
    return compute


def _softmax_batched(kind: str):
    kernel = _softmax_kernel(kind)

    def rule(ctx, p, arrays, flags):
        xp, size = ctx.xp, batch_size(arrays, flags)
        lifted = [lift(xp, a, f, size) for a, f in zip(arrays, flags)]
        return kernel(ctx, replace(p, axis=shift(p.axis, lifted[0].ndim - 1)), *lifted)
    return rule


def _inv_temperature(p) -> float:
    return 1.0 if p.temperature is None else 1.0 / p.temperature


def _softmax_grad(p, ins, outs, gs):
    F = _F()
    scale = _inv_temperature(p)
    dx = F._softmax_backward(gs[0], outs[0], axis=str(p.axis), scale=_fmt_float(scale))
    return [_cast_like(dx, ins[0], p)] + [None] * (len(ins) - 1)


def _softmin_grad(p, ins, outs, gs):
    F = _F()
    scale = -_inv_temperature(p)
    dx = F._softmax_backward(gs[0], outs[0], axis=str(p.axis), scale=_fmt_float(scale))
    return [_cast_like(dx, ins[0], p)] + [None] * (len(ins) - 1)


def _log_softmax_grad(p, ins, outs, gs):
    """dx = (g - softmax(x) * sum(g)) / T, restricted to the valid positions with a length."""
    F = _F()
    g = gs[0]
    attrs = {"axis": str(p.axis)}
    if p.temperature is not None:
        attrs["temperature"] = _fmt_float(p.temperature)
    if p.dtype is not None:
        attrs["dtype"] = p.dtype
    if _uses_length(p):
        probs = F.softmax(ins[0], ins[1], use_length="True", **attrs)
        valid = F._softmax_length_mask(g, ins[1], axis=str(p.axis))
        g = g * valid
    else:
        probs = F.softmax(ins[0], **attrs)
        valid = F.ones_like(g)
    dx = g - probs * F._softmax_rowdot(g, valid, axis=str(p.axis))
    scale = _inv_temperature(p)
    if scale != 1.0:
        dx = dx * scale
    return [_cast_like(dx, ins[0], p)] + [None] * (len(ins) - 1)


def _softmax_inputs(p):
    return ("data", "length") if _uses_length(p) else ("data",)


_SOFTMAX_SAMPLES = (
    Sample(((2, 3, 4),)),
    Sample(((2, 3, 4),), {"axis": "1", "temperature": "1.5"}),
    Sample(((3, 4), (4,)), {"axis": "0", "use_length": "True"}, values=(None, [0, 2, 3, 1])),
    Sample(((2, 3),), {"dtype": "float32"}, grad=False, note="dtype override"),
)


for _name, _grad in (("softmax", _softmax_grad), ("log_softmax", _log_softmax_grad),
                     ("softmin", _softmin_grad)):
    register(OpDef(
        name=_name, attrs=_SOFTMAX_ATTRS, inputs=_softmax_inputs, nondiff_inputs=("length",),
        compute=_softmax_kernel(_name), infer_dtype=_softmax_dtype,
        infer_shape=functools.partial(_softmax_shape, from_output=_name != "softmax"),
        grad=_grad, doc=f"{_name} along `axis` of data/temperature; `length` masks positions.",
        batching=_softmax_batched(_name),
        samples=_SOFTMAX_SAMPLES,
    ))


# -- SoftmaxActivation (legacy) ------------------------------------------------------------------
def _activation_axis(p, ndim: int) -> int:
    if p.mode == "channel":
        if ndim < 3:
            raise ValueError(f"SoftmaxActivation mode=channel needs at least 3-d input, got {ndim}-d")
        return 1
    return ndim - 1


def _softmax_activation(ctx, p, x):
    return softmax_rows(ctx.xp, x, (_activation_axis(p, x.ndim),))


def _softmax_activation_batched(ctx, p, arrays, flags):
    x = arrays[0]
    return softmax_rows(ctx.xp, x, (_activation_axis(p, x.ndim - 1) + 1,))


def _softmax_activation_shape(p, in_shapes, out_shapes):
    ins, outs = same_shape(p, in_shapes, out_shapes)
    if ins[0] is not None:
        _activation_axis(p, len(ins[0]))
    return ins, outs


def _softmax_activation_grad(p, ins, outs, gs):
    # MXNet's backward reduces over axis 1 in both modes, so for >=3-d data in instance mode it
    # is not the derivative of the forward (which uses the last axis); 1-d data fails, as in MXNet.
    return [_F()._softmax_backward(gs[0], outs[0], axis="1")]


register(OpDef(
    name="SoftmaxActivation", attrs=(Attr("mode", Enum("channel", "instance"), "instance"),),
    compute=_softmax_activation, infer_shape=_softmax_activation_shape, batching=_softmax_activation_batched,
    grad=_softmax_activation_grad,
    doc="Legacy softmax: over the last axis (instance) or axis 1 of >=3-d data (channel); the "
        "backward always reduces over axis 1, as MXNet's does.",
    samples=(Sample(((3, 4),)), Sample(((2, 3, 2, 2),), {"mode": "channel"}),
             Sample(((2, 3, 4),), grad=False, note="MXNet's backward is not the forward's derivative")),
))
