"""The one exception hierarchy of symcli.

Every error a user can provoke with a file or an option is a `SymcliError`; the CLI prints its message
on one line (`symcli: error: ...`) and exits 1. Anything else escaping is a bug.
"""
from __future__ import annotations


class SymcliError(Exception):
    """Base class: a problem with the user's graph, arrays or options (exit code 1)."""

    def __init__(self, message: str, *, where: str | None = None):
        self.where = where
        super().__init__(f"{where or repr(where)}: {message}" if where is not None else message)

    def located(self, where: str) -> "SymcliError":
        """Prefix the message with a file name, unless it already names a location."""
        if self.where is None:
            self.where = where
            self.args = (f"{where or repr(where)}: {self.args[0]}",)  # an empty path shows as ''
        return self


class FormatError(SymcliError):
    """A file that is not a well-formed graph, array archive or .params file."""


class LimitError(FormatError):
    """A document or computation larger than the configured limits."""


class GraphError(SymcliError):
    """A structurally invalid graph (bad references, cycles, duplicate names...)."""


class OperatorError(SymcliError):
    """An unknown operator or an attribute that does not parse for its operator."""


class ShapeError(SymcliError):
    """Shape or dtype inference failed or found a conflict."""


class BindError(SymcliError):
    """Arrays given to a graph do not match it (missing, extra, wrong shape or dtype).
    `argument` is the array's name, so the CLI can name the file it came from."""

    def __init__(self, message: str, *, where: str | None = None, argument: str | None = None):
        super().__init__(message, where=where)
        self.argument = argument


class ExecutionError(SymcliError):
    """A computation failed at run time (non-finite value, bad index, division by zero...)."""


class GradientError(SymcliError):
    """A gradient was asked through an operator that has none."""


class ContextError(SymcliError):
    """An unknown or unavailable device context."""


def node_label(index: int | None, name: str, op: str | None = None) -> str:
    """How errors name a node: `node 3 'fc1' (FullyConnected)`."""
    head = f"node {index} '{name}'" if index is not None else f"node '{name}'"
    return f"{head} ({op})" if op and op != "null" else head
