"""File encodings: symbol JSON and msgpack graphs (chosen by content), arrays, `.params`."""
from __future__ import annotations

import sys
from typing import Any

from ..errors import FormatError, LimitError, SymcliError
from ..graph import Graph
from . import limits

_JSON_STARTS = (b"{", b"[", b'"')


def read_file(path: str, max_bytes: int | None = None) -> bytes:
    """A file's bytes ('-' is stdin), at most `max_bytes`; FormatError naming the file otherwise."""
    try:
        if path == "-":
            return sys.stdin.buffer.read(-1 if max_bytes is None else max_bytes)
        with open(path, "rb") as fh:
            return fh.read(-1 if max_bytes is None else max_bytes)
    except FileNotFoundError:
        raise FormatError("no such file", where=path) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", where=path) from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror or exc}", where=path) from None


def read_bytes(path: str) -> bytes:
    """A whole graph file (or stdin for '-'), refused when larger than the document size limit."""
    data = read_file(path, limits.MAX_DOCUMENT_BYTES + 1)
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise LimitError(f"larger than the document limit of {limits.MAX_DOCUMENT_BYTES} bytes "
                         "(SYMCLI_MAX_DOCUMENT_BYTES raises it)", where=path)
    return data


def sniff(data: bytes) -> str:
    """'json' when the content starts, after whitespace, like a JSON text; else 'msgpack'.

    A msgpack graph starts with a map byte (0x80-0x8f, 0xde, 0xdf), never with whitespace or
    `{`; other JSON starts are sent to the JSON decoder for a clearer message."""
    head = data.lstrip(b" \t\r\n")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip(b" \t\r\n")
    first = head[:1]
    if not first or first in _JSON_STARTS or first.isdigit() or first == b"-":
        return "json"
    return "msgpack"


def decode_document(data: bytes) -> Any:
    from . import msgpack_codec, symbol_json
    if sniff(data) == "json":
        return symbol_json.decode(data)
    doc = msgpack_codec.decode(data)
    from .bundle import graph_document, is_bundle
    return graph_document(doc) if is_bundle(doc) else doc  # a weight bundle reads as its graph


def read_graph(path: str, *, collect: bool = False):
    """Load a graph file; with collect=True return (graph or None, problems) instead of raising."""
    loaded = load_graph_file(path, collect=collect)
    return (loaded.graph, loaded.problems) if collect else loaded.graph


def load_graph_file(path: str, *, collect: bool = False):
    """The `Loaded` record of a graph file (see document.load_document)."""
    from .bundle import graph_document, is_bundle
    from .document import load_document
    try:
        doc = decode_document(read_bytes(path))
        if is_bundle(doc):  # a graph bundled with its weights (formats/bundle.md): its graph
            doc = graph_document(doc)
        return load_document(doc, collect=collect)
    except SymcliError as exc:
        raise exc.located(path) from None


def encode_graph(graph: Graph, fmt: str = "json") -> bytes:
    """A graph in the canonical form of `fmt` ('json' or 'msgpack')."""
    from . import msgpack_codec, symbol_json
    if fmt == "msgpack":
        return msgpack_codec.dumps(graph)
    if fmt != "json":
        raise FormatError(f"unknown graph format '{fmt}' (json or msgpack)")
    return symbol_json.dumps(graph).encode("utf-8")


write_graph = encode_graph  # the name cli.py uses
