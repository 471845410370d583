"""The command line on the samples: the forum thread from the shell, outputs, gradients, Hessians."""
from __future__ import annotations

import io
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def symcli(*args, check=True, stdin=None):
    done = subprocess.run([sys.executable, "-m", "symcli", *map(str, args)], capture_output=True,
                          input=stdin, cwd=ROOT)
    if check and done.returncode != 0:
        raise AssertionError(done.stderr.decode())
    return done


def load(path):
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def test_forum_gradient_from_the_shell(tmp_path):
    out = tmp_path / "out.npz"
    symcli("run", SAMPLES / "forum/xx.json", "-i", f"X={SAMPLES / 'forum/x.npy'}", "--grad",
           "--head-grads", SAMPLES / "forum/hg.npz", "-o", out)
    result = load(out)
    assert list(result) == ["_mul0_output", "grad:X"]
    assert result["grad:X"].tolist() == [16.0]


def test_gradient_of_an_intermediate_output(tmp_path):
    out = tmp_path / "g.npz"
    symcli("run", SAMPLES / "intermediate/cd.json", "--inputs", SAMPLES / "intermediate/ab.npz",
           "--grad", "--wrt", "a,b,c_output", "--outputs", "c_output", "-o", out)
    r = load(out)
    assert list(r) == ["d_output", "c_output", "grad:a", "grad:b", "grad:c_output"]
    assert (r["grad:a"].item(), r["grad:b"].item(), r["grad:c_output"].item()) == (9.0, 12.0, 3.0)
    assert r["c_output"].item() == 6.0


def test_second_derivative_and_hessian(tmp_path):
    symcli("grad", SAMPLES / "forum/xx.json", "--wrt", "X", "-o", tmp_path / "g1.json")
    symcli("grad", tmp_path / "g1.json", "--wrt", "X", "-o", tmp_path / "g2.msgpack")
    assert (tmp_path / "g2.msgpack").read_bytes()[:1] != b"{"
    symcli("run", tmp_path / "g2.msgpack", "-i", f"X={SAMPLES / 'forum/x.npy'}", "-o", tmp_path / "d2.npz")
    assert list(load(tmp_path / "d2.npz").values())[0].tolist() == [2.0]
    symcli("hessian", SAMPLES / "forum/xx.json", "-i", f"X={SAMPLES / 'forum/x.npy'}", "--wrt", "X",
           "-o", tmp_path / "h.npz")
    assert load(tmp_path / "h.npz")["hessian:X"].tolist() == [[2.0]]


def test_grad_with_head_grad_inputs_keeps_every_input(tmp_path):
    symcli("grad", SAMPLES / "intermediate/cd.json", "--wrt", "a", "--head-grads", "inputs",
           "-o", tmp_path / "g.json")
    report = symcli("infer-shape", tmp_path / "g.json", "-s", "a=1,1", "-s", "b=1,1",
                    "-s", "head_grad/d_output=1,1", "--json")
    import json
    assert sorted(json.loads(report.stdout)["arguments"]) == ["a", "b", "head_grad/d_output"]


def test_output_to_stdout(tmp_path):
    done = symcli("run", SAMPLES / "forum/xx.json", "-i", f"X={SAMPLES / 'forum/x.npy'}", "-o", "-")
    with np.load(io.BytesIO(done.stdout)) as z:
        assert z["_mul0_output"].tolist() == [4.0]


def test_unknown_head_gradient_is_an_error(tmp_path):
    np.savez(tmp_path / "hg.npz", nope=np.ones(1, np.float32))
    done = symcli("run", SAMPLES / "forum/xx.json", "-i", f"X={SAMPLES / 'forum/x.npy'}", "--grad",
                  "--head-grads", tmp_path / "hg.npz", "-o", tmp_path / "out.npz", check=False)
    assert done.returncode == 1
    assert done.stderr.decode().count("\n") == 1 and "nope" in done.stderr.decode()
    assert not (tmp_path / "out.npz").exists()


def test_usage_error_is_exit_2_and_help_has_examples():
    assert symcli("run", check=False).returncode == 2
    assert "Examples" in symcli("run", "--help").stdout.decode()


def test_gradcheck_passes_on_the_intermediate_graph():
    done = symcli("gradcheck", SAMPLES / "intermediate/cd.json", "--inputs",
                  SAMPLES / "intermediate/ab.npz", "--order", "2", "--json")
    import json
    report = json.loads(done.stdout)
    assert report["ok"] and {r["name"] for r in report["results"]} == {"a", "b"}


@pytest.mark.parametrize("fmt", ["json", "msgpack"])
def test_convert_round_trip_is_stable(tmp_path, fmt):
    first = tmp_path / f"a.{fmt}"
    symcli("convert", SAMPLES / "mlp/mlp-symbol.json", first)
    back = tmp_path / "b.json"
    symcli("convert", first, back)
    again = tmp_path / f"c.{fmt}"
    symcli("convert", back, again)
    assert first.read_bytes() == again.read_bytes()
    assert back.read_text() == (SAMPLES / "mlp/mlp-symbol.json").read_text()
