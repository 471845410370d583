"""MXNet's NDArray list files (`.params`, `mx.nd.save`): read every record version, write V2.

The file is untrusted: every declared count, rank and size is checked against the bytes that are
left before anything is allocated, and each problem is one `FormatError` line naming the file.
Layout (mxnet-format.md §8; symcli's choices in formats/bundle.md §1): header, n records, names.
"""
from __future__ import annotations

import struct
from typing import Any, Mapping, Sequence

import numpy as np

from ..dtypes import FLAG_TO_NAME, NAME_TO_FLAG
from ..errors import FormatError, LimitError
from . import limits
from .arrays import check_shape

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
_STORAGE = {0: "default", 1: "row_sparse", 2: "csr"}
_CPU = 1
MIN_RECORD_BYTES = 4  # a V0 record of a "none" array: just its ndim


class _Reader:
    """Little-endian reads from a byte buffer; running out is a truncation error."""

    def __init__(self, data: bytes, where: str):
        self.data = memoryview(data)
        self.pos = 0
        self.where = where

    @property
    def left(self) -> int:
        return len(self.data) - self.pos

    def take(self, size: int, what: str) -> memoryview:
        if size > self.left:
            raise FormatError(f"truncated file: {what} needs {size} bytes at offset {self.pos}, "
                              f"{self.left} left", where=self.where)
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def u64(self, what: str) -> int:
        return self.unpack("Q", what)[0]


def _bad(message: str, where: str) -> FormatError:
    return FormatError(message, where=where)


def _read_shape(r: _Reader, what: str, dim_fmt: str = "q", ndim: int | None = None) -> tuple[int, ...] | None:
    """int32 ndim then ndim dims (int64, or uint32 in V0); None for ndim -1 (unknown, V3)."""
    if ndim is None:
        (ndim,) = r.unpack("i", f"{what} rank")
    if ndim == -1:
        return None
    if ndim < 0 or ndim > limits.MAX_RANK:
        raise _bad(f"{what}: invalid rank {ndim} (at most {limits.MAX_RANK})", r.where)
    size = struct.calcsize(dim_fmt)
    if ndim * size > r.left:
        raise _bad(f"truncated file: {what} declares {ndim} dims, {r.left} bytes left", r.where)
    dims = r.unpack(dim_fmt * ndim, f"{what} dims") if ndim else ()
    if any(d < 0 for d in dims):
        raise _bad(f"{what}: negative dimension in {tuple(dims)}", r.where)
    return tuple(int(d) for d in dims)


def _numpy_dtype(flag: int, what: str, where: str) -> tuple[np.dtype, str]:
    name = FLAG_TO_NAME.get(flag)
    if name is None:
        raise _bad(f"{what}: unknown type flag {flag}", where)
    if name == "bfloat16":
        return np.dtype("<u2"), name  # widened to float32 after reading
    if name == "bool":
        return np.dtype(np.bool_), name
    return np.dtype(name).newbyteorder("<"), name


def _read_record(r: _Reader, what: str) -> np.ndarray | None:
    """One NDArray record; None for an array saved without a shape ("none")."""
    (magic,) = r.unpack("I", f"{what} header")
    np_shape = magic == V3_MAGIC
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = r.unpack("i", f"{what} storage type")
        if stype != 0:
            kind = _STORAGE.get(stype)
            if kind is None:
                raise _bad(f"{what}: unknown storage type {stype}", r.where)
            raise _bad(f"{what}: {kind} (sparse) storage is not supported; save it dense "
                       f"(arr.tostype('default')) in MXNet", r.where)
        shape = _read_shape(r, f"{what} shape")
        if shape is None or (not np_shape and len(shape) == 0):
            return None
    elif magic == V1_MAGIC:
        shape = _read_shape(r, f"{what} shape")
    else:  # V0: the first word is the rank, dims are uint32
        if magic > limits.MAX_RANK:
            raise _bad(f"{what}: unknown record magic 0x{magic:08X} (not an NDArray record)", r.where)
        shape = _read_shape(r, f"{what} shape", dim_fmt="I", ndim=magic)
    if shape is None or (not np_shape and len(shape) == 0):
        return None
    r.unpack("ii", f"{what} context")  # device type and id: everything loads on the host
    (flag,) = r.unpack("i", f"{what} type flag")
    dtype, name = _numpy_dtype(flag, what, r.where)
    try:
        nbytes = check_shape(tuple(shape), dtype.itemsize, what)
    except FormatError as exc:
        raise exc.located(r.where) from None
    if nbytes > r.left:
        raise _bad(f"truncated file: {what} of shape {shape} ({name}) needs {nbytes} bytes, "
                   f"{r.left} left", r.where)
    count = nbytes // dtype.itemsize
    arr = np.frombuffer(r.take(nbytes, f"{what} data"), dtype=dtype, count=count).reshape(shape)
    if name == "bfloat16":
        return (arr.astype(np.uint32) << 16).view(np.float32)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def decode_params(data: bytes, where: str = "<params>") -> tuple[list[np.ndarray | None], list[str] | None]:
    """The arrays of an NDArray file and their names (None for the list form)."""
    r = _Reader(data, where)
    if len(data) < 8 or r.u64("header") != LIST_MAGIC:
        raise _bad("not an MXNet .params file (no 0x112 list magic): Invalid NDArray file format", where)
    r.u64("header")  # reserved, not checked by MXNet either
    n = r.u64("array count")
    if n > limits.MAX_ARRAY_FILE_MEMBERS:
        raise LimitError(f"{n} arrays exceed the limit of {limits.MAX_ARRAY_FILE_MEMBERS}", where=where)
    if n * MIN_RECORD_BYTES > r.left:
        raise _bad(f"truncated file: {n} arrays declared, only {r.left} bytes left", where)
    arrays = [_read_record(r, f"array {k}") for k in range(n)]
    m = r.u64("name count")
    if m not in (0, n):
        raise _bad(f"{m} names for {n} arrays: Invalid NDArray file format", where)
    if m == 0:
        return arrays, None
    names: list[str] = []
    for k in range(m):
        length = r.u64(f"name {k} length")
        if length > limits.MAX_NAME_LENGTH:
            raise LimitError(f"name {k} is {length} bytes long (limit {limits.MAX_NAME_LENGTH})", where=where)
        raw = bytes(r.take(length, f"name {k}"))
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise _bad(f"name {k} is not valid UTF-8", where) from None
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise _bad(f"the name '{name}' appears twice", where)
        seen.add(name)
    return arrays, names


def read_params(path: str) -> dict[str, np.ndarray]:
    """Arrays by name, in file order, names as stored (`arg:`/`aux:` prefixes kept).

    A list-form file (no names) gives the keys "0", "1", ...; an array saved without a shape is
    an error, since nothing can be bound to it.
    """
    from . import read_file
    data = read_file(path)
    arrays, names = decode_params(data, path)
    keys = names if names is not None else [str(k) for k in range(len(arrays))]
    out: dict[str, np.ndarray] = {}
    for key, arr in zip(keys, arrays):
        if arr is None:
            raise FormatError(f"array '{key}' was saved without a shape (an empty NDArray)", where=path)
        out[key] = arr
    return out


# -- writing ---------------------------------------------------------------------------------------
def _record(arr: Any, what: str) -> bytes:
    a = np.asarray(arr)
    try:
        flag = NAME_TO_FLAG[a.dtype.name]
    except KeyError:
        raise FormatError(f"{what}: dtype {a.dtype} cannot be stored in an MXNet .params file") from None
    if a.ndim > limits.MAX_RANK:
        raise LimitError(f"{what}: rank {a.ndim} exceeds the limit of {limits.MAX_RANK}")
    # MXNet's default (legacy) shapes have no 0-d arrays and read a 0 dim as unknown; such arrays
    # are written as V3 (numpy-shape) records, which MXNet loads under npx.set_np().
    magic = V3_MAGIC if a.ndim == 0 or 0 in a.shape else V2_MAGIC
    head = struct.pack(f"<Iii{a.ndim}q", magic, 0, a.ndim, *a.shape)
    body = struct.pack("<iii", _CPU, 0, flag)
    return head + body + np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def encode_params(arrays: Mapping[str, Any] | Sequence[Any] | Any) -> bytes:
    """Bytes identical to `mx.nd.save`: a dict gives the named form, a list (or one array) the list form."""
    if isinstance(arrays, Mapping):
        names: list[str] | None = [str(k) for k in arrays]
        values = list(arrays.values())
    elif isinstance(arrays, (list, tuple)):
        names, values = None, list(arrays)
    else:
        names, values = None, [arrays]
    parts = [struct.pack("<QQQ", LIST_MAGIC, 0, len(values))]
    labels = names or [str(k) for k in range(len(values))]
    parts += [_record(v, f"array '{label}'") for v, label in zip(values, labels)]
    parts.append(struct.pack("<Q", len(names or [])))
    for name in names or []:
        raw = name.encode("utf-8")
        parts.append(struct.pack("<Q", len(raw)) + raw)
    return b"".join(parts)


def write_params(path: str | None, arrays: Mapping[str, Any] | Sequence[Any] | Any) -> bytes:
    """Encode `arrays` (see encode_params); write them atomically to `path` unless it is None."""
    data = encode_params(arrays)
    if path is not None:
        from ..fileio import write_atomic
        write_atomic(path, data)
    return data
