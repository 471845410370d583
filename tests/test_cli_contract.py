"""The command line against docs/cli.md, rule by rule: `.npz` key order, input precedence, options
that imply others, every command's output forms, and one stderr line per error. In-process through
click's CliRunner (fast); tests/test_cli_errors.py covers signals, pipes and atomic writes."""
from __future__ import annotations

import io
import json
import pathlib
import re

import numpy as np
import pytest
from click.testing import CliRunner

from symcli.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
V = {"mxnet_version": ["int", 10901]}
ONE_LINE = re.compile(r"^symcli: error: [^\n]+\n$")


def cli(*args, stdin=None, code=0):
    result = CliRunner().invoke(main, [str(a) for a in args], input=stdin)
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    return result


def fails(*args, code=1, names=()):
    """Exit 1 with exactly one `symcli: error: ...` line and no traceback; returns that line."""
    result = cli(*args, code=code)
    if code == 1:
        assert ONE_LINE.match(result.stderr), result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for name in names:
        assert name in result.stderr, (name, result.stderr)
    return result.stderr


def load(path):
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def write_graph(path, nodes, heads, arg_nodes=None):
    arg_nodes = [i for i, n in enumerate(nodes) if n["op"] == "null"] if arg_nodes is None else arg_nodes
    path.write_text(json.dumps({"nodes": nodes, "arg_nodes": arg_nodes, "heads": heads, "attrs": V}))
    return path


def var(name, **attrs):
    return {"op": "null", "name": name, "inputs": [], **({"attrs": attrs} if attrs else {})}


def op(kind, name, inputs, **attrs):
    return {"op": kind, "name": name, "inputs": [[i, k, 0] for i, k in inputs], **({"attrs": attrs} if attrs else {})}


CD = SAMPLES / "intermediate/cd.json"  # c = a*b, d = c*b
AB = SAMPLES / "intermediate/ab.npz"   # a = 2, b = 3 (float64, shape (1, 1))


@pytest.fixture
def bn_graph(tmp_path):
    """Outputs BatchNorm(x @ w) (moving statistics m, v) and a copy of an int32 argument `k`."""
    nodes = [var("x"), var("w"), op("FullyConnected", "fc", [(0, 0), (1, 0)], num_hidden="3", no_bias="True"),
             var("g"), var("b"), var("m"), var("v"),
             {"op": "BatchNorm", "name": "bn", "attrs": {"fix_gamma": "False"},
              "inputs": [[2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 1], [6, 0, 1]]},
             var("k"), op("_copy", "kc", [(8, 0)])]
    graph = write_graph(tmp_path / "bn.json", nodes, [[7, 0, 0], [9, 0, 0]])
    rng = np.random.default_rng(3)
    np.savez(tmp_path / "in.npz", x=rng.normal(size=(4, 5)), w=rng.normal(size=(3, 5)),
             g=rng.uniform(0.5, 1.5, 3), b=rng.normal(size=3), k=np.arange(2, dtype=np.int32))
    np.savez(tmp_path / "stats.npz", m=np.full(3, 0.25), v=np.full(3, 2.0))
    return graph, tmp_path


# -- run: the .npz keys and their order --------------------------------------------------------------
def test_run_key_order_outputs_internals_gradients(tmp_path):
    out = tmp_path / "o.npz"
    cli("run", CD, "--inputs", AB, "--outputs", "c_output,b", "--grad", "--wrt", "c_output,b,a", "-o", out)
    r = load(out)
    # outputs, then --outputs in the order given, then gradients in list_arguments order, then internals
    assert list(r) == ["d_output", "c_output", "b", "grad:a", "grad:b", "grad:c_output"]
    assert (r["c_output"].item(), r["b"].item(), r["grad:a"].item(), r["grad:b"].item(),
            r["grad:c_output"].item()) == (6.0, 3.0, 9.0, 12.0, 3.0)


def test_aux_states_only_in_train_mode_and_updated_by_backward_only(bn_graph):
    graph, d = bn_graph
    common = ["run", graph, "--inputs", d / "in.npz", "--inputs", d / "stats.npz"]
    cli(*common, "-o", d / "infer.npz")
    assert not any(k.startswith("aux:") for k in load(d / "infer.npz"))
    cli(*common, "--mode", "train", "-o", d / "fwd.npz")
    fwd = load(d / "fwd.npz")
    assert list(fwd)[-2:] == ["aux:m", "aux:v"]
    assert fwd["aux:m"].tolist() == [0.25] * 3 and fwd["aux:v"].tolist() == [2.0] * 3  # forward alone
    cli(*common, "--grad", "-o", d / "grad.npz")  # --grad implies train: the backward updates them
    grad = load(d / "grad.npz")
    assert list(grad) == ["bn_output", "kc_output", "grad:x", "grad:w", "grad:g", "grad:b", "aux:m", "aux:v"]
    assert not np.allclose(grad["aux:m"], 0.25)
    cli(*common, "--grad", "--mode", "infer", "-o", d / "gi.npz")  # an explicit --mode wins
    assert not any(k.startswith("aux:") for k in load(d / "gi.npz"))


def test_wrt_default_is_every_floating_argument(bn_graph):
    graph, d = bn_graph
    cli("run", graph, "--inputs", d / "in.npz", "--inputs", d / "stats.npz", "--grad", "-o", d / "o.npz")
    grads = [k for k in load(d / "o.npz") if k.startswith("grad:")]
    assert grads == ["grad:x", "grad:w", "grad:g", "grad:b"]  # not the int32 k, not the aux states


@pytest.mark.parametrize("reqs, keys", [
    (["add"], ["grad:a", "grad:b"]),
    (["null"], []),
    (["a=null"], ["grad:b"]),
    (["a=write", "--grad-req", "b=null"], ["grad:a"]),
])
def test_grad_req_forms(tmp_path, reqs, keys):
    cli("run", CD, "--inputs", AB, "--grad", "--grad-req", *reqs, "-o", tmp_path / "o.npz")
    assert [k for k in load(tmp_path / "o.npz") if k.startswith("grad:")] == keys


def test_grad_req_errors(tmp_path):
    cli("run", CD, "--inputs", AB, "--grad", "--grad-req", "a=maybe", "-o", tmp_path / "o.npz", code=2)
    fails("run", CD, "--inputs", AB, "--grad", "--grad-req", "z=add", "-o", tmp_path / "o.npz", names=["'z'"])


@pytest.mark.parametrize("option", [["--wrt", "a"], ["--grad-req", "add"], ["--head-grads", str(AB)]])
def test_backward_options_need_grad(tmp_path, option):
    """Given without --grad they would be silently ignored: a usage error instead."""
    result = cli("run", CD, "--inputs", AB, *option, "-o", tmp_path / "o.npz", code=2)
    assert "needs --grad" in result.stderr and not (tmp_path / "o.npz").exists()


# -- run: where the arrays come from -----------------------------------------------------------------
def test_inputs_later_files_win_then_single_arrays(tmp_path):
    np.savez(tmp_path / "a5.npz", a=np.full((1, 1), 5.0))
    np.save(tmp_path / "b7.npy", np.full((1, 1), 7.0))
    cli("run", CD, "--inputs", AB, "--inputs", tmp_path / "a5.npz", "-o", tmp_path / "o.npz")
    assert load(tmp_path / "o.npz")["d_output"].item() == 5 * 3 * 3
    cli("run", CD, "--inputs", AB, "-i", f"b={tmp_path / 'b7.npy'}", "--inputs", tmp_path / "a5.npz",
        "-o", tmp_path / "o.npz")
    assert load(tmp_path / "o.npz")["d_output"].item() == 5 * 7 * 7


def test_params_from_params_and_npz_and_extra_weights(tmp_path):
    from symcli.codec.params import encode_params, read_params
    mlp, data = SAMPLES / "mlp/mlp-symbol.json", SAMPLES / "mlp/data.npz"
    weights = read_params(str(SAMPLES / "mlp/mlp-0000.params"))
    cli("run", mlp, "--params", SAMPLES / "mlp/mlp-0000.params", "--inputs", data, "-o", tmp_path / "p.npz")
    np.savez(tmp_path / "w.npz", **{k[4:]: v for k, v in weights.items()})
    cli("run", mlp, "--params", tmp_path / "w.npz", "--inputs", data, "-o", tmp_path / "n.npz")
    assert np.array_equal(load(tmp_path / "p.npz")["softmax_output"], load(tmp_path / "n.npz")["softmax_output"])
    extra = tmp_path / "extra.params"
    extra.write_bytes(encode_params({**weights, "arg:bogus": np.ones(2, np.float32)}))
    fails("run", mlp, "--params", extra, "--inputs", data, "-o", tmp_path / "x.npz", names=["extra.params:", "'bogus'"])
    assert not (tmp_path / "x.npz").exists()
    result = cli("run", mlp, "--params", extra, "--inputs", data, "--allow-extra", "-o", tmp_path / "x.npz")
    assert result.stderr.startswith("symcli: warning: ") and "'bogus'" in result.stderr
    quiet = cli("--quiet", "run", mlp, "--params", extra, "--inputs", data, "--allow-extra", "-o", tmp_path / "x.npz")
    assert quiet.stderr == "" and quiet.stdout == ""


def test_params_prefix_must_match_the_graph(tmp_path):
    """`aux:fc1_bias` names no auxiliary state (fc1_bias is an argument): MXNet's set_params refuses."""
    from symcli.codec.params import encode_params, read_params
    weights = read_params(str(SAMPLES / "mlp/mlp-0000.params"))
    weights["aux:fc1_bias"] = weights.pop("arg:fc1_bias")
    bad = tmp_path / "bad.params"
    bad.write_bytes(encode_params(weights))
    fails("run", SAMPLES / "mlp/mlp-symbol.json", "--params", bad, "--inputs", SAMPLES / "mlp/data.npz",
          "-o", tmp_path / "o.npz", names=["bad.params:", "aux:fc1_bias", "is an argument"])


def test_inputs_file_keeps_aux_prefixed_arrays(bn_graph):
    """A .params file given to --inputs: its `aux:` arrays bind the auxiliary states."""
    from symcli.codec.params import encode_params
    graph, d = bn_graph
    stats = d / "stats.params"
    stats.write_bytes(encode_params({"aux:m": np.full(3, 0.25), "aux:v": np.full(3, 2.0)}))
    cli("run", graph, "--inputs", d / "in.npz", "--inputs", stats, "-o", d / "o.npz")
    report = cli("infer-shape", graph, "--inputs", d / "in.npz", "--inputs", stats, "--json")
    assert json.loads(report.stdout)["auxiliary_states"]["m"] == {"shape": [3], "dtype": "float64"}


def test_bind_errors_name_the_file_the_array_came_from(tmp_path):
    np.save(tmp_path / "a.npy", np.ones((2, 2)))
    fails("run", CD, "--inputs", AB, "-i", f"a={tmp_path / 'a.npy'}", "-o", tmp_path / "o.npz",
          names=[f"{tmp_path / 'a.npy'}: argument 'a': expected shape (1, 1), given (2, 2)"])
    fails("run", CD, "-i", f"a={tmp_path / 'a.npy'}", "-o", tmp_path / "o.npz",
          names=[f"{CD}: missing input: argument 'b'"])
    fails("run", CD, "--inputs", AB, "--outputs", "nope", "-o", tmp_path / "o.npz", names=[f"{CD}: 'nope'"])
    assert not (tmp_path / "o.npz").exists()


# -- run: head gradients -----------------------------------------------------------------------------
def test_head_grads_missing_outputs_get_ones(tmp_path):
    graph = write_graph(tmp_path / "two.json", [var("x"), op("square", "sq", [(0, 0)]), op("exp", "ex", [(0, 0)])],
                        [[1, 0, 0], [2, 0, 0]])
    np.save(tmp_path / "x.npy", np.array([0.5, 1.0]))
    np.savez(tmp_path / "hg.npz", sq_output=np.array([2.0, 3.0]))
    cli("run", graph, "-i", f"x={tmp_path / 'x.npy'}", "--grad", "--head-grads", tmp_path / "hg.npz",
        "-o", tmp_path / "o.npz")
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(load(tmp_path / "o.npz")["grad:x"], np.array([2.0, 3.0]) * 2 * x + np.exp(x))


def test_head_grads_errors_name_the_head_grads_file(tmp_path):
    np.savez(tmp_path / "unknown.npz", nope=np.ones((1, 1)))
    np.savez(tmp_path / "shape.npz", d_output=np.ones((2, 2)))
    fails("run", CD, "--inputs", AB, "--grad", "--head-grads", tmp_path / "unknown.npz", "-o", tmp_path / "o.npz",
          names=["unknown.npz:", "'nope'"])
    fails("run", CD, "--inputs", AB, "--grad", "--head-grads", tmp_path / "shape.npz", "-o", tmp_path / "o.npz",
          names=["shape.npz:", "(2, 2)", "(1, 1)"])
    assert not (tmp_path / "o.npz").exists()


# -- run: dtype, context, profile, stdout --------------------------------------------------------------
def test_dtype_casts_floating_arrays_only_to_a_floating_dtype(bn_graph):
    graph, d = bn_graph
    cli("run", graph, "--inputs", d / "in.npz", "--inputs", d / "stats.npz", "--grad", "--dtype", "float32",
        "-o", d / "o.npz")
    r = load(d / "o.npz")
    assert r["bn_output"].dtype == np.float32 and r["grad:w"].dtype == np.float32 and r["kc_output"].dtype == np.int32
    for bad in ("int32", "float99", "bool"):
        result = cli("run", graph, "--inputs", d / "in.npz", "--dtype", bad, "-o", d / "x.npz", code=2)
        assert "--dtype" in result.stderr
    cli("hessian", CD, "--inputs", AB, "--wrt", "a", "--dtype", "bogus", "-o", d / "x.npz", code=2)
    assert not (d / "x.npz").exists()


def test_gpu_context_without_cupy_is_one_clear_line(tmp_path):
    import importlib.util
    if importlib.util.find_spec("cupy") is not None:
        pytest.skip("CuPy is installed")
    line = fails("run", CD, "--inputs", AB, "--ctx", "gpu(0)", "-o", tmp_path / "o.npz", names=["CuPy"])
    assert "gpu(0)" in line and not (tmp_path / "o.npz").exists()
    fails("run", CD, "--inputs", AB, "--ctx", "tpu(0)", "-o", tmp_path / "o.npz", names=["tpu(0)"])


def test_profile_goes_to_stderr_and_stdout_carries_only_results(tmp_path):
    result = cli("run", CD, "--inputs", AB, "--profile", "-o", tmp_path / "o.npz")
    assert result.stdout == ""
    assert "elemwise_mul" in result.stderr and "calls" in result.stderr
    piped = cli("run", CD, "--inputs", AB, "-o", "-")
    with np.load(io.BytesIO(piped.stdout_bytes)) as z:
        assert z["d_output"].item() == 18.0
    assert piped.stderr == ""


def test_graph_from_stdin(tmp_path):
    result = cli("run", "-", "--inputs", AB, "-o", "-", stdin=CD.read_bytes())
    with np.load(io.BytesIO(result.stdout_bytes)) as z:
        assert z.files == ["d_output"]
    assert cli("validate", "-", stdin=CD.read_text()).stdout.startswith("ok: 4 nodes")


def test_debug_shows_the_traceback(tmp_path):
    plain = cli("run", tmp_path / "missing.json", "-o", tmp_path / "o.npz", code=1)
    assert plain.stderr.count("\n") == 1
    debug = cli("--debug", "run", tmp_path / "missing.json", "-o", tmp_path / "o.npz", code=1)
    assert "Traceback" in debug.stderr and debug.stderr.rstrip().endswith("missing.json: no such file")


# -- validate ----------------------------------------------------------------------------------------
def test_validate_summary_and_json(tmp_path):
    out = cli("validate", SAMPLES / "convnet/convnet-symbol.json").stdout
    assert out == "ok: 20 nodes, 9 arguments, 2 auxiliary states, 1 output\n"
    one = cli("validate", SAMPLES / "forum/xx.json").stdout
    assert one == "ok: 2 nodes, 1 argument, 0 auxiliary states, 1 output\n"
    assert cli("--quiet", "validate", CD).stdout == ""
    report = json.loads(cli("validate", CD, "--json").stdout)
    assert report == {"ok": True, "nodes": 4, "arguments": ["a", "b"], "auxiliary_states": [],
                      "outputs": ["d_output"], "problems": []}
    bad = write_graph(tmp_path / "bad.json", [var("x"), op("nope", "n1", [(0, 0)]), op("relu", "r", [(0, 0), (0, 0)])],
                      [[2, 0, 0]])
    result = cli("validate", bad, code=1)
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"symcli: error: {bad}: node ") for line in lines)
    report = json.loads(cli("validate", bad, "--json", code=1).stdout)
    assert report["ok"] is False and [p["node"] for p in report["problems"]] == [1, 2]
    assert set(report["problems"][0]) == {"node", "name", "message"}


# -- infer-shape -------------------------------------------------------------------------------------
def test_infer_shape_table_json_and_partial(tmp_path):
    mlp = SAMPLES / "mlp/mlp-symbol.json"
    table = cli("infer-shape", mlp, "-s", "data=8,10").stdout.splitlines()
    assert table[0].split() == ["kind", "name", "shape", "dtype"]
    assert table[1].split() == ["arg", "data", "(8,", "10)", "float32"]
    assert table[-1].split() == ["out", "softmax_output", "(8,", "4)", "float32"]
    report = json.loads(cli("infer-shape", mlp, "-s", "data=(8,10)", "--json").stdout)
    assert report["outputs"] == {"softmax_output": {"shape": [8, 4], "dtype": "float32"}}
    assert report["unknown"] == [] and report["auxiliary_states"] == {}
    result = cli("infer-shape", mlp, "--json", code=1)
    report = json.loads(result.stdout)
    undecided = [name for name, info in report["arguments"].items() if info["shape"] is None]
    assert report["unknown"] == undecided and undecided[0] == "data"  # in list_arguments order
    assert list(report["arguments"]) == json.loads(cli("validate", mlp, "--json").stdout)["arguments"]
    assert report["arguments"]["data"] == {"shape": None, "dtype": "float32"}
    assert ONE_LINE.match(result.stderr)
    assert json.loads(cli("infer-shape", mlp, "--json", "--partial").stdout) == report


def test_infer_shape_unknown_lists_arguments_only(tmp_path):
    """A BatchNorm on an unknown input: its moving statistics are unknown too, but `unknown`
    names arguments (cli.md); the exit code still says something was left open."""
    graph = write_graph(tmp_path / "bn.json", [var("x"), var("g"), var("b"), var("m"), var("v"),
                                               {"op": "BatchNorm", "name": "bn", "inputs": [[0, 0, 0], [1, 0, 0],
                                                [2, 0, 0], [3, 0, 1], [4, 0, 1]]}], [[5, 0, 0]])
    report = json.loads(cli("infer-shape", graph, "--json", "--partial").stdout)
    assert report["unknown"] == ["x", "g", "b"]
    assert report["auxiliary_states"]["m"]["shape"] is None
    assert json.loads(cli("infer-shape", graph, "-s", "x=2,3", "--json").stdout)["unknown"] == []


def test_infer_shape_errors(tmp_path):
    mlp = SAMPLES / "mlp/mlp-symbol.json"
    fails("infer-shape", mlp, "-s", "data=8,11", "-s", "fc1_weight=5,10",
          names=["node 3 'fc1' (FullyConnected)", "(5,10)"])
    for bad in (["-s", "data=-1,10"], ["-s", "data=a,b"], ["-t", "data=float99"], ["-t", "data=complex64"],
                ["-s", "data"]):
        result = cli("infer-shape", mlp, "-s", "data=8,10", *bad, code=2)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    report = json.loads(cli("infer-shape", mlp, "-s", "data=8,10", "-t", "data=float64", "--json").stdout)
    assert report["outputs"]["softmax_output"]["dtype"] == "float64"


# -- grad ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, args, first", [
    ("g.json", [], b"{"), ("g.msgpack", [], b"\x85"), ("g.mpk", [], b"\x85"),
    ("g.json", ["--format", "msgpack"], b"\x85"), ("g.msgpack", ["--format", "json"], b"{"),
])
def test_grad_output_format(tmp_path, name, args, first):
    cli("grad", CD, "--wrt", "a", *args, "-o", tmp_path / name)
    assert (tmp_path / name).read_bytes()[:1] == first


def test_grad_outputs_in_wrt_order_and_head_grad_arguments(tmp_path):
    cli("grad", CD, "--wrt", "b,c_output,a", "-o", tmp_path / "g.json")
    cli("run", tmp_path / "g.json", "--inputs", AB, "-o", tmp_path / "o.npz")
    assert [v.item() for v in load(tmp_path / "o.npz").values()] == [12.0, 3.0, 9.0]
    assert json.loads(cli("validate", tmp_path / "g.json", "--json").stdout)["arguments"] == ["a", "b"]
    cli("grad", CD, "--wrt", "c_output", "-o", tmp_path / "gc.json")  # needs only b, still takes a and b
    assert json.loads(cli("validate", tmp_path / "gc.json", "--json").stdout)["arguments"] == ["a", "b"]
    cli("grad", CD, "--wrt", "a", "--head-grads", "inputs", "-o", tmp_path / "gi.json")
    args = json.loads(cli("validate", tmp_path / "gi.json", "--json").stdout)["arguments"]
    assert sorted(args) == ["a", "b", "head_grad/d_output"]
    np.savez(tmp_path / "hg.npz", **{"head_grad/d_output": np.full((1, 1), 2.0)})
    cli("run", tmp_path / "gi.json", "--inputs", AB, "--inputs", tmp_path / "hg.npz", "-o", tmp_path / "o.npz")
    assert list(load(tmp_path / "o.npz").values())[0].item() == 18.0
    fails("grad", CD, "--wrt", "zz", "-o", tmp_path / "x.json", names=["'zz'"])
    assert not (tmp_path / "x.json").exists()


# -- hessian ------------------------------------------------------------------------------------------
def test_hessian_blocks_for_every_pair_in_wrt_order(tmp_path):
    """f = sum(x*x*y) + sum(z*y): every block and mixed block against the closed form."""
    graph = write_graph(tmp_path / "f.json",
                        [var("x"), var("y"), var("z"), op("elemwise_mul", "xx", [(0, 0), (0, 0)]),
                         op("elemwise_mul", "xxy", [(3, 0), (1, 0)]), op("elemwise_mul", "zy", [(2, 0), (1, 0)]),
                         op("elemwise_add", "s", [(4, 0), (5, 0)]), op("sum", "f", [(6, 0)])], [[7, 0, 0]])
    x, y, z = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0])
    np.savez(tmp_path / "in.npz", x=x, y=y, z=z)
    cli("hessian", graph, "--inputs", tmp_path / "in.npz", "--wrt", "y,x,z", "-o", tmp_path / "h.npz")
    h = load(tmp_path / "h.npz")
    assert list(h) == ["hessian:y", "hessian:x", "hessian:z", "hessian:y:x", "hessian:y:z", "hessian:x:z"]
    np.testing.assert_array_equal(h["hessian:x"], np.diag(2 * y))
    np.testing.assert_array_equal(h["hessian:y:x"], np.diag(2 * x))
    np.testing.assert_array_equal(h["hessian:y:z"], np.eye(2))
    assert not h["hessian:y"].any() and not h["hessian:z"].any() and not h["hessian:x:z"].any()
    fails("hessian", graph, "--inputs", tmp_path / "in.npz", "--wrt", "q", "-o", tmp_path / "x.npz", names=["'q'"])
    fails("hessian", CD, "--inputs", AB, "--wrt", "c_output", "-o", tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# -- gradcheck -----------------------------------------------------------------------------------------
def test_gradcheck_exit_codes_and_json(tmp_path):
    for order in ("1", "2"):
        report = json.loads(cli("gradcheck", CD, "--inputs", AB, "--order", order, "--json").stdout)
        assert report["ok"] and [r["name"] for r in report["results"]] == ["a", "b"]
        assert {r["order"] for r in report["results"]} == {int(order)}
    failed = cli("gradcheck", CD, "--inputs", AB, "--rtol", "0", "--atol", "0", "--json", code=1)
    assert json.loads(failed.stdout)["ok"] is False
    text = cli("gradcheck", CD, "--inputs", AB, "--wrt", "a", "--rtol", "0", "--atol", "0", code=1)
    assert text.stdout.startswith("FAIL  a") and ONE_LINE.match(text.stderr)
    cli("gradcheck", CD, "--inputs", AB, "--order", "3", code=2)


def test_gradcheck_wrt_must_be_a_floating_argument(tmp_path):
    fails("gradcheck", CD, "--inputs", AB, "--wrt", "c_output", names=["'c_output'"])
    np.savez(tmp_path / "ints.npz", a=np.ones((1, 1), np.int32), b=np.ones((1, 1), np.int32))
    fails("gradcheck", CD, "--inputs", tmp_path / "ints.npz", "--wrt", "a", names=["int32"])


# -- convert --------------------------------------------------------------------------------------------
def test_convert_forms(tmp_path):
    mlp, weights = SAMPLES / "mlp/mlp-symbol.json", SAMPLES / "mlp/mlp-0000.params"
    cli("convert", mlp, tmp_path / "m.msgpack")
    cli("convert", mlp, tmp_path / "m.bin", "--format", "msgpack")
    cli("convert", tmp_path / "m.bin", tmp_path / "back.txt")
    assert (tmp_path / "m.msgpack").read_bytes() == (tmp_path / "m.bin").read_bytes()
    assert (tmp_path / "back.txt").read_text() == mlp.read_text()
    cli("convert", mlp, tmp_path / "bundle.mpk", "--params", weights)
    cli("run", tmp_path / "bundle.mpk", "--inputs", SAMPLES / "mlp/data.npz", "-o", tmp_path / "b.npz")
    cli("convert", tmp_path / "bundle.mpk", tmp_path / "split.json", "--split")
    assert (tmp_path / "split.params").read_bytes() == weights.read_bytes()
    cli("run", tmp_path / "split.json", "--params", tmp_path / "split.params", "--inputs", SAMPLES / "mlp/data.npz",
        "-o", tmp_path / "s.npz")
    assert np.array_equal(load(tmp_path / "b.npz")["softmax_output"], load(tmp_path / "s.npz")["softmax_output"])
    fails("convert", mlp, tmp_path / "x.json", "--split", names=["not a symcli bundle"])
    fails("convert", mlp, tmp_path / "x.mpk", "--params", weights, "--format", "json")
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "x.mpk").exists()


# -- regressions: malformed graphs and files that used to escape as internal errors, hang or OOM ---------
def _unary_graph(tmp_path, kind, attrs, name="g.json"):
    return write_graph(tmp_path / name, [var("data"), op(kind, "n", [(0, 0)], **attrs)], [[1, 0, 0]])


@pytest.mark.parametrize("kind, attrs, text", [
    ("Concat", {"num_args": "1000000000"}, "exceeds the limit"),        # used to build 10^9 names: OOM
    ("add_n", {"num_args": "1000000000"}, "exceeds the limit"),
    ("SliceChannel", {"num_outputs": "1000000000"}, "exceeds the limit"),
    ("_polygamma", {"n": "1000000000"}, "less equal"),                   # used to hang
    ("Dropout", {"p": "1.5"}, "bound"),                                  # MXNet: p in [0, 1]
    ("softmax", {"temperature": "nan"}, "temperature"),                  # MXNet's optional<double>
    ("_arange", {"start": "0", "stop": "inf"}, "stop"),
])
def test_bad_attribute_values_are_one_line(tmp_path, kind, attrs, text):
    graph = _unary_graph(tmp_path, kind, attrs)
    np.save(tmp_path / "d.npy", np.ones((2, 4), np.float32))
    line = fails("run", graph, "-i", f"data={tmp_path / 'd.npy'}", "-o", tmp_path / "o.npz", names=[text])
    assert "'n'" in line and not (tmp_path / "o.npz").exists()
    report = json.loads(cli("validate", graph, "--json", code=1).stdout)
    assert report["problems"][0]["node"] == 1


def test_arange_overflowing_length_is_a_shape_error(tmp_path):
    graph = write_graph(tmp_path / "g.json", [op("_arange", "r", [], start="-inf", stop="1")], [[0, 0, 0]])
    fails("run", graph, "-o", tmp_path / "o.npz", names=["'r'"])


def test_gradient_rule_failure_names_the_node(tmp_path):
    """softmax with temperature 0: the gradient's 1/temperature is a clean error, not a crash."""
    graph = _unary_graph(tmp_path, "softmax", {"temperature": "0"})
    np.save(tmp_path / "d.npy", np.ones((2, 4)))
    fails("run", graph, "-i", f"data={tmp_path / 'd.npy'}", "--grad", "-o", tmp_path / "o.npz",
          names=["'n' (softmax)"])


def test_unsupported_dtype_is_one_line(tmp_path):
    graph = _unary_graph(tmp_path, "Cast", {"dtype": "bfloat16"})
    np.save(tmp_path / "d.npy", np.ones((2, 4), np.float32))
    fails("run", graph, "-i", f"data={tmp_path / 'd.npy'}", "-o", tmp_path / "o.npz", names=["bfloat16"])


def test_training_statistics_warnings_stay_off_stderr(tmp_path):
    """BatchNorm's aux update with momentum=inf gives NaN as MXNet does, without numpy warnings."""
    nodes = [var("x"), var("g"), var("b"), var("m"), var("v"),
             {"op": "BatchNorm", "name": "bn", "attrs": {"momentum": "inf"},
              "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]}]
    graph = write_graph(tmp_path / "g.json", nodes, [[5, 0, 0]])
    np.savez(tmp_path / "in.npz", x=np.arange(6.0).reshape(2, 3), g=np.ones(3), b=np.zeros(3), m=np.zeros(3),
             v=np.ones(3))
    result = cli("--quiet", "run", graph, "--inputs", tmp_path / "in.npz", "--grad", "-o", tmp_path / "o.npz")
    assert result.stderr == ""


def test_empty_array_file_says_so(tmp_path):
    (tmp_path / "empty.params").write_bytes(b"")
    fails("run", CD, "--inputs", AB, "--params", tmp_path / "empty.params", "-o", tmp_path / "o.npz",
          names=["empty.params: the file is empty"])


def test_infer_shape_names_the_file_of_an_unknown_name_and_shows_dtypes(tmp_path):
    mlp = SAMPLES / "mlp/mlp-symbol.json"
    np.savez(tmp_path / "x.npz", nope=np.ones(2))
    fails("infer-shape", mlp, "--inputs", tmp_path / "x.npz", names=[f"{tmp_path / 'x.npz'}: 'nope'"])
    fails("infer-shape", mlp, "-s", "zz=1", names=[f"{mlp}: 'zz'"])
    line = fails("infer-shape", mlp, "--inputs", SAMPLES / "mlp/data.npz", "-t", "softmax_label=int32")
    assert "(input dtypes: float32, int32)" in line  # dtype names, not tuples of characters


def test_hessian_needs_floating_wrt_and_merges_repeated_names(tmp_path):
    np.savez(tmp_path / "ints.npz", a=np.ones((1, 1), np.int32), b=np.ones((1, 1), np.int32))
    fails("hessian", CD, "--inputs", tmp_path / "ints.npz", "--wrt", "b", "-o", tmp_path / "h.npz",
          names=["ints.npz:", "int32"])
    cli("hessian", CD, "--inputs", AB, "--wrt", "b,b,a", "-o", tmp_path / "h.npz")
    h = load(tmp_path / "h.npz")
    assert list(h) == ["hessian:b", "hessian:a", "hessian:b:a"]
    assert (h["hessian:b"].item(), h["hessian:a"].item(), h["hessian:b:a"].item()) == (4.0, 0.0, 6.0)


def test_bad_option_values_are_usage_errors_and_empty_paths_are_named(tmp_path):
    for size in ("-5", "0", "lots"):
        cli("run", CD, "--inputs", AB, "--max-memory", size, "-o", tmp_path / "o.npz", code=2)
    fails("run", CD, "--inputs", AB, "-o", "", names=["'': the output path is empty"])
    fails("run", "", "-o", tmp_path / "o.npz", names=["'': no such file"])
    assert not (tmp_path / "o.npz").exists()


def test_gradcheck_refuses_loss_outputs_instead_of_blaming_the_gradient(tmp_path):
    """SoftmaxOutput's gradient ignores head gradients: finite differences of its value cannot match."""
    fails("gradcheck", SAMPLES / "mlp/mlp-symbol.json", "--params", SAMPLES / "mlp/mlp-0000.params",
          "--inputs", SAMPLES / "mlp/data.npz", names=["(SoftmaxOutput)", "loss output"])
