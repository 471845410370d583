"""Write samples/ with real MXNet 1.9.1 (run in the side venv: .mxnet-venv/bin/python tools/make_samples.py).

Each sample is a graph written by MXNet itself plus the arrays to run it, so the README's commands
exercise files exactly as users will have them.
"""
import os

import mxnet as mx
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")


def out(*parts):
    path = os.path.join(ROOT, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def forum():
    X = mx.sym.Variable("X")
    F = X * X
    F.save(out("forum", "xx.json"))
    np.save(out("forum", "x.npy"), np.array([2.0], dtype=np.float32))
    np.savez(out("forum", "hg.npz"), _mul0_output=np.array([4.0], dtype=np.float32))


def intermediate():
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    c = mx.sym.elemwise_mul(a, b, name="c")
    d = mx.sym.elemwise_mul(c, b, name="d")
    d.save(out("intermediate", "cd.json"))
    np.savez(out("intermediate", "ab.npz"), a=np.array([[2.0]]), b=np.array([[3.0]]))


def mlp():
    rng = np.random.default_rng(0)
    data = mx.sym.Variable("data")
    h = mx.sym.FullyConnected(data, num_hidden=16, name="fc1")
    h = mx.sym.Activation(h, act_type="relu", name="relu1")
    h = mx.sym.FullyConnected(h, num_hidden=4, name="fc2")
    net = mx.sym.SoftmaxOutput(h, name="softmax")
    arg_shapes, _, _ = net.infer_shape(data=(8, 10))
    params = {}
    for name, shape in zip(net.list_arguments(), arg_shapes):
        if name.endswith("weight"):
            params["arg:" + name] = mx.nd.array(rng.normal(0, 0.3, shape), dtype="float32")
        elif name.endswith("bias"):
            params["arg:" + name] = mx.nd.array(rng.normal(0, 0.1, shape), dtype="float32")
    net.save(out("mlp", "mlp-symbol.json"))
    mx.nd.save(out("mlp", "mlp-0000.params"), params)
    np.savez(out("mlp", "data.npz"), data=rng.normal(size=(8, 10)).astype(np.float32),
             softmax_label=rng.integers(0, 4, size=8).astype(np.float32))


def convnet():
    from mxnet.gluon import nn
    mx.random.seed(1)
    net = nn.HybridSequential()
    net.add(nn.Conv2D(8, 3, padding=1), nn.BatchNorm(), nn.Activation("relu"),
            nn.MaxPool2D(2), nn.Conv2D(16, 3, padding=1), nn.Activation("relu"),
            nn.GlobalAvgPool2D(), nn.Flatten(), nn.Dense(10))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = mx.nd.array(np.random.default_rng(2).normal(size=(2, 3, 16, 16)), dtype="float32")
    net(x)
    prefix = out("convnet", "convnet")
    net.export(prefix, epoch=0)
    np.savez(out("convnet", "data.npz"), data=x.asnumpy())


if __name__ == "__main__":
    forum()
    intermediate()
    mlp()
    convnet()
    print("samples written to", os.path.normpath(ROOT))
