"""Indexing and ordering ops (ops/index.py) against MXNet 1.9.1 goldens (tools/make_goldens_reduce.py),
plus the documented differences (stable sorts), errors, and second-order gradients."""
from __future__ import annotations

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.autodiff import grad
from symcli.errors import SymcliError
from symcli.executor import Executor
from symcli.infer import infer_dtypes, infer_shapes

from test_ops_reduce import golden_cases, run_golden_case

GOLDENS, CASES = golden_cases("index")


@pytest.mark.parametrize("name", CASES)
def test_against_mxnet(name):
    run_golden_case(GOLDENS, name)


def run(sym, **arrays):
    ex = Executor.bind(sym.graph, "cpu", {k: v for k, v in arrays.items() if k in sym.list_arguments()})
    return [np.asarray(o) for o in ex.forward()]


def test_sort_is_stable_beyond_16_ties():
    # MXNet's order for 17 equal values is [8, 16, 15, ..., 9, 0, 7, ..., 1]; symcli keeps input order
    x = sx.Variable("x")
    values = np.zeros(17)
    assert run(sx.argsort(x), x=values)[0].tolist() == list(range(17))
    assert run(sx.argsort(x, is_ascend=False), x=values)[0].tolist() == list(range(17))
    assert run(sx.topk(x, k=5), x=values)[0].tolist() == list(range(5))


def test_descending_sort_keeps_ties_in_input_order():
    got = run(sx.argsort(sx.Variable("x"), is_ascend=False), x=np.array([1.0, 3, 1, 3, 2]))[0]
    assert got.tolist() == [1, 3, 4, 0, 2]


def test_nan_sorts_as_largest():
    x = sx.Variable("x")
    values = np.array([3.0, np.nan, 1, 2])
    assert run(sx.argsort(x), x=values)[0].tolist() == [2, 3, 0, 1]
    assert run(sx.topk(x, k=1), x=values)[0].tolist() == [1]


def test_take_raise_mode_rejects_out_of_range():
    out = sx.take(sx.Variable("a"), sx.Variable("i"), mode="raise")
    with pytest.raises(SymcliError, match="out of bound"):
        run(out, a=np.ones((3, 2)), i=np.array([-1.0]))


def test_topk_k_too_large():
    with pytest.raises(SymcliError, match="k must be smaller than 3"):
        infer_shapes(sx.topk(sx.Variable("x"), k=5).graph, {"x": (2, 3)})


def test_where_condition_shape_error():
    out = sx.where(sx.Variable("c"), sx.Variable("a"), sx.Variable("b"))
    with pytest.raises(SymcliError, match="condition"):
        infer_shapes(out.graph, {"c": (1, 3), "a": (2, 3), "b": (2, 3)})


def test_pick_needs_an_axis():
    # the string "None": a Python None keyword is dropped by the frontend, as in MXNet
    with pytest.raises(SymcliError, match="axis=None"):
        infer_shapes(sx.pick(sx.Variable("a"), sx.Variable("i"), axis="None").graph, {"a": (2, 3)})


def test_index_dtypes():
    x = sx.Variable("x")
    cases = [(sx.argsort(x), "float32"), (sx.argsort(x, dtype="int64"), "int64"),
             (sx.topk(x, ret_typ="mask"), "float64"), (sx.one_hot(x, depth=3), "float32"),
             (sx.sort(x), "float64")]
    for out, want in cases:
        assert infer_dtypes(out.graph, {"x": "float64"}).of(out.graph.heads[0]) == want
    emb = sx.Embedding(sx.Variable("d"), input_dim=4, output_dim=2, name="emb")
    inferred = infer_dtypes(emb.graph, {"d": "int32"})
    assert inferred.of(emb.graph.heads[0]) == "float32"
    inferred = infer_dtypes(emb.graph, {"d": "int32", "emb_weight": "float64"})
    assert inferred.of(emb.graph.heads[0]) == "float64"


def test_embedding_infers_weight_shape():
    emb = sx.Embedding(sx.Variable("d"), input_dim=10, output_dim=3, name="emb")
    inf = infer_shapes(emb.graph, {"d": (2, 5)})
    assert inf.of(emb.graph.heads[0]) == (2, 5, 3)


def test_take_gradient_accumulates_and_second_order():
    # f = sum(take(a, i)^2): repeated rows accumulate; Hessian x ones = 2 * count per row
    a, i = sx.Variable("a"), sx.Variable("i")
    t = sx.take(a, i)
    f = sx.sum(t * t)
    av, iv = np.arange(6.0).reshape(3, 2), np.array([2.0, 0, 2, 2])
    g = run(grad(f, "a"), a=av, i=iv)[0]
    np.testing.assert_allclose(g, [[0, 2], [0, 0], [24, 30]])
    hv = run(grad(sx.sum(grad(f, "a")), "a"), a=av, i=iv)[0]
    np.testing.assert_allclose(hv, [[2, 2], [0, 0], [6, 6]])


def test_topk_and_sort_second_order():
    # f = sum(topk_values^2) -> Hessian x ones = 2 at the chosen positions, 0 elsewhere
    x = sx.Variable("x")
    for out, mask in ((sx.topk(x, k=2, ret_typ="value"), [[0, 1, 1], [1, 0, 1]]),
                      (sx.sort(x, axis=None), [[1, 1, 1], [1, 1, 1]])):
        f = sx.sum(out * out)
        v = np.array([[0.1, 0.9, 0.5], [0.7, -0.2, 0.8]])
        hv = run(grad(sx.sum(grad(f, "x")), "x"), x=v)[0]
        np.testing.assert_allclose(hv, 2 * np.array(mask, dtype=float))


def test_where_and_pick_second_order():
    c, a, b = sx.Variable("c"), sx.Variable("a"), sx.Variable("b")
    w = sx.where(c, a, b)
    f = sx.sum(w * w)
    cond, av, bv = np.array([1.0, 0, 1]), np.ones((3, 2)), np.ones((3, 2))
    hv = run(grad(sx.sum(grad(f, "a")), "a"), c=cond, a=av, b=bv)[0]
    np.testing.assert_allclose(hv, [[2, 2], [0, 0], [2, 2]])
    p = sx.pick(a, sx.Variable("i"), axis=1)
    f = sx.sum(p * p)
    hv = run(grad(sx.sum(grad(f, "a")), "a"), a=np.ones((2, 3)), i=np.array([2.0, 0]))[0]
    np.testing.assert_allclose(hv, [[0, 0, 2], [2, 0, 0]])
