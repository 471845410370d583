"""Every registered operator's sample cases: shape/dtype rules and gradcheck at order 1 and 2."""
from __future__ import annotations

import pytest

from symcli.ops.registry import all_ops

from opcheck import check_gradients, check_rules

CASES = [(op, k, s) for op in all_ops() for k, s in enumerate(op.samples)]
IDS = [f"{op.name}-{k}" for op, k, _ in CASES]


@pytest.mark.parametrize("op,k,sample", CASES, ids=IDS)
def test_rules_match_compute(op, k, sample):
    check_rules(op, sample)


GRAD_CASES = [c for c in CASES if c[2].grad and c[0].differentiable and c[0].grad != "zero gradient"]


@pytest.mark.parametrize("op,k,sample", GRAD_CASES, ids=[f"{c[0].name}-{c[1]}" for c in GRAD_CASES])
def test_gradient_order1(op, k, sample):
    check_gradients(op, sample, order=1)


@pytest.mark.parametrize("op,k,sample", [c for c in GRAD_CASES if c[2].order2],
                         ids=[f"{c[0].name}-{c[1]}" for c in GRAD_CASES if c[2].order2])
def test_gradient_order2(op, k, sample):
    check_gradients(op, sample, order=2)


def test_every_operator_has_samples():
    missing = [op.name for op in all_ops() if not op.samples]
    assert not missing, f"operators without sample cases: {missing}"
