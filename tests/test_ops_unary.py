"""Unary operators against MXNet 1.9.1 goldens, and the vectorized special functions (erf, erfinv,
lgamma, gamma, polygamma) against Python's math module and exact identities."""
from __future__ import annotations

import math

import numpy as np
import pytest

from symcli.errors import SymcliError
from symcli.ops.unary import (erf_values, erfinv_values, gamma_values, lgamma_values,
                              polygamma_values)

from test_ops_elemwise import check_golden, load_goldens, run

CASES = load_goldens("elemwise_unary.npz")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_against_mxnet(case):
    check_golden(case)


def test_goldens_cover_every_unary_operator():
    from symcli.ops import unary
    from symcli.ops.registry import all_ops
    names = {op.name for op in all_ops() if op.compute.__module__ == unary.__name__}
    missing = names - {c["op"] for c in CASES} - {"_polygamma"}  # symcli's own helper
    assert not missing, f"no MXNet golden for {sorted(missing)}"


def test_rounding_rules():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.4, 0.6, -2.7, 2.7])
    assert run("round", x).tolist() == [-3, -2, -1, 1, 2, 3, -0.0, 1, -3, 3]
    assert run("rint", x).tolist() == [-3, -2, -1, 0, 1, 2, -0.0, 1, -3, 3]
    assert run("fix", x).tolist() == [-2, -1, -0.0, 0, 1, 2, -0.0, 0, -2, 2]
    assert run("round", np.array([0.49999999999999994])).tolist() == [0.0]  # not floor(x + 0.5)


def test_integer_inputs_are_computed_then_truncated():
    x = np.array([4, 9], np.int32)
    assert run("sqrt", x).tolist() == [2, 3] and run("sqrt", x).dtype == np.int32
    assert run("exp", np.array([4], np.int32)).tolist() == [54]
    assert run("sigmoid", x).tolist() == [0, 0]
    assert run("reciprocal", x).tolist() == [0, 0]


# -- special functions -----------------------------------------------------------------------------
RNG = np.random.default_rng(7)


def _relative_error(got, want):
    got, want = np.asarray(got), np.asarray(want)
    return np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300))


def test_erf_matches_math_erf():
    x = np.concatenate([RNG.uniform(-6, 6, 2000), np.linspace(2.4, 2.6, 101), RNG.uniform(-1e-3, 1e-3, 50),
                        [0.0, -0.0, 1e-300, 2.5, -2.5, 26.0]])
    want = np.array([math.erf(v) for v in x])
    assert _relative_error(erf_values(np, x), want) < 5e-15
    assert erf_values(np, np.array([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert np.isnan(erf_values(np, np.array([np.nan]))).all()


def test_erfinv_inverts_erf():
    y = np.concatenate([RNG.uniform(-1, 1, 2000), 1 - 10.0 ** -RNG.uniform(1, 15, 200), [0.0, 1e-300, 0.5]])
    x = erfinv_values(np, y)
    # the derivative of erf bounds how well erf(x) can reproduce y: compare in x via one Newton step
    slope = 2 / math.sqrt(math.pi) * np.exp(-x * x)
    residual = np.array([math.erf(v) for v in x]) - y
    tail = y > 0.5
    residual[tail] = (1 - y[tail]) - np.array([math.erfc(v) for v in x[tail]])
    residual[tail] *= -1
    assert np.max(np.abs(residual / slope) / np.maximum(np.abs(x), 1e-300)) < 1e-12
    edges = erfinv_values(np, np.array([1.0, -1.0, 1.5, -2.0, np.nan]))
    assert edges[:2].tolist() == [np.inf, -np.inf] and np.isnan(edges[2:]).all()


def test_lgamma_and_gamma_match_math():
    x = np.concatenate([RNG.uniform(-30, 30, 2000), RNG.uniform(0, 3, 500), [1e-300, 0.5, 171.5, 1e10]])
    x = x[x != np.round(x)]
    want_l = np.array([math.lgamma(v) for v in x])
    assert np.max(np.abs(lgamma_values(np, x) - want_l) / np.maximum(np.abs(want_l), 1.0)) < 1e-13
    small = x[(x < 171) & (x > -170)]
    want_g = np.array([math.gamma(v) for v in small])
    assert _relative_error(gamma_values(np, small), want_g) < 1e-12
    whole = np.arange(1.0, 172.0)
    assert gamma_values(np, whole).tolist() == [float(math.factorial(n - 1)) for n in range(1, 172)]
    assert gamma_values(np, np.array([0.0, -0.0, 172.0])).tolist() == [np.inf, -np.inf, np.inf]
    assert np.isnan(gamma_values(np, np.array([-1.0, -7.0]))).all()
    assert lgamma_values(np, np.array([0.0, -3.0, 1.0, 2.0])).tolist()[:2] == [np.inf, np.inf]


EULER = 0.57721566490153286061
ZETA3 = 1.2020569031595942854


@pytest.mark.parametrize("n,x,want", [
    (0, 1.0, -EULER), (0, 0.5, -EULER - 2 * math.log(2)), (0, 1.4616321449683623, 0.0),
    (1, 1.0, math.pi ** 2 / 6), (1, 0.5, math.pi ** 2 / 2), (2, 1.0, -2 * ZETA3),
    (3, 1.0, math.pi ** 4 / 15), (1, -0.5, math.pi ** 2 / 2 + 4), (0, -0.5, 2 - EULER - 2 * math.log(2)),
])
def test_polygamma_known_values(n, x, want):
    assert polygamma_values(np, n, np.array([x]))[0] == pytest.approx(want, rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_polygamma_recurrence_and_derivative(n):
    x = np.concatenate([RNG.uniform(0.1, 30, 300), RNG.uniform(-8, 0, 300)])
    x = x[np.abs(x - np.round(x)) > 1e-3]
    upper, here = polygamma_values(np, n, x + 1), polygamma_values(np, n, x)
    rhs = (-1) ** n * math.factorial(n) / x ** (n + 1)
    scale = np.maximum(np.maximum(np.abs(upper), np.abs(here)), 1)  # near poles both terms are huge
    assert np.max(np.abs(upper - here - rhs) / scale) < 1e-13
    # ψ⁽ⁿ⁾ is the derivative of ψ⁽ⁿ⁻¹⁾ (of lgamma for n = 0): central differences
    h = 1e-5
    lower = (lambda v: lgamma_values(np, v)) if n == 0 else (lambda v: polygamma_values(np, n - 1, v))
    pos = x[x > 0.5]
    fd = (lower(pos + h) - lower(pos - h)) / (2 * h)
    assert np.max(np.abs(fd - polygamma_values(np, n, pos)) / np.maximum(np.abs(fd), 1)) < 1e-6


def test_polygamma_poles():
    assert polygamma_values(np, 0, np.array([0.0, -2.0])).tolist() == [1.7976931348623157e308] * 2
    assert polygamma_values(np, 1, np.array([0.0, -2.0])).tolist() == [np.inf, np.inf]
    assert np.isnan(polygamma_values(np, 2, np.array([-1.0]))).all()


def test_hard_sigmoid_rejects_integers():
    with pytest.raises(SymcliError, match="floating point"):
        run("hard_sigmoid", np.array([1, 2], np.int32))
