"""Matrix products: dot, batch_dot, FullyConnected (one BLAS matmul each, on reshaped views).

Batched (Hessian) evaluation keeps it at one matmul: a leading batch axis on one operand folds into
the rows of the product wherever the math allows (`_bmm`), else numpy's stacked matmul runs it.

MXNet semantics in mxnet-format.md §6.2-6.3. Gradients are closed under differentiation: dot's use
two private ops (`_dot_grad_lhs`, `_dot_grad_rhs`) whose gradients are dot and each other; likewise
FullyConnected with `_linear_grad_data` / `_linear_grad_weight`; batch_dot uses batch_dot.
"""
from __future__ import annotations

from math import prod as _prod

from .attrs import Attr, Bool, Int
from .batchrules import batch_size, broadcast_out, item_shape
from .registry import quiet
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


def _lhs_view_batched(a, transpose: bool, batched: bool):
    """The (M, K) view of every batch entry: (B, M, K), or (M, K) for an unbatched operand."""
    if not batched:
        return _lhs_view(a, transpose)
    size = a.shape[0]
    if transpose:
        return a.reshape(size, a.shape[1], -1).swapaxes(1, 2)
    return a.reshape(size, -1, a.shape[-1])


def _rhs_view_batched(b, transpose: bool, batched: bool):
    """The (K, N) view of every batch entry: (B, K, N), or (K, N) for an unbatched operand."""
    if not batched:
        return _rhs_view(b, transpose)
    size = b.shape[0]
    if transpose:
        return b.reshape(size, -1, b.shape[-1]).swapaxes(1, 2)
    return b.reshape(size, b.shape[1], -1)


def _bmm(xp, x, x_batched: bool, y, y_batched: bool):
    """x @ y per batch entry, (B, M, N), where x (B, M, K) and/or y (B, K, N) carry the batch axis.

    One batched operand folds into a single 2-D matmul: (B*M, K) @ (K, N) for x, and for y the
    transposed product (B*N, K) @ (K, M) = (y^T x^T) (a free reshape when N == 1, the Hessian-vector
    product case). Both batched: numpy's stacked matmul.
    """
    if x_batched and not y_batched:
        size, m, k = x.shape
        return xp.matmul(x.reshape(size * m, k), y).reshape(size, m, y.shape[-1])
    if y_batched and not x_batched:
        size, k, n = y.shape
        out_t = xp.matmul(y.swapaxes(1, 2).reshape(size * n, k), x.T)
        return out_t.reshape(size, n, x.shape[0]).swapaxes(1, 2)
    return xp.matmul(x, y)


def _batched_matmul(ctx, size, x, xb, y, yb, out_shape):
    """_bmm reshaped to (B,) + out_shape; with neither operand batched, the product is broadcast."""
    if not xb and not yb:
        return broadcast_out(ctx.xp, ctx.xp.matmul(x, y).reshape(out_shape), size)
    return _bmm(ctx.xp, x, xb, y, yb).reshape((size,) + tuple(out_shape))


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


def _dot_batched(ctx, p, arrays, flags):
    (a, b), (fa, fb) = arrays, flags
    out_shape = dot_shape(item_shape(a, fa), item_shape(b, fb), p.transpose_a, p.transpose_b)
    with quiet(ctx.xp):
        return _batched_matmul(ctx, batch_size(arrays, flags), _lhs_view_batched(a, p.transpose_a, fa), fa,
                               _rhs_view_batched(b, p.transpose_b, fb), fb, out_shape)


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
    grad=_dot_grad, batching=_dot_batched,
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


def _dot_grad_lhs_batched(ctx, p, arrays, flags):
    (g, b, a_like), (fg, fb, fa) = arrays, flags
    b2 = _rhs_view_batched(b, p.transpose_b, fb)
    g2 = g.reshape((g.shape[0], -1, b2.shape[-1]) if fg else (-1, b2.shape[-1]))
    a_shape = item_shape(a_like, fa)
    size = batch_size(arrays, flags)
    with quiet(ctx.xp):
        if p.transpose_a:  # dA2^T = B2 . G2^T
            return _batched_matmul(ctx, size, b2, fb, g2.swapaxes(-1, -2), fg, a_shape)
        return _batched_matmul(ctx, size, g2, fg, b2.swapaxes(-1, -2), fb, a_shape)


def _dot_grad_rhs_batched(ctx, p, arrays, flags):
    (a, g, b_like), (fa, fg, fb) = arrays, flags
    a2 = _lhs_view_batched(a, p.transpose_a, fa)
    g2 = g.reshape((g.shape[0], a2.shape[-2], -1) if fg else (a2.shape[-2], -1))
    b_shape = item_shape(b_like, fb)
    size = batch_size(arrays, flags)
    with quiet(ctx.xp):
        if p.transpose_b:  # dB2^T = G2^T . A2
            return _batched_matmul(ctx, size, g2.swapaxes(-1, -2), fg, a2, fa, b_shape)
        return _batched_matmul(ctx, size, a2.swapaxes(-1, -2), fa, g2, fg, b_shape)


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
    batching=_dot_grad_lhs_batched,
    doc="The gradient of dot w.r.t. its lhs, given the head gradient and the rhs.",
    samples=(Sample(((3, 5), (4, 5), (3, 4))), Sample(((3, 2, 5), (4, 2, 5), (3, 4))),
             Sample(((1,), (4,), (4,))), Sample(((3, 2, 5), (4, 5), (4, 3, 2)), {"transpose_a": "True"}),
             Sample(((3, 5), (5, 4), (4, 3)), {"transpose_a": "True", "transpose_b": "True"})),
))
register(OpDef(
    name="_dot_grad_rhs", inputs=("lhs", "grad", "rhs_like"), nondiff_inputs=("rhs_like",),
    attrs=_DOT_ATTRS, compute=quiet_kernel(_dot_grad_rhs), infer_shape=_like_rule(2), grad=_dot_grad_rhs_grad,
    batching=_dot_grad_rhs_batched,
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


def _batch_dot_batched(ctx, p, arrays, flags):
    """numpy's matmul broadcasts the leading dims, so the batch axis rides along unchanged."""
    (a, b), (fa, fb) = arrays, flags
    batch_dot_shape(item_shape(a, fa), item_shape(b, fb), p.transpose_a, p.transpose_b)
    xp = ctx.xp
    lhs = xp.swapaxes(a, -1, -2) if p.transpose_a else a
    rhs = xp.swapaxes(b, -1, -2) if p.transpose_b else b
    with quiet(xp):
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
    infer_shape=_batch_dot_rule, grad=_batch_dot_grad, batching=_batch_dot_batched,
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


def _rows(shape, flatten: bool) -> int:
    """How many rows the 2-D data view of an item has."""
    return shape[0] if flatten else _prod(shape[:-1])


def _fc_batched(ctx, p, arrays, flags):
    x, w = arrays[0], arrays[1]
    fx, fw = flags[0], flags[1]
    size = batch_size(arrays, flags)
    x_item, w_item = item_shape(x, fx), item_shape(w, fw)
    rows = _rows(x_item, p.flatten)
    x2 = x.reshape((size, rows, -1) if fx else (rows, -1))
    out_shape = (x_item[0], w_item[0]) if p.flatten else x_item[:-1] + (w_item[0],)
    with quiet(ctx.xp):
        out = _batched_matmul(ctx, size, x2, fx, w.swapaxes(-1, -2), fw, (rows, w_item[0]))
        if len(arrays) > 2:
            bias = arrays[2].reshape(size, 1, -1) if flags[2] else arrays[2]
            if fx or fw:
                out += bias  # a fresh product
            else:
                out = out + bias  # `out` is a broadcast view
    return out.reshape((size,) + tuple(out_shape))


def _fc_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    ins = list(in_shapes)
    if data is None:  # MXNet infers nothing, not even the bias, until the data is known
        return ins, out_shapes
    if not p.no_bias:
        ins[2] = (p.num_hidden,)
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
    compute=quiet_kernel(_fc), infer_shape=_fc_rule, grad=_fc_grad, batching=_fc_batched,
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


def _linear_grad_data_batched(ctx, p, arrays, flags):
    (g, w, x_like), (fg, fw, fx) = arrays, flags
    hidden = w.shape[-2]
    g2 = g.reshape((g.shape[0], -1, hidden) if fg else (-1, hidden))
    with quiet(ctx.xp):
        return _batched_matmul(ctx, batch_size(arrays, flags), g2, fg, w, fw, item_shape(x_like, fx))


def _linear_grad_weight_batched(ctx, p, arrays, flags):
    (g, x, w_like), (fg, fx, fw) = arrays, flags
    size = batch_size(arrays, flags)
    rows = _rows(item_shape(x, fx), p.flatten)
    x2 = x.reshape((size, rows, -1) if fx else (rows, -1))
    g2 = g.reshape((size, rows, -1) if fg else (rows, -1))
    with quiet(ctx.xp):
        return _batched_matmul(ctx, size, g2.swapaxes(-1, -2), fg, x2, fx, item_shape(w_like, fw))


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
    grad=_linear_grad_data_grad, batching=_linear_grad_data_batched,
    doc="The gradient of FullyConnected w.r.t. its data.",
    samples=(Sample(((2, 5), (5, 12), (2, 3, 4)), {"num_hidden": "5"}),
             Sample(((2, 3, 5), (5, 4), (2, 3, 4)), {"num_hidden": "5", "flatten": "False"})),
))
register(OpDef(
    name="_linear_grad_weight", inputs=("grad", "data", "weight_like"), nondiff_inputs=("weight_like",),
    attrs=_LINEAR_ATTRS, compute=quiet_kernel(_linear_grad_weight), infer_shape=_like_rule(2),
    grad=_linear_grad_weight_grad, batching=_linear_grad_weight_batched,
    doc="The gradient of FullyConnected w.r.t. its weight.",
    samples=(Sample(((2, 5), (2, 3, 4), (5, 12)), {"num_hidden": "5"}),
             Sample(((2, 3, 5), (2, 3, 4), (5, 4)), {"num_hidden": "5", "flatten": "False"})),
))
