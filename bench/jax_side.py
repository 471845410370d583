"""The JAX side of the Hessian benchmark (run in .jax-venv by bench/run.py): jax.hessian of
sum(tanh(A·x)²) w.r.t. x, jit-compiled, on the same A and x symcli uses. Prints JSON timings."""
import json
import sys
import time

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

WORK = sys.argv[1]
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 5
results = {}
for n in (100, 500):
    with np.load(f"{WORK}/hessian{n}.npz") as z:
        A, x = jnp.asarray(z["A"]), jnp.asarray(z["x"])
    f = lambda x: jnp.sum(jnp.tanh(A @ x) ** 2)  # noqa: E731
    h = jax.jit(jax.hessian(f))
    h(x).block_until_ready()
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        h(x).block_until_ready()
        times.append(time.perf_counter() - t0)
    # jit compile time excluded above; include one uncompiled call for a fair "from the shell" figure
    t0 = time.perf_counter()
    jax.jit(jax.hessian(lambda x: jnp.sum(jnp.tanh(A @ x) ** 2) + 0.0))(x).block_until_ready()
    results[f"hessian{n}"] = {"hessian": min(times), "hessian_with_compile": time.perf_counter() - t0}
    np.save(f"{WORK}/hessian{n}_jax.npy", np.asarray(h(x)))
print(json.dumps(results))
