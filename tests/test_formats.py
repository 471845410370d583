"""Symbol JSON and msgpack: MXNet's layouts read, the 1.9.1 layout written byte for byte, round trips.

Goldens under tests/goldens/json/ were written by MXNet 1.9.1 (tools/make_json_goldens.py).
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import msgpack
import pytest

from symcli.codec import decode_document, encode_graph, read_graph, sniff
from symcli.codec import msgpack_codec, symbol_json
from symcli.codec.document import graph_from_document, load_document
from symcli.errors import FormatError, GraphError, SymcliError

GOLDENS = pathlib.Path(__file__).parent / "goldens" / "json"
GOLDEN_NAMES = sorted(p.name[:-5] for p in GOLDENS.glob("*.json") if not p.name.endswith(".in.json"))

# conformance graphs that are broken on purpose (the invalid suite); every other one must load
BROKEN_CASES = {"arg_nodes_op_node", "bad_attribute", "custom_op", "cycle", "deep_nesting", "duplicate_variable",
                "empty_file", "head_out_of_range", "input_nonexistent_node", "invalid_json", "missing_nodes",
                "msgpack_not_a_map", "not_an_object", "truncated_json", "truncated_msgpack", "unknown_operator",
                "infer_shape__unknown_operator", "validate__cycle", "validate__duplicate_variable",
                "validate__unknown_operator"}
V = {"mxnet_version": ["int", 10901]}


def _canonical(path: pathlib.Path, fmt: str = "json") -> bytes:
    return encode_graph(read_graph(str(path)), fmt)


def doc(nodes, heads, arg_nodes=None, attrs=V, **top):
    d = {"nodes": nodes, "arg_nodes": arg_nodes if arg_nodes is not None else
         [i for i, n in enumerate(nodes) if n.get("op") == "null"], "heads": heads}
    if attrs is not None:
        d["attrs"] = attrs
    d.update(top)
    return d


def var(name, **attrs):
    n = {"op": "null", "name": name, "inputs": []}
    if attrs:
        n["attrs"] = attrs
    return n


def op(op_name, name, inputs, **extra):
    n = {"op": op_name, "name": name, "inputs": inputs}
    n.update(extra)
    return n


def load(d, **kw):
    return graph_from_document(d, **kw)


# -- goldens: MXNet's bytes, reproduced ------------------------------------------------------------
@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_writer_reproduces_mxnet_golden(name):
    source = GOLDENS / (name + ".in.json")
    if not source.exists():
        source = GOLDENS / (name + ".json")
    expected = (GOLDENS / (name + ".json")).read_bytes()
    assert _canonical(source) == expected


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_msgpack_round_trip_of_golden_is_byte_identical(name, tmp_path):
    expected = (GOLDENS / (name + ".json")).read_bytes()
    packed = _canonical(GOLDENS / (name + ".json"), "msgpack")
    assert packed[:1] in (b"\x85",)  # a 5-entry map: the canonical document
    mp = tmp_path / "g.msgpack"
    mp.write_bytes(packed)
    assert _canonical(mp) == expected
    assert _canonical(mp, "msgpack") == packed


def test_goldens_cover_the_writer_layout_rules():
    """The goldens exercise what the layout rules distinguish (guards against a thinned set)."""
    texts = {n: (GOLDENS / (n + ".json")).read_text(encoding="utf-8") for n in GOLDEN_NAMES}
    assert '"inputs": [\n        [0, 0, 0], \n' in texts["concat11"]       # > 10 entries: one per line
    assert '"heads": [\n    [1, 0, 0], \n' in texts["split12_heads"]      # > 10 heads
    assert '[5, 0, 1], [6, 0, 1]]' in texts["batchnorm"]                 # aux slots version 1
    assert '[6, 0, 0], [7, 0, 0]]' in texts["legacy_0800"]               # upgraded aux version 0
    assert '\x01' in texts["strings"] and '\\"' in texts["strings"]      # raw control char, escapes
    assert '"control_deps": [1]' in texts["control_deps"]


# -- every conformance graph ---------------------------------------------------------------------
def _conformance_graphs():
    from conftest import CONFORMANCE
    if not CONFORMANCE.is_dir():
        return []
    return sorted(CONFORMANCE.glob("*/*/graph.json")) + sorted(CONFORMANCE.glob("*/*/graph.msgpack"))


@pytest.mark.parametrize("path", _conformance_graphs(), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_conformance_graph_loads_validates_and_round_trips(path, tmp_path):
    from symcli.validate import validate_file
    report = validate_file(str(path))
    if path.parent.name in BROKEN_CASES:
        assert not report["ok"] and report["problems"]
        return
    assert report["ok"], report["problems"]
    first = _canonical(path)
    json_path = tmp_path / "a.json"
    json_path.write_bytes(first)
    packed = _canonical(json_path, "msgpack")
    mp_path = tmp_path / "a.msgpack"
    mp_path.write_bytes(packed)
    assert _canonical(mp_path) == first
    assert _canonical(json_path) == first
    assert _canonical(mp_path, "msgpack") == packed


def test_conformance_graphs_are_present_when_shared_is():
    from conftest import CONFORMANCE
    if not CONFORMANCE.is_dir():
        pytest.skip("../shared is absent")
    assert len(_conformance_graphs()) > 300


# -- reading: the 1.x layout and its checks ---------------------------------------------------------
def test_minimal_document_and_entry_forms():
    g, problems = load(doc([var("x"), op("relu", "r", [[0, 0]])], [[1, 0, 0]], attrs=None))
    assert problems == [] and g.nodes[1].inputs == ((0, 0),) and g.heads == ((1, 0),)


@pytest.mark.parametrize("bad, message", [
    ({"nodes": [var("x")], "arg_nodes": [0], "heads": [[0, 0, 0]], "foo": 1}, "unknown top-level field 'foo'"),
    ({"nodes": [var("x")], "heads": [[0, 0, 0]]}, "missing field 'arg_nodes'"),
    (doc([var("x")], [[0, 0, 0, 0]]), "head 0 must be [node, output, version]"),
    (doc([var("x")], [[0]]), "head 0 must be"),
    (doc([var("x")], [[0.0, 0, 0]]), "head 0 must be"),
    (doc([var("x")], [[True, 0, 0]]), "head 0 must be"),
    (doc([var("x")], [[1, 0, 0]]), "head 0 refers to node 1, which does not exist"),
    (doc([var("x")], [[0, -1, 0]]), "out of range"),
    (doc([var("x")], [[0, 0, 2 ** 32]]), "out of range"),
    (doc([var("x")], []), "no heads"),
    (doc([], [[0, 0, 0]]), "no nodes"),
    (doc([{"op": "null", "name": "x"}], [[0, 0, 0]]), "missing field 'inputs'"),
    (doc([{"name": "x", "inputs": []}], [[0, 0, 0]]), "missing field 'op'"),
    (doc([{"op": "null", "inputs": []}], [[0, 0, 0]]), "missing field 'name'"),
    (doc([var("x") | {"colour": "red"}], [[0, 0, 0]]), "unknown node field 'colour'"),
    (doc([var("x", num_hidden=4)], [[0, 0, 0]]), "must be a string, not an integer"),
    (doc([var("x") | {"attrs": [1]}], [[0, 0, 0]]), "'attrs' must be an object"),
    (doc([var("x"), op("relu", "r", "0")], [[1, 0, 0]]), "'inputs' must be a list"),
    (doc([var("x"), op(7, "r", [[0, 0, 0]])], [[1, 0, 0]]), "'op' must be an operator name"),
    (doc([var("x"), op("", "r", [[0, 0, 0]])], [[1, 0, 0]]), "'op' must be an operator name"),
    (doc([var("x") | {"inputs": [[0, 0, 0]]}], [[0, 0, 0]]), "cannot have inputs"),
    (doc([var("x"), op("relu", "r", [[0, 0, 0]], control_deps=[5])], [[1, 0, 0]]), "control dependency 5"),
    (doc([var("x"), op("relu", "r", [[0, 0, 0]], subgraphs=[])], [[1, 0, 0]]), "subgraphs"),
    (doc([var("x"), op("relu", "r", [[0, 0, 0]])], [[1, 0, 0]], arg_nodes=[1]), "listed in arg_nodes"),
    (doc([var("x"), op("relu", "r", [[0, 0, 0]])], [[1, 0, 0]], arg_nodes=[9]), "arg_nodes entry 9"),
    (doc([var("x"), var("x"), op("elemwise_add", "a", [[0, 0, 0], [1, 0, 0]])], [[2, 0, 0]]),
     "duplicate variable name 'x' (also node 0)"),
    (doc([var("x")], [[0, 0, 0]], attrs={"mxnet_version": 10901}), "mxnet_version"),
    (doc([var("x")], [[0, 0, 0]], attrs={"mxnet_version": ["str", "10901"]}), "mxnet_version"),
    (doc([var("x")], [[0, 0, 0]], attrs={"foo": 3}), "graph attribute 'foo'"),
    (doc([var("x")], [[0, 0, 0]], node_row_ptr="junk"), "node_row_ptr"),
    (doc([var("x") | {"backward_source_id": "a"}], [[0, 0, 0]]), "backward_source_id"),
    ([1, 2], "must be an object"),
])
def test_malformed_documents_are_refused(bad, message):
    with pytest.raises(SymcliError) as info:
        load(bad)
    assert message in str(info.value)


def test_cycle_and_forward_references():
    # a forward reference is fine (MXNet loads it) and is sorted topologically
    g, _ = load(doc([op("relu", "r", [[1, 0, 0]]), var("x")], [[0, 0, 0]]))
    assert [n.name for n in g.nodes] == ["x", "r"] and g.heads == ((1, 0),)
    with pytest.raises(GraphError, match="node 1 'b'.*cycle"):
        load(doc([var("x"), op("relu", "b", [[2, 0, 0]]), op("relu", "c", [[1, 0, 0]])], [[2, 0, 0]]))
    with pytest.raises(GraphError, match="cycle"):  # through a control dependency
        load(doc([var("x"), op("relu", "b", [[0, 0, 0]], control_deps=[2]), op("relu", "c", [[1, 0, 0]])],
                 [[2, 0, 0]]))


def test_collect_mode_reports_every_problem_with_file_indices():
    bad = doc([op("relu", "r", [[3, 0, 0]]), var("x"), var("x"), op("relu", "s", [[7, 0, 0]]),
               var("y") | {"inputs": [[0, 0, 0]]}], [[0, 0, 0], [9, 0, 0]], arg_nodes=[0, 1])
    loaded = load_document(bad, collect=True)
    found = {(p.node, p.message.split(" (")[0]) for p in loaded.problems}
    assert (3, "input 0 refers to node 7, which does not exist") in found
    assert (None, "head 1 refers to node 9, which does not exist") in found
    assert (4, "a variable") in {(p.node, p.message[:10]) for p in loaded.problems}
    assert (2, "duplicate variable name 'x'") in found
    assert (0, "is listed in arg_nodes but is an operator") in {(p.node, p.message.split(" (")[0])
                                                                for p in loaded.problems}
    assert loaded.graph is not None


# -- legacy layouts (mxnet-format.md §2) -----------------------------------------------------------
def test_attr_and_attrs_the_later_one_wins_and_param_merges_under():
    nodes = [var("x"), {"op": "sum", "name": "s", "attr": {"axis": "1"}, "attrs": {"keepdims": "True"},
                        "inputs": [[0, 0, 0]]}]
    g, _ = load(doc(nodes, [[1, 0, 0]]))
    assert dict(g.nodes[1].attrs) == {"keepdims": "True"}
    nodes[1] = {"op": "sum", "name": "s", "attrs": {"keepdims": "True"}, "attr": {"axis": "1"},
                "inputs": [[0, 0, 0]]}
    g, _ = load(doc(nodes, [[1, 0, 0]]))
    assert dict(g.nodes[1].attrs) == {"axis": "1"}
    nodes[1] = {"op": "sum", "name": "s", "param": {"axis": "1", "keepdims": "True"},
                "attrs": {"keepdims": "False"}, "inputs": [[0, 0, 0]]}
    g, _ = load(doc(nodes, [[1, 0, 0]]))
    assert dict(g.nodes[1].attrs) == {"axis": "1", "keepdims": "False"}


def test_hidden_keys_are_upgraded_only_below_1_9_1():
    def fc_doc(version):
        return doc([var("x", lr_mult="3", fc_lr_mult="4"), var("w"),
                    op("FullyConnected", "fc", [[0, 0, 0], [1, 0, 0]],
                       attrs={"num_hidden": "2", "no_bias": "True", "wd_mult": "0.5", "weight_lr_mult": "2",
                              "bias_lr_mult": "9", "__ctx_group__": "g"})],
                   [[2, 0, 0]], attrs={"mxnet_version": ["int", version]})
    g, _ = load(fc_doc(10900))
    assert dict(g.nodes[0].attrs) == {"__lr_mult__": "3", "fc_lr_mult": "4"}   # variables keep <arg>_key
    assert dict(g.nodes[1].attrs) == {"__lr_mult__": "2"}                      # moved to the weight
    # no bias input: the key stays on the op (and will fail to parse, as in MXNet)
    assert dict(g.nodes[2].attrs) == {"num_hidden": "2", "no_bias": "True", "__wd_mult__": "0.5",
                                      "bias_lr_mult": "9", "__ctx_group__": "g"}
    g, _ = load(fc_doc(10901))
    assert dict(g.nodes[2].attrs)["wd_mult"] == "0.5" and "weight_lr_mult" in g.nodes[2].attrs


def test_hidden_key_moves_only_onto_variables():
    d = doc([var("x"), op("relu", "r", [[0, 0, 0]]), op("relu", "r2", [[1, 0, 0]], attrs={"data_lr_mult": "2"})],
            [[2, 0, 0]], attrs={"mxnet_version": ["int", 10800]})
    g, _ = load(d)
    assert dict(g.nodes[2].attrs) == {"data_lr_mult": "2"} and dict(g.nodes[1].attrs) == {}


def test_argmax_axis_minus_one_upgrade():
    def am(version):
        attrs = {"mxnet_version": ["int", version]} if version else None
        g, _ = load(doc([var("x"), op("argmax", "a", [[0, 0]], attrs={"axis": "-1"})], [[1, 0]], attrs=attrs))
        return dict(g.nodes[1].attrs)
    assert am(None) == {} and am(904) == {} and am(905) == {"axis": "-1"}


def test_legacy_0800_appends_missing_inputs_with_copied_attrs():
    d = {"nodes": [{"op": "null", "name": "data", "param": {}, "inputs": [], "backward_source_id": -1},
                   {"op": "BatchNorm", "name": "bn", "param": {"eps": "0.001"}, "inputs": [[0, 0]]}],
         "arg_nodes": [0], "heads": [[1, 0]]}
    g, _ = load(d)
    names = [n.name for n in g.nodes]
    # the appended variables come after bn in the file; the graph is sorted topologically
    assert names == ["data", "bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_var", "bn"]
    assert dict(g.nodes[3].attrs) == {"eps": "0.001", "__init__": '["zero", {}]'}
    assert dict(g.nodes[4].attrs) == {"eps": "0.001", "__init__": '["one", {}]'}
    assert dict(g.nodes[1].attrs) == {"eps": "0.001"}
    assert g.nodes[5].inputs == ((0, 0), (1, 0), (2, 0), (3, 0), (4, 0))
    # re-saved as MXNet does: 1.9.1 layout, appended aux entries with version 0
    text = symbol_json.dumps(g)
    assert '[[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0]]' in text
    assert '"mxnet_version": ["int", 10901]' in text and '"param"' not in text


def test_version_0_9_0_does_not_append_inputs():
    d = doc([var("x"), op("FullyConnected", "fc", [[0, 0, 0]], attrs={"num_hidden": "3"})], [[1, 0, 0]],
            attrs={"mxnet_version": ["int", 900]})
    g, _ = load(d)
    assert len(g.nodes) == 2
    from symcli.signature import resolve
    with pytest.raises(GraphError, match="expects 3 inputs"):
        resolve(g)


# -- writing ------------------------------------------------------------------------------------
def test_writer_escapes_only_what_dmlc_escapes():
    assert symbol_json._string('a"b\\c\nd\re\tf\x01g\u00e9/') == '"a\\"b\\\\c\\nd\\re\\tf\x01g\u00e9/"'


def test_writer_layout_small_document():
    g, _ = load(doc([var("x", __shape__="(2, 3)"), op("relu", "r", [[0, 0, 0]])], [[1, 0, 0]]))
    assert symbol_json.dumps(g) == (
        '{\n  "nodes": [\n    {\n      "op": "null", \n      "name": "x", \n      "attrs": {"__shape__": '
        '"(2, 3)"}, \n      "inputs": []\n    }, \n    {\n      "op": "relu", \n      "name": "r", \n'
        '      "inputs": [[0, 0, 0]]\n    }\n  ], \n  "arg_nodes": [0], \n  "node_row_ptr": [0, 1, 2], \n'
        '  "heads": [[1, 0, 0]], \n  "attrs": {"mxnet_version": ["int", 10901]}\n}')


def test_writer_drops_unreachable_nodes_and_uses_canonical_names():
    g, _ = load(doc([var("dead"), var("a"), op("_Plus", "p", [[1, 0, 0], [1, 0, 0]]),
                     op("relu", "unused", [[0, 0, 0]])], [[2, 0, 0]]))
    out = json.loads(symbol_json.dumps(g))
    assert [(n["op"], n["name"]) for n in out["nodes"]] == [("null", "a"), ("elemwise_add", "p")]
    assert out["arg_nodes"] == [0] and out["heads"] == [[1, 0, 0]]


def test_json_with_control_characters_and_unicode_round_trips():
    g, _ = load(doc([var('q"\\\t\x01\u2603'), op("relu", "r", [[0, 0, 0]])], [[1, 0, 0]]))
    text = symbol_json.dumps(g)
    again = symbol_json.loads(text)
    assert again.nodes[0].name == 'q"\\\t\x01\u2603'
    assert symbol_json.dumps(again) == text


# -- decoding and sniffing ---------------------------------------------------------------------------
def test_sniffing_is_by_content():
    assert sniff(b"  \n\t{") == "json" and sniff(b"\xef\xbb\xbf{") == "json" and sniff(b"[1]") == "json"
    assert sniff(b"") == "json"  # then "the file is empty"
    packed = msgpack.packb({"nodes": []})
    assert sniff(packed) == "msgpack"


def test_msgpack_file_named_json_and_json_with_bom(tmp_path):
    d = doc([var("x"), op("relu", "r", [[0, 0, 0]])], [[1, 0, 0]])
    (tmp_path / "g.json").write_bytes(msgpack.packb(d))
    (tmp_path / "h.msgpack").write_bytes(b"\xef\xbb\xbf\n  " + json.dumps(d).encode())
    a = read_graph(str(tmp_path / "g.json"))
    b = read_graph(str(tmp_path / "h.msgpack"))
    assert symbol_json.dumps(a) == symbol_json.dumps(b)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"   \n", "empty"), (b"{", "invalid JSON"), (b'{"a": NaN}', "NaN is not a JSON value"),
    (b'{"a": [' + b"1" * 5000 + b"]}", "invalid JSON"), (b'{"a": "\\ud800"}', "unpaired surrogate"),
    (b'{"a": "\xff"}', "not valid UTF-8"), (b"[" * 100000, "nested deeper"),
    (b'{"a":' * 65 + b"1" + b"}" * 65, "nested deeper"),
])
def test_json_decoding_errors(data, message):
    with pytest.raises(FormatError, match=message):
        decode_document(data)


@pytest.mark.parametrize("data, message", [
    (msgpack.packb({"nodes": [1, 2, 3]})[:-1], "truncated"),
    (msgpack.packb({"a": 1}) + b"\x00", "trailing"),
    (b"\xdd\xff\xff\xff\xff", "truncated|invalid"),            # array32 claiming 4 billion items
    (b"\x81\x01\x02", "invalid msgpack"),                      # an integer map key
    (msgpack.packb({"nodes": [{"op": "null", "name": b"x", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0]]},
                   use_bin_type=True), None),                  # bin value: decodes, rejected later
    (b"\x81\xa1a\xa1\xff", "UTF-8"),
    (b"\xc1", "invalid msgpack"),                              # the never-used byte
    (b"\x91" * 70 + b"\x00", "nested deeper"),
    (b"\x91" * 5000 + b"\x00", "nested deeper|invalid msgpack"),
])
def test_msgpack_decoding_errors(data, message):
    if message is None:
        assert decode_document(data)["nodes"][0]["name"] == b"x"
        with pytest.raises(FormatError, match="'name' must be a string, not binary data"):
            graph_from_document(decode_document(data))
        return
    with pytest.raises(FormatError, match=message):
        msgpack_codec.decode(data)


def test_convert_cli_round_trip_is_byte_stable(tmp_path):
    src = GOLDENS / "mlp_softmax.json"
    run = [sys.executable, "-m", "symcli", "convert"]
    subprocess.run(run + [str(src), str(tmp_path / "a.msgpack")], check=True)
    subprocess.run(run + [str(tmp_path / "a.msgpack"), str(tmp_path / "b.json")], check=True)
    subprocess.run(run + [str(tmp_path / "b.json"), str(tmp_path / "c.bin"), "--format", "msgpack"], check=True)
    assert (tmp_path / "b.json").read_bytes() == src.read_bytes()
    assert (tmp_path / "c.bin").read_bytes() == (tmp_path / "a.msgpack").read_bytes()


def test_schema_agrees_with_the_reader_and_the_limits():
    from symcli.codec import document, limits
    schema = json.loads((pathlib.Path(__file__).parent.parent / "formats" / "symbol.schema.json").read_text())
    assert set(schema["properties"]) == set(document.TOP_KEYS)
    assert set(schema["required"]) == set(document.REQUIRED_TOP_KEYS)
    node = schema["$defs"]["node"]
    assert set(node["properties"]) == set(document.NODE_KEYS)
    assert set(node["required"]) == set(document.REQUIRED_NODE_KEYS)
    assert schema["properties"]["nodes"]["maxItems"] == limits.MAX_NODES
    assert node["properties"]["inputs"]["maxItems"] == limits.MAX_INPUTS
    assert node["properties"]["name"]["maxLength"] == limits.MAX_NAME_LENGTH
    assert schema["$defs"]["string_map"]["additionalProperties"]["maxLength"] == limits.MAX_ATTR_VALUE_LENGTH
