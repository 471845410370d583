"""Loss heads: SoftmaxOutput, the regression outputs, MakeLoss and make_loss.

They ignore the head gradient (mxnet-format.md §6.9, §6.10, §7): each gradient rule returns a node of
a fused `_*_grad` helper computing MXNet's backward exactly (float32 scale arithmetic included), and
each helper's own gradient is the true derivative, so second order through a loss works.
"""
from __future__ import annotations

from typing import Any

import numpy as np  # only for MXNet's float32 scalar arithmetic on Python floats

from .attrs import Attr, Bool, Enum, Float, format_value
from .batchrules import batch_size, broadcast_out, item_shape, lift, loop, unbatched_first
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register
from .rules import fmt, unary_rule
from .softmax import softmax_rows

_F32 = np.float32
_INT_MIN = -(2 ** 31)


def _F():
    from ..symbol import F
    return F


def _attr_strings(p, names) -> dict[str, str]:
    return {n: format_value(getattr(p, n)) for n in names}


def _size(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


# == SoftmaxOutput =================================================================================
_SO_ATTRS = (
    Attr("grad_scale", Float(), 1.0),
    Attr("ignore_label", Float(), -1.0),
    Attr("multi_output", Bool, False),
    Attr("use_ignore", Bool, False),
    Attr("preserve_shape", Bool, False),
    Attr("normalization", Enum("null", "batch", "valid"), "null"),
    Attr("out_grad", Bool, False),
    Attr("smooth_alpha", Float(0.0, 1.0), 0.0),
)
_SO_NAMES = tuple(a.name for a in _SO_ATTRS)


def _so_view(p, shape: tuple[int, ...]) -> tuple[int, int, int]:
    """MXNet's view of the data as (rows, classes, positions): softmax runs along the middle axis."""
    if p.multi_output:
        if len(shape) < 2:
            raise ValueError(f"SoftmaxOutput multi_output needs at least 2-d data, got {fmt(shape)}")
        return shape[0], shape[1], _size(shape[2:])
    if p.preserve_shape:
        return _size(shape[:-1]), shape[-1], 1
    return shape[0], _size(shape[1:]), 1


def _so_row_attrs(p) -> dict[str, str]:
    """The same rows for the `_softmax_rows`/`_softmax_backward` helpers."""
    if p.multi_output:
        return {"axis": "1"}
    if p.preserve_shape:
        return {"axis": "-1"}
    return {"flat": "True"}


def _so_probs(xp, p, data):
    rows, classes, positions = _so_view(p, data.shape)
    x = data.reshape(rows, classes, positions)
    return softmax_rows(xp, x, (1,)).reshape(data.shape)


def _int_labels(xp, label):
    """C static_cast<int>: truncation toward zero; NaN/inf give INT_MIN as on x86 (matches no class)."""
    finite = xp.isfinite(label)
    return xp.where(finite, xp.trunc(xp.where(finite, label, 0)), _INT_MIN).astype("int64")


def _so_target_coef(xp, p, data, label) -> tuple[Any, Any]:
    """The target t and the per-element coefficient c of grad = (p - t) * c, in data's shape."""
    dtype = data.dtype
    if tuple(label.shape) == tuple(data.shape):  # probability labels: no normalisation, no ignore
        coef = xp.full(data.shape, dtype.type(_F32(p.grad_scale)), dtype=dtype)
        return label.astype(dtype, copy=False), coef
    rows, classes, positions = _so_view(p, data.shape)
    flat = label.reshape(-1)
    if p.multi_output:
        if flat.size != rows * positions:
            raise ValueError(f"label shape {fmt(label.shape)} does not fit data {fmt(data.shape)}")
        picked = flat.reshape(rows, 1, positions)
    else:
        if flat.size < rows:
            raise ValueError(f"label shape {fmt(label.shape)} has fewer than {rows} labels")
        picked = flat[:rows].reshape(rows, 1, 1)  # MXNet reads the first `rows` labels
    k = _int_labels(xp, picked)
    onehot = xp.arange(classes).reshape(1, classes, 1) == k
    if p.smooth_alpha > 0 and not p.multi_output:
        alpha = _F32(p.smooth_alpha)
        off = dtype.type(alpha / _F32(classes - 1)) if classes > 1 else dtype.type(0)
        target = xp.where(onehot, dtype.type(1) - dtype.type(alpha), off).astype(dtype)
    else:
        target = onehot.astype(dtype)
    ignore = int(p.ignore_label)
    all_labels = _int_labels(xp, flat)
    if p.normalization == "valid":
        count = max(int((all_labels != ignore).sum()), 1)  # counted even without use_ignore
    elif p.normalization == "batch":
        count = rows if p.multi_output else flat.size
    else:
        count = 1
    if p.multi_output:
        per = 1 if p.normalization == "valid" else positions
        factor = _F32(p.grad_scale) / _F32(per) / _F32(count)
    else:
        factor = _F32(p.grad_scale) / _F32(count)
    coef = xp.full((rows, 1, positions), dtype.type(factor), dtype=dtype)
    if p.use_ignore:
        coef = xp.where(k == ignore, dtype.type(0), coef)
    shape3 = (rows, classes, positions)
    return (xp.broadcast_to(target, shape3).reshape(data.shape),
            xp.broadcast_to(coef, shape3).reshape(data.shape))


def _softmax_output(ctx, p, data, label):
    return _so_probs(ctx.xp, p, data)


def _softmax_output_grad(ctx, p, data, label):
    xp = ctx.xp
    probs = _so_probs(xp, p, data)
    target, coef = _so_target_coef(xp, p, data, label)
    grad = (probs - target) * coef
    return grad * probs if p.out_grad else grad  # MXNet's out_grad multiplies by p (§6.9)


def _softmax_output_coef(ctx, p, data, label):
    target, coef = _so_target_coef(ctx.xp, p, data, label)
    return target if p.part == "target" else coef


def _fold_rows(xp, size, x, item):
    """A batched array whose rows (axis 0) take in the batch: (B, N, ...) -> (B*N, ...)."""
    return x.reshape((size * item[0],) + tuple(item[1:]))


@unbatched_first(_softmax_output, values=(0,))
def _softmax_output_batched(ctx, p, arrays, flags):
    data = arrays[0]
    size, item = data.shape[0], data.shape[1:]
    if p.preserve_shape:  # rows are every axis but the last: the batch axis is one more
        return _so_probs(ctx.xp, p, data)
    return _so_probs(ctx.xp, p, _fold_rows(ctx.xp, size, data, item)).reshape(data.shape)


def _so_label_batched(kernel):
    """Batching of the label-dependent helpers: the batch folds into the rows of data and label,
    unless a normalization counts over the whole label (then one call per entry)."""
    def rule(ctx, p, arrays, flags):
        xp, size = ctx.xp, batch_size(arrays, flags)
        data_item, label_item = (item_shape(a, f) for a, f in zip(arrays, flags))
        rows = _so_view(p, data_item)[0]
        per_row = label_item == data_item or p.multi_output or _size(label_item) == rows
        if p.normalization != "null" or not per_row or not label_item:
            return loop(kernel, ctx, p, arrays, flags)
        data, label = (lift(xp, a, f, size) for a, f in zip(arrays, flags))
        if not p.preserve_shape:
            data, label = _fold_rows(xp, size, data, data_item), _fold_rows(xp, size, label, label_item)
        return kernel(ctx, p, data, label).reshape((size,) + data_item)
    return rule


def _softmax_output_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    data = tuple(data)
    label = None if in_shapes[1] is None else tuple(in_shapes[1])
    if label != data:
        if p.multi_output:
            if len(data) < 2:
                raise ValueError(f"multi_output needs at least 2-d data, got {fmt(data)}")
            rest = _size(data[2:])
            accepted = [(data[0], rest), (data[0],) + data[2:], (data[0], 1) + data[2:]]
            if label is None:
                label = accepted[0]
            elif label not in accepted:
                raise ValueError(f"Expecting {fmt(accepted[0])} or {fmt(accepted[1])}. "
                                 f"But got {fmt(label)}")
        else:
            expected = data[:-1]
            if label is None:
                label = expected
            elif label != expected:
                raise ValueError(f"Shape inconsistent, Provided = {fmt(label)}, "
                                 f"inferred shape={fmt(expected)}")
    return [data, label], [data]


def _softmax_output_dtype(p, in_dtypes, out_dtypes):
    data = in_dtypes[0] or out_dtypes[0]
    if data is None:
        return in_dtypes, out_dtypes  # MXNet: the data's type decides, the label's does not
    if in_dtypes[1] is not None and in_dtypes[1] != data:
        raise ValueError(f"This layer requires uniform type. Expected '{data}' v.s. given "
                         f"'{in_dtypes[1]}' at 'label'")
    return [data, data], [data]


def _softmax_output_rule(p, ins, outs, gs):
    grad = _F()._softmax_output_grad(ins[0], ins[1], **_attr_strings(p, _SO_NAMES))
    return [grad, None]


def _softmax_output_grad_rule(p, ins, outs, gs):
    """grad = (P - T)*C [*P]: its derivative w.r.t. data is the softmax Jacobian applied to u*C."""
    F = _F()
    data, label = ins
    attrs = _attr_strings(p, _SO_NAMES)
    rows = _so_row_attrs(p)
    probs = F._softmax_rows(data, **rows)
    weighted = gs[0] * F._softmax_output_coef(data, label, part="coef", **attrs)
    if p.out_grad:  # d/dP of (P - T)*C*P is C*(2P - T)
        target = F._softmax_output_coef(data, label, part="target", **attrs)
        weighted = weighted * (probs + (probs - target))
    return [F._softmax_backward(weighted, probs, **rows), None]


_SO_SAMPLES = (
    Sample(((4, 5), (4,)), values=(None, [0., 3., 1., 4.])),
    Sample(((4, 5), (4,)), {"use_ignore": "True", "ignore_label": "2", "normalization": "valid",
                            "grad_scale": "0.5"}, values=(None, [2., 3., 2., 4.])),
    Sample(((2, 3, 4), (2, 4)), {"multi_output": "True", "normalization": "batch"},
           values=(None, [0., 1., 2., 1., 2., 2., 0., 5.])),
    Sample(((2, 3, 4), (2, 3)), {"preserve_shape": "True", "smooth_alpha": "0.2"},
           values=(None, [0., 1., 2., 3., 3., 0.])),
    Sample(((3, 4), (3, 4)), {"out_grad": "True"}, values=(None, None)),
)

register(OpDef(
    name="SoftmaxOutput", aliases=("Softmax",), attrs=_SO_ATTRS,
    batching=_softmax_output_batched,
    inputs=("data", "label"), nondiff_inputs=("label",), is_loss=True,
    compute=_softmax_output, infer_shape=_softmax_output_shape, infer_dtype=_softmax_output_dtype,
    grad=_softmax_output_rule,
    doc="Softmax forward; backward (p - onehot(label)) * grad_scale / norm, ignoring the head gradient.",
    # the gradient is the loss gradient, not the Jacobian of the forward: checked via the helper
    samples=tuple(Sample(s.shapes, s.attrs, s.values, grad=False) for s in _SO_SAMPLES),
))

register(OpDef(
    name="_softmax_output_grad", attrs=_SO_ATTRS,
    batching=_so_label_batched(_softmax_output_grad),
    inputs=("data", "label"), nondiff_inputs=("label",),
    compute=_softmax_output_grad, infer_shape=_softmax_output_shape,
    infer_dtype=_softmax_output_dtype, grad=_softmax_output_grad_rule,
    doc="SoftmaxOutput's backward from the data (the softmax is recomputed), differentiable again.",
    samples=_SO_SAMPLES,
))

register(OpDef(
    name="_softmax_output_coef", attrs=_SO_ATTRS + (Attr("part", Enum("coef", "target"), "coef"),),
    batching=_so_label_batched(_softmax_output_coef),
    inputs=("data", "label"), nondiff_inputs=("label",),
    compute=_softmax_output_coef, infer_shape=_softmax_output_shape,
    infer_dtype=_softmax_output_dtype, grad=ZERO_GRADIENT,
    doc="SoftmaxOutput's per-element scale (part=coef) or target (part=target), in data's shape.",
    samples=(Sample(((4, 5), (4,)), {"use_ignore": "True", "ignore_label": "2"},
                    values=(None, [2., 3., 2., 4.])),
             Sample(((4, 5), (4,)), {"part": "target", "smooth_alpha": "0.1"},
                    values=(None, [2., 3., -1., 4.]))),
))


# == LinearRegressionOutput, LogisticRegressionOutput, MAERegressionOutput ========================
_REG_ATTRS = (Attr("grad_scale", Float(), 1.0),)
_REG_KINDS = {"LinearRegressionOutput": "linear", "LogisticRegressionOutput": "logistic",
              "MAERegressionOutput": "mae"}


def _regression_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    data = tuple(data)
    label = in_shapes[1]
    if label is None:
        # MXNet lets (N, 1) data take a 1-D label by default
        label = (data[0],) if len(data) == 2 and data[1] == 1 else data
    elif (len(label) == 0 or len(data) == 0 or label[0] != data[0]
          or (0 not in label and 0 not in data and _size(label) != _size(data))):
        raise ValueError(f"Shape inconsistent, Provided={fmt(label)}, inferred shape={fmt(data)}")
    return [data, tuple(label)], [data]


def _regression_forward(kind: str):
    def compute(ctx, p, data, label):
        if kind == "logistic":
            one = data.dtype.type(1)
            return one / (one + ctx.xp.exp(-data))
        return data
    return compute


def _regression_scale(p, data, label_shape) -> Any:
    """grad_scale / num_output in float32, as MXNet computes it (num_output = label.size/N)."""
    num_output = _F32(_size(label_shape) // label_shape[0]) if label_shape else _F32(1)
    return data.dtype.type(_F32(p.grad_scale) / num_output)


def _regression_diff(ctx, p, data, label, scale):
    """scale * (f(data) - label) (or its sign for MAE), `label` already in data's shape."""
    xp = ctx.xp
    out = _regression_forward(p.kind)(ctx, p, data, label)
    diff = out - label.astype(data.dtype, copy=False)
    if p.kind == "mae":  # MXNet's minus_sign: 1 if out > label else -1 (so -1 at a tie)
        diff = xp.where(diff > 0, data.dtype.type(1), data.dtype.type(-1))
    return diff * scale


def _regression_grad_op(ctx, p, data, label):
    scale = _regression_scale(p, data, label.shape)
    return _regression_diff(ctx, p, data, label.reshape(data.shape), scale)


def _regression_grad_batched(ctx, p, arrays, flags):
    xp, size = ctx.xp, batch_size(arrays, flags)
    data_item, label_item = (item_shape(a, f) for a, f in zip(arrays, flags))
    data, label = (lift(xp, a, f, size) for a, f in zip(arrays, flags))
    scale = _regression_scale(p, data, label_item)
    return _regression_diff(ctx, p, data, label.reshape((size,) + data_item), scale)


def _regression_coef_op(ctx, p, data, label):
    return ctx.xp.full(data.shape, _regression_scale(p, data, label.shape), dtype=data.dtype)


def _regression_coef_batched(ctx, p, arrays, flags):
    (data, label), size = arrays, batch_size(arrays, flags)
    shape = (size,) + item_shape(data, flags[0])
    return ctx.xp.full(shape, _regression_scale(p, data, item_shape(label, flags[1])), dtype=data.dtype)


def _regression_grad_rule(p, ins, outs, gs):
    """d/dx of scale*(f(x) - label): scale for linear, scale*s*(1-s) for logistic, 0 for MAE."""
    if p.kind == "mae":
        return [None, None]
    F = _F()
    data, label = ins
    scaled = gs[0] * F._regression_output_coef(data, label, grad_scale=format_value(p.grad_scale))
    if p.kind == "logistic":
        s = F.sigmoid(data)
        scaled = scaled * (s * (1.0 - s))
    return [scaled, None]


def _regression_rule(kind: str):
    def rule(p, ins, outs, gs):
        grad = _F()._regression_output_grad(ins[0], ins[1], kind=kind,
                                            grad_scale=format_value(p.grad_scale))
        return [grad, None]
    return rule


def _regression_forward_batched(kind: str):
    kernel = _regression_forward(kind)

    @unbatched_first(kernel, values=(0,))
    def rule(ctx, p, arrays, flags):
        return kernel(ctx, p, arrays[0], None)  # the label does not enter the forward
    return rule


for _name, _kind in _REG_KINDS.items():
    register(OpDef(
        name=_name, attrs=_REG_ATTRS, inputs=("data", "label"), nondiff_inputs=("label",),
        batching=_regression_forward_batched(_kind),
        is_loss=True, compute=_regression_forward(_kind), infer_shape=_regression_shape,
        grad=_regression_rule(_kind),
        doc=f"{_kind} regression head: backward grad_scale*(out - label)/num_output"
            + (" with sign()" if _kind == "mae" else "") + ", ignoring the head gradient.",
        samples=(Sample(((3, 4), (3, 4)), grad=False),
                 Sample(((3, 1), (3,)), {"grad_scale": "0.3"}, grad=False)),
    ))

register(OpDef(
    name="_regression_output_grad",
    batching=_regression_grad_batched,
    attrs=(Attr("kind", Enum("linear", "logistic", "mae")),) + _REG_ATTRS,
    inputs=("data", "label"), nondiff_inputs=("label",),
    compute=_regression_grad_op, infer_shape=_regression_shape, grad=_regression_grad_rule,
    doc="The regression heads' backward from the data, differentiable again.",
    samples=(Sample(((3, 4), (3, 4)), {"kind": "linear", "grad_scale": "0.5"}),
             Sample(((3, 1), (3,)), {"kind": "logistic"}),
             Sample(((2, 3), (2, 3)), {"kind": "mae"}, values=(None, [5., 5., 5., -5., -5., -5.]),
                    order2=False)),
))

register(OpDef(
    name="_regression_output_coef", attrs=_REG_ATTRS,
    batching=_regression_coef_batched,
    inputs=("data", "label"), nondiff_inputs=("label",),
    compute=_regression_coef_op, infer_shape=_regression_shape, grad=ZERO_GRADIENT,
    doc="grad_scale / num_output in data's shape (the regression heads' constant factor).",
    samples=(Sample(((2, 3, 4), (2, 12)), {"grad_scale": "2"}),),
))


# == MakeLoss, make_loss ===========================================================================
_MAKE_LOSS_ATTRS = (
    Attr("grad_scale", Float(), 1.0),
    Attr("valid_thresh", Float(), 0.0),
    Attr("normalization", Enum("null", "batch", "valid"), "null"),
)
_MAKE_LOSS_NAMES = tuple(a.name for a in _MAKE_LOSS_ATTRS)


def _identity(ctx, p, data):
    return data


def _make_loss_grad(ctx, p, data):
    xp = ctx.xp
    dtype = data.dtype
    if p.normalization == "valid":
        count = int((data > dtype.type(p.valid_thresh)).sum())
        value = dtype.type(_F32(p.grad_scale)) / dtype.type(max(count, 1))
    elif p.normalization == "batch":
        # MXNet divides by the rows of the data's 2-D view (prod(shape[:-1]), shape[-1]): 1 for 1-D
        rows = int(np.prod(data.shape[:-1])) if data.ndim > 1 else 1
        value = dtype.type(_F32(p.grad_scale) / _F32(rows))
    else:
        value = dtype.type(_F32(p.grad_scale))
    return xp.full(data.shape, value, dtype=dtype)


def _make_loss_grad_batched(ctx, p, arrays, flags):
    xp, data = ctx.xp, arrays[0]
    size, dtype = data.shape[0], data.dtype
    if p.normalization != "valid":  # the value depends on the shape alone
        return broadcast_out(xp, _make_loss_grad(ctx, p, data[0]), size)
    counts = (data > dtype.type(p.valid_thresh)).reshape(size, -1).sum(axis=1)
    value = dtype.type(_F32(p.grad_scale)) / xp.maximum(counts, 1).astype(dtype)
    return xp.broadcast_to(value.reshape((size,) + (1,) * (data.ndim - 1)), data.shape).copy()


register(OpDef(
    name="MakeLoss", attrs=_MAKE_LOSS_ATTRS, is_loss=True,
    batching=ELEMENTWISE,
    compute=_identity, infer_shape=unary_rule,
    grad=lambda p, ins, outs, gs: [_F()._make_loss_grad(ins[0], **_attr_strings(p, _MAKE_LOSS_NAMES))],
    doc="Identity forward; backward grad_scale/norm everywhere, ignoring the head gradient.",
    samples=(Sample(((3, 4),), grad=False),
             Sample(((3, 4),), {"normalization": "valid", "valid_thresh": "0.5"}, grad=False)),
))

register(OpDef(
    name="_make_loss_grad", attrs=_MAKE_LOSS_ATTRS, compute=_make_loss_grad, infer_shape=unary_rule,
    batching=_make_loss_grad_batched,
    grad=ZERO_GRADIENT, doc="MakeLoss's constant backward grad_scale/norm in data's shape.",
    samples=(Sample(((3, 4),), {"normalization": "batch", "grad_scale": "0.3"}),
             Sample(((3, 4),), {"normalization": "valid"})),
))

register(OpDef(
    name="make_loss", strict_attrs=False, is_loss=True, compute=_identity, infer_shape=unary_rule,
    batching=ELEMENTWISE,
    output_names=("loss",),  # MXNet lists its output as `<name>_loss`
    grad=lambda p, ins, outs, gs: [_F().ones_like(ins[0])],
    doc="Identity forward; backward all ones, ignoring the head gradient (any attrs accepted).",
    samples=(Sample(((3, 4),), {"anything": "goes"}, grad=False),),
))
