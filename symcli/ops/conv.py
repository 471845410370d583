"""Spatial network layers: Convolution, Deconvolution, Pooling, UpSampling (1-D to 3-D, NC* layouts).

Convolutions are patch extraction (strided views of a padded input) feeding BLAS matmuls; their
gradients are private ops of the same kind (`_conv_data_grad`, `_conv_weight_grad`, ...) whose own
gradients close over the set, so any order of differentiation works (WGAN-GP needs grad of grad).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .attrs import Attr, Bool, Enum, Int, Optional, Shape, format_value
from .registry import OpDef, Sample, register

# -- attributes ------------------------------------------------------------------------------------
_CONV_LAYOUTS = ("NCDHW", "NCHW", "NCW", "NDHWC", "NHWC")
_CHANNEL_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}

_GEOMETRY_ATTRS = (
    Attr("kernel", Shape),
    Attr("stride", Shape, ()),
    Attr("dilate", Shape, ()),
    Attr("pad", Shape, ()),
)
_CUDNN_ATTRS = (
    Attr("cudnn_tune", Optional(Enum("fastest", "limited_workspace", "off")), None),
    Attr("cudnn_off", Bool, False),
)


def _F():
    from ..symbol import F
    return F


# -- geometry (plain Python integers) --------------------------------------------------------------
@dataclass(frozen=True)
class Geometry:
    """Per spatial dimension: kernel, stride, dilation and the zero padding before the data.

    A correlation maps the "big" side B to the "small" side S: S[o] = sum_k w[k] * B[o*s + k*d - pad].
    Convolution goes big -> small, Deconvolution (its transpose) small -> big.
    """

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilate: tuple[int, ...]
    pad: tuple[int, ...]

    @property
    def ndim(self) -> int:
        return len(self.kernel)

    def span(self, small: Sequence[int]) -> tuple[int, ...]:
        """Length of the padded big side that `small` output positions read."""
        return tuple(s * (o - 1) + d * (k - 1) + 1
                     for s, o, d, k in zip(self.stride, small, self.dilate, self.kernel))


def _per_dim(value: tuple[int, ...], nd: int, default: int, name: str, kernel: tuple[int, ...]) -> tuple:
    if not value:
        return (default,) * nd
    if len(value) != nd:
        raise ValueError(f"{name} must have the same number of dimensions as kernel, "
                         f"but kernel is {format_value(kernel)} while {name} is {format_value(value)}")
    return tuple(value)


def _geometry(p: Any) -> Geometry:
    """The kernel geometry from the attributes (1-D to 3-D), checked as MXNet checks it."""
    kernel = tuple(p.kernel)
    nd = len(kernel)
    if not 1 <= nd <= 3:
        raise ValueError(f"{nd}D kernel {format_value(kernel)} is not supported (1-D to 3-D only)")
    stride = _per_dim(p.stride, nd, 1, "stride", kernel)
    dilate = _per_dim(tuple(p.get("dilate") or ()), nd, 1, "dilate", kernel)
    pads = _per_dim(p.pad, nd, 0, "pad", kernel)
    if min(kernel) < 1:
        raise ValueError(f"incorrect kernel size: {format_value(kernel)}")
    if min(stride) < 1:
        raise ValueError(f"incorrect stride size: {format_value(stride)}")
    if min(dilate) < 1:
        raise ValueError(f"incorrect dilate size: {format_value(dilate)}")
    if min(pads) < 0:
        raise ValueError(f"incorrect pad size: {format_value(pads)}")
    return Geometry(kernel, stride, dilate, pads)


def _check_layout(p: Any, nd: int) -> None:
    layout = p.get("layout")
    if layout is not None and layout != _CHANNEL_FIRST[nd]:
        raise ValueError(f"layout {layout} is not supported for a {nd}-D kernel "
                         f"(symcli runs channel-first layouts only: {_CHANNEL_FIRST[nd]})")


def _conv_out_dim(n: int, k: int, s: int, d: int, pad: int) -> int:
    if n == 0:
        return 0  # unknown stays unknown
    dk = d * (k - 1) + 1
    if dk > n + 2 * pad:
        raise ValueError(f"kernel size exceed input: dilated kernel {dk} > input {n} padded to {n + 2 * pad}")
    return (n + 2 * pad - dk) // s + 1


def _deconv_pads(p: Any, geom: Geometry, small: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(pad, adj) of a transposed convolution; `target_shape` overrides both (mxnet-format §6.15)."""
    target = tuple(p.get("target_shape") or ())
    nd = geom.ndim
    if target and any(target):
        if len(target) != nd:
            raise ValueError(f"target_shape {format_value(target)} must have {nd} dimensions")
        if not all(target):
            raise ValueError(f"target_shape {format_value(target)} mixes zero and non-zero sizes")
        pads, adjs = [], []
        for s, n, d, k, t in zip(geom.stride, small, geom.dilate, geom.kernel, target):
            full = s * (n - 1) + d * (k - 1) + 1
            if full < t:
                raise ValueError(f"too big target shape: {t} > {full}")
            pads.append((full - t + 1) // 2)
            adjs.append((full - t) % 2)
        return tuple(pads), tuple(adjs)
    adj = _per_dim(tuple(p.get("adj") or ()), nd, 0, "adj", geom.kernel)
    for a, s in zip(adj, geom.stride):
        if a >= s:
            raise ValueError(f"adj {format_value(adj)} must be smaller than stride {format_value(geom.stride)}")
    return geom.pad, adj


def _resolved(p: Any, small: Sequence[int]) -> Geometry:
    """Geometry of a private op, whose `target_shape` (from a Deconvolution) decides the padding."""
    geom = _geometry(p)
    if p.get("target_shape") and any(p.target_shape):
        pads, _ = _deconv_pads(p, geom, small)
        geom = Geometry(geom.kernel, geom.stride, geom.dilate, pads)
    return geom


# -- array kernels ---------------------------------------------------------------------------------
def _pad_to(xp: Any, x: Any, before: Sequence[int], total: Sequence[int], fill: float = 0) -> Any:
    """out[..., i] = x[..., i - before] on the spatial axes (length `total`), `fill` outside x.

    Negative `before` crops the start; a short `total` crops the end. No copy when only cropping.
    """
    lead = (slice(None),) * (x.ndim - len(total))
    src, dst, needs_fill = [], [], False
    for b, n, t in zip(before, x.shape[x.ndim - len(total):], total):
        lo_src, lo_dst = max(-b, 0), max(b, 0)
        length = max(min(n - lo_src, t - lo_dst), 0)
        src.append(slice(lo_src, lo_src + length))
        dst.append(slice(lo_dst, lo_dst + length))
        needs_fill = needs_fill or lo_dst > 0 or lo_dst + length < t
    if not needs_fill:
        return x[lead + tuple(src)]
    out = xp.full(x.shape[:x.ndim - len(total)] + tuple(total), fill, dtype=x.dtype)
    out[lead + tuple(dst)] = x[lead + tuple(src)]
    return out


def _strided(xp: Any, x: Any, shape: tuple, strides: tuple) -> Any:
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides)


def _full_cols(xp: Any, xpad: Any, geom: Geometry, small: Sequence[int]) -> Any:
    """im2col: (N, C, *kernel, *small) copy of every window of the padded input."""
    st = xpad.strides
    nd = geom.ndim
    view = _strided(xp, xpad, xpad.shape[:2] + geom.kernel + tuple(small),
                    st[:2] + tuple(st[2 + i] * geom.dilate[i] for i in range(nd))
                    + tuple(st[2 + i] * geom.stride[i] for i in range(nd)))
    return xp.ascontiguousarray(view)


def _trailing_cols(xp: Any, xpad: Any, geom: Geometry, small: Sequence[int]) -> Any:
    """im2col over the spatial axes after the first: (N, C, *kernel[1:], span[0], *small[1:]).

    With stride 1 on the first axis, its kernel taps are then shifted slices of this copy that
    BLAS reads directly, so the copy is kernel[0] times smaller than a full im2col.
    """
    st = xpad.strides
    nd = geom.ndim
    if nd == 1:
        return xp.ascontiguousarray(xpad)
    view = _strided(xp, xpad, xpad.shape[:2] + geom.kernel[1:] + (xpad.shape[2],) + tuple(small[1:]),
                    st[:2] + tuple(st[2 + i] * geom.dilate[i] for i in range(1, nd)) + (st[2],)
                    + tuple(st[2 + i] * geom.stride[i] for i in range(1, nd)))
    return xp.ascontiguousarray(view)


# Below this many output positions per image, one matmul over the whole batch (images folded into
# the columns) beats one matmul per image, whose few columns keep BLAS far from its peak.
FOLD_BELOW = 512


def _layout(geom: Geometry, small: Sequence[int]) -> str:
    """How a correlation feeds BLAS: "folded" (one matmul, batch in the columns), "shifted" (stride 1
    on the first axis: per-tap shifted views of a smaller copy) or "batched" (full im2col per image)."""
    if math.prod(small) < FOLD_BELOW:
        return "folded"
    return "shifted" if geom.stride[0] == 1 else "batched"


def _folded_cols(xp: Any, xpad: Any, geom: Geometry, small: Sequence[int], groups: int) -> Any:
    """im2col with the batch folded into the columns: (groups, C/groups * prod(kernel), N * prod(small))."""
    st = xpad.strides
    nd = geom.ndim
    n, c = xpad.shape[:2]
    view = _strided(xp, xpad, (c,) + geom.kernel + (n,) + tuple(small),
                    (st[1],) + tuple(st[2 + i] * geom.dilate[i] for i in range(nd)) + (st[0],)
                    + tuple(st[2 + i] * geom.stride[i] for i in range(nd)))
    return xp.ascontiguousarray(view).reshape(groups, -1, n * math.prod(small))


def _fold(xp: Any, a: Any, groups: int) -> Any:
    """(N, C, *spatial) -> (groups, C/groups, N * prod(spatial)), a copy."""
    n, c = a.shape[:2]
    return xp.ascontiguousarray(a.reshape(n, groups, c // groups, -1).transpose(1, 2, 0, 3)).reshape(
        groups, c // groups, -1)


def _unfold(xp: Any, a: Any, n: int, spatial: Sequence[int]) -> Any:
    """(groups, C/groups, N * prod(spatial)) -> (N, C, *spatial), a copy."""
    groups, cg = a.shape[:2]
    out = a.reshape(groups, cg, n, -1).transpose(2, 0, 1, 3)
    return xp.ascontiguousarray(out).reshape((n, groups * cg) + tuple(spatial))


def correlate(xp: Any, x: Any, w: Any, geom: Geometry, groups: int, small: Sequence[int]) -> Any:
    """Grouped cross-correlation (MXNet's convolution, no flip): (N, Cb, *big) -> (N, Cs, *small)."""
    n, cb = x.shape[:2]
    cs = w.shape[0]
    cbg, csg = cb // groups, cs // groups
    k0, taps = geom.kernel[0], math.prod(geom.kernel[1:])
    xpad = _pad_to(xp, x, geom.pad, geom.span(small))
    layout = _layout(geom, small)
    if layout == "folded":
        cols = _folded_cols(xp, xpad, geom, small, groups)
        return _unfold(xp, xp.matmul(w.reshape(groups, csg, -1), cols), n, small)
    if layout == "shifted":
        rest = math.prod(small[1:])
        cols = _trailing_cols(xp, xpad, geom, small).reshape(n, groups, cbg * taps, -1)
        wk = xp.ascontiguousarray(w.reshape(groups, csg, cbg, k0, taps).transpose(3, 0, 1, 2, 4))
        wk = wk.reshape(k0, groups, csg, cbg * taps)
        length = small[0] * rest
        out = None
        for j in range(k0):  # taps of the first axis: shifted views, one matmul each
            off = j * geom.dilate[0] * rest
            part = xp.matmul(wk[j], cols[..., off:off + length])
            out = part if out is None else xp.add(out, part, out=out)
    else:
        cols = _full_cols(xp, xpad, geom, small).reshape(n, groups, cbg * k0 * taps, -1)
        out = xp.matmul(w.reshape(groups, csg, cbg * k0 * taps), cols)
    return out.reshape((n, cs) + tuple(small))


def correlate_transpose(xp: Any, g: Any, w: Any, geom: Geometry, groups: int, big: Sequence[int]) -> Any:
    """The transpose of `correlate` (data gradient, Deconvolution): (N, Cs, *small) -> (N, Cb, *big)."""
    n, cs = g.shape[:2]
    small = g.shape[2:]
    csg = cs // groups
    cbg = w.shape[1]
    nd = geom.ndim
    kernel = geom.kernel
    if all(s == 1 for s in geom.stride):
        # stride 1: a correlation with the flipped kernel, channels swapped within each group
        flip = (slice(None),) * 3 + (slice(None, None, -1),) * nd
        wt = w.reshape((groups, csg, cbg) + kernel)[flip].swapaxes(1, 2)
        wt = xp.ascontiguousarray(wt).reshape((groups * cbg, csg) + kernel)
        before = tuple(d * (k - 1) - pd for d, k, pd in zip(geom.dilate, kernel, geom.pad))
        return correlate(xp, g, wt, Geometry(kernel, geom.stride, geom.dilate, before), groups, big)
    # strided: one matmul gives every window's contribution, then overlapping windows are
    # scatter-added one kernel tap at a time (a strided slice add each)
    wm = w.reshape(groups, csg, cbg * math.prod(kernel)).swapaxes(1, 2)
    if math.prod(small) < FOLD_BELOW:
        cols = xp.matmul(wm, _fold(xp, g, groups))  # (groups, Cbg*K, N*S)
        cols = cols.reshape((groups * cbg,) + kernel + (n,) + tuple(small))
        cols = xp.moveaxis(cols, nd + 1, 0)  # a view: (N, Cb, *kernel, *small)
    else:
        cols = xp.matmul(wm, g.reshape(n, groups, csg, -1)).reshape((n, groups * cbg) + kernel + tuple(small))
    span = geom.span(small)
    buf = xp.zeros((n, groups * cbg) + span, dtype=g.dtype)
    all_ = (slice(None), slice(None))
    for tap in itertools.product(*(range(k) for k in kernel)):
        window = tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                       for t, d, s, o in zip(tap, geom.dilate, geom.stride, small))
        buf[all_ + window] += cols[all_ + tap]
    return _pad_to(xp, buf, tuple(-pd for pd in geom.pad), big)


def correlate_weight_grad(xp: Any, x: Any, g: Any, geom: Geometry, groups: int) -> Any:
    """d<g, correlate(x, w)>/dw: (N, Cb, *big), (N, Cs, *small) -> (Cs, Cb/groups, *kernel)."""
    n, cb = x.shape[:2]
    cs = g.shape[1]
    small = g.shape[2:]
    cbg, csg = cb // groups, cs // groups
    k0, taps = geom.kernel[0], math.prod(geom.kernel[1:])
    xpad = _pad_to(xp, x, geom.pad, geom.span(small))
    layout = _layout(geom, small)
    if layout == "folded":
        cols = _folded_cols(xp, xpad, geom, small, groups)
        dw = xp.matmul(_fold(xp, g, groups), cols.swapaxes(1, 2))
        return dw.reshape((cs, cbg) + geom.kernel)
    gm = g.reshape(n, groups, csg, -1)
    if layout == "shifted":
        rest = math.prod(small[1:])
        cols = _trailing_cols(xp, xpad, geom, small).reshape(n, groups, cbg * taps, -1)
        length = small[0] * rest
        parts = []
        for j in range(k0):
            off = j * geom.dilate[0] * rest
            parts.append(xp.matmul(gm, cols[..., off:off + length].swapaxes(-1, -2)).sum(axis=0))
        dw = xp.stack(parts).reshape(k0, groups, csg, cbg, taps).transpose(1, 2, 3, 0, 4)
    else:
        cols = _full_cols(xp, xpad, geom, small).reshape(n, groups, cbg * k0 * taps, -1)
        dw = xp.matmul(gm, cols.swapaxes(-1, -2)).sum(axis=0)
    return xp.ascontiguousarray(dw).reshape((cs, cbg) + geom.kernel)


def _add_bias(out: Any, bias: Any) -> Any:
    out += bias.reshape((1, -1) + (1,) * (out.ndim - 2))
    return out


def _fold_batch(compute: Callable[..., Any], weights: Callable[[Any], Sequence[int]] = lambda p: ()):
    """Hessian batching (see batching.py) for ops whose outputs keep the batch axis N: a leading
    batch axis on per-sample inputs folds into N, so one call serves the whole batch. A batched
    weight (an input listed by `weights`) falls back to one call per batch entry."""
    def rule(ctx: Any, p: Any, args: list, flags: list) -> Any:
        xp = ctx.xp
        size = next(a.shape[0] for a, f in zip(args, flags) if f)
        fixed = set(weights(p))
        if any(f for i, f in enumerate(flags) if i in fixed):
            results = [compute(ctx, p, *[a[b] if f else a for a, f in zip(args, flags)]) for b in range(size)]
            if isinstance(results[0], tuple):
                return tuple(xp.stack([r[k] for r in results]) for k in range(len(results[0])))
            return xp.stack(results)
        folded = []
        for i, (a, f) in enumerate(zip(args, flags)):
            if i in fixed:
                folded.append(a)
                continue
            if not f:
                a = xp.broadcast_to(a, (size,) + a.shape)
            folded.append(a.reshape((size * a.shape[1],) + a.shape[2:]))
        result = compute(ctx, p, *folded)
        unfold = (lambda r: r.reshape((size, r.shape[0] // size) + r.shape[1:]))
        return tuple(unfold(r) for r in result) if isinstance(result, tuple) else unfold(result)
    return rule


# -- Convolution -----------------------------------------------------------------------------------
def _conv_inputs(p: Any) -> list[str]:
    return ["data", "weight"] if p.no_bias else ["data", "weight", "bias"]


def _check_groups(channels: int, filters: int, groups: int) -> None:
    if channels and channels % groups:
        raise ValueError(f"input channels {channels} must be divisible by num_group {groups}")
    if filters % groups:
        raise ValueError(f"num_filter {filters} must be divisible by num_group {groups}")


def _conv_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    geom = _geometry(p)
    _check_layout(p, geom.ndim)
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    if len(data) != geom.ndim + 2:
        raise ValueError(f"input data should be {geom.ndim + 2}-D for a {geom.ndim}-D kernel, got "
                         f"shape {format_value(tuple(data))}")
    channels = data[1]
    _check_groups(channels, p.num_filter, p.num_group)
    out = (data[0], p.num_filter) + tuple(
        _conv_out_dim(n, k, s, d, pd) for n, k, s, d, pd
        in zip(data[2:], geom.kernel, geom.stride, geom.dilate, geom.pad))
    ins = [data, (p.num_filter, channels // p.num_group) + geom.kernel]
    if not p.no_bias:
        ins.append((p.num_filter,))
    return ins, [out]


def _conv_compute(ctx: Any, p: Any, data: Any, weight: Any, bias: Any = None) -> Any:
    geom = _geometry(p)
    _check_layout(p, geom.ndim)
    small = tuple(_conv_out_dim(n, k, s, d, pd) for n, k, s, d, pd
                  in zip(data.shape[2:], geom.kernel, geom.stride, geom.dilate, geom.pad))
    out = correlate(ctx.xp, data, weight, geom, p.num_group, small)
    return out if bias is None else _add_bias(out, bias)


def _geometry_kwargs(p: Any, with_target: bool = False) -> dict[str, Any]:
    """The attributes the private gradient ops share with Convolution/Deconvolution."""
    kw = {"kernel": tuple(p.kernel), "stride": tuple(p.stride), "dilate": tuple(p.dilate),
          "pad": tuple(p.pad), "num_group": p.num_group}
    if with_target and p.get("target_shape") and any(p.target_shape):
        kw["target_shape"] = tuple(p.target_shape)
    return kw


def _bias_grad(p: Any, g: Any) -> list:
    return [] if p.no_bias else [_F()._conv_channel_sum(g)]


def _conv_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F, kw = _F(), _geometry_kwargs(p)
    x, w, g = ins[0], ins[1], gs[0]
    return [F._conv_data_grad(g, w, x, **kw), F._conv_weight_grad(x, g, **kw)] + _bias_grad(p, g)


_CONV_ATTRS = _GEOMETRY_ATTRS + (
    Attr("num_filter", Int(1)),
    Attr("num_group", Int(1), 1),
    Attr("workspace", Int(0), 1024),
    Attr("no_bias", Bool, False),
) + _CUDNN_ATTRS + (Attr("layout", Optional(Enum(*_CONV_LAYOUTS)), None),)

register(OpDef(
    name="Convolution", hint="convolution",
    attrs=_CONV_ATTRS, inputs=_conv_inputs,
    compute=_conv_compute, infer_shape=_conv_shape, grad=_conv_grad,
    batching=_fold_batch(_conv_compute, lambda p: (1, 2)),
    doc="Grouped N-D cross-correlation (no kernel flip) plus bias; weight (num_filter, C/num_group, *kernel).",
    samples=(
        Sample(((2, 3, 7, 6), (4, 3, 3, 3), (4,)), {"kernel": "(3, 3)", "num_filter": "4", "pad": "(1, 1)"}),
        Sample(((1, 4, 9, 8), (6, 2, 3, 2), (6,)),
               {"kernel": "(3, 2)", "num_filter": "6", "stride": "(2, 3)", "dilate": "(2, 1)",
                "pad": "(2, 1)", "num_group": "2"}),
        Sample(((2, 3, 8), (3, 1, 3)),
               {"kernel": "(3,)", "num_filter": "3", "num_group": "3", "no_bias": "True", "stride": "2"}),
        Sample(((1, 2, 4, 5, 4), (2, 2, 2, 3, 2), (2,)),
               {"kernel": "(2, 3, 2)", "num_filter": "2", "stride": "(1, 2, 1)", "pad": "(1, 1, 0)"}),
    ),
))


# -- Deconvolution ---------------------------------------------------------------------------------
def _deconv_big(p: Any, geom: Geometry, small: Sequence[int]) -> tuple[tuple[int, ...], Geometry]:
    """Output spatial size and the geometry (with the padding actually used) of a Deconvolution."""
    if any(n == 0 for n in small):
        return tuple(0 for _ in small), geom
    pads, adjs = _deconv_pads(p, geom, small)
    big = tuple(s * (n - 1) + d * (k - 1) + 1 - 2 * pd + a for s, n, d, k, pd, a
                in zip(geom.stride, small, geom.dilate, geom.kernel, pads, adjs))
    if min(big) < 1:
        raise ValueError(f"Deconvolution output size {format_value(big)} is not positive")
    return big, Geometry(geom.kernel, geom.stride, geom.dilate, pads)


def _deconv_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    geom = _geometry(p)
    _check_layout(p, geom.ndim)
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    if len(data) != geom.ndim + 2:
        raise ValueError(f"input data should be {geom.ndim + 2}-D for a {geom.ndim}-D kernel, got "
                         f"shape {format_value(tuple(data))}")
    channels = data[1]
    _check_groups(channels, p.num_filter, p.num_group)
    big, _ = _deconv_big(p, geom, data[2:])
    ins = [data, (channels, p.num_filter // p.num_group) + geom.kernel]
    if not p.no_bias:
        ins.append((p.num_filter,))
    return ins, [(data[0], p.num_filter) + big]


def _deconv_compute(ctx: Any, p: Any, data: Any, weight: Any, bias: Any = None) -> Any:
    geom = _geometry(p)
    _check_layout(p, geom.ndim)
    big, geom = _deconv_big(p, geom, data.shape[2:])
    out = correlate_transpose(ctx.xp, data, weight, geom, p.num_group, big)
    return out if bias is None else _add_bias(out, bias)


def _deconv_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    # Deconvolution is the transpose of a correlation from its output (big) to its input (small)
    F, kw = _F(), _geometry_kwargs(p, with_target=True)
    x, w, g = ins[0], ins[1], gs[0]
    return [F._conv_correlate(g, w, x, **kw), F._conv_weight_grad(g, x, **kw)] + _bias_grad(p, g)


register(OpDef(
    name="Deconvolution", hint="deconvolution",
    attrs=_GEOMETRY_ATTRS + (
        Attr("adj", Shape, ()),
        Attr("target_shape", Shape, ()),
        Attr("num_filter", Int(1)),
        Attr("num_group", Int(1), 1),
        Attr("workspace", Int(0), 512),
        Attr("no_bias", Bool, True),
    ) + _CUDNN_ATTRS + (Attr("layout", Optional(Enum(*_CONV_LAYOUTS)), None),),
    inputs=_conv_inputs,
    compute=_deconv_compute, infer_shape=_deconv_shape, grad=_deconv_grad,
    batching=_fold_batch(_deconv_compute, lambda p: (1, 2)),
    doc="Transposed convolution (the scatter-add transpose of Convolution, no flip); weight "
        "(C, num_filter/num_group, *kernel); adj or target_shape fix the output size.",
    samples=(
        Sample(((2, 3, 4, 5), (3, 2, 3, 3)), {"kernel": "(3, 3)", "num_filter": "2", "pad": "(1, 0)"}),
        Sample(((1, 4, 3, 4), (4, 3, 3, 2), (6,)),
               {"kernel": "(3, 2)", "num_filter": "6", "stride": "(2, 3)", "dilate": "(2, 1)",
                "pad": "(1, 1)", "adj": "(1, 2)", "num_group": "2", "no_bias": "False"}),
        Sample(((2, 2, 5), (2, 3, 4)), {"kernel": "(4,)", "num_filter": "3", "stride": "(2,)",
                                         "target_shape": "(9,)"}),
    ),
))


# -- private gradient ops of the convolutions --------------------------------------------------------
# All take the geometry of the correlation between a big and a small side; the padding may come
# from a Deconvolution's target_shape, resolved once the small side's shape is known.
_PRIVATE_ATTRS = _GEOMETRY_ATTRS + (Attr("target_shape", Shape, ()), Attr("num_group", Int(1), 1))


def _like_shape(index: int):
    def rule(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
        like = in_shapes[index]
        return in_shapes, [like] if like is not None else out_shapes
    return rule


def _data_grad_compute(ctx: Any, p: Any, g: Any, w: Any, like: Any) -> Any:
    geom = _resolved(p, g.shape[2:])
    return correlate_transpose(ctx.xp, g, w, geom, p.num_group, like.shape[2:])


def _data_grad_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F, kw = _F(), _geometry_kwargs(p, with_target=True)
    g, w, h = ins[0], ins[1], gs[0]
    return [F._conv_correlate(h, w, g, **kw), F._conv_weight_grad(h, g, **kw), None]


register(OpDef(
    name="_conv_data_grad", attrs=_PRIVATE_ATTRS, inputs=("grad_out", "weight", "like"),
    nondiff_inputs=("like",), compute=_data_grad_compute, infer_shape=_like_shape(2),
    batching=_fold_batch(_data_grad_compute, lambda p: (1,)),
    grad=_data_grad_grad,
    doc="Transposed correlation of grad_out with weight, shaped like `like` (Convolution's data gradient).",
    samples=(
        Sample(((2, 4, 4, 3), (4, 3, 3, 3), (2, 3, 7, 6)),
               {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"}),
        Sample(((1, 4, 7, 6), (4, 1, 3, 3), (1, 2, 7, 6)),
               {"kernel": "(3, 3)", "dilate": "(1, 2)", "pad": "(1, 2)", "num_group": "2"}),
    ),
))


def _weight_grad_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    data, g = in_shapes
    if data is None or g is None:
        return in_shapes, out_shapes
    return in_shapes, [(g[1], data[1] // p.num_group) + tuple(p.kernel)]


def _weight_grad_compute(ctx: Any, p: Any, data: Any, g: Any) -> Any:
    geom = _resolved(p, g.shape[2:])
    return correlate_weight_grad(ctx.xp, data, g, geom, p.num_group)


def _weight_grad_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F, kw = _F(), _geometry_kwargs(p, with_target=True)
    x, g, h = ins[0], ins[1], gs[0]
    return [F._conv_data_grad(g, h, x, **kw), F._conv_correlate(x, h, g, **kw)]


register(OpDef(
    name="_conv_weight_grad", attrs=_PRIVATE_ATTRS, inputs=("data", "grad_out"),
    compute=_weight_grad_compute, infer_shape=_weight_grad_shape, grad=_weight_grad_grad,
    doc="Gradient of a correlation w.r.t. its weight: windows of data contracted with grad_out.",
    samples=(
        Sample(((2, 3, 7, 6), (2, 4, 4, 3)), {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"}),
        Sample(((1, 2, 7, 6), (1, 4, 7, 6)),
               {"kernel": "(3, 3)", "dilate": "(1, 2)", "pad": "(1, 2)", "num_group": "2"}),
        Sample(((1, 2, 9), (1, 3, 4)), {"kernel": "(4,)", "stride": "(2,)", "target_shape": "(9,)"}),
    ),
))


def _correlate_compute(ctx: Any, p: Any, data: Any, w: Any, like: Any) -> Any:
    small = like.shape[2:]
    return correlate(ctx.xp, data, w, _resolved(p, small), p.num_group, small)


def _correlate_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F, kw = _F(), _geometry_kwargs(p, with_target=True)
    x, w, h = ins[0], ins[1], gs[0]
    return [F._conv_data_grad(h, w, x, **kw), F._conv_weight_grad(x, h, **kw), None]


register(OpDef(
    name="_conv_correlate", attrs=_PRIVATE_ATTRS, inputs=("data", "weight", "like"),
    nondiff_inputs=("like",), compute=_correlate_compute, infer_shape=_like_shape(2),
    batching=_fold_batch(_correlate_compute, lambda p: (1,)),
    grad=_correlate_grad,
    doc="Correlation of data with weight whose output is shaped like `like` (Deconvolution's data gradient).",
    samples=(
        Sample(((1, 6, 8, 11), (4, 3, 3, 2), (1, 4, 3, 4)),
               {"kernel": "(3, 2)", "stride": "(2, 3)", "dilate": "(2, 1)", "pad": "(1, 1)", "num_group": "2"}),
        Sample(((2, 3, 9), (2, 3, 4), (2, 2, 5)), {"kernel": "(4,)", "stride": "(2,)", "target_shape": "(9,)"}),
    ),
))


def _channel_sum(ctx: Any, p: Any, x: Any) -> Any:
    return x.sum(axis=(0,) + tuple(range(2, x.ndim)))


def _channel_sum_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    data = in_shapes[0]
    return in_shapes, [(data[1],)] if data is not None else out_shapes


def _channel_bcast(ctx: Any, p: Any, v: Any, like: Any) -> Any:
    shape = (1, -1) + (1,) * (like.ndim - 2)
    return ctx.xp.ascontiguousarray(ctx.xp.broadcast_to(v.reshape(shape), like.shape))


register(OpDef(
    name="_conv_channel_sum", compute=_channel_sum, infer_shape=_channel_sum_shape,
    grad=lambda p, ins, outs, gs: [_F()._conv_channel_bcast(gs[0], ins[0])],
    doc="Sum over every axis but 1 (the bias gradient of a convolution).",
    samples=(Sample(((2, 3, 4, 2),)),),
))
register(OpDef(
    name="_conv_channel_bcast", inputs=("data", "like"), nondiff_inputs=("like",),
    compute=_channel_bcast, infer_shape=_like_shape(1),
    grad=lambda p, ins, outs, gs: [_F()._conv_channel_sum(gs[0]), None],
    doc="Broadcast a per-channel vector along axis 1 to the shape of `like`.",
    samples=(Sample(((3,), (2, 3, 4))),),
))


# -- Pooling ---------------------------------------------------------------------------------------
_POOL_ATTRS = (
    Attr("kernel", Shape, ()),
    Attr("pool_type", Enum("avg", "lp", "max", "sum"), "max"),
    Attr("global_pool", Bool, False),
    Attr("cudnn_off", Bool, False),
    Attr("pooling_convention", Enum("full", "same", "valid"), "valid"),
    Attr("stride", Shape, ()),
    Attr("pad", Shape, ()),
    Attr("p_value", Optional(Int()), None),
    Attr("count_include_pad", Optional(Bool), None),
    Attr("layout", Optional(Enum("NCDHW", "NCHW", "NCW", "NDHWC", "NHWC", "NWC")), None),
)


def _pool_geometry(p: Any, data: Sequence[int]) -> tuple[Geometry, tuple[int, ...]]:
    """Window geometry and output spatial size of a Pooling over `data` (mxnet-format §6.14)."""
    nd = len(data) - 2
    if p.pool_type == "lp" and (p.p_value is None or p.p_value < 1):
        raise ValueError(f"lp pooling needs p_value of at least 1, got {p.p_value}")
    if p.global_pool:
        if not 1 <= nd <= 3:
            raise ValueError(f"global pooling needs 3-D to 5-D input, got shape {format_value(tuple(data))}")
        _check_layout(p, nd)
        return Geometry(tuple(data[2:]), (1,) * nd, (1,) * nd, (0,) * nd), (1,) * nd
    kernel = tuple(p.kernel)
    if not kernel:
        raise ValueError("Pooling needs a kernel unless global_pool=True")
    if not 1 <= len(kernel) <= 3:
        raise ValueError(f"{len(kernel)}D pooling is not supported (1-D to 3-D only)")
    if nd != len(kernel):
        raise ValueError(f"input data should be {len(kernel) + 2}-D for kernel {format_value(kernel)}, "
                         f"got shape {format_value(tuple(data))}")
    _check_layout(p, nd)
    if p.pooling_convention == "same":
        raise ValueError("pooling_convention='same' is not supported (MXNet allows it only for "
                         "1-D max pooling without pad, and it is unreliable there)")
    geom = _geometry(p)
    out = []
    for n, k, s, pd in zip(data[2:], geom.kernel, geom.stride, geom.pad):
        if n == 0:
            out.append(0)
            continue
        if k > n + 2 * pd:
            raise ValueError(f"kernel size ({k}) exceeds input ({n} padded to {n + 2 * pd})")
        # valid rounds the window count down, full rounds it up (an overhang past the padding)
        steps = (n + 2 * pd - k) // s if p.pooling_convention == "valid" else -((k - n - 2 * pd) // s)
        out.append(steps + 1)
    return geom, tuple(out)


def _pool_outputs(p: Any) -> int:
    """MXNet's (MKLDNN) max pooling has a hidden workspace output, which node_row_ptr counts."""
    return 2 if p.pool_type == "max" else 1


def _pool_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    _, out = _pool_geometry(p, data)
    return in_shapes, [tuple(data[:2]) + out] * _pool_outputs(p)


def _lowest(xp: Any, dtype: Any) -> Any:
    """MXNet's max pooling starts from the lowest finite value (an empty window gives -FLT_MAX)."""
    return xp.finfo(dtype).min if xp.dtype(dtype).kind == "f" else xp.iinfo(dtype).min


def _axis_taps(v: Any, axis: int, k: int, s: int, d: int, o: int):
    """(tap, view of v along `axis` that kernel tap reads for each of the o outputs)."""
    for t in range(k):
        sl = [slice(None)] * v.ndim
        sl[axis] = slice(t * d, t * d + s * (o - 1) + 1, s)
        yield t, v[tuple(sl)]


def _separable_reduce(xp: Any, v: Any, geom: Geometry, small: Sequence[int], kind: str) -> Any:
    """Max or sum over every window, one spatial axis at a time: sum(kernel) vectorized ops instead
    of prod(kernel), each on less data than the last (a strided window view reduces far slower)."""
    for axis in range(geom.ndim):
        acc = None
        for _, tap in _axis_taps(v, 2 + axis, geom.kernel[axis], geom.stride[axis], geom.dilate[axis],
                                 small[axis]):
            if acc is None:
                acc = xp.array(tap, copy=True)
            elif kind == "max":
                xp.maximum(acc, tap, out=acc)
            else:
                xp.add(acc, tap, out=acc)
        v = acc
    return v


def _separable_spread(xp: Any, g: Any, geom: Geometry, span: Sequence[int]) -> Any:
    """The transpose of a separable sum: each output's value added over its window (span-sized)."""
    for axis in range(geom.ndim):
        shape = list(g.shape)
        shape[2 + axis] = span[axis]
        out = xp.zeros(tuple(shape), dtype=g.dtype)
        for _, tap in _axis_taps(out, 2 + axis, geom.kernel[axis], geom.stride[axis], geom.dilate[axis],
                                 g.shape[2 + axis]):
            tap += g
        g = out
    return g


def _max_positions(xp: Any, xpad: Any, geom: Geometry, small: Sequence[int]) -> Any:
    """Flat index into the padded input of each window's first maximum in row-major window order
    (MXNet's choice on ties, e.g. the zeros after a relu).

    Axes are resolved innermost first, keeping per candidate its offset within the window. Over the
    taps of an axis the first maximum is the last tap that beat the running maximum (a strict `>`);
    as candidate offsets grow with the tap (inner offsets stay below one step of this axis), that
    is the largest offset among those taps, so plain `maximum`s select it without masked copies.
    """
    plane = xpad.shape[2:]
    pstride = [math.prod(plane[i + 1:]) for i in range(len(plane))]
    offset = None
    v = xpad
    for axis in reversed(range(geom.ndim)):
        k, s, d, o = geom.kernel[axis], geom.stride[axis], geom.dilate[axis], small[axis]
        off_taps = dict(_axis_taps(offset, 2 + axis, k, s, d, o)) if offset is not None else {}
        best = new_offset = None
        for t, tap in _axis_taps(v, 2 + axis, k, s, d, o):
            if best is None:
                best = xp.array(tap, copy=True)
                new_offset = (xp.zeros(tap.shape, dtype=xp.int32) if offset is None
                              else xp.array(off_taps[t], copy=True))
                continue
            hit = tap > best
            xp.maximum(best, tap, out=best)
            step = t * d * pstride[axis]
            candidate = hit * xp.int32(step) if offset is None else hit * (off_taps[t] + xp.int32(step))
            xp.maximum(new_offset, candidate, out=new_offset)
        v, offset = best, new_offset
    # window origins: plane start of each (n, c), plus stride steps of each output position
    origin = (xp.arange(xpad.shape[0] * xpad.shape[1], dtype=xp.int64) * math.prod(plane))
    origin = origin.reshape(xpad.shape[:2] + (1,) * geom.ndim)
    for axis in range(geom.ndim):
        shape = [1] * (2 + geom.ndim)
        shape[2 + axis] = small[axis]
        step = xp.arange(small[axis], dtype=xp.int64) * (geom.stride[axis] * pstride[axis])
        origin = origin + step.reshape(shape)
    return origin + offset


def _scatter_add(xp: Any, size: int, index: Any, values: Any) -> Any:
    """A flat array of `size` zeros with `values` added at `index` (repeats accumulate)."""
    add_at = getattr(getattr(xp, "add", None), "at", None)
    if add_at is not None:
        out = xp.zeros(size, dtype=values.dtype)
        add_at(out, index.ravel(), values.ravel())
        return out
    return xp.bincount(index.ravel(), weights=values.ravel(), minlength=size).astype(values.dtype)


def _avg_divisor(xp: Any, p: Any, geom: Geometry, big: Sequence[int], small: Sequence[int], dtype: Any):
    """Per output position: window cells inside [-pad, in+pad) (or inside the data only), never the
    overhang of pooling_convention='full'."""
    include_pad = p.count_include_pad is None or p.count_include_pad
    div = None
    for axis, (n, k, s, pd, o) in enumerate(zip(big, geom.kernel, geom.stride, geom.pad, small)):
        start = xp.arange(o) * s - pd
        if include_pad:
            count = xp.minimum(start + k, n + pd) - start
        else:
            count = xp.minimum(start + k, n) - xp.maximum(start, 0)
        count = xp.maximum(count, 1).astype(dtype)
        count = count.reshape((-1,) + (1,) * (len(small) - axis - 1))
        div = count if div is None else div * count
    return div


def _lp_power(xp: Any, x: Any, pv: int) -> Any:
    return x if pv == 1 else x * x if pv == 2 else x * x * x if pv == 3 else xp.power(x, pv)


def _lp_root(xp: Any, s: Any, pv: int) -> Any:
    if pv == 1:
        return s
    if pv == 2:
        return xp.sqrt(s)
    if pv == 3:
        return xp.cbrt(s)
    return xp.sign(s) * xp.power(xp.abs(s), 1.0 / pv)  # MXNet takes no abs of the inputs


def _pool_compute(ctx: Any, p: Any, x: Any) -> Any:
    out = _pool_forward(ctx.xp, p, x)
    return (out, out) if p.pool_type == "max" else out  # the workspace: nothing reads it


def _pool_forward(xp: Any, p: Any, x: Any) -> Any:
    geom, small = _pool_geometry(p, x.shape)
    kind = p.pool_type
    spatial = tuple(range(2, x.ndim))
    if p.global_pool:
        # one window over the whole (contiguous) feature map: a plain reduction
        if kind == "max":
            return x.max(axis=spatial, keepdims=True)
        total = (_lp_power(xp, x, p.p_value) if kind == "lp" else x).sum(axis=spatial, keepdims=True)
        if kind == "avg":
            return total / x.dtype.type(math.prod(x.shape[2:]))
        return _lp_root(xp, total, p.p_value) if kind == "lp" else total
    fill = _lowest(xp, x.dtype) if kind == "max" else 0
    xpad = _pad_to(xp, x, geom.pad, geom.span(small), fill)
    if kind == "lp":
        xpad = _lp_power(xp, xpad, p.p_value)
    acc = _separable_reduce(xp, xpad, geom, small, "max" if kind == "max" else "sum")
    if kind == "avg":
        acc /= _avg_divisor(xp, p, geom, x.shape[2:], small, x.dtype)
    elif kind == "lp":
        acc = _lp_root(xp, acc, p.p_value)
    return acc


def _pool_kwargs(p: Any, **overrides: Any) -> dict[str, Any]:
    kw = {k: v for k, v in p.as_dict().items() if v is not None and k not in ("cudnn_off", "layout")}
    kw.update(overrides)
    return {k: v for k, v in kw.items() if v is not None}


def _pool_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F = _F()
    x, y, g = ins[0], outs[0], gs[0]
    if p.pool_type == "max":
        return [F._pool_max_grad(x, g, **_pool_kwargs(p))]
    if p.pool_type in ("avg", "sum"):
        return [F._pool_avg_grad(g, x, **_pool_kwargs(p))]
    # lp: y = (S x^p)^(1/p), so dx = x^(p-1) * S^T(g * y^(1-p)) with S the sum pooling
    pv = p.p_value
    spread = (lambda v: F._pool_avg_grad(v, x, **_pool_kwargs(p, pool_type="sum", p_value=None)))
    if pv == 1:
        return [spread(g)]
    if pv == 2:
        return [x * spread(g / y)]
    return [F._power_scalar(x, scalar=float(pv - 1)) * spread(g * F._power_scalar(y, scalar=float(1 - pv)))]


register(OpDef(
    name="Pooling", hint="pooling", attrs=_POOL_ATTRS, num_outputs=_pool_outputs, num_visible=1,
    compute=_pool_compute, infer_shape=_pool_shape, grad=_pool_grad, batching=_fold_batch(_pool_compute),
    doc="max/avg/sum/lp pooling over 1-D to 3-D windows (valid or full convention, global_pool).",
    samples=(
        Sample(((2, 3, 7, 6),), {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"}),
        Sample(((1, 2, 7, 6),), {"kernel": "(3, 2)", "stride": "(2, 2)", "pad": "(1, 1)",
                                 "pool_type": "avg", "pooling_convention": "full"}),
        Sample(((1, 2, 7, 6),), {"kernel": "(3, 3)", "stride": "(2, 1)", "pad": "(1, 1)",
                                 "pool_type": "avg", "count_include_pad": "False"}),
        Sample(((2, 2, 9),), {"kernel": "(3,)", "stride": "(2,)", "pool_type": "sum",
                              "pooling_convention": "full"}),
        Sample(((1, 2, 5, 4),), {"kernel": "(2, 2)", "pool_type": "lp", "p_value": "2"}, low=0.5),
        Sample(((1, 2, 5, 4),), {"kernel": "(2, 2)", "stride": "(2, 1)", "pool_type": "lp",
                                 "p_value": "3"}, low=0.5),
        Sample(((1, 2, 4),), {"kernel": "(2,)", "pool_type": "lp", "p_value": "1"}),
        Sample(((2, 2, 3, 4, 3),), {"global_pool": "True", "pool_type": "avg"}),
        Sample(((1, 2, 4, 5, 3),), {"kernel": "(2, 3, 2)", "stride": "(2, 1, 1)", "pool_type": "max"}),
        Sample(((2, 3, 4, 5),), {"global_pool": "True", "kernel": "(1, 1)"}),
    ),
))


def _pool_max_grad(ctx: Any, p: Any, x: Any, g: Any) -> Any:
    """Each output's gradient goes to the first position (window order) holding its maximum."""
    xp = ctx.xp
    geom, small = _pool_geometry(p, x.shape)
    span = geom.span(small)
    xpad = _pad_to(xp, x, geom.pad, span, _lowest(xp, x.dtype))
    flat = _max_positions(xp, xpad, geom, small)
    buf = _scatter_add(xp, xpad.size, flat, g).reshape(xpad.shape)
    return _pad_to(xp, buf, tuple(-pd for pd in geom.pad), x.shape[2:])


def _pool_max_gather(ctx: Any, p: Any, x: Any, h: Any) -> Any:
    """The transpose of _pool_max_grad: every output reads h at its window's first maximum."""
    xp = ctx.xp
    geom, small = _pool_geometry(p, x.shape)
    span = geom.span(small)
    xpad = _pad_to(xp, x, geom.pad, span, _lowest(xp, x.dtype))
    flat = _max_positions(xp, xpad, geom, small)
    return xp.take(xp.ascontiguousarray(_pad_to(xp, h, geom.pad, span, 0)).reshape(-1), flat)


def _pool_max_gather_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    return [data, data], [tuple(data[:2]) + _pool_geometry(p, data)[1]]


register(OpDef(
    name="_pool_max_grad", attrs=_POOL_ATTRS, inputs=("data", "grad"),
    compute=_pool_max_grad, infer_shape=_like_shape(0), batching=_fold_batch(_pool_max_grad),
    grad=lambda p, ins, outs, gs: [None, _F()._pool_max_gather(ins[0], gs[0], **_pool_kwargs(p))],
    doc="Max pooling's data gradient: grad routed to the first maximum of each window.",
    samples=(Sample(((2, 3, 7, 6), (2, 3, 4, 3)), {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"}),
             Sample(((1, 2, 4, 5, 3), (1, 2, 2, 3, 2)), {"kernel": "(2, 3, 2)", "stride": "(2, 1, 1)"})),
))
register(OpDef(
    name="_pool_max_gather", attrs=_POOL_ATTRS, inputs=("data", "head"),
    compute=_pool_max_gather, infer_shape=_pool_max_gather_shape, batching=_fold_batch(_pool_max_gather),
    grad=lambda p, ins, outs, gs: [None, _F()._pool_max_grad(ins[0], gs[0], **_pool_kwargs(p))],
    doc="Reads `head` (shaped like data) at the first maximum of each max-pooling window of `data`.",
    samples=(Sample(((2, 3, 7, 6), (2, 3, 7, 6)), {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"}),),
))


def _pool_avg_grad(ctx: Any, p: Any, g: Any, like: Any) -> Any:
    """The transpose of avg/sum pooling: each output's gradient spread over its window."""
    xp = ctx.xp
    if p.pool_type not in ("avg", "sum"):
        raise ValueError(f"_pool_avg_grad needs pool_type avg or sum, got {p.pool_type}")
    geom, small = _pool_geometry(p, like.shape)
    big = like.shape[2:]
    if p.pool_type == "avg":
        div = (_avg_divisor(xp, p, geom, big, small, g.dtype) if not p.global_pool
               else g.dtype.type(math.prod(big)))
        g = g / div
    if all(o == 1 or (s == k and pd == 0) for o, s, k, pd in zip(small, geom.stride, geom.kernel, geom.pad)):
        # windows tile the input without overlap (global pooling, 2x2 stride 2...): broadcast
        nd = len(small)
        inter = g.reshape(g.shape[:2] + tuple(x for o in small for x in (o, 1)))
        tiled = xp.broadcast_to(inter, g.shape[:2] + tuple(x for o, k in zip(small, geom.kernel) for x in (o, k)))
        span = tuple(o * k for o, k in zip(small, geom.kernel))
        return _pad_to(xp, xp.ascontiguousarray(tiled).reshape(g.shape[:2] + span), (0,) * nd, big)
    span = geom.span(small)
    return _pad_to(xp, _separable_spread(xp, g, geom, span), tuple(-pd for pd in geom.pad), big)


register(OpDef(
    name="_pool_avg_grad", attrs=_POOL_ATTRS, inputs=("grad", "like"), nondiff_inputs=("like",),
    compute=_pool_avg_grad, infer_shape=_like_shape(1), batching=_fold_batch(_pool_avg_grad),
    grad=lambda p, ins, outs, gs: [_F().Pooling(gs[0], **_pool_kwargs(p)), None],
    doc="avg/sum pooling's data gradient (its transpose), shaped like `like`.",
    samples=(
        Sample(((1, 2, 4, 4), (1, 2, 7, 6)), {"kernel": "(3, 2)", "stride": "(2, 2)", "pad": "(1, 1)",
                                              "pool_type": "avg", "pooling_convention": "full"}),
        Sample(((2, 3, 2, 2), (2, 3, 5, 4)), {"kernel": "(2, 2)", "stride": "(2, 2)", "pool_type": "sum"}),
        Sample(((2, 3, 1, 1), (2, 3, 5, 4)), {"global_pool": "True", "pool_type": "avg"}),
    ),
))


# -- UpSampling ------------------------------------------------------------------------------------
_UP_ATTRS = (
    Attr("scale", Int(1)),
    Attr("num_filter", Int(0), 0),
    Attr("sample_type", Enum("bilinear", "nearest")),
    Attr("multi_input_mode", Enum("concat", "sum"), "concat"),
    Attr("num_args", Int(1)),
    Attr("workspace", Int(0), 512),
)


def _up_inputs(p: Any) -> list[str]:
    if p.sample_type == "bilinear":
        return ["data", "weight"]
    return [f"arg{i}" for i in range(p.num_args)]


def _bilinear_kwargs(p: Any) -> dict[str, Any]:
    """MXNet's bilinear UpSampling is a depthwise Deconvolution with this geometry."""
    k, s = 2 * p.scale - p.scale % 2, p.scale
    pad = int(math.ceil((p.scale - 1) / 2.0))
    return {"kernel": (k, k), "stride": (s, s), "dilate": (1, 1), "pad": (pad, pad), "num_group": p.num_filter}


def _bilinear_geometry(p: Any, channels: int) -> Geometry:
    if p.num_filter != channels:
        raise ValueError(f"bilinear UpSampling needs num_filter equal to the input channels "
                         f"({channels}), got {p.num_filter}")
    kw = _bilinear_kwargs(p)
    return Geometry(kw["kernel"], kw["stride"], kw["dilate"], kw["pad"])


def _nearest_out(p: Any, shapes: Sequence[Sequence[int]]) -> tuple[int, ...]:
    for s in shapes:
        if len(s) != 4:
            raise ValueError(f"UpSampling input should be 4-D (batch, channel, y, x), got {format_value(tuple(s))}")
    oh, ow = shapes[0][2] * p.scale, shapes[0][3] * p.scale
    channels = 0
    for s in shapes:
        if s[0] != shapes[0][0]:
            raise ValueError("UpSampling inputs must have the same batch size")
        if (s[2] and oh % s[2]) or (s[3] and ow % s[3]):
            raise ValueError(f"UpSampling input of size {s[2]}x{s[3]} does not divide the output size {oh}x{ow}")
        if p.multi_input_mode == "sum":
            if channels and s[1] != channels:
                raise ValueError("UpSampling inputs must have the same number of channels when "
                                 "multi_input_mode=sum")
            channels = s[1]
        else:
            channels += s[1]
    return (shapes[0][0], channels, oh, ow)


def _up_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    if p.sample_type == "bilinear":
        data = in_shapes[0]
        if data is None:
            return in_shapes, out_shapes
        if len(data) != 4:
            raise ValueError(f"UpSampling input should be 4-D (batch, channel, y, x), got {format_value(tuple(data))}")
        geom = _bilinear_geometry(p, data[1] or p.num_filter)
        out = tuple(s * (n - 1) + k - 2 * pd if n else 0
                    for s, n, k, pd in zip(geom.stride, data[2:], geom.kernel, geom.pad))
        return [data, (data[1], 1) + geom.kernel], [tuple(data[:2]) + out]
    if any(s is None for s in in_shapes):
        return in_shapes, out_shapes
    return in_shapes, [_nearest_out(p, in_shapes)]


def _up_factors(out: Sequence[int], x: Any) -> tuple[int, int]:
    return out[2] // x.shape[2], out[3] // x.shape[3]


def _up_compute(ctx: Any, p: Any, *arrays: Any) -> Any:
    xp = ctx.xp
    if p.sample_type == "bilinear":
        data, weight = arrays
        geom = _bilinear_geometry(p, data.shape[1])
        big = tuple(s * (n - 1) + k - 2 * pd
                    for s, n, k, pd in zip(geom.stride, data.shape[2:], geom.kernel, geom.pad))
        return correlate_transpose(xp, data, weight, geom, p.num_filter, big)
    out_shape = _nearest_out(p, [a.shape for a in arrays])
    out = xp.empty(out_shape, dtype=arrays[0].dtype)
    c0 = 0
    for k, x in enumerate(arrays):
        fh, fw = _up_factors(out_shape, x)
        n, c, h, w = x.shape
        rep = x.reshape(n, c, h, 1, w, 1)
        if p.multi_input_mode == "sum":
            view = out.reshape(n, c, h, fh, w, fw)
            if k == 0:
                view[...] = rep
            else:
                view += rep
        else:
            out[:, c0:c0 + c].reshape(n, c, h, fh, w, fw)[...] = rep
            c0 += c
    return out


def _up_grad(p: Any, ins: list, outs: list, gs: list) -> list:
    F = _F()
    if p.sample_type == "bilinear":
        kw = _bilinear_kwargs(p)
        x, w, g = ins[0], ins[1], gs[0]
        return [F._conv_correlate(g, w, x, **kw), F._conv_weight_grad(g, x, **kw)]
    parts = F._upsampling_nearest_grad(gs[0], *ins, **_up_kwargs(p))
    return [parts[i] for i in range(p.num_args)] if p.num_args > 1 else [parts]


def _up_kwargs(p: Any) -> dict[str, Any]:
    return {"scale": p.scale, "sample_type": "nearest", "multi_input_mode": p.multi_input_mode,
            "num_args": p.num_args}


register(OpDef(
    name="UpSampling", hint="upsampling", attrs=_UP_ATTRS, inputs=_up_inputs, variadic="num_args",
    compute=_up_compute, infer_shape=_up_shape, grad=_up_grad,
    batching=_fold_batch(_up_compute, lambda p: (1,) if p.sample_type == "bilinear" else ()),
    doc="Nearest-neighbour upsampling of num_args 4-D inputs to scale x the first one's size "
        "(concatenated on channels or summed); bilinear is a depthwise Deconvolution with the given weight.",
    samples=(
        Sample(((2, 3, 2, 3),), {"scale": "2", "sample_type": "nearest", "num_args": "1"}),
        Sample(((1, 2, 2, 2), (1, 3, 4, 4)), {"scale": "2", "sample_type": "nearest", "num_args": "2"}),
        Sample(((1, 2, 2, 2), (1, 2, 1, 1)), {"scale": "3", "sample_type": "nearest", "num_args": "2",
                                              "multi_input_mode": "sum"}),
        Sample(((1, 2, 3, 3), (2, 1, 4, 4)), {"scale": "2", "sample_type": "bilinear", "num_filter": "2",
                                              "num_args": "1"}),
    ),
))


def _up_grad_compute(ctx: Any, p: Any, g: Any, *likes: Any) -> Any:
    parts = []
    c0 = 0
    for x in likes:
        n, c, h, w = x.shape
        fh, fw = _up_factors(g.shape, x)
        block = g if p.multi_input_mode == "sum" else g[:, c0:c0 + c]
        c0 += c
        parts.append(block.reshape(n, c, h, fh, w, fw).sum(axis=(3, 5)))
    return tuple(parts) if len(parts) > 1 else parts[0]


def _up_grad_shape(p: Any, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    return in_shapes, [s for s in in_shapes[1:]]


register(OpDef(
    name="_upsampling_nearest_grad", attrs=_UP_ATTRS,
    inputs=lambda p: ["grad"] + [f"arg{i}" for i in range(p.num_args)],
    num_outputs=lambda p: p.num_args,
    compute=_up_grad_compute, infer_shape=_up_grad_shape, batching=_fold_batch(_up_grad_compute),
    grad=lambda p, ins, outs, gs: [_F().UpSampling(*gs, **_up_kwargs(p))] + [None] * p.num_args,
    doc="Nearest UpSampling's gradient: per input, the output gradient summed over each copied block.",
    samples=(
        Sample(((1, 5, 4, 4), (1, 2, 2, 2), (1, 3, 4, 4)), {"scale": "2", "sample_type": "nearest",
                                                            "num_args": "2"}),
        Sample(((2, 3, 4, 6), (2, 3, 2, 3)), {"scale": "2", "sample_type": "nearest", "num_args": "1"}),
    ),
))
