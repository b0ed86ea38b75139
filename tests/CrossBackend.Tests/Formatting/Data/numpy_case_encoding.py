"""The values of a generated NumPy array as the formatting tests read them (one string per element, row-major):
bools "1"/"0", integers in decimal, floats as Python's repr of the float64 value, "nan", "inf", "-inf".
Shared by make_numpy_repr_cases.py and make_numpy_option_cases.py."""
import numpy as np


def encode(arr):
    flat = arr.reshape(-1)
    if arr.dtype == np.bool_:
        return ["1" if v else "0" for v in flat]
    if arr.dtype.kind == "i":
        return [str(int(v)) for v in flat]
    out = []
    for v in flat.astype(np.float64):
        if np.isnan(v):
            out.append("nan")
        elif np.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(repr(float(v)))
    return out
