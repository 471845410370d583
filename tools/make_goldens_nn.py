"""MXNet 1.9.1 goldens for the layers of symcli/ops/nn.py -> tests/goldens/nn.npz.

Each case stores the graph MXNet writes (`<case>/graph`), its inputs, head gradients, and what MXNet
computes: outputs, gradients of every argument, and auxiliary states after a (training) backward.
Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_nn.py
"""
import os

import mxnet as mx
import numpy as np

sym = mx.sym
x = sym.Variable("x")

# name: (symbol, data shape, is_train, dtype, data values or None)
SOFTRELU_X = np.array([[-30.0, -1.5, -0.2, 0.3], [2.0, 19.5, 20.5, 35.0]])
CASES = {
    "bn_train": (sym.BatchNorm(x, fix_gamma=False, name="bn"), (2, 3, 4), True, "float64", None),
    "bn_train_fix_gamma": (sym.BatchNorm(x, eps=1e-5, name="bn"), (2, 3, 2, 2), True, "float64", None),
    "bn_infer": (sym.BatchNorm(x, fix_gamma=False, name="bn"), (2, 3, 4), False, "float64", None),
    "bn_global_stats": (sym.BatchNorm(x, fix_gamma=False, use_global_stats=True, momentum=0.8, name="bn"),
                        (2, 3, 4), True, "float64", None),
    "bn_axis_last_mean_var": (sym.BatchNorm(x, fix_gamma=False, axis=-1, output_mean_var=True, name="bn"),
                              (3, 2, 4), True, "float64", None),
    "bn_infer_mean_var": (sym.BatchNorm(x, output_mean_var=True, name="bn"), (2, 3), False, "float64", None),
    "bn_v1_train": (sym.BatchNorm_v1(x, fix_gamma=False, output_mean_var=True, name="bn"),
                    (2, 3, 2, 2), True, "float32", None),
    "bn_float16_train": (sym.BatchNorm(x, fix_gamma=False, name="bn"), (2, 3, 4), True, "float16", None),
    "layernorm": (sym.LayerNorm(x, name="ln"), (2, 3, 4), False, "float64", None),
    "layernorm_axis1_mean_std": (sym.LayerNorm(x, axis=1, eps=1e-3, output_mean_var=True, name="ln"),
                                 (2, 3, 4), False, "float64", None),
    "instancenorm": (sym.InstanceNorm(x, name="in"), (2, 3, 5), False, "float32", None),
    "l2norm_instance": (sym.L2Normalization(x, name="l2"), (2, 3, 2, 2), False, "float64", None),
    "l2norm_channel": (sym.L2Normalization(x, mode="channel", name="l2"), (2, 3, 2, 2), False, "float64", None),
    "l2norm_spatial": (sym.L2Normalization(x, mode="spatial", name="l2"), (2, 3, 2, 2), False, "float64", None),
    "act_relu": (sym.Activation(x, act_type="relu", name="a"), (3, 4), False, "float64", None),
    "act_sigmoid": (sym.Activation(x, act_type="sigmoid", name="a"), (3, 4), False, "float64", None),
    "act_tanh": (sym.Activation(x, act_type="tanh", name="a"), (3, 4), False, "float64", None),
    "act_softrelu": (sym.Activation(x, act_type="softrelu", name="a"), (2, 4), False, "float64", SOFTRELU_X),
    "act_softsign": (sym.Activation(x, act_type="softsign", name="a"), (3, 4), False, "float64", None),
    "leaky": (sym.LeakyReLU(x, slope=0.1, name="lr"), (3, 4), False, "float64", None),
    "prelu": (sym.LeakyReLU(x, act_type="prelu", name="pr"), (2, 3, 4), False, "float64", None),
    "prelu_scalar_gamma": (sym.LeakyReLU(x, sym.Variable("g", shape=(1,)), act_type="prelu", name="pr"),
                           (2, 3), False, "float64", None),
    "elu": (sym.LeakyReLU(x, act_type="elu", slope=0.7, name="lr"), (3, 4), False, "float64", None),
    "selu": (sym.LeakyReLU(x, act_type="selu", name="lr"), (3, 4), False, "float64", None),
    "gelu": (sym.LeakyReLU(x, act_type="gelu", name="lr"), (3, 4), False, "float64", None),
    "rrelu_infer": (sym.LeakyReLU(x, act_type="rrelu", name="rr"), (3, 4), False, "float64", None),
    "dropout_infer": (sym.Dropout(x, p=0.3, name="d"), (3, 4), False, "float64", None),
    "dropout_train_p0": (sym.Dropout(x, p=0.0, name="d"), (3, 4), True, "float64", None),
}


def _value(name, shape, dtype, rng, given):
    if given is not None and name == "x":
        return given.astype(dtype)
    if name.endswith("moving_var"):
        return rng.uniform(0.5, 2.0, shape).astype(dtype)
    if name.endswith("gamma") or name == "g":
        return rng.uniform(0.5, 1.5, shape).astype(dtype)
    return rng.uniform(-2.0, 2.0, shape).astype(dtype)


def make_case(name, out, data_shape, is_train, dtype, given, rng):
    arg_shapes, out_shapes, aux_shapes = out.infer_shape(x=data_shape)
    arg_types, _, aux_types = out.infer_type(x=np.dtype(dtype))
    store = {f"{name}/graph": np.array(out.tojson()), f"{name}/is_train": np.array(is_train)}
    args, grads = {}, {}
    for n, s, t in zip(out.list_arguments(), arg_shapes, arg_types):
        v = _value(n, s, t, rng, given)
        args[n] = mx.nd.array(v, dtype=t)
        grads[n] = mx.nd.zeros(s, dtype=t)
        store[f"{name}/in:{n}"] = v
    aux = {}
    for n, s, t in zip(out.list_auxiliary_states(), aux_shapes, aux_types):
        v = _value(n, s, t, rng, None)
        aux[n] = mx.nd.array(v, dtype=t)
        store[f"{name}/in:{n}"] = v
    ex = out.bind(mx.cpu(), args, args_grad=grads, aux_states=aux)
    outs = ex.forward(is_train=is_train)
    heads = []
    for k, (n, o) in enumerate(zip(out.list_outputs(), outs)):
        store[f"{name}/out:{n}"] = o.asnumpy()
        # MXNet ignores the gradients of the statistics outputs (BatchNorm mean/var, LayerNorm
        # mean/std) and rrelu's mask; symcli differentiates them, so those heads are zeros.
        h = rng.standard_normal(o.shape).astype(o.dtype) if k == 0 else np.zeros(o.shape, o.dtype)
        store[f"{name}/head:{n}"] = h
        heads.append(mx.nd.array(h, dtype=o.dtype))
    ex.backward(heads, is_train=is_train)
    for n in out.list_arguments():
        store[f"{name}/grad:{n}"] = ex.grad_dict[n].asnumpy()
    for n in out.list_auxiliary_states():
        store[f"{name}/aux:{n}"] = ex.aux_dict[n].asnumpy()
    return store


def main():
    rng = np.random.default_rng(20240611)
    store = {}
    for name, (out, shape, is_train, dtype, given) in CASES.items():
        store.update(make_case(name, out, shape, is_train, dtype, given, rng))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens", "nn.npz")
    np.savez_compressed(path, **store)
    print("wrote", os.path.normpath(path), len(CASES), "cases")


if __name__ == "__main__":
    main()
