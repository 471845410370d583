"""Dtype names, MXNet's type flags, and the conversions between them."""
from __future__ import annotations

from typing import Any

# mshadow type flags (mxnet-format.md §8)
FLAG_TO_NAME = {0: "float32", 1: "float64", 2: "float16", 3: "uint8", 4: "int32", 5: "int8",
                6: "int64", 7: "bool", 8: "int16", 9: "uint16", 10: "uint32", 11: "uint64",
                12: "bfloat16"}
NAME_TO_FLAG = {v: k for k, v in FLAG_TO_NAME.items()}
FLOATING = ("float16", "float32", "float64")


def dtype_name(value: Any) -> str:
    """Any dtype spelling (numpy dtype, type, name, flag) -> canonical name; ValueError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value in FLAG_TO_NAME:
            return FLAG_TO_NAME[value]
        raise ValueError(f"unknown dtype flag {value}")
    if isinstance(value, str) and value in NAME_TO_FLAG:
        return value
    import numpy as np
    try:
        name = np.dtype(value).name
    except TypeError:
        raise ValueError(f"unknown dtype {value!r}") from None
    if name not in NAME_TO_FLAG:
        raise ValueError(f"unsupported dtype {name}")
    return name


def dtype_flag(value: Any) -> int:
    return NAME_TO_FLAG[dtype_name(value)]


def parse_dtype_attr(text: str) -> str | None:
    """A variable's `__dtype__` attr: a flag as a string ("0"), or a name ("float64")."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        flag = int(text)
        return FLAG_TO_NAME.get(flag) if flag >= 0 else None
    return dtype_name(text)


def is_floating(name: str | None) -> bool:
    return name in FLOATING
