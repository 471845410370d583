"""The symbol document model shared by the JSON and msgpack encodings.

`graph_from_document` checks a decoded document (dicts, lists, strings, ints) field by field,
upgrades pre-1.0 layouts the way MXNet does on load, and builds a `Graph`; every problem found is
collected (for `validate`) or the first one raised. `graph_to_document` writes the 1.x layout.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FormatError, GraphError, LimitError
from ..graph import Graph, Node
from . import limits

CURRENT_VERSION = 10901
TOP_KEYS = ("nodes", "arg_nodes", "node_row_ptr", "heads", "attrs")
NODE_KEYS = ("op", "name", "attrs", "attr", "param", "inputs", "control_deps", "backward_source_id",
             "subgraphs")
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


@dataclass
class Problem:
    node: int | None
    name: str
    message: str

    def __str__(self) -> str:
        if self.node is None:
            return self.message
        return f"node {self.node} '{self.name}': {self.message}"


class _Collector:
    def __init__(self, collect: bool):
        self.collect = collect
        self.problems: list[Problem] = []

    def add(self, node: int | None, name: str, message: str, kind: type = GraphError) -> None:
        problem = Problem(node, name, message)
        if not self.collect:
            raise kind(str(problem))
        self.problems.append(problem)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _version(doc: dict, out: _Collector) -> int:
    attrs = doc.get("attrs")
    if attrs is None:
        return 800  # no mxnet_version means 0.8.0
    if not isinstance(attrs, dict):
        out.add(None, "", "'attrs' must be an object", FormatError)
        return CURRENT_VERSION
    v = attrs.get("mxnet_version")
    if v is None:
        return 800
    if not (isinstance(v, list) and len(v) == 2 and v[0] == "int" and _is_int(v[1])):
        out.add(None, "", "'attrs.mxnet_version' must be [\"int\", N]", FormatError)
        return CURRENT_VERSION
    return v[1]


def _string_map(value: Any, what: str, i: int, name: str, out: _Collector) -> dict[str, str]:
    if not isinstance(value, dict):
        out.add(i, name, f"'{what}' must be an object of strings", FormatError)
        return {}
    result = {}
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            out.add(i, name, f"'{what}' values must be strings (attribute {k!r} is {type(v).__name__})",
                    FormatError)
            continue
        if len(k) > limits.MAX_NAME_LENGTH or len(v) > limits.MAX_NAME_LENGTH * 16:
            out.add(i, name, f"attribute {k[:40]!r} is longer than the limit", LimitError)
            continue
        result[k] = v
    return result


def _entry(value: Any, n_nodes: int, i: int, name: str, what: str, out: _Collector) -> tuple[int, int] | None:
    if not (isinstance(value, list) and len(value) in (2, 3) and all(_is_int(x) for x in value)):
        out.add(i, name, f"{what} must be [node, output] or [node, output, version], got {str(value)[:60]}",
                FormatError)
        return None
    nid, idx = value[0], value[1]
    if not 0 <= nid < n_nodes:
        out.add(i, name, f"{what} refers to node {nid}, which does not exist ({n_nodes} nodes)")
        return None
    if idx < 0:
        out.add(i, name, f"{what} has a negative output index {idx}")
        return None
    return nid, idx


def _upgrade_hidden_keys(attrs: dict[str, str], is_variable: bool) -> tuple[dict[str, str], dict[str, dict]]:
    """Files older than 1.9.1: `lr_mult` -> `__lr_mult__`; `weight_lr_mult` moves to the variable."""
    new: dict[str, str] = {}
    moved: dict[str, dict[str, str]] = {}  # input name -> attrs for the variable feeding it
    for key, value in attrs.items():
        if key.startswith("__") and key.endswith("__"):
            new[key] = value
        elif key in HIDDEN_KEYS:
            new[f"__{key}__"] = value
        else:
            hit = next((h for h in HIDDEN_KEYS if key.endswith("_" + h)), None)
            if hit and not is_variable:
                moved.setdefault(key[: -len(hit) - 1], {})[f"__{hit}__"] = value
            else:
                new[key] = value
    return new, moved


def graph_from_document(doc: Any, *, collect: bool = False) -> tuple[Graph | None, list[Problem]]:
    """Build a Graph from a decoded document. With collect=True return every problem found."""
    out = _Collector(collect)
    if not isinstance(doc, dict):
        out.add(None, "", f"the document must be an object (a map), not {_kind(doc)}", FormatError)
        return None, out.problems
    for key in doc:
        if key not in TOP_KEYS:
            out.add(None, "", f"unknown top-level field {str(key)[:40]!r} "
                    f"(expected {', '.join(TOP_KEYS)})", FormatError)
    for key in ("nodes", "arg_nodes", "heads"):
        if key not in doc:
            out.add(None, "", f"missing field '{key}'", FormatError)
    raw_nodes = doc.get("nodes", [])
    if not isinstance(raw_nodes, list):
        out.add(None, "", "'nodes' must be a list", FormatError)
        return None, out.problems
    if len(raw_nodes) > limits.MAX_NODES:
        out.add(None, "", f"{len(raw_nodes)} nodes exceed the limit of {limits.MAX_NODES}", LimitError)
        return None, out.problems
    version = _version(doc, out)
    n = len(raw_nodes)

    ops: list[str] = []
    names: list[str] = []
    attrs_list: list[dict[str, str]] = []
    inputs_list: list[list[tuple[int, int]]] = []
    deps_list: list[list[int]] = []
    moved_attrs: list[dict[str, dict]] = []
    for i, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            out.add(i, "", f"a node must be an object, not {_kind(raw)}", FormatError)
            raw = {}
        name = raw.get("name", "")
        if not isinstance(name, str):
            out.add(i, "", "'name' must be a string", FormatError)
            name = ""
        op = raw.get("op")
        if not isinstance(op, str) or not op:
            out.add(i, name, "'op' must be a non-empty string", FormatError)
            op = "null"
        for key in raw:
            if key not in NODE_KEYS:
                out.add(i, name, f"unknown node field {str(key)[:40]!r}", FormatError)
        if "subgraphs" in raw:
            out.add(i, name, "control-flow subgraphs are not supported", FormatError)
        # attrs and attr fill one map, the one read last wins wholesale; param merges underneath
        attrs: dict[str, str] = {}
        for key in ("attrs", "attr"):
            if key in raw:
                attrs = _string_map(raw[key], key, i, name, out)
        if "param" in raw:
            for k, v in _string_map(raw["param"], "param", i, name, out).items():
                attrs.setdefault(k, v)
        moved: dict[str, dict] = {}
        if version < CURRENT_VERSION:
            attrs, moved = _upgrade_hidden_keys(attrs, op == "null")
        if version < 905 and op in ("argmax", "argmin") and attrs.get("axis") == "-1":
            attrs.pop("axis")
        entries: list[tuple[int, int]] = []
        raw_inputs = raw.get("inputs", [])
        if not isinstance(raw_inputs, list):
            out.add(i, name, "'inputs' must be a list", FormatError)
            raw_inputs = []
        for k, e in enumerate(raw_inputs):
            parsed = _entry(e, n, i, name, f"input {k}", out)
            if parsed is not None:
                entries.append(parsed)
        deps: list[int] = []
        for d in raw.get("control_deps", []) if isinstance(raw.get("control_deps", []), list) else []:
            if _is_int(d) and 0 <= d < n:
                deps.append(d)
            else:
                out.add(i, name, f"control dependency {str(d)[:20]} refers to no node")
        if op == "null" and entries:
            out.add(i, name, "a variable cannot have inputs")
            entries = []
        ops.append(op)
        names.append(name)
        attrs_list.append(attrs)
        inputs_list.append(entries)
        deps_list.append(deps)
        moved_attrs.append(moved)

    heads: list[tuple[int, int]] = []
    raw_heads = doc.get("heads", [])
    if not isinstance(raw_heads, list):
        out.add(None, "", "'heads' must be a list", FormatError)
        raw_heads = []
    for k, e in enumerate(raw_heads):
        if not (isinstance(e, list) and len(e) in (2, 3) and all(_is_int(x) for x in e)):
            out.add(None, "", f"head {k} must be [node, output, version]", FormatError)
        elif not 0 <= e[0] < n:
            out.add(None, "", f"head {k} refers to node {e[0]}, which does not exist ({n} nodes)")
        elif e[1] < 0:
            out.add(None, "", f"head {k} has a negative output index")
        else:
            heads.append((e[0], e[1]))
    if not raw_heads and "heads" in doc:
        out.add(None, "", "the graph has no heads (outputs)")
    arg_nodes = doc.get("arg_nodes", [])
    if not isinstance(arg_nodes, list):
        out.add(None, "", "'arg_nodes' must be a list", FormatError)
        arg_nodes = []
    for a in arg_nodes:
        if not _is_int(a) or not 0 <= a < n:
            out.add(None, "", f"arg_nodes entry {str(a)[:20]} refers to no node")
        elif ops[a] != "null":
            out.add(a, names[a], f"is listed in arg_nodes but is an operator ({ops[a]}), not a variable")
    # weight_lr_mult and friends move onto the variable feeding that input (needs input names)
    for i, moved in enumerate(moved_attrs):
        if moved:
            _apply_moved(i, ops[i], attrs_list, inputs_list, moved)
    if version < 900:
        _append_missing_inputs(ops, names, attrs_list, inputs_list, deps_list, out)

    seen: dict[str, int] = {}
    for i, (op, name) in enumerate(zip(ops, names)):
        if op == "null":
            if name in seen:
                out.add(i, name, f"duplicate variable name '{name}' (also node {seen[name]})")
            seen[name] = i
    order = _topological_order(inputs_list, deps_list, names, out)
    if order is None or (out.problems and not collect):
        return None, out.problems
    remap = {old: new for new, old in enumerate(order)}
    nodes = [Node(ops[i], names[i], attrs_list[i], [(remap[s], k) for s, k in inputs_list[i]],
                  [remap[d] for d in deps_list[i]]) for i in order]
    graph = Graph(nodes, [(remap[h], k) for h, k in heads], {"mxnet_version": ["int", CURRENT_VERSION]})
    return graph, out.problems


def _apply_moved(i: int, op_name: str, attrs_list, inputs_list, moved: dict[str, dict]) -> None:
    from ..ops.registry import get_op, has_op
    if not has_op(op_name):
        return
    op = get_op(op_name)
    try:
        input_names = op.input_names(op.parse(attrs_list[i]))
    except Exception:
        return
    for arg, extra in moved.items():
        if arg in input_names and input_names.index(arg) < len(inputs_list[i]):
            src = inputs_list[i][input_names.index(arg)][0]
            attrs_list[src] = {**attrs_list[src], **extra}


def _append_missing_inputs(ops, names, attrs_list, inputs_list, deps_list, out: _Collector) -> None:
    """Files older than 0.9.0 omit some inputs (BatchNorm's moving statistics): add `<node>_<arg>`."""
    from ..ops.registry import get_op, has_op
    for i in range(len(ops)):
        if ops[i] == "null" or not has_op(ops[i]):
            continue
        op = get_op(ops[i])
        try:
            expected = op.input_names(op.parse(attrs_list[i]))
        except Exception:
            continue
        for arg in expected[len(inputs_list[i]):]:
            extra = {}
            if arg in op.aux_inputs:
                extra = {"__init__": '["zero", {}]' if "mean" in arg else '["one", {}]'}
            ops.append("null")
            names.append(f"{names[i]}_{arg}")
            attrs_list.append({**attrs_list[i], **extra})
            inputs_list.append([])
            deps_list.append([])
            inputs_list[i] = inputs_list[i] + [(len(ops) - 1, 0)]


def _topological_order(inputs_list, deps_list, names, out: _Collector) -> list[int] | None:
    """Node order with inputs first. MXNet loads forward references; a cycle is an error."""
    n = len(inputs_list)
    if all(s < i for i in range(n) for s, _ in inputs_list[i]) and \
            all(d < i for i in range(n) for d in deps_list[i]):
        return list(range(n))
    state = [0] * n  # 0 new, 1 on stack, 2 done
    order: list[int] = []
    for root in range(n):
        if state[root]:
            continue
        stack = [(root, 0)]
        state[root] = 1
        while stack:
            i, k = stack.pop()
            deps = [s for s, _ in inputs_list[i]] + deps_list[i]
            if k < len(deps):
                stack.append((i, k + 1))
                d = deps[k]
                if state[d] == 1:
                    out.add(i, names[i], f"input refers to node {d} '{names[d]}', which depends on "
                            "this node: the graph has a cycle")
                    return None
                if state[d] == 0:
                    state[d] = 1
                    stack.append((d, 0))
            else:
                state[i] = 2
                order.append(i)
    return order


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null", bytes: "binary data"}.get(type(v), type(v).__name__)


def check_nesting(depth: int) -> None:
    if depth > limits.MAX_NESTING:
        raise LimitError(f"the document is nested deeper than {limits.MAX_NESTING} levels")


def graph_to_document(graph: Graph) -> dict[str, Any]:
    """The 1.x layout MXNet 1.9.1 writes (and loads)."""
    from ..signature import resolve
    r = resolve(graph)
    nodes = []
    for i, node in enumerate(graph.nodes):
        entry: dict[str, Any] = {"op": node.op, "name": node.name}
        if node.attrs:
            entry["attrs"] = {k: node.attrs[k] for k in sorted(node.attrs)}
        aux_slots = set(r.ops[i].aux_indices(r.params[i])) if r.ops[i] else set()
        # MXNet's Python writes version 1 for inputs wired into a mutable (aux) slot
        entry["inputs"] = [[s, k, 1 if slot in aux_slots else 0]
                           for slot, (s, k) in enumerate(node.inputs)]
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
