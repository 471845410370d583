"""The gluon model zoo against MXNet 1.9.1 (goldens: tools/make_model_goldens.py).

Weights are regenerated from each model's seed (the generator's `model_weights`, one draw per array
in MXNet's argument-then-aux order). densenet121 and inceptionv3 are checked quickly up to an early
internal output on a small input; their full runs (seconds each) are marked slow.
"""
from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

from symcli.executor import Executor
from symcli.infer import infer_shapes
from symcli.signature import list_arguments, list_auxiliary_states
from symcli.symbol import from_graph, load_json

GOLDENS = np.load(pathlib.Path(__file__).parent / "goldens" / "models.npz")
MODELS = sorted({k.split("/")[0] for k in GOLDENS.files})
SLOW = {"densenet121", "inceptionv3"}
slow = pytest.mark.skipif(not os.environ.get("SYMCLI_SLOW_TESTS"),
                          reason="several seconds per run; set SYMCLI_SLOW_TESTS=1")


def _init_kind(name: str) -> str:
    for suffix, kind in (("running_mean", "mean"), ("running_var", "var"), ("moving_mean", "mean"),
                         ("moving_var", "var"), ("gamma", "gamma"), ("beta", "beta"), ("bias", "bias")):
        if name.endswith(suffix):
            return kind
    return "he"


def model_weights(seed: int, names_shapes) -> dict[str, np.ndarray]:
    """Twin of tools/make_model_goldens.py's generator."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in names_shapes:
        kind = _init_kind(name)
        if kind == "he":
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            v = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
        elif kind == "bias":
            v = rng.uniform(-0.1, 0.1, shape)
        elif kind == "gamma":
            v = rng.uniform(0.5, 1.5, shape)
        elif kind in ("beta", "mean"):
            v = rng.normal(0.0, 0.1, shape)
        else:
            v = rng.uniform(0.5, 1.5, shape)
        out[name] = v.astype(np.float32)
    return out


def _bind(graph, name: str, data: np.ndarray, dtype: str = "float32", grads: bool = False) -> Executor:
    inf = infer_shapes(graph, {"data": data.shape})
    shape_of = {graph.nodes[i].name: inf.of((i, 0)) for i in graph.variable_indices}
    order = [n for n in GOLDENS[f"{name}/names"].tolist() if n in shape_of]
    weights = model_weights(int(GOLDENS[f"{name}/seed"]), [(n, shape_of[n]) for n in order])
    args = {n: weights[n].astype(dtype) for n in list_arguments(graph) if n != "data"}
    args["data"] = data.astype(dtype)
    aux = {n: weights[n].astype(dtype) for n in list_auxiliary_states(graph)}
    args_grad = {n: np.zeros_like(v) for n, v in args.items()} if grads else None
    return Executor.bind(graph, "cpu", args, args_grad=args_grad, aux_states=aux)


def _close(got, want, what: str, rtol: float = 1e-4) -> None:
    got = np.asarray(got)
    atol = rtol * max(float(np.abs(want).max()), 1e-30)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


def _data(name: str, skip_full: bool = False, size: int | None = None) -> np.ndarray:
    """The generator's input draws: the full model's input, then (for a cut) the small one."""
    rng = np.random.default_rng(int(GOLDENS[f"{name}/seed"]) + 1000)
    full = int(GOLDENS[f"{name}/size"])
    data = rng.uniform(-1, 1, (1, 3, full, full)).astype(np.float32)
    if skip_full:
        data = rng.uniform(-1, 1, (1, 3, size, size)).astype(np.float32)
    return data


def _full_model(name: str) -> None:
    graph = load_json(str(GOLDENS[f"{name}/graph"])).graph
    ex = _bind(graph, name, _data(name))
    _close(ex.forward(is_train=False)[0], GOLDENS[f"{name}/infer"], f"{name} inference")
    if f"{name}/train" in GOLDENS.files:
        _close(ex.forward(is_train=True)[0], GOLDENS[f"{name}/train"], f"{name} train-mode forward")


@pytest.mark.parametrize("name", [m for m in MODELS if m not in SLOW])
def test_model_matches_mxnet(name):
    _full_model(name)


@slow
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLOW))
def test_big_model_matches_mxnet(name):
    _full_model(name)


@pytest.mark.parametrize("name", sorted(SLOW))
def test_big_model_early_layers_match_mxnet(name):
    graph = load_json(str(GOLDENS[f"{name}/graph"])).graph
    cut = from_graph(graph).get_internals()[str(GOLDENS[f"{name}/cut"])].graph
    ex = _bind(cut, name, _data(name, skip_full=True, size=int(GOLDENS[f"{name}/cut_size"])))
    where = GOLDENS[f"{name}/cut_where"]
    got = np.asarray(ex.forward(is_train=False)[0]).ravel()[where]
    _close(got, GOLDENS[f"{name}/cut_infer"], f"{name} {GOLDENS[f'{name}/cut']} inference")
    got = np.asarray(ex.forward(is_train=True)[0]).ravel()[where]
    _close(got, GOLDENS[f"{name}/cut_train"], f"{name} {GOLDENS[f'{name}/cut']} train mode")


def test_mobilenet_float64_backward_updates_moving_statistics():
    name = "mobilenet0.25"
    graph = load_json(str(GOLDENS[f"{name}/graph"])).graph
    ex = _bind(graph, name, _data(name), dtype="float64", grads=True)
    out = ex.forward(is_train=True)[0]
    np.testing.assert_allclose(out, GOLDENS[f"{name}/backward_output"], rtol=1e-9, atol=1e-12)
    ex.backward(GOLDENS[f"{name}/backward_head"])
    _close(ex.grad_dict["data"], GOLDENS[f"{name}/grad_data"], "grad:data", rtol=1e-5)
    for aux in GOLDENS[f"{name}/aux_names"].tolist():
        np.testing.assert_allclose(ex.aux_dict[aux], GOLDENS[f"{name}/aux:{aux}"], rtol=1e-9,
                                   err_msg=aux)


def test_model_through_the_cli_with_a_params_file(tmp_path):
    from click.testing import CliRunner
    from symcli.cli import main
    from symcli.codec.params import write_params
    name = "mobilenetv2_0.25"
    graph_path = tmp_path / "m-symbol.json"
    graph_path.write_text(str(GOLDENS[f"{name}/graph"]))
    graph = load_json(str(GOLDENS[f"{name}/graph"])).graph
    inf = infer_shapes(graph, {"data": (1, 3, 32, 32)})
    shape_of = {graph.nodes[i].name: inf.of((i, 0)) for i in graph.variable_indices}
    names = GOLDENS[f"{name}/names"].tolist()
    weights = model_weights(int(GOLDENS[f"{name}/seed"]), [(n, shape_of[n]) for n in names])
    aux = set(list_auxiliary_states(graph))
    write_params(str(tmp_path / "m-0000.params"),
                 {("aux:" if n in aux else "arg:") + n: weights[n] for n in names})
    np.save(tmp_path / "data.npy", _data(name))
    result = CliRunner().invoke(main, ["run", str(graph_path), "--params", str(tmp_path / "m-0000.params"),
                                       "-i", f"data={tmp_path / 'data.npy'}", "-o", str(tmp_path / "o.npz")])
    assert result.exit_code == 0, result.output
    with np.load(tmp_path / "o.npz") as out:
        (key,) = out.files
        _close(out[key], GOLDENS[f"{name}/infer"], f"{name} via the CLI")
