"""Limits on untrusted input, checked before the work they bound (documented in formats/)."""
from __future__ import annotations

import os

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024   # a graph file (JSON or msgpack)
MAX_NESTING = 64                         # JSON / msgpack container depth
MAX_NODES = 1_000_000                    # nodes in one graph
MAX_NAME_LENGTH = 4096                   # node names, attribute keys and values
MAX_RANK = 32                            # dimensions of any array
MAX_ARRAY_FILE_MEMBERS = 100_000         # arrays in one .npz / .params
MAX_ARRAY_BYTES = 8 * 1024 ** 3          # one array read from a file
DEFAULT_MAX_MEMORY = int(os.environ.get("SYMCLI_MAX_MEMORY", 16 * 1024 ** 3))  # per executor
