"""Fuzzing with hypothesis: mutated graphs (JSON text, decoded documents, msgpack bytes), .npz/.npy
archives and .params files. symcli must succeed or raise SymcliError: never another exception, never
a hang (a CPU-time deadline per example).

`make test` runs a bounded, derandomized sample (about a minute in all); `make fuzz` sets
SYMCLI_FUZZ_EXAMPLES=5000 and explores randomly. A crashing input is saved as
tests/fuzz_corpus/new-<test>.<ext> (the smallest one seen); once fixed, it is renamed and kept, and
test_corpus_replays replays every file there.
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import signal

import msgpack
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcli.codec.arrays import npz_bytes
from symcli.codec.params import encode_params
from test_hostile import declared_document, exercise_array_bytes, exercise_graph_bytes

HERE = pathlib.Path(__file__).parent
CORPUS = HERE / "fuzz_corpus"
GOLDENS = HERE / "goldens" / "json"
RANDOM = "SYMCLI_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("SYMCLI_FUZZ_EXAMPLES", "500"))
CPU_SECONDS_PER_EXAMPLE = 30

FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


class Hang(Exception):
    """An example used more CPU time than the per-example deadline."""


@contextlib.contextmanager
def cpu_deadline(seconds: float):
    """CPU time, not wall time, so a busy machine does not make examples fail."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise Hang(f"an example used more than {seconds} s of CPU time")
    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _keep_crasher(name: str, data: bytes) -> None:
    """Save the smallest crashing input per test for tests/fuzz_corpus/."""
    CORPUS.mkdir(exist_ok=True)
    path = CORPUS / f"new-{name}"
    if not path.exists() or len(data) < path.stat().st_size:
        path.write_bytes(data)


def check_graph(name: str, data: bytes, tmp: pathlib.Path, keep: bool = True) -> str:
    try:
        with cpu_deadline(CPU_SECONDS_PER_EXAMPLE):
            return exercise_graph_bytes(data, tmp / "g.bin")
    except BaseException:
        if keep:
            _keep_crasher(name, data)
        raise


def check_arrays(name: str, data: bytes, tmp: pathlib.Path, keep: bool = True) -> str:
    try:
        with cpu_deadline(CPU_SECONDS_PER_EXAMPLE):
            return exercise_array_bytes(data, tmp / "a")
    except BaseException:
        if keep:
            _keep_crasher(name, data)
        raise


# -- seeds ---------------------------------------------------------------------------------------
def _seed_documents() -> list[dict]:
    docs = [declared_document()]
    for name in ("mlp_softmax", "batchnorm", "legacy_0800.in", "normalise.in", "multi_output", "strings",
                 "conv_pool", "python_operators"):
        docs.append(json.loads((GOLDENS / f"{name}.json").read_text(encoding="utf-8"), strict=False))
    return docs


SEEDS = _seed_documents()
TOKENS = [b"[", b"]", b"{", b"}", b'"', b",", b":", b"-1", b"0", b"1e999", b"99999999999999999999", b"null",
          b"true", b"\\u0000", b"\\ud800", b'"null"', b'"op"', b"[0, 0, 0]", b"\xff", b"\x00", b"NaN", b" "]
MSGPACK_BYTES = [b"\xc0", b"\xc2", b"\xc3", b"\xcc\xff", b"\xd0\x80", b"\xcf" + b"\xff" * 8,
                 b"\xdd\xff\xff\xff\xff", b"\xdf\x00\x00\x00\x10", b"\xc4\x05", b"\xd9\x10", b"\x90", b"\x80",
                 b"\xa0", b"\xc1", b"\xd4\x01\x02"]


def _mutate(data: bytes, edits, tokens: list[bytes]) -> bytes:
    """Apply edits (kind, position, extra) to bytes: flip, delete, insert, duplicate, token."""
    buf = bytearray(data)
    for kind, pos, extra in edits:
        if not buf:
            buf = bytearray(extra)
            continue
        at = pos % len(buf)
        if kind == "flip":
            buf[at] ^= 1 << (pos % 8)
        elif kind == "delete":
            del buf[at:at + 1 + pos % 16]
        elif kind == "insert":
            buf[at:at] = extra
        elif kind == "duplicate":
            span = buf[at:at + 1 + pos % 64]
            buf[at:at] = span
        elif kind == "token":
            buf[at:at + pos % 4] = tokens[pos % len(tokens)]
        elif kind == "truncate":
            del buf[at:]
    return bytes(buf)


EDITS = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "duplicate", "token", "truncate"]),
                           st.integers(0, 2 ** 20), st.binary(min_size=1, max_size=6)), min_size=1, max_size=6)


# -- graph documents ------------------------------------------------------------------------------
@FUZZ
@given(seed=st.integers(0, len(SEEDS) - 1), edits=EDITS)
def test_fuzz_json_text(tmp_path, seed, edits):
    text = json.dumps(SEEDS[seed], indent=1, ensure_ascii=False).encode("utf-8")
    check_graph("json_text.json", _mutate(text, edits, TOKENS), tmp_path)


def _bundle_seed() -> bytes:
    """A graph bundled with its weights (formats/bundle.md): weights are msgpack bin."""
    from symcli.codec.bundle import BUNDLE_KEY, BUNDLE_VERSION, encode_weight
    weights = {"arg:w": np.arange(12, dtype=np.float32).reshape(4, 3), "arg:x": np.ones((2, 3), np.float32)}
    return msgpack.packb({BUNDLE_KEY: BUNDLE_VERSION, "graph": declared_document(),
                          "params": {k: encode_weight(v) for k, v in weights.items()}}, use_bin_type=True)


MSGPACK_SEEDS = [msgpack.packb(doc) for doc in SEEDS] + [_bundle_seed()]


@FUZZ
@given(seed=st.integers(0, len(MSGPACK_SEEDS) - 1), edits=EDITS)
def test_fuzz_msgpack_bytes(tmp_path, seed, edits):
    check_graph("msgpack_bytes.msgpack", _mutate(MSGPACK_SEEDS[seed], edits, MSGPACK_BYTES), tmp_path)


def _op_names() -> list[str]:
    from symcli.ops.registry import all_names
    return [n for n in all_names()]


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 40, 2 ** 40), st.floats(allow_nan=False),
                         st.text(max_size=8))
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)
ATTR_STRINGS = st.one_of(
    st.sampled_from(["0", "1", "-1", "2", "(2, 3)", "(0,)", "()", "(-1, 0)", "[3,3]", "None", "True", "False",
                     "float64", "int32", "relu", "max", "avg", "1e-5", "0.5", "inf", "nan", "(1, 1)", "(2,)",
                     "(100000000, 100000000)", "99999999999999999999", "(3, -2)", "(0, 0, 0, 0, 1, 1)"]),
    st.text(max_size=10))


@st.composite
def mutated_documents(draw):
    """Structural edits of a decoded document: values, operators, attributes, references."""
    doc = json.loads(json.dumps(SEEDS[draw(st.integers(0, len(SEEDS) - 1))]))
    ops = _op_names()
    for _ in range(draw(st.integers(1, 4))):
        nodes = doc.get("nodes") if isinstance(doc, dict) else None
        if not isinstance(nodes, list) or not nodes:
            break
        node = nodes[draw(st.integers(0, len(nodes) - 1))]
        if not isinstance(node, dict):
            continue
        kind = draw(st.sampled_from(["op", "attr", "attr", "input", "field", "drop_key", "top", "head"]))
        if kind == "op" and node.get("op") != "null":
            node["op"] = draw(st.sampled_from(ops))
        elif kind == "attr":
            attrs = node.setdefault("attrs", {}) if isinstance(node.get("attrs", {}), dict) else {}
            keys = list(attrs) + ["axis", "shape", "num_hidden", "kernel", "__shape__", "__dtype__", "p",
                                  "num_outputs", "act_type", "scalar", "dtype", "keepdims", "num_args"]
            attrs[draw(st.sampled_from(keys))] = draw(ATTR_STRINGS)
        elif kind == "input" and isinstance(node.get("inputs"), list) and node["inputs"]:
            k = draw(st.integers(0, len(node["inputs"]) - 1))
            node["inputs"][k] = [draw(st.integers(-1, len(nodes) + 1)), draw(st.integers(0, 3)), 0]
        elif kind == "field":
            node[draw(st.sampled_from(["op", "name", "attrs", "inputs", "control_deps", "param", "attr"]))] = \
                draw(JSON_VALUES)
        elif kind == "drop_key" and node:
            node.pop(draw(st.sampled_from(sorted(node))))
        elif kind == "top":
            key = draw(st.sampled_from(["arg_nodes", "heads", "attrs", "node_row_ptr", "extra"]))
            doc[key] = draw(JSON_VALUES)
        elif kind == "head" and isinstance(doc.get("heads"), list):
            doc["heads"].append([draw(st.integers(0, len(nodes))), draw(st.integers(0, 2)), 0])
    return doc


@FUZZ
@given(doc=mutated_documents(), as_msgpack=st.booleans())
def test_fuzz_documents(tmp_path, doc, as_msgpack):
    data = msgpack.packb(doc) if as_msgpack else json.dumps(doc).encode()
    check_graph("document" + (".msgpack" if as_msgpack else ".json"), data, tmp_path)


@st.composite
def operator_graphs(draw):
    """One registered operator on declared inputs, with attributes drawn from its own declaration:
    drives attribute parsing, input counts, shape rules and kernels with odd but small values."""
    from symcli.ops.registry import all_ops
    ops = sorted(all_ops(), key=lambda o: o.name)
    op = draw(st.sampled_from(ops))
    attrs = {}
    for attr in op.attrs:
        if draw(st.integers(0, 2)):
            attrs[attr.name] = draw(ATTR_STRINGS)
    if op.samples and draw(st.booleans()):  # start from a working sample, then perturb one attribute
        sample = draw(st.sampled_from(list(op.samples)))
        attrs = dict(sample.attrs)
        shapes = [tuple(s) for s in sample.shapes]
        if op.attrs and draw(st.booleans()):
            attrs[draw(st.sampled_from([a.name for a in op.attrs]))] = draw(ATTR_STRINGS)
    else:
        shapes = [tuple(draw(st.lists(st.integers(0, 4), max_size=4))) for _ in range(draw(st.integers(0, 4)))]
    nodes = [{"op": "null", "name": f"in{k}", "attrs": {"__shape__": str(tuple(s)),
                                                        "__dtype__": draw(st.sampled_from(["0", "1", "4", "3"]))},
              "inputs": []} for k, s in enumerate(shapes)]
    nodes.append({"op": op.name, "name": "node", "attrs": attrs,
                  "inputs": [[k, 0, 0] for k in range(len(shapes))]})
    return {"nodes": nodes, "arg_nodes": list(range(len(shapes))), "heads": [[len(shapes), 0, 0]],
            "attrs": {"mxnet_version": ["int", 10901]}}


@FUZZ
@given(doc=operator_graphs())
def test_fuzz_operator_nodes(tmp_path, doc):
    check_graph("operator.json", json.dumps(doc).encode(), tmp_path)


# -- arrays ---------------------------------------------------------------------------------------
DTYPES = ["float32", "float64", "float16", "int8", "uint8", "int32", "int64", "bool"]


@st.composite
def array_dicts(draw):
    out = {}
    for k in range(draw(st.integers(0, 3))):
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
        out[f"a{k}"] = np.ones(shape, dtype=draw(st.sampled_from(DTYPES)))
    return out


@FUZZ
@given(arrays=array_dicts(), edits=EDITS, container=st.sampled_from(["npz", "npy", "params"]))
def test_fuzz_array_files(tmp_path, arrays, edits, container):
    if container == "npz":
        data = npz_bytes(arrays)
    elif container == "params":
        data = encode_params(arrays)
    else:
        import io
        buf = io.BytesIO()
        np.lib.format.write_array(buf, next(iter(arrays.values()), np.zeros(3)))
        data = buf.getvalue()
    check_arrays(f"arrays.{container}", _mutate(data, edits, TOKENS + MSGPACK_BYTES), tmp_path)


@FUZZ
@given(header=st.fixed_dictionaries({
    "descr": st.one_of(st.sampled_from(["<f4", ">f8", "|b1", "<c8", "|O", "<U3", "V8", "<i8", "zz", "<f16"]),
                       JSON_SCALARS),
    "fortran_order": st.one_of(st.booleans(), JSON_SCALARS),
    "shape": st.one_of(st.tuples(*[st.integers(-2, 2 ** 40)] * 2),
                       st.lists(st.integers(0, 3), max_size=40).map(tuple), JSON_SCALARS)}),
       payload=st.binary(max_size=64),
       version=st.sampled_from([b"\x01\x00", b"\x02\x00", b"\x03\x00", b"\x07\x00"]))
def test_fuzz_npy_headers(tmp_path, header, payload, version):
    text = repr(header).encode("latin1", "replace")
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    size = len(text).to_bytes(2 if version == b"\x01\x00" else 4, "little")
    check_arrays("npy_header.npy", b"\x93NUMPY" + version + size + text + payload, tmp_path)


# -- the corpus of past crashers --------------------------------------------------------------------
def _corpus() -> list[pathlib.Path]:
    return sorted(p for p in CORPUS.glob("*") if p.is_file() and p.name != "README.md") if CORPUS.is_dir() else []


def _corpus_params():
    return [pytest.param(p, id=p.name) for p in _corpus()]


@pytest.mark.parametrize("path", _corpus_params())
def test_corpus_replays(tmp_path, path):
    """Every input that once crashed symcli is now refused cleanly or handled."""
    data = path.read_bytes()
    if path.name.startswith(("arrays", "npy")) or "-arrays" in path.name or "-npy" in path.name:
        check_arrays(path.name, data, tmp_path, keep=False)
    else:
        check_graph(path.name, data, tmp_path, keep=False)


def test_corpus_is_not_empty():
    assert len(_corpus()) >= 1
