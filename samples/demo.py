"""`make demo`: run the forum's graphs through the symcli command line and show the results.

Runs F = X*X with head gradient = output (grad 16), the intermediate-gradient example c = a*b,
d = c*b (gradients w.r.t. a, b and the internal output c), and a second derivative, writing .npz
files under out/ and printing where they went.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "out")
SYMCLI = [sys.executable, "-m", "symcli"]


def symcli(*args: str) -> None:
    cmd = SYMCLI + list(args)
    print("$ symcli " + " ".join(os.path.relpath(a, ROOT) if os.path.isabs(a) else a for a in args))
    subprocess.run(cmd, check=True, cwd=ROOT)


def show(path: str) -> None:
    with np.load(path) as arrays:
        for key in arrays.files:
            print(f"    {key:<16} {np.array2string(arrays[key], precision=4).replace(chr(10), ' ')}")
    print(f"  -> wrote {os.path.relpath(path, ROOT)}\n")


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    s = lambda *p: os.path.join(HERE, *p)  # noqa: E731
    o = lambda name: os.path.join(OUT, name)  # noqa: E731

    symcli("run", s("forum", "xx.json"), "-i", f"X={s('forum', 'x.npy')}", "--grad",
           "--head-grads", s("forum", "hg.npz"), "-o", o("forum.npz"))
    show(o("forum.npz"))

    symcli("run", s("intermediate", "cd.json"), "--inputs", s("intermediate", "ab.npz"), "--grad",
           "--wrt", "a,b,c_output", "-o", o("intermediate.npz"))
    show(o("intermediate.npz"))

    symcli("grad", s("forum", "xx.json"), "--wrt", "X", "-o", o("dxx.json"))
    symcli("grad", o("dxx.json"), "--wrt", "X", "-o", o("d2xx.json"))
    symcli("run", o("d2xx.json"), "-i", f"X={s('forum', 'x.npy')}", "-o", o("second.npz"))
    show(o("second.npz"))

    symcli("run", s("mlp", "mlp-symbol.json"), "--params", s("mlp", "mlp-0000.params"),
           "--inputs", s("mlp", "data.npz"), "--grad", "--wrt", "fc1_weight,fc1_output", "-o", o("mlp.npz"))
    with np.load(o("mlp.npz")) as arrays:
        print("    " + ", ".join(f"{k} {arrays[k].shape}" for k in arrays.files))
    print(f"  -> wrote {os.path.relpath(o('mlp.npz'), ROOT)}")


if __name__ == "__main__":
    main()
