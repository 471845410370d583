"""Run a compiled plan with a leading batch axis on some variables (a small `vmap`).

Used to evaluate many Hessian-vector products in one pass: the steps that do not depend on the
batched variables run once; the others run batched, through each op's `batching` declaration
(numpy broadcasting for elementwise ops, a rule for others), or a loop over the batch as a fallback.
"""
from __future__ import annotations

from typing import Any, Sequence

from .errors import ExecutionError, SymcliError
from .executor import Plan, Step
from .ops.registry import ELEMENTWISE, ComputeContext, silenced


def _elementwise(step: Step, ctx: ComputeContext, args: list, flags: list[bool]) -> Any:
    # Right-align every operand's own dims, then put the batch axis in front of all of them.
    rank = max(a.ndim - f for a, f in zip(args, flags))
    aligned = [a.reshape((a.shape[0],) + (1,) * (rank - a.ndim + 1) + a.shape[1:]) if f else a
               for a, f in zip(args, flags)]
    return step.kernel(ctx, step.params, *aligned)


def _loop(step: Step, ctx: ComputeContext, args: list, flags: list[bool], size: int) -> Any:
    xp = ctx.xp
    results = [step.kernel(ctx, step.params, *[a[b] if f else a for a, f in zip(args, flags)])
               for b in range(size)]
    if isinstance(results[0], (tuple, list)):
        return tuple(xp.stack([r[k] for r in results]) for k in range(len(results[0])))
    return xp.stack(results)


def run_batched(plan: Plan, steps: Sequence[Step], slots: list[Any], batched: set[int], size: int,
                ctx: ComputeContext) -> set[int]:
    """Run `steps`; slots in `batched` hold arrays with a leading axis of `size`. Returns the
    batched slots after the run. Unbatched steps already computed (slot not None) are skipped."""
    batched = set(batched)
    with silenced(ctx.xp):
        _run_batched(steps, slots, batched, size, ctx)
    return batched


def _run_batched(steps: Sequence[Step], slots: list[Any], batched: set[int], size: int,
                 ctx: ComputeContext) -> None:
    for step in steps:
        flags = [s in batched for s in step.inputs]
        if not any(flags):
            if all(slots[s] is not None for s in step.outputs):
                continue  # computed in an earlier chunk: it does not depend on the batch
        args = [slots[s] for s in step.inputs]
        try:
            if not any(flags):
                result = step.kernel(ctx, step.params, *args)
            elif step.op.batching == ELEMENTWISE:
                result = _elementwise(step, ctx, args, flags)
            elif callable(step.op.batching):
                result = step.op.batching(ctx, step.params, args, flags)
            else:
                result = _loop(step, ctx, args, flags, size)
        except SymcliError as exc:
            raise ExecutionError(f"{step.label}: {exc}") from None
        except (ValueError, IndexError, ZeroDivisionError, TypeError, FloatingPointError) as exc:
            raise ExecutionError(f"{step.label}: {type(exc).__name__}: {exc}") from None
        outs = result if len(step.outputs) > 1 else (result,)
        for s, value in zip(step.outputs, outs):
            slots[s] = value
            if any(flags):
                batched.add(s)
        for s in step.release:
            if s in batched:  # unbatched values are kept: the next chunk reuses them
                slots[s] = None
