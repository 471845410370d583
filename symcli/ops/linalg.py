"""Matrix products: dot, batch_dot, FullyConnected (one BLAS matmul each, on reshaped views).

MXNet semantics in mxnet-format.md §6.2-6.3. Gradients are closed under differentiation: dot's use
two private ops (`_dot_grad_lhs`, `_dot_grad_rhs`) whose gradients are dot and each other; likewise
FullyConnected with `_linear_grad_data` / `_linear_grad_weight`; batch_dot uses batch_dot.
"""
from __future__ import annotations

from math import prod as _prod

from .attrs import Attr, Bool, Int
from .reduce import quiet_kernel
from .registry import OpDef, Sample, register
from .rules import fmt


def _F():
    from ..symbol import F
    return F


# -- dot ---------------------------------------------------------------------------------------------
def _lhs_view(a, transpose: bool):
    """A as the 2-D (M, K) matrix MXNet multiplies."""
    return a.reshape(a.shape[0], -1).T if transpose else a.reshape(-1, a.shape[-1])


def _rhs_view(b, transpose: bool):
    """B as the 2-D (K, N) matrix MXNet multiplies."""
    return b.reshape(-1, b.shape[-1]).T if transpose else b.reshape(b.shape[0], -1)


def dot_shape(a: tuple[int, ...], b: tuple[int, ...], ta: bool, tb: bool) -> tuple[int, ...]:
    """Output shape of dot, with MXNet's error on a contraction mismatch."""
    k_a = a[0] if ta else a[-1]
    k_b = b[-1] if tb else b[0]
    if k_a and k_b and k_a != k_b:  # 0 means unknown
        raise ValueError(f"dot shape error: {fmt(a)} X {fmt(b)}")
    out = (a[1:] if ta else a[:-1]) + (b[:-1] if tb else b[1:])
    return out or (1,)  # 1-D . 1-D gives (1,)


def _dot(ctx, p, a, b):
    out_shape = dot_shape(a.shape, b.shape, p.transpose_a, p.transpose_b)
    return ctx.xp.matmul(_lhs_view(a, p.transpose_a), _rhs_view(b, p.transpose_b)).reshape(out_shape)


def _dot_rule(p, in_shapes, out_shapes):
    a, b = in_shapes
    if a is None or b is None:
        return in_shapes, out_shapes
    if not a or not b:
        raise ValueError("dot needs inputs of at least one dimension")
    return in_shapes, [dot_shape(a, b, p.transpose_a, p.transpose_b)]


_DOT_ATTRS = (Attr("transpose_a", Bool, False), Attr("transpose_b", Bool, False))


def _flags(p) -> dict[str, bool]:
    return {"transpose_a": p.transpose_a, "transpose_b": p.transpose_b}


def _dot_grad(p, ins, outs, gs):
    F, (a, b), g = _F(), ins, gs[0]
    return [F._dot_grad_lhs(g, b, a, **_flags(p)), F._dot_grad_rhs(a, g, b, **_flags(p))]


register(OpDef(
    name="dot", inputs=("lhs", "rhs"), attrs=_DOT_ATTRS, compute=quiet_kernel(_dot), infer_shape=_dot_rule,
    grad=_dot_grad,
    doc="Matrix product of A viewed as (prod(shape[:-1]), shape[-1]) and B viewed as "
        "(shape[0], prod(shape[1:])) (transpose flags change the views).",
    samples=(Sample(((3, 4), (4, 5))),
             Sample(((4, 3), (5, 4)), {"transpose_a": "True", "transpose_b": "True"}),
             Sample(((4,), (4,))), Sample(((3, 4), (4, 2, 5))), Sample(((4,), (4, 5))),
             Sample(((4, 3, 2), (4, 5)), {"transpose_a": "True"}),
             Sample(((2, 3, 4), (5, 6, 4)), {"transpose_b": "True"})),
))


def _dot_grad_lhs(ctx, p, g, b, a_like):
    """dL/dA = G . B^T on the 2-D views, reshaped to A's shape."""
    b2 = _rhs_view(b, p.transpose_b)
    g2 = g.reshape(-1, b2.shape[1])
    da2 = ctx.xp.matmul(g2, b2.T)
    return (da2.T if p.transpose_a else da2).reshape(a_like.shape)


def _dot_grad_rhs(ctx, p, a, g, b_like):
    """dL/dB = A^T . G on the 2-D views, reshaped to B's shape."""
    a2 = _lhs_view(a, p.transpose_a)
    g2 = g.reshape(a2.shape[0], -1)
    db2 = ctx.xp.matmul(a2.T, g2)
    return (db2.T if p.transpose_b else db2).reshape(b_like.shape)


def _like_rule(slot: int):
    """The output has the shape of input `slot` (the `like` input)."""
    def rule(p, in_shapes, out_shapes):
        like = in_shapes[slot] if in_shapes[slot] is not None else out_shapes[0]
        if like is None:
            return in_shapes, out_shapes
        ins = list(in_shapes)
        ins[slot] = like
        return ins, [like]
    return rule


def _dot_grad_lhs_grad(p, ins, outs, gs):
    F, (g, b, _), gg = _F(), ins, gs[0]
    return [F.dot(gg, b, **_flags(p)), F._dot_grad_rhs(gg, g, b, **_flags(p)), None]


def _dot_grad_rhs_grad(p, ins, outs, gs):
    F, (a, g, _), gg = _F(), ins, gs[0]
    return [F._dot_grad_lhs(g, gg, a, **_flags(p)), F.dot(a, gg, **_flags(p)), None]


register(OpDef(
    name="_dot_grad_lhs", inputs=("grad", "rhs", "lhs_like"), nondiff_inputs=("lhs_like",),
    attrs=_DOT_ATTRS, compute=quiet_kernel(_dot_grad_lhs), infer_shape=_like_rule(2), grad=_dot_grad_lhs_grad,
    doc="The gradient of dot w.r.t. its lhs, given the head gradient and the rhs.",
    samples=(Sample(((3, 5), (4, 5), (3, 4))), Sample(((3, 2, 5), (4, 2, 5), (3, 4))),
             Sample(((1,), (4,), (4,))), Sample(((3, 2, 5), (4, 5), (4, 3, 2)), {"transpose_a": "True"}),
             Sample(((3, 5), (5, 4), (4, 3)), {"transpose_a": "True", "transpose_b": "True"})),
))
register(OpDef(
    name="_dot_grad_rhs", inputs=("lhs", "grad", "rhs_like"), nondiff_inputs=("rhs_like",),
    attrs=_DOT_ATTRS, compute=quiet_kernel(_dot_grad_rhs), infer_shape=_like_rule(2), grad=_dot_grad_rhs_grad,
    doc="The gradient of dot w.r.t. its rhs, given the lhs and the head gradient.",
    samples=(Sample(((3, 4), (3, 5), (4, 5))), Sample(((3, 4), (3, 2, 5), (4, 2, 5))),
             Sample(((4,), (1,), (4,))),
             Sample(((2, 3, 4), (2, 3, 5, 6), (5, 6, 4)), {"transpose_b": "True"}),
             Sample(((4, 3), (3, 5), (5, 4)), {"transpose_a": "True", "transpose_b": "True"})),
))


# -- batch_dot ---------------------------------------------------------------------------------------
def batch_dot_shape(a: tuple[int, ...], b: tuple[int, ...], ta: bool, tb: bool) -> tuple[int, ...]:
    if len(a) < 3 or len(b) < 3 or len(a) != len(b):
        raise ValueError(f"batch_dot currently only support N-D*N-D array (N >= 3){fmt(a)} v.s. {fmt(b)}")
    if any(x and y and x != y for x, y in zip(a[:-2], b[:-2])):
        raise ValueError("batch_dot shape error (the leading batch dimensions must be equal): "
                         f"{fmt(a)} X {fmt(b)} trans_a={int(ta)} trans_b={int(tb)}")
    m, k_a = (a[-1], a[-2]) if ta else (a[-2], a[-1])
    k_b, n = (b[-1], b[-2]) if tb else (b[-2], b[-1])
    if k_a and k_b and k_a != k_b:
        raise ValueError(f"batch_dot shape error: {fmt(a)} X {fmt(b)} trans_a={int(ta)} trans_b={int(tb)}")
    lead = tuple(x or y for x, y in zip(a[:-2], b[:-2]))
    return lead + (m, n)


def _batch_dot(ctx, p, a, b):
    batch_dot_shape(a.shape, b.shape, p.transpose_a, p.transpose_b)
    xp = ctx.xp
    lhs = xp.swapaxes(a, -1, -2) if p.transpose_a else a
    rhs = xp.swapaxes(b, -1, -2) if p.transpose_b else b
    return xp.matmul(lhs, rhs)


def _batch_dot_rule(p, in_shapes, out_shapes):
    a, b = in_shapes
    if a is None or b is None:
        return in_shapes, out_shapes
    return in_shapes, [batch_dot_shape(a, b, p.transpose_a, p.transpose_b)]


def _batch_dot_grad(p, ins, outs, gs):
    bd, (a, b), g = _F().batch_dot, ins, gs[0]
    ta, tb = p.transpose_a, p.transpose_b
    if not ta and not tb:    # C = A B
        return [bd(g, b, transpose_b=True), bd(a, g, transpose_a=True)]
    if not ta and tb:        # C = A B^T
        return [bd(g, b), bd(g, a, transpose_a=True)]
    if ta and not tb:        # C = A^T B
        return [bd(b, g, transpose_b=True), bd(a, g)]
    return [bd(b, g, transpose_a=True, transpose_b=True),  # C = A^T B^T
            bd(g, a, transpose_a=True, transpose_b=True)]


register(OpDef(
    name="batch_dot", inputs=("lhs", "rhs"), attrs=_DOT_ATTRS, compute=quiet_kernel(_batch_dot),
    infer_shape=_batch_dot_rule, grad=_batch_dot_grad,
    doc="Batched matrix product over the last two axes (equal leading dims, ndim >= 3).",
    samples=(Sample(((2, 3, 4), (2, 4, 5))), Sample(((2, 3, 4), (2, 5, 4)), {"transpose_b": "True"}),
             Sample(((2, 4, 3), (2, 4, 5)), {"transpose_a": "True"}),
             Sample(((2, 2, 4, 3), (2, 2, 5, 4)), {"transpose_a": "True", "transpose_b": "True"})),
))


# -- FullyConnected ----------------------------------------------------------------------------------
def _data_view(x, flatten: bool):
    """Data as the 2-D (rows, features) matrix: (N, prod(rest)) or (prod(lead), last)."""
    return x.reshape(x.shape[0], -1) if flatten else x.reshape(-1, x.shape[-1])


def _fc_inputs(p) -> tuple[str, ...]:
    return ("data", "weight") if p.no_bias else ("data", "weight", "bias")


def _fc(ctx, p, x, w, b=None):
    out = ctx.xp.matmul(_data_view(x, p.flatten), w.T)
    if b is not None:
        out += b  # `out` is a fresh array, so adding in place mutates no input
    return out if p.flatten else out.reshape(x.shape[:-1] + (w.shape[0],))


def _fc_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    ins = list(in_shapes)
    if not p.no_bias:
        ins[2] = (p.num_hidden,)
    if data is None:
        return ins, out_shapes
    if p.flatten:
        features = _prod(data[1:]) if len(data) > 1 else 1
        out = (data[0], p.num_hidden)
    else:
        features = data[-1]
        out = tuple(data[:-1]) + (p.num_hidden,)
    ins[1] = (p.num_hidden, features)
    return ins, [out]


def _fc_grad(p, ins, outs, gs):
    F, g = _F(), gs[0]
    x, w = ins[0], ins[1]
    kw = {"num_hidden": p.num_hidden, "flatten": p.flatten}
    grads = [F._linear_grad_data(g, w, x, **kw), F._linear_grad_weight(g, x, w, **kw)]
    if not p.no_bias:
        grads.append(F.sum(g, axis=-1, exclude=True))  # every axis but the hidden one
    return grads


register(OpDef(
    name="FullyConnected", inputs=_fc_inputs,
    attrs=(Attr("num_hidden", Int(1)), Attr("no_bias", Bool, False), Attr("flatten", Bool, True)),
    compute=quiet_kernel(_fc), infer_shape=_fc_rule, grad=_fc_grad,
    doc="x . W^T + b, with x flattened to (N, prod(rest)) (flatten=True) or on its last axis.",
    samples=(Sample(((2, 3, 4), (5, 12), (5,)), {"num_hidden": "5"}),
             Sample(((2, 3, 4), (5, 4), (5,)), {"num_hidden": "5", "flatten": "False"}),
             Sample(((3, 4), (2, 4)), {"num_hidden": "2", "no_bias": "True"}),
             Sample(((7,), (3, 1), (3,)), {"num_hidden": "3"}),
             Sample(((7,), (3, 7)), {"num_hidden": "3", "flatten": "False", "no_bias": "True"})),
))


def _linear_grad_data(ctx, p, g, w, x_like):
    """dL/dx = G . W on the 2-D views, reshaped to x's shape."""
    g2 = g.reshape(-1, w.shape[0])
    return ctx.xp.matmul(g2, w).reshape(x_like.shape)


def _linear_grad_weight(ctx, p, g, x, w_like):
    """dL/dW = G^T . X on the 2-D views."""
    x2 = _data_view(x, p.flatten)
    g2 = g.reshape(x2.shape[0], -1)
    return ctx.xp.matmul(g2.T, x2).reshape(w_like.shape)


def _linear_grad_data_grad(p, ins, outs, gs):
    F, (g, w, _), gg = _F(), ins, gs[0]
    return [F.FullyConnected(gg, w, no_bias=True, flatten=p.flatten, num_hidden=p.num_hidden),
            F._linear_grad_weight(g, gg, w, num_hidden=p.num_hidden, flatten=p.flatten), None]


def _linear_grad_weight_grad(p, ins, outs, gs):
    F, (g, x, _), gg = _F(), ins, gs[0]
    return [F.FullyConnected(x, gg, no_bias=True, flatten=p.flatten, num_hidden=p.num_hidden),
            F._linear_grad_data(g, gg, x, num_hidden=p.num_hidden, flatten=p.flatten), None]


# num_hidden rides along so that the second-order rules can build FullyConnected nodes
_LINEAR_ATTRS = (Attr("num_hidden", Int(1)), Attr("flatten", Bool, True))
register(OpDef(
    name="_linear_grad_data", inputs=("grad", "weight", "data_like"), nondiff_inputs=("data_like",),
    attrs=_LINEAR_ATTRS, compute=quiet_kernel(_linear_grad_data), infer_shape=_like_rule(2),
    grad=_linear_grad_data_grad,
    doc="The gradient of FullyConnected w.r.t. its data.",
    samples=(Sample(((2, 5), (5, 12), (2, 3, 4)), {"num_hidden": "5"}),
             Sample(((2, 3, 5), (5, 4), (2, 3, 4)), {"num_hidden": "5", "flatten": "False"})),
))
register(OpDef(
    name="_linear_grad_weight", inputs=("grad", "data", "weight_like"), nondiff_inputs=("weight_like",),
    attrs=_LINEAR_ATTRS, compute=quiet_kernel(_linear_grad_weight), infer_shape=_like_rule(2),
    grad=_linear_grad_weight_grad,
    doc="The gradient of FullyConnected w.r.t. its weight.",
    samples=(Sample(((2, 5), (2, 3, 4), (5, 12)), {"num_hidden": "5"}),
             Sample(((2, 3, 5), (2, 3, 4), (5, 4)), {"num_hidden": "5", "flatten": "False"})),
))
