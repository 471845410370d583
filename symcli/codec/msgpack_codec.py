"""The symbol document encoded with msgpack: the same fields as JSON, binary and compact."""
from __future__ import annotations

from typing import Any

from ..errors import FormatError, LimitError
from ..graph import Graph
from . import limits
from .document import graph_from_document, graph_to_document


def decode(data: bytes) -> Any:
    import msgpack
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise LimitError(f"the document is {len(data)} bytes, over the limit of {limits.MAX_DOCUMENT_BYTES}")
    if not data:
        raise FormatError("the file is empty")
    # msgpack bounds every container by the input size; depth is checked after decoding
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=True, max_buffer_size=len(data) + 1,
                                use_list=True)
    unpacker.feed(data)
    try:
        doc = unpacker.unpack()
    except msgpack.OutOfData:
        raise FormatError("truncated msgpack data") from None
    except (msgpack.ExtraData, msgpack.FormatData, msgpack.StackError, ValueError, TypeError,
            UnicodeDecodeError) as exc:
        raise FormatError(f"invalid msgpack data ({type(exc).__name__}: {str(exc)[:80]})") from None
    except RecursionError:
        raise LimitError(f"the msgpack document is nested deeper than {limits.MAX_NESTING} levels") from None
    try:
        unpacker.unpack()
    except msgpack.OutOfData:
        pass
    except Exception:
        raise FormatError("trailing bytes after the msgpack document") from None
    else:
        raise FormatError("trailing data after the msgpack document")
    _check_depth(doc)
    return doc


def _check_depth(doc: Any) -> None:
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limits.MAX_NESTING:
            raise LimitError(f"the msgpack document is nested deeper than {limits.MAX_NESTING} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def loads(data: bytes) -> Graph:
    graph, _ = graph_from_document(decode(data))
    return graph


def dumps_document(doc: dict) -> bytes:
    import msgpack
    return msgpack.packb(doc, use_bin_type=True)


def dumps(graph: Graph) -> bytes:
    return dumps_document(graph_to_document(graph))
