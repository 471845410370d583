"""Extra conformance cases in the public suite's format, for model-zoo nets and graph files it lacks.

Writes `.extra_cases/models/<net>__{infer,train_grad,train_f32}` (gluon model zoo, MXNet 1.9.1) and
`.extra_cases/real/...` (other symbol files from MXNet's repository and hand-made legacy variants), so
`run_eval.py --cases .extra_cases` exercises them. Weights come from each case's seeded `params` block.
Run in the side venv: .mxnet-venv/bin/python tools/make_extra_model_cases.py [models|real] [-k NAME]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile

# MKLDNN's subgraph backend folds BatchNorm into the convolution for executors bound without
# gradients, so a later forward(is_train=True) would still use the moving statistics.
os.environ["MXNET_SUBGRAPH_BACKEND"] = "NONE"
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
from mxnet.gluon.model_zoo import vision  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "conformance"))
import run_eval  # noqa: E402

OUT = os.environ.get("EXTRA_CASES_DIR", os.path.join(ROOT, ".extra_cases"))
MXNET_SRC = "/work/.mirror/apache+mxnet/repo"  # a git mirror of apache/mxnet (tag 1.9.0 is read)

# name: (input size, batch, variants, seed). Sizes: the smallest each accepts, or more where the
# last feature map would be 1x1 (train-mode BatchNorm over 1-2 values makes gradients explode).
MODELS = {
    "resnet34_v1": (64, 2, ("infer", "train_grad", "train_f32"), 3401),
    "resnet50_v1": (64, 2, ("infer", "train_grad", "train_f32"), 5001),
    "resnet18_v2": (64, 2, ("infer", "train_grad", "train_f32"), 1802),
    "resnet101_v1": (64, 2, ("infer", "train_grad", "train_f32"), 10101),
    "resnet101_v2": (64, 1, ("infer", "train_grad"), 10102),
    "resnet152_v1": (64, 2, ("infer", "train_grad"), 15201),
    "vgg13": (32, 2, ("infer", "train_grad"), 1300),
    "vgg16_bn": (32, 2, ("infer", "train_grad", "train_f32"), 1601),
    "vgg13_bn": (33, 1, ("infer", "train_grad"), 1301),
    "vgg19": (32, 1, ("infer", "train_grad", "train_f32"), 1900),
    "squeezenet1.0": (213, 1, ("infer", "train_grad", "train_f32"), 1000),
    "squeezenet1.1": (224, 2, ("infer", "train_grad"), 1107),
    "mobilenet1.0": (64, 2, ("infer", "train_grad", "train_f32"), 2510),
    "mobilenet0.5": (64, 1, ("infer", "train_grad", "train_f32"), 2505),
    "mobilenet0.75": (96, 1, ("infer", "train_grad"), 2575),
    "mobilenetv2_1.0": (64, 2, ("infer", "train_grad", "train_f32"), 2610),
    "mobilenetv2_0.5": (64, 1, ("infer", "train_grad", "train_f32"), 2605),
    "mobilenetv2_0.75": (96, 2, ("infer", "train_grad", "train_f32"), 2675),
    "densenet169": (221, 1, ("infer", "train_grad", "train_f32"), 1690),
    "densenet121": (221, 1, ("train_f32",), 1215),
    "densenet161": (221, 1, ("infer",), 1610),
    "inceptionv3": (299, 1, ("train_f32",), 3009),
    "alexnet": (63, 2, ("train_f32",), 2004),
}
# (no __train_f32 for resnet152_v1 / resnet101_v2: their float32 train outputs differ from the
# float64 ones by ~3e-3 in MXNet itself, more than the suite's float32 tolerance)
BIG_INPUT = 3 * 100 * 100  # no grad:data for inputs larger than this (as the public suite)


def init_kind(name: str) -> str:
    for suffix, kind in (("running_mean", "mean"), ("running_var", "var"), ("moving_mean", "mean"),
                         ("moving_var", "var"), ("gamma", "gamma"), ("beta", "beta"), ("bias", "bias")):
        if name.endswith(suffix):
            return kind
    return "he"


def ceil2(x: float) -> float:
    """x rounded up to 2 significant digits."""
    if x <= 0:
        return 0.0
    e = math.floor(math.log10(x)) - 1
    return float(f"{math.ceil(x / 10 ** e - 1e-9) * 10 ** e:.3g}")


def floor2(x: float) -> float:
    if x <= 0:
        return 0.0
    e = math.floor(math.log10(x)) - 1
    return float(f"{math.floor(x / 10 ** e + 1e-9) * 10 ** e:.3g}")


def quantized(rng, shape, step: float, clip: float | None = None) -> np.ndarray:
    v = np.round(rng.normal(0.0, 1.0, shape) / step) * step
    if clip is not None:
        v = np.clip(v, -clip, clip)
    return v.astype(np.float32)


def export(name: str, size: int) -> str:
    net = vision.get_model(name, classes=10)
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros((1, 3, size, size)))
    with tempfile.TemporaryDirectory() as tmp:
        net.export(os.path.join(tmp, "m"))
        with open(os.path.join(tmp, "m-symbol.json")) as fh:
            return fh.read()


def zero_dropout(text: str) -> tuple[str, int]:
    """The graph with every Dropout's p set to 0 (MXNet's dropout RNG is not reproducible)."""
    doc = json.loads(text)
    count = 0
    for node in doc["nodes"]:
        if node["op"] == "Dropout":
            node["attrs"]["p"] = "0.0"
            count += 1
    if not count:
        return text, 0
    return mx.sym.load_json(json.dumps(doc)).tojson(), count


def param_specs(sym, shapes: dict) -> list:
    """[name, shape, dtype, init] for every input but the data, in graph-input order."""
    auxs = set(sym.list_auxiliary_states())
    specs = []
    for name in sym.list_inputs():
        if name in shapes and name not in ("data", "softmax_label"):
            prefix = "aux:" if name in auxs else "arg:"
            specs.append([prefix + name, list(shapes[name]), "float32", init_kind(name)])
    return specs


def bind(sym, data: dict, weights: dict, dtype: str, wrt=()):
    args = sym.list_arguments()
    auxs = sym.list_auxiliary_states()
    arrays = {n: mx.nd.array(data[n] if n in data else weights["arg:" + n], dtype=dtype) for n in args}
    aux = {n: mx.nd.array(weights["aux:" + n], dtype=dtype) for n in auxs}
    grads = {n: mx.nd.zeros(arrays[n].shape, dtype=dtype) for n in wrt}
    req = {n: ("write" if n in wrt else "null") for n in args}
    ex = sym.bind(mx.cpu(), arrays, args_grad=grads or None, grad_req=req if grads else "null",
                  aux_states=aux)
    return ex


def write_case(path: str, description: str, params: dict | None, steps: list, expect: dict,
               files: dict) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    for fname, content in files.items():
        full = os.path.join(path, fname)
        if isinstance(content, str):
            with open(full, "w") as fh:
                fh.write(content)
        elif isinstance(content, bytes):
            with open(full, "wb") as fh:
                fh.write(content)
        else:
            np.savez(full, **content)
    case = {"description": description, "params": params, "steps": steps, "expect": expect}
    with open(os.path.join(path, "case.json"), "w") as fh:
        json.dump(case, fh, indent=1)


def choose_wrt(sym, size: int, batch: int) -> list[str]:
    """data (small inputs), the first weight, one BatchNorm's gamma/beta two thirds in, the last
    layer's weight and bias (or, without BatchNorm, a middle convolution's weight and bias)."""
    args = [a for a in sym.list_arguments() if a not in ("data", "softmax_label")]
    wrt = ["data"] if 3 * size * size <= BIG_INPUT else []
    wrt.append(args[0])
    gammas = [a for a in args if a.endswith("_gamma")]
    if gammas:
        g = gammas[(2 * len(gammas)) // 3]
        wrt += [g, g[: -len("gamma")] + "beta"]
    else:
        weights = [a for a in args if a.endswith("_weight")]
        w = weights[len(weights) // 2]
        wrt.append(w)
        if w[: -len("weight")] + "bias" in args:
            wrt.append(w[: -len("weight")] + "bias")
    last_w = [a for a in args if a.endswith("_weight")][-1]
    wrt.append(last_w)
    if last_w[: -len("weight")] + "bias" in args:
        wrt.append(last_w[: -len("weight")] + "bias")
    return list(dict.fromkeys(wrt))


def run_flags(wrt, dtype64: bool, head: bool = True) -> list:
    flags = ["--mode", "train", "--grad", "--wrt", ",".join(wrt)]
    if head:
        flags += ["--head-grads", "{case}/head_grads.npz"]
    if dtype64:
        flags += ["--dtype", "float64"]
    return flags + ["-o", "{tmp}/out.npz"]


def model_cases(name: str, only=None) -> None:
    size, batch, variants, seed = MODELS[name]
    text = export(name, size)
    sym = mx.sym.load_json(text)
    shape = (batch, 3, size, size)
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=shape)
    shapes = dict(zip(sym.list_arguments(), arg_shapes))
    shapes.update(zip(sym.list_auxiliary_states(), aux_shapes))
    specs = param_specs(sym, shapes)
    weights = run_eval.make_weights(seed, specs)
    params = {"seed": seed, "out": "{tmp}/weights.params", "arrays": specs}
    rng = np.random.default_rng(seed + 7)
    data = quantized(rng, shape, 1 / 8, 3.0)
    outputs = sym.list_outputs()
    head = {outputs[0]: quantized(rng, out_shapes[0], 1 / 64)}
    base = f"gluon model zoo {name} (classes=10) exported by MXNet 1.9.1"
    run_infer = ["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--params",
                 "{tmp}/weights.params"]
    for variant in variants:
        cid = f"{name}__{variant}"
        if only and not any(k in cid for k in only):
            continue
        if variant == "infer":
            ex = bind(sym, {"data": data}, weights, "float32")
            out = ex.forward(is_train=False)
            expected = {n: o.asnumpy() for n, o in zip(outputs, out)}
            atol = ceil2(1e-4 * max(float(np.abs(v).max()) for v in expected.values()))
            write_case(os.path.join(OUT, "models", cid),
                       f"{base}, inference on input {list(shape)} in float32: the outputs match MXNet's "
                       "(MKLDNN build)", params,
                       [run_infer + ["--mode", "infer", "-o", "{tmp}/out.npz"]],
                       {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                           "rtol": 1e-4, "atol": atol}},
                       {"graph.json": text, "inputs.npz": {"data": data}, "expected.npz": expected})
            print("wrote", cid, flush=True)
            continue
        train_text, n_drop = zero_dropout(text)
        tsym = mx.sym.load_json(train_text)
        wrt = choose_wrt(tsym, size, batch)
        f64 = variant == "train_grad"
        dtype = "float64" if f64 else "float32"
        ex = bind(tsym, {"data": data}, weights, dtype, wrt)
        out = ex.forward(is_train=True)
        ex.backward([mx.nd.array(head[outputs[0]], dtype=dtype)])
        mx.nd.waitall()  # BatchNorm's backward mutates the aux arrays behind the engine's back
        expected = {n: o.asnumpy().astype(np.float32) for n, o in zip(outputs, out)}
        if f64:
            for n in wrt:
                expected["grad:" + n] = ex.grad_dict[n].asnumpy().astype(np.float32)
        gammas = [a for a in wrt if a.endswith("_gamma")]
        bn_aux = [a for a in tsym.list_auxiliary_states()]
        chosen = []
        if gammas:
            prefix = gammas[0][: -len("gamma")]
            chosen += [a for a in bn_aux if a.startswith(prefix)]
        chosen += bn_aux[-2:]
        for a in dict.fromkeys(chosen):
            expected["aux:" + a] = ex.aux_dict[a].asnumpy().astype(np.float32)
        maxes = [float(np.abs(v).max()) for v in expected.values()]
        if not all(np.isfinite(maxes)):
            print("skipped", cid, "(non-finite values)", flush=True)
            continue
        drop = (f"; the graph's {n_drop} Dropout node(s) have p=0 (MXNet's dropout RNG is not "
                "reproducible)") if n_drop else ""
        aux_note = ("; aux: the moving statistics after the run (MXNet updates them once, in the "
                    "backward: 0.9*moving + 0.1*batch, biased batch variance)") if bn_aux else ""
        if f64:
            nonzero = [m for m in maxes if m > 1e-6 * max(maxes)]
            atol = floor2(1e-6 * min(nonzero))
            rtol = 1e-6
            desc = (f"{base}, train-mode forward (batch statistics) + backward with a random head "
                    f"gradient on input {list(shape)}, in float64 (--dtype float64): outputs, gradients "
                    f"of {', '.join(wrt)}{aux_note}{drop}")
        else:
            atol = ceil2(5e-4 * max(maxes))
            rtol = 3e-4
            desc = (f"{base}, the __train_grad run in float32 (as MXNet runs it), comparing the outputs "
                    f"(batch statistics) and the moving statistics; gradients computed, not compared"
                    f"{aux_note}{drop}")
        write_case(os.path.join(OUT, "models", cid), desc, params,
                   [run_infer + run_flags(wrt, f64)],
                   {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                       "rtol": rtol, "atol": atol}},
                   {"graph.json": train_text, "inputs.npz": {"data": data}, "head_grads.npz": head,
                    "expected.npz": expected})
        print("wrote", cid, flush=True)


# ------------------------------------------------------------------------------------------------
# real: graph files from MXNet's repository (tag 1.9.0) and legacy-layout variants
# ------------------------------------------------------------------------------------------------

def mxnet_file(path: str) -> bytes:
    import subprocess
    return subprocess.run(["git", "-C", MXNET_SRC, "show", f"1.9.0:{path}"], check=True,
                          capture_output=True).stdout


def real_cases(cid_prefix: str, text: str, source: str, data_shape, seed: int, label: str | None,
               variants=("infer", "train_grad", "infer_shape"), wrt=None, only=None,
               extra_inputs: dict | None = None) -> None:
    """Cases for a graph text loaded by MXNet as is (legacy upgrade included)."""
    sym = mx.sym.load_json(text)
    known = {"data": data_shape}
    if extra_inputs:
        known.update({k: v.shape for k, v in extra_inputs.items()})
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**known)
    args = sym.list_arguments()
    auxs = sym.list_auxiliary_states()
    shapes = dict(zip(args, arg_shapes))
    shapes.update(zip(auxs, aux_shapes))
    specs = [s for s in param_specs(sym, shapes) if not extra_inputs or s[0][4:] not in extra_inputs]
    weights = run_eval.make_weights(seed, specs)
    params = {"seed": seed, "out": "{tmp}/weights.params", "arrays": specs}
    rng = np.random.default_rng(seed + 7)
    inputs = {"data": quantized(rng, data_shape, 1 / 8, 3.0)}
    if label is not None:
        n_cls = out_shapes[0][-1]
        inputs[label] = rng.integers(0, n_cls, shapes[label]).astype(np.float32)
    if extra_inputs:
        inputs.update(extra_inputs)
    outputs = sym.list_outputs()
    files = {"graph.json": text.encode("utf-8") if isinstance(text, str) else text,
             "inputs.npz": inputs}
    run_base = ["run", "{case}/graph.json", "--inputs", "{case}/inputs.npz", "--params",
                "{tmp}/weights.params"]
    for variant in variants:
        cid = f"{cid_prefix}__{variant}"
        if only and not any(k in cid for k in only):
            continue
        path = os.path.join(OUT, "real", cid)
        if variant == "infer_shape":
            def entry(s, dt="float32"):
                return {"shape": list(s), "dtype": dt}
            types = sym.infer_type(data="float32")
            doc = {"arguments": {n: entry(shapes[n], np.dtype(t).name) for n, t in zip(args, types[0])},
                   "outputs": {n: entry(s, np.dtype(t).name) for n, s, t in zip(outputs, out_shapes,
                                                                                 types[1])},
                   "auxiliary_states": {n: entry(shapes[n], np.dtype(t).name)
                                        for n, t in zip(auxs, types[2])},
                   "unknown": []}
            steps = [["infer-shape", "{case}/graph.json", "-s",
                      "data=" + ",".join(str(d) for d in data_shape), "--json"]]
            write_case(path, f"{source}: infer-shape --json from data's shape alone", None, steps,
                       {"exit": 0, "json_stdout": doc}, {"graph.json": files["graph.json"]})
        elif variant == "infer":
            ex = bind(sym, inputs, weights, "float32")
            out = ex.forward(is_train=False)
            expected = {n: o.asnumpy() for n, o in zip(outputs, out)}
            atol = ceil2(1e-4 * max(float(np.abs(v).max()) for v in expected.values()))
            write_case(path, f"{source}, data {list(data_shape)}: inference in float32", params,
                       [run_base + ["--mode", "infer", "-o", "{tmp}/out.npz"]],
                       {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                           "rtol": 1e-4, "atol": atol}},
                       {**files, "expected.npz": expected})
        else:
            f64 = variant.startswith("train_grad")
            dtype = "float64" if f64 else "float32"
            names = wrt or [a for a in args if a != label and not (extra_inputs and a in extra_inputs)]
            if variant == "train_grad_partial":  # a backward that reaches only the last BatchNorm
                names = [a for a in args if a.endswith("_beta")][-1:] + \
                    [a for a in args if a.endswith("_weight")][-1:]
            ex = bind(sym, inputs, weights, dtype, names)
            out = ex.forward(is_train=True)
            ex.backward()
            mx.nd.waitall()  # BatchNorm's backward mutates the aux arrays behind the engine's back
            expected = {n: o.asnumpy().astype(np.float32) for n, o in zip(outputs, out)}
            if f64:
                for n in names:
                    expected["grad:" + n] = ex.grad_dict[n].asnumpy().astype(np.float32)
            for a in auxs:
                expected["aux:" + a] = ex.aux_dict[a].asnumpy().astype(np.float32)
            maxes = [float(np.abs(v).max()) for v in expected.values()]
            if f64:
                nonzero = [m for m in maxes if m > 1e-6 * max(maxes)]
                atol, rtol = floor2(1e-6 * min(nonzero)), 1e-6
            else:
                atol, rtol = ceil2(5e-4 * max(maxes)), 3e-4
            write_case(path, f"{source}, data {list(data_shape)}: train-mode forward + backward in "
                       f"{dtype} (no head gradient): outputs, gradients of {', '.join(names)}"
                       + (f", aux {', '.join(auxs)}" if auxs else ""), params,
                       [run_base + run_flags(names, f64, head=False)],
                       {"exit": 0, "npz": {"file": "{tmp}/out.npz", "expected": "expected.npz",
                                           "rtol": rtol, "atol": atol}},
                       {**files, "expected.npz": expected})
        print("wrote", cid, flush=True)


def legacy_variant(doc: dict, *, drop_bn_aux=True, drop_weights=(), hidden=True,
                   two_element=True, version=None, key="param") -> str:
    """An MXNet-written 1.x document rewritten in the pre-1.0 layout: attributes under
    `param` (op parameters) and `attr` (the rest), 2-element entries, no mxnet_version (or the
    given one), BatchNorm without its moving statistics, ops in `drop_weights` without weight/bias
    inputs (MXNet's loader appends `<node>_weight`/`<node>_bias`), and hidden-key attributes."""
    nodes = doc["nodes"]
    removed: set[int] = set()
    for node in nodes:
        if node["op"] in ("BatchNorm",) and drop_bn_aux:
            removed.update(e[0] for e in node["inputs"][3:])
            node["inputs"] = node["inputs"][:3]
        if node["name"] in drop_weights:
            removed.update(e[0] for e in node["inputs"][1:])
            node["inputs"] = node["inputs"][:1]
    keep = [i for i in range(len(nodes)) if i not in removed]
    remap = {old: new for new, old in enumerate(keep)}
    out_nodes = []
    for i in keep:
        node = nodes[i]
        attrs = dict(node.get("attrs", {}))
        new = {"op": node["op"]}
        if key == "param":
            is_op = node["op"] != "null"
            params = {k: v for k, v in attrs.items() if is_op and not k.startswith("__")}
            other = {k: v for k, v in attrs.items() if k not in params}
            other = {k: v for k, v in other.items() if k not in ("__dtype__", "__storage_type__")}
            new["param"] = params
            new["name"] = node["name"]
            new["inputs"] = [[remap[e[0]], e[1]] + ([] if two_element else [0]) for e in node["inputs"]]
            new["backward_source_id"] = -1
            if hidden and node["name"] not in drop_weights:  # MXNet reads past the inputs otherwise
                if node["op"] == "Convolution":
                    other["weight_lr_mult"] = "1.5"
                    other["ctx_group"] = "stage1"
                elif node["op"] == "FullyConnected":
                    other["wd_mult"] = "0.5"
                    other["bias_lr_mult"] = "2.0"
                elif node["op"] == "null" and node["name"].endswith("_weight"):
                    other["lr_mult"] = "0.1"
            new["attr"] = other
        else:
            new["name"] = node["name"]
            new["attr"] = attrs
            new["inputs"] = [[remap[e[0]], e[1]] + ([] if two_element else [0]) for e in node["inputs"]]
        out_nodes.append(new)
    res = {"nodes": out_nodes,
           "arg_nodes": [remap[i] for i in keep if nodes[i]["op"] == "null"],
           "heads": [[remap[h[0]], h[1]] + ([] if two_element else [0]) for h in doc["heads"]]}
    if version is not None:
        res["attrs"] = {"mxnet_version": ["int", version]}
    return json.dumps(res, indent=2)


def small_convnet() -> dict:
    """A LeNet-like net with BatchNorm, pooling, Flatten, Dropout-free, SoftmaxOutput (1.9.1 JSON)."""
    data = mx.sym.Variable("data")
    c1 = mx.sym.Convolution(data, kernel=(3, 3), num_filter=6, pad=(1, 1), name="conv1")
    b1 = mx.sym.BatchNorm(c1, fix_gamma=False, name="bn1")
    a1 = mx.sym.Activation(b1, act_type="relu", name="relu1")
    p1 = mx.sym.Pooling(a1, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    c2 = mx.sym.Convolution(p1, kernel=(3, 3), num_filter=8, name="conv2")
    b2 = mx.sym.BatchNorm(c2, name="bn2")  # fix_gamma default True
    a2 = mx.sym.Activation(b2, act_type="tanh", name="tanh2")
    p2 = mx.sym.Pooling(a2, kernel=(2, 2), stride=(2, 2), pool_type="avg", name="pool2")
    f = mx.sym.Flatten(p2, name="flat")
    fc1 = mx.sym.FullyConnected(f, num_hidden=16, name="fc1")
    a3 = mx.sym.Activation(fc1, act_type="sigmoid", name="sig3")
    fc2 = mx.sym.FullyConnected(a3, num_hidden=5, name="fc2")
    out = mx.sym.SoftmaxOutput(fc2, name="softmax")
    return json.loads(out.tojson())


def make_real(only=None) -> None:
    save800 = mxnet_file("tests/python/unittest/save_000800.json").decode()
    mkl = mxnet_file("tests/python/mkl/data/test_mkldnn_test_mkldnn_model_model1.json").decode()
    clj = mxnet_file("contrib/clojure-package/examples/imclassification/test/test-symbol.json.ref").decode()
    perl = mxnet_file("perl-package/AI-MXNet/t/test_symbol.t").decode().split("__DATA__\n", 1)[1]
    real_cases("clojure_mlp", clj, "MXNet's contrib/clojure-package/examples/imclassification/test/"
               "test-symbol.json.ref at tag 1.9.0 (an MLP saved by MXNet 1.4), byte for byte",
               (3, 784), 1400, "softmax_label", ("infer", "train_grad", "train_f32", "infer_shape"),
               only=only)
    real_cases("perl_save800", perl, "the symbol in MXNet's perl-package/AI-MXNet/t/test_symbol.t "
               "__DATA__ at tag 1.9.0 (save_000800.json with a trailing newline)", (5, 30), 801,
               "softmax_label", ("infer", "train_grad", "train_f32", "infer_shape"), only=only)
    real_cases("save_000800_b1", save800, "MXNet's tests/python/unittest/save_000800.json at tag 1.9.0,"
               " byte for byte, batch 1", (1, 17), 802, "softmax_label", ("infer", "train_grad"),
               only=only)
    real_cases("mkldnn_model1_b2", mkl, "MXNet's tests/python/mkl/data/test_mkldnn_test_mkldnn_model_"
               "model1.json at tag 1.9.0, byte for byte", (2, 3, 20, 20), 1201, "softmax_label",
               ("infer", "train_grad", "train_f32", "infer_shape"),
               wrt=["data", "conv1_1_weight", "conv3_2_bias", "fc8_bias"], only=only)
    base = small_convnet()
    variants = {
        "legacy_convnet_v0": dict(),
        "legacy_convnet_noweights": dict(drop_weights=("conv2", "fc2")),
        "legacy_convnet_3elem": dict(two_element=False, version=800),
        "legacy_convnet_v10400": dict(drop_bn_aux=False, version=10400),
        "legacy_convnet_attr": dict(key="attr", drop_bn_aux=True, version=850),
    }
    for cid, kw in variants.items():
        text = legacy_variant(json.loads(json.dumps(base)), **kw)
        how = ", ".join(f"{k}={v}" for k, v in kw.items()) or \
            "param/attr, 2-element entries, no version, 3-input BatchNorm, hidden keys"
        real_cases(cid, text, f"a LeNet-like net written by MXNet 1.9.1 and rewritten in a legacy "
                   f"layout ({how})", (2, 1, 12, 12), 900 + len(cid), "softmax_label",
                   ("infer", "train_grad", "train_f32", "infer_shape", "train_grad_partial"), only=only)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="*", default=["models", "real"])
    ap.add_argument("-k", action="append", default=[])
    args = ap.parse_args()
    if "models" in args.what:
        for name in MODELS:
            if args.k and not any(k in name for k in args.k):
                continue
            model_cases(name, args.k or None)
    if "real" in args.what:
        make_real(args.k or None)


if __name__ == "__main__":
    main()
