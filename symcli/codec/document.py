"""The symbol document model shared by the JSON and msgpack encodings (formats/symbol-json.md).

`load_document` checks a decoded document (dicts, lists, strings, ints) field by field, upgrades
pre-1.0 layouts the way MXNet 1.9.1 does on load, and builds a `Graph`; every problem found is
collected (for `validate`) or the first one raised. `graph_to_document` writes the 1.x layout.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from ..errors import FormatError, GraphError, LimitError, SymcliError
from ..graph import Graph, Node
from . import limits

CURRENT_VERSION = 10901
LEGACY_VERSION = 800  # a document without mxnet_version is MXNet 0.8.0
UINT32_MAX = 2 ** 32 - 1
TOP_KEYS = ("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs")
REQUIRED_TOP_KEYS = ("nodes", "arg_nodes", "heads")
NODE_KEYS = ("op", "name", "attrs", "attr", "param", "inputs", "control_deps", "backward_source_id",
             "subgraphs")
REQUIRED_NODE_KEYS = ("op", "name", "inputs")
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")
AUX_INIT = (("mean", '["zero", {}]'), ("var", '["one", {}]'))  # default __init__ of aux states

# Entry versions as read (MXNet keeps them on load and writes them back; a legacy upgrade adds
# version 0 entries), per input of each node of a loaded graph. Graphs built any other way get
# MXNet's Python rule: 1 for an input wired into a mutable (auxiliary) slot, else 0.
_ENTRY_VERSIONS: "weakref.WeakKeyDictionary[Graph, list[list[int]]]" = weakref.WeakKeyDictionary()


@dataclass
class Problem:
    """One problem of a document: node index in the file (None for the whole graph) and name."""

    node: int | None
    name: str
    message: str

    def __str__(self) -> str:
        if self.node is None:
            return self.message
        return f"node {self.node} '{self.name}': {self.message}"


@dataclass
class Loaded:
    """What `load_document` found. `graph` is None when the document could not be built at all;
    with problems it is only fit for reporting. `file_index[i]` is the position in the file of the
    graph's node i (None for a variable added by the legacy upgrade)."""

    graph: Graph | None
    problems: list[Problem]
    file_index: list[int | None] = field(default_factory=list)
    broken: set[int] = field(default_factory=set)  # graph nodes whose inputs were malformed
    version: int = CURRENT_VERSION


class _Collector:
    """Collects problems (validate) or raises the first one (every other command)."""

    def __init__(self, collect: bool):
        self.collect = collect
        self.problems: list[Problem] = []
        self.bad_nodes: set[int] = set()

    def add(self, node: int | None, name: str, message: str, kind: type[SymcliError] = GraphError) -> None:
        problem = Problem(node, _short(name), message)
        if not self.collect:
            raise kind(str(problem))
        self.problems.append(problem)
        if node is not None:
            self.bad_nodes.add(node)


def _short(text: Any, limit: int = 80) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", int: "an integer", float: "a number",
            bool: "a boolean", type(None): "null", bytes: "binary data"}.get(type(v), type(v).__name__)


def _version(doc: dict, out: _Collector) -> int:
    attrs = doc.get("attrs")
    if attrs is None:
        return LEGACY_VERSION
    if not isinstance(attrs, dict):
        out.add(None, "", f"'attrs' must be an object, not {_kind(attrs)}", FormatError)
        return CURRENT_VERSION
    for key, value in attrs.items():
        if not isinstance(key, str):
            out.add(None, "", "graph attribute names must be strings", FormatError)
        elif not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
            out.add(None, "", f"graph attribute {_short(key, 40)!r} must be a [type, value] pair",
                    FormatError)
    v = attrs.get("mxnet_version")
    if v is None:
        return LEGACY_VERSION
    if not (isinstance(v, list) and len(v) == 2 and v[0] == "int" and _is_int(v[1])):
        out.add(None, "", "'attrs.mxnet_version' must be [\"int\", N]", FormatError)
        return CURRENT_VERSION
    return v[1]


def _string_map(value: Any, what: str, i: int, name: str, out: _Collector) -> dict[str, str]:
    if not isinstance(value, dict):
        out.add(i, name, f"'{what}' must be an object of strings, not {_kind(value)}", FormatError)
        return {}
    result = {}
    for k, v in value.items():
        if not isinstance(k, str):
            out.add(i, name, f"'{what}' keys must be strings, not {_kind(k)}", FormatError)
        elif not isinstance(v, str):
            out.add(i, name, f"attribute {_short(k, 40)!r} must be a string, not {_kind(v)} "
                    f"(MXNet stores every attribute as a string)", FormatError)
        elif len(k) > limits.MAX_NAME_LENGTH or len(v) > limits.MAX_ATTR_VALUE_LENGTH:
            out.add(i, name, f"attribute {_short(k, 40)!r} is longer than the limit "
                    f"({limits.MAX_NAME_LENGTH} characters for names, "
                    f"{limits.MAX_ATTR_VALUE_LENGTH} for values)", LimitError)
        else:
            result[k] = v
    return result


def _entry(value: Any, n_nodes: int, i: int | None, name: str, what: str,
           out: _Collector) -> tuple[int, int] | None:
    """[node, output] or [node, output, version] (the version is read and ignored, as MXNet does)."""
    if not (isinstance(value, list) and len(value) in (2, 3) and all(_is_int(x) for x in value)):
        out.add(i, name, f"{what} must be [node, output, version] (integers), got {_short(value, 60)}",
                FormatError)
        return None
    nid, idx = value[0], value[1]
    if not 0 <= nid < n_nodes:
        out.add(i, name, f"{what} refers to node {_short(nid, 24)}, which does not exist "
                f"({n_nodes} nodes)")
        return None
    if not all(0 <= x <= UINT32_MAX for x in value[1:]):  # MXNet stores them as uint32
        out.add(i, name, f"{what} has an output index or version out of range: {_short(value, 60)}")
        return None
    return nid, idx


def _classify_hidden(key: str) -> tuple[str, str | None] | None:
    """MXNet's hidden-key rule (UpgradeJSON_FixParsing): ('lr_mult', None) for a bare `lr_mult`,
    ('lr_mult', 'weight') for `weight_lr_mult`, None for anything else (kept verbatim)."""
    for hidden in HIDDEN_KEYS:
        pos = key.rfind(hidden)
        if pos == 0 and len(key) == len(hidden):
            return hidden, None
        if pos > 1 and pos == len(key) - len(hidden):
            return hidden, key[: pos - 1]  # MXNet drops the separator without checking it
    return None


@dataclass
class _RawNode:
    op: str
    name: str
    attrs: dict[str, str]
    inputs: list[tuple[int, int]]
    deps: list[int]
    versions: list[int] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)  # `weight_lr_mult` keys awaiting their input
    file_index: int | None = None


def _read_node(i: int, raw: Any, n: int, version: int, out: _Collector) -> _RawNode:
    if not isinstance(raw, dict):
        out.add(i, "", f"a node must be an object, not {_kind(raw)}", FormatError)
        return _RawNode("null", "", {}, [], [], [], file_index=i)
    name = raw.get("name", "")
    if not isinstance(name, str):
        out.add(i, "", f"'name' must be a string, not {_kind(name)}", FormatError)
        name = ""
    elif len(name) > limits.MAX_NAME_LENGTH:
        out.add(i, name, f"the name is longer than the limit of {limits.MAX_NAME_LENGTH}", LimitError)
        name = name[: limits.MAX_NAME_LENGTH]
    for key in REQUIRED_NODE_KEYS:
        if key not in raw:
            out.add(i, name, f"missing field '{key}'", FormatError)
    for key in raw:
        if key not in NODE_KEYS:
            out.add(i, name, f"unknown node field {_short(key, 40)!r} (expected {', '.join(NODE_KEYS)})",
                    FormatError)
    op = raw.get("op", "null")
    if not isinstance(op, str) or not op or len(op) > limits.MAX_NAME_LENGTH:
        out.add(i, name, f"'op' must be an operator name or \"null\", got {_short(op, 40)!r}", FormatError)
        op = "null"
    if "subgraphs" in raw:
        out.add(i, name, "control-flow subgraphs (_foreach, _while_loop, _cond) are not supported",
                FormatError)
    if "backward_source_id" in raw and not _is_int(raw["backward_source_id"]):
        out.add(i, name, "'backward_source_id' must be an integer", FormatError)

    # `attrs` and `attr` fill one map and the one read last replaces the other wholesale;
    # `param` (0.8) is merged in afterwards without overriding.
    attrs: dict[str, str] = {}
    for key in raw:
        if key in ("attrs", "attr"):
            attrs = _string_map(raw[key], key, i, name, out)
    if "param" in raw:
        for k, v in _string_map(raw["param"], "param", i, name, out).items():
            attrs.setdefault(k, v)
    moved: dict[str, str] = {}
    if version < CURRENT_VERSION:
        upgraded: dict[str, str] = {}
        for key, value in attrs.items():
            hit = _classify_hidden(key)
            if hit is not None and hit[1] is None:
                upgraded[f"__{hit[0]}__"] = value
            elif hit is not None and op != "null":
                moved[key] = value  # goes to the variable feeding input `hit[1]`, if there is one
            else:
                upgraded[key] = value
        attrs = upgraded
    if version < 905 and op in ("argmax", "argmin") and attrs.get("axis") == "-1":
        del attrs["axis"]  # 0.9.5 made axis optional; -1 used to mean "all elements"

    entries: list[tuple[int, int]] = []
    versions: list[int] = []
    raw_inputs = raw.get("inputs", [])
    if not isinstance(raw_inputs, list):
        out.add(i, name, f"'inputs' must be a list, not {_kind(raw_inputs)}", FormatError)
        raw_inputs = []
    if len(raw_inputs) > limits.MAX_INPUTS:
        out.add(i, name, f"{len(raw_inputs)} inputs exceed the limit of {limits.MAX_INPUTS}", LimitError)
        raw_inputs = []
    for k, e in enumerate(raw_inputs):
        parsed = _entry(e, n, i, name, f"input {k}", out)
        if parsed is not None:
            entries.append(parsed)
            versions.append(e[2] if len(e) == 3 else 0)
    deps: list[int] = []
    raw_deps = raw.get("control_deps", [])
    if not isinstance(raw_deps, list):
        out.add(i, name, f"'control_deps' must be a list, not {_kind(raw_deps)}", FormatError)
        raw_deps = []
    if len(raw_deps) > limits.MAX_INPUTS:
        out.add(i, name, f"{len(raw_deps)} control dependencies exceed the limit of {limits.MAX_INPUTS}",
                LimitError)
        raw_deps = []
    for d in raw_deps:
        if _is_int(d) and 0 <= d < n:
            deps.append(d)
        else:
            out.add(i, name, f"control dependency {_short(d, 24)} refers to no node ({n} nodes)")
    if op == "null" and (entries or deps):
        out.add(i, name, "a variable (op \"null\") cannot have inputs")
        entries, deps, versions = [], [], []
    return _RawNode(op, name, attrs, entries, deps, versions, moved, i)


def load_document(doc: Any, *, collect: bool = False) -> Loaded:
    """Build a Graph from a decoded document. With collect=True gather every problem."""
    out = _Collector(collect)
    if not isinstance(doc, dict):
        out.add(None, "", f"the document must be an object (a map), not {_kind(doc)}", FormatError)
        return Loaded(None, out.problems)
    for key in doc:
        if key not in TOP_KEYS:
            out.add(None, "", f"unknown top-level field {_short(key, 40)!r} (expected "
                    f"{', '.join(TOP_KEYS)})", FormatError)
    for key in REQUIRED_TOP_KEYS:
        if key not in doc:
            out.add(None, "", f"missing field '{key}'", FormatError)
    raw_nodes = doc.get("nodes", [])
    if not isinstance(raw_nodes, list):
        out.add(None, "", f"'nodes' must be a list, not {_kind(raw_nodes)}", FormatError)
        return Loaded(None, out.problems)
    if len(raw_nodes) > limits.MAX_NODES:
        out.add(None, "", f"{len(raw_nodes)} nodes exceed the limit of {limits.MAX_NODES}", LimitError)
        return Loaded(None, out.problems)
    if "nodes" in doc and not raw_nodes:
        out.add(None, "", "the graph has no nodes")
    version = _version(doc, out)
    n = len(raw_nodes)
    nodes = [_read_node(i, raw, n, version, out) for i, raw in enumerate(raw_nodes)]

    heads = _read_heads(doc, n, out)
    _check_arg_nodes(doc, nodes, out)
    row_ptr = doc.get("node_row_ptr")
    if row_ptr is not None and not (isinstance(row_ptr, list) and all(_is_int(x) and x >= 0 for x in row_ptr)):
        out.add(None, "", "'node_row_ptr' must be a list of non-negative integers", FormatError)

    if version < 900:
        _append_missing_inputs(nodes)
    _apply_moved_keys(nodes)
    if version < 904:
        _default_aux_init(nodes)

    seen: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.op == "null":
            if node.name in seen:
                out.add(_file(nodes, i), node.name, f"duplicate variable name '{_short(node.name)}' "
                        f"(also node {_file(nodes, seen[node.name])})")
            else:
                seen[node.name] = i
    order = _topological_order(nodes, out)
    if out.problems and not collect:
        return Loaded(None, out.problems, version=version)
    if order is None:  # a cycle: keep the file order, for reporting only
        order = list(range(len(nodes)))
    remap = {old: new for new, old in enumerate(order)}
    graph = Graph([Node(nodes[i].op, nodes[i].name, nodes[i].attrs,
                        [(remap[s], k) for s, k in nodes[i].inputs], [remap[d] for d in nodes[i].deps])
                   for i in order],
                  [(remap[h], k) for h, k in heads], {"mxnet_version": ["int", CURRENT_VERSION]})
    file_index = [nodes[i].file_index for i in order]
    _ENTRY_VERSIONS[graph] = [list(nodes[i].versions) for i in order]
    broken = {remap[i] for i in range(len(nodes)) if nodes[i].file_index in out.bad_nodes}
    return Loaded(graph, out.problems, file_index, broken, version)


def graph_from_document(doc: Any, *, collect: bool = False) -> tuple[Graph | None, list[Problem]]:
    """(graph, problems); without collect the first problem is raised instead."""
    loaded = load_document(doc, collect=collect)
    return loaded.graph, loaded.problems


def _file(nodes: list[_RawNode], i: int) -> int:
    index = nodes[i].file_index
    return i if index is None else index


def _read_heads(doc: dict, n: int, out: _Collector) -> list[tuple[int, int]]:
    raw_heads = doc.get("heads", [])
    if not isinstance(raw_heads, list):
        out.add(None, "", f"'heads' must be a list, not {_kind(raw_heads)}", FormatError)
        return []
    heads = []
    if len(raw_heads) > limits.MAX_NODES:
        out.add(None, "", f"{len(raw_heads)} heads exceed the limit of {limits.MAX_NODES}", LimitError)
        return []
    for k, e in enumerate(raw_heads):
        parsed = _entry(e, n, None, "", f"head {k}", out)
        if parsed is not None:
            heads.append(parsed)
    if not raw_heads and "heads" in doc:
        out.add(None, "", "the graph has no heads (outputs)")
    return heads


def _check_arg_nodes(doc: dict, nodes: list[_RawNode], out: _Collector) -> None:
    """MXNet only checks that each listed node is a variable; the list itself is recomputed."""
    arg_nodes = doc.get("arg_nodes", [])
    if not isinstance(arg_nodes, list):
        out.add(None, "", f"'arg_nodes' must be a list, not {_kind(arg_nodes)}", FormatError)
        return
    if len(arg_nodes) > limits.MAX_NODES:
        out.add(None, "", f"{len(arg_nodes)} arg_nodes exceed the limit of {limits.MAX_NODES}", LimitError)
        return
    for a in arg_nodes:
        if not _is_int(a) or not 0 <= a < len(nodes):
            out.add(None, "", f"arg_nodes entry {_short(a, 24)} refers to no node ({len(nodes)} nodes)")
        elif nodes[a].op != "null":
            out.add(a, nodes[a].name, f"is listed in arg_nodes but is an operator ({_short(nodes[a].op, 40)}), "
                    "not a variable")


def _input_names(node: _RawNode, attrs: dict[str, str]) -> list[str] | None:
    from ..ops.registry import get_op, has_op
    if node.op == "null" or not has_op(node.op):
        return None
    op = get_op(node.op)
    try:
        return op.input_names(op.parse(attrs))
    except Exception:  # a bad attribute: reported when the graph is resolved
        return None


def _append_missing_inputs(nodes: list[_RawNode]) -> None:
    """Files older than 0.9.0 omit some inputs (BatchNorm's moving statistics, or a weight):
    MXNet appends variables `<node>_<arg>`, each with a copy of the op's attributes."""
    for i in range(len(nodes)):
        node = nodes[i]
        expected = _input_names(node, node.attrs)
        if expected is None:
            continue
        for arg in expected[len(node.inputs):]:
            name = f"{node.name}_{arg}" if node.name else arg
            nodes.append(_RawNode("null", name, dict(node.attrs), [], [], []))
            node.inputs.append((len(nodes) - 1, 0))
            node.versions.append(0)


def _apply_moved_keys(nodes: list[_RawNode]) -> None:
    """`weight_lr_mult` on an op becomes `__lr_mult__` on the variable feeding `weight`; a key whose
    input does not exist or is not a variable stays on the op verbatim (as MXNet does)."""
    for node in nodes:
        if not node.moved:
            continue
        names = _input_names(node, node.attrs) or []
        for key, value in node.moved.items():
            hidden, arg = _classify_hidden(key)  # type: ignore[misc]
            slot = names.index(arg) if arg in names else None
            if slot is not None and slot < len(node.inputs) and nodes[node.inputs[slot][0]].op == "null":
                target = nodes[node.inputs[slot][0]]
                target.attrs = {**target.attrs, f"__{hidden}__": value}
            else:
                node.attrs[key] = value
        node.moved = {}


def _default_aux_init(nodes: list[_RawNode]) -> None:
    """Files older than 0.9.4: auxiliary-state variables get their default `__init__`
    (moving mean zeros, moving variance ones) unless they have one."""
    from ..ops.registry import get_op
    for node in nodes:
        names = _input_names(node, node.attrs)
        if names is None:
            continue
        aux = get_op(node.op).aux_inputs
        for slot, arg in enumerate(names[: len(node.inputs)]):
            target = nodes[node.inputs[slot][0]]
            if arg not in aux or target.op != "null" or "__init__" in target.attrs:
                continue
            for suffix, init in AUX_INIT:
                if arg.endswith(suffix):
                    target.attrs = {**target.attrs, "__init__": init}
                    break


def _topological_order(nodes: list[_RawNode], out: _Collector) -> list[int] | None:
    """Node order with inputs first. MXNet loads forward references; a cycle is an error."""
    n = len(nodes)
    if all(s < i for i in range(n) for s, _ in nodes[i].inputs) and \
            all(d < i for i in range(n) for d in nodes[i].deps):
        return list(range(n))
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    order: list[int] = []
    for root in range(n):
        if state[root]:
            continue
        stack = [(root, 0)]
        state[root] = 1
        while stack:
            i, k = stack.pop()
            deps = [s for s, _ in nodes[i].inputs] + nodes[i].deps
            if k < len(deps):
                stack.append((i, k + 1))
                d = deps[k]
                if state[d] == 1:
                    out.add(_file(nodes, i), nodes[i].name,
                            f"input refers to node {_file(nodes, d)} '{_short(nodes[d].name)}', which depends "
                            "on this node: the graph has a cycle")
                    return None
                if state[d] == 0:
                    state[d] = 1
                    stack.append((d, 0))
            else:
                state[i] = 2
                order.append(i)
    return order


def check_depth(doc: Any, what: str = "document") -> None:
    """Refuse containers nested deeper than the limit (iteratively: no recursion)."""
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limits.MAX_NESTING:
            raise LimitError(f"the {what} is nested deeper than {limits.MAX_NESTING} levels")
        stack.extend((v, depth + 1) for v in children if isinstance(v, (dict, list)))


def graph_to_document(graph: Graph) -> dict[str, Any]:
    """The 1.x layout MXNet 1.9.1 writes: nodes reachable from the heads in depth-first
    post-order, canonical op names, attributes sorted, `node_row_ptr` counting hidden outputs."""
    from ..signature import resolve
    read_versions = _ENTRY_VERSIONS.get(graph)
    old_index = graph.dfs_node_order()
    graph = graph.pruned()
    r = resolve(graph)
    nodes = []
    for i, node in enumerate(graph.nodes):
        op = r.ops[i]
        entry: dict[str, Any] = {"op": op.name if op is not None else "null", "name": node.name}
        if node.attrs:
            entry["attrs"] = {k: node.attrs[k] for k in sorted(node.attrs)}
        if read_versions is not None:
            versions = read_versions[old_index[i]]
        else:
            aux_slots = set(op.aux_indices(r.params[i])) if op is not None else set()
            versions = [1 if slot in aux_slots else 0 for slot in range(len(node.inputs))]
        entry["inputs"] = [[s, k, v] for (s, k), v in zip(node.inputs, versions)]
        if node.control_deps:
            entry["control_deps"] = list(node.control_deps)
        nodes.append(entry)
    row_ptr = [0]
    for count in r.num_outputs:
        row_ptr.append(row_ptr[-1] + count)
    return {
        "nodes": nodes,
        "arg_nodes": list(graph.variable_indices),
        "node_row_ptr": row_ptr,
        "heads": [[n, k, 0] for n, k in graph.heads],
        "attrs": {"mxnet_version": ["int", CURRENT_VERSION]},
    }
