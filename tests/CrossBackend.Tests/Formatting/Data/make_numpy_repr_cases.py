"""Fuzz cases for TensorFormat: repr(arr) from NumPy 1.24.2 (/usr/bin/python3, Debian 12) with default print options.

Run: /usr/bin/python3 make_numpy_repr_cases.py  (writes numpy_repr_cases.json beside this script; deterministic, seed 20261207).
Each case: name, dtype (NumPy's name), shape, values (row-major; floats as repr(float(v)) of the exact value widened to
float64, 'nan'/'inf'/'-inf'; ints as decimal strings; bools '1'/'0'), repr (NumPy's string; NumPy 1.x prints no shape=
for summarised arrays, so those are compared with ShowShape = false).
Value mixes aim at the branches of numpy/core/arrayprint.py FloatingFormat.fillFormat: integer-valued floats, tiny
(< 1e-4) and huge (>= 1e8) magnitudes, max/min ratio > 1000, negative zero, nan/inf, values needing every unique digit,
0.1-style inexact decimals, all-negative and mixed signs, long rows (wrapping at 75) and nested blocks, summarisation
(size > 1000).
"""
import json
import os
import numpy as np

from numpy_case_encoding import encode  # the arrays' values as the C# tests read them

assert np.__version__ == "1.24.2", np.__version__
rng = np.random.default_rng(20261207)
FLOATS = ["float16", "float32", "float64"]


def mix_values(kind, n, dtype):
    """n float64 values of a named mix; cast to dtype later."""
    r = rng
    if kind == "ints":
        return r.integers(-50, 200, n).astype(np.float64)
    if kind == "tiny":
        return r.uniform(1e-7, 9e-5, n) * r.choice([-1, 1], n)
    if kind == "huge":
        return r.uniform(1e8, 5e9, n) * r.choice([-1, 1], n)
    if kind == "ratio":
        v = r.uniform(0.5, 2.0, n)
        v[r.integers(0, n)] = 5000.0 + r.uniform(0, 10)
        return v
    if kind == "negzero":
        v = r.choice([0.0, -0.0, 1.5, -2.25, 0.5], n)
        return v
    if kind == "nanmix":
        v = r.uniform(-3, 3, n)
        for special in (np.nan, np.inf, -np.inf):
            if r.random() < 0.7:
                v[r.integers(0, n)] = special
        return v
    if kind == "nanonly":
        return r.choice([np.nan, np.inf, -np.inf, 0.0], n)
    if kind == "fulldigits":
        return r.uniform(-1, 1, n) * 10.0 ** r.integers(-3, 3)
    if kind == "tenths":
        return r.integers(-30, 30, n) / 10.0
    if kind == "allneg":
        return -r.uniform(0.01, 100, n)
    if kind == "mixed":
        return r.normal(0, 10, n)
    if kind == "bits":
        # arbitrary bit patterns of the dtype (subnormals, huge, tiny), finite only
        if dtype == "float16":
            b = r.integers(0, 2**16, n).astype(np.uint16).view(np.float16)
        elif dtype == "float32":
            b = r.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
        else:
            b = r.integers(0, 2**63, n, dtype=np.uint64).view(np.float64)
        with np.errstate(invalid="ignore"):
            b = b.astype(np.float64)
        b[~np.isfinite(b)] = 1.0
        return b
    if kind == "edge1000":
        # ratio near the 1000 boundary and min near 1e-4, max near 1e8
        return r.choice([1e-4, 0.1, 100.0, 99999999.0, 1.0, 1000.0, 0.0001001], n)
    if kind == "fewdigits":
        return r.choice([0.5, 0.25, 0.125, 1.0, 2.0, 10.0, 0.1, 0.3], n)
    if kind == "wide":
        return r.uniform(1000, 9999, n) + r.integers(0, 10, n) / 7.0
    if kind == "bigwhole":
        # whole numbers past the dtype's exact digits (float16 > 2048, float32 > 2^24), below 1e8
        top = 65504 if dtype == "float16" else 99999999
        return np.floor(r.uniform(top / 20, top, n)) * r.choice([-1, 1], n)
    raise ValueError(kind)


FLOAT_MIXES = ["ints", "tiny", "huge", "ratio", "negzero", "nanmix", "nanonly", "fulldigits", "tenths", "allneg",
               "mixed", "bits", "edge1000", "fewdigits", "wide"]


def random_shape(size_class):
    r = rng
    if size_class == "scalar":
        return ()
    if size_class == "empty":
        rank = int(r.integers(1, 4))
        s = [int(r.integers(1, 4)) for _ in range(rank)]
        s[int(r.integers(0, rank))] = 0
        return tuple(s)
    if size_class == "big":
        choices = [(1001,), (1500,), (2, 501), (40, 30), (11, 10, 10), (3, 4, 5, 20), (1001, 1), (1, 1200), (7, 200),
                   (2, 2, 2, 130), (1000,), (10, 100), (2, 3, 167)]
        return choices[int(r.integers(0, len(choices)))]
    rank = int(r.integers(1, 5))
    limits = {1: 40, 2: 12, 3: 6, 4: 4}[rank]
    return tuple(int(r.integers(1, limits + 1)) for _ in range(rank))


def make(name, arr):
    return {"name": name, "dtype": str(arr.dtype), "shape": list(arr.shape), "values": encode(arr), "repr": repr(arr)}


cases = []
size_classes = ["scalar", "empty", "small", "small", "small", "small", "big"]
for i in range(360):
    dtype = ["float16", "float32", "float64", "float32", "float64", "int32", "int64", "bool"][i % 8]
    size_class = size_classes[int(rng.integers(0, len(size_classes)))]
    shape = random_shape(size_class)
    n = int(np.prod(shape)) if shape else 1
    if dtype in FLOATS:
        mix = FLOAT_MIXES[int(rng.integers(0, len(FLOAT_MIXES)))]
        v = mix_values(mix, max(n, 1), dtype)[:n] if n > 0 else np.zeros(0)
        with np.errstate(over="ignore"):
            arr = np.array(v, dtype=np.float64).astype(dtype).reshape(shape)
    elif dtype == "bool":
        mix = "bool"
        arr = (rng.random(n) < 0.5).reshape(shape)
    else:
        mix = ["small", "neg", "big", "extreme"][int(rng.integers(0, 4))]
        info = np.iinfo(dtype)
        lo, hi = {"small": (0, 10), "neg": (-1000, 10), "big": (-10**7, 10**7), "extreme": (info.min, info.max)}[mix]
        arr = rng.integers(lo, hi, n, dtype=dtype, endpoint=True).reshape(shape)
    cases.append(make(f"{i:03d}_{dtype}_{mix}_{'x'.join(map(str, shape)) or 'scalar'}", arr))

# Whole numbers wider than the dtype (added after the fuzz found float16 8336 printed as 8340.).
for j in range(24):
    dtype = ["float16", "float32"][j % 2]
    shape = random_shape("big" if j % 6 == 5 else "small")
    n = int(np.prod(shape))
    arr = mix_values("bigwhole", n, dtype).astype(dtype).reshape(shape)
    cases.append(make(f"w{j:02d}_{dtype}_bigwhole_{'x'.join(map(str, shape))}", arr))

# Hand-chosen boundaries of FloatingFormat's branches.
specials = {
    "f64_ratio_exactly_1000": np.array([1.0, 1000.0]),
    "f64_ratio_just_over_1000": np.array([1.0, 1000.0000001]),
    "f32_ratio_1000_after_rounding": np.array([0.3, 300.0], dtype=np.float32),
    "f16_ratio_overflow": np.array([6e-8, 60000.0], dtype=np.float16),
    "f64_min_exactly_1e-4": np.array([1e-4, 0.5]),
    "f32_min_1e-4_rounded": np.array([1e-4, 0.05], dtype=np.float32),
    "f16_min_1e-4_rounded": np.array([1e-4, 0.05], dtype=np.float16),
    "f64_max_just_under_1e8": np.array([99999999.99, 1e6]),
    "f32_max_1e8_rounded": np.array([99999999.0, 1e6], dtype=np.float32),
    "f64_all_zero": np.zeros(5),
    "f64_neg_zeros": np.array([-0.0, -0.0]),
    "f64_scalar_negzero": np.array(-0.0),
    "f64_scalar_nan": np.array(np.nan),
    "f32_scalar_tiny": np.array(1.2345e-7, dtype=np.float32),
    "f64_scalar_huge": np.array(1.5e300),
    "f64_exp_3digits": np.array([1e-300, 1.0]),
    "f64_exp_3digits_nan": np.array([1e-300, np.nan, -np.inf]),
    "f64_subnormal": np.array([5e-324, 1.0]),
    "f32_subnormal": np.array([1e-45, 1.0], dtype=np.float32),
    "f16_subnormal": np.array([6e-8, 1.0], dtype=np.float16),
    "f16_max": np.array([65504.0, 1.0], dtype=np.float16),
    "f64_precision_round_up": np.array([0.999999999, 1.0]),
    "f64_precision_round_9s": np.array([9.999999999, 0.5]),
    "f64_round_carry_sci": np.array([9.9999999999e-5, 1.0]),
    "f32_long_row": np.linspace(-1, 1, 77, dtype=np.float32),
    "f64_long_row_ints": np.arange(-40.0, 40.0),
    "i64_long_row": np.arange(-10**12, 10**12, 10**10),
    "i64_min_max": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]),
    "i32_min_max": np.array([np.iinfo(np.int32).min, np.iinfo(np.int32).max], dtype=np.int32),
    "bool_summary": np.arange(1200) % 3 == 0,
    "bool_2d_wrap": (np.arange(60) % 2 == 0).reshape(3, 20),
    "f64_summary_nan_in_hidden": np.concatenate([np.ones(500) * 0.5, [np.nan, 1e-9], np.ones(500) * 0.25]),
    "f64_summary_tiny_hidden": np.concatenate([np.ones(600), [1e-9], np.ones(600)]),
    "f64_4d_blocks": np.arange(2 * 3 * 2 * 4, dtype=np.float64).reshape(2, 3, 2, 4) / 10,
    "f32_4d_summary": (np.arange(2 * 3 * 10 * 20, dtype=np.float32) * 0.1).reshape(2, 3, 10, 20),
    "f64_scalar_int_valued": np.array(3.0),
    "i64_scalar": np.array(-7),
    "i32_scalar": np.array(7, dtype=np.int32),
    "f16_tenths": (np.arange(-10, 10) / 10).astype(np.float16),
    "f32_tenths_big": (np.arange(-10, 10) / 10 * 999).astype(np.float32),
    "f64_seven": np.arange(7.0),
    "f64_shape_1x1001": np.arange(1001.0).reshape(1, 1001),
    "f64_dtype_wraps": np.arange(0.0, 12.0) + 0.123456,
    "f32_dtype_wraps_line": np.full(7, 0.12345678, dtype=np.float32),
    "f32_dtype_wraps_line8": np.full(8, 0.12345678, dtype=np.float32),
    "f32_sci_nan_only_nonfinite": np.array([np.nan, np.inf], dtype=np.float32),
    "f64_inf_and_int": np.array([-np.inf, 1.0, 2.0]),
    "f64_sci_neg_inf": np.array([-np.inf, 1e-20, 1e20]),
    "f64_rounding_tie": np.array([0.123456785, 1.0]),
    "f64_rounding_tie2": np.array([2.5e-9, 1.0]),
    "f32_rounding_tie": np.array([0.123456785, 1.0], dtype=np.float32),
    # The max/min ratio is computed in the dtype (1000.0 in float16/float32, just over 1000 in float64).
    "f16_ratio_rounds_to_1000": np.array([0.1, 100.0], dtype=np.float16),
    "f64_same_values_ratio_over_1000": np.array([0.0999755859375, 100.0]),
    "f32_ratio_rounds_to_1000": np.array([0.5167034, 516.7034], dtype=np.float32),
    "f32_ratio_rounds_to_1000_b": np.array([0.9509591, 950.9591, -1.0], dtype=np.float32),
    # Whole numbers with more digits than the dtype holds: arrays print them exactly (min_digits=0).
    "f16_whole_8336": np.array([8336.0], dtype=np.float16),
    "f16_whole_mixed": np.array([9992.0, -8336.0, 2054.0, 65504.0, 4100.0], dtype=np.float16),
    "f32_whole_67108872": np.array([67108872.0, 1e6], dtype=np.float32),
    "f32_whole_nan": np.array([67108872.0, np.nan, 99999992.0], dtype=np.float32),
    "f32_whole_2x3": np.array([[67108872.0, 67108888.0, 99999984.0], [-70000008.0, 5e6, 1e5]], dtype=np.float32),
    "f16_whole_scalar": np.array(8336.0, dtype=np.float16),
}
for name, arr in specials.items():
    cases.append(make(name, arr))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "numpy_repr_cases.json"), "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=0)
print(len(cases), "cases;", os.path.getsize(os.path.join(here, "numpy_repr_cases.json")), "bytes")
