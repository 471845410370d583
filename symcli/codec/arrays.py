"""`.npy`/`.npz` arrays from untrusted files (never unpickled, size-checked), and `.npz` writing."""
from __future__ import annotations

import io
import zipfile
from typing import Any, Mapping

import numpy as np

from ..errors import FormatError, LimitError
from . import limits

ALLOWED_KINDS = "biufc"  # bool, ints, unsigned, floats, complex: no objects, strings or voids


def _check_array(arr: np.ndarray, what: str) -> np.ndarray:
    if arr.dtype.kind not in ALLOWED_KINDS:
        raise FormatError(f"{what}: arrays of dtype {arr.dtype} are not supported (numbers only)")
    if arr.ndim > limits.MAX_RANK:
        raise LimitError(f"{what}: rank {arr.ndim} exceeds the limit of {limits.MAX_RANK}")
    return arr


def _read_npy(fh: Any, what: str, size_hint: int | None) -> np.ndarray:
    """Read one .npy stream, checking its header before allocating."""
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh, max_header_size=10000)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh, max_header_size=10000)
        else:
            raise FormatError(f"{what}: unsupported .npy version {version}")
    except FormatError:
        raise
    except Exception as exc:
        raise FormatError(f"{what}: not a valid .npy array ({str(exc)[:80]})") from None
    if dtype.hasobject:
        raise FormatError(f"{what}: holds Python objects (pickled data), which are never loaded")
    if dtype.kind not in ALLOWED_KINDS:
        raise FormatError(f"{what}: arrays of dtype {dtype} are not supported (numbers only)")
    if len(shape) > limits.MAX_RANK:
        raise LimitError(f"{what}: rank {len(shape)} exceeds the limit of {limits.MAX_RANK}")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if nbytes > limits.MAX_ARRAY_BYTES:
        raise LimitError(f"{what}: {nbytes} bytes exceed the per-array limit of {limits.MAX_ARRAY_BYTES}")
    if size_hint is not None and nbytes > size_hint:
        raise FormatError(f"{what}: truncated array data ({size_hint} bytes for {nbytes})")
    data = fh.read(nbytes)
    if len(data) != nbytes:
        raise FormatError(f"{what}: truncated array data ({len(data)} of {nbytes} bytes)")
    arr = np.frombuffer(data, dtype=dtype)
    arr = arr.reshape(shape, order="F" if fortran else "C")
    return np.ascontiguousarray(arr).copy() if fortran else arr.copy()


def read_npy(path: str) -> np.ndarray:
    try:
        with open(path, "rb") as fh:
            import os
            return _read_npy(fh, path, os.fstat(fh.fileno()).st_size)
    except FileNotFoundError:
        raise FormatError("no such file", where=path) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", where=path) from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", where=path) from None


def read_npz(path: str) -> dict[str, np.ndarray]:
    """Arrays of an .npz by name, in archive order."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise FormatError("no such file", where=path) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", where=path) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FormatError(f"not an .npz archive ({str(exc)[:80]})", where=path) from None
    out: dict[str, np.ndarray] = {}
    with zf:
        members = zf.infolist()
        if len(members) > limits.MAX_ARRAY_FILE_MEMBERS:
            raise LimitError(f"{len(members)} arrays exceed the limit of {limits.MAX_ARRAY_FILE_MEMBERS}",
                             where=path)
        for info in members:
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if info.file_size > limits.MAX_ARRAY_BYTES + 65536:
                raise LimitError(f"array '{name}' is larger than the per-array limit", where=path)
            try:
                with zf.open(info) as fh:
                    out[name] = _read_npy(fh, f"array '{name}'", info.file_size)
            except FormatError as exc:
                raise exc.located(path) from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise FormatError(f"array '{name}' cannot be read ({str(exc)[:80]})", where=path) from None
    return out


def npz_bytes(arrays: Mapping[str, Any]) -> bytes:
    """An uncompressed .npz archive of host arrays, in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)
            zf.writestr(name + ".npy", member.getvalue())
    return buf.getvalue()
