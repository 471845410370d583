"""File encodings: symbol JSON and msgpack graphs (chosen by content), arrays, `.params`."""
from __future__ import annotations

import sys
from typing import Any

from ..errors import FormatError, SymcliError
from ..graph import Graph
from . import limits


def read_bytes(path: str) -> bytes:
    """A whole file (or stdin for '-'), bounded by the document size limit."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limits.MAX_DOCUMENT_BYTES + 1)
        else:
            with open(path, "rb") as fh:
                data = fh.read(limits.MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise FormatError("no such file", where=path) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", where=path) from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", where=path) from None
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise limits_error(path)
    return data


def limits_error(path: str) -> SymcliError:
    from ..errors import LimitError
    return LimitError(f"larger than the document limit of {limits.MAX_DOCUMENT_BYTES} bytes", where=path)


def sniff(data: bytes) -> str:
    """'json' when the content starts (after whitespace) with '{' or '[', else 'msgpack'."""
    head = data.lstrip(b" \t\r\n\xef\xbb\xbf")[:1]
    if not head or head in (b"{", b"[", b'"') or head.isdigit():
        return "json"
    return "msgpack"


def decode_document(data: bytes) -> Any:
    from . import msgpack_codec, symbol_json
    return symbol_json.decode(data) if sniff(data) == "json" else msgpack_codec.decode(data)


def read_graph(path: str, *, collect: bool = False):
    """Load a graph file; with collect=True return (graph or None, problems) instead of raising."""
    from .document import graph_from_document
    try:
        doc = decode_document(read_bytes(path))
        graph, problems = graph_from_document(doc, collect=collect)
    except SymcliError as exc:
        raise exc.located(path) from None
    return (graph, problems) if collect else graph


def write_graph(graph: Graph, fmt: str = "json") -> bytes:
    from . import msgpack_codec, symbol_json
    if fmt == "msgpack":
        return msgpack_codec.dumps(graph)
    return symbol_json.dumps(graph).encode("utf-8")
