"""Atomic output: write to a temporary file beside the target, rename into place when complete."""
from __future__ import annotations

import os
import sys
import tempfile

from .errors import SymcliError


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` ('-' is stdout). A failure leaves any existing file untouched."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise SymcliError("the output directory does not exist", where=path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
