"""Which BatchNorm nodes a training backward updates: as in MXNet 1.9.1, only those whose backward
runs, i.e. the gradient of some requested argument flows through them (verified with MXNet:
`--wrt` of a later layer's weight leaves an earlier BatchNorm's moving statistics untouched)."""
from __future__ import annotations

import numpy as np
import pytest

import symcli.symbol as sx
from symcli.executor import Executor

RNG = np.random.default_rng(3)
DATA = RNG.uniform(-1, 1, (4, 3))


def _run(sym, wrt: list[str]) -> dict[str, np.ndarray]:
    """Train-mode forward + backward (head gradient ones) with gradients for `wrt` only;
    returns the moving means after the run (they start at 0)."""
    graph = sym.graph
    ex0 = Executor.simple_bind(graph, "cpu", grad_req="null", x=DATA.shape)
    args = {n: RNG.uniform(0.5, 1.5, a.shape) for n, a in ex0.arg_dict.items()}
    args["x"] = DATA
    aux = {n: (np.zeros(a.shape) if "mean" in n else np.ones(a.shape)) for n, a in ex0.aux_dict.items()}
    ex = Executor.bind(graph, "cpu", args, args_grad={n: np.zeros_like(args[n]) for n in wrt},
                       grad_req={n: "write" for n in wrt}, aux_states=aux)
    outs = ex.forward(is_train=True)
    ex.backward([np.ones_like(np.asarray(o)) for o in outs])
    return {n: np.asarray(v) for n, v in ex.aux_dict.items() if n.endswith("mean")}


def _two_layers():
    x = sx.Variable("x")
    bn1 = sx.BatchNorm(sx.FullyConnected(x, num_hidden=3, name="fc1"), name="bn1")
    return sx.FullyConnected(sx.BatchNorm(sx.FullyConnected(bn1, num_hidden=2, name="fc2"), name="bn2"),
                             num_hidden=2, name="fc3")


@pytest.mark.parametrize("wrt, updated", [
    (["fc3_weight"], []),                 # no backward reaches either BatchNorm
    (["bn2_beta"], ["bn2"]),
    (["fc2_weight"], ["bn2"]),
    (["bn1_gamma"], ["bn1", "bn2"]),      # fix_gamma: gamma's gradient is 0, the backward still runs
    (["x"], ["bn1", "bn2"]),
])
def test_only_batchnorms_on_a_gradient_path_update(wrt, updated):
    means = _run(_two_layers(), wrt)
    for name in ("bn1", "bn2"):
        changed = bool(np.any(means[f"{name}_moving_mean"] != 0))
        assert changed == (name in updated), (wrt, name)


def test_blockgrad_before_batchnorm_stops_its_update():
    x = sx.Variable("x")
    means = _run(sx.BatchNorm(sx.BlockGrad(x), name="bn") * x, ["x"])
    np.testing.assert_array_equal(means["bn_moving_mean"], 0.0)


def test_blockgrad_after_batchnorm_still_updates():
    x = sx.Variable("x")
    means = _run(sx.BlockGrad(sx.BatchNorm(x, name="bn")) * x, ["x"])
    np.testing.assert_allclose(means["bn_moving_mean"], 0.1 * DATA.mean(axis=0), rtol=1e-6)
