"""MXNet 1.9.1's outputs and gradients for the shape and creation operators -> tests/goldens/shape.npz.

Run in the side venv: .mxnet-venv/bin/python tools/make_goldens_shape.py
Each case binds one operator node to seeded float64 inputs (or the explicit values given), runs
forward and backward with a seeded random head gradient, and records inputs, outputs, head gradients
and input gradients as "in0", "out0", "head0", "grad0". To keep the file small, random values are
float16-exact, each array is stored in the narrowest dtype that holds it exactly, and the arrays of
one stored dtype are packed into one flat buffer ("data_<dtype>"); "spec" (JSON) lists the cases and,
per array, [MXNet dtype, shape, stored dtype, offset]. tests/test_ops_shape.py and
tests/test_ops_creation.py unpack it.
"""
import json
import os

import mxnet as mx
import numpy as np

NAN = float("nan")
SPECIAL = np.array([-1.7, 300.6, NAN, -0.0, 2.5, 1e10, -1e10, 127.9, 128.5, -128.7, 255.9,
                    np.inf, -np.inf, 0.4, -0.6])


def case(name, op, attrs, inputs, grad=True):
    """inputs: shapes (seeded normal float64 values) or explicit numpy arrays."""
    return {"name": name, "op": op, "attrs": attrs, "inputs": inputs, "grad": grad}


CASES = [
    # Reshape: the table of mxnet-format.md §6.1, plus the deprecated target_shape
    case("Reshape__4_0_2", "Reshape", {"shape": "(4, 0, 2)"}, [(2, 3, 4)]),
    case("Reshape__0_m3", "Reshape", {"shape": "(0, -3)"}, [(2, 3, 4)]),
    case("Reshape__6_1_m1", "Reshape", {"shape": "(6, 1, -1)"}, [(2, 3, 4)]),
    case("Reshape__m4_1_2_m2", "Reshape", {"shape": "(-4, 1, 2, -2)"}, [(2, 3, 4)]),
    case("Reshape__m2_1_1", "Reshape", {"shape": "(-2, 1, 1)"}, [(2, 3, 4)]),
    case("Reshape__2_m4_m1_3_m2", "Reshape", {"shape": "(2, -4, -1, 3, -2)"}, [(2, 3, 4)]),
    case("Reshape__m3_m3", "Reshape", {"shape": "(-3, -3)"}, [(2, 3, 4, 5)]),
    case("Reshape__m1_0", "Reshape", {"shape": "(-1, 0)"}, [(10, 5, 4)]),
    case("Reshape__m1_0_reverse", "Reshape", {"shape": "(-1, 0)", "reverse": "True"}, [(10, 5, 4)]),
    case("Reshape__m3_m1", "Reshape", {"shape": "(-3, -1)"}, [(2, 3, 4)]),
    case("Reshape__m4_m1_1_0_0", "Reshape", {"shape": "(-4, -1, 1, 0, 0)"}, [(2, 3, 4)]),
    case("Reshape__6_m1_2", "Reshape", {"shape": "(6, -1, 2)"}, [(2, 3, 4)]),
    case("Reshape__target_shape", "Reshape", {"target_shape": "(0, 6)"}, [(2, 3, 4)]),
    case("Reshape__keep_highest", "Reshape", {"target_shape": "(5, 12)", "keep_highest": "True"},
         [(2, 3, 4)]),
    case("reshape__alias", "reshape", {"shape": "(3, -1)"}, [(2, 3, 4)]),
    case("reshape_like", "reshape_like", {}, [(2, 6), (3, 4)]),
    case("reshape_like__ranges", "reshape_like",
         {"lhs_begin": "1", "lhs_end": "None", "rhs_begin": "1", "rhs_end": "3"}, [(2, 12), (5, 3, 4)]),
    case("reshape_like__neg", "reshape_like",
         {"lhs_begin": "-2", "lhs_end": "None", "rhs_begin": "0", "rhs_end": "-1"}, [(3, 2, 6), (4, 3, 7)]),
    case("Flatten", "Flatten", {}, [(2, 3, 4)]),
    case("Flatten__1d", "Flatten", {}, [(5,)]),
    case("transpose", "transpose", {}, [(2, 3, 4)]),
    case("transpose__axes", "transpose", {"axes": "(1, 2, 0)"}, [(2, 3, 4)]),
    case("SwapAxis", "SwapAxis", {"dim1": "-1", "dim2": "0"}, [(2, 3, 4)]),
    case("swapaxes__alias", "swapaxes", {"dim1": "1", "dim2": "2"}, [(2, 3, 4)]),
    case("expand_dims__1", "expand_dims", {"axis": "1"}, [(3, 4)]),
    case("expand_dims__m3", "expand_dims", {"axis": "-3"}, [(3, 4)]),
    case("expand_dims__end", "expand_dims", {"axis": "2"}, [(3, 4)]),
    case("squeeze", "squeeze", {}, [(2, 1, 3, 1)]),
    case("squeeze__axes", "squeeze", {"axis": "(1, 3)"}, [(2, 1, 3, 1)]),
    case("squeeze__neg", "squeeze", {"axis": "-1"}, [(2, 1, 3, 1)]),
    case("squeeze__all_ones", "squeeze", {}, [(1, 1)]),
    case("reverse", "reverse", {"axis": "1"}, [(2, 3, 4)]),
    case("reverse__twice", "reverse", {"axis": "(1, 1)"}, [(2, 3)]),
    case("flip__alias", "flip", {"axis": "(0, 2)"}, [(2, 3, 4)]),
    # joins and splits
    case("Concat__dim1", "Concat", {"num_args": "3", "dim": "1"}, [(2, 1, 3), (2, 2, 3), (2, 3, 3)]),
    case("Concat__dim0", "Concat", {"num_args": "2", "dim": "0"}, [(2, 3), (1, 3)]),
    case("Concat__neg", "Concat", {"num_args": "2", "dim": "-1"}, [(2, 3), (2, 2)]),
    case("concat__alias", "concat", {"num_args": "1"}, [(2, 3)]),
    case("stack", "stack", {"num_args": "2"}, [(3, 4), (3, 4)]),
    case("stack__mid", "stack", {"num_args": "3", "axis": "1"}, [(3, 4), (3, 4), (3, 4)]),
    case("stack__last", "stack", {"num_args": "2", "axis": "-1"}, [(3, 4), (3, 4)]),
    case("SliceChannel", "SliceChannel", {"num_outputs": "3"}, [(2, 6, 2)]),
    case("SliceChannel__squeeze", "SliceChannel",
         {"num_outputs": "3", "axis": "-1", "squeeze_axis": "True"}, [(2, 4, 3)]),
    case("SliceChannel__one", "SliceChannel", {"num_outputs": "1", "axis": "0"}, [(2, 3)]),
    case("split__axis0", "split", {"num_outputs": "2", "axis": "0"}, [(4, 3)]),
    # slices
    case("slice", "slice", {"begin": "(1, 0)", "end": "(3, 4)"}, [(4, 5)]),
    case("slice__leading", "slice", {"begin": "(1,)", "end": "(3,)"}, [(4, 5)]),
    case("slice__neg_begin", "slice", {"begin": "(-3, 1)", "end": "(-1, -1)"}, [(4, 5)]),
    case("slice__negative_step", "slice", {"begin": "(-1, -2)", "end": "(None, 0)", "step": "(-1, -2)"},
         [(4, 5)]),
    case("slice__none_step", "slice", {"begin": "(None, 1)", "end": "(None, None)", "step": "(None, 2)"},
         [(4, 5)]),
    case("slice__clipped", "slice", {"begin": "(-10, 1)", "end": "(10, 20)", "step": "(2, 3)"}, [(4, 5)]),
    case("slice__reverse_all", "slice", {"begin": "(None, None)", "end": "(None, None)", "step": "(-1, -3)"},
         [(4, 5)]),
    case("slice__3d", "slice", {"begin": "(0, 2, 1)", "end": "(2, 0, 4)", "step": "(1, -1, 2)"}, [(2, 3, 4)]),
    case("crop__alias", "crop", {"begin": "(0, 1)", "end": "(2, 3)"}, [(4, 5)]),
    case("slice_axis", "slice_axis", {"axis": "1", "begin": "1", "end": "3"}, [(2, 3, 4)]),
    case("slice_axis__none_neg", "slice_axis", {"axis": "-1", "begin": "-3", "end": "None"}, [(2, 3, 4)]),
    case("slice_axis__neg_end", "slice_axis", {"axis": "0", "begin": "0", "end": "-1"}, [(3, 4)]),
    case("slice_like", "slice_like", {}, [(4, 5), (2, 3)]),
    case("slice_like__axes", "slice_like", {"axes": "(1,)"}, [(4, 5), (3, 2)]),
    case("slice_like__neg_axes", "slice_like", {"axes": "(0, -1)"}, [(4, 5, 3), (2, 1, 2)]),
    # broadcasts, tile, repeat
    case("broadcast_to", "broadcast_to", {"shape": "(3, 0)"}, [(1, 4)]),
    case("broadcast_to__full", "broadcast_to", {"shape": "(2, 3, 4)"}, [(2, 1, 1)]),
    case("broadcast_axis", "broadcast_axis", {"axis": "(0, 2)", "size": "(3, 2)"}, [(1, 4, 1)]),
    case("broadcast_axes__alias", "broadcast_axes", {"axis": "1", "size": "3"}, [(2, 1)]),
    case("tile", "tile", {"reps": "(2, 1)"}, [(3, 4)]),
    case("tile__more_reps", "tile", {"reps": "(2, 1, 3)"}, [(2, 3)]),
    case("tile__fewer_reps", "tile", {"reps": "(3,)"}, [(2, 3)]),
    case("repeat", "repeat", {"repeats": "2", "axis": "1"}, [(3, 4)]),
    case("repeat__flat", "repeat", {"repeats": "3"}, [(2, 2)]),
    case("repeat__neg_axis", "repeat", {"repeats": "2", "axis": "-2"}, [(3, 2)]),
    # Pad
    case("Pad__constant", "Pad", {"mode": "constant", "pad_width": "(0, 0, 0, 0, 1, 2, 2, 1)",
                                  "constant_value": "1.5"}, [(1, 2, 3, 3)]),
    case("Pad__edge", "Pad", {"mode": "edge", "pad_width": "(0, 0, 0, 0, 4, 2, 2, 3)"}, [(1, 2, 3, 3)]),
    case("Pad__reflect", "Pad", {"mode": "reflect", "pad_width": "(0, 0, 0, 0, 2, 1, 1, 2)"}, [(1, 2, 3, 4)]),
    case("pad__constant_5d", "pad", {"mode": "constant", "pad_width": "(0, 0, 0, 0, 1, 0, 0, 1, 2, 1)"},
         [(1, 1, 2, 3, 2)]),
    case("pad__edge_5d", "pad", {"mode": "edge", "pad_width": "(0, 0, 0, 0, 1, 2, 2, 0, 1, 1)"},
         [(1, 1, 2, 3, 2)]),
    # Cast and clip (explicit values: NaN, infinities, out of range, ties)
    case("Cast__float32", "Cast", {"dtype": "float32"}, [(3, 4)]),
    case("Cast__float64_to_float16", "Cast", {"dtype": "float16"}, [SPECIAL], grad=False),
    case("Cast__float64_to_int32", "Cast", {"dtype": "int32"}, [SPECIAL], grad=False),
    case("Cast__float64_to_int64", "Cast", {"dtype": "int64"}, [SPECIAL], grad=False),
    case("Cast__float64_to_uint8", "Cast", {"dtype": "uint8"}, [SPECIAL], grad=False),
    case("Cast__float64_to_int8", "Cast", {"dtype": "int8"}, [SPECIAL], grad=False),
    case("Cast__float64_to_bool", "Cast", {"dtype": "bool"}, [SPECIAL], grad=False),
    case("Cast__float32_to_int32", "Cast", {"dtype": "int32"}, [SPECIAL.astype(np.float32)], grad=False),
    case("Cast__int32_to_uint8", "Cast", {"dtype": "uint8"},
         [np.array([-1, 300, 255, 2 ** 31 - 1, -129], dtype=np.int32)], grad=False),
    case("Cast__int32_to_float16", "Cast", {"dtype": "float16"},
         [np.array([-1, 300, 70000, 2049], dtype=np.int32)], grad=False),
    case("cast__bool_to_float32", "cast", {"dtype": "float32"}, [np.array([0, 1, 1, 0], dtype=bool)],
         grad=False),
    case("Cast__int64_to_int8", "Cast", {"dtype": "int8"}, [np.array([127, 128, -129, 1000], dtype=np.int64)],
         grad=False),
    case("clip", "clip", {"a_min": "-0.5", "a_max": "0.5"}, [(3, 4)]),
    case("clip__float32_bounds", "clip", {"a_min": "0.1", "a_max": "0.15"},
         [np.array([0.2, 0.05, 0.1, 0.12, 0.15, NAN])]),
    case("clip__swapped", "clip", {"a_min": "1", "a_max": "0"}, [np.array([-2.0, 0.5, 3.0, NAN])]),
    case("clip__at_bounds", "clip", {"a_min": "-1", "a_max": "1"}, [np.array([-1.0, -0.5, 1.0, 2.0, -3.0])]),
    case("clip__int32", "clip", {"a_min": "-2.5", "a_max": "2.5"},
         [np.array([-5, -3, -2, 0, 2, 3, 5], dtype=np.int32)], grad=False),
    case("clip__float32", "clip", {"a_min": "-0.3", "a_max": "0.7"}, [SPECIAL[:12].astype(np.float32)],
         grad=False),
    case("shape_array", "shape_array", {}, [(2, 3, 4)], grad=False),
    case("size_array", "size_array", {}, [(2, 3, 4)], grad=False),
    # creation (no inputs)
    case("_zeros", "_zeros", {"shape": "(2, 3)"}, [], grad=False),
    case("_zeros__int8", "_zeros", {"shape": "(4,)", "dtype": "int8"}, [], grad=False),
    case("_ones", "_ones", {"shape": "(3, 2)", "dtype": "float64"}, [], grad=False),
    case("_ones__bool", "_ones", {"shape": "(2,)", "dtype": "bool"}, [], grad=False),
    case("_full", "_full", {"shape": "(2, 2)", "value": "2.5"}, [], grad=False),
    case("_full__int32_trunc", "_full", {"shape": "(3,)", "value": "-2.7", "dtype": "int32"}, [], grad=False),
    case("_full__float16", "_full", {"shape": "(2,)", "value": "0.1", "dtype": "float16"}, [], grad=False),
    case("_arange", "_arange", {"start": "1.0", "stop": "7.0", "step": "1.5"}, [], grad=False),
    case("_arange__repeat_int32", "_arange", {"start": "0", "stop": "4", "repeat": "2", "dtype": "int32"}, [],
         grad=False),
    case("_arange__fraction_float32", "_arange", {"start": "0.1", "stop": "2.0", "step": "0.3"}, [],
         grad=False),
    case("_arange__float64", "_arange", {"start": "0.1", "stop": "2.0", "step": "0.3", "dtype": "float64"},
         [], grad=False),
    case("_arange__negative_step", "_arange",
         {"start": "5", "stop": "-2.5", "step": "-1.5", "dtype": "float64"}, [], grad=False),
    case("_arange__int_fraction", "_arange", {"start": "1.7", "stop": "9", "step": "2.5", "dtype": "int32"},
         [], grad=False),
    case("_arange__float16", "_arange", {"start": "0", "stop": "3", "step": "0.7", "dtype": "float16"}, [],
         grad=False),
    case("_arange__uint8_neg_step", "_arange", {"start": "3", "stop": "-3", "step": "-1", "dtype": "uint8"},
         [], grad=False),
    case("_arange__no_stop", "_arange", {"start": "2.5", "step": "0.5"}, [], grad=False),
    case("_arange__no_stop_negative", "_arange", {"start": "-3", "step": "-1", "dtype": "int64"}, [],
         grad=False),
    case("_eye", "_eye", {"N": "3"}, [], grad=False),
    case("_eye__rect_k", "_eye", {"N": "3", "M": "5", "k": "2", "dtype": "int32"}, [], grad=False),
    case("_eye__neg_k", "_eye", {"N": "4", "M": "3", "k": "-1", "dtype": "float64"}, [], grad=False),
]


def half_exact(values):
    """float64 values that float16 represents exactly."""
    return values.astype(np.float16).astype(np.float64)


def narrowest(array):
    """The array in the narrowest float dtype that holds it exactly (the test casts it back)."""
    if array.dtype.kind == "f":
        for kind in (np.float16, np.float32):
            if np.array_equal(array.astype(kind).astype(array.dtype), array, equal_nan=True):
                return array.astype(kind)
    return array


def op_function(name):
    fn = getattr(mx.sym, name, None)
    return fn if fn is not None else getattr(mx.sym._internal, name)


def run(spec, rng):
    names = [f"x{i}" for i in range(len(spec["inputs"]))]
    inputs = {}
    for n, given in zip(names, spec["inputs"]):
        inputs[n] = given if isinstance(given, np.ndarray) else half_exact(rng.standard_normal(given))
    out = op_function(spec["op"])(*[mx.sym.Variable(n) for n in names], name="node", **spec["attrs"])
    args = {n: mx.nd.array(v, dtype=v.dtype) for n, v in inputs.items()}
    grads = {n: mx.nd.zeros(v.shape, dtype=v.dtype) for n, v in inputs.items()} if spec["grad"] else None
    ex = out.bind(mx.cpu(), args=args, args_grad=grads, grad_req="write" if grads else "null")
    outputs = [o.asnumpy() for o in ex.forward(is_train=bool(grads))]
    result = {f"in{i}": inputs[n] for i, n in enumerate(names)}
    result.update({f"out{k}": o for k, o in enumerate(outputs)})
    if grads:
        heads = [half_exact(rng.standard_normal(o.shape)).astype(o.dtype) for o in outputs]
        ex.backward([mx.nd.array(h, dtype=h.dtype) for h in heads])
        result.update({f"head{k}": h for k, h in enumerate(heads)})
        result.update({f"grad{i}": ex.grad_dict[n].asnumpy() for i, n in enumerate(names)})
    return result, len(outputs)


def main():
    rng = np.random.default_rng(20240601)
    buffers, specs = {}, []
    for spec in CASES:
        result, n_out = run(spec, rng)
        index = {}
        for key, value in result.items():
            stored = narrowest(value)
            chunks = buffers.setdefault(stored.dtype.name, [])
            offset = sum(c.size for c in chunks)
            chunks.append(stored.ravel())
            index[key] = [value.dtype.name, list(value.shape), stored.dtype.name, offset]
        specs.append({"name": spec["name"], "op": spec["op"], "attrs": spec["attrs"],
                      "num_inputs": len(spec["inputs"]), "num_outputs": n_out, "grad": spec["grad"],
                      "arrays": index})
    arrays = {f"data_{k}": np.concatenate(v) for k, v in buffers.items()}
    arrays["spec"] = np.array(json.dumps(specs))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "goldens", "shape.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(specs)} cases to {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
