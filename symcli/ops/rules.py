"""Shape rules shared by many operators (elementwise, broadcasting, identity)."""
from __future__ import annotations

from typing import Sequence

Shape = tuple[int, ...]


def fmt(shape: Sequence[int] | None) -> str:
    return "?" if shape is None else "(" + ",".join(str(d) for d in shape) + ")"


def same_shape(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    """Every input and output has one shape; any known one fills the others (both directions)."""
    known = [s for s in list(in_shapes) + list(out_shapes) if s is not None]
    if not known:
        return in_shapes, out_shapes
    first = known[0]
    for s in known[1:]:
        if tuple(s) != tuple(first):
            raise ValueError(f"shapes must be equal, got {', '.join(fmt(k) for k in known)}")
    return [first] * len(in_shapes), [first] * len(out_shapes)


def broadcast_shapes(*shapes: Shape) -> Shape:
    """numpy broadcasting of known shapes; ValueError naming the shapes otherwise."""
    ndim = max(len(s) for s in shapes)
    out = []
    for axis in range(ndim):
        dims = {s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0}
        dims.discard(1)
        if len(dims) > 1:
            raise ValueError("operands could not be broadcast together with shapes "
                             + " ".join(fmt(s) for s in shapes))
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def broadcast_rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    """Forward-only broadcasting; when one input is unknown and the other equals the output, copy."""
    if all(s is not None for s in in_shapes):
        return in_shapes, [broadcast_shapes(*in_shapes)]
    return in_shapes, out_shapes


def unary_rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
    return same_shape(p, in_shapes, out_shapes)


def fixed_output(shape_fn):
    """A forward-only rule: the output shape is `shape_fn(p, *input_shapes)` once inputs are known."""
    def rule(p, in_shapes: list, out_shapes: list) -> tuple[list, list]:
        if all(s is not None for s in in_shapes):
            out = shape_fn(p, *in_shapes)
            outs = list(out) if isinstance(out, list) else [out]
            return in_shapes, outs
        return in_shapes, out_shapes
    return rule
