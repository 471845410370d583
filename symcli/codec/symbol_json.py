"""MXNet symbol JSON: read (with limits) and write byte-for-byte in MXNet 1.9.1's layout.

The writer mirrors dmlc::JSONWriter (formats/symbol-json.md, "Canonical form"): 2-space indent,
items separated by `", "` and a newline (so lines end with a space), maps of at most one entry and
arrays of at most ten plain items on one line, only `\\r \\n \\t \\\\ \\"` escaped, no final newline.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ..errors import FormatError, LimitError
from ..graph import Graph
from . import limits
from .document import check_depth, graph_from_document, graph_to_document

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_ESCAPES = {"\r": "\\r", "\n": "\\n", "\\": "\\\\", "\t": "\\t", '"': '\\"'}
_NEEDS_ESCAPE = re.compile(r'[\r\n\\\t"]')


def decode(data: bytes | str) -> Any:
    """JSON text -> document, refusing oversized or overly nested input."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > limits.MAX_DOCUMENT_BYTES:
        raise LimitError(f"the document is {len(raw)} bytes, over the limit of {limits.MAX_DOCUMENT_BYTES} "
                         "(SYMCLI_MAX_DOCUMENT_BYTES raises it)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark, as some editors write
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise FormatError("the file is empty")
    try:
        # strict=False: MXNet writes control characters inside strings unescaped
        doc = json.loads(text, strict=False, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise LimitError(f"the JSON is nested deeper than {limits.MAX_NESTING} levels") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise FormatError(f"invalid JSON: {str(exc)[:100]}") from None
    check_depth(doc, "JSON")
    if _SURROGATE_ESCAPE.search(raw):
        _check_no_surrogates(doc)
    return doc


def _reject_constant(name: str) -> Any:
    raise FormatError(f"invalid JSON: {name} is not a JSON value")


def _check_no_surrogates(doc: Any) -> None:
    """A `\\ud800` escape decodes to a string that is not Unicode text: refuse it at the door."""
    stack = [doc]
    while stack:
        value = stack.pop()
        items = value.items() if isinstance(value, dict) else (value if isinstance(value, list) else ())
        for item in items:
            for v in (item if isinstance(value, dict) else (item,)):
                if isinstance(v, str):
                    try:
                        v.encode("utf-8")
                    except UnicodeEncodeError:
                        raise FormatError("invalid JSON: a string holds an unpaired surrogate "
                                          "(\\ud800-\\udfff escape)") from None
                elif isinstance(v, (dict, list)):
                    stack.append(v)


def loads(data: bytes | str) -> Graph:
    graph, _ = graph_from_document(decode(data))
    return graph


# -- writing ---------------------------------------------------------------------------------------
def _string(text: str) -> str:
    """dmlc::JSONWriter::WriteString: only five characters are escaped, the rest is raw UTF-8."""
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text) + '"'


def _array(items: list[str], indent: int, one_line: bool) -> str:
    """dmlc arrays: `[a, b]` on one line, or one item per line after `[`, each ending in `, `."""
    if not items:
        return "[]"
    if one_line:
        return "[" + ", ".join(items) + "]"
    pad = "  " * (indent + 1)
    return "[\n" + pad + (", \n" + pad).join(items) + "\n" + "  " * indent + "]"


def _object(pairs: list[tuple[str, str]], indent: int) -> str:
    """dmlc objects: maps of at most one entry stay on one line."""
    if not pairs:
        return "{}"
    if len(pairs) == 1:
        return "{" + f"{_string(pairs[0][0])}: {pairs[0][1]}" + "}"
    pad = "  " * (indent + 1)
    body = (", \n" + pad).join(f"{_string(k)}: {v}" for k, v in pairs)
    return "{\n" + pad + body + "\n" + "  " * indent + "}"


def _ints(values: list[int], indent: int) -> str:
    """A vector of PODs (ints, or entries): one line when it has at most ten items."""
    return _array([str(v) for v in values], indent, len(values) <= 10)


def _entries(entries: list[list[int]], indent: int) -> str:
    items = ["[" + ", ".join(str(x) for x in e) + "]" for e in entries]
    return _array(items, indent, len(items) <= 10)


def _node(node: dict, indent: int) -> str:
    pairs = [("op", _string(node["op"])), ("name", _string(node["name"]))]
    if node.get("attrs"):
        pairs.append(("attrs", _object([(k, _string(v)) for k, v in node["attrs"].items()], indent + 1)))
    pairs.append(("inputs", _entries(node["inputs"], indent + 1)))
    if node.get("control_deps"):
        pairs.append(("control_deps", _ints(node["control_deps"], indent + 1)))
    pad = "  " * (indent + 1)  # a node is a struct: always one field per line
    return "{\n" + pad + (", \n" + pad).join(f"{_string(k)}: {v}" for k, v in pairs) + "\n" + \
        "  " * indent + "}"


def _graph_attr(value: list) -> str:
    """A graph attribute is a `[type, value]` pair, always on one line (`["int", 10901]`)."""
    kind, v = value
    shown = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else _string(v)
    return f"[{_string(kind)}, {shown}]"


def dumps_document(doc: dict) -> str:
    """The text MXNet 1.9.1's `Symbol.tojson()` gives for this document."""
    pairs = [("nodes", _array([_node(n, 2) for n in doc["nodes"]], 1, False)),
             ("arg_nodes", _ints(doc["arg_nodes"], 1)),
             ("node_row_ptr", _ints(doc["node_row_ptr"], 1)),
             ("heads", _entries(doc["heads"], 1)),
             ("attrs", _object([(k, _graph_attr(v)) for k, v in doc["attrs"].items()], 1))]
    return "{\n  " + ", \n  ".join(f"{_string(k)}: {v}" for k, v in pairs) + "\n}"


def dumps(graph: Graph) -> str:
    return dumps_document(graph_to_document(graph))
