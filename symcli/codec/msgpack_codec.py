"""The symbol document encoded with msgpack: the same fields as JSON, binary and compact.

See formats/msgpack.md. Decoding is bounded: containers cannot claim more items than the input
has bytes, nesting is limited, and exactly one document must fill the input.
"""
from __future__ import annotations

from typing import Any

from ..errors import FormatError, LimitError
from ..graph import Graph
from . import limits
from .document import check_depth, graph_from_document, graph_to_document


def decode(data: bytes) -> Any:
    """msgpack bytes -> document (maps with string keys, arrays, strings, integers)."""
    import msgpack
    if len(data) > limits.MAX_DOCUMENT_BYTES:
        raise LimitError(f"the document is {len(data)} bytes, over the limit of {limits.MAX_DOCUMENT_BYTES} "
                         "(SYMCLI_MAX_DOCUMENT_BYTES raises it)")
    if not data:
        raise FormatError("the file is empty")
    # Every container length is capped by the input size, so a few bytes cannot claim a huge
    # array; strings must be valid UTF-8 and map keys strings (strict_map_key).
    cap = len(data)
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=True, use_list=True, max_buffer_size=cap + 1,
                                max_str_len=cap, max_bin_len=cap, max_array_len=cap, max_map_len=cap,
                                max_ext_len=cap)
    unpacker.feed(data)
    try:
        doc = unpacker.unpack()
    except msgpack.OutOfData:
        raise FormatError("truncated msgpack data (the document ends early)") from None
    except RecursionError:
        raise LimitError(f"the msgpack document is nested deeper than {limits.MAX_NESTING} levels") from None
    except UnicodeDecodeError:
        raise FormatError("invalid msgpack data: a string is not valid UTF-8") from None
    except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, ValueError, TypeError,
            OverflowError) as exc:
        raise FormatError(f"invalid msgpack data ({type(exc).__name__}: {str(exc)[:80]})") from None
    if unpacker.tell() != len(data):
        raise FormatError(f"not a single msgpack document ({len(data) - unpacker.tell()} bytes of "
                          "trailing data)")
    check_depth(doc, "msgpack document")
    return doc


def loads(data: bytes) -> Graph:
    graph, _ = graph_from_document(decode(data))
    return graph


def dumps_document(doc: dict) -> bytes:
    import msgpack
    return msgpack.packb(doc, use_bin_type=True)


def dumps(graph: Graph) -> bytes:
    return dumps_document(graph_to_document(graph))
