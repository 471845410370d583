"""The graph value every part of symcli produces or consumes.

A `Graph` is immutable: nodes in topological order (inputs come before their consumers), each with
its op name, node name, raw string attributes and input entries `(node index, output index)`; the
indices of argument and auxiliary nodes; and the heads (outputs). It knows nothing of files or ops.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Iterable, Mapping

Entry = tuple[int, int]  # (node index, output index)


def _frozen(attrs: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(attrs or {}))


@dataclass(frozen=True, eq=False)
class Node:
    """One node: `op == "null"` for a variable (argument or auxiliary state)."""

    op: str
    name: str
    attrs: Mapping[str, str] = field(default_factory=dict)
    inputs: tuple[Entry, ...] = ()
    control_deps: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attrs", _frozen(self.attrs))
        object.__setattr__(self, "inputs", tuple((int(n), int(i)) for n, i in self.inputs))
        object.__setattr__(self, "control_deps", tuple(int(d) for d in self.control_deps))

    @property
    def is_variable(self) -> bool:
        return self.op == "null"


@dataclass(frozen=True, eq=False)
class Graph:
    """An immutable computation graph; node order is a topological order."""

    nodes: tuple[Node, ...]
    heads: tuple[Entry, ...]
    attrs: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", tuple(self.nodes))
        object.__setattr__(self, "heads", tuple((int(n), int(i)) for n, i in self.heads))
        object.__setattr__(self, "attrs", MappingProxyType(dict(self.attrs)))

    # -- structure -------------------------------------------------------------------------------
    @property
    def variable_indices(self) -> tuple[int, ...]:
        """Indices of every `null` node, in node order (MXNet's `arg_nodes`)."""
        return tuple(i for i, n in enumerate(self.nodes) if n.is_variable)

    def consumers(self) -> list[list[tuple[int, int]]]:
        """For each node, the (consumer node, input slot) pairs that read it."""
        users: list[list[tuple[int, int]]] = [[] for _ in self.nodes]
        for j, node in enumerate(self.nodes):
            for slot, (src, _) in enumerate(node.inputs):
                users[src].append((j, slot))
        return users

    def reachable(self, roots: Iterable[int] | None = None) -> list[bool]:
        """Which nodes the heads (or `roots`) depend on."""
        seen = [False] * len(self.nodes)
        stack = list(roots if roots is not None else (n for n, _ in self.heads))
        while stack:
            i = stack.pop()
            if seen[i]:
                continue
            seen[i] = True
            stack.extend(src for src, _ in self.nodes[i].inputs)
            stack.extend(self.nodes[i].control_deps)
        return seen

    def dfs_variable_order(self) -> list[int]:
        """Variables in MXNet's depth-first post-order from the heads, inputs left to right."""
        return [i for i in self.dfs_node_order() if self.nodes[i].is_variable]

    def dfs_node_order(self) -> list[int]:
        """All reachable nodes in depth-first post-order from the heads (MXNet's writing order)."""
        order: list[int] = []
        seen: set[int] = set()
        for head, _ in self.heads:
            stack: list[tuple[int, int]] = [(head, 0)]
            while stack:
                i, k = stack.pop()
                if k == 0:
                    if i in seen:
                        continue
                    seen.add(i)
                node = self.nodes[i]
                deps = [src for src, _ in node.inputs] + list(node.control_deps)
                if k < len(deps):
                    stack.append((i, k + 1))
                    if deps[k] not in seen:
                        stack.append((deps[k], 0))
                else:
                    order.append(i)
        return order

    def with_heads(self, heads: Iterable[Entry]) -> "Graph":
        return Graph(self.nodes, tuple(heads), self.attrs)

    def pruned(self) -> "Graph":
        """The same graph restricted to nodes the heads depend on, in DFS post-order."""
        order = self.dfs_node_order()
        remap = {old: new for new, old in enumerate(order)}
        nodes = [
            Node(n.op, n.name, n.attrs, [(remap[s], o) for s, o in n.inputs],
                 [remap[d] for d in n.control_deps])
            for n in (self.nodes[i] for i in order)
        ]
        return Graph(nodes, [(remap[n], o) for n, o in self.heads], self.attrs)
