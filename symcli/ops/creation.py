"""Array-creation operators without inputs: _zeros, _ones, _full, _arange, _eye.

Their shape rules read only attributes and never allocate, so a graph asking for a huge array is
refused from its inferred shape (runner.check_memory) before anything is created.
"""
from __future__ import annotations

import math

from .attrs import Attr, Bool, DType, Enum, Float, Int, Optional, Shape, Str
from .registry import ZERO_GRADIENT, OpDef, Sample, register
from .rules import fmt

# _arange and _eye take MXNet's narrower dtype lists
_ARANGE_DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bfloat16")
_EYE_DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64")


def _dtype_rule(p, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    return in_dtypes, [p.dtype]


def _numpy_dtype(name: str) -> str:
    if name == "bfloat16":
        raise ValueError("bfloat16 arrays are not supported")
    return name


# -- _zeros, _ones, _full --------------------------------------------------------------------------
def _shape_rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    """The `shape` attribute; 0 dims (or no shape) are unknown and may come from the output."""
    shape, out = tuple(p.shape or ()), out_shapes[0]
    if not shape:
        return in_shapes, out_shapes
    if out is not None:
        if len(out) != len(shape) or any(s and o and s != o for s, o in zip(shape, out)):
            raise ValueError(f"shape {fmt(shape)} conflicts with {fmt(out)}")
        shape = tuple(s or o for s, o in zip(shape, out))
    if 0 in shape and out is None:
        return in_shapes, out_shapes
    return in_shapes, [shape]


def _full_shape(p) -> tuple[int, ...]:
    shape = tuple(p.shape or ())
    if not shape or 0 in shape:
        raise ValueError(f"shape {fmt(shape)} is not fully known")
    return shape


def _filled(value_of):
    def compute(ctx, p):
        return ctx.xp.full(_full_shape(p), value_of(p), dtype=_numpy_dtype(p.dtype))
    return compute


_INIT_ATTRS = (Attr("shape", Shape, ()), Attr("ctx", Str, ""), Attr("dtype", DType(), "float32"))


def _init_op(name: str, value_of, doc: str, extra=(), sample_attrs=None) -> None:
    register(OpDef(
        name=name, inputs=(), attrs=_INIT_ATTRS + extra, compute=_filled(value_of),
        infer_shape=_shape_rule, infer_dtype=_dtype_rule, grad=ZERO_GRADIENT, doc=doc,
        samples=(Sample((), {"shape": "(2, 3)", **(sample_attrs or {})}),
                 Sample((), {"shape": "(3,)", "dtype": "int32", **(sample_attrs or {})})),
    ))


_init_op("_zeros", lambda p: 0, "An array of zeros of `shape` and `dtype` (default float32).")
_init_op("_ones", lambda p: 1, "An array of ones of `shape` and `dtype` (default float32).")
_init_op("_full", lambda p: p.value, "An array of `shape` and `dtype` filled with `value` (cast to dtype).",
         extra=(Attr("value", Float()),), sample_attrs={"value": "2.5"})


# -- _arange -----------------------------------------------------------------------------------------
def _arange_length(p) -> int | None:
    """MXNet's RangeShape: ceil((stop - start) / step) * repeat; None when infer_range leaves it open."""
    if p.step == 0:
        raise ValueError(f"Range does not support step=0, received {p.step}")
    if p.repeat <= 0:
        raise ValueError(f"Range only supports repeat > 0, received {p.repeat}")
    if p.stop is None and p.infer_range:
        return None
    start, stop = _start_stop(p)
    if (p.step > 0 and not start < stop) or (p.step < 0 and not start > stop):
        raise ValueError(f"Invalid range (start, stop, step) = ({start},{stop},{p.step})")
    return int(math.ceil((stop - start) / p.step)) * p.repeat


def _start_stop(p) -> tuple[float, float]:
    """MXNet's RangeParamParser: without stop (and infer_range), `start` is the stop and 0 the start."""
    return (0.0, p.start) if p.stop is None else (p.start, p.stop)


def _arange_rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    n = _arange_length(p)
    return in_shapes, [(n,)] if n is not None else out_shapes


def _arange(ctx, p):
    xp, dtype = ctx.xp, _numpy_dtype(p.dtype)
    n = _arange_length(p)
    if n is None:
        raise ValueError("_arange with infer_range=True and no stop: the length is unknown")
    start = _start_stop(p)[0]
    index = xp.arange(n, dtype=xp.int64) // p.repeat
    if dtype in ("float32", "float64"):
        # start + (i / repeat) * step, computed in the output dtype as MXNet's kernel does
        kind = xp.dtype(dtype).type
        return index.astype(dtype) * kind(p.step) + kind(start)
    if dtype == "float16":
        # MXNet's kernel treats half_t as "not signed" and truncates start and step to integers
        kind = xp.float16
        return index.astype(dtype) * kind(int(p.step)) + kind(int(start))
    # integer outputs: start and step truncated first, then wrapped into the dtype
    return (index * int(p.step) + int(start)).astype(dtype)


register(OpDef(
    name="_arange", inputs=(),
    attrs=(Attr("start", Float()), Attr("stop", Optional(Float()), None), Attr("step", Float(), 1.0),
           Attr("repeat", Int(), 1), Attr("infer_range", Bool, False), Attr("ctx", Str, ""),
           Attr("dtype", Enum(*_ARANGE_DTYPES), "float32")),
    compute=_arange, infer_shape=_arange_rule, infer_dtype=_dtype_rule, grad=ZERO_GRADIENT,
    doc="start, start+step, ... below stop, each value `repeat` times.",
    samples=(Sample((), {"start": "1.0", "stop": "7.0", "step": "1.5"}),
             Sample((), {"start": "0", "stop": "4", "repeat": "2", "dtype": "int32"}),
             Sample((), {"start": "5", "stop": "-1", "step": "-2", "dtype": "float64"})),
))


# -- _eye ------------------------------------------------------------------------------------------
register(OpDef(
    name="_eye", inputs=(),
    attrs=(Attr("N", Int(0)), Attr("M", Int(0), 0), Attr("k", Int(), 0), Attr("ctx", Str, ""),
           Attr("dtype", Enum(*_EYE_DTYPES), "float32")),
    compute=lambda ctx, p: ctx.xp.eye(p.N, p.M or p.N, p.k, dtype=p.dtype),
    infer_shape=lambda p, i, o: (i, [(p.N, p.M or p.N)]), infer_dtype=_dtype_rule, grad=ZERO_GRADIENT,
    doc="An N x M (default N x N) array with ones on diagonal k.",
    samples=(Sample((), {"N": "3"}), Sample((), {"N": "2", "M": "4", "k": "1", "dtype": "int32"})),
))
