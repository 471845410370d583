"""Limits on untrusted input, checked before the work they bound (documented in formats/limits.md).

Each can be raised for one process with the environment variable of the same name prefixed by
`SYMCLI_` (e.g. `SYMCLI_MAX_DOCUMENT_BYTES=268435456`); `--max-memory` overrides MAX_MEMORY per run.
"""
from __future__ import annotations

import os


def _env(name: str, default: int) -> int:
    try:
        value = int(os.environ.get("SYMCLI_" + name, default))
    except ValueError:
        return default
    return value if value > 0 else default


# A graph file (JSON or msgpack). Python's JSON decoder may use ~22x the text size for hostile
# documents (`[{},{},...]`), so 32 MiB bounds a parse to well under 1 GiB; the largest real
# symbol files are a few MiB (densenet121: 320 KiB).
MAX_DOCUMENT_BYTES = _env("MAX_DOCUMENT_BYTES", 32 * 1024 ** 2)
MAX_NESTING = _env("MAX_NESTING", 64)                  # JSON / msgpack container depth
MAX_NODES = _env("MAX_NODES", 250_000)                 # nodes in one graph file
MAX_NAME_LENGTH = _env("MAX_NAME_LENGTH", 4096)        # node names, op names, attribute keys
MAX_ATTR_VALUE_LENGTH = _env("MAX_ATTR_VALUE_LENGTH", 65536)  # attribute values (__init__ JSON)
MAX_INPUTS = _env("MAX_INPUTS", 65536)                 # inputs of one node
MAX_RANK = _env("MAX_RANK", 32)                        # dimensions of any array
MAX_ARRAY_FILE_MEMBERS = _env("MAX_ARRAY_FILE_MEMBERS", 100_000)  # arrays in one .npz / .params
MAX_ARRAY_BYTES = _env("MAX_ARRAY_BYTES", 8 * 1024 ** 3)          # one array read from a file
MAX_ARRAY_FILE_BYTES = _env("MAX_ARRAY_FILE_BYTES", 16 * 1024 ** 3)  # all arrays of one file
MAX_NPY_HEADER = 10_000                                # bytes of one .npy header
DEFAULT_MAX_MEMORY = _env("MAX_MEMORY", 16 * 1024 ** 3)  # per run (inferred arrays)
