"""Typed operator attributes: MXNet's string forms in, Python values out, and back again.

MXNet stores every attribute as a string (`"(3, 3)"`, `"True"`, `"None"`, `"0.1"`); each operator
declares its attributes with one of these types, which parse exactly the forms MXNet 1.9.1 accepts
(mxnet-format.md §3) and format values the way MXNet's Python frontend writes them (`str(value)`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

REQUIRED = object()  # sentinel default: the attribute must be given

_INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")
_FLOAT_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fF]?\s*$")
_SPECIAL_FLOATS = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "nan": math.nan,
                   "+nan": math.nan, "-nan": math.nan, "infinity": math.inf, "-infinity": -math.inf}
DTYPE_NAMES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool", "bfloat16")


class AttrParseError(ValueError):
    """Raised by a parser; the registry turns it into an OperatorError naming the node."""


def format_value(value: Any) -> str:
    """Python value -> MXNet's string form (what `str(v)` gives in MXNet's Python frontend)."""
    if isinstance(value, str):
        return value
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, type) or (hasattr(value, "name") and hasattr(value, "itemsize")):
        import numpy as np  # dtype objects: numpy names them (float64)
        return np.dtype(value).name
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(format_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return str(value)


def parse_int(text: str) -> int:
    if not _INT_RE.match(text):
        raise AttrParseError(f"expect int but value='{text}'")
    # Python refuses to convert more than 4300 digits (ValueError); MXNet's are at most 64-bit
    if len(text) > 64 or abs(int(text)) > 2 ** 63 - 1:
        raise AttrParseError(f"integer value '{text.strip()[:40]}' is out of the 64-bit range")
    return int(text)


def parse_float(text: str) -> float:
    t = text.strip()
    if t.lower() in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[t.lower()]
    if not _FLOAT_RE.match(text):
        raise AttrParseError(f"expect float but value='{text}'")
    value = float(t.rstrip("fF"))
    if math.isinf(value):
        raise AttrParseError(f"float value '{text}' out of range")
    return value


def parse_bool(text: str) -> bool:
    low = text.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise AttrParseError(f"expect boolean but value='{text}'")


def _split_tuple(text: str) -> list[str] | None:
    t = text.strip()
    if len(t) >= 2 and ((t[0] == "(" and t[-1] == ")") or (t[0] == "[" and t[-1] == "]")):
        body = t[1:-1].strip()
        if not body:
            return []
        parts = [p.strip() for p in body.split(",")]
        if parts and parts[-1] == "":
            parts.pop()  # "(3,)"
        return parts
    return None


def _tuple_of(item: Callable[[str], Any], what: str) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        parts = _split_tuple(text)
        if parts is None:
            # a bare scalar means a 1-tuple: kernel="3" is (3,)
            try:
                return (item(text),)
            except AttrParseError:
                raise AttrParseError(f"expect {what} but value='{text}'") from None
        try:
            return tuple(item(p.rstrip("Ll") if what.startswith("shape") else p) for p in parts)
        except AttrParseError:
            raise AttrParseError(f"expect {what} but value='{text}'") from None
    return parse


def _optional_int(text: str) -> int | None:
    return None if text.strip() == "None" else parse_int(text)


@dataclass(frozen=True)
class AttrType:
    """How one attribute type reads MXNet's strings and writes values back."""

    name: str
    parse: Callable[[str], Any]
    check: Callable[[Any], str | None] | None = None  # returns an error message or None

    def __call__(self, text: str) -> Any:
        value = self.parse(text)
        if self.check is not None:
            problem = self.check(value)
            if problem:
                raise AttrParseError(problem)
        return value


def Int(lo: int | None = None, hi: int | None = None) -> AttrType:
    def check(v: int) -> str | None:
        if lo is not None and v < lo:
            return f"value {v} should be greater equal to {lo}"
        if hi is not None and v > hi:
            return f"value {v} should be less equal to {hi}"
        return None
    return AttrType("int", parse_int, check)


def Float(lo: float | None = None, hi: float | None = None) -> AttrType:
    """A float; with both bounds, MXNet's set_range (NaN is out of range too)."""
    def check(v: float) -> str | None:
        if hi is not None and not lo <= v <= hi:
            return f"value {v} exceeds bound [{lo:g},{hi:g}]"
        return f"value {v} should be greater equal to {lo}" if lo is not None and v < lo else None
    return AttrType("float", parse_float, check)


def Optional(inner: AttrType) -> AttrType:
    """`None` (exact case) or a value of `inner`. MXNet reads optional numbers with a C++ stream,
    which takes no `nan` or `inf`, unlike its plain float fields."""
    def parse(text: str) -> Any:
        if text == "None":
            return None
        if inner.name == "float" and text.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise AttrParseError(f"expect float or None but value='{text}'")
        return inner(text)
    return AttrType(f"{inner.name} or None", parse)


def Enum(*choices: str) -> AttrType:
    def parse(text: str) -> str:
        if text not in choices:
            raise AttrParseError(f"invalid value '{text}', valid options are: {', '.join(choices)}")
        return text
    return AttrType("enum", parse)


def DType(*, allow_none: bool = False) -> AttrType:
    def parse(text: str) -> str | None:
        if allow_none and text == "None":
            return None
        if text not in DTYPE_NAMES:
            raise AttrParseError(f"invalid dtype '{text}', valid options are: {', '.join(DTYPE_NAMES)}")
        return text
    return AttrType("dtype", parse)


Bool = AttrType("boolean", parse_bool)
Str = AttrType("string", lambda text: text)
Shape = AttrType("shape", _tuple_of(parse_int, "shape tuple"))
FloatTuple = AttrType("float tuple", _tuple_of(parse_float, "float tuple"))
OptionalIntTuple = AttrType("tuple of optional int", _tuple_of(_optional_int, "tuple of int or None"))
OptionalShape = Optional(Shape)  # e.g. reduction `axis`: None, 1, (0, 2)


def parse_shape_attr(text: str) -> tuple[int, ...] | None:
    """A variable's `__shape__`: "(2, 3)", "[2,3]", "2", "None"; 0 or -1 dims mean unknown (0)."""
    if text.strip() == "None":
        return None
    dims = Shape(text)
    return tuple(0 if d < 0 else d for d in dims)


@dataclass(frozen=True)
class Attr:
    """One declared attribute of an operator."""

    name: str
    type: AttrType
    default: Any = REQUIRED
    doc: str = ""


class Params:
    """The parsed attributes of one node: `p.num_hidden`, read-only."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]):
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params are read-only")

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"


def is_hidden_key(key: str) -> bool:
    """`__shape__`, `__lr_mult__`...: metadata keys every node may carry."""
    return key.startswith("__") and key.endswith("__")


def parse_attrs(declared: Sequence[Attr], raw: dict[str, str], *, strict: bool) -> Params:
    """Parse a node's raw attributes against its operator's declaration.

    Unknown keys are an error when `strict` (ops with a parameter struct), ignored otherwise.
    Raises AttrParseError with MXNet-like wording.
    """
    values: dict[str, Any] = {}
    known = {a.name: a for a in declared}
    for key, text in raw.items():
        if is_hidden_key(key) or key in known:
            continue
        if strict:
            raise AttrParseError(
                f"Cannot find argument '{key}', Possible Arguments: {', '.join(known) or '(none)'}")
    for attr in declared:
        if attr.name in raw:
            text = raw[attr.name]
            if not isinstance(text, str):
                raise AttrParseError(f"attribute {attr.name} must be a string, got {type(text).__name__}")
            try:
                values[attr.name] = attr.type(text)
            except AttrParseError as exc:
                raise AttrParseError(f"Invalid Parameter format for {attr.name}: {exc}") from None
        elif attr.default is REQUIRED:
            raise AttrParseError(f"Required parameter {attr.name} of {attr.type.name} is not presented")
        else:
            values[attr.name] = attr.default
    return Params(values)
