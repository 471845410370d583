"""Normalization, activation and dropout layers: BatchNorm, LayerNorm, InstanceNorm, L2Normalization,
Activation, LeakyReLU, Dropout (mxnet-format.md §6.12, §6.13, §6.16), plus the few helper operators
their gradient graphs are written with (per-channel broadcast/reduce and a train-mode gate).
"""
from __future__ import annotations

import math

import numpy as np  # dtype constants and MXNet's float32 parameter rounding only

from .attrs import Attr, Bool, Enum, Float, Int, Optional, Shape
from .registry import ELEMENTWISE, OpDef, Sample, register
from .rules import unary_rule


def _F():
    from ..symbol import F
    return F


def _f32(value: float) -> float:
    """MXNet declares most float parameters as C `float`: the value it computes with is rounded."""
    return float(np.float32(value))


def _shape_text(shape) -> str:
    return "(" + ",".join(str(d) for d in shape) + ")"


def _fill(given, inferred, what: str):
    """Merge an inferred shape into a slot, raising MXNet's inconsistency message on a conflict."""
    if inferred is None:
        return given
    if given is not None and len(given) == len(inferred) and all(
            g in (0, i) or i == 0 for g, i in zip(given, inferred)):
        return tuple(g if i == 0 else i for g, i in zip(given, inferred))
    if given is not None and tuple(given) != tuple(inferred):
        raise ValueError(f"Shape inconsistent for {what}, Provided = {_shape_text(given)}, "
                         f"inferred shape={_shape_text(inferred)}")
    return tuple(inferred)


def _float_kernel(fn):
    """Unary math on integer arrays is computed in float64, then truncated (MXNet §9)."""
    def kernel(ctx, p, x, *rest):
        if x.dtype.kind not in "iub":
            return fn(ctx, p, x, *rest)
        out = fn(ctx, p, x.astype(np.float64), *(r.astype(np.float64) for r in rest))
        if isinstance(out, tuple):
            return tuple(o.astype(x.dtype) for o in out)
        return out.astype(x.dtype)
    return kernel


# ==================================================================================================
# Helper operators for gradient graphs
# ==================================================================================================
# `_norm_spread(vec, like)` and `_norm_reduce(data, like)` are adjoint linear maps between a
# per-channel (or keepdims) statistic and a full tensor; `mean=True` divides by the element count.
# Their output takes `like`'s dtype, which is what BatchNorm's float32 statistics of float16 data need.

def _spread_view(vec, like_ndim: int, axis: int):
    if vec.ndim == like_ndim:
        return vec
    shape = [1] * like_ndim
    shape[axis % like_ndim] = vec.size
    return vec.reshape(shape)


def _norm_spread(ctx, p, vec, like):
    xp = ctx.xp
    out = xp.broadcast_to(_spread_view(vec, like.ndim, p.axis).astype(like.dtype, copy=False), like.shape)
    if p.mean:
        return out / like.dtype.type(like.size // max(vec.size, 1))
    return xp.array(out)  # a real array: later kernels may be handed it as a base


def _reduce_axes(data_shape, like_shape, axis: int) -> tuple[int, ...] | None:
    """Axes of `data` summed to reach `like`; None means "all but `axis`" for a channel vector."""
    if len(like_shape) == len(data_shape):
        return tuple(i for i, (d, l) in enumerate(zip(data_shape, like_shape)) if l == 1 and d != 1)
    if int(np.prod(like_shape)) == 1:
        return tuple(range(len(data_shape)))
    keep = axis % len(data_shape)
    return tuple(i for i in range(len(data_shape)) if i != keep)


def _norm_reduce(ctx, p, data, like):
    axes = _reduce_axes(data.shape, like.shape, p.axis)
    acc = data.astype(like.dtype, copy=False)
    out = acc.sum(axis=axes) if axes else acc.copy()
    out = out.reshape(like.shape)
    if p.mean:
        out = out / like.dtype.type(data.size // max(like.size, 1))
    return out


def _like_rule(p, in_shapes, out_shapes):
    """The output has the shape of input 1 (`like`)."""
    if in_shapes[1] is not None:
        return in_shapes, [tuple(in_shapes[1])]
    return in_shapes, out_shapes


def _like_dtype(p, in_dtypes, out_dtypes):
    if in_dtypes[1] is not None:
        return in_dtypes, [in_dtypes[1]]
    return in_dtypes, out_dtypes


_HELPER_ATTRS = (Attr("axis", Int(), 1), Attr("mean", Bool, False))


def _spread_grad(p, ins, outs, gs):
    return [_F()._norm_reduce(gs[0], ins[0], axis=p.axis, mean=p.mean), None]


def _reduce_grad(p, ins, outs, gs):
    return [_F()._norm_spread(gs[0], ins[0], axis=p.axis, mean=p.mean), None]


register(OpDef(
    name="_norm_spread", inputs=("data", "like"), nondiff_inputs=("like",), attrs=_HELPER_ATTRS,
    compute=_norm_spread, infer_shape=_like_rule, infer_dtype=_like_dtype, grad=_spread_grad,
    doc="Broadcast a per-channel vector (along `axis`) or a keepdims statistic to `like`'s shape "
        "and dtype; `mean` divides by the number of elements each value is spread over.",
    samples=(Sample(((3,), (2, 3, 4)), {"axis": "1"}), Sample(((2, 1, 4), (2, 3, 4)), {"mean": "True"}),
             Sample(((1,), (2, 3)), {"axis": "1"})),
))
register(OpDef(
    name="_norm_reduce", inputs=("data", "like"), nondiff_inputs=("like",), attrs=_HELPER_ATTRS,
    compute=_norm_reduce, infer_shape=_like_rule, infer_dtype=_like_dtype, grad=_reduce_grad,
    doc="Sum `data` down to `like`'s shape and dtype: over all axes but `axis` for a vector, over the "
        "size-1 axes of a keepdims `like`; `mean` divides by the number of elements summed.",
    samples=(Sample(((2, 3, 4), (3,)), {"axis": "1"}), Sample(((2, 3, 4), (2, 1, 4)), {"mean": "True"}),
             Sample(((2, 3), (1,)), {"axis": "1"})),
))


def _train_only(ctx, p, x):
    return x if ctx.is_train else ctx.xp.zeros_like(x)


register(OpDef(
    name="_train_only", compute=_train_only, infer_shape=unary_rule, batching=ELEMENTWISE,
    grad=lambda p, ins, outs, gs: [_F()._train_only(gs[0])],
    doc="The identity in training mode, zeros at inference: gates the batch-statistics terms of a "
        "gradient graph, which runs in the mode of its forward pass.",
    samples=(Sample(((2, 3),)),),
))


# ==================================================================================================
# BatchNorm
# ==================================================================================================
def _bn_axis(p, ndim: int) -> int:
    axis = getattr(p, "axis", 1)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for a {ndim}-d input")
    return axis % ndim


def _bn_compute(legacy: bool):
    def compute(ctx, p, x, gamma, beta, moving_mean, moving_var):
        xp = ctx.xp
        axis = _bn_axis(p, x.ndim)
        acc = gamma.dtype  # float32 for float16 data, the data's dtype otherwise
        reduce_axes = tuple(i for i in range(x.ndim) if i != axis)
        view = [1] * x.ndim
        view[axis] = x.shape[axis]
        xa = x.astype(acc, copy=False)
        if ctx.is_train and not p.use_global_stats:
            mean = xa.mean(axis=reduce_axes)
            centered = xa - mean.reshape(view)
            var = (centered * centered).mean(axis=reduce_axes)
        else:
            mean = moving_mean.astype(acc, copy=False)
            var = moving_var.astype(acc, copy=False)
            centered = xa - mean.reshape(view)
        invstd = 1.0 / xp.sqrt(var + acc.type(p.eps))
        scale = invstd if p.fix_gamma else gamma * invstd
        out = centered * scale.reshape(view) + beta.reshape(view)
        third = var if legacy else invstd  # BatchNorm_v1 reports the variance itself
        return out.astype(x.dtype, copy=False), mean, third.astype(acc, copy=False)
    return compute


def _bn_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    axis = _bn_axis(p, len(data))
    channel = (data[axis],)
    names = ("data", "gamma", "beta", "moving_mean", "moving_var")
    ins = [_fill(in_shapes[0], data, "data")]
    ins += [_fill(s, channel, names[k + 1]) for k, s in enumerate(in_shapes[1:])]
    outs = [_fill(out_shapes[0], data, "output"), _fill(out_shapes[1], channel, "mean"),
            _fill(out_shapes[2], channel, "var")]
    return ins, outs


def _acc_dtype(dtype: str) -> str:
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def _bn_dtype(p, in_dtypes, out_dtypes):
    data = in_dtypes[0] if in_dtypes[0] is not None else out_dtypes[0]
    if data is None:
        return in_dtypes, out_dtypes
    acc = _acc_dtype(data)
    return [data] + [acc] * 4, [data, acc, acc]


def _bn_update_aux(legacy: bool):
    def update(ctx, p, inputs, outputs):
        if p.use_global_stats:
            return {}
        moving_mean, moving_var = inputs[3], inputs[4]
        mean, third = outputs[1], outputs[2]
        # MXNet recovers the variance from the saved inverse std: 1/invstd^2 - eps
        var = third if legacy else 1.0 / (third * third) - third.dtype.type(p.eps)
        momentum = _f32(p.momentum)
        new_mean = moving_mean * momentum + mean.astype(moving_mean.dtype) * (1.0 - momentum)
        new_var = moving_var * momentum + var.astype(moving_var.dtype) * (1.0 - momentum)
        return {3: new_mean.astype(moving_mean.dtype), 4: new_var.astype(moving_var.dtype)}
    return update


def _bn_grad(legacy: bool):
    def grad(p, ins, outs, gs):
        """dx = g·invstd·(dy - [train] mean(dy) - [train] x̂·mean(dy·x̂)), dγ = Σdy·x̂, dβ = Σdy.

        Written on the forward's mean/invstd outputs, which hold the batch statistics in training
        and the moving ones at inference; the batch-statistics terms (and the gradients flowing
        into the mean/var outputs, which second order produces) pass through `_train_only`.
        """
        F = _F()
        x, gamma = ins[0], ins[1]
        mean, third = outs[1], outs[2]
        gy, g_mean, g_third = gs
        axis = getattr(p, "axis", 1)

        def spread(v, mean_flag=False):
            return F._norm_spread(v, x, axis=axis, mean=mean_flag)

        def reduce(v, mean_flag=False):
            return F._norm_reduce(v, gamma, axis=axis, mean=mean_flag)

        invstd = F._power_scalar(third + p.eps, scalar=-0.5) if legacy else third
        xhat = (x - spread(mean)) * spread(invstd)
        scale = invstd if p.fix_gamma else gamma * invstd
        dy_xhat = gy * xhat
        d_beta = reduce(gy)
        d_gamma = None if p.fix_gamma else reduce(dy_xhat)
        dx = gy * spread(scale)
        if not p.use_global_stats:
            extra = -(spread(scale * reduce(gy, True)) + xhat * spread(scale * reduce(dy_xhat, True)))
            terms = [extra]
            if g_mean is not None:
                terms.append(spread(g_mean, True))  # d mean / dx = 1/N
            if g_third is not None:
                if legacy:  # d var / dx = 2 (x - mean) / N
                    terms.append((x - spread(mean)) * spread(g_third * 2.0, True))
                else:  # d invstd / dx = -invstd^2 x̂ / N
                    terms.append(-(xhat * spread(g_third * invstd * invstd, True)))
            dx = dx + F._train_only(terms[0] if len(terms) == 1 else F.add_n(*terms))
        return [dx, d_gamma, d_beta, None, None]
    return grad


def _bn_visible(p) -> int:
    return 3 if p.output_mean_var else 1


_BN_COMMON = (
    Attr("momentum", Float(), 0.9),
    Attr("fix_gamma", Bool, True),
    Attr("use_global_stats", Bool, False),
    Attr("output_mean_var", Bool, False),
)
_BN_SAMPLES = (
    Sample(((2, 3, 4), (3,), (3,), (3,), (3,)), {"fix_gamma": "False"}, low=0.5, high=2.0),
    Sample(((2, 3, 2, 2), (3,), (3,), (3,), (3,)), {}, low=0.5, high=2.0),
    Sample(((2, 3, 4), (4,), (4,), (4,), (4,)), {"axis": "-1", "fix_gamma": "False",
                                                 "output_mean_var": "True"}, low=0.5, high=2.0),
    Sample(((4, 3), (3,), (3,), (3,), (3,)), {"use_global_stats": "True", "fix_gamma": "False"},
           low=0.5, high=2.0),
)

# MXNet stamps initializers on the moving statistics it creates (mxnet-format.md §1.5)
_BN_INIT = {"moving_mean": {"__init__": '["zero", {}]'}, "moving_var": {"__init__": '["one", {}]'}}

register(OpDef(
    name="BatchNorm",
    attrs=(Attr("eps", Float(), _f32(1e-3)),) + _BN_COMMON + (
        Attr("axis", Int(), 1), Attr("cudnn_off", Bool, False),
        Attr("min_calib_range", Optional(Float()), None), Attr("max_calib_range", Optional(Float()), None)),
    inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
    aux_inputs=("moving_mean", "moving_var"), input_var_attrs=_BN_INIT,
    num_outputs=3, num_visible=_bn_visible, output_names=("output", "mean", "var"),
    compute=_bn_compute(False), infer_shape=_bn_shape, infer_dtype=_bn_dtype,
    grad=_bn_grad(False), update_aux=_bn_update_aux(False),
    doc="Batch normalization over all axes but `axis`: batch statistics (biased variance) in "
        "training, moving statistics at inference or with use_global_stats; fix_gamma uses gamma=1. "
        "The moving statistics are updated by a training backward. output_mean_var adds the mean "
        "and 1/sqrt(var+eps) outputs.",
    samples=_BN_SAMPLES,
))

register(OpDef(
    name="BatchNorm_v1",
    attrs=(Attr("eps", Float(), _f32(1e-3)),) + _BN_COMMON,
    inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
    aux_inputs=("moving_mean", "moving_var"), input_var_attrs=_BN_INIT,
    num_outputs=3, num_visible=_bn_visible, output_names=("output", "mean", "var"),
    compute=_bn_compute(True), infer_shape=_bn_shape, infer_dtype=_bn_dtype,
    grad=_bn_grad(True), update_aux=_bn_update_aux(True),
    doc="The deprecated BatchNorm (channel axis 1); its var output is the batch variance itself.",
    samples=(Sample(((2, 3, 2, 2), (3,), (3,), (3,), (3,)), {"fix_gamma": "False",
                                                             "output_mean_var": "True"},
                    low=0.5, high=2.0),),
))


# ==================================================================================================
# LayerNorm, InstanceNorm: statistics over some axes, kept as hidden (keepdims) outputs
# ==================================================================================================
def _moments(xp, x, axes, eps: float):
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    std = xp.sqrt((centered * centered).mean(axis=axes, keepdims=True) + x.dtype.type(eps))
    return mean, centered, std


def _layer_norm(ctx, p, x, gamma, beta):
    axis = p.axis % x.ndim
    mean, centered, std = _moments(ctx.xp, x, (axis,), _f32(p.eps))
    view = [1] * x.ndim
    view[axis] = x.shape[axis]
    out = centered / std * gamma.reshape(view) + beta.reshape(view)
    return out.astype(x.dtype, copy=False), mean, std


def _instance_norm(ctx, p, x, gamma, beta):
    axes = tuple(range(2, x.ndim))
    mean, centered, std = _moments(ctx.xp, x, axes, _f32(p.eps))
    view = [1] * x.ndim
    view[1] = x.shape[1]
    out = centered / std * gamma.reshape(view) + beta.reshape(view)
    return out.astype(x.dtype, copy=False), mean, std


def _moments_grad(gamma_axis_of):
    """Gradient of y = γ·(x-m)/σ + β with m, σ over some axes of x (hidden keepdims outputs)."""
    def grad(p, ins, outs, gs):
        F = _F()
        x, gamma, beta = ins
        mean, std = outs[1], outs[2]
        gy, g_mean, g_std = gs
        axis = gamma_axis_of(p)
        spread_std = F._norm_spread(std, x)
        xhat = (x - F._norm_spread(mean, x)) / spread_std

        def centered_mean(v):  # the mean of v over the normalized axes, spread back
            return F._norm_spread(F._norm_reduce(v, mean, mean=True), x)

        g_xhat = gy * F._norm_spread(gamma, x, axis=axis)
        dx = (g_xhat - centered_mean(g_xhat) - xhat * centered_mean(g_xhat * xhat)) / spread_std
        terms = [dx]
        if g_mean is not None:
            terms.append(F._norm_spread(g_mean, x, mean=True))  # d mean / dx = 1/N
        if g_std is not None:
            terms.append(xhat * F._norm_spread(g_std, x, mean=True))  # d std / dx = x̂/N
        dx = terms[0] if len(terms) == 1 else F.add_n(*terms)
        d_gamma = F._norm_reduce(gy * xhat, gamma, axis=axis)
        d_beta = F._norm_reduce(gy, beta, axis=axis)
        return [dx, d_gamma, d_beta]
    return grad


def _stats_shape(stat_shape_of, gamma_axis_of, names):
    def rule(p, in_shapes, out_shapes):
        data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
        if data is None:
            return in_shapes, out_shapes
        axis = gamma_axis_of(p) % len(data)
        channel = (data[axis],)
        stat = stat_shape_of(p, data)
        ins = [_fill(in_shapes[0], data, "data"), _fill(in_shapes[1], channel, "gamma"),
               _fill(in_shapes[2], channel, "beta")]
        outs = [_fill(out_shapes[0], data, "output"), _fill(out_shapes[1], stat, names[1]),
                _fill(out_shapes[2], stat, names[2])]
        return ins, outs
    return rule


def _ln_stat_shape(p, data):
    shape = list(data)
    shape[p.axis % len(data)] = 1
    return tuple(shape)


def _in_stat_shape(p, data):
    if len(data) < 3:
        raise ValueError(f"InstanceNorm needs an input of at least 3 dimensions, got {_shape_text(data)}")
    return tuple(data[:2]) + (1,) * (len(data) - 2)


def _layer_norm_axis(p):
    return p.axis


register(OpDef(
    name="LayerNorm",
    attrs=(Attr("axis", Int(), -1), Attr("eps", Float(), _f32(1e-5)), Attr("output_mean_var", Bool, False)),
    inputs=("data", "gamma", "beta"),
    num_outputs=3, num_visible=lambda p: 3 if p.output_mean_var else 1,
    output_names=("output", "mean", "std"),
    compute=_layer_norm, infer_shape=_stats_shape(_ln_stat_shape, _layer_norm_axis, ("out", "mean", "std")),
    grad=_moments_grad(_layer_norm_axis),
    doc="Layer normalization along `axis`: gamma·(x-mean)/sqrt(var+eps)+beta; the mean and std "
        "outputs keep the normalized axis as size 1.",
    samples=(Sample(((2, 3, 4), (4,), (4,))),
             Sample(((2, 3, 4), (3,), (3,)), {"axis": "1", "output_mean_var": "True"})),
))

register(OpDef(
    name="InstanceNorm",
    attrs=(Attr("eps", Float(), _f32(1e-3)),),
    inputs=("data", "gamma", "beta"),
    num_outputs=3, num_visible=1, output_names=("output", "mean", "var"),
    compute=_instance_norm, infer_shape=_stats_shape(_in_stat_shape, lambda p: 1, ("out", "mean", "std")),
    grad=_moments_grad(lambda p: 1),
    doc="Instance normalization: each (sample, channel) over its spatial axes, then gamma and beta "
        "per channel (axis 1).",
    samples=(Sample(((2, 3, 4), (3,), (3,))), Sample(((2, 2, 2, 3), (2,), (2,)))),
))


# ==================================================================================================
# L2Normalization
# ==================================================================================================
def _l2_axes(mode: str, ndim: int) -> tuple[int, ...]:
    if mode == "instance":
        return tuple(range(1, ndim))
    if mode == "channel":
        return (1,)
    return tuple(range(2, ndim))


def _l2_norm(ctx, p, x):
    xp = ctx.xp
    axes = _l2_axes(p.mode, x.ndim)
    norm = xp.sqrt((x * x).sum(axis=axes, keepdims=True) + x.dtype.type(_f32(p.eps)))
    return (x / norm).astype(x.dtype, copy=False), norm


def _l2_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    if p.mode != "instance" and len(data) < (2 if p.mode == "channel" else 3):
        raise ValueError(f"L2Normalization mode={p.mode} needs more dimensions than {_shape_text(data)}")
    axes = _l2_axes(p.mode, len(data))
    norm = tuple(1 if i in axes else d for i, d in enumerate(data))
    return [_fill(in_shapes[0], data, "data")], [_fill(out_shapes[0], data, "output"),
                                                 _fill(out_shapes[1], norm, "norm")]


def _l2_grad(p, ins, outs, gs):
    """y = x/n, n = sqrt(Σx²+eps): dx = (dy - y·Σ(dy·y))/n (+ y·dn for a gradient into n)."""
    F = _F()
    x = ins[0]
    y, norm = outs
    gy, g_norm = gs
    spread_norm = F._norm_spread(norm, x)
    dx = (gy - y * F._norm_spread(F._norm_reduce(gy * y, norm), x)) / spread_norm
    if g_norm is not None:
        dx = dx + y * F._norm_spread(g_norm, x)
    return [dx]


register(OpDef(
    name="L2Normalization",
    attrs=(Attr("eps", Float(), _f32(1e-10)),
           Attr("mode", Enum("channel", "instance", "spatial"), "instance")),
    num_outputs=2, num_visible=1, output_names=("output", "norm"),
    compute=_l2_norm, infer_shape=_l2_shape, grad=_l2_grad,
    doc="x / sqrt(sum(x^2) + eps) over all axes but 0 (instance), axis 1 (channel) or axes 2.. (spatial).",
    samples=(Sample(((2, 3, 4),)), Sample(((2, 3, 4),), {"mode": "channel"}),
             Sample(((2, 3, 2, 2),), {"mode": "spatial"})),
))


# ==================================================================================================
# Activation
# ==================================================================================================
def _activation(ctx, p, x):
    xp = ctx.xp
    kind = p.act_type
    if kind == "relu":
        return xp.maximum(x, x.dtype.type(0))
    if kind == "sigmoid":
        return 1 / (1 + xp.exp(-x))
    if kind == "tanh":
        return xp.tanh(x)
    if kind == "softrelu":  # MXNet returns x itself above 20
        return xp.where(x > 20, x, xp.log1p(xp.exp(xp.minimum(x, x.dtype.type(20)))))
    return x / (1 + xp.abs(x))  # softsign


def _step(F, x):
    """1 where x > 0, else 0 (zero gradient): the relu derivative, 0 at 0 as in MXNet."""
    return F._greater_scalar(x, scalar=0.0)


def _activation_grad(p, ins, outs, gs):
    F = _F()
    x, y, gy = ins[0], outs[0], gs[0]
    kind = p.act_type
    if kind == "relu":
        return [gy * _step(F, y)]
    if kind == "sigmoid":
        return [gy * (y * (1.0 - y))]
    if kind == "tanh":
        return [gy * (1.0 - y * y)]
    if kind == "softrelu":
        return [gy * F.Activation(x, act_type="sigmoid")]
    # softsign: 1/(1+|x|)^2 = (1-|y|)^2, with |y| = relu(y) + relu(-y)
    one_minus_abs = 1.0 - (F.Activation(y, act_type="relu") + F.Activation(-y, act_type="relu"))
    return [gy * (one_minus_abs * one_minus_abs)]


register(OpDef(
    name="Activation",
    attrs=(Attr("act_type", Enum("relu", "sigmoid", "softrelu", "softsign", "tanh")),),
    compute=_float_kernel(_activation), infer_shape=unary_rule, grad=_activation_grad,
    batching=ELEMENTWISE,
    doc="relu, sigmoid, tanh, softrelu (log(1+exp(x)), x itself above 20) or softsign (x/(1+|x|)).",
    samples=(Sample(((2, 3),), {"act_type": "relu"}, low=0.1, high=2.0),
             Sample(((2, 3),), {"act_type": "relu"}, values=([[-1.0, 2.0, -0.5], [0.7, -2.0, 1.5]],),
                    order2=False),
             Sample(((2, 3),), {"act_type": "sigmoid"}),
             Sample(((2, 3),), {"act_type": "tanh"}),
             Sample(((2, 3),), {"act_type": "softrelu"}, low=-3.0, high=3.0),
             Sample(((2, 3),), {"act_type": "softsign"}, low=0.2, high=2.0),
             Sample(((2, 3),), {"act_type": "softsign"}, low=-2.0, high=-0.2)),
))


# ==================================================================================================
# LeakyReLU
# ==================================================================================================
# MXNet's selu constants are C floats, so float64 data sees them rounded to float32
_SELU_LAMBDA = _f32(1.0507009873554804934193349852946)
_SELU_ALPHA = _f32(1.6732632423543772848170429916717)


def _erf(xp, x):
    """Vectorized erf (W. J. Cody's rational approximations; float64 relative error ~1e-16)."""
    a = xp.abs(x.astype(np.float64))
    out = xp.empty_like(a)
    small = a < 0.5
    z = a[small] * a[small]
    num = ((((1.857777061846031526730e-1 * z + 3.161123743870565596947e0) * z
             + 1.138641541510501556495e2) * z + 3.774852376853020208137e2) * z
           + 3.209377589138469472562e3)
    den = ((((z + 2.360129095234412093499e1) * z + 2.440246379344441733056e2) * z
            + 1.282616526077372275645e3) * z + 2.844236833439170622273e3)
    out[small] = a[small] * num / den
    mid = (a >= 0.5) & (a < 4.0)
    t = a[mid]
    num = ((((((((2.15311535474403846343e-8 * t + 5.64188496988670089180e-1) * t
                 + 8.88314979438837594118e0) * t + 6.61191906371416294775e1) * t
               + 2.98635138197400131132e2) * t + 8.81952221241769090411e2) * t
             + 1.71204761263407058314e3) * t + 2.05107837782607146532e3) * t
           + 1.23033935479799725272e3)
    den = ((((((((t + 1.57449261107098347253e1) * t + 1.17693950891312499305e2) * t
                + 5.37181101862009857509e2) * t + 1.62138957456669018874e3) * t
              + 3.29079923573345962678e3) * t + 4.36261909014324715820e3) * t
            + 3.43936767414372163696e3) * t + 1.23033935480374942043e3)
    out[mid] = 1.0 - xp.exp(-t * t) * num / den
    big = a >= 4.0
    t = a[big]
    z = 1.0 / (t * t)
    num = (((((1.63153871373020978498e-2 * z + 3.05326634961232344035e-1) * z
              + 3.60344899949804439429e-1) * z + 1.25781726111229246204e-1) * z
            + 1.60837851487422766278e-2) * z + 6.58749161529837803157e-4)
    den = (((((z + 2.56852019228982242072e0) * z + 1.87295284992346725209e0) * z
             + 5.27905102951428412248e-1) * z + 6.05183413124413191178e-2) * z
           + 2.33520497626869185443e-3)
    r = (1.0 / math.sqrt(math.pi) - z * num / den) / t
    out[big] = 1.0 - xp.exp(-t * t) * r
    return xp.where(x < 0, -out, out)


def _prelu_gamma_view(gamma, x):
    if gamma.size == 1 or x.ndim < 2 or gamma.ndim == x.ndim:
        return gamma.reshape(()) if gamma.size == 1 and gamma.ndim != x.ndim else gamma
    view = [1] * x.ndim
    view[1] = gamma.size
    return gamma.reshape(view)


def _leaky_relu(ctx, p, x, *gamma):
    xp = ctx.xp
    kind = p.act_type
    zero = x.dtype.type(0)
    if kind == "leaky":
        return xp.where(x > zero, x, x * x.dtype.type(_f32(p.slope)))
    if kind == "prelu":
        return xp.where(x > zero, x, x * _prelu_gamma_view(gamma[0], x)).astype(x.dtype, copy=False)
    if kind == "elu":
        return xp.where(x > zero, x, x.dtype.type(_f32(p.slope)) * xp.expm1(xp.minimum(x, zero)))
    if kind == "selu":
        neg = x.dtype.type(_SELU_ALPHA) * xp.expm1(xp.minimum(x, zero))
        return x.dtype.type(_SELU_LAMBDA) * xp.where(x > zero, x, neg)
    if kind == "gelu":
        return (0.5 * x * (1.0 + _erf(xp, x / math.sqrt(2.0)))).astype(x.dtype, copy=False)
    # rrelu: a random slope per element in training, the mean slope at inference
    lower, upper = _f32(p.lower_bound), _f32(p.upper_bound)
    if ctx.is_train:
        mask = ctx.rng.uniform(lower, upper, size=x.shape).astype(x.dtype)
        return xp.where(x > zero, x, x * mask), mask
    out = xp.where(x > zero, x, x * x.dtype.type((lower + upper) / 2))
    return out, xp.zeros_like(x)  # MXNet leaves the mask at zero at inference


def _leaky_inputs(p):
    return ("data", "gamma") if p.act_type == "prelu" else ("data",)


def _leaky_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    ins = [_fill(in_shapes[0], data, "data")]
    if p.act_type == "prelu":
        gamma = in_shapes[1]
        if gamma is None:
            gamma = (data[1],) if len(data) >= 2 else (1,)
        elif not (int(np.prod(gamma)) == 1 or tuple(gamma) == tuple(data)
                  or (len(data) >= 2 and tuple(gamma) == (data[1],))):
            raise ValueError(f"prelu gamma of shape {_shape_text(gamma)} does not fit data "
                             f"{_shape_text(data)}: expected ({data[1] if len(data) >= 2 else 1},) or (1,)")
        ins.append(tuple(gamma))
    outs = [_fill(out_shapes[0], data, "output")]
    if p.act_type == "rrelu":
        outs.append(_fill(out_shapes[1], data, "mask"))
    return ins, outs


def _leaky_grad(p, ins, outs, gs):
    F = _F()
    x, y, gy = ins[0], outs[0], gs[0]
    kind = p.act_type
    pos = _step(F, x)
    neg = 1.0 - pos
    if kind == "leaky":
        return [gy * (pos * (1.0 - _f32(p.slope)) + _f32(p.slope))]
    if kind == "prelu":
        gamma = ins[1]
        dx = gy * (pos + neg * F._norm_spread(gamma, x, axis=1))
        d_gamma = F._norm_reduce(gy * (x * neg), gamma, axis=1)
        return [dx, d_gamma]
    if kind == "elu":  # slope·e^x = y + slope below 0
        return [gy * (pos + neg * (y + _f32(p.slope)))]
    if kind == "selu":  # λα·e^x = y + λα below 0
        return [gy * (pos * _SELU_LAMBDA + neg * (y + _SELU_LAMBDA * _SELU_ALPHA))]
    if kind == "gelu":  # Φ(x) + x·φ(x)
        cdf = (F.erf(x * (1.0 / math.sqrt(2.0))) + 1.0) * 0.5
        pdf = F.exp((x * x) * -0.5) * (1.0 / math.sqrt(2.0 * math.pi))
        return [gy * (cdf + x * pdf)]
    # rrelu: the mask's slopes in training, the mean slope at inference
    mean_slope = (_f32(p.lower_bound) + _f32(p.upper_bound)) / 2
    slope = F._train_only(outs[1] - mean_slope) + mean_slope
    return [gy * (pos + neg * slope)]


register(OpDef(
    name="LeakyReLU",
    attrs=(Attr("act_type", Enum("elu", "gelu", "leaky", "prelu", "rrelu", "selu"), "leaky"),
           Attr("slope", Float(), 0.25), Attr("lower_bound", Float(), 0.125),
           Attr("upper_bound", Float(), 0.334)),
    inputs=_leaky_inputs, input_var_attrs={"gamma": {"__init__": '["Constant", {"value": 0.25}]'}},
    num_outputs=lambda p: 2 if p.act_type == "rrelu" else 1,
    output_names=lambda p: ("output", "mask") if p.act_type == "rrelu" else ("output",),
    compute=_float_kernel(_leaky_relu), infer_shape=_leaky_shape, grad=_leaky_grad,
    doc="leaky (slope·x below 0), prelu (learned gamma per channel), elu, selu, gelu (erf form), "
        "rrelu (random slope in [lower, upper] in training, their mean at inference).",
    samples=(Sample(((2, 3),), {"act_type": "leaky", "slope": "0.1"}, low=0.2, high=2.0),
             Sample(((2, 3),), {}, values=([[-1.0, 2.0, -0.5], [0.7, -2.0, 1.5]],), order2=False),
             Sample(((2, 3, 2), (3,)), {"act_type": "prelu"}, low=-2.0, high=-0.1),
             Sample(((2, 3), (1,)), {"act_type": "prelu"}, values=([[-1.0, 2.0, -0.5], [0.7, -2.0, 1.5]],),
                    order2=False),
             Sample(((2, 3),), {"act_type": "elu", "slope": "0.5"}, low=-2.0, high=-0.1),
             Sample(((2, 3),), {"act_type": "selu"}, low=-2.0, high=-0.1),
             Sample(((2, 3),), {"act_type": "selu"}, low=0.1, high=2.0),
             Sample(((2, 3),), {"act_type": "gelu"}),
             Sample(((2, 3),), {"act_type": "rrelu"}, low=-2.0, high=-0.1)),
))


# ==================================================================================================
# Dropout
# ==================================================================================================
def _dropout(ctx, p, x):
    xp = ctx.xp
    if not (ctx.is_train or p.mode == "always"):
        return x, xp.ones_like(x)
    mask_shape = tuple(1 if i in {a % x.ndim for a in p.axes} else d for i, d in enumerate(x.shape))
    keep = 1.0 - _f32(p.p)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = x.dtype.type(np.float64(1.0) / keep) if keep > 0 else x.dtype.type(np.inf)
        kept = (ctx.rng.random(mask_shape) < keep).astype(x.dtype)
        mask = xp.asarray(kept * scale)  # p=1 gives 0·inf = NaN, as MXNet does
        mask = xp.ascontiguousarray(xp.broadcast_to(mask, x.shape))
        return x * mask, mask


def _dropout_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]  # as in MXNet, nothing is inferred back from the output
    if data is None:
        return in_shapes, out_shapes
    return [_fill(in_shapes[0], data, "data")], [_fill(out_shapes[0], data, "output"),
                                                 _fill(out_shapes[1], data, "mask")]


register(OpDef(
    name="Dropout",
    attrs=(Attr("p", Float(0.0, 1.0), 0.5), Attr("mode", Enum("always", "training"), "training"),
           Attr("axes", Shape, ()), Attr("cudnn_off", Optional(Bool), False)),
    num_outputs=2, num_visible=1, output_names=("output", "mask"),
    compute=_dropout, infer_shape=_dropout_shape,
    grad=lambda p, ins, outs, gs: [gs[0] * outs[1]],
    doc="Zero each element with probability p and scale the rest by 1/(1-p) in training (or always "
        "with mode='always'); the identity otherwise. `axes` share one mask value along those axes.",
    samples=(Sample(((2, 3),), {"p": "0.3"}),
             Sample(((2, 3, 4),), {"p": "0.5", "mode": "always", "axes": "(1,)"})),
))
