"""MXNet 1.9.1 goldens for reductions, linear algebra and indexing ops -> tests/goldens/{reduce,linalg,index}.npz.

Each case stores the graph MXNet writes (`<case>/graph`), its inputs, seeded head gradients and what
MXNet computes: outputs (`out:<name>`) and gradients (`grad:<arg>`) of the differentiable arguments
listed in `<case>/wrt` (empty for forward-only cases).
Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_reduce.py
"""
import os

os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402

sym = mx.sym
NAN = float("nan")
rng = np.random.default_rng(20240501)


def u(*shape, low=-2.0, high=2.0, dtype="float64"):
    return rng.uniform(low, high, size=shape).astype(dtype)


def distinct(*shape, dtype="float64"):
    """Distinct values (no ties), shuffled: for arg/sort ops."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) * 0.37 - 1.1).astype(dtype)


V = sym.Variable
x, a, b, i = V("x"), V("a"), V("b"), V("i")

# name: (symbol, {arg: value}, [args to differentiate])
REDUCE = {
    "sum_all": (sym.sum(x), {"x": u(2, 3, 4)}, ["x"]),
    "sum_axis1": (sym.sum(x, axis=1), {"x": u(2, 3, 4)}, ["x"]),
    "sum_axes_keepdims": (sym.sum(x, axis=(0, 2), keepdims=True), {"x": u(2, 3, 4)}, ["x"]),
    "sum_exclude": (sym.sum(x, axis=-1, exclude=True), {"x": u(2, 3, 4)}, ["x"]),
    "sum_empty_axis_keepdims": (sym.sum(x, axis=(), keepdims=True), {"x": u(2, 3)}, ["x"]),
    "sum_axis_alias": (sym.sum_axis(x, axis=0), {"x": u(3, 2)}, ["x"]),
    "sum_int32_wraps": (sym.sum(x), {"x": np.array([2**31 - 1, 1, 5], dtype="int32")}, []),
    "sum_int8_wraps": (sym.sum(x), {"x": np.array([100, 100], dtype="int8")}, []),
    "sum_float32": (sym.sum(x, axis=1), {"x": u(3, 5, dtype="float32")}, ["x"]),
    "mean_all": (sym.mean(x), {"x": u(2, 3, 4)}, ["x"]),
    "mean_keepdims": (sym.mean(x, axis=-1, keepdims=True), {"x": u(2, 3, 4)}, ["x"]),
    "mean_exclude": (sym.mean(x, axis=(0, 2), exclude=True), {"x": u(2, 3, 4)}, ["x"]),
    "mean_int32_truncates": (sym.mean(x, axis=1),
                             {"x": np.array([[-1, -2], [3, 4], [-7, 2]], dtype="int32")}, []),
    "prod_axis1": (sym.prod(x, axis=1), {"x": u(2, 3, 4, low=0.5, high=1.5)}, ["x"]),
    "prod_all": (sym.prod(x), {"x": u(2, 3, low=0.5, high=1.5)}, ["x"]),
    "max_axis": (sym.max(x, axis=-1), {"x": u(3, 4)}, ["x"]),
    "max_ties": (sym.max(x, axis=1), {"x": np.array([[1.0, 3, 3], [2, 2, 1]])}, ["x"]),
    "max_nan": (sym.max(x, axis=1), {"x": np.array([[1.0, NAN, 3], [2, 2, 1]])}, ["x"]),
    "max_alias_all": (sym.max_axis(x), {"x": u(2, 3)}, ["x"]),
    "min_exclude_keepdims": (sym.min(x, axis=0, exclude=True, keepdims=True), {"x": u(2, 3, 4)}, ["x"]),
    "min_ties": (sym.min(x, axis=0), {"x": np.array([[1.0, 2], [1, 0]])}, ["x"]),
    "nansum": (sym.nansum(x, axis=1), {"x": np.array([[NAN, 2, 3], [1, 0.5, -1]])}, ["x"]),
    "nanprod": (sym.nanprod(x, axis=0), {"x": np.array([[NAN, 2, 3], [1.5, 0.5, NAN]])}, ["x"]),
    "norm_default": (sym.norm(x), {"x": u(2, 3, 4)}, ["x"]),
    "norm_ord1_axis": (sym.norm(x, ord=1, axis=1), {"x": u(2, 3, 4)}, ["x"]),
    "norm_ord2_keepdims": (sym.norm(x, axis=-1, keepdims=True), {"x": u(2, 3, 4)}, ["x"]),
    "norm_frobenius": (sym.norm(x, axis=(1, 2)), {"x": u(2, 3, 4)}, ["x"]),
    "norm_ord1_two_axes": (sym.norm(x, ord=1, axis=(0, 1)), {"x": u(2, 3, 4)}, ["x"]),
    "norm_float32": (sym.norm(x, axis=0), {"x": u(4, 3, dtype="float32")}, ["x"]),
    "argmax_axis1": (sym.argmax(x, axis=1), {"x": distinct(3, 4)}, []),
    "argmax_all_keepdims": (sym.argmax(x, keepdims=True), {"x": distinct(3, 4)}, []),
    "argmin_axis0_keepdims": (sym.argmin(x, axis=0, keepdims=True), {"x": distinct(3, 4)}, []),
    "argmax_ties_nan": (sym.argmax(x, axis=1),
                        {"x": np.array([[1.0, 5, 5, 2], [1, NAN, NAN, 7], [3, 3, 3, 3]])}, []),
    "argmin_nan": (sym.argmin(x, axis=1), {"x": np.array([[1.0, NAN, -5, NAN], [0, -1, -1, 2]])}, []),
    "argmax_float32": (sym.argmax(x, axis=0), {"x": distinct(4, 3, dtype="float32")}, []),
    "argmax_int32": (sym.argmax(x, axis=-1), {"x": np.array([[1, 9, 3], [7, 2, 7]], dtype="int32")}, []),
    "argmax_channel": (sym.argmax_channel(x), {"x": distinct(2, 3, 4)}, []),
}

LINALG = {
    "dot_NN": (sym.dot(a, b), {"a": u(3, 4), "b": u(4, 5)}, ["a", "b"]),
    "dot_NT": (sym.dot(a, b, transpose_b=True), {"a": u(3, 4), "b": u(5, 4)}, ["a", "b"]),
    "dot_TN": (sym.dot(a, b, transpose_a=True), {"a": u(4, 3), "b": u(4, 5)}, ["a", "b"]),
    "dot_TT": (sym.dot(a, b, transpose_a=True, transpose_b=True), {"a": u(4, 3), "b": u(5, 4)}, ["a", "b"]),
    "dot_1d_1d": (sym.dot(a, b), {"a": u(4), "b": u(4)}, ["a", "b"]),
    "dot_1d_2d": (sym.dot(a, b), {"a": u(4), "b": u(4, 5)}, ["a", "b"]),
    "dot_2d_1d": (sym.dot(a, b), {"a": u(3, 4), "b": u(4)}, ["a", "b"]),
    "dot_1d_T_2d": (sym.dot(a, b, transpose_a=True), {"a": u(4), "b": u(4, 3)}, ["a", "b"]),
    "dot_3d_3d": (sym.dot(a, b), {"a": u(2, 3, 4), "b": u(4, 2, 5)}, ["a", "b"]),
    "dot_3d_T_2d": (sym.dot(a, b, transpose_a=True), {"a": u(4, 3, 2), "b": u(4, 5)}, ["a", "b"]),
    "dot_3d_3d_T": (sym.dot(a, b, transpose_b=True), {"a": u(2, 3, 4), "b": u(5, 2, 4)}, ["a", "b"]),
    "dot_4d_TT": (sym.dot(a, b, transpose_a=True, transpose_b=True),
                  {"a": u(3, 2, 2, 1), "b": u(2, 3, 3)}, ["a", "b"]),
    "dot_float32": (sym.dot(a, b), {"a": u(5, 6, dtype="float32"), "b": u(6, 7, dtype="float32")}, ["a", "b"]),
    "batch_dot_NN": (sym.batch_dot(a, b), {"a": u(2, 3, 4), "b": u(2, 4, 5)}, ["a", "b"]),
    "batch_dot_NT": (sym.batch_dot(a, b, transpose_b=True), {"a": u(2, 3, 4), "b": u(2, 5, 4)}, ["a", "b"]),
    "batch_dot_TN": (sym.batch_dot(a, b, transpose_a=True), {"a": u(2, 4, 3), "b": u(2, 4, 5)}, ["a", "b"]),
    "batch_dot_TT_4d": (sym.batch_dot(a, b, transpose_a=True, transpose_b=True),
                        {"a": u(2, 3, 4, 3), "b": u(2, 3, 5, 4)}, ["a", "b"]),
    "fc_flatten": (sym.FullyConnected(x, num_hidden=5, name="fc"),
                   {"x": u(2, 3, 4), "fc_weight": u(5, 12), "fc_bias": u(5)}, ["x", "fc_weight", "fc_bias"]),
    "fc_no_flatten": (sym.FullyConnected(x, num_hidden=5, flatten=False, name="fc"),
                      {"x": u(2, 3, 4), "fc_weight": u(5, 4), "fc_bias": u(5)}, ["x", "fc_weight", "fc_bias"]),
    "fc_no_bias": (sym.FullyConnected(x, num_hidden=2, no_bias=True, name="fc"),
                   {"x": u(3, 4), "fc_weight": u(2, 4)}, ["x", "fc_weight"]),
    "fc_vector": (sym.FullyConnected(x, num_hidden=3, name="fc"),
                  {"x": u(7), "fc_weight": u(3, 1), "fc_bias": u(3)}, ["x", "fc_weight", "fc_bias"]),
    "fc_vector_no_flatten": (sym.FullyConnected(x, num_hidden=3, flatten=False, name="fc"),
                             {"x": u(7), "fc_weight": u(3, 7), "fc_bias": u(3)}, ["x", "fc_weight", "fc_bias"]),
    "fc_float32": (sym.FullyConnected(x, num_hidden=4, name="fc"),
                   {"x": u(3, 6, dtype="float32"), "fc_weight": u(4, 6, dtype="float32"),
                    "fc_bias": u(4, dtype="float32")}, ["x", "fc_weight", "fc_bias"]),
}

c = V("c")
TIES = np.array([[2.0, 1, 2, 1, 3, 1, 2], [0, 0, 0, 0, 0, 0, 0]])  # ties, fewer than 16 per row
INDEX = {
    "take_repeat": (sym.take(a, i), {"a": u(5, 3), "i": np.array([0.0, 4, 2, 4])}, ["a"]),
    "take_clip": (sym.take(a, i), {"a": u(4, 3), "i": np.array([[-2.0, 1.7], [9, 3]])}, ["a"]),
    "take_wrap_axis1": (sym.take(a, i, axis=1, mode="wrap"), {"a": u(2, 4, 3), "i": np.array([-5.0, 7, 1])}, ["a"]),
    "take_negative_axis": (sym.take(a, i, axis=-1), {"a": u(2, 3), "i": np.array([2.0, 0])}, ["a"]),
    "take_int_indices": (sym.take(a, i), {"a": u(5, 3), "i": np.array([3, 3, 0], dtype="int32")}, ["a"]),
    "take_raise_valid": (sym.take(a, i, mode="raise"), {"a": u(3, 2), "i": np.array([2.0, 0])}, ["a"]),
    "pick_axis1": (sym.pick(a, i, axis=1), {"a": u(3, 4), "i": np.array([0.0, 3.9, -1])}, ["a"]),
    "pick_axis0_keepdims_wrap": (sym.pick(a, i, axis=0, keepdims=True, mode="wrap"),
                                 {"a": u(3, 4), "i": np.array([[-1.0, 3, 4, 1]])}, ["a"]),
    "pick_3d": (sym.pick(a, i, axis=1), {"a": u(2, 3, 2), "i": np.array([[0.0, 2], [1, 1]])}, ["a"]),
    "pick_alias": (sym.choose_element_0index(a, i), {"a": u(2, 3), "i": np.array([1.0, 2])}, ["a"]),
    "embedding": (sym.Embedding(i, input_dim=4, output_dim=3, name="emb"),
                  {"i": np.array([[0.0, 3, 3], [1.5, -1, 9]]), "emb_weight": u(4, 3)}, ["emb_weight"]),
    "embedding_float32": (sym.Embedding(i, input_dim=5, output_dim=2, name="emb"),
                          {"i": np.array([4, 0, 4], dtype="int32"), "emb_weight": u(5, 2, dtype="float32")},
                          ["emb_weight"]),
    "one_hot": (sym.one_hot(i, depth=3), {"i": np.array([0.0, 2.7, -1, 3, 1])}, []),
    "one_hot_values_int32": (sym.one_hot(i, depth=4, on_value=5, off_value=-1, dtype="int32"),
                             {"i": np.array([[1.0, 3], [0, 7]])}, []),
    "one_hot_float64": (sym.one_hot(i, depth=2, dtype="float64"), {"i": np.array([1, 0], dtype="int32")}, []),
    "where_same_shape": (sym.where(c, a, b), {"c": np.array([[1.0, 0, -2], [0, 0, 0.5]]),
                                              "a": u(2, 3), "b": u(2, 3)}, ["a", "b"]),
    "where_rows": (sym.where(c, a, b), {"c": np.array([0.0, 1, 3]), "a": u(3, 2, 2), "b": u(3, 2, 2)}, ["a", "b"]),
    "sort_last": (sym.sort(x), {"x": distinct(3, 4)}, []),
    "sort_desc_axis0": (sym.sort(x, axis=0, is_ascend=False), {"x": distinct(3, 4)}, ["x"]),
    "sort_none": (sym.sort(x, axis=None), {"x": distinct(2, 3)}, []),
    "sort_int32": (sym.sort(x, is_ascend=False), {"x": np.array([[3, 1, 2], [0, 5, 5]], dtype="int32")}, []),
    "argsort_last": (sym.argsort(x), {"x": distinct(3, 4)}, []),
    "argsort_desc_int32": (sym.argsort(x, axis=0, is_ascend=False, dtype="int32"), {"x": distinct(3, 4)}, []),
    "argsort_none": (sym.argsort(x, axis=None), {"x": distinct(2, 3)}, []),
    "argsort_ties": (sym.argsort(x), {"x": TIES}, []),
    "argsort_ties_desc": (sym.argsort(x, is_ascend=False), {"x": TIES}, []),
    "topk_value": (sym.topk(x, k=2, ret_typ="value"), {"x": distinct(3, 4)}, ["x"]),
    "topk_indices": (sym.topk(x, k=2), {"x": distinct(3, 4)}, []),
    "topk_both": (sym.topk(x, k=2, ret_typ="both", dtype="int32"), {"x": distinct(3, 4)}, ["x"]),
    "topk_mask": (sym.topk(x, k=2, ret_typ="mask"), {"x": distinct(3, 4)}, []),
    "topk_ascend_axis0": (sym.topk(x, k=1, axis=0, is_ascend=True, ret_typ="value"), {"x": distinct(3, 4)}, ["x"]),
    "topk_all_k0": (sym.topk(x, k=0, ret_typ="value"), {"x": distinct(2, 5)}, ["x"]),
    "topk_axis_none": (sym.topk(x, k=3, axis=None, ret_typ="value"), {"x": distinct(3, 4)}, ["x"]),
    "topk_ties": (sym.topk(x, k=3, ret_typ="indices"), {"x": TIES}, []),
}


def make_case(name, out, values, wrt, store):
    args = {n: mx.nd.array(values[n], dtype=values[n].dtype) for n in out.list_arguments()}
    grads = {n: mx.nd.zeros(values[n].shape, dtype=values[n].dtype) for n in wrt}
    ex = out.bind(mx.cpu(), args, args_grad=grads, grad_req={n: "write" for n in wrt})
    outs = ex.forward(is_train=bool(wrt))
    store[f"{name}/graph"] = np.array(out.tojson())
    store[f"{name}/wrt"] = np.array(",".join(wrt))
    for n in out.list_arguments():
        store[f"{name}/in:{n}"] = values[n]
    heads = []
    for n, o in zip(out.list_outputs(), outs):
        store[f"{name}/out:{n}"] = o.asnumpy()
        head = rng.normal(size=o.shape).astype(o.dtype)
        heads.append(mx.nd.array(head, dtype=o.dtype))
        store[f"{name}/head:{n}"] = head
    if wrt:
        ex.backward(heads)
        for n in wrt:
            store[f"{name}/grad:{n}"] = ex.grad_dict[n].asnumpy()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for family, cases in (("reduce", REDUCE), ("linalg", LINALG), ("index", INDEX)):
        store = {}
        for name, (out, values, wrt) in cases.items():
            make_case(name, out, values, wrt, store)
        path = os.path.join(here, "..", "tests", "goldens", f"{family}.npz")
        np.savez_compressed(path, **store)
        print(f"{path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
