"""Write tests/goldens/conv.npz: MXNet 1.9.1 forward and backward values of the spatial layers.

Run with the side venv: `.mxnet-venv/bin/python tools/make_goldens_conv.py`. Inputs and head
gradients are not stored: the test regenerates them from each case's seed (numpy's PCG64 stream,
the same in both venvs; a stored checksum catches drift). Values are computed in float64 and stored
as float32, which keeps the file small and the comparison at about 1e-7 relative.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np

import mxnet as mx

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "goldens" / "conv.npz"

# (name, op, attrs, input shapes, low, high[, dtype]): every input is uniform in [low, high).
# MXNet computes in float64 unless a dtype is given: its float64 Deconvolution (the native kernel;
# float32 runs MKLDNN) is wrong when dilate and stride are both above 1 (checked against a direct
# loop, which MKLDNN's float32 result matches), so that case runs in float32 on inputs rounded to it.
CASES = [
    ("conv2d_basic", "Convolution", {"kernel": "(3, 3)", "num_filter": "4", "pad": "(1, 1)"},
     [(2, 3, 6, 5), (4, 3, 3, 3), (4,)], -1.0, 1.0),
    ("conv2d_stride_dilate_group", "Convolution",
     {"kernel": "(3, 2)", "num_filter": "6", "stride": "(2, 3)", "dilate": "(2, 1)", "pad": "(2, 1)",
      "num_group": "2"},
     [(2, 4, 9, 8), (6, 2, 3, 2), (6,)], -1.0, 1.0),
    ("conv2d_depthwise", "Convolution",
     {"kernel": "(3, 3)", "num_filter": "8", "stride": "(2, 2)", "pad": "(1, 1)", "num_group": "4",
      "no_bias": "True"},
     [(2, 4, 7, 7), (8, 1, 3, 3)], -1.0, 1.0),
    ("conv2d_1x1_stride2", "Convolution", {"kernel": "(1, 1)", "num_filter": "3", "stride": "(2, 2)"},
     [(2, 4, 5, 6), (3, 4, 1, 1), (3,)], -1.0, 1.0),
    ("conv1d", "Convolution", {"kernel": "(3,)", "num_filter": "3", "stride": "(2,)", "no_bias": "True"},
     [(2, 2, 9), (3, 2, 3)], -1.0, 1.0),
    ("conv3d", "Convolution",
     {"kernel": "(2, 3, 2)", "num_filter": "2", "stride": "(1, 2, 1)", "pad": "(1, 1, 0)"},
     [(1, 2, 4, 5, 4), (2, 2, 2, 3, 2), (2,)], -1.0, 1.0),
    ("deconv2d_stride_adj_bias", "Deconvolution",
     {"kernel": "(3, 3)", "num_filter": "3", "stride": "(2, 2)", "pad": "(1, 1)", "adj": "(1, 1)",
      "no_bias": "False"},
     [(2, 2, 3, 4), (2, 3, 3, 3), (3,)], -1.0, 1.0),
    ("deconv2d_group_dilate", "Deconvolution",
     {"kernel": "(3, 2)", "num_filter": "6", "stride": "(2, 3)", "dilate": "(2, 1)", "pad": "(1, 1)",
      "num_group": "2"},
     [(1, 4, 3, 4), (4, 3, 3, 2)], -1.0, 1.0, "float32"),
    ("deconv2d_target_shape", "Deconvolution",
     {"kernel": "(4, 4)", "num_filter": "2", "stride": "(2, 2)", "target_shape": "(8, 9)"},
     [(1, 3, 4, 4), (3, 2, 4, 4)], -1.0, 1.0),
    ("deconv1d", "Deconvolution", {"kernel": "(3,)", "num_filter": "2", "pad": "(1,)"},
     [(2, 3, 5), (3, 2, 3)], -1.0, 1.0),
    ("pool_max_s2_p1", "Pooling", {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)"},
     [(2, 3, 7, 6)], -1.0, 1.0),
    ("pool_max_full", "Pooling", {"kernel": "(3, 3)", "stride": "(2, 2)", "pooling_convention": "full"},
     [(1, 2, 8, 7)], -1.0, 1.0),
    ("pool_avg_full_pad", "Pooling",
     {"kernel": "(3, 3)", "stride": "(2, 2)", "pad": "(1, 1)", "pool_type": "avg",
      "pooling_convention": "full"},
     [(1, 2, 6, 7)], -1.0, 1.0),
    ("pool_avg_exclude_pad", "Pooling",
     {"kernel": "(3, 2)", "stride": "(1, 2)", "pad": "(1, 1)", "pool_type": "avg",
      "count_include_pad": "False"},
     [(2, 2, 5, 5)], -1.0, 1.0),
    ("pool_sum_1d_full", "Pooling",
     {"kernel": "(3,)", "stride": "(2,)", "pad": "(1,)", "pool_type": "sum", "pooling_convention": "full"},
     [(2, 2, 8)], -1.0, 1.0),
    ("pool_lp2", "Pooling", {"kernel": "(2, 2)", "stride": "(1, 2)", "pool_type": "lp", "p_value": "2"},
     [(1, 2, 5, 6)], 0.2, 1.0),
    ("pool_lp3", "Pooling", {"kernel": "(2, 2)", "pool_type": "lp", "p_value": "3"},
     [(1, 2, 4, 4)], 0.2, 1.0),
    ("pool_lp1", "Pooling", {"kernel": "(2,)", "pool_type": "lp", "p_value": "1"},
     [(2, 2, 5)], -1.0, 1.0),
    ("pool_global_avg_3d", "Pooling", {"global_pool": "True", "pool_type": "avg", "kernel": "(1, 1, 1)"},
     [(2, 3, 3, 4, 2)], -1.0, 1.0),
    ("pool_global_max", "Pooling", {"global_pool": "True", "kernel": "(2, 2)"}, [(2, 3, 4, 5)], -1.0, 1.0),
    ("pool_max_3d", "Pooling", {"kernel": "(2, 2, 2)", "stride": "(2, 1, 2)"}, [(1, 2, 4, 3, 5)], -1.0, 1.0),
    ("pool_avg_1d", "Pooling", {"kernel": "(3,)", "stride": "(2,)", "pad": "(1,)", "pool_type": "avg"},
     [(2, 3, 7)], -1.0, 1.0),
    ("upsampling_nearest", "UpSampling", {"scale": "2", "sample_type": "nearest", "num_args": "1"},
     [(2, 3, 2, 3)], -1.0, 1.0),
    ("upsampling_nearest_concat", "UpSampling", {"scale": "2", "sample_type": "nearest", "num_args": "2"},
     [(1, 2, 2, 2), (1, 3, 4, 4)], -1.0, 1.0),
    ("upsampling_nearest_sum", "UpSampling",
     {"scale": "3", "sample_type": "nearest", "num_args": "2", "multi_input_mode": "sum"},
     [(1, 2, 2, 2), (1, 2, 6, 6)], -1.0, 1.0),
    ("upsampling_bilinear", "UpSampling",
     {"scale": "2", "sample_type": "bilinear", "num_filter": "2", "num_args": "1"},
     [(1, 2, 3, 3), (2, 1, 4, 4)], -1.0, 1.0),
]

# Forward-only checks of documented quirks (mxnet-format §6.14): exact inputs, no gradient.
QUIRKS = [
    ("quirk_lp3_no_abs", "Pooling", {"kernel": "(2,)", "pool_type": "lp", "p_value": "3"},
     [[[[1.0, -2.0]]]]),
    ("quirk_avg_full_divisor", "Pooling",
     {"kernel": "(3,)", "stride": "(2,)", "pad": "(1,)", "pool_type": "avg", "pooling_convention": "full"},
     [[[[1.0, 2.0, 3.0, 4.0]]]]),
    ("quirk_avg_full_exclude", "Pooling",
     {"kernel": "(3,)", "stride": "(2,)", "pad": "(1,)", "pool_type": "avg", "pooling_convention": "full",
      "count_include_pad": "False"},
     [[[[1.0, 2.0, 3.0, 4.0]]]]),
    ("quirk_max_full_empty_window", "Pooling",
     {"kernel": "(1,)", "stride": "(3,)", "pooling_convention": "full"}, [[[[1.0, 2.0, 3.0, 4.0, 5.0]]]]),
]


def inputs_for(seed: int, shapes, low: float, high: float) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s) for s in shapes]


def run_case(op: str, attrs: dict, arrays: list[np.ndarray], head_seed: int | None, dtype: str = "float64"):
    nds = [mx.nd.array(a, dtype=dtype) for a in arrays]
    for a in nds:
        a.attach_grad()
    with mx.autograd.record():
        out = getattr(mx.nd, op)(*nds, **attrs)
    if head_seed is None:
        return out.asnumpy(), None, []
    head = np.random.default_rng(head_seed).standard_normal(out.shape)
    out.backward(mx.nd.array(head, dtype=dtype))
    return out.asnumpy(), head, [a.grad.asnumpy() for a in nds]


def main() -> None:
    table, arrays = [], {}
    for k, (name, op, attrs, shapes, low, high, *dtype) in enumerate(CASES):
        seed = 1000 + k
        dtype = dtype[0] if dtype else "float64"
        ins = inputs_for(seed, shapes, low, high)
        checksum = float(sum(a.sum() for a in ins))
        ins = [a.astype(dtype).astype(np.float64) for a in ins]
        out, _, grads = run_case(op, attrs, ins, head_seed=seed + 500, dtype=dtype)
        table.append({"name": name, "op": op, "attrs": attrs, "shapes": shapes, "low": low, "high": high,
                      "seed": seed, "head_seed": seed + 500, "checksum": checksum, "dtype": dtype})
        arrays[f"{name}/out"] = out.astype(np.float32)
        for i, g in enumerate(grads):
            arrays[f"{name}/grad{i}"] = g.astype(np.float32)
    for name, op, attrs, values in QUIRKS:
        ins = [np.array(v, dtype=np.float64) for v in values]
        out, _, _ = run_case(op, attrs, ins, head_seed=None)
        table.append({"name": name, "op": op, "attrs": attrs, "values": [a.tolist() for a in ins]})
        arrays[f"{name}/out"] = out.astype(np.float64)
    arrays["cases"] = np.array(json.dumps(table))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(table)} cases)")


if __name__ == "__main__":
    main()
