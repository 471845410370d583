"""Atomic output: write to a temporary file beside the target, rename it into place when complete.

A failure or an interruption (an exception, Ctrl-C) at any point removes the temporary file and
leaves an existing target untouched; a hard kill can at worst leave the temporary `.NAME.*.tmp`.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile

from .errors import SymcliError


def _new_file_mode(path: str) -> int:
    """Keep an existing target's permissions; otherwise what open() would give (0666 & ~umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # the reader went away: silence the interpreter's own flush at exit, then fail cleanly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SymcliError("standard output was closed before everything was written", where="-") from None


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` ('-' is stdout). A failure leaves any existing file untouched."""
    if path == "-":
        _write_stdout(data)
        return
    if not path:
        raise SymcliError("the output path is empty", where=path)
    target = os.path.abspath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise SymcliError("the output directory does not exist", where=path)
    if os.path.isdir(target):
        raise SymcliError("is a directory, not a file", where=path)
    mode = _new_file_mode(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise SymcliError(f"cannot write: {exc.strerror or exc}", where=path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SymcliError(f"cannot write: {exc.strerror or exc}", where=path) from None
        raise
