"""Golden symbol JSON files written by MXNet 1.9.1, for tests/test_formats.py (run with the side venv).

    .mxnet-venv/bin/python tools/make_json_goldens.py            # (re)write tests/goldens/json/
    .mxnet-venv/bin/python tools/make_json_goldens.py --check    # also check symcli against MXNet

`<name>.json` is `Symbol.tojson()` of a symbol built in MXNet: symcli must read it and write the same
bytes. `<name>.in.json` is a hand-written file (legacy layouts, aliases, odd orders) and `<name>.json`
beside it is what MXNet writes after loading it: symcli must normalise the input to those bytes.
`--check` also runs symcli's `convert` on every golden and loads the result back into MXNet: MXNet's
own `tojson()` of our output must be our output, byte for byte. `--conformance` compares symcli's
rewrite of every graph under ../shared/conformance/cases that MXNet loads with MXNet's rewrite.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import mxnet as mx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "goldens", "json")
SYMCLI = [os.path.join(ROOT, ".venv", "bin", "python"), "-m", "symcli"]
V = {"mxnet_version": ["int", 10901]}


def built() -> dict[str, mx.sym.Symbol]:
    """Symbols built with MXNet's Python API (MXNet writes them canonically)."""
    S = mx.sym
    out: dict[str, mx.sym.Symbol] = {}
    with mx.name.NameManager():
        x = S.Variable("x", shape=(2, 3), lr_mult=2.0)
        fc = S.FullyConnected(x, num_hidden=4, no_bias=True, name="fc")
        out["batchnorm"] = S.BatchNorm(fc, fix_gamma=False, name="bn")
    with mx.name.NameManager():
        data = S.Variable("data")
        h = S.Activation(S.FullyConnected(data, num_hidden=8, name="fc1"), act_type="relu", name="relu1")
        h = S.FullyConnected(h, num_hidden=3, name="fc2")
        out["mlp_softmax"] = S.SoftmaxOutput(h, name="softmax")
    with mx.name.NameManager():
        X = S.Variable("X")
        y = X * X + 1 - X / 2.5
        out["python_operators"] = S.Group([y, -X, 2 / X, X ** 2, abs(X), 1 - X, X > 1, S.maximum(X, X)])
    with mx.name.NameManager():
        xs = [S.Variable(f"x{i}") for i in range(11)]
        out["concat11"] = S.concat(*xs, dim=0, name="cat")  # 11 inputs: one per line
    with mx.name.NameManager():
        x = S.Variable("x")
        sp = S.split(x, num_outputs=12, axis=1, name="sp")
        out["split12_heads"] = S.Group([sp[i] for i in range(12)])  # 12 heads: one per line
    with mx.name.NameManager():
        x = S.Variable("x")
        tk = S.topk(x, k=2, ret_typ="both", name="tk")
        dr = S.Dropout(x, p=0.3, name="drop")
        out["multi_output"] = S.Group([tk[1], dr, tk[0], x, dr])
    with mx.name.NameManager():
        v = S.Variable('v\u00e9"q\\\t\n\x01/', attr={"note": 'a"b\u2603\x01\x7f\\n'})
        out["strings"] = S.relu(v, name="r\u00fc")
    with mx.name.NameManager():
        data = S.Variable("data", shape=(1, 3, 8, 8), dtype="float64")
        c = S.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv")
        p1 = S.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="max", name="maxpool")
        p2 = S.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="avg", name="avgpool")
        out["conv_pool"] = S.Group([p1, p2])
    with mx.name.NameManager():
        x = S.Variable("x", init=mx.init.Xavier(magnitude=3), wd_mult=0.5)
        with mx.AttrScope(ctx_group="dev1"):
            y = S.LeakyReLU(x, act_type="prelu", name="pr")
        out["attr_scope_prelu"] = S.sum(y, axis=(0, 1), keepdims=True, name="total")
    with mx.name.NameManager():
        a = S.Variable("a")
        b = S.Variable("b")
        out["aliases_python"] = S.Group([S.broadcast_plus(a, b), S.flatten(a), S.reshape(a, shape=(-1,)),
                                         S.identity(a), S.sum_axis(a, axis=1), S.stop_gradient(b)])
    with mx.name.NameManager():
        net = mx.gluon.nn.HybridSequential(prefix="net_")
        with net.name_scope():
            net.add(mx.gluon.nn.Dense(5, in_units=3), mx.gluon.nn.BatchNorm(in_channels=5),
                    mx.gluon.nn.Activation("tanh"), mx.gluon.nn.Dense(2, in_units=5))
        net.initialize()
        net.hybridize()
        net(mx.nd.ones((2, 3)))
        with tempfile.TemporaryDirectory() as tmp:
            net.export(os.path.join(tmp, "net"))
            out["gluon_export"] = S.load(os.path.join(tmp, "net-symbol.json"))
    return out


def _n(op, name, inputs=(), **extra):
    node = {"op": op, "name": name}
    node.update(extra)
    node["inputs"] = [list(e) for e in inputs]
    return node


def hand_written() -> dict[str, dict]:
    """Documents MXNet loads and rewrites: legacy layouts and non-canonical forms."""
    docs: dict[str, dict] = {}
    # MXNet 0.8: param + attr, 2-element entries, no version, BatchNorm without its aux inputs
    docs["legacy_0800"] = {
        "nodes": [
            _n("null", "data", param={}, attr={"ctx_group": "stage1"}),
            _n("null", "fc1_weight", param={}, attr={"ctx_group": "stage1", "wd_mult": "0.3",
                                                    "weight_lr_mult": "1.2"}),
            _n("null", "fc1_bias", param={}, attr={"ctx_group": "stage1", "wd_mult": "0.3",
                                                  "weight_lr_mult": "1.2"}),
            _n("FullyConnected", "fc1", [[0, 0], [1, 0], [2, 0]], param={"no_bias": "False", "num_hidden": "8"},
               attr={"ctx_group": "stage1", "wd_mult": "0.3", "weight_lr_mult": "1.2"}, backward_source_id=-1),
            _n("null", "bn_gamma", param={}),
            _n("null", "bn_beta", param={}),
            _n("BatchNorm", "bn", [[3, 0], [4, 0], [5, 0]], param={"eps": "0.001", "fix_gamma": "True",
                                                                  "momentum": "0.9"}),
            _n("Activation", "relu1", [[6, 0]], param={"act_type": "relu"}),
            _n("argmax", "am", [[7, 0]], param={"axis": "-1"}),
        ],
        "arg_nodes": [0, 1, 2, 4, 5],
        "heads": [[7, 0], [8, 0]],
    }
    # 1.x files older than 1.9.1: bare hidden keys become __key__, <arg>_<key> moves to the input
    docs["hidden_keys_10900"] = {
        "nodes": [
            _n("null", "x", attrs={"lr_mult": "3", "data_wd_mult": "7"}),
            _n("null", "w", attrs={"__shape__": "(4, 3)"}),
            _n("FullyConnected", "fc", [[0, 0, 0], [1, 0, 0]],
               attrs={"num_hidden": "4", "no_bias": "True", "lr_mult": "2", "weight_lr_mult": "0.5",
                      "data_wd_mult": "0.1", "ctx_group": "g1", "__mirror_stage__": "1"}),
        ],
        "arg_nodes": [0, 1], "heads": [[2, 0, 0]], "attrs": {"mxnet_version": ["int", 10900]},
    }
    # aliases, attr/attrs precedence, forward references, unreachable nodes, a non-DFS order,
    # extra graph attributes: all normalised away on save
    docs["normalise"] = {
        "nodes": [
            _n("_Plus", "plus0", [[2, 0], [3, 0]]),
            _n("null", "dead"),
            _n("null", "a", attrs={"__shape__": "[2,3]"}),
            _n("null", "b"),
            _n("broadcast_plus", "bp", [[0, 0, 0], [3, 0, 0]]),
            _n("sum", "s", [[4, 0, 0]], attrs={"axis": "0"}, attr={"axis": "1", "keepdims": "tRuE"}),
            _n("relu", "unused", [[1, 0, 0]]),
            _n("reshape", "rs", [[5, 0, 0]], attr={"shape": "(-1,)"}, param={"shape": "(3,)", "reverse": "False"}),
        ],
        "arg_nodes": [1, 2, 3], "node_row_ptr": [5, 5], "heads": [[7, 0, 0], [4, 0, 0], [2, 0]],
        "attrs": {"mxnet_version": ["int", 10901], "foo": ["str", "bar"], "is_np_shape": ["int", 0]},
    }
    docs["control_deps"] = {
        "nodes": [_n("null", "x"), _n("null", "y"), _n("relu", "r", [[0, 0, 0]], control_deps=[1]),
                  _n("sigmoid", "s", [[2, 0, 0]], control_deps=[0, 1])],
        "arg_nodes": [0, 1], "heads": [[3, 0, 0]], "attrs": V,
    }
    return docs


def write_goldens() -> list[str]:
    os.makedirs(OUT, exist_ok=True)
    names = []
    for name, sym in built().items():
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8", newline="") as fh:
            fh.write(sym.tojson())
        names.append(name)
    for name, doc in hand_written().items():
        text = json.dumps(doc, indent=1, ensure_ascii=False)
        with open(os.path.join(OUT, name + ".in.json"), "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8", newline="") as fh:
            fh.write(mx.sym.load_json(text).tojson())
        names.append(name)
    return names


def check(names: list[str]) -> int:
    """symcli reproduces every golden, and MXNet rewrites symcli's output unchanged."""
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            source = os.path.join(OUT, name + ".in.json")
            if not os.path.exists(source):
                source = os.path.join(OUT, name + ".json")
            ours_path = os.path.join(tmp, name + ".json")
            run = subprocess.run(SYMCLI + ["convert", source, ours_path], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"SKIP {name}: symcli cannot convert it yet: {run.stderr.strip()}")
                continue
            ours = open(ours_path, encoding="utf-8", newline="").read()
            golden = open(os.path.join(OUT, name + ".json"), encoding="utf-8", newline="").read()
            again = mx.sym.load_json(ours).tojson()
            status = []
            if ours != golden:
                status.append("differs from MXNet's file")
            if again != ours:
                status.append("MXNet rewrites symcli's output differently")
            print(("FAIL " if status else "ok   ") + name + (": " + "; ".join(status) if status else ""))
            failures += bool(status)
    return failures


_CONVERT_ALL = """
import sys
from symcli.codec import encode_graph, read_graph
for line in sys.stdin:
    src, dst = line.rstrip("\\n").split("\\t")
    try:
        data = encode_graph(read_graph(src))
    except Exception as exc:
        print(f"{src}: {exc}", file=sys.stderr)
        continue
    open(dst, "wb").write(data)
"""


def check_conformance() -> int:
    """MXNet's load-and-save of each conformance graph equals symcli's."""
    import glob
    cases = os.path.join(os.path.dirname(ROOT), "shared", "conformance", "cases")
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        pairs = [(f, os.path.join(tmp, f"{k}.json")) for k, f in
                 enumerate(sorted(glob.glob(os.path.join(cases, "*", "*", "graph.json"))))]
        subprocess.run(SYMCLI[:1] + ["-c", _CONVERT_ALL], input="".join(f"{a}\t{b}\n" for a, b in pairs),
                       text=True, capture_output=True, cwd=ROOT)
        for source, ours_path in pairs:
            try:
                expected = mx.sym.load_json(open(source, encoding="utf-8").read()).tojson()
            except Exception:
                continue  # MXNet refuses it too (the invalid suite)
            if not os.path.exists(ours_path):
                print(f"FAIL {source}: symcli cannot read it")
                failures += 1
                continue
            checked += 1
            if open(ours_path, encoding="utf-8", newline="").read() != expected:
                print(f"FAIL {source}: symcli's rewrite differs from MXNet's")
                failures += 1
    print(f"{checked - failures} of {checked} conformance graphs rewritten as MXNet does")
    return failures


if __name__ == "__main__":
    written = write_goldens()
    print(f"wrote {len(written)} goldens to {OUT}")
    bad = check(written) if "--check" in sys.argv else 0
    if "--conformance" in sys.argv:
        bad += check_conformance()
    sys.exit(1 if bad else 0)
