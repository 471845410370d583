"""MXNet symbol JSON: read (with limits) and write byte-for-byte in MXNet 1.9.1's layout."""
from __future__ import annotations

import json
import re
from typing import Any

from ..errors import FormatError, LimitError
from ..graph import Graph
from . import limits
from .document import graph_from_document, graph_to_document

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def nesting_depth(data: bytes) -> int:
    """Container depth of a JSON text, without recursion (strings stripped first)."""
    depth = best = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b'""', data)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > best:
                best = depth
                if best > limits.MAX_NESTING:
                    return best
        else:
            depth -= 1
    return best


def decode(data: bytes | str) -> Any:
    """JSON text -> document, refusing oversized or overly nested input before parsing."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > limits.MAX_DOCUMENT_BYTES:
        raise LimitError(f"the document is {len(raw)} bytes, over the limit of {limits.MAX_DOCUMENT_BYTES}")
    if nesting_depth(raw) > limits.MAX_NESTING:
        raise LimitError(f"the JSON is nested deeper than {limits.MAX_NESTING} levels")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not valid UTF-8 JSON ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise FormatError("the file is empty")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise LimitError(f"the JSON is nested deeper than {limits.MAX_NESTING} levels") from None


def _reject_constant(name: str) -> Any:
    raise FormatError(f"invalid JSON: {name} is not a JSON value")


def loads(data: bytes | str) -> Graph:
    graph, _ = graph_from_document(decode(data))
    return graph


def _write(value: Any, indent: int, out: list[str]) -> None:
    """dmlc::JSONWriter's layout: 2-space indent, ', ' + newline between items (trailing spaces),
    objects with <= 1 entry and lists of <= 10 numbers or of entries on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        if len(value) <= 1:
            out.append("{" + ", ".join(f"{json.dumps(k)}: {_inline(v)}" for k, v in value.items()) + "}")
            return
        out.append("{\n")
        items = list(value.items())
        for n, (k, v) in enumerate(items):
            out.append(f"{pad}  {json.dumps(k)}: ")
            _write(v, indent + 1, out)
            out.append(", \n" if n < len(items) - 1 else "\n")
        out.append(pad + "}")
    elif isinstance(value, list):
        if _one_line(value):
            out.append(_inline(value))
            return
        out.append("[\n")
        for n, v in enumerate(value):
            out.append(pad + "  ")
            _write(v, indent + 1, out)
            out.append(", \n" if n < len(value) - 1 else "\n")
        out.append(pad + "]")
    else:
        out.append(json.dumps(value))


def _one_line(value: list) -> bool:
    if all(isinstance(v, int) for v in value):
        return len(value) <= 10
    # lists of entries ([node, output, version]) and typed pairs (["int", 10901])
    return all(isinstance(v, list) and all(isinstance(x, int) for x in v) for v in value) or \
        (len(value) == 2 and isinstance(value[0], str) and not isinstance(value[1], (dict, list)))


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return json.dumps(value)


def dumps_document(doc: dict) -> str:
    out: list[str] = []
    _write(doc, 0, out)
    return "".join(out)


def dumps(graph: Graph) -> str:
    return dumps_document(graph_to_document(graph))
