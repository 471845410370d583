"""Device contexts: `cpu()` runs on numpy, `gpu(n)` on CuPy when the `gpu` extra is installed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ContextError


@dataclass(frozen=True)
class Context:
    device_type: str  # "cpu" or "gpu"
    device_id: int = 0

    @property
    def xp(self) -> Any:
        """The array module kernels run on."""
        if self.device_type == "cpu":
            import numpy
            return numpy
        try:
            import cupy
        except ImportError:
            raise ContextError(f"{self}: CuPy is not installed; install the GPU extra "
                               "(pip install 'symcli[gpu]' or a cupy-cudaXXx wheel)") from None
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # no driver, no device
            raise ContextError(f"{self}: no usable GPU ({exc})") from None
        if self.device_id >= count:
            raise ContextError(f"{self}: only {count} GPU(s) present")
        cupy.cuda.Device(self.device_id).use()
        return cupy

    def __str__(self) -> str:
        return f"{self.device_type}({self.device_id})"


def cpu(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    return Context("gpu", device_id)


def parse_context(text: str | Context | None) -> Context:
    """`cpu`, `cpu(0)`, `gpu`, `gpu(1)` -> Context."""
    if text is None:
        return cpu()
    if isinstance(text, Context):
        return text
    m = re.fullmatch(r"\s*(cpu|gpu)\s*(?:\(\s*(\d+)\s*\))?\s*", str(text))
    if not m:
        raise ContextError(f"unknown context '{text}' (use cpu, cpu(0) or gpu(N))")
    return Context(m.group(1), int(m.group(2) or 0))


def to_numpy(array: Any) -> Any:
    """Bring an array (numpy or CuPy) back to host memory as numpy."""
    import numpy as np
    if hasattr(array, "get") and not isinstance(array, np.ndarray):
        return array.get()
    return np.asarray(array)
