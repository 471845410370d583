"""`.npy`/`.npz` arrays from untrusted files (never unpickled, size-checked), and `.npz` writing.

Headers are checked before any data is read: numeric dtypes MXNet knows only, rank and byte
limits, data no larger than the file holds. Data is read in bounded chunks, so a lying header
cannot make a small file allocate a large buffer.
"""
from __future__ import annotations

import io
import os
import struct
import warnings
import zipfile
import zlib
from typing import Any, BinaryIO, Mapping

import numpy as np

from ..errors import FormatError, LimitError
from . import limits

# MXNet's numeric types that numpy has (mxnet-format.md §8; bfloat16 has no numpy dtype)
SUPPORTED_DTYPES = ("float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool",
                    "int16", "uint16", "uint32", "uint64")
_CHUNK = 1 << 24
# what reading a corrupt archive member can raise (zlib for bad deflate data, RuntimeError for an
# encrypted member, struct.error for mangled headers)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, struct.error, OverflowError, UnicodeDecodeError)


def check_dtype(dtype: np.dtype, what: str) -> None:
    """Numbers only: no objects (pickles), strings, records, complex or extended floats."""
    if dtype.hasobject:
        raise FormatError(f"{what}: holds Python objects (pickled data), which are never loaded")
    if dtype.fields is not None or dtype.subdtype is not None or dtype.name not in SUPPORTED_DTYPES:
        raise FormatError(f"{what}: arrays of dtype {dtype} are not supported "
                          f"(supported: {', '.join(SUPPORTED_DTYPES)})")


def check_shape(shape: Any, itemsize: int, what: str) -> int:
    """The byte size of an array of this shape, after the rank and size limits."""
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise FormatError(f"{what}: the shape {str(shape)[:60]} is not a tuple of integers")
    if len(shape) > limits.MAX_RANK:
        raise LimitError(f"{what}: rank {len(shape)} exceeds the limit of {limits.MAX_RANK}")
    if any(d < 0 for d in shape):
        raise FormatError(f"{what}: the shape {shape} has a negative dimension")
    nbytes = int(np.prod(shape, dtype=object)) * itemsize
    # an empty array may still have dims numpy cannot represent, e.g. (0, 2**62)
    nominal = int(np.prod([d for d in shape if d], dtype=object)) * itemsize
    if max(nbytes, nominal) > limits.MAX_ARRAY_BYTES:
        raise LimitError(f"{what}: {nbytes} bytes exceed the per-array limit of {limits.MAX_ARRAY_BYTES} "
                         "(SYMCLI_MAX_ARRAY_BYTES raises it)")
    return nbytes


def read_exact(fh: BinaryIO, nbytes: int, what: str) -> bytearray:
    """Exactly nbytes, in chunks (the buffer grows only as data actually arrives)."""
    buf = bytearray()
    while len(buf) < nbytes:
        chunk = fh.read(min(_CHUNK, nbytes - len(buf)))
        if not chunk:
            raise FormatError(f"{what}: truncated array data ({len(buf)} of {nbytes} bytes)")
        buf += chunk
    return buf


def _read_npy(fh: BinaryIO, what: str, size_hint: int | None) -> np.ndarray:
    """Read one .npy stream, checking its header before reading the data."""
    with warnings.catch_warnings():  # numpy warns about Python 2 headers; they are just bad
        warnings.simplefilter("ignore")
        return _read_npy_checked(fh, what, size_hint)


def _read_npy_checked(fh: BinaryIO, what: str, size_hint: int | None) -> np.ndarray:
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh, max_header_size=limits.MAX_NPY_HEADER)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh, max_header_size=limits.MAX_NPY_HEADER)
        else:
            raise FormatError(f"{what}: unsupported .npy version {version}")
    except FormatError:
        raise
    except Exception as exc:  # numpy raises ValueError, SyntaxError, TypeError... on a bad header
        message = " ".join(str(exc).split())[:80]
        raise FormatError(f"{what}: not a valid .npy array ({message})") from None
    check_dtype(dtype, what)
    nbytes = check_shape(shape, dtype.itemsize, what)
    if size_hint is not None and nbytes > size_hint:
        raise FormatError(f"{what}: truncated array data (the file holds {size_hint} bytes, the header "
                          f"promises {nbytes})")
    data = read_exact(fh, nbytes, what)
    arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    if not dtype.isnative:
        arr = arr.astype(dtype.newbyteorder("="))
    return np.ascontiguousarray(arr)


def _open_error(exc: OSError, path: str) -> FormatError:
    if isinstance(exc, FileNotFoundError):
        return FormatError("no such file", where=path)
    if isinstance(exc, IsADirectoryError):
        return FormatError("is a directory, not a file", where=path)
    return FormatError(f"cannot read: {exc.strerror or exc}", where=path)


def read_npy(path: str) -> np.ndarray:
    """One `.npy` array (`allow_pickle` is never on)."""
    try:
        with open(path, "rb") as fh:
            return _read_npy(fh, "the array", os.fstat(fh.fileno()).st_size)
    except FormatError as exc:
        raise exc.located(path) from None
    except OSError as exc:
        raise _open_error(exc, path) from None


def read_npz(path: str) -> dict[str, np.ndarray]:
    """Arrays of an .npz by name, in archive order."""
    try:
        zf = zipfile.ZipFile(path)
    except OSError as exc:
        raise _open_error(exc, path) from None
    except _ZIP_ERRORS as exc:
        raise FormatError(f"not an .npz archive ({str(exc)[:80]})", where=path) from None
    out: dict[str, np.ndarray] = {}
    total = 0
    with zf:
        members = zf.infolist()
        if len(members) > limits.MAX_ARRAY_FILE_MEMBERS:
            raise LimitError(f"{len(members)} arrays exceed the limit of {limits.MAX_ARRAY_FILE_MEMBERS}",
                             where=path)
        for info in members:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            what = f"array '{name[:80]}'"
            if info.file_size > limits.MAX_ARRAY_BYTES + limits.MAX_NPY_HEADER:
                raise LimitError(f"{what} is larger than the per-array limit of {limits.MAX_ARRAY_BYTES} bytes",
                                 where=path)
            total += info.file_size
            if total > limits.MAX_ARRAY_FILE_BYTES:
                raise LimitError(f"the arrays hold more than {limits.MAX_ARRAY_FILE_BYTES} bytes in all "
                                 "(SYMCLI_MAX_ARRAY_FILE_BYTES raises it)", where=path)
            try:
                with zf.open(info) as fh:
                    out[name] = _read_npy(fh, what, info.file_size)
            except FormatError as exc:
                raise exc.located(path) from None
            except _ZIP_ERRORS as exc:
                raise FormatError(f"{what} cannot be read ({str(exc)[:80]})", where=path) from None
    return out


def npz_bytes(arrays: Mapping[str, Any]) -> bytes:
    """An uncompressed .npz archive of host arrays, in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)
            # a fixed timestamp: equal results give byte-identical files
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue(), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()
