"""MXNet `.params` files: reading every record version, byte-identical writing (goldens from
tools/make_goldens_params.py, made by MXNet 1.9.1) and refusing malformed files cleanly."""
from __future__ import annotations

import pathlib
import struct

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symcli.codec.params import decode_params, encode_params, read_params, write_params
from symcli.errors import FormatError

GOLDENS = np.load(pathlib.Path(__file__).parent / "goldens" / "params.npz")


def _golden(case: str):
    raw = GOLDENS[f"{case}/bytes"].tobytes()
    names = [str(n) for n in GOLDENS[f"{case}/names"]] if f"{case}/names" in GOLDENS.files else None
    arrays = []
    while f"{case}/{len(arrays)}" in GOLDENS.files:
        arrays.append(GOLDENS[f"{case}/{len(arrays)}"])
    return raw, names, arrays


READABLE = ["doc_example", "checkpoint_style", "list_dtypes", "bfloat16", "empty_dict", "empty_list",
            "single", "np_shape", "legacy_v1_v0"]


@pytest.mark.parametrize("case", READABLE)
def test_reads_what_mxnet_loads(case):
    raw, names, want = _golden(case)
    arrays, got_names = decode_params(raw)
    assert (got_names or []) == (names or [])
    assert len(arrays) == len(want)
    for got, exp in zip(arrays, want):
        assert got.dtype == exp.dtype and got.shape == exp.shape
        np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("case", ["doc_example", "checkpoint_style", "list_dtypes", "empty_list", "np_shape"])
def test_writes_the_bytes_mxnet_writes(case):
    raw, names, arrays = _golden(case)
    data = dict(zip(names, arrays)) if names else list(arrays)
    assert encode_params(data) == raw


def test_empty_dict_and_single_array():
    assert encode_params({}) == _golden("empty_dict")[0]
    raw, _, arrays = _golden("single")
    assert encode_params(arrays[0]) == raw


def test_doc_hex_dump_layout():
    raw = encode_params({"a": np.array([1.0, 2.0], np.float32), "bb": np.array([[7]], np.int32)})
    assert len(raw) == 135
    assert raw[:8] == (0x112).to_bytes(8, "little") and raw[0x18:0x1C] == bytes.fromhex("c9fa93f9")
    assert raw[0x74:] == b"\x01" + b"\x00" * 7 + b"a" + b"\x02" + b"\x00" * 7 + b"bb"


def test_file_round_trip_keeps_order_and_prefixes(tmp_path):
    arrays = {"arg:w": np.arange(6, dtype=np.float64).reshape(2, 3), "aux:m": np.ones(3, np.float16),
              "arg:b": np.array([1, 2], np.int64)}
    path = tmp_path / "w.params"
    write_params(str(path), arrays)
    back = read_params(str(path))
    assert list(back) == list(arrays)
    for k in arrays:
        assert back[k].dtype == arrays[k].dtype
        np.testing.assert_array_equal(back[k], arrays[k])


def test_list_form_keys_are_positions(tmp_path):
    path = tmp_path / "l.params"
    write_params(str(path), [np.zeros(2, np.float32), np.ones((1, 1), np.int32)])
    assert list(read_params(str(path))) == ["0", "1"]


def test_zero_d_array_round_trips_as_a_v3_record():
    raw = encode_params({"s": np.array(4.0, np.float32)})
    assert raw[24:28] == struct.pack("<I", 0xF993FACA)
    arrays, _ = decode_params(raw)
    assert arrays[0].shape == () and arrays[0] == 4.0


def test_other_integer_flags_read():
    rec = lambda flag, payload: struct.pack("<Iii", 0xF993FAC9, 0, 1) + struct.pack("<q", 2) + \
        struct.pack("<iii", 1, 0, flag) + payload
    raw = struct.pack("<QQQ", 0x112, 0, 4) + rec(8, np.int16([-2, 3]).tobytes()) + \
        rec(9, np.uint16([1, 65535]).tobytes()) + rec(10, np.uint32([7, 2**32 - 1]).tobytes()) + \
        rec(11, np.uint64([0, 2**64 - 1]).tobytes()) + struct.pack("<Q", 0)
    arrays, _ = decode_params(raw)
    assert [a.dtype.name for a in arrays] == ["int16", "uint16", "uint32", "uint64"]
    assert arrays[3][1] == 2**64 - 1


# -- malformed files: one clear FormatError, nothing allocated from declared sizes ------------------
def _one_line_error(raw: bytes, match: str):
    with pytest.raises(FormatError, match=match) as info:
        decode_params(raw, "w.params")
    assert "\n" not in str(info.value) and str(info.value).startswith("w.params: ")


def test_sparse_is_refused():
    _one_line_error(_golden("csr")[0], "csr .*not supported")


def test_every_truncation_is_an_error():
    raw = _golden("doc_example")[0]
    for cut in range(len(raw)):
        with pytest.raises(FormatError):
            decode_params(raw[:cut])


def test_bad_header_and_name_count():
    _one_line_error(b"\x00" * 40, "not an MXNet .params file")
    raw = bytearray(_golden("doc_example")[0])
    raw[0x6C:0x74] = struct.pack("<Q", 1)  # 1 name for 2 arrays
    _one_line_error(bytes(raw), "1 names for 2 arrays")


def test_huge_declarations_are_checked_before_allocating():
    header = struct.pack("<QQQ", 0x112, 0, 2**60)
    _one_line_error(header + b"\x00" * 16, "exceed the limit|arrays declared")
    header = struct.pack("<QQQ", 0x112, 0, 1)
    big = struct.pack("<Iii2q", 0xF993FAC9, 0, 2, 2**31, 2**31) + struct.pack("<iii", 1, 0, 1)
    _one_line_error(header + big + b"\x00" * 64, "36893488147419103232 bytes exceed the per-array limit")
    deep = struct.pack("<Iii", 0xF993FAC9, 0, 1000)
    _one_line_error(header + deep, "invalid rank 1000")
    neg = struct.pack("<Iiiq", 0xF993FAC9, 0, 1, -5)
    _one_line_error(header + neg + b"\x00" * 32, "negative dimension")
    record = _golden("single")[0][24:-8]
    _one_line_error(header + record + struct.pack("<QQ", 1, 2**40), "name 0 is 1099511627776 bytes long")
    _one_line_error(header + record + struct.pack("<QQ", 1, 50) + b"abc", "truncated file: name 0")


def test_unknown_type_flag_and_duplicate_names():
    rec = struct.pack("<Iiiq", 0xF993FAC9, 0, 1, 1) + struct.pack("<iii", 1, 0, 42) + b"\x00" * 8
    _one_line_error(struct.pack("<QQQ", 0x112, 0, 1) + rec + struct.pack("<Q", 0), "unknown type flag 42")
    raw = encode_params({"a": np.zeros(1, np.float32), "b": np.zeros(1, np.float32)})
    _one_line_error(raw.replace(b"\x01\x00\x00\x00\x00\x00\x00\x00b", b"\x01\x00\x00\x00\x00\x00\x00\x00a"),
                    "appears twice")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 252), st.integers(0, 255))
def test_corrupted_bytes_never_crash(pos, value):
    raw = bytearray(_golden("checkpoint_style")[0])
    raw[pos] = value
    try:
        decode_params(bytes(raw))
    except FormatError:
        pass


def test_write_refuses_unstorable_dtypes():
    with pytest.raises(FormatError, match="complex128"):
        encode_params({"c": np.zeros(2, np.complex128)})


def test_cli_reads_params_files(tmp_path):
    from symcli.cli import _read_array_file
    path = tmp_path / "w.params"
    write_params(str(path), {"arg:x": np.ones(2, np.float32)})
    assert list(_read_array_file(str(path))) == ["arg:x"]
    with open(path, "r+b") as fh:
        fh.truncate(50)
    with pytest.raises(FormatError, match="truncated"):
        _read_array_file(str(path))


# -- weight bundles (formats/bundle.md) ---------------------------------------------------------------
def _cli(*args):
    from click.testing import CliRunner
    from symcli.cli import main
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def bn_model(tmp_path):
    import symcli.symbol as sx
    from symcli.codec import encode_graph
    bn = sx.BatchNorm(sx.Variable("x"), fix_gamma=False, name="bn")
    out = sx.Activation(bn, act_type="tanh", name="act")
    graph_path = tmp_path / "model-symbol.json"
    graph_path.write_bytes(encode_graph(out.graph, "json"))
    rng = np.random.default_rng(1)
    weights = {"arg:bn_gamma": rng.uniform(0.5, 1.5, 3).astype(np.float32),
               "arg:bn_beta": rng.uniform(-1, 1, 3).astype(np.float32),
               "aux:bn_moving_mean": rng.uniform(-1, 1, 3).astype(np.float32),
               "aux:bn_moving_var": rng.uniform(0.5, 2, 3).astype(np.float32)}
    params_path = tmp_path / "model-0000.params"
    write_params(str(params_path), weights)
    x_path = tmp_path / "x.npy"
    np.save(x_path, rng.standard_normal((2, 3, 4)).astype(np.float32))
    return graph_path, params_path, x_path, weights


def test_bundle_round_trip_and_split(bn_model, tmp_path):
    graph_path, params_path, _, weights = bn_model
    bundle = tmp_path / "b.msgpack"
    assert _cli("convert", graph_path, bundle, "--params", params_path).exit_code == 0
    from symcli.codec.bundle import read_bundle
    graph, back = read_bundle(str(bundle))
    assert list(back) == list(weights)
    for k in weights:
        np.testing.assert_array_equal(back[k], weights[k])
    split_graph = tmp_path / "split" / "model-symbol.json"
    split_graph.parent.mkdir()
    result = _cli("convert", bundle, split_graph, "--split")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "split" / "model-symbol.params").read_bytes() == params_path.read_bytes()
    assert split_graph.read_bytes() == graph_path.read_bytes()


def test_running_a_bundle_uses_its_weights(bn_model, tmp_path):
    graph_path, params_path, x_path, _ = bn_model
    bundle = tmp_path / "b.msgpack"
    assert _cli("convert", graph_path, bundle, "--params", params_path).exit_code == 0
    plain, bundled = tmp_path / "plain.npz", tmp_path / "bundled.npz"
    assert _cli("run", graph_path, "--params", params_path, "-i", f"x={x_path}", "-o", plain).exit_code == 0
    result = _cli("run", bundle, "-i", f"x={x_path}", "-o", bundled)
    assert result.exit_code == 0, result.output
    a, b = np.load(plain), np.load(bundled)
    assert a.files == b.files == ["act_output"]
    np.testing.assert_array_equal(a["act_output"], b["act_output"])
    assert _cli("validate", bundle).exit_code == 0


def test_bad_bundles_are_one_line_errors(bn_model, tmp_path):
    import msgpack
    graph_path, params_path, _, _ = bn_model
    bundle = tmp_path / "b.msgpack"
    _cli("convert", graph_path, bundle, "--params", params_path)
    doc = msgpack.unpackb(bundle.read_bytes(), raw=False)
    cases = {
        "version": ({**doc, "symcli_bundle": 2}, "unsupported bundle version 2"),
        "size": ({**doc, "params": {**doc["params"], "arg:bn_beta": {**doc["params"]["arg:bn_beta"],
                                                                    "shape": [4]}}}, "needs 16 bytes"),
        "dtype": ({**doc, "params": {"arg:bn_beta": {**doc["params"]["arg:bn_beta"], "dtype": "object"}}},
                  "unsupported dtype"),
    }
    for name, (bad, message) in cases.items():
        path = tmp_path / f"{name}.msgpack"
        path.write_bytes(msgpack.packb(bad, use_bin_type=True))
        result = _cli("convert", path, tmp_path / f"{name}.json", "--split")
        assert result.exit_code == 1 and message in result.output, (name, result.output)
        assert not (tmp_path / f"{name}.json").exists() and not (tmp_path / f"{name}.params").exists()
    result = _cli("convert", graph_path, tmp_path / "n.json", "--split")
    assert result.exit_code == 1 and "not a symcli bundle" in result.output
    stray = tmp_path / "stray.params"
    write_params(str(stray), {"arg:nope": np.zeros(1, np.float32)})
    result = _cli("convert", graph_path, tmp_path / "s.msgpack", "--params", stray)
    assert result.exit_code == 1 and "weight 'arg:nope' names no argument" in result.output
