"""Weight bundles: one msgpack map holding a graph document and its weights (formats/bundle.md).

`symcli convert GRAPH OUT --params W` writes a bundle; `symcli convert BUNDLE OUT --split` writes the
graph and a `.params` file beside OUT. Bundles are untrusted input: every weight's dtype, shape and
byte count is checked before an array is built.
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..errors import FormatError, SymcliError
from . import limits
from .arrays import check_shape

BUNDLE_KEY = "symcli_bundle"
BUNDLE_VERSION = 1
DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool",
          "int16", "uint16", "uint32", "uint64")


def is_bundle(doc: Any) -> bool:
    return isinstance(doc, dict) and BUNDLE_KEY in doc


def _read_weights(path: str) -> dict[str, np.ndarray]:
    """An MXNet .params file or an .npz archive, by content."""
    from .arrays import read_npz
    from .params import LIST_MAGIC, read_params
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise FormatError("no such file", where=path) from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", where=path) from None
    if head == LIST_MAGIC.to_bytes(8, "little"):
        return read_params(path)
    return read_npz(path)


def encode_weight(arr: np.ndarray) -> dict[str, Any]:
    a = np.asarray(arr)
    if a.dtype.name not in DTYPES:
        raise FormatError(f"dtype {a.dtype} cannot be stored in a bundle")
    return {"dtype": a.dtype.name, "shape": list(a.shape),
            "data": np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()}


def decode_weight(name: str, entry: Any) -> np.ndarray:
    what = f"bundle weight '{name}'"
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data"}:
        raise FormatError(f"{what}: must be a map with exactly dtype, shape and data")
    dtype, shape, data = entry["dtype"], entry["shape"], entry["data"]
    if dtype not in DTYPES:
        raise FormatError(f"{what}: unsupported dtype {str(dtype)[:40]!r}")
    if (not isinstance(shape, list) or len(shape) > limits.MAX_RANK
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)):
        raise FormatError(f"{what}: shape must be a list of at most {limits.MAX_RANK} "
                          "non-negative integers")
    if not isinstance(data, bytes):
        raise FormatError(f"{what}: data must be binary (msgpack bin)")
    dt = np.dtype(dtype).newbyteorder("<")
    nbytes = check_shape(tuple(shape), dt.itemsize, what)
    if nbytes != len(data):
        raise FormatError(f"{what}: shape {tuple(shape)} of {dtype} needs {nbytes} "
                          f"bytes, the data has {len(data)}")
    return np.frombuffer(data, dtype=dt).reshape(shape).astype(dt.newbyteorder("="), copy=True)


def _check_header(doc: dict, where: str | None) -> None:
    version = doc.get(BUNDLE_KEY)
    if version != BUNDLE_VERSION:
        raise FormatError(f"unsupported bundle version {str(version)[:20]} (this symcli reads "
                          f"{BUNDLE_VERSION})", where=where)
    extra = set(doc) - {BUNDLE_KEY, "graph", "params"}
    if extra:
        raise FormatError(f"unknown bundle key '{str(sorted(extra, key=str)[0])[:40]}'", where=where)
    if not isinstance(doc.get("graph"), dict):
        raise FormatError("the bundle has no graph map", where=where)
    if not isinstance(doc.get("params", {}), dict):
        raise FormatError("the bundle's params must be a map from names to weights", where=where)


def graph_document(doc: dict) -> dict:
    """The graph document inside a decoded bundle (what reading a bundle as a graph sees)."""
    _check_header(doc, None)
    return doc["graph"]


def split_document(doc: dict, where: str) -> tuple[dict, dict[str, np.ndarray]]:
    """A decoded bundle -> (graph document, weights by name as stored, prefixes included)."""
    _check_header(doc, where)
    try:
        weights = {name: decode_weight(name, entry) for name, entry in doc.get("params", {}).items()}
    except FormatError as exc:
        raise exc.located(where) from None
    return doc["graph"], weights


def _decode(path: str) -> Any:
    from . import msgpack_codec, read_bytes, sniff, symbol_json
    data = read_bytes(path)
    try:
        return symbol_json.decode(data) if sniff(data) == "json" else msgpack_codec.decode(data)
    except FormatError as exc:
        raise exc.located(path) from None


def _graph_of(doc: Any, path: str):
    from .document import graph_from_document
    try:
        graph, _ = graph_from_document(doc)
    except SymcliError as exc:
        raise exc.located(path) from None
    return graph


def read_bundle(path: str) -> tuple[Any, dict[str, np.ndarray]]:
    """(graph, weights) of a bundle file; FormatError if the file is not a bundle."""
    doc = _decode(path)
    if not is_bundle(doc):
        raise FormatError("not a symcli bundle (no 'symcli_bundle' key; make one with "
                          "convert --params)", where=path)
    graph_doc, weights = split_document(doc, path)
    return _graph_of(graph_doc, path), weights


def bundled_weights(path: str) -> dict[str, np.ndarray]:
    """The weights of a bundle file, or {} for a plain graph file (or stdin)."""
    from . import msgpack_codec, read_bytes, sniff
    if path == "-":
        return {}
    data = read_bytes(path)
    if sniff(data) == "json":  # bundles are msgpack: a JSON graph is not decoded twice
        return {}
    try:
        doc = msgpack_codec.decode(data)
    except FormatError as exc:
        raise exc.located(path) from None
    return split_document(doc, path)[1] if is_bundle(doc) else {}


def _check_names(graph, weights: dict[str, np.ndarray], where: str) -> None:
    from ..signature import list_arguments, list_auxiliary_states
    args, aux = set(list_arguments(graph)), set(list_auxiliary_states(graph))
    for key in weights:
        kind, _, name = key.partition(":") if key.startswith(("arg:", "aux:")) else ("", "", key)
        known = {"arg": args, "aux": aux}.get(kind, args | aux)
        if name not in known:
            what = {"arg": "argument", "aux": "auxiliary state"}.get(kind, "argument or auxiliary state")
            raise FormatError(f"weight '{key}' names no {what} of the graph", where=where)


def params_path_for(out_path: str) -> str:
    """Where --split puts the weights: OUT with its extension replaced by .params."""
    root, ext = os.path.splitext(out_path)
    return (root if ext else out_path) + ".params"


def convert(in_path: str, out_path: str, params: str | None = None, split: bool = False,
            fmt: str | None = None) -> None:
    """`symcli convert` with --params (make a bundle) or --split (take one apart)."""
    from . import encode_graph
    from ..fileio import write_atomic
    from .document import graph_to_document
    from .msgpack_codec import dumps_document
    from .params import encode_params
    if params and split:
        raise FormatError("--params and --split cannot be combined (one makes a bundle, the other "
                          "takes one apart)")
    if params:
        if fmt == "json":
            raise FormatError("a bundle is always msgpack; drop --format json")
        doc = _decode(in_path)
        if is_bundle(doc):  # re-bundling: the new weights replace the bundle's own
            _check_header(doc, in_path)
            doc = doc["graph"]
        graph = _graph_of(doc, in_path)
        weights = _read_weights(params)
        _check_names(graph, weights, params)
        doc = {BUNDLE_KEY: BUNDLE_VERSION, "graph": graph_to_document(graph),
               "params": {name: encode_weight(arr) for name, arr in weights.items()}}
        write_atomic(out_path, dumps_document(doc))
        return
    graph, weights = read_bundle(in_path)
    if fmt is None:
        fmt = "msgpack" if out_path.endswith((".msgpack", ".mpk")) else "json"
    graph_bytes = encode_graph(graph, fmt)
    params_bytes = encode_params(weights)
    target = params_path_for(out_path)
    if os.path.abspath(target) == os.path.abspath(out_path):
        raise FormatError(f"the graph and its weights would both be written to {out_path}")
    write_atomic(target, params_bytes)
    write_atomic(out_path, graph_bytes)
