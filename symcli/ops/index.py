"""Indexing and ordering: take, pick, Embedding, one_hot, where, sort, argsort, topk.

MXNet semantics in mxnet-format.md §6.8 and §6.17. Float indices truncate toward zero. Sorting is
STABLE (ties keep their input order; for descending order too), unlike MXNet, whose ties are stable
only up to 16 elements and whose NaN order is arbitrary; here NaN sorts as the largest value.
Gradients scatter-add with vectorized private ops whose own gradients are the matching gathers.
"""
from __future__ import annotations

from math import prod as _prod

from .attrs import Attr, Bool, DType, Enum, Float, Int, Optional
from .batchrules import batch_size, item_shape, lift, loop, replace, shift, shifted, unbatched_first
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register, same_dtype
from .rules import fmt, same_shape


def _F():
    from ..symbol import F
    return F


# -- shared helpers ----------------------------------------------------------------------------------
def _axis(axis: int, ndim: int, what: str = "axis") -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{what} {axis} is out of range for {ndim} dimensions")
    return axis % ndim


def positions(xp, indices, n: int, mode: str):
    """Integer positions in [0, n) from (possibly float) indices, as MXNet's clip/wrap/raise modes."""
    idx = indices.astype("int64")  # truncates toward zero, as MXNet's cast does
    if mode == "wrap":
        return xp.mod(idx, n)
    if mode == "raise":
        if idx.size and bool(xp.any((idx < 0) | (idx >= n))):
            raise IndexError("take operator contains indices out of bound")
        return idx
    return xp.clip(idx, 0, n - 1)


def scatter_add_rows(xp, n_rows: int, rows, values):
    """out[rows[i]] += values[i] for a 2-D `values` (m, C), vectorized.

    numpy's ufunc.at is the fastest option measured (numpy 2: faster than bincount or a sort +
    reduceat, and without bincount's float64 n*C temporary).
    """
    out = xp.zeros((n_rows, values.shape[1]), dtype=values.dtype)
    if hasattr(xp.add, "at"):
        xp.add.at(out, rows, values)
    else:  # CuPy without ufunc.at
        import cupyx
        cupyx.scatter_add(out, rows, values)
    return out


def _index_dtype_free(p, in_dtypes, out_dtypes, index_slots=(1,)):
    """same_dtype over the non-index inputs and the outputs; index inputs keep their own dtype."""
    others = [d for k, d in enumerate(in_dtypes) if k not in index_slots]
    new_others, new_outs = same_dtype(p, others, out_dtypes)
    it = iter(new_others)
    ins = [d if k in index_slots else next(it) for k, d in enumerate(in_dtypes)]
    return ins, new_outs


# -- take --------------------------------------------------------------------------------------------
_MODE = Enum("clip", "wrap", "raise")


def take_shape(a, idx, axis: int) -> tuple[int, ...]:
    ax = _axis(axis, len(a))
    return tuple(a[:ax]) + tuple(idx) + tuple(a[ax + 1:])


def _take(ctx, p, a, indices):
    ax = _axis(p.axis, a.ndim)
    return ctx.xp.take(a, positions(ctx.xp, indices, a.shape[ax], p.mode), axis=ax)


def _take_rule(p, in_shapes, out_shapes):
    a, idx = in_shapes
    if a is None or idx is None:
        return in_shapes, out_shapes
    return in_shapes, [take_shape(a, idx, p.axis)]


def _take_grad(p, ins, outs, gs):
    return [_F()._take_scatter(gs[0], ins[1], ins[0], axis=p.axis, mode=p.mode), None]


_TAKE_ATTRS = (Attr("axis", Int(), 0), Attr("mode", _MODE, "clip"))
def _take_batched(ctx, p, arrays, flags):
    (a, indices), (fa, fi) = arrays, flags
    xp = ctx.xp
    if fa and fi:
        return loop(_take, ctx, p, arrays, flags)
    if fa:
        ax = _axis(p.axis, a.ndim - 1) + 1
        return xp.take(a, positions(xp, indices, a.shape[ax], p.mode), axis=ax)
    ax = _axis(p.axis, a.ndim)  # batched indices: the batch axis lands at `ax`, moved to the front
    return xp.moveaxis(xp.take(a, positions(xp, indices, a.shape[ax], p.mode), axis=ax), ax, 0)


register(OpDef(
    name="take", inputs=("a", "indices"), nondiff_inputs=("indices",), attrs=_TAKE_ATTRS,
    batching=_take_batched,
    compute=_take, infer_shape=_take_rule, infer_dtype=_index_dtype_free, grad=_take_grad,
    doc="Rows (or slices along `axis`) of `a` at `indices`; out-of-range indices clip or wrap.",
    samples=(Sample(((5, 3), (4,)), values=(None, [0, 2, 2, 4])),
             Sample(((3, 4), (2, 2)), {"axis": "1", "mode": "wrap"}, values=(None, [[-1, 5], [1.7, 2]])),
             Sample(((4, 3), (3,)), {"mode": "clip"}, values=(None, [-2, 7, 1]))),
))


def _take_scatter(ctx, p, g, indices, like):
    """The gradient of take: g's slices added into zeros shaped like `a` (repeats accumulate)."""
    xp = ctx.xp
    ax = _axis(p.axis, like.ndim)
    n = like.shape[ax]
    rows = positions(xp, indices, n, "clip" if p.mode == "raise" else p.mode).reshape(-1)
    pre, post = like.shape[:ax], like.shape[ax + 1:]
    g4 = g.reshape(_prod(pre), rows.size, _prod(post))
    moved = xp.transpose(g4, (1, 0, 2)).reshape(rows.size, -1)
    summed = scatter_add_rows(xp, n, rows, moved)
    out = xp.transpose(summed.reshape(n, _prod(pre), _prod(post)), (1, 0, 2))
    return xp.ascontiguousarray(out).reshape(like.shape)


def _take_scatter_rule(p, in_shapes, out_shapes):
    g, idx, like = in_shapes
    like = like if like is not None else out_shapes[0]
    if like is None:
        return in_shapes, out_shapes
    g = take_shape(like, idx, p.axis) if idx is not None else g
    return [g, idx, like], [like]


def _take_scatter_grad(p, ins, outs, gs):
    return [_F().take(gs[0], ins[1], axis=p.axis, mode=p.mode), None, None]


@unbatched_first(_take_scatter, values=(0, 1))
def _take_scatter_batched(ctx, p, arrays, flags):
    if flags[1]:  # batched indices
        return loop(_take_scatter, ctx, p, arrays, flags)
    (g, indices, like), size = arrays, batch_size(arrays, flags)
    like = lift(ctx.xp, like, flags[2], size)  # only its shape is read
    return _take_scatter(ctx, replace(p, axis=shift(p.axis, like.ndim - 1)), g, indices, like)


register(OpDef(
    name="_take_scatter", inputs=("grad", "indices", "like"), nondiff_inputs=("indices", "like"),
    batching=_take_scatter_batched,
    attrs=_TAKE_ATTRS, compute=_take_scatter, infer_shape=_take_scatter_rule,
    infer_dtype=lambda p, i, o: _index_dtype_free(p, i, o, (1, 2)), grad=_take_scatter_grad,
    doc="Scatter-add `grad` into zeros shaped like `like` at `indices` along `axis` (take's gradient).",
    samples=(Sample(((4, 3), (4,), (5, 3)), values=(None, [0, 2, 2, 4], None)),
             Sample(((3, 2, 2), (2, 2), (3, 4)), {"axis": "1", "mode": "wrap"},
                    values=(None, [[-1, 5], [1.7, 2]], None))),
))


# -- Embedding ---------------------------------------------------------------------------------------
def _embedding(ctx, p, data, weight):
    return ctx.xp.take(weight, positions(ctx.xp, data, weight.shape[0], "clip"), axis=0)


def _embedding_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    ins = [data, (p.input_dim, p.output_dim)]
    if data is None:
        return ins, out_shapes
    return ins, [tuple(data) + (p.output_dim,)]


def _embedding_dtype(p, in_dtypes, out_dtypes):
    # the weight (and output) dtype is the weight's if known, else the `dtype` attribute
    weight = in_dtypes[1] or out_dtypes[0] or p.dtype
    return [in_dtypes[0], weight], [weight]


def _embedding_grad(p, ins, outs, gs):
    return [None, _F()._take_scatter(gs[0], ins[0], ins[1], axis=0, mode="clip")]


def _embedding_batched(ctx, p, arrays, flags):
    data, weight = arrays
    if flags[0]:  # batched indices
        return loop(_embedding, ctx, p, arrays, flags)
    return ctx.xp.take(weight, positions(ctx.xp, data, weight.shape[1], "clip"), axis=1)


register(OpDef(
    name="Embedding", inputs=("data", "weight"), nondiff_inputs=("data",),
    batching=_embedding_batched,
    attrs=(Attr("input_dim", Int(1)), Attr("output_dim", Int(1)),
           Attr("dtype", DType(), "float32"), Attr("sparse_grad", Bool, False)),
    compute=_embedding, infer_shape=_embedding_rule, infer_dtype=_embedding_dtype, grad=_embedding_grad,
    doc="Rows of `weight` at the (truncated, clipped) indices in `data`.",
    samples=(Sample(((2, 3), (4, 2)), {"input_dim": "4", "output_dim": "2"},
                    values=([[0, 3, 3], [1.5, -1, 9]], None)),),
))


# -- pick --------------------------------------------------------------------------------------------
def _pick_axis(p, ndim: int) -> int:
    if p.axis is None:
        raise ValueError("axis=None is not supported by pick yet. Must specify an axis.")
    return _axis(p.axis, ndim)


def _pick_positions(ctx, p, data, index):
    ax = _pick_axis(p, data.ndim)
    kept = data.shape[:ax] + (1,) + data.shape[ax + 1:]
    if index.size != _prod(kept):
        raise ValueError(f"pick index shape {fmt(index.shape)} does not match data {fmt(data.shape)} "
                         f"on axis {ax}")
    return ax, positions(ctx.xp, index, data.shape[ax], p.mode).reshape(kept)


def _pick_out_shape(p, shape, ax):
    if p.keepdims:
        return shape[:ax] + (1,) + shape[ax + 1:]
    return (shape[:ax] + shape[ax + 1:]) or (1,)


def _pick(ctx, p, data, index):
    ax, pos = _pick_positions(ctx, p, data, index)
    out = ctx.xp.take_along_axis(data, pos, axis=ax)
    return out.reshape(_pick_out_shape(p, data.shape, ax))


def _pick_rule(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    shape = _pick_out_shape(p, tuple(data), _pick_axis(p, len(data)))
    return [data, in_shapes[1] if in_shapes[1] is not None else shape], [shape]


def _pick_grad(p, ins, outs, gs):
    return [_F()._pick_scatter(gs[0], ins[1], ins[0], axis=p.axis, keepdims=p.keepdims, mode=p.mode),
            None]


_PICK_ATTRS = (Attr("axis", Optional(Int()), -1), Attr("keepdims", Bool, False),
               Attr("mode", Enum("clip", "wrap"), "clip"))
register(OpDef(
    name="pick", aliases=("choose_element_0index",), inputs=("data", "index"),
    batching=shifted(_pick, _pick_rule),
    nondiff_inputs=("index",), attrs=_PICK_ATTRS, compute=_pick, infer_shape=_pick_rule,
    infer_dtype=_index_dtype_free, grad=_pick_grad,
    doc="One element per position along `axis`, at the (truncated, clipped or wrapped) index.",
    samples=(Sample(((2, 3), (2,)), {"axis": "1"}, values=(None, [2, 0.5])),
             Sample(((3, 4), (1, 4)), {"axis": "0", "keepdims": "True", "mode": "wrap"},
                    values=(None, [[-1, 3, 4, 1]]))),
))


def _pick_scatter(ctx, p, g, index, like):
    """The gradient of pick: g placed at the picked positions, zeros elsewhere."""
    xp = ctx.xp
    ax, pos = _pick_positions(ctx, p, like, index)
    n = like.shape[ax]
    hits = xp.arange(n).reshape((n,) + (1,) * (like.ndim - ax - 1)) == pos
    kept = g.reshape(like.shape[:ax] + (1,) + like.shape[ax + 1:])
    return xp.where(hits, kept, xp.zeros((), dtype=g.dtype))


def _pick_scatter_rule(p, in_shapes, out_shapes):
    g, idx, like = in_shapes
    like = like if like is not None else out_shapes[0]
    if like is None:
        return in_shapes, out_shapes
    shape = _pick_out_shape(p, tuple(like), _pick_axis(p, len(like)))
    return [shape, idx if idx is not None else shape, like], [like]


register(OpDef(
    name="_pick_scatter", inputs=("grad", "index", "like"), nondiff_inputs=("index", "like"),
    batching=shifted(_pick_scatter, _pick_scatter_rule, ndim_of=2),
    attrs=_PICK_ATTRS, compute=_pick_scatter, infer_shape=_pick_scatter_rule,
    infer_dtype=lambda p, i, o: _index_dtype_free(p, i, o, (1, 2)),
    grad=lambda p, ins, outs, gs: [_F().pick(gs[0], ins[1], axis=p.axis, keepdims=p.keepdims,
                                             mode=p.mode), None, None],
    doc="Place `grad` at the positions pick reads, zeros elsewhere (pick's gradient).",
    samples=(Sample(((2,), (2,), (2, 3)), {"axis": "1"}, values=(None, [2, 0.5], None)),),
))


# -- one_hot -----------------------------------------------------------------------------------------
def _one_hot(ctx, p, indices):
    xp = ctx.xp
    pos = indices.astype("int64")[..., None]
    hit = xp.arange(p.depth) == pos  # negative or too-large indices match nothing: an all-off row
    return xp.where(hit, p.on_value, p.off_value).astype(p.dtype)


def _one_hot_rule(p, in_shapes, out_shapes):
    if in_shapes[0] is None:
        return in_shapes, out_shapes
    return in_shapes, [tuple(in_shapes[0]) + (p.depth,)]


register(OpDef(
    name="one_hot", inputs=("indices",), nondiff_inputs=("indices",),
    batching=ELEMENTWISE,
    attrs=(Attr("depth", Int(1)), Attr("on_value", Float(), 1.0), Attr("off_value", Float(), 0.0),
           Attr("dtype", DType(), "float32")),
    compute=_one_hot, infer_shape=_one_hot_rule,
    infer_dtype=lambda p, i, o: (i, [p.dtype]), grad=ZERO_GRADIENT,
    doc="One-hot rows of length `depth`; out-of-range indices give an all-off row.",
    samples=(Sample(((4,),), {"depth": "3"}, values=([0, 2.7, -1, 3],)),
             Sample(((2, 2),), {"depth": "4", "on_value": "5", "off_value": "-1", "dtype": "int32"},
                    values=([[1, 3], [0, 2]],))),
))


# -- where -------------------------------------------------------------------------------------------
def _where(ctx, p, cond, x, y):
    if cond.shape != x.shape:
        if cond.ndim != 1 or cond.shape[0] != x.shape[0]:
            raise ValueError(f"where: condition {fmt(cond.shape)} must have the shape of x "
                             f"{fmt(x.shape)} or be 1-D of length x.shape[0]")
        cond = cond.reshape((cond.shape[0],) + (1,) * (x.ndim - 1))
    return ctx.xp.where(cond != 0, x, y)


def _where_rule(p, in_shapes, out_shapes):
    cond, x, y = in_shapes
    if cond is None:  # MXNet decides nothing until the condition's shape is known
        return in_shapes, out_shapes
    (x, y), outs = same_shape(p, [x, y], out_shapes)
    if cond is not None and x is not None and tuple(cond) != tuple(x):
        if len(cond) != 1 or cond[0] != x[0]:
            raise ValueError(f"where: condition {fmt(cond)} must have the shape of x {fmt(x)} "
                             "or be 1-D of length x.shape[0]")
    return [cond, x, y], outs


def _where_grad(p, ins, outs, gs):
    F, cond, g = _F(), ins[0], gs[0]
    zeros = F.zeros_like(g)
    return [None, F.where(cond, g, zeros), F.where(cond, zeros, g)]


def _where_batched(ctx, p, arrays, flags):
    """The condition, a row selector or elementwise, broadcasts against batched and unbatched x, y."""
    (cond, x, y), (fc, fx, _) = arrays, flags
    cond_item, x_item = item_shape(cond, fc), item_shape(x, fx)
    if cond_item != x_item:
        if len(cond_item) != 1 or cond_item[0] != x_item[0]:
            raise ValueError(f"where: condition {fmt(cond_item)} must have the shape of x "
                             f"{fmt(x_item)} or be 1-D of length x.shape[0]")
        cond = cond.reshape(cond.shape + (1,) * (len(x_item) - 1))
    return ctx.xp.where(cond != 0, x, y)  # a batched operand brings the batch axis


register(OpDef(
    name="where", inputs=("condition", "x", "y"), nondiff_inputs=("condition",),
    batching=_where_batched,
    compute=_where, infer_shape=_where_rule,
    infer_dtype=lambda p, i, o: _index_dtype_free(p, i, o, (0,)), grad=_where_grad,
    doc="x where condition is non-zero, else y; a 1-D condition selects whole rows.",
    samples=(Sample(((2, 3), (2, 3), (2, 3)), values=([[1, 0, 1], [0, 0, 2]], None, None)),
             Sample(((3,), (3, 2), (3, 2)), values=([0, 1, 1], None, None))),
))


# -- sort, argsort, topk -----------------------------------------------------------------------------
def _argsort_stable(xp, x, axis: int, ascending: bool):
    """Stable order along `axis` (int64); descending keeps ties in input order too."""
    def order(a):
        try:
            return xp.argsort(a, axis=axis, kind="stable")
        except TypeError:  # array modules without `kind` (their sorts are stable)
            return xp.argsort(a, axis=axis)
    if ascending:
        return order(x)
    n = x.shape[axis]
    return xp.flip(n - 1 - order(xp.flip(x, axis=axis)), axis=axis)


def _sort_view(x, axis):
    """(array, axis) to sort along: a None axis sorts the flattened array."""
    if axis is None:
        return x.reshape(-1), 0
    return x, _axis(axis, x.ndim)


def _ordering_batched(kernel, shape_rule):
    """Batching of sort/argsort/topk: the axis past the batch axis; axis=None sorts each entry
    flattened, as the (B, -1) view's rows."""
    def rule(ctx, p, arrays, flags):
        x = arrays[0]
        size, item = x.shape[0], x.shape[1:]
        if p.axis is None:
            result = kernel(ctx, replace(p, axis=1), x.reshape(size, -1))
        else:
            result = kernel(ctx, replace(p, axis=shift(p.axis, len(item))), x)
        outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        _, shapes = shape_rule(p, [item], [None] * len(outs))
        outs = tuple(o.reshape((size,) + tuple(shape)) for o, shape in zip(outs, shapes))
        return outs if isinstance(result, (tuple, list)) else outs[0]
    return rule


def _sort(ctx, p, x):
    xp = ctx.xp
    work, ax = _sort_view(x, p.axis)
    idx = _argsort_stable(xp, work, ax, p.is_ascend)
    return xp.take_along_axis(work, idx, axis=ax), idx


def _sort_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    shape = tuple(data) if p.axis is not None else (_prod(data),)
    if p.axis is not None:
        _axis(p.axis, len(data))
    return in_shapes, [shape] * len(out_shapes)


def _sort_dtype(p, in_dtypes, out_dtypes):
    ins, outs = same_dtype(p, in_dtypes, out_dtypes[:1])
    return ins, [outs[0], "int64"]


def _sort_grad(p, ins, outs, gs):
    return [_F()._scatter_along_axis(gs[0], outs[1], ins[0], axis=p.axis)]


_SORT_AXIS = Attr("axis", Optional(Int()), -1)
_TWO_OUTPUTS = ("output0", "output1")  # MXNet names outputs by the total count, hidden ones included
register(OpDef(
    name="sort", attrs=(_SORT_AXIS, Attr("is_ascend", Bool, True)),
    batching=_ordering_batched(_sort, _sort_shape),
    compute=_sort, infer_shape=_sort_shape,
    infer_dtype=_sort_dtype,
    num_outputs=2, num_visible=1, output_names=_TWO_OUTPUTS, grad=_sort_grad,
    doc="Values sorted along `axis` (stable); the hidden second output holds the source positions.",
    samples=(Sample(((3, 4),)), Sample(((3, 4),), {"axis": "0", "is_ascend": "False"}),
             Sample(((2, 3),), {"axis": "None"})),
))


def _argsort(ctx, p, x):
    work, ax = _sort_view(x, p.axis)
    return _argsort_stable(ctx.xp, work, ax, p.is_ascend).astype(p.dtype)


_INDEX_DTYPE = Attr("dtype", DType(), "float32")
register(OpDef(
    name="argsort", attrs=(_SORT_AXIS, Attr("is_ascend", Bool, True), _INDEX_DTYPE),
    batching=_ordering_batched(_argsort, _sort_shape),
    compute=_argsort, infer_shape=_sort_shape, infer_dtype=lambda p, i, o: (i, [p.dtype]),
    grad=ZERO_GRADIENT,
    doc="Positions that sort `axis` (stable), in `dtype` (float32 by default).",
    samples=(Sample(((3, 4),)), Sample(((3, 4),), {"axis": "0", "is_ascend": "False", "dtype": "int32"})),
))


def _topk_k(p, n: int) -> int:
    if p.k <= 0:
        return n
    if p.k > n:
        raise ValueError(f"k must be smaller than {n}, get k = {p.k}")
    return p.k


def _topk(ctx, p, x):
    xp = ctx.xp
    work, ax = _sort_view(x, p.axis)
    n = work.shape[ax]
    k = _topk_k(p, n)
    order = _argsort_stable(xp, work, ax, p.is_ascend)
    if p.ret_typ == "mask":
        rank = _argsort_stable(xp, order, ax, True)  # each element's place in the order
        return (rank < k).astype(x.dtype).reshape(x.shape)
    idx = xp.take(order, xp.arange(k), axis=ax)
    if p.ret_typ == "indices":
        return idx.astype(p.dtype)
    return xp.take_along_axis(work, idx, axis=ax), idx.astype(p.dtype)


def _topk_outputs(p) -> int:
    return 2 if p.ret_typ in ("value", "both") else 1


def _topk_shape(p, in_shapes, out_shapes):
    data = in_shapes[0]
    if data is None:
        return in_shapes, out_shapes
    if p.ret_typ == "mask":
        return in_shapes, [tuple(data)]
    shape = list(data) if p.axis is not None else [_prod(data)]
    ax = _axis(p.axis, len(data)) if p.axis is not None else 0
    shape[ax] = _topk_k(p, shape[ax])
    return in_shapes, [tuple(shape)] * _topk_outputs(p)


def _topk_dtype(p, in_dtypes, out_dtypes):
    if p.ret_typ == "indices":
        return in_dtypes, [p.dtype]
    data = in_dtypes[0] or out_dtypes[0]
    if p.ret_typ == "mask":
        return [data], [data]
    return [data], [data, p.dtype]


def _topk_grad(p, ins, outs, gs):
    if p.ret_typ in ("indices", "mask") or gs[0] is None:
        return [None]  # indices and masks are piecewise constant
    return [_F()._scatter_along_axis(gs[0], outs[1], ins[0], axis=p.axis)]


register(OpDef(
    name="topk",
    batching=_ordering_batched(_topk, _topk_shape),
    attrs=(_SORT_AXIS, Attr("k", Int(), 1),
           Attr("ret_typ", Enum("value", "indices", "mask", "both"), "indices"),
           Attr("is_ascend", Bool, False), _INDEX_DTYPE),
    compute=_topk, infer_shape=_topk_shape, infer_dtype=_topk_dtype,
    num_outputs=_topk_outputs, num_visible=lambda p: 2 if p.ret_typ == "both" else 1,
    output_names=lambda p: _TWO_OUTPUTS if _topk_outputs(p) == 2 else ("output",), grad=_topk_grad,
    doc="The k largest (or smallest) along `axis`: values, indices (in `dtype`), both, or a 0/1 mask.",
    samples=(Sample(((3, 4),), {"k": "2", "ret_typ": "value"}),
             Sample(((3, 4),), {"k": "2", "ret_typ": "both", "axis": "0", "is_ascend": "True"}),
             Sample(((3, 4),), {"k": "3", "ret_typ": "value", "axis": "None"}),
             Sample(((3, 4),), {"k": "2"}), Sample(((3, 4),), {"k": "0", "ret_typ": "mask"})),
))


# -- private gather/scatter along an axis (gradients of sort and topk) ------------------------------
def _gather_view(like_shape, axis):
    return (_prod(like_shape),) if axis is None else tuple(like_shape)


def _take_along_axis(ctx, p, data, indices):
    work, ax = _sort_view(data, p.axis)
    return ctx.xp.take_along_axis(work, indices.astype("int64"), axis=ax)


def _scatter_along_axis(ctx, p, data, indices, like):
    xp = ctx.xp
    shape = _gather_view(like.shape, p.axis)
    ax = 0 if p.axis is None else _axis(p.axis, like.ndim)
    idx = indices.astype("int64")
    # flat position of every element of `data` in the (flattened) output
    strides = [_prod(shape[d + 1:]) for d in range(len(shape))]
    flat = xp.zeros(idx.shape, dtype="int64")
    for d, stride in enumerate(strides):  # a loop over dimensions, not elements
        coord = idx if d == ax else xp.arange(idx.shape[d]).reshape(
            (-1,) + (1,) * (idx.ndim - d - 1))
        flat = flat + coord * stride
    summed = scatter_add_rows(xp, _prod(shape), flat.reshape(-1), data.reshape(-1, 1))
    return summed.reshape(like.shape)


def _take_along_axis_batched(ctx, p, arrays, flags):
    xp, size = ctx.xp, batch_size(arrays, flags)
    data, indices = (lift(xp, a, f, size) for a, f in zip(arrays, flags))
    if p.axis is None:  # each entry flattened
        return xp.take_along_axis(data.reshape(size, -1), indices.astype("int64"), axis=1)
    return xp.take_along_axis(data, indices.astype("int64"), axis=shift(p.axis, data.ndim - 1))


@unbatched_first(_scatter_along_axis, values=(0, 1))
def _scatter_along_axis_batched(ctx, p, arrays, flags):
    xp, size = ctx.xp, batch_size(arrays, flags)
    data, indices = (lift(xp, a, f, size) for a, f in zip(arrays[:2], flags[:2]))
    like = item_shape(arrays[2], flags[2])
    if p.axis is None:  # each entry flattened: rows of a (B, -1) view
        shape, q = (size, _prod(like)), replace(p, axis=1)
    else:
        shape, q = (size,) + like, replace(p, axis=shift(p.axis, len(like)))
    holder = xp.broadcast_to(xp.zeros((), dtype=data.dtype), shape)  # only its shape is read
    return _scatter_along_axis(ctx, q, data, indices, holder).reshape((size,) + like)


def _like_rule(p, in_shapes, out_shapes):
    return in_shapes, [in_shapes[2]] if in_shapes[2] is not None else out_shapes


def _gather_rule(p, in_shapes, out_shapes):
    return in_shapes, [in_shapes[1]] if in_shapes[1] is not None else out_shapes


# default None: a forward axis of None must survive being passed as a keyword (None is dropped)
_GATHER_AXIS = (Attr("axis", Optional(Int()), None),)
register(OpDef(
    name="_take_along_axis", inputs=("data", "indices"), nondiff_inputs=("indices",),
    batching=_take_along_axis_batched,
    attrs=_GATHER_AXIS, compute=_take_along_axis, infer_shape=_gather_rule,
    infer_dtype=_index_dtype_free,
    grad=lambda p, ins, outs, gs: [_F()._scatter_along_axis(gs[0], ins[1], ins[0], axis=p.axis), None],
    doc="data[..., indices[..., j, ...], ...] along `axis` (flattened when None).",
    samples=(Sample(((3, 4), (2, 4)), {"axis": "0"}, values=(None, [[2, 0, 1, 1], [0, 0, 2, 1]])),
             Sample(((2, 3), (4,)), {"axis": "None"}, values=(None, [5, 0, 5, 3]))),
))
register(OpDef(
    name="_scatter_along_axis", inputs=("data", "indices", "like"), nondiff_inputs=("indices", "like"),
    batching=_scatter_along_axis_batched,
    attrs=_GATHER_AXIS, compute=_scatter_along_axis, infer_shape=_like_rule,
    infer_dtype=lambda p, i, o: _index_dtype_free(p, i, o, (1, 2)),
    grad=lambda p, ins, outs, gs: [_F()._take_along_axis(gs[0], ins[1], axis=p.axis), None, None],
    doc="Add `data` into zeros shaped like `like` at `indices` along `axis` (repeats accumulate).",
    samples=(Sample(((2, 4), (2, 4), (3, 4)), {"axis": "0"},
                    values=(None, [[2, 0, 1, 1], [0, 0, 2, 1]], None)),
             Sample(((4,), (4,), (2, 3)), {"axis": "None"}, values=(None, [5, 0, 5, 3], None))),
))
