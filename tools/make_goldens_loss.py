"""MXNet 1.9.1 goldens for symcli/ops/softmax.py and symcli/ops/loss.py.

Writes tests/goldens/loss_softmax.npz (softmax, log_softmax, softmin, SoftmaxActivation) and
tests/goldens/loss.npz (SoftmaxOutput, the regression outputs, MakeLoss, make_loss). Each case
stores the graph MXNet writes (`<case>/graph`), its inputs (`in:<arg>`), a random head gradient
(`head:<output>`, which loss heads ignore), the outputs (`out:<output>`) and the gradient of `x`
(`grad:x`) after a training forward/backward; `shape/<case>/...` entries hold infer_shape results.
Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_loss.py
"""
import os

import mxnet as mx
import numpy as np

sym = mx.sym
x = sym.Variable("x")
lab = sym.Variable("lab")
length = sym.Variable("len")

F64, F32 = "float64", "float32"
I32 = np.array([2, 0, 4, 1], dtype="int32")

# name: (symbol, {arg: shape}, dtype, {arg: explicit values})
SOFTMAX_CASES = {
    "softmax_last": (sym.softmax(x), {"x": (2, 3, 4)}, F64, {}),
    "softmax_axis0_t": (sym.softmax(x, axis=0, temperature=0.7), {"x": (3, 4)}, F64, {}),
    "softmax_neg_temperature": (sym.softmax(x, axis=1, temperature=-2.0), {"x": (2, 3, 2)}, F64, {}),
    "softmax_length": (sym.softmax(x, length, axis=1, use_length=True), {"x": (4, 5)}, F64,
                       {"len": I32}),
    "softmax_length_axis0": (sym.softmax(x, length, axis=0, use_length=True, temperature=2.0),
                             {"x": (5, 4)}, F64, {"len": I32}),
    "softmax_dtype64": (sym.softmax(x, dtype="float64"), {"x": (3, 4)}, F32, {}),
    "softmax_large": (sym.softmax(x), {"x": (2, 3)}, F64,
                      {"x": np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -1001.0]])}),
    "log_softmax_last": (sym.log_softmax(x), {"x": (2, 3, 4)}, F64, {}),
    "log_softmax_axis0_t": (sym.log_softmax(x, axis=0, temperature=1.5), {"x": (3, 4)}, F64, {}),
    "log_softmax_f32": (sym.log_softmax(x, axis=1), {"x": (2, 5)}, F32, {}),
    "softmin_axis1": (sym.softmin(x, axis=1), {"x": (2, 3, 4)}, F64, {}),
    "softmin_t": (sym.softmin(x, temperature=0.5), {"x": (3, 4)}, F64, {}),
    "softmaxact_instance": (sym.SoftmaxActivation(x), {"x": (2, 3, 4)}, F32, {}),
    "softmaxact_channel": (sym.SoftmaxActivation(x, mode="channel"), {"x": (2, 3, 2, 2)}, F32, {}),
}


def so(**kw):
    return sym.SoftmaxOutput(x, lab, name="so", **kw)


LAB4 = np.array([0.0, 3.0, 1.0, 4.0])
LAB_ODD = np.array([2.0, -1.0, 7.0, 2.7, -1.5, 1.0])  # ignored, out of range, truncated labels
LOSS_CASES = {
    "so_default": (so(), {"x": (4, 5)}, F64, {"lab": LAB4}),
    "so_grad_scale": (so(grad_scale=0.1), {"x": (4, 5)}, F64, {"lab": LAB4}),
    "so_ignore_batch": (so(use_ignore=True, ignore_label=-1, normalization="batch"), {"x": (6, 5)}, F64,
                        {"lab": LAB_ODD}),
    "so_ignore_valid": (so(use_ignore=True, ignore_label=-1, normalization="valid", grad_scale=0.3),
                        {"x": (6, 5)}, F64, {"lab": LAB_ODD}),
    "so_valid_no_ignore": (so(ignore_label=2, normalization="valid"), {"x": (6, 5)}, F64, {"lab": LAB_ODD}),
    "so_smooth": (so(smooth_alpha=0.3), {"x": (6, 5)}, F64, {"lab": LAB_ODD}),
    "so_smooth_ignore": (so(smooth_alpha=0.2, use_ignore=True, ignore_label=2, normalization="valid"),
                         {"x": (6, 5)}, F64, {"lab": LAB_ODD}),
    "so_3d_flat_batch": (so(normalization="batch"), {"x": (2, 3, 4)}, F64,
                         {"lab": np.array([[5.0, 1.0, 2.0], [11.0, 0.0, 3.0]])}),
    "so_preserve_batch": (so(preserve_shape=True, normalization="batch"), {"x": (2, 3, 4)}, F64,
                          {"lab": np.array([[0.0, 1.0, 3.0], [2.0, 2.0, 0.0]])}),
    "so_multi_null": (so(multi_output=True), {"x": (2, 3, 2, 2)}, F64,
                      {"lab": np.array([[0.0, 1.0, 2.0, 1.0], [2.0, 0.0, 0.0, 1.0]])}),
    "so_multi_batch_smooth": (so(multi_output=True, normalization="batch", smooth_alpha=0.4),
                              {"x": (2, 3, 4)}, F64,
                              {"lab": np.array([[0.0, 1.0, 2.0, 1.0], [2.0, 0.0, 0.0, 1.0]])}),
    "so_multi_valid_ignore": (so(multi_output=True, normalization="valid", use_ignore=True, ignore_label=1),
                              {"x": (2, 3, 2, 2)}, F64,
                              {"lab": np.array([[[0.0, 1.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])}),
    "so_multi_label_1": (so(multi_output=True, grad_scale=2.0), {"x": (2, 3, 2)}, F64,
                         {"lab": np.array([[[0.0, 2.0]], [[1.0, 1.0]]])}),
    "so_prob_label": (so(grad_scale=0.5, normalization="batch", use_ignore=True), {"x": (3, 4)}, F64,
                      {"lab": np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 0.0, 0.0], [0.25] * 4])}),
    "so_out_grad": (so(out_grad=True, normalization="batch"), {"x": (4, 5)}, F64, {"lab": LAB4}),
    "so_f32": (so(normalization="valid"), {"x": (4, 5)}, F32, {"lab": LAB4}),
    "softmax_alias": (sym.Softmax(x, lab, name="sm"), {"x": (4, 5)}, F64, {"lab": LAB4}),
    "linreg": (sym.LinearRegressionOutput(x, lab, name="r"), {"x": (3, 4)}, F64, {}),
    "linreg_col": (sym.LinearRegressionOutput(x, lab, grad_scale=0.3, name="r"), {"x": (3, 1)}, F64, {}),
    "linreg_3d": (sym.LinearRegressionOutput(x, lab, grad_scale=0.7, name="r"), {"x": (2, 3, 4)}, F64, {}),
    "linreg_1d": (sym.LinearRegressionOutput(x, lab, name="r"), {"x": (5,)}, F64, {}),
    "logreg": (sym.LogisticRegressionOutput(x, lab, grad_scale=0.1, name="r"), {"x": (3, 4)}, F64, {}),
    "mae": (sym.MAERegressionOutput(x, lab, name="r"), {"x": (2, 3)}, F64,
            {"x": np.array([[1.0, 2.0, -3.0], [0.5, 0.0, 4.0]]),
             "lab": np.array([[1.0, 2.5, -4.0], [0.5, 1.0, 3.0]])}),
    "mae_f32": (sym.MAERegressionOutput(x, lab, grad_scale=3.0, name="r"), {"x": (3, 2)}, F32, {}),
    "makeloss": (sym.MakeLoss(x * x), {"x": (3, 4)}, F64, {}),
    "makeloss_batch": (sym.MakeLoss(x * x, grad_scale=0.3, normalization="batch"), {"x": (3, 4)}, F64, {}),
    "makeloss_valid": (sym.MakeLoss(x, grad_scale=0.7, normalization="valid", valid_thresh=0.5),
                       {"x": (3, 4)}, F64, {}),
    "makeloss_valid_none": (sym.MakeLoss(x, normalization="valid", valid_thresh=5.0),
                            {"x": (3, 4)}, F64, {}),
    "make_loss": (sym.make_loss(x * x, foo="bar"), {"x": (3, 4)}, F64, {}),
    "make_loss_chain": (sym.make_loss(sym.MakeLoss(x * x, grad_scale=3.0)), {"x": (2, 3)}, F64, {}),
}

# name: (symbol, shapes given to infer_shape)
SHAPE_CASES = {
    "so_2d": (so(), {"x": (4, 5)}),
    "so_3d": (so(), {"x": (4, 5, 6)}),
    "so_prob": (so(), {"x": (4, 5), "lab": (4, 5)}),
    "so_multi": (so(multi_output=True), {"x": (4, 5, 2, 3)}),
    "so_multi_2d": (so(multi_output=True), {"x": (4, 5)}),
    "so_multi_lab3": (so(multi_output=True), {"x": (4, 5, 2, 3), "lab": (4, 1, 2, 3)}),
    "so_multi_lab2": (so(multi_output=True), {"x": (4, 5, 2, 3), "lab": (4, 2, 3)}),
    "so_preserve": (so(preserve_shape=True), {"x": (4, 5, 3)}),
    "reg_col": (sym.LinearRegressionOutput(x, lab), {"x": (4, 1)}),
    "reg_2d": (sym.LogisticRegressionOutput(x, lab), {"x": (4, 3)}),
    "reg_label_3d": (sym.MAERegressionOutput(x, lab), {"x": (4, 6), "lab": (4, 2, 3)}),
    "softmax_length": (sym.softmax(x, length, axis=1, use_length=True), {"x": (2, 3, 4)}),
}


def _value(name, shape, dtype, rng, given):
    if name in given:
        return np.asarray(given[name]).astype(dtype if name != "len" else given[name].dtype)
    if name == "lab" and dtype is not None:
        return rng.uniform(-1.0, 1.0, shape).astype(dtype)
    return rng.uniform(-2.0, 2.0, shape).astype(dtype)


def make_case(name, out, shapes, dtype, given, rng):
    known = dict(shapes)
    for arg, value in given.items():
        known.setdefault(arg, np.shape(value))
    arg_shapes, out_shapes, _ = out.infer_shape(**known)
    types = {"x": np.dtype(dtype)}
    if "len" in out.list_arguments():
        types["len"] = np.dtype("int32")
    arg_types, _, _ = out.infer_type(**types)
    store = {f"{name}/graph": np.array(out.tojson())}
    args, grads, reqs = {}, {}, {}
    for n, s, t in zip(out.list_arguments(), arg_shapes, arg_types):
        v = _value(n, s, t, rng, given)
        args[n] = mx.nd.array(v, dtype=v.dtype)
        grads[n] = mx.nd.zeros(s, dtype=t)
        reqs[n] = "write" if n == "x" else "null"
        store[f"{name}/in:{n}"] = v
    ex = out.bind(mx.cpu(), args, args_grad=grads, grad_req=reqs)
    outs = ex.forward(is_train=True)
    heads = []
    for n, o in zip(out.list_outputs(), outs):
        h = rng.uniform(-1.0, 1.0, o.shape).astype(o.dtype)
        store[f"{name}/head:{n}"] = h
        store[f"{name}/out:{n}"] = o.asnumpy()
        heads.append(mx.nd.array(h, dtype=o.dtype))
    ex.backward(heads)
    store[f"{name}/grad:x"] = ex.grad_dict["x"].asnumpy()
    return store


def shape_case(name, out, shapes):
    arg_shapes, out_shapes, _ = out.infer_shape(**shapes)
    store = {f"shape/{name}/given:{k}": np.array(v, dtype="int64") for k, v in shapes.items()}
    store[f"shape/{name}/graph"] = np.array(out.tojson())
    for n, s in zip(out.list_arguments(), arg_shapes):
        store[f"shape/{name}/arg:{n}"] = np.array(s, dtype="int64")
    store[f"shape/{name}/out"] = np.array(out_shapes[0], dtype="int64")
    return store


def write(path, cases, shape_cases=None):
    rng = np.random.default_rng(20240611)
    store = {}
    for name, (out, shapes, dtype, given) in cases.items():
        store.update(make_case(name, out, shapes, dtype, given, rng))
    for name, (out, shapes) in (shape_cases or {}).items():
        store.update(shape_case(name, out, shapes))
    np.savez_compressed(path, **store)
    print(f"wrote {path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens")
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "loss_softmax.npz"), SOFTMAX_CASES)
    write(os.path.join(root, "loss.npz"), LOSS_CASES, SHAPE_CASES)


if __name__ == "__main__":
    main()
