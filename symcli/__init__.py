"""symcli: run, differentiate and check MXNet symbol graphs.

`import symcli as sx` gives an API shaped like MXNet's: `sx.sym.Variable`, `sx.sym.FullyConnected`,
`sx.grad(f, 'x')`, `sx.cpu()`, `sx.nd.array`. Submodules load lazily so the CLI starts fast.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "sym": ("symcli.symbol", None), "symbol": ("symcli.symbol", None), "nd": ("symcli.nd", None),
    "Symbol": ("symcli.symbol", "Symbol"), "Variable": ("symcli.symbol", "Variable"),
    "var": ("symcli.symbol", "Variable"), "Group": ("symcli.symbol", "Group"),
    "grad": ("symcli.autodiff", "grad"), "cpu": ("symcli.context", "cpu"), "gpu": ("symcli.context", "gpu"),
    "Graph": ("symcli.graph", "Graph"), "Executor": ("symcli.executor", "Executor"),
    "SymcliError": ("symcli.errors", "SymcliError"), "name": ("symcli.symbol", None),
    "hessian": ("symcli.hessian", "hessian"),
}


def __getattr__(attr: str) -> Any:
    if attr not in _LAZY:
        raise AttributeError(f"module 'symcli' has no attribute '{attr}'")
    module, name = _LAZY[attr]
    mod = importlib.import_module(module)
    return mod if name is None else getattr(mod, name)
