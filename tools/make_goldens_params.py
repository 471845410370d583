"""MXNet 1.9.1's `.params` bytes and what `mx.nd.load` reads back -> tests/goldens/params.npz.

Each case stores `<case>/bytes` (the file as uint8), `<case>/names` (empty for the list form) and
`<case>/<i>` the arrays MXNet loads. Hand-written V0/V1 records are checked to load in MXNet too.
Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_params.py
"""
import os
import struct
import tempfile

import mxnet as mx
import numpy as np

BF16 = np.dtype([("bfloat16", np.uint16)])


def saved(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f.params")
        mx.nd.save(path, data)
        with open(path, "rb") as fh:
            return fh.read()


def loaded(raw, np_shape=False):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "f.params")
        with open(path, "wb") as fh:
            fh.write(raw)
        if np_shape:
            with mx.util.np_shape(True):
                return mx.nd.load(path)
        return mx.nd.load(path)


def as_numpy(arr):
    if arr.dtype == BF16:
        return arr.astype("float32").asnumpy()
    return arr.asnumpy()


def legacy_file(records):
    """A list-form file around hand-written records."""
    return struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records) + struct.pack("<Q", 0)


def main():
    rng = np.random.default_rng(5)
    cases = {
        "doc_example": {"a": mx.nd.array([1.0, 2.0]), "bb": mx.nd.array([[7]], dtype="int32")},
        "checkpoint_style": {"arg:fc_weight": mx.nd.array(rng.standard_normal((3, 2))),
                             "arg:fc_bias": mx.nd.array(rng.standard_normal(3)),
                             "aux:bn_moving_var": mx.nd.array(rng.uniform(0.5, 2, 4))},
        "list_dtypes": [mx.nd.array(rng.standard_normal((2, 3)), dtype="float64"),
                        mx.nd.array(rng.standard_normal(5), dtype="float16"),
                        mx.nd.array([0, 200, 255], dtype="uint8"), mx.nd.array([-5, 7], dtype="int8"),
                        mx.nd.array([2 ** 40, -3], dtype="int64"),
                        mx.nd.array([True, False, True], dtype="bool"),
                        mx.nd.array(rng.standard_normal((1, 2, 1, 2)))],
        "bfloat16": {"w": mx.nd.array([1.5, -2.25, 3.0e-3]).astype(BF16)},
        "empty_dict": {},
        "empty_list": [],
        "single": mx.nd.array([3.0]),
    }
    store = {}
    for name, data in cases.items():
        raw = saved(data)
        back = loaded(raw)
        store[f"{name}/bytes"] = np.frombuffer(raw, dtype=np.uint8)
        store[f"{name}/names"] = np.array(list(back.keys()) if isinstance(back, dict) else [], dtype=str)
        values = list(back.values()) if isinstance(back, dict) else back
        for k, v in enumerate(values):
            store[f"{name}/{k}"] = as_numpy(v)
    # numpy-shape (V3) records: a real scalar and a zero-size array
    with mx.util.np_shape(True):
        raw = saved({"s": mx.nd.array(np.float32(2.5).reshape(())), "z": mx.nd.zeros((0, 3))})
    back = loaded(raw, np_shape=True)
    store["np_shape/bytes"] = np.frombuffer(raw, dtype=np.uint8)
    store["np_shape/names"] = np.array(list(back.keys()), dtype=str)
    for k, v in enumerate(back.values()):
        store[f"np_shape/{k}"] = v.asnumpy()
    # sparse storage: must be refused
    csr = mx.nd.array([[0, 1, 0], [2, 0, 0]]).tostype("csr")
    store["csr/bytes"] = np.frombuffer(saved([csr]), dtype=np.uint8)
    # V1 (magic, no storage type) and V0 (uint32 rank and dims) records, hand-written
    v1 = struct.pack("<Ii2q", 0xF993FAC8, 2, 2, 1) + struct.pack("<iii", 1, 0, 0) + np.float32([1, 2]).tobytes()
    v0 = struct.pack("<I2I", 2, 1, 3) + struct.pack("<iii", 1, 0, 4) + np.int32([4, 5, 6]).tobytes()
    raw = legacy_file([v1, v0])
    back = loaded(raw)
    store["legacy_v1_v0/bytes"] = np.frombuffer(raw, dtype=np.uint8)
    store["legacy_v1_v0/names"] = np.array([], dtype=str)
    for k, v in enumerate(back):
        store[f"legacy_v1_v0/{k}"] = v.asnumpy()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens", "params.npz")
    np.savez_compressed(path, **store)
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
