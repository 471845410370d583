"""Elementwise binary operators: same-shape, broadcasting and scalar forms."""
from __future__ import annotations

from .attrs import Attr, Float
from .registry import OpDef, Sample, register
from .rules import broadcast_rule, same_shape, unary_rule


def _F():
    from ..symbol import F
    return F


def _scalar_of(p, x):
    """MXNet casts the scalar to the tensor dtype first (truncating for integers)."""
    return x.dtype.type(p.scalar) if x.dtype.kind in "iub" else p.scalar


# -- same-shape binary -----------------------------------------------------------------------------
def _binary(name, aliases, fn, grad, doc):
    register(OpDef(name=name, aliases=aliases, inputs=("lhs", "rhs"), compute=fn,
                   infer_shape=same_shape, grad=grad, doc=doc,
                   samples=(Sample(((2, 3), (2, 3)), low=0.5, high=2.0),)))


_binary("elemwise_add", ("_plus", "_Plus", "_add"), lambda c, p, a, b: a + b,
        lambda p, i, o, g: [g[0], g[0]], "lhs + rhs (same shapes).")
_binary("elemwise_sub", ("_minus", "_Minus", "_sub"), lambda c, p, a, b: a - b,
        lambda p, i, o, g: [g[0], -g[0]], "lhs - rhs (same shapes).")
_binary("elemwise_mul", ("_mul", "_Mul"), lambda c, p, a, b: a * b,
        lambda p, i, o, g: [g[0] * i[1], g[0] * i[0]], "lhs * rhs (same shapes).")
_binary("elemwise_div", ("_div", "_Div"), lambda c, p, a, b: a / b,
        lambda p, i, o, g: [g[0] / i[1], -(g[0] * o[0]) / i[1]], "lhs / rhs (same shapes).")


# -- scalar ----------------------------------------------------------------------------------------
def _scalar_op(name, aliases, fn, grad, doc):
    register(OpDef(name=name, aliases=aliases, attrs=(Attr("scalar", Float(), 1.0),),
                   compute=lambda c, p, x: fn(x, _scalar_of(p, x)), infer_shape=unary_rule,
                   grad=grad, doc=doc, samples=(Sample(((2, 3),), {"scalar": "1.5"}),)))


_scalar_op("_plus_scalar", ("_PlusScalar",), lambda x, s: x + s,
           lambda p, i, o, g: [g[0]], "data + scalar.")
_scalar_op("_minus_scalar", ("_MinusScalar",), lambda x, s: x - s,
           lambda p, i, o, g: [g[0]], "data - scalar.")
_scalar_op("_rminus_scalar", ("_RMinusScalar",), lambda x, s: s - x,
           lambda p, i, o, g: [-g[0]], "scalar - data.")
_scalar_op("_mul_scalar", ("_MulScalar",), lambda x, s: x * s,
           lambda p, i, o, g: [g[0] * p.scalar], "data * scalar.")
_scalar_op("_div_scalar", ("_DivScalar",), lambda x, s: x / s,
           lambda p, i, o, g: [g[0] / p.scalar], "data / scalar.")


# -- broadcasting ----------------------------------------------------------------------------------
def _bcast(name, aliases, fn, grad, doc):
    register(OpDef(name=name, aliases=aliases, inputs=("lhs", "rhs"), compute=fn,
                   infer_shape=broadcast_rule, grad=grad, doc=doc,
                   samples=(Sample(((2, 1, 3), (4, 1)), low=0.5, high=2.0),)))


def _unbroadcast(grads, ins):
    F = _F()
    return [F._reduce_like(g, x) for g, x in zip(grads, ins)]


_bcast("broadcast_add", ("broadcast_plus",), lambda c, p, a, b: a + b,
       lambda p, i, o, g: _unbroadcast([g[0], g[0]], i), "lhs + rhs with broadcasting.")
_bcast("broadcast_mul", (), lambda c, p, a, b: a * b,
       lambda p, i, o, g: _unbroadcast([_F().broadcast_mul(g[0], i[1]), _F().broadcast_mul(g[0], i[0])], i),
       "lhs * rhs with broadcasting.")
