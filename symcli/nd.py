"""A minimal `mx.nd` stand-in: numpy arrays with `.asnumpy()`, so MXNet scripts run unchanged."""
from __future__ import annotations

from typing import Any

import numpy as np


class NDArray(np.ndarray):
    """A numpy array that also answers MXNet's NDArray methods used by executor scripts."""

    def asnumpy(self) -> np.ndarray:
        return np.array(self, copy=True).view(np.ndarray)

    def asscalar(self) -> Any:
        return self.reshape(-1)[0].item()

    @property
    def context(self):
        from .context import cpu
        return cpu()


def array(source: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    dt = dtype if dtype is not None else (source.dtype if isinstance(source, np.ndarray) else np.float32)
    return np.array(source, dtype=dt).view(NDArray)


def zeros(shape: Any, ctx: Any = None, dtype: Any = np.float32) -> NDArray:
    return np.zeros(shape, dtype=dtype).view(NDArray)


def ones(shape: Any, ctx: Any = None, dtype: Any = np.float32) -> NDArray:
    return np.ones(shape, dtype=dtype).view(NDArray)


def full(shape: Any, val: float, ctx: Any = None, dtype: Any = np.float32) -> NDArray:
    return np.full(shape, val, dtype=dtype).view(NDArray)


def save(fname: str, data: Any) -> None:
    from .codec.params import write_params
    write_params(fname, data)


def load(fname: str) -> Any:
    from .codec.params import read_params
    return {k: v.view(NDArray) for k, v in read_params(fname).items()}
