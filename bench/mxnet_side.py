"""The MXNet 1.9.1 side of the benchmarks (run in .mxnet-venv by bench/run.py).

Builds each workload with MXNet, saves its graph and inputs for symcli to load, and times MXNet's
own executor on it. Prints one JSON object: {workload: {"fwd": s, "fwd_bwd": s}}.
"""
import json
import os
import sys
import time

import mxnet as mx
import numpy as np

WORK = sys.argv[1]
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 5
ONLY = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else None


def best(fn, repeat=REPEAT):
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def save(name, sym, inputs, params=None):
    sym.save(os.path.join(WORK, name + ".json"))
    np.savez(os.path.join(WORK, name + ".npz"), **inputs)
    if params:
        mx.nd.save(os.path.join(WORK, name + ".params"), params)


def time_executor(sym, inputs, grad=True, aux=None, repeat=REPEAT):
    args = {k: mx.nd.array(v, dtype=v.dtype) for k, v in inputs.items()}
    grads = {k: mx.nd.zeros_like(a) for k, a in args.items()} if grad else None
    ex = sym.bind(mx.cpu(), args, args_grad=grads, grad_req="write" if grad else "null", aux_states=aux)
    heads = [mx.nd.ones(o.shape) for o in ex.forward()]

    def fwd():
        ex.forward(is_train=False)
        mx.nd.waitall()

    def fwd_bwd():
        ex.forward(is_train=True)
        ex.backward(heads)
        mx.nd.waitall()
    out = {"fwd": best(fwd, repeat)}
    if grad:
        out["fwd_bwd"] = best(fwd_bwd, repeat)
    return out


def chain():
    x = mx.sym.Variable("x")
    y = x
    for i in range(1000):
        y = [mx.sym.sin, mx.sym.cos, lambda s: s * 1.0001, lambda s: s + 0.5][i % 4](y)
    inputs = {"x": np.random.default_rng(0).normal(size=(100, 100)).astype(np.float32)}
    save("chain1000", y, inputs)
    return time_executor(y, inputs)


def mlp():
    rng = np.random.default_rng(1)
    data = mx.sym.Variable("data")
    h = mx.sym.FullyConnected(data, num_hidden=1024, name="fc1")
    h = mx.sym.Activation(h, act_type="relu", name="relu1")
    h = mx.sym.FullyConnected(h, num_hidden=1024, name="fc2")
    h = mx.sym.Activation(h, act_type="relu", name="relu2")
    y = mx.sym.FullyConnected(h, num_hidden=10, name="fc3")
    shapes, _, _ = y.infer_shape(data=(256, 784))
    inputs = {n: (rng.normal(size=s) * 0.05).astype(np.float32) for n, s in zip(y.list_arguments(), shapes)}
    save("mlp", y, inputs)
    return time_executor(y, inputs)


def conv():
    rng = np.random.default_rng(2)
    data = mx.sym.Variable("data")
    y = mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=64, name="conv")
    shapes, _, _ = y.infer_shape(data=(8, 64, 56, 56))
    inputs = {n: (rng.normal(size=s) * 0.05).astype(np.float32) for n, s in zip(y.list_arguments(), shapes)}
    save("conv64", y, inputs)
    return time_executor(y, inputs)


def resnet18():
    from mxnet.gluon.model_zoo import vision
    net = vision.resnet18_v1()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = mx.nd.array(np.random.default_rng(3).normal(size=(8, 3, 224, 224)), dtype="float32")
    net(x)
    prefix = os.path.join(WORK, "resnet18")
    net.export(prefix, 0)
    sym = mx.sym.load(prefix + "-symbol.json")
    params = mx.nd.load(prefix + "-0000.params")
    np.savez(os.path.join(WORK, "resnet18.npz"), data=x.asnumpy())
    inputs = {k[4:]: v.asnumpy() for k, v in params.items() if k.startswith("arg:")}
    inputs["data"] = x.asnumpy()
    aux = {k[4:]: v for k, v in params.items() if k.startswith("aux:")}
    return time_executor(sym, inputs, aux=aux, repeat=3)


def hessian(n):
    rng = np.random.default_rng(4)
    A = mx.sym.Variable("A")
    x = mx.sym.Variable("x")
    f = mx.sym.sum(mx.sym.square(mx.sym.tanh(mx.sym.dot(A, x))))
    inputs = {"A": rng.normal(size=(n, n)) / np.sqrt(n), "x": rng.normal(size=(n,))}
    save(f"hessian{n}", f, inputs)
    return {}  # MXNet has no Hessian of a symbol: nothing to time


WORKLOADS = {"chain1000": chain, "mlp": mlp, "conv64": conv, "resnet18": resnet18,
             "hessian100": lambda: hessian(100), "hessian500": lambda: hessian(500)}

if __name__ == "__main__":
    os.makedirs(WORK, exist_ok=True)
    results = {}
    for name, fn in WORKLOADS.items():
        if ONLY is None or name in ONLY:
            results[name] = fn()
    print(json.dumps(results))
