"""`symcli validate`: every problem reported with node index (in the file) and name; exit codes; --json."""
from __future__ import annotations

import json
import subprocess
import sys

import msgpack
import pytest

from symcli.validate import validate_file

V = {"mxnet_version": ["int", 10901]}


def write(tmp_path, document, name="g.json", encoding="json"):
    path = tmp_path / name
    if encoding == "json":
        path.write_text(json.dumps(document))
    else:
        path.write_bytes(msgpack.packb(document))
    return str(path)


def symcli(*args):
    return subprocess.run([sys.executable, "-m", "symcli", *args], capture_output=True, text=True)


MANY_PROBLEMS = {
    "nodes": [
        {"op": "null", "name": "x", "inputs": []},
        {"op": "null", "name": "x", "inputs": []},
        {"op": "NoSuchOp", "name": "bad", "inputs": [[0, 0, 0]]},
        {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "abc"}, "inputs": [[0, 0, 0]]},
        {"op": "elemwise_add", "name": "add", "inputs": [[0, 0, 0]]},
        {"op": "relu", "name": "r", "inputs": [[0, 3, 0]]},
        {"op": "relu", "name": "r", "inputs": [[5, 0, 0]]},
        {"op": "Custom", "name": "cu", "attrs": {"op_type": "x"}, "inputs": [[0, 0, 0]]},
        {"op": "relu", "name": "dangling", "inputs": [[42, 0, 0]]},
        {"op": "sum", "name": "s", "attrs": {"axis": "(0,", "bogus": "1"}, "inputs": [[0, 0, 0]]},
    ],
    "arg_nodes": [0, 1, 2], "heads": [[6, 0, 0], [6, 2, 0], [99, 0, 0]], "attrs": V,
}


@pytest.mark.parametrize("encoding", ["json", "msgpack"])
def test_every_problem_is_reported_with_node_and_name(tmp_path, encoding):
    report = validate_file(write(tmp_path, MANY_PROBLEMS, encoding=encoding))
    assert report["ok"] is False and report["nodes"] == 10
    got = [(p["node"], p["name"], p["message"]) for p in report["problems"]]

    def has(node, name, text):
        return any(n == node and nm == name and text in m for n, nm, m in got)
    assert has(None, "", "head 2 refers to node 99, which does not exist")
    assert has(None, "", "head 1 refers to output 2 of node 6 'r', which has 1")
    assert has(1, "x", "duplicate variable name 'x' (also node 0)")
    assert has(2, "bad", "is listed in arg_nodes but is an operator")
    assert has(2, "bad", "unknown operator 'NoSuchOp'")
    assert has(3, "fc", "num_hidden")
    assert has(4, "add", "expects 2 inputs [lhs, rhs], got 1")
    assert has(5, "r", "input 0 refers to output 3 of node 0 'x', which has 1")
    assert has(6, "r", "duplicate operator name 'r'")
    assert has(7, "cu", "custom operator")
    assert has(8, "dangling", "input 0 refers to node 42, which does not exist")
    assert any(n == 9 for n, _, _ in got)  # sum's bad attributes
    # graph-level problems first, then by node index
    order = [-1 if n is None else n for n, _, _ in got]
    assert order == sorted(order)


def test_cli_lines_and_json(tmp_path):
    path = write(tmp_path, MANY_PROBLEMS)
    run = symcli("validate", path)
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == len(validate_file(path)["problems"]) >= 12
    assert all(line.startswith(f"symcli: error: {path}: ") for line in lines)
    assert f"symcli: error: {path}: node 4 'add': elemwise_add expects 2 inputs" in run.stderr
    run = symcli("validate", path, "--json")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert set(report) >= {"ok", "nodes", "arguments", "outputs", "problems"} and report["ok"] is False
    assert all(set(p) == {"node", "name", "message"} for p in report["problems"])


def test_clean_graph_summary_line_and_json(tmp_path):
    doc = {"nodes": [{"op": "null", "name": "data", "inputs": []},
                     {"op": "null", "name": "fc1_weight", "inputs": []},
                     {"op": "null", "name": "fc1_bias", "inputs": []},
                     {"op": "FullyConnected", "name": "fc1", "attrs": {"num_hidden": "4"},
                      "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
                     {"op": "null", "name": "g", "inputs": []}, {"op": "null", "name": "b", "inputs": []},
                     {"op": "null", "name": "m", "inputs": []}, {"op": "null", "name": "v", "inputs": []},
                     {"op": "BatchNorm", "name": "bn",
                      "inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 1], [7, 0, 1]]},
                     {"op": "relu", "name": "relu1", "inputs": [[8, 0, 0]]}],
           "arg_nodes": [0, 1, 2, 4, 5, 6, 7], "heads": [[9, 0, 0]], "attrs": V}
    path = write(tmp_path, doc)
    run = symcli("validate", path)
    assert (run.returncode, run.stdout, run.stderr) == \
        (0, "ok: 10 nodes, 5 arguments, 2 auxiliary states, 1 output\n", "")
    report = json.loads(symcli("validate", path, "--json").stdout)
    assert report == {"ok": True, "nodes": 10, "arguments": ["data", "fc1_weight", "fc1_bias", "g", "b"],
                      "auxiliary_states": ["m", "v"], "outputs": ["relu1_output"], "problems": []}
    assert symcli("--quiet", "validate", path).stdout == ""


def test_declared_shape_and_dtype_conflicts(tmp_path):
    doc = {"nodes": [{"op": "null", "name": "x", "attrs": {"__shape__": "(2, 3)"}, "inputs": []},
                     {"op": "null", "name": "w", "attrs": {"__shape__": "(4, 5)"}, "inputs": []},
                     {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "4", "no_bias": "True"},
                      "inputs": [[0, 0, 0], [1, 0, 0]]}],
           "arg_nodes": [0, 1], "heads": [[2, 0, 0]], "attrs": V}
    report = validate_file(write(tmp_path, doc))
    assert not report["ok"]
    [problem] = report["problems"]
    assert problem["node"] == 2 and problem["name"] == "fc" and "FullyConnected" in problem["message"]
    doc["nodes"][1]["attrs"] = {"__shape__": "(4, 3)", "__dtype__": "1"}
    doc["nodes"][0]["attrs"]["__dtype__"] = "0"
    report = validate_file(write(tmp_path, doc))
    assert not report["ok"] and "float" in report["problems"][0]["message"]
    doc["nodes"][1]["attrs"] = {"__shape__": "(4, 3)"}
    assert validate_file(write(tmp_path, doc))["ok"]


def test_problem_indices_are_file_indices_for_forward_references(tmp_path):
    # the file lists the op first; the graph is sorted, but problems name the file's node 0
    doc = {"nodes": [{"op": "sum", "name": "s", "attrs": {"nope": "1"}, "inputs": [[1, 0, 0]]},
                     {"op": "null", "name": "x", "inputs": []}],
           "arg_nodes": [1], "heads": [[0, 0, 0]], "attrs": V}
    report = validate_file(write(tmp_path, doc))
    assert [(p["node"], p["name"]) for p in report["problems"]] == [(0, "s")]


def test_cycle_is_reported_and_operators_still_checked(tmp_path):
    doc = {"nodes": [{"op": "null", "name": "x", "inputs": []},
                     {"op": "relu", "name": "a", "inputs": [[2, 0, 0]]},
                     {"op": "Nope", "name": "b", "inputs": [[1, 0, 0]]}],
           "arg_nodes": [0], "heads": [[2, 0, 0]], "attrs": V}
    messages = [p["message"] for p in validate_file(write(tmp_path, doc))["problems"]]
    assert any("cycle" in m for m in messages) and any("unknown operator 'Nope'" in m for m in messages)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"), (b"{", "invalid JSON"), (b"\x85\x01", "invalid msgpack|truncated"),
    (b"[" * 5000, "nested deeper"),
])
def test_undecodable_files_are_one_problem(tmp_path, content, message):
    import re
    path = tmp_path / "g.json"
    path.write_bytes(content)
    report = validate_file(str(path))
    assert not report["ok"] and len(report["problems"]) == 1
    assert re.search(message, report["problems"][0]["message"])
    run = symcli("validate", str(path))
    assert run.returncode == 1 and len(run.stderr.splitlines()) == 1


def test_missing_file_is_exit_1(tmp_path):
    run = symcli("validate", str(tmp_path / "nope.json"))
    assert run.returncode == 1 and run.stderr.strip().endswith("nope.json: no such file")


def test_problem_count_is_capped(tmp_path):
    nodes = [{"op": "null", "name": "x", "inputs": []}] + \
        [{"op": "relu", "name": f"r{i}", "inputs": [[10 ** 6, 0, 0]]} for i in range(1500)]
    report = validate_file(write(tmp_path, {"nodes": nodes, "arg_nodes": [0], "heads": [[1, 0, 0]], "attrs": V}))
    assert len(report["problems"]) == 1001 and report["problems"][-1]["message"] == "... and 500 more problems"


def test_names_with_control_characters_stay_on_one_line(tmp_path):
    doc = {"nodes": [{"op": "null", "name": "x", "inputs": []},
                     {"op": "Nope", "name": "evil\nname\r\x1b[31m\u2028", "inputs": [[0, 0, 0]]}],
           "arg_nodes": [0], "heads": [[1, 0, 0]], "attrs": V}
    run = symcli("validate", write(tmp_path, doc))
    assert run.returncode == 1 and len(run.stderr.splitlines()) == 1 and "\x1b" not in run.stderr
