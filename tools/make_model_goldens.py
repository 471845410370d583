"""MXNet 1.9.1 goldens for the gluon model zoo -> tests/goldens/models.npz.

Each model (classes=10, batch 1, the smallest input it accepts) is exported by gluon; the graph is
stored, and its weights are NOT: the test regenerates them with `model_weights` (same seed, same
draws, numpy's PCG64 stream). Stored: the model's inference output and, for nets without Dropout,
the train-mode output (batch statistics); for densenet121 and inceptionv3 also an early internal
output (`cut`) on a small input, sampled at fixed positions, so a fast test covers them.
mobilenet0.25 additionally gets a float64 train-mode backward: grad of data and one BatchNorm's
moving statistics after the update.
Run in the side venv: .mxnet-venv/bin/python tools/make_model_goldens.py
"""
import os
import tempfile

# MKLDNN's subgraph backend folds BatchNorm into the convolution for executors bound without
# gradients, so a later forward(is_train=True) would still use the moving statistics.
os.environ["MXNET_SUBGRAPH_BACKEND"] = "NONE"
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet.gluon.model_zoo import vision  # noqa: E402

# name: (input size, (internal output, small input size) or None, train-mode test of the full
# model? (not with Dropout, which is random; the cuts are tested in both modes))
MODELS = {
    "alexnet": (63, None, False),
    "squeezenet1.1": (209, None, False),
    "vgg11_bn": (32, None, False),
    "mobilenet0.25": (32, None, True),
    "mobilenetv2_0.25": (32, None, True),
    "resnet18_v1": (32, None, True),
    "resnet50_v2": (32, None, True),
    "densenet121": (221, ("densenet0_pool1_fwd_output", 32), True),
    "inceptionv3": (299, ("inception30_A1_concat0_output", 75), False),  # has Dropout
}
SAMPLES = 400


def init_kind(name):
    for suffix, kind in (("running_mean", "mean"), ("running_var", "var"), ("moving_mean", "mean"),
                         ("moving_var", "var"), ("gamma", "gamma"), ("beta", "beta"), ("bias", "bias")):
        if name.endswith(suffix):
            return kind
    return "he"


def model_weights(seed, names_shapes):
    """The test's twin (tests/test_models.py): one float64 draw per array, in order, cast to float32."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in names_shapes:
        kind = init_kind(name)
        if kind == "he":
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            v = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif kind == "bias":
            v = rng.uniform(-0.1, 0.1, shape)
        elif kind == "gamma":
            v = rng.uniform(0.5, 1.5, shape)
        elif kind in ("beta", "mean"):
            v = rng.normal(0.0, 0.1, shape)
        else:
            v = rng.uniform(0.5, 1.5, shape)
        out[name] = v.astype(np.float32)
    return out


def export(name, size):
    net = vision.get_model(name, classes=10)
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros((1, 3, size, size)))
    with tempfile.TemporaryDirectory() as tmp:
        net.export(os.path.join(tmp, "m"))
        with open(os.path.join(tmp, "m-symbol.json")) as fh:
            return fh.read()


def bind(sym, data, seed, dtype="float32", grad=False):
    arg_shapes, _, aux_shapes = sym.infer_shape(data=data.shape)
    args = sym.list_arguments()
    auxs = sym.list_auxiliary_states()
    shapes = [(n, s) for n, s in zip(args, arg_shapes) if n != "data"] + list(zip(auxs, aux_shapes))
    w = model_weights(seed, shapes)
    arg_arrays = {n: mx.nd.array(w[n], dtype=dtype) for n in args if n != "data"}
    arg_arrays["data"] = mx.nd.array(data, dtype=dtype)
    aux_arrays = {n: mx.nd.array(w[n], dtype=dtype) for n in auxs}
    grads = {n: mx.nd.zeros(a.shape, dtype=dtype) for n, a in arg_arrays.items()} if grad else None
    return sym.bind(mx.cpu(), arg_arrays, args_grad=grads, aux_states=aux_arrays), shapes


def main():
    store = {}
    for k, (name, (size, cut, train)) in enumerate(MODELS.items()):
        seed = 100 + k
        rng = np.random.default_rng(seed + 1000)
        text = export(name, size)
        sym = mx.sym.load_json(text)
        data = rng.uniform(-1, 1, (1, 3, size, size)).astype(np.float32)
        store[f"{name}/graph"] = np.array(text)
        store[f"{name}/seed"] = np.array(seed)
        store[f"{name}/size"] = np.array(size)
        ex, shapes = bind(sym, data, seed)
        store[f"{name}/names"] = np.array([n for n, _ in shapes])
        store[f"{name}/infer"] = ex.forward(is_train=False)[0].asnumpy()
        if train:
            store[f"{name}/train"] = ex.forward(is_train=True)[0].asnumpy()
        if cut is not None:
            internal, small = cut
            part = sym.get_internals()[internal]
            small_data = rng.uniform(-1, 1, (1, 3, small, small)).astype(np.float32)
            pex, _ = bind(part, small_data, seed)
            infer = pex.forward(is_train=False)[0].asnumpy()
            trained = pex.forward(is_train=True)[0].asnumpy()
            where = np.sort(rng.choice(infer.size, size=min(SAMPLES, infer.size), replace=False))
            store[f"{name}/cut"] = np.array(internal)
            store[f"{name}/cut_size"] = np.array(small)
            store[f"{name}/cut_where"] = where.astype(np.int32)
            store[f"{name}/cut_infer"] = infer.ravel()[where]
            store[f"{name}/cut_train"] = trained.ravel()[where]
        if name == "mobilenet0.25":  # float64 train backward: data gradient and moving statistics
            ex, _ = bind(sym, data, seed, dtype="float64", grad=True)
            out = ex.forward(is_train=True)[0]
            head = rng.standard_normal(out.shape)
            ex.backward(mx.nd.array(head, dtype="float64"))
            store[f"{name}/backward_head"] = head
            store[f"{name}/backward_output"] = out.asnumpy()
            store[f"{name}/grad_data"] = ex.grad_dict["data"].asnumpy().astype(np.float32)
            bn = [n for n in sym.list_auxiliary_states() if "batchnorm13" in n]
            store[f"{name}/aux_names"] = np.array(bn)
            for n in bn:
                store[f"{name}/aux:{n}"] = ex.aux_dict[n].asnumpy()
        print(name, "done")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens", "models.npz")
    np.savez_compressed(path, **store)
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
