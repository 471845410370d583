"""Unary math operators (exp, log, trig, rounding, sigmoid, erf, gamma...) and the special
functions numpy lacks (erf, erfinv, lgamma, gamma, polygamma), written with `xp` only.

Integer inputs are computed in floating point and truncated back, as MXNet does (mxnet-format.md §9);
rounding follows MXNet (round: half away from zero; rint: ties to floor, §6.6).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np  # dtype constants only; kernels use ctx.xp

from .attrs import Attr, Float, Int
from .elemwise import numeric_dtype
from .registry import quiet
from .registry import ELEMENTWISE, ZERO_GRADIENT, OpDef, Sample, register
from .rules import unary_rule


def _F():
    from ..symbol import F
    return F


# == special functions (vectorized; float64 in, float64 out) =======================================
_SQRT_PI = 1.7724538509055160273
_TWO_OVER_SQRT_PI = 1.1283791670955125739
_HALF_LOG_2PI = 0.91893853320467274178
_DBL_MAX = 1.7976931348623157e308
# Bernoulli numbers B2, B4, ..., B20 for the Stirling and polygamma asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)
_LGAMMA_SHIFT = 8.0  # Stirling's series from here up: the 11th term is below 1e-17
_FACTORIALS = tuple(float(math.factorial(n)) for n in range(171))  # exact Γ at whole numbers


def _quietly(fn: Callable) -> Callable:
    """Special functions produce inf/NaN on purpose at poles and edges: no numpy warnings."""
    def wrapped(xp, *args):
        with quiet(xp):
            return fn(xp, *args)
    wrapped.__name__, wrapped.__doc__ = fn.__name__, fn.__doc__
    return wrapped


def _pieces(xp, x, pieces):
    """out[mask] = fn(xp, x[mask]) for each (mask, fn); each fn sees only its own elements."""
    out = xp.empty_like(x)
    for mask, fn in pieces:
        if bool(mask.any()):
            out[mask] = fn(xp, x[mask])
    return out


def _piecewise(xp, x, first, fn_first, fn_rest):
    return _pieces(xp, x, ((first, fn_first), (~first, fn_rest)))


class _Chebyshev:
    """A smooth function on [a, b] as a Chebyshev series. The coefficients are computed once, at
    import, from `fn` (built on Python's math module) at the Chebyshev nodes; arrays are then
    evaluated with Clenshaw's recurrence, a fixed number of vectorized steps."""

    def __init__(self, fn: Callable[[float], float], a: float, b: float, degree: int):
        n = degree + 1
        self.mid, self.half = 0.5 * (a + b), 0.5 * (b - a)
        angles = [math.pi * (j + 0.5) / n for j in range(n)]
        values = [fn(self.mid + self.half * math.cos(t)) for t in angles]
        self.coef = [2.0 / n * math.fsum(v * math.cos(k * t) for v, t in zip(values, angles))
                     for k in range(n)]
        self.coef[0] *= 0.5

    def __call__(self, xp, x):
        t = (x - self.mid) * (1.0 / self.half)
        two_t = 2.0 * t
        b1 = xp.zeros_like(t)
        b2 = xp.zeros_like(t)
        for c in reversed(self.coef[1:]):
            b1, b2 = two_t * b1 - b2 + c, b1
        return t * b1 - b2 + self.coef[0]


def _exp_square_exact(x: float) -> float:
    """exp(x*x) for a Python float, x split so that the square is exact."""
    head = math.ldexp(round(math.ldexp(x, 20)), -20)
    return math.exp(head * head) * math.exp((x - head) * (x + head))


# erf(x) = x h(x²) on |x| <= 1; erfc(x) = exp(-x²) k(x) on 1 < x <= 6 (k ~ 1/(x√π), smooth)
_ERF_INNER = _Chebyshev(lambda s: math.erf(math.sqrt(s)) / math.sqrt(s) if s > 0 else _TWO_OVER_SQRT_PI,
                        0.0, 1.0, 13)
_ERFC_SCALED = tuple((a, b, _Chebyshev(lambda x: math.erfc(x) * _exp_square_exact(x), a, b, degree))
                     for a, b, degree in ((1.0, 2.0, 16), (2.0, 3.0, 15), (3.0, 4.0, 14),
                                          (4.0, 6.0, 17)))
_ERFC_FRACTION_DEPTH = 40  # Laplace's continued fraction beyond x = 6


def _exp_neg_square(xp, x):
    """exp(-x*x) without the rounding error of x*x: x is split into a float32 head and a tail."""
    x = xp.minimum(xp.abs(x), 40.0)  # exp(-1600) is 0 already
    head = x.astype(np.float32).astype(x.dtype)
    tail = x - head
    return xp.exp(-head * head) * xp.exp(-tail * (x + head))


def _erfc_far(xp, x):
    """erfc(x) for x > 6: exp(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))."""
    f = x.copy()
    for k in range(_ERFC_FRACTION_DEPTH, 0, -1):
        f = x + (0.5 * k) / f
    return _exp_neg_square(xp, x) / (_SQRT_PI * f)


def _erfc_mid(xp, x):
    """erfc on 1 < x <= 6 from the fitted exp(x²) erfc(x)."""
    scaled = _pieces(xp, x, [((x > a) & (x <= b), fit) for a, b, fit in _ERFC_SCALED])
    return _exp_neg_square(xp, x) * scaled


def _erf_inner(xp, x):
    return x * _ERF_INNER(xp, x * x)


def _erfc_nonneg(xp, x):
    """erfc for x >= 0 (NaN passes)."""
    return _pieces(xp, x, ((~(x > 1.0), lambda xp, v: 1.0 - _erf_inner(xp, v)),
                           ((x > 1.0) & (x <= 6.0), _erfc_mid), (x > 6.0, _erfc_far)))


@_quietly
def erf_values(xp: Any, x: Any) -> Any:
    """The error function of a float64 array (relative error a few 1e-16)."""
    ax = xp.abs(x)
    return _pieces(xp, x, ((~(ax > 1.0), _erf_inner),
                           ((ax > 1.0) & (ax <= 6.0),
                            lambda xp, v: xp.sign(v) * (1.0 - _erfc_mid(xp, xp.abs(v)))),
                           (ax > 6.0, lambda xp, v: xp.sign(v))))  # erfc(6) < 2^-54


def _erf_residual(xp, x, ay):
    """erf(x) - ay, through erfc where ay >= 1/2 (there 1 - ay is exact, erf(x) - ay is not)."""
    tail = ay >= 0.5
    out = xp.empty_like(x)
    if bool(tail.any()):
        out[tail] = (1.0 - ay[tail]) - _erfc_nonneg(xp, x[tail])
    if bool((~tail).any()):
        out[~tail] = erf_values(xp, x[~tail]) - ay[~tail]
    return out


@_quietly
def erfinv_values(xp: Any, y: Any) -> Any:
    """The inverse error function: Winitzki's closed form (relative error < 2e-3), then Halley
    steps on erf (cubic convergence: 2e-3 -> 1e-8 -> full precision)."""
    ay = xp.abs(y)
    a = 0.147
    log_term = xp.log1p(-ay) + xp.log1p(ay)  # log(1 - y²) without cancellation
    t = 2.0 / (math.pi * a) + 0.5 * log_term
    x = xp.sqrt(xp.sqrt(t * t - log_term / a) - t)
    x = xp.where(xp.isfinite(x), x, 0.0)
    for _ in range(2):
        u = _erf_residual(xp, x, ay) / (_TWO_OVER_SQRT_PI * _exp_neg_square(xp, x))
        x = x - u / (1.0 + x * u)
    x = xp.where(ay == 1.0, xp.inf, x)
    x = xp.where(ay > 1.0, xp.nan, x)
    return xp.copysign(x, y)


def _shift_up(xp, x, limit):
    """(z, prod): z = x + m >= limit for a whole m >= 0, prod = x (x+1) … (x+m-1)."""
    z = x.copy()
    prod = xp.ones_like(x)
    for _ in range(_shift_steps(xp, x, limit)):
        low = z < limit
        prod *= xp.where(low, z, 1.0)
        z += low
    return z, prod


def _shift_steps(xp, x, limit):
    """How many unit steps take every element of x (all > 0) to at least `limit`."""
    if x.size == 0:
        return 0
    lowest = float(xp.nanmin(x)) if bool(xp.isfinite(x).any()) else limit
    return int(min(max(math.ceil(limit - lowest), 0), math.ceil(limit)))


def _lgamma_positive(xp, x):
    """log Γ(x) for x > 0: shift up, then Stirling's series."""
    z, prod = _shift_up(xp, x, _LGAMMA_SHIFT)
    inv = 1.0 / z
    inv2 = inv * inv
    series = xp.zeros_like(z)
    for k in range(len(_BERNOULLI) - 1, -1, -1):
        series = series * inv2 + _BERNOULLI[k] / ((2 * k + 2) * (2 * k + 1))
    res = (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + series * inv - xp.log(prod)
    res = xp.where((x == 1.0) | (x == 2.0), 0.0, res)  # exact zeros
    return xp.where(xp.isinf(x), xp.inf, res)


def _sinpi(xp, x):
    """sin(πx), reduced exactly to [-1/2, 1/2] first (exact zeros at integers)."""
    n = xp.rint(x)
    s = xp.sin(math.pi * (x - n))
    return xp.where(xp.fmod(n, 2.0) != 0, -s, s)


@_quietly
def lgamma_values(xp: Any, x: Any) -> Any:
    """log|Γ(x)|; +inf at 0 and the negative integers."""
    def reflected(xp, v):
        s = xp.abs(_sinpi(xp, v))
        res = xp.log(math.pi / s) - _lgamma_positive(xp, 1.0 - v)
        return xp.where((s == 0) | xp.isinf(v), xp.inf, res)
    return _piecewise(xp, x, x > 0, _lgamma_positive, reflected)


@_quietly
def gamma_values(xp: Any, x: Any) -> Any:
    """Γ(x): exact at whole numbers, inf at ±0 (signed), NaN at the negative integers."""
    def positive(xp, v):
        whole = (v == xp.floor(v)) & (v <= 171)
        table = xp.asarray(_FACTORIALS)
        exact = table[xp.where(whole, v - 1, 0).astype(np.int64)]
        return xp.where(whole, exact, xp.exp(_lgamma_positive(xp, v)))

    def reflected(xp, v):
        s = _sinpi(xp, v)
        res = math.pi / (s * xp.exp(_lgamma_positive(xp, 1.0 - v)))
        pole = xp.where(v == 0, xp.copysign(xp.inf, v), xp.nan)
        return xp.where(s == 0, pole, res)
    return _piecewise(xp, x, x > 0, positive, reflected)


def _cot_derivative_poly(n: int) -> list[int]:
    """Coefficients (lowest first) of P with dⁿ/dxⁿ cot(πx) = πⁿ P(cot(πx))."""
    poly = [0, 1]
    for _ in range(n):
        deriv = [k * poly[k] for k in range(1, len(poly))] or [0]
        nxt = [0] * (len(deriv) + 2)
        for k, c in enumerate(deriv):  # -(1 + c²) P'(c)
            nxt[k] -= c
            nxt[k + 2] -= c
        poly = nxt
    return poly


def _polygamma_positive(xp, n, x):
    """ψ⁽ⁿ⁾(x) for x > 0: the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) - (-1)ⁿ n! x^-(n+1) up to a
    limit, then the asymptotic series."""
    limit = 8.0 if n == 0 else 12.0 + n  # where the asymptotic series' 11th term is < 1e-17
    z = x.copy()
    acc = xp.zeros_like(x)  # Σ (x+k)^-(n+1) over the shifted steps
    for _ in range(_shift_steps(xp, x, limit)):
        low = z < limit
        acc += xp.where(low, 1.0 / z if n == 0 else z ** -(n + 1.0), 0.0)
        z += low
    inv = 1.0 / z
    inv2 = inv * inv
    series = xp.zeros_like(z)
    if n == 0:
        for k in range(len(_BERNOULLI) - 1, -1, -1):
            series = series * inv2 + _BERNOULLI[k] / (2 * k + 2)
        return xp.log(z) - 0.5 * inv - series * inv2 - acc
    for k in range(len(_BERNOULLI) - 1, -1, -1):
        two_k = 2 * k + 2
        series = series * inv2 + (_BERNOULLI[k] * math.factorial(two_k + n - 1) / math.factorial(two_k))
    asym = inv ** n * (math.factorial(n - 1) + 0.5 * math.factorial(n) * inv + series * inv2)
    sign = 1.0 if n % 2 else -1.0  # (-1)^(n+1)
    return sign * asym + sign * math.factorial(n) * acc


@_quietly
def polygamma_values(xp: Any, n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x). At the poles (0, -1, ...) digamma gives DBL_MAX as MXNet's cephes psi does; higher
    orders give +inf (odd n) or NaN (even n)."""
    def reflected(xp, v):
        r = v - xp.rint(v)
        cot = xp.cos(math.pi * r) / xp.sin(math.pi * r)
        poly = xp.zeros_like(v)
        for coef in reversed(_cot_derivative_poly(n)):
            poly = poly * cot + coef
        res = (-1.0) ** n * _polygamma_positive(xp, n, 1.0 - v) - math.pi ** (n + 1) * poly
        pole = _DBL_MAX if n == 0 else (math.inf if n % 2 else math.nan)
        return xp.where(r == 0, pole, res)
    return _piecewise(xp, x, x > 0, lambda xp, v: _polygamma_positive(xp, n, v), reflected)


# == kernels ========================================================================================
def _floating(fn: Callable, int_compute=np.float64) -> Callable:
    """A kernel for math MXNet runs in floating point: float types keep their own precision,
    integer types compute in `int_compute` and are truncated back (NaN/inf -> INT_MIN)."""
    def kernel(ctx, p, x):
        xp = ctx.xp
        with quiet(xp):
            if x.dtype.kind in "iub":
                return fn(xp, x.astype(int_compute)).astype(x.dtype)
            return fn(xp, x).astype(x.dtype, copy=False)
    return kernel


def _special(fn: Callable) -> Callable:
    """Special functions run in float64 for every dtype, then cast back."""
    def kernel(ctx, p, x):
        xp = ctx.xp
        with quiet(xp):
            return fn(xp, x.astype(np.float64)).astype(x.dtype, copy=False)
    return kernel


def _native(fn: Callable) -> Callable:
    """Ops MXNet computes in the tensor's own type (sign, relu, negation...)."""
    def kernel(ctx, p, x):
        with quiet(ctx.xp):
            return fn(ctx.xp, x)
    return kernel


def _integral_identity(fn: Callable) -> Callable:
    """Rounding: integers are already whole."""
    def kernel(ctx, p, x):
        if x.dtype.kind in "iub":
            return x.copy()
        with quiet(ctx.xp):
            return fn(ctx.xp, x).astype(x.dtype, copy=False)
    return kernel


def _round_half_away(xp, x):
    t = xp.trunc(x)
    return xp.where(xp.abs(x - t) >= 0.5, t + xp.sign(x), t)


def _rint_ties_floor(xp, x):
    lo, hi = xp.floor(x), xp.ceil(x)
    return xp.where(x - lo <= hi - x, lo, hi)


def _sign(xp, x):
    one = xp.ones_like(x)
    return xp.where(x > 0, one, xp.where(x < 0, -one, xp.zeros_like(x)))  # NaN -> 0 as MXNet


def _float32(value: float) -> float:
    return float(np.float32(value))


def _hard_sigmoid(ctx, p, x):
    # alpha and beta are float32 (real_t) in MXNet, whatever the data type
    alpha, beta = _float32(p.alpha), _float32(p.beta)
    xp = ctx.xp
    data = x.astype(np.float32) if x.dtype.kind in "iub" else x
    with quiet(xp):
        y = xp.clip(data * data.dtype.type(alpha) + data.dtype.type(beta), 0, 1)
        return y.astype(x.dtype, copy=False)


# == gradient rules (built from registered ops, so they differentiate again) =====================
def _g(rule: Callable) -> Callable:
    """Adapt `rule(g, x, y, p)` (one input, one output) to the registry's signature."""
    return lambda p, ins, outs, gs: [rule(gs[0], ins[0], outs[0], p)]


def _one_minus(s):
    return _F()._rminus_scalar(s, scalar=1.0)


GRADS = {
    "exp": lambda g, x, y, p: g * y,
    "log": lambda g, x, y, p: g / x,
    "log2": lambda g, x, y, p: g * _F()._rdiv_scalar(x, scalar=1.0 / math.log(2.0)),
    "log10": lambda g, x, y, p: g * _F()._rdiv_scalar(x, scalar=1.0 / math.log(10.0)),
    "log1p": lambda g, x, y, p: g / (x + 1.0),
    "expm1": lambda g, x, y, p: g * _F().exp(x),
    "sqrt": lambda g, x, y, p: (g / y) * 0.5,
    "rsqrt": lambda g, x, y, p: (g * y / x) * -0.5,
    "cbrt": lambda g, x, y, p: (g / _F().square(y)) / 3.0,
    "rcbrt": lambda g, x, y, p: (g * y / x) / -3.0,
    "square": lambda g, x, y, p: (g * x) * 2.0,
    "abs": lambda g, x, y, p: g * _F().sign(x),
    "sin": lambda g, x, y, p: g * _F().cos(x),
    "cos": lambda g, x, y, p: _F().negative(g * _F().sin(x)),
    "tan": lambda g, x, y, p: g * (_F().square(y) + 1.0),
    "arcsin": lambda g, x, y, p: g / _F().sqrt(_one_minus(_F().square(x))),
    "arccos": lambda g, x, y, p: _F().negative(g / _F().sqrt(_one_minus(_F().square(x)))),
    "arctan": lambda g, x, y, p: g / (_F().square(x) + 1.0),
    "sinh": lambda g, x, y, p: g * _F().cosh(x),
    "cosh": lambda g, x, y, p: g * _F().sinh(x),
    "tanh": lambda g, x, y, p: g * _one_minus(_F().square(y)),
    "arcsinh": lambda g, x, y, p: g / _F()._hypot_scalar(x, scalar=1.0),
    "arccosh": lambda g, x, y, p: g / _F().sqrt(_F().square(x) - 1.0),
    "arctanh": lambda g, x, y, p: g / _one_minus(_F().square(x)),
    "degrees": lambda g, x, y, p: g * (180.0 / math.pi),
    "radians": lambda g, x, y, p: g * (math.pi / 180.0),
    "sigmoid": lambda g, x, y, p: g * (y * _one_minus(y)),
    "relu": lambda g, x, y, p: g * _F()._greater_scalar(x, scalar=0.0),
    "softsign": lambda g, x, y, p: g / _F().square(_F().abs(x) + 1.0),
    "reciprocal": lambda g, x, y, p: _F().negative(g * _F().square(y)),
    "negative": lambda g, x, y, p: _F().negative(g),
    "erf": lambda g, x, y, p: g * _F().exp(_F().negative(_F().square(x))) * _TWO_OVER_SQRT_PI,
    "erfinv": lambda g, x, y, p: g * _F().exp(_F().square(y)) * (0.5 * _SQRT_PI),
    "gamma": lambda g, x, y, p: g * (y * _F()._polygamma(x, n=0)),
    "gammaln": lambda g, x, y, p: g * _F()._polygamma(x, n=0),
    "_polygamma": lambda g, x, y, p: g * _F()._polygamma(x, n=p.n + 1),
    "hard_sigmoid": lambda g, x, y, p: (g * _F()._greater_scalar(y, scalar=0.0)  # 0 < y < 1
                                        * _F()._lesser_scalar(y, scalar=1.0)) * _float32(p.alpha),
}


# == registration ===================================================================================
def _sample(low=-2.0, high=2.0, **kw):
    return Sample(((2, 3),), low=low, high=high, **kw)


def _unary(name: str, kernel: Callable, doc: str, samples: tuple, *, zero_grad=False,
           attrs: tuple = (), infer_dtype: Callable = numeric_dtype) -> None:
    grad = ZERO_GRADIENT if zero_grad else _g(GRADS[name])
    register(OpDef(name=name, compute=kernel, infer_shape=unary_rule, infer_dtype=infer_dtype,
                   grad=grad, doc=doc, attrs=attrs, strict_attrs=bool(attrs), batching=ELEMENTWISE,
                   samples=samples))


def _floating_only(p, in_dtypes: list, out_dtypes: list) -> tuple[list, list]:
    ins, outs = numeric_dtype(p, in_dtypes, out_dtypes)
    if ins[0] is not None and ins[0] not in ("float16", "float32", "float64"):
        raise ValueError(f"This operation only supports floating point types, not {ins[0]}")
    return ins, outs


_POSITIVE = (_sample(0.5, 2.0),)
_ANY = (_sample(),)
_UNIT = (_sample(-0.9, 0.9),)

for _name, _fn, _samples, _int_compute in (
        ("exp", lambda xp, x: xp.exp(x), _ANY, np.float64),
        ("log", lambda xp, x: xp.log(x), _POSITIVE, np.float64),
        ("log2", lambda xp, x: xp.log2(x), _POSITIVE, np.float64),
        ("log10", lambda xp, x: xp.log10(x), _POSITIVE, np.float64),
        ("log1p", lambda xp, x: xp.log1p(x), (_sample(-0.5, 2.0),), np.float64),
        ("expm1", lambda xp, x: xp.expm1(x), _ANY, np.float64),
        ("sqrt", lambda xp, x: xp.sqrt(x), _POSITIVE, np.float64),
        ("rsqrt", lambda xp, x: 1.0 / xp.sqrt(x), _POSITIVE, np.float64),
        ("cbrt", lambda xp, x: xp.cbrt(x), (_sample(0.5, 2.0), _sample(-2.0, -0.5)), np.float64),
        ("rcbrt", lambda xp, x: 1.0 / xp.cbrt(x), (_sample(0.5, 2.0), _sample(-2.0, -0.5)), np.float64),
        ("square", lambda xp, x: x * x, _ANY, np.float32),  # math::sqr is float for ints
        ("sin", lambda xp, x: xp.sin(x), _ANY, np.float64),
        ("cos", lambda xp, x: xp.cos(x), _ANY, np.float64),
        ("tan", lambda xp, x: xp.tan(x), (_sample(-1.2, 1.2),), np.float64),
        ("arcsin", lambda xp, x: xp.arcsin(x), _UNIT, np.float64),
        ("arccos", lambda xp, x: xp.arccos(x), _UNIT, np.float64),
        ("arctan", lambda xp, x: xp.arctan(x), _ANY, np.float64),
        ("sinh", lambda xp, x: xp.sinh(x), _ANY, np.float64),
        ("cosh", lambda xp, x: xp.cosh(x), _ANY, np.float64),
        ("tanh", lambda xp, x: xp.tanh(x), _ANY, np.float64),
        ("arcsinh", lambda xp, x: xp.arcsinh(x), _ANY, np.float64),
        ("arccosh", lambda xp, x: xp.arccosh(x), (_sample(1.2, 3.0),), np.float64),
        ("arctanh", lambda xp, x: xp.arctanh(x), _UNIT, np.float64),
        ("degrees", lambda xp, x: xp.degrees(x), _ANY, np.float32),
        ("radians", lambda xp, x: xp.radians(x), _ANY, np.float32),
        ("sigmoid", lambda xp, x: 1.0 / (1.0 + xp.exp(-x)), _ANY, np.float64),
        ("softsign", lambda xp, x: x / (1.0 + xp.abs(x)), _ANY, np.float64),
        ("reciprocal", lambda xp, x: 1.0 / x, _POSITIVE, np.float32)):
    _unary(_name, _floating(_fn, _int_compute), f"{_name}(data) elementwise.", _samples)

_unary("abs", _native(lambda xp, x: xp.abs(x)), "|data|; the gradient at 0 is 0.", _ANY)
_unary("negative", _native(lambda xp, x: -x), "-data.", _ANY)
_unary("relu", _native(lambda xp, x: xp.maximum(x, x.dtype.type(0))),
       "max(data, 0) (NaN passes through); the gradient at 0 is 0.", _ANY)
_unary("sign", _native(_sign), "-1, 0 or 1 (0 for NaN); zero gradient.", _ANY, zero_grad=True)
_unary("logical_not", _native(lambda xp, x: (x == 0).astype(x.dtype)),
       "1 where data is 0, else 0, in the data dtype; zero gradient.",
       (Sample(((2, 3),), values=([0.0, 1.0, -2.0, 0.0, 3.0, 0.5],)),), zero_grad=True)

for _name, _fn, _what in (
        ("round", _round_half_away, "nearest integer, halves away from zero"),
        ("rint", _rint_ties_floor, "nearest integer, ties to the floor (MXNet's rule, not numpy's)"),
        ("floor", lambda xp, x: xp.floor(x), "largest integer <= data"),
        ("ceil", lambda xp, x: xp.ceil(x), "smallest integer >= data"),
        ("trunc", lambda xp, x: xp.trunc(x), "integer part, toward zero"),
        ("fix", lambda xp, x: xp.trunc(x), "integer part, toward zero")):
    _unary(_name, _integral_identity(_fn), f"{_what}; zero gradient.", _ANY, zero_grad=True)

_unary("erf", _special(erf_values), "The error function.", _ANY)
def _erfinv(ctx, p, x):
    out = _special(erfinv_values)(ctx, p, x)
    if x.dtype.kind in "iub":
        # MXNet returns a compile-time NaN outside [-1, 1], which its integer cast folds to 0
        out = ctx.xp.where(ctx.xp.abs(x) > 1, ctx.xp.zeros_like(out), out)
    return out


_unary("erfinv", _erfinv, "The inverse error function (±inf at ±1, NaN outside).", _UNIT)
_unary("gamma", _special(gamma_values), "The gamma function Γ(data).",
       (_sample(0.5, 4.0), _sample(-2.9, -2.1)))
_unary("gammaln", _special(lgamma_values), "log|Γ(data)|.", (_sample(0.5, 4.0), _sample(-2.9, -2.1)))
_unary("hard_sigmoid", _hard_sigmoid, "clip(alpha * data + beta, 0, 1); alpha, beta are float32.",
       (_sample(), Sample(((2, 3),), {"alpha": "0.3", "beta": "0.4"})),
       attrs=(Attr("alpha", Float(), 0.2), Attr("beta", Float(), 0.5)), infer_dtype=_floating_only)


def _polygamma(ctx, p, x):
    xp = ctx.xp
    with quiet(xp):
        return polygamma_values(xp, p.n, x.astype(np.float64)).astype(x.dtype, copy=False)


_unary("_polygamma", _polygamma,
       "ψ⁽ⁿ⁾(data), the n-th derivative of digamma (n=0: digamma). symcli's helper for the "
       "gradients of gamma and gammaln; not an MXNet operator.",
       (Sample(((2, 3),), {"n": "0"}, low=0.5, high=4.0),
        Sample(((2, 3),), {"n": "1"}, low=0.5, high=4.0),
        Sample(((2, 3),), {"n": "0"}, low=-2.9, high=-2.1)),
       attrs=(Attr("n", Int(0, 100)),))  # beyond ~170 the values overflow float64

del _name, _fn, _samples, _int_compute, _what
