"""Every operator's batched path (ELEMENTWISE, a rule, or the loop) against stacked single calls.

For each sample case and each non-empty subset of its data inputs (every subset up to three such
inputs; else each one alone and all together), B=3 random variants of the batched inputs run through
`batching.run_batched` as a one-step plan; the result must equal stacking 3 plain kernel calls
(values, shapes and dtypes, hidden outputs included). Index, label and condition inputs are batched
in a second test. The loop fallback passes by construction; rules and ELEMENTWISE declarations are
what this checks.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from symcli.batching import run_batched
from symcli.executor import compile_plan
from symcli.ops.registry import ComputeContext, all_ops, get_op

from opcheck import sample_graph, sample_inputs

B = 3
SKIP = {"Dropout"}  # random masks: no two calls agree
# the ops a Hessian of a dense model runs batched: they must have a rule, not the per-row loop
MUST_HAVE_RULES = (
    "dot", "_dot_grad_lhs", "_dot_grad_rhs", "batch_dot", "FullyConnected", "_linear_grad_data",
    "_linear_grad_weight", "sum", "mean", "_broadcast_reduced", "Reshape", "transpose", "Flatten",
    "expand_dims", "Concat", "_split_like", "slice", "_slice_scatter", "softmax", "_softmax_backward",
    "_softmax_rowdot", "_reduce_like", "broadcast_like", "elemwise_mul", "broadcast_add", "tanh",
)


def _batchable(op, sample, indices: bool = False) -> list[int]:
    """Random inputs and explicit data; explicit integers of non-differentiable inputs (indices,
    labels, conditions) only when `indices`; never auxiliary states."""
    p = op.parse(sample.attrs)
    names = op.input_names(p)
    out = []
    for k, name in enumerate(names):
        if name in op.aux_inputs:
            continue
        given = sample.values[k] if k < len(sample.values) else None
        if given is None:
            out.append(k)
            continue
        arr = np.asarray(given, dtype="float64")
        integral = not np.isnan(arr).any() and np.array_equal(arr, np.trunc(arr))
        if indices or not (integral and name in op.nondiff_inputs):
            out.append(k)
    return out


def _subsets(slots: list[int]) -> list[tuple[int, ...]]:
    if len(slots) <= 3:
        return [c for r in range(1, len(slots) + 1) for c in itertools.combinations(slots, r)]
    return [(k,) for k in slots] + [tuple(slots)]


def _variant(arr: np.ndarray, given, sample, rng) -> np.ndarray:
    if given is None:
        return rng.uniform(sample.low, sample.high, size=arr.shape).astype(arr.dtype)
    return rng.permutation(arr.reshape(-1)).reshape(arr.shape)  # same values, new places


def _run(op, sample, subset: tuple[int, ...], seed: int):
    graph, names = sample_graph(op, sample)
    p = op.parse(sample.attrs)
    base = sample_inputs(op, sample)
    arrays = [base[n] for n in names]
    rng = np.random.default_rng(seed)
    for k in subset:
        given = sample.values[k] if k < len(sample.values) else None
        arrays[k] = np.stack([_variant(arrays[k], given, sample, rng) for _ in range(B)])
    ctx = ComputeContext(np, False, np.random.default_rng(0))
    node = len(names)
    n_out = op.n_outputs(p)
    plan = compile_plan(graph, [node], {(node, k) for k in range(n_out)})  # hidden outputs too
    slots: list = [None] * plan.num_slots
    for i, a in enumerate(arrays):
        slots[plan.slot_of[(i, 0)]] = a
    batched_in = {plan.slot_of[(i, 0)] for i in subset}
    batched_out = run_batched(plan, plan.steps, slots, batched_in, B, ctx)
    got = [slots[plan.slot_of[(node, k)]] for k in range(n_out)]
    assert all(plan.slot_of[(node, k)] in batched_out for k in range(n_out))
    rows = []
    for b in range(B):
        args = [a[b] if i in subset else a for i, a in enumerate(arrays)]
        out = op.compute(ctx, p, *args)
        rows.append(out if n_out > 1 else (out,))
    expected = [np.stack([r[k] for r in rows]) for k in range(n_out)]
    return got, expected


ALL_CASES = [(op, k, s) for op in all_ops() if op.name not in SKIP for k, s in enumerate(op.samples)
             if op.input_names(op.parse(s.attrs))]
CASES = [(op, k, s) for op, k, s in ALL_CASES if _batchable(op, s)]


@pytest.mark.parametrize("op,k,sample", CASES, ids=[f"{op.name}-{k}" for op, k, _ in CASES])
def test_batched_equals_stacked_rows(op, k, sample):
    for n, subset in enumerate(_subsets(_batchable(op, sample))):
        _compare(op, k, sample, subset, seed=100 + n)


def _compare(op, k, sample, subset, seed):
    got, expected = _run(op, sample, subset, seed)
    where = f"{op.name} sample {k} batched inputs {subset}"
    for i, (g, e) in enumerate(zip(got, expected)):
        g = np.asarray(g)
        assert g.shape == e.shape, f"{where} output {i}: shape {g.shape} != {e.shape}"
        assert g.dtype == e.dtype, f"{where} output {i}: dtype {g.dtype} != {e.dtype}"
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12, equal_nan=True, err_msg=where)


INDEX_CASES = [(op, k, s) for op, k, s in ALL_CASES if _batchable(op, s, True) != _batchable(op, s)]


@pytest.mark.parametrize("op,k,sample", INDEX_CASES, ids=[f"{op.name}-{k}" for op, k, _ in INDEX_CASES])
def test_batched_index_inputs(op, k, sample):
    """Index, label and condition inputs batched too (each entry a permutation of the sample's
    values): a Hessian never batches them, but a rule must still be right if it does."""
    for n, subset in enumerate(_subsets(_batchable(op, sample, True))):
        if set(subset) <= set(_batchable(op, sample)):
            continue  # covered above
        _compare(op, k, sample, subset, seed=200 + n)


def test_dense_model_ops_have_batching_rules():
    missing = [name for name in MUST_HAVE_RULES if get_op(name).batching is None]
    assert not missing, f"ops that would loop over the batch: {missing}"
