"""The CLI's error contract: one stderr line and exit 1 (2 for usage, 130 for Ctrl-C), atomic outputs
that a failure, SIGINT or SIGKILL never leaves partial, --check-numerics, bitwise-repeatable runs."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from symcli.errors import SymcliError
from symcli.fileio import write_atomic

V = {"mxnet_version": ["int", 10901]}


def symcli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "symcli", *map(str, args)], capture_output=True, text=True, **kw)


def chain_graph(path, length: int, op: str = "_mul_scalar", scalar: str = "1.0000001") -> None:
    nodes = [{"op": "null", "name": "x", "inputs": []}]
    for i in range(length):
        nodes.append({"op": op, "name": f"s{i}", "attrs": {"scalar": scalar}, "inputs": [[i, 0, 0]]})
    path.write_text(json.dumps({"nodes": nodes, "arg_nodes": [0], "heads": [[length, 0, 0]], "attrs": V}))


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# -- write_atomic --------------------------------------------------------------------------------------
def test_write_atomic_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "out.bin"
    write_atomic(str(target), b"first")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_bytes() == b"first" and (target.stat().st_mode & 0o777) == (0o666 & ~mask)
    target.chmod(0o640)
    write_atomic(str(target), b"second")
    assert target.read_bytes() == b"second" and (target.stat().st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == []


class Exploding(bytes):
    """Bytes whose writing is interrupted halfway (like Ctrl-C during the write)."""


def test_interrupted_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"precious")
    real_fsync = os.fsync

    def interrupt(fd):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(str(target), b"x" * 100000)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_bytes() == b"precious" and leftovers(tmp_path) == []


def test_write_errors_are_symcli_errors(tmp_path):
    with pytest.raises(SymcliError, match="output directory does not exist"):
        write_atomic(str(tmp_path / "nope" / "out.npz"), b"x")
    (tmp_path / "d").mkdir()
    with pytest.raises(SymcliError, match="is a directory"):
        write_atomic(str(tmp_path / "d"), b"x")
    if os.geteuid() != 0:  # root ignores directory permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(SymcliError, match="cannot write"):
                write_atomic(str(ro / "out.npz"), b"x")
        finally:
            ro.chmod(0o700)


# -- the command line ------------------------------------------------------------------------------
@pytest.fixture
def small_run(tmp_path):
    graph = tmp_path / "g.json"
    chain_graph(graph, 3)
    np.save(tmp_path / "x.npy", np.arange(6, dtype=np.float64).reshape(2, 3))
    return graph, tmp_path / "x.npy"


def test_failed_run_leaves_no_file_and_keeps_an_existing_one(tmp_path, small_run):
    graph, x = small_run
    out = tmp_path / "out.npz"
    assert symcli("run", graph, "-i", f"x={x}", "-o", out).returncode == 0
    good = out.read_bytes()
    run = symcli("run", graph, "-i", f"y={x}", "-o", out)  # an input the graph does not have
    assert run.returncode == 1 and len(run.stderr.splitlines()) == 1
    assert out.read_bytes() == good and leftovers(tmp_path) == []
    fresh = tmp_path / "fresh.npz"
    assert symcli("run", graph, "-o", fresh).returncode == 1 and not fresh.exists()


@pytest.mark.parametrize("args, code, text", [
    (["run", "{d}/missing.json", "-o", "{d}/o.npz"], 1, "missing.json: no such file"),
    (["run", "{d}", "-o", "{d}/o.npz"], 1, "is a directory"),
    (["run", "{g}", "-i", "x={d}/missing.npy", "-o", "{d}/o.npz"], 1, "missing.npy: no such file"),
    (["run", "{g}", "--inputs", "{d}/missing.npz", "-o", "{d}/o.npz"], 1, "missing.npz: no such file"),
    (["run", "{g}", "-i", "x={x}", "-o", "{d}/nodir/o.npz"], 1, "output directory does not exist"),
    (["run", "{g}", "-i", "x={x}", "-o", "{d}"], 1, "is a directory"),
    (["run", "{g}", "-i", "x={x}"], 2, "Missing option"),
    (["run", "{g}", "--bogus", "-o", "{d}/o.npz"], 2, "No such option"),
    (["frobnicate"], 2, "No such command"),
    (["convert", "{g}", "{d}/o.bin", "--format", "yaml"], 2, "Invalid value"),
])
def test_error_contract(tmp_path, small_run, args, code, text):
    graph, x = small_run
    run = symcli(*[a.format(d=tmp_path, g=graph, x=x) for a in args])
    assert run.returncode == code, run.stderr
    assert text in run.stderr and "Traceback" not in run.stderr
    if code == 1:
        assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("symcli: error: ")
    assert not (tmp_path / "o.npz").exists()


def test_unreadable_graph_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read anything")
    graph = tmp_path / "g.json"
    chain_graph(graph, 1)
    graph.chmod(0)
    run = symcli("validate", graph)
    assert run.returncode == 1 and "cannot read" in run.stderr


def test_graph_from_stdin_and_output_to_a_closed_pipe(tmp_path, small_run):
    graph, x = small_run
    run = symcli("validate", "-", input=graph.read_text())
    assert run.returncode == 0 and run.stdout.startswith("ok: 4 nodes")
    # the reader of stdout goes away at once: one clean line, no traceback, no "Exception ignored"
    proc = subprocess.Popen([sys.executable, "-m", "symcli", "run", str(graph), "-i", f"x={x}", "-o", "-"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 1 and "Traceback" not in err and "Exception ignored" not in err
    assert len(err.splitlines()) == 1


# -- interruption: SIGINT and SIGKILL in the middle of a long run -----------------------------------
def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_long_run(tmp_path, out):
    """A 4000-step chain over 4 MB: ~10 s of CPU if left alone. Returns once it is computing."""
    graph = tmp_path / "long.json"
    chain_graph(graph, 4000)
    np.save(tmp_path / "x.npy", np.ones((512, 1024), dtype=np.float64))
    proc = subprocess.Popen([sys.executable, "-m", "symcli", "run", str(graph), "-i", f"x={tmp_path / 'x.npy'}",
                             "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # CPU time (not wall time: the machine may be busy) past start-up and parsing (~0.5 s)
    deadline = time.monotonic() + 120
    while _cpu_seconds(proc.pid) < 1.5:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert proc.poll() is None
    return proc


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc to see CPU time")
def test_sigint_midway_exits_130_without_output(tmp_path):
    out = tmp_path / "out.npz"
    proc = _start_long_run(tmp_path, out)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert err.splitlines() == ["symcli: interrupted"]
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc to see CPU time")
def test_sigkill_midway_keeps_the_existing_output(tmp_path):
    out = tmp_path / "out.npz"
    out.write_bytes(b"an earlier result")
    proc = _start_long_run(tmp_path, out)
    proc.kill()
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"an earlier result" and leftovers(tmp_path) == []


# -- numerics ---------------------------------------------------------------------------------------
def test_check_numerics_names_the_first_bad_node(tmp_path):
    nodes = [{"op": "null", "name": "x", "inputs": []},
             {"op": "_mul_scalar", "name": "double", "attrs": {"scalar": "2"}, "inputs": [[0, 0, 0]]},
             {"op": "log", "name": "lg", "inputs": [[1, 0, 0]]},
             {"op": "_div_scalar", "name": "inf", "attrs": {"scalar": "0"}, "inputs": [[2, 0, 0]]}]
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps({"nodes": nodes, "arg_nodes": [0], "heads": [[3, 0, 0]], "attrs": V}))
    np.save(tmp_path / "x.npy", np.array([1.0, -1.0, 2.0]))
    out = tmp_path / "out.npz"
    run = symcli("run", graph, "-i", f"x={tmp_path / 'x.npy'}", "--check-numerics", "-o", out)
    assert run.returncode == 1 and len(run.stderr.splitlines()) == 1
    assert "'lg'" in run.stderr and "log" in run.stderr and "NaN" in run.stderr and "'inf'" not in run.stderr
    assert not out.exists()
    np.save(tmp_path / "x.npy", np.array([1.0, 3.0]))  # now the first bad value is an Inf of 'inf'
    run = symcli("run", graph, "-i", f"x={tmp_path / 'x.npy'}", "--check-numerics", "-o", out)
    assert run.returncode == 1 and "'inf'" in run.stderr and "Inf" in run.stderr and not out.exists()
    # without the flag the same run succeeds and writes the Infs
    assert symcli("run", graph, "-i", f"x={tmp_path / 'x.npy'}", "-o", out).returncode == 0
    with np.load(out) as z:
        assert np.isposinf(z["inf_output"]).all()


def test_repeated_runs_are_bitwise_identical(tmp_path):
    """Train mode with Dropout's random mask, BatchNorm statistics, softmax and gradients."""
    nodes = [{"op": "null", "name": "data", "inputs": []},
             {"op": "null", "name": "w", "inputs": []},
             {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "8", "no_bias": "True"},
              "inputs": [[0, 0, 0], [1, 0, 0]]},
             {"op": "null", "name": "g", "inputs": []}, {"op": "null", "name": "b", "inputs": []},
             {"op": "null", "name": "m", "inputs": []}, {"op": "null", "name": "v", "inputs": []},
             {"op": "BatchNorm", "name": "bn", "attrs": {"fix_gamma": "False"},
              "inputs": [[2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 1], [6, 0, 1]]},
             {"op": "Dropout", "name": "drop", "attrs": {"p": "0.5"}, "inputs": [[7, 0, 0]]},
             {"op": "softmax", "name": "sm", "inputs": [[8, 0, 0]]}]
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps({"nodes": nodes, "arg_nodes": [0, 1, 3, 4, 5, 6], "heads": [[9, 0, 0]],
                                 "attrs": V}))
    rng = np.random.default_rng(7)
    np.savez(tmp_path / "in.npz", data=rng.normal(size=(16, 5)), w=rng.normal(size=(8, 5)),
             g=rng.uniform(0.5, 1.5, 8), b=rng.normal(size=8), m=np.zeros(8), v=np.ones(8))
    outs = []
    for k in range(2):
        out = tmp_path / f"out{k}.npz"
        run = symcli("run", graph, "--inputs", tmp_path / "in.npz", "--grad", "-o", out)
        assert run.returncode == 0, run.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    with np.load(tmp_path / "out0.npz") as z:
        assert {"sm_output", "grad:data", "grad:w", "aux:m", "aux:v"} <= set(z.files)
        assert (z["sm_output"] > 0).all() and np.isfinite(z["grad:w"]).all()
