"""Elementwise binary operators: same-shape, broadcasting and scalar forms of arithmetic, mod,
power, max/min, hypot, comparisons and logic, with MXNet's integer quirks (mxnet-format.md §6.7, §9).

One math function per operation serves all three forms; MXNet never promotes, so outputs keep the
input dtype (comparisons and logic give 1/0 in it).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np  # only for scalar casts (C semantics) and error-state handling

from ..errors import ExecutionError
from .attrs import Attr, Bool, Float
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, quiet, register, same_dtype
from .rules import broadcast_rule, same_shape, unary_rule


def _F():
    from ..symbol import F
    return F


def _is_int(x: Any) -> bool:
    return x.dtype.kind in "iub"


@functools.lru_cache(maxsize=1024)
def _scalar_as(value: float, dtype: Any) -> Any:
    """The scalar in `dtype`, as MXNet's `DType(scalar)`: truncated (and wrapped) for integers.
    Cached: a node's scalar and dtype are the same on every run."""
    with np.errstate(all="ignore"):
        return np.asarray(value, dtype=np.float64).astype(dtype)[()]


def _scalar_of(p, x):
    """MXNet casts the scalar to the tensor dtype first (truncating for integers)."""
    return _scalar_as(p.scalar, x.dtype)


def _via_float32(fn: Callable, a: Any, b: Any) -> Any:
    """MXNet's binary math on non-double types runs in float (`powf`, `hypotf`), then casts back.
    glibc's powf is (nearly) correctly rounded and numpy's float32 power is not, so compute in
    float64 from the float32 operands and round once."""
    wide = fn(a.astype(np.float32).astype(np.float64), b.astype(np.float32).astype(np.float64))
    return wide.astype(np.float32).astype(a.dtype)


# -- the operations (a: array; b: array or scalar of a's dtype) --------------------------------------
def _add(xp, a, b):
    return a + b


def _sub(xp, a, b):
    return a - b


def _mul(xp, a, b):
    return a * b


def _int_div(xp, a, b):
    """Integer division truncating toward zero; MXNet dies with SIGFPE on a zero divisor."""
    if bool(xp.any(b == 0)):
        raise ExecutionError("integer division by zero")
    q = a // b
    inexact = (q * b != a) & ((a < 0) != (b < 0))
    return (q + inexact.astype(q.dtype)).astype(a.dtype)


def _div(xp, a, b):
    return _int_div(xp, a, b) if _is_int(a) else a / b


def _rdiv(xp, x, s):
    # mshadow_op::rdiv uses math::id (float for integer types), so integers divide in float32
    if _is_int(x):
        return (np.float32(s) / x.astype(np.float32)).astype(x.dtype)
    return s / x


def _mod(xp, a, b):
    """numpy's sign rule (result takes the divisor's sign); a zero divisor gives 0, ints too."""
    r = xp.mod(a, b)
    return xp.where(b == 0, xp.zeros_like(r), r).astype(a.dtype)


def _power(xp, a, b):
    return _via_float32(xp.power, a, b) if _is_int(a) else xp.power(a, b)


def _hypot(xp, a, b):
    return _via_float32(xp.hypot, a, b) if _is_int(a) else xp.hypot(a, b)


def _maximum(xp, a, b):
    return xp.maximum(a, b)


def _minimum(xp, a, b):
    return xp.minimum(a, b)


def _predicate(test: Callable) -> Callable:
    """Comparisons and logic: 1/0 in the input dtype, not bool."""
    def fn(xp, a, b):
        return test(xp, a, b).astype(a.dtype)
    return fn


_equal = _predicate(lambda xp, a, b: a == b)
_not_equal = _predicate(lambda xp, a, b: a != b)
_greater = _predicate(lambda xp, a, b: a > b)
_greater_equal = _predicate(lambda xp, a, b: a >= b)
_lesser = _predicate(lambda xp, a, b: a < b)
_lesser_equal = _predicate(lambda xp, a, b: a <= b)
_logical_and = _predicate(lambda xp, a, b: (a != 0) & (b != 0))
_logical_or = _predicate(lambda xp, a, b: (a != 0) | (b != 0))
_logical_xor = _predicate(lambda xp, a, b: (a != 0) != (b != 0))


def _binary_kernel(fn: Callable) -> Callable:
    def kernel(ctx, p, a, b):
        with quiet(ctx.xp):
            return fn(ctx.xp, a, b)
    return kernel


def numeric_dtype(p, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    """One dtype for all inputs and outputs, and not bool (MXNet refuses bool here)."""
    ins, outs = same_dtype(p, in_dtypes, out_dtypes)
    if "bool" in ins + outs:
        raise ValueError("the operator does not support boolean type")
    return ins, outs


# -- same-shape binary -----------------------------------------------------------------------------
def _unit_sample(**kw):
    return (Sample(((2, 3), (2, 3)), low=0.5, high=2.0, **kw),)


_MOD_SAMPLE = (Sample(((2, 3), (2, 3)), values=([5.3, -5.3, 4.1, -4.1, 2.2, 7.7],
                                                [3.1, 3.1, -1.7, -1.7, 0.9, -2.4])),)
_MAXMIN_SAMPLE = (Sample(((2, 3), (2, 3)), values=([0.3, -1.2, 2.5, 0.1, -0.7, 1.9],
                                                   [0.8, -1.9, 1.5, 0.4, -0.2, 1.1])),)
_COMPARE_SAMPLE = (Sample(((2, 3), (2, 3)), values=([1.0, 2.0, 0.0, -1.0, 3.0, 2.0],
                                                    [1.0, 1.0, 0.0, 2.0, -3.0, 2.0])),)


def _binary(name: str, aliases: tuple, fn: Callable, grad: Any, doc: str, samples=None) -> None:
    register(OpDef(name=name, aliases=aliases, inputs=("lhs", "rhs"), compute=_binary_kernel(fn),
                   infer_shape=same_shape, infer_dtype=numeric_dtype, grad=grad, doc=doc,
                   strict_attrs=False,
                   batching=ELEMENTWISE, samples=samples or _unit_sample()))


def _div_grad(p, i, o, g):
    return [g[0] / i[1], -(g[0] * o[0]) / i[1]]


def _power_grads(i, o, g, power, mul):
    """d/da = b * a^(b-1), d/db = a^b * log(a) (NaN for a < 0, as in MXNet)."""
    F = _F()
    base, expo = i
    return [mul(g[0], mul(power(base, expo - 1.0), expo)), mul(g[0] * o[0], F.log(base))]


def _mod_rgrad(F, g, quotient):
    # d(a mod b)/db = -floor(a / b)
    return g * F.negative(F.floor(quotient))


_binary("elemwise_add", ("_plus", "_Plus", "_add"), _add,
        lambda p, i, o, g: [g[0], g[0]], "lhs + rhs (same shapes).")
_binary("elemwise_sub", ("_minus", "_Minus", "_sub"), _sub,
        lambda p, i, o, g: [g[0], -g[0]], "lhs - rhs (same shapes).")
_binary("elemwise_mul", ("_mul", "_Mul"), _mul,
        lambda p, i, o, g: [g[0] * i[1], g[0] * i[0]], "lhs * rhs (same shapes).")
_binary("elemwise_div", ("_div", "_Div"), _div, _div_grad,
        "lhs / rhs (same shapes); integers truncate toward zero, an integer zero divisor is an error.")
_binary("_power", ("_Power",), _power,
        lambda p, i, o, g: _power_grads(i, o, g, _F()._power, lambda a, b: a * b),
        "lhs ** rhs (same shapes); integer types compute in float32 as MXNet does.")
_binary("_mod", ("_Mod",), _mod,
        lambda p, i, o, g: [g[0], _mod_rgrad(_F(), g[0], i[0] / i[1])],
        "lhs mod rhs with the divisor's sign (numpy rule); mod by 0 is 0.", _MOD_SAMPLE)
_binary("_maximum", ("_Maximum",), _maximum,
        lambda p, i, o, g: [g[0] * _F()._greater_equal(i[0], i[1]), g[0] * _F()._lesser(i[0], i[1])],
        "Elementwise maximum; a tie sends the gradient to lhs.", _MAXMIN_SAMPLE)
_binary("_minimum", ("_Minimum",), _minimum,
        lambda p, i, o, g: [g[0] * _F()._lesser_equal(i[0], i[1]), g[0] * _F()._greater(i[0], i[1])],
        "Elementwise minimum; a tie sends the gradient to lhs.", _MAXMIN_SAMPLE)
_binary("_hypot", ("_Hypot",), _hypot,
        lambda p, i, o, g: [g[0] * i[0] / o[0], g[0] * i[1] / o[0]],
        "sqrt(lhs^2 + rhs^2) (same shapes).")

for _name, _alias, _fn, _what in (
        ("_equal", "_Equal", _equal, "lhs == rhs"),
        ("_not_equal", "_Not_Equal", _not_equal, "lhs != rhs"),
        ("_greater", "_Greater", _greater, "lhs > rhs"),
        ("_greater_equal", "_Greater_Equal", _greater_equal, "lhs >= rhs"),
        ("_lesser", "_Lesser", _lesser, "lhs < rhs"),
        ("_lesser_equal", "_Lesser_Equal", _lesser_equal, "lhs <= rhs"),
        ("_logical_and", "_Logical_And", _logical_and, "lhs and rhs (non-zero is true)"),
        ("_logical_or", "_Logical_Or", _logical_or, "lhs or rhs (non-zero is true)"),
        ("_logical_xor", "_Logical_Xor", _logical_xor, "lhs xor rhs (non-zero is true)")):
    _binary(_name, (_alias,), _fn, ZERO_GRADIENT,
            f"{_what} as 1/0 in the input dtype (same shapes).", _COMPARE_SAMPLE)


# -- scalar ----------------------------------------------------------------------------------------
# MXNet's NumpyBinaryScalarParam: `is_int` (default True) says the scalar is integral. An integer
# tensor with is_int=False, or any bool tensor, is cast first (float64, or int64 for bool+is_int).
SCALAR_ATTRS = (Attr("scalar", Float(), 1.0), Attr("is_int", Bool, True))


def _scalar_out_dtype(p, dtype: str) -> str:
    if dtype == "bool":
        return "int64" if p.is_int else "float64"
    if np.dtype(dtype).kind in "iu" and not p.is_int:
        return "float64"
    return dtype


def _scalar_dtype_rule(p, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    if in_dtypes[0] is not None:
        return in_dtypes, [_scalar_out_dtype(p, in_dtypes[0])]
    if out_dtypes[0] is not None:
        return [out_dtypes[0]], out_dtypes  # MXNet fills the input from the output, too
    return in_dtypes, out_dtypes


def _scalar_kernel(fn: Callable, reverse: bool) -> Callable:
    def kernel(ctx, p, x):
        xp = ctx.xp
        out_dtype = _scalar_out_dtype(p, x.dtype.name)
        if out_dtype != x.dtype.name:
            x = x.astype(out_dtype)
        s = _scalar_of(p, x)
        with quiet(xp):
            if reverse:
                if fn is _div:
                    return _rdiv(xp, x, s)
                return fn(xp, xp.full_like(x, s), x)
            return fn(xp, x, s)
    return kernel


def _scalar_op(name: str, aliases: tuple, fn: Callable, grad: Any, doc: str, *, reverse=False,
               samples=None) -> None:
    register(OpDef(name=name, aliases=aliases, attrs=SCALAR_ATTRS, compute=_scalar_kernel(fn, reverse),
                   infer_shape=unary_rule, infer_dtype=_scalar_dtype_rule, grad=grad, doc=doc,
                   batching=ELEMENTWISE,
                   samples=samples or (Sample(((2, 3),), {"scalar": "1.5"}, low=0.5, high=2.0),)))


def _log_of(value: float) -> float:
    """log(value) with IEEE results (NaN below 0, -inf at 0) instead of Python's ValueError."""
    with np.errstate(all="ignore"):
        return float(np.log(np.float64(value)))


_scalar_op("_plus_scalar", ("_PlusScalar",), _add, lambda p, i, o, g: [g[0]], "data + scalar.")
_scalar_op("_minus_scalar", ("_MinusScalar",), _sub, lambda p, i, o, g: [g[0]], "data - scalar.")
_scalar_op("_rminus_scalar", ("_RMinusScalar",), _sub, lambda p, i, o, g: [-g[0]],
           "scalar - data.", reverse=True)
_scalar_op("_mul_scalar", ("_MulScalar",), _mul, lambda p, i, o, g: [g[0] * p.scalar],
           "data * scalar.")
_scalar_op("_div_scalar", ("_DivScalar",), _div, lambda p, i, o, g: [g[0] / p.scalar],
           "data / scalar; integers truncate toward zero, an integer zero scalar is an error.")
_scalar_op("_rdiv_scalar", ("_RDivScalar",), _div,
           lambda p, i, o, g: [g[0] * _F()._rdiv_scalar(_F().square(i[0]), scalar=-p.scalar)],
           "scalar / data (integers divide in float32, then truncate).", reverse=True)
_scalar_op("_mod_scalar", ("_ModScalar",), _mod, lambda p, i, o, g: [g[0]],
           "data mod scalar with the divisor's sign; mod by 0 is 0.",
           samples=(Sample(((2, 3),), {"scalar": "1.7"},
                           values=([-4.1, -2.6, -0.5, 0.9, 2.3, 5.2],)),))
_scalar_op("_rmod_scalar", ("_RModScalar",), _mod,
           lambda p, i, o, g: [_mod_rgrad(_F(), g[0], _F()._rdiv_scalar(i[0], scalar=p.scalar))],
           "scalar mod data with the divisor's sign; mod by 0 is 0.", reverse=True,
           samples=(Sample(((2, 3),), {"scalar": "5.27"},
                           values=([-4.1, -2.6, -0.7, 0.9, 2.3, 3.2],)),))
_scalar_op("_power_scalar", ("_PowerScalar",), _power,
           lambda p, i, o, g: [g[0] * _F()._power_scalar(i[0], scalar=p.scalar - 1.0) * p.scalar],
           "data ** scalar.")
_scalar_op("_rpower_scalar", ("_RPowerScalar",), _power,
           lambda p, i, o, g: [g[0] * o[0] * _log_of(p.scalar)],
           "scalar ** data.", reverse=True)
_scalar_op("_maximum_scalar", ("_MaximumScalar",), _maximum,
           lambda p, i, o, g: [g[0] * _F()._greater_equal_scalar(i[0], scalar=p.scalar)],
           "max(data, scalar); the gradient passes where data >= scalar.",
           samples=(Sample(((2, 3),), {"scalar": "0.2"}),))
_scalar_op("_minimum_scalar", ("_MinimumScalar",), _minimum,
           lambda p, i, o, g: [g[0] * _F()._lesser_equal_scalar(i[0], scalar=p.scalar)],
           "min(data, scalar); the gradient passes where data <= scalar.",
           samples=(Sample(((2, 3),), {"scalar": "0.2"}),))
_scalar_op("_hypot_scalar", ("_HypotScalar",), _hypot,
           lambda p, i, o, g: [g[0] * i[0] / o[0]], "sqrt(data^2 + scalar^2).")

for _name, _alias, _fn, _what in (
        ("_equal_scalar", "_EqualScalar", _equal, "data == scalar"),
        ("_not_equal_scalar", "_NotEqualScalar", _not_equal, "data != scalar"),
        ("_greater_scalar", "_GreaterScalar", _greater, "data > scalar"),
        ("_greater_equal_scalar", "_GreaterEqualScalar", _greater_equal, "data >= scalar"),
        ("_lesser_scalar", "_LesserScalar", _lesser, "data < scalar"),
        ("_lesser_equal_scalar", "_LesserEqualScalar", _lesser_equal, "data <= scalar"),
        ("_logical_and_scalar", "_LogicalAndScalar", _logical_and, "data and scalar"),
        ("_logical_or_scalar", "_LogicalOrScalar", _logical_or, "data or scalar"),
        ("_logical_xor_scalar", "_LogicalXorScalar", _logical_xor, "data xor scalar")):
    _scalar_op(_name, (_alias,), _fn, ZERO_GRADIENT,
               f"{_what} as 1/0 in the data dtype (the scalar cast to it first).",
               samples=(Sample(((2, 3),), {"scalar": "1.0"},
                               values=([1.0, 2.0, 0.0, -1.0, 1.0, 0.5],)),))


# -- broadcasting ----------------------------------------------------------------------------------
_BCAST_SAMPLE = (Sample(((2, 1, 3), (4, 1)), low=0.5, high=2.0),)


def _bcast(name: str, aliases: tuple, fn: Callable, grad: Any, doc: str, samples=None) -> None:
    register(OpDef(name=name, aliases=aliases, inputs=("lhs", "rhs"), compute=_binary_kernel(fn),
                   infer_shape=broadcast_rule, infer_dtype=numeric_dtype, grad=grad, doc=doc,
                   strict_attrs=False,
                   batching=ELEMENTWISE, samples=samples or _BCAST_SAMPLE))


def _unbroadcast(grads, ins):
    F = _F()
    return [F._reduce_like(g, x) for g, x in zip(grads, ins)]


def _bmul(a, b):
    return _F().broadcast_mul(a, b)


def _bcast_div_grad(p, i, o, g):
    F = _F()
    return _unbroadcast([F.broadcast_div(g[0], i[1]),
                         F.negative(F.broadcast_div(g[0] * o[0], i[1]))], i)


def _bcast_hypot_grad(p, i, o, g):
    F = _F()
    return _unbroadcast([F.broadcast_mul(g[0], i[0]) / o[0], F.broadcast_mul(g[0], i[1]) / o[0]], i)


def _bcast_mask_grad(lhs_test: str, rhs_test: str):
    def grad(p, i, o, g):
        F = _F()
        return _unbroadcast([g[0] * getattr(F, lhs_test)(i[0], i[1]),
                             g[0] * getattr(F, rhs_test)(i[0], i[1])], i)
    return grad


_BCAST_MOD_SAMPLE = (Sample(((2, 3), (1, 3)), values=([5.3, -5.3, 4.1, -4.1, 2.2, 7.7],
                                                      [3.1, -1.7, 2.4])),)
_BCAST_MAXMIN_SAMPLE = (Sample(((2, 3), (3,)), values=([0.3, -1.2, 2.5, 0.1, -0.7, 1.9],
                                                       [0.8, -1.9, 1.5])),)
_BCAST_COMPARE_SAMPLE = (Sample(((2, 3), (3,)), values=([1.0, 2.0, 0.0, -1.0, 3.0, 2.0],
                                                        [1.0, -3.0, 2.0])),)

_bcast("broadcast_add", ("broadcast_plus",), _add,
       lambda p, i, o, g: _unbroadcast([g[0], g[0]], i), "lhs + rhs with broadcasting.")
_bcast("broadcast_sub", ("broadcast_minus",), _sub,
       lambda p, i, o, g: _unbroadcast([g[0], -g[0]], i), "lhs - rhs with broadcasting.")
_bcast("broadcast_mul", (), _mul,
       lambda p, i, o, g: _unbroadcast([_bmul(g[0], i[1]), _bmul(g[0], i[0])], i),
       "lhs * rhs with broadcasting.")
_bcast("broadcast_div", (), _div, _bcast_div_grad,
       "lhs / rhs with broadcasting; integers truncate toward zero, a zero divisor is an error.")
_bcast("broadcast_power", (), _power,
       lambda p, i, o, g: _unbroadcast(_power_grads(i, o, g, _F().broadcast_power, _bmul), i),
       "lhs ** rhs with broadcasting; integer types compute in float32 as MXNet does.")
_bcast("broadcast_mod", (), _mod,
       lambda p, i, o, g: _unbroadcast(
           [g[0], _mod_rgrad(_F(), g[0], _F().broadcast_div(i[0], i[1]))], i),
       "lhs mod rhs with broadcasting and the divisor's sign; mod by 0 is 0.", _BCAST_MOD_SAMPLE)
_bcast("broadcast_maximum", (), _maximum,
       _bcast_mask_grad("broadcast_greater_equal", "broadcast_lesser"),
       "Maximum with broadcasting; a tie sends the gradient to lhs.", _BCAST_MAXMIN_SAMPLE)
_bcast("broadcast_minimum", (), _minimum,
       _bcast_mask_grad("broadcast_lesser_equal", "broadcast_greater"),
       "Minimum with broadcasting; a tie sends the gradient to lhs.", _BCAST_MAXMIN_SAMPLE)
_bcast("broadcast_hypot", (), _hypot, _bcast_hypot_grad, "sqrt(lhs^2 + rhs^2) with broadcasting.")

for _name, _fn, _what in (
        ("broadcast_equal", _equal, "lhs == rhs"),
        ("broadcast_not_equal", _not_equal, "lhs != rhs"),
        ("broadcast_greater", _greater, "lhs > rhs"),
        ("broadcast_greater_equal", _greater_equal, "lhs >= rhs"),
        ("broadcast_lesser", _lesser, "lhs < rhs"),
        ("broadcast_lesser_equal", _lesser_equal, "lhs <= rhs"),
        ("broadcast_logical_and", _logical_and, "lhs and rhs"),
        ("broadcast_logical_or", _logical_or, "lhs or rhs"),
        ("broadcast_logical_xor", _logical_xor, "lhs xor rhs")):
    _bcast(_name, (), _fn, ZERO_GRADIENT, f"{_what} as 1/0 in the input dtype, with broadcasting.",
           _BCAST_COMPARE_SAMPLE)

del _name, _alias, _fn, _what
