"""Hostile input everywhere: graph JSON/msgpack, .npy/.npz, .params. Each bad file must be refused
with a SymcliError (the CLI: one stderr line, exit 1), never another exception, in bounded time and
memory. `exercise_graph_bytes` and `exercise_array_bytes` are shared with tests/test_fuzz.py."""
from __future__ import annotations

import copy
import io
import json
import pathlib
import struct
import subprocess
import sys
import zipfile

import msgpack
import numpy as np
import pytest

from symcli.codec import encode_graph, limits, read_graph
from symcli.codec.arrays import npz_bytes, read_npy, read_npz
from symcli.errors import LimitError, SymcliError

GOLDENS = pathlib.Path(__file__).parent / "goldens" / "json"
V = {"mxnet_version": ["int", 10901]}
RUN_MEMORY = 16 * 1024 ** 2  # runs made from fuzzed graphs stay small


# -- the pipeline a graph file goes through ----------------------------------------------------------
def exercise_graph_bytes(data: bytes, path: pathlib.Path, run: bool = True) -> str:
    """Validate, load, resolve, encode, infer and (when every argument's shape is declared) run the
    graph in `data`. Returns 'ok' or 'refused' (a SymcliError); any other exception escapes."""
    from symcli.infer import infer_dtypes, infer_shapes
    from symcli.signature import resolve
    from symcli.validate import validate_file
    path.write_bytes(data)
    report = validate_file(str(path))  # never raises
    assert isinstance(report["ok"], bool)
    assert all(set(p) == {"node", "name", "message"} for p in report["problems"])
    try:
        graph = read_graph(str(path))
        from symcli.codec.bundle import bundled_weights
        bundled_weights(str(path))  # a bundle's weights ({} for a plain graph)
        resolve(graph)
        assert encode_graph(read_graph_bytes(encode_graph(graph, "msgpack"), path)) == encode_graph(graph)
        shapes = infer_shapes(graph, {})
        infer_dtypes(graph, {})
        if run:
            _run_declared(graph, shapes)
    except SymcliError:
        assert not report["ok"] or run, "validate said ok but loading failed"
        return "refused"
    return "ok"


def read_graph_bytes(data: bytes, path: pathlib.Path):
    other = path.with_suffix(".again")
    other.write_bytes(data)
    return read_graph(str(other))


def _run_declared(graph, shapes) -> None:
    """Run forward on zeros when every argument and auxiliary state has a declared shape."""
    from symcli import runner
    from symcli.signature import argument_nodes, aux_nodes
    nodes = argument_nodes(graph) + aux_nodes(graph)
    known = [shapes.of((i, 0)) for i in nodes]
    if any(s is None or 0 in s for s in known):
        return
    if sum(int(np.prod(s, dtype=object)) for s in known) * 8 > RUN_MEMORY:
        return
    arrays = {graph.nodes[i].name: np.zeros(s, dtype=np.float32) for i, s in zip(nodes, known)}
    args, aux = runner.bind_inputs(graph, arrays)
    runner.run(graph, args, aux, max_memory=RUN_MEMORY)


def _cuts(size: int, samples: int = 120) -> list[int]:
    """Truncation points: both ends densely (headers, last bytes), the middle sampled."""
    step = max(1, size // samples)
    return sorted(set(range(0, min(size, 64))) | set(range(0, size, step)) | set(range(max(0, size - 32), size)))


def exercise_array_bytes(data: bytes, path: pathlib.Path) -> str:
    """Read `data` as .npz, .npy and .params (never unpickling): 'ok' or 'refused'."""
    from symcli.codec.params import read_params
    outcomes = []
    for suffix, reader in ((".npz", read_npz), (".npy", read_npy), (".params", read_params)):
        target = path.with_suffix(suffix)
        target.write_bytes(data)
        try:
            arrays = reader(str(target))
            for arr in (arrays.values() if isinstance(arrays, dict) else [arrays]):
                assert isinstance(arr, np.ndarray) and arr.dtype.kind in "biuf"
                assert arr.nbytes <= limits.MAX_ARRAY_BYTES
            outcomes.append("ok")
        except SymcliError:
            outcomes.append("refused")
    return ",".join(outcomes)


# -- documents -----------------------------------------------------------------------------------
def mlp_document() -> dict:
    return json.loads((GOLDENS / "mlp_softmax.json").read_text())


def declared_document() -> dict:
    """Every argument's shape declared: the pipeline runs it."""
    return {"nodes": [{"op": "null", "name": "x", "attrs": {"__shape__": "(2, 3)"}, "inputs": []},
                      {"op": "null", "name": "w", "attrs": {"__shape__": "(4, 3)", "__dtype__": "0"},
                       "inputs": []},
                      {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "4", "no_bias": "True"},
                       "inputs": [[0, 0, 0], [1, 0, 0]]},
                      {"op": "sum", "name": "s", "attrs": {"axis": "1", "keepdims": "True"},
                       "inputs": [[2, 0, 0]]}],
            "arg_nodes": [0, 1], "node_row_ptr": [0, 1, 2, 3, 4], "heads": [[3, 0, 0]], "attrs": V}


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _replaced(doc, path, new):
    doc = copy.deepcopy(doc)
    if not path:
        return new
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return doc


WRONG_VALUES = [None, True, -1, 2 ** 70, 1.5, "", "x", [], [0], {}, {"a": "b"}]


def test_declared_document_runs():
    from symcli.codec.document import graph_from_document
    assert graph_from_document(declared_document())[0] is not None


@pytest.mark.parametrize("encoding", ["json", "msgpack"])
def test_wrong_type_in_every_field(tmp_path, encoding):
    """Each value of a valid document, replaced by each wrong value: refused or fine, never a crash."""
    base = declared_document()
    outcomes = {"ok": 0, "refused": 0}
    for path in _paths(base):
        for new in WRONG_VALUES:
            if encoding == "msgpack" and new == 2 ** 70:
                new = 2 ** 64 - 1  # msgpack's largest integer
            doc = _replaced(base, path, new)
            data = json.dumps(doc).encode() if encoding == "json" else msgpack.packb(doc)
            outcomes[exercise_graph_bytes(data, tmp_path / "g.json", run=False)] += 1
    assert outcomes["refused"] > 200 and outcomes["ok"] > 0


def test_every_truncation_of_json_and_msgpack(tmp_path):
    doc = mlp_document()
    for data in (json.dumps(doc).encode(), msgpack.packb(doc)):
        for cut in _cuts(len(data)):
            assert exercise_graph_bytes(data[:cut], tmp_path / "g.json", run=False) == "refused"


@pytest.mark.parametrize("data, message", [
    (b"[" * 100000 + b"]" * 100000, "nested deeper"),
    (b'{"nodes": ' + b"[" * 100 + b"]" * 100 + b"}", "nested deeper"),
    (b"\x91" * 100000 + b"\xc0", "nested deeper|invalid msgpack"),
    (b"\xdf\xff\xff\xff\xff", "invalid msgpack|truncated"),  # map32 claiming 4 billion entries
    (b"\xdb\xff\xff\xff\xff", "invalid msgpack|truncated"),  # str32 claiming 4 GiB
    (b"\xc6\xff\xff\xff\xff", "invalid msgpack|truncated"),  # bin32 claiming 4 GiB
    (b"\x00" * 100, "trailing data"),
])
def test_nested_and_lying_documents(tmp_path, data, message):
    import re
    path = tmp_path / "g.json"
    path.write_bytes(data)
    with pytest.raises(SymcliError) as info:
        read_graph(str(path))
    assert re.search(message, str(info.value))


def test_document_size_and_node_limits(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(mlp_document()))
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 200)
    with pytest.raises(LimitError, match="larger than the document limit of 200 bytes"):
        read_graph(str(path))
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 10 ** 6)
    monkeypatch.setattr(limits, "MAX_NODES", 5)
    with pytest.raises(LimitError, match="nodes exceed the limit of 5"):
        read_graph(str(path))
    monkeypatch.setattr(limits, "MAX_NODES", 100)
    monkeypatch.setattr(limits, "MAX_NAME_LENGTH", 8)
    with pytest.raises(LimitError, match="longer than the limit"):
        read_graph(str(path))


def test_a_200_byte_graph_cannot_ask_for_a_terabyte(tmp_path):
    graph = {"nodes": [{"op": "_zeros", "name": "z", "attrs": {"shape": "(1000000, 1000000)"}, "inputs": []}],
             "arg_nodes": [], "heads": [[0, 0, 0]]}
    path = tmp_path / "g.json"
    path.write_text(json.dumps(graph))
    assert path.stat().st_size < 200
    from symcli import runner
    g = read_graph(str(path))
    with pytest.raises(LimitError, match="would allocate 4000000000000 bytes"):
        runner.run(g, {}, {})
    # a declared variable shape: the memory check sees through Reshape too
    graph = {"nodes": [{"op": "null", "name": "x", "inputs": []},
                       {"op": "tile", "name": "t", "attrs": {"reps": "(100000, 100000)"}, "inputs": [[0, 0, 0]]}],
             "arg_nodes": [0], "heads": [[1, 0, 0]]}
    path.write_text(json.dumps(graph))
    g = read_graph(str(path))
    args, aux = runner.bind_inputs(g, {"x": np.ones((10, 10), np.float32)})
    with pytest.raises(LimitError, match="--max-memory"):
        runner.run(g, args, aux)


def test_long_graphs_load_in_bounded_time(tmp_path):
    """A deep chain is handled without recursion (no RecursionError, no quadratic blow-up)."""
    import time
    n = 10000
    nodes = [{"op": "null", "name": "x", "inputs": []}] + \
        [{"op": "relu", "name": f"r{i}", "inputs": [[i, 0, 0]]} for i in range(n)]
    for order in ("forward", "reversed"):
        if order == "reversed":  # every input a forward reference: the topological sort does the work
            chain = [{"op": "relu", "name": f"r{i}", "inputs": [[n - i + 1, 0, 0]] if i else [[0, 0, 0]]}
                     for i in range(n)]
            nodes = [nodes[0]] + chain[::-1]
            heads = [[1, 0, 0]]
        else:
            heads = [[n, 0, 0]]
        path = tmp_path / "g.json"
        path.write_text(json.dumps({"nodes": nodes, "arg_nodes": [0], "heads": heads, "attrs": V}))
        start = time.process_time()
        g = read_graph(str(path))
        encode_graph(g)
        assert len(g.nodes) == n + 1 and time.process_time() - start < 30


# -- arrays --------------------------------------------------------------------------------------
def _npy_with_header(header: str, payload: bytes = b"\x00" * 16) -> bytes:
    text = header.encode("latin1")
    text += b" " * (118 - len(text)) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload


def _zip(members: dict[str, bytes], method=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _npy(arr, **kw) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, **kw)
    return buf.getvalue()


HOSTILE_NPY = {
    "object": _npy(np.array([{"a": 1}], dtype=object), allow_pickle=True),
    "unicode": _npy(np.array(["ab"])),
    "complex": _npy(np.ones(3, np.complex64)),
    "record": _npy(np.zeros(2, dtype=[("a", "<i4")])),
    "longdouble": _npy(np.ones(2, np.longdouble)),
    "lying_size": _npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1000), }"),
    "terabyte": _npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"),
    "negative_dim": _npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 2), }"),
    "rank_100": _npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1," * 100 + "), }"),
    "float_dim": _npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }"),
    "code_in_header": _npy_with_header("{'descr': __import__('os').getcwd(), 'fortran_order': False, "
                                       "'shape': (1,), }"),
    "bad_descr": _npy_with_header("{'descr': 'zz', 'fortran_order': False, 'shape': (1,), }"),
    "missing_key": _npy_with_header("{'descr': '<f4', 'shape': (1,), }"),
    "huge_header_len": b"\x93NUMPY\x02\x00" + struct.pack("<I", 2 ** 31) + b"{",
    "bad_version": b"\x93NUMPY\x09\x00" + b"\x00" * 20,
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NPY))
def test_hostile_npy_and_npz(tmp_path, name):
    data = HOSTILE_NPY[name]
    assert exercise_array_bytes(data, tmp_path / "a") == "refused,refused,refused"
    # the same member inside an .npz archive
    archive = tmp_path / "a.npz"
    archive.write_bytes(_zip({"x.npy": data}))
    with pytest.raises(SymcliError):
        read_npz(str(archive))


def test_object_arrays_are_never_unpickled(tmp_path, monkeypatch):
    import pickle
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("unpickled"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("unpickled"))
    (tmp_path / "o.npy").write_bytes(HOSTILE_NPY["object"])
    with pytest.raises(SymcliError, match="never loaded"):
        read_npy(str(tmp_path / "o.npy"))


def test_every_truncation_of_npz_npy_and_params(tmp_path):
    from symcli.codec.params import encode_params
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([7], dtype=np.int64)}
    for data in (npz_bytes(arrays), _npy(arrays["a"]), encode_params(arrays)):
        full = exercise_array_bytes(data, tmp_path / "t")
        assert "ok" in full
        for cut in _cuts(len(data), 50):
            assert exercise_array_bytes(data[:cut], tmp_path / "t") == "refused,refused,refused"


def test_corrupt_archives(tmp_path):
    good = _npy(np.zeros((300, 300), np.float32))
    deflated = bytearray(_zip({"x.npy": good}, zipfile.ZIP_DEFLATED))
    deflated[len(deflated) // 3] ^= 0xFF
    encrypted = bytearray(_zip({"x.npy": good}))
    central = encrypted.index(b"PK\x01\x02")
    encrypted[central + 8] |= 0x01  # the "encrypted" flag of the central directory entry
    directory = _zip({"x.npy": good})
    cases = {"bad_deflate": bytes(deflated), "encrypted": bytes(encrypted),
             "cut_directory": directory[:-10], "not_zip": b"PK\x03\x04" + b"\x00" * 40,
             "zero_members": _zip({})}
    for name, data in cases.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        if name == "zero_members":
            assert read_npz(str(path)) == {}
            continue
        with pytest.raises(SymcliError):
            read_npz(str(path))


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARRAY_FILE_BYTES", 50 * 1024 ** 2)
    member = _npy(np.zeros((4096, 4096), np.float32))  # 64 MiB of zeros, a few KiB deflated
    data = _zip({f"m{i}.npy": member for i in range(2)}, zipfile.ZIP_DEFLATED)
    assert len(data) < 1024 ** 2
    path = tmp_path / "bomb.npz"
    path.write_bytes(data)
    with pytest.raises(LimitError, match="in all"):
        read_npz(str(path))


def test_big_endian_arrays_become_native(tmp_path):
    (tmp_path / "b.npy").write_bytes(_npy(np.arange(4, dtype=">f4")))
    arr = read_npy(str(tmp_path / "b.npy"))
    assert arr.dtype == np.float32 and arr.dtype.isnative and arr.tolist() == [0, 1, 2, 3]


def test_hostile_params_headers(tmp_path):
    from symcli.codec.params import read_params
    head = struct.pack("<QQ", 0x112, 0)
    cases = [
        head + struct.pack("<Q", 10 ** 12),                                     # count
        head + struct.pack("<QIii", 1, 0xF993FAC9, 0, 2) + struct.pack("<qq", 10 ** 9, 10 ** 9) +
        struct.pack("<iii", 1, 0, 0),                                            # terabyte record
        head + struct.pack("<QIii", 1, 0xF993FAC9, 0, 1000),                     # rank
        head + struct.pack("<QIii", 1, 0xF993FAC9, 2, 1),                        # sparse
        head + struct.pack("<QIii", 1, 0xF993FAC9, 0, 1) + struct.pack("<q", -4), # negative dim
        head + struct.pack("<QIii", 1, 0xF993FAC9, 0, 1) + struct.pack("<q", 1) +
        struct.pack("<iii", 1, 0, 99) + b"\x00" * 8,                             # type flag
        head + struct.pack("<QIii", 1, 0xF993FAC9, 0, 1) + struct.pack("<q", 1) +
        struct.pack("<iii", 1, 0, 0) + b"\x00" * 4 + struct.pack("<QQ", 1, 2 ** 62),  # name length
    ]
    for k, data in enumerate(cases):
        path = tmp_path / f"p{k}.params"
        path.write_bytes(data)
        with pytest.raises(SymcliError):
            read_params(str(path))


# -- the command line: one line, exit 1, concurrently ----------------------------------------------
def test_cli_refuses_hostile_files_with_one_line(tmp_path):
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps(declared_document()))
    files = {
        "deep.json": b"[" * 100000, "trunc.msgpack": msgpack.packb(mlp_document())[:-7], "empty.json": b"",
        "zeros.json": json.dumps({"nodes": [{"op": "_zeros", "name": "z", "attrs": {"shape": "(1000000000, 1000)"},
                                             "inputs": []}], "arg_nodes": [], "heads": [[0, 0, 0]]}).encode(),
        "custom.json": json.dumps({"nodes": [{"op": "null", "name": "x", "inputs": []},
                                             {"op": "Custom", "name": "c", "attrs": {"op_type": "evil"},
                                              "inputs": [[0, 0, 0]]}],
                                   "arg_nodes": [0], "heads": [[1, 0, 0]]}).encode(),
        "obj.npy": HOSTILE_NPY["object"], "lie.npy": HOSTILE_NPY["lying_size"], "bad.npz": b"PK\x03\x04junk",
        "bad.params": struct.pack("<QQQ", 0x112, 0, 10 ** 12),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    out = str(tmp_path / "out.npz")
    commands = {
        "deep": ["run", tmp_path / "deep.json", "-o", out],
        "trunc": ["validate", tmp_path / "trunc.msgpack"],
        "empty": ["infer-shape", tmp_path / "empty.json"],
        "zeros": ["run", tmp_path / "zeros.json", "-o", out],
        "custom": ["run", tmp_path / "custom.json", "-o", out],
        "obj": ["run", graph, "-i", f"x={tmp_path / 'obj.npy'}", "-o", out],
        "lie": ["run", graph, "-i", f"x={tmp_path / 'lie.npy'}", "-o", out],
        "npz": ["run", graph, "--inputs", tmp_path / "bad.npz", "-o", out],
        "params": ["run", graph, "--params", tmp_path / "bad.params", "-o", out],
        "memory": ["run", graph, "--max-memory", "10", "-o", out],
    }
    procs = {k: subprocess.Popen([sys.executable, "-m", "symcli", *map(str, c)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for k, c in commands.items()}
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, (name, err)
        assert len(err.splitlines()) == 1 and err.startswith("symcli: error: "), (name, err)
        assert "Traceback" not in err and "internal error" not in err, (name, err)
    assert not (tmp_path / "out.npz").exists()
