"""Fuzz cases for TensorFormat's non-default options: repr(arr) from NumPy 1.24.2 (/usr/bin/python3, Debian 12) under
np.printoptions(...) with one option (or a few together) changed from its default.

Run: /usr/bin/python3 make_numpy_option_cases.py  (writes numpy_option_cases.json beside this script; deterministic,
seed 20261208). Same case format as make_numpy_repr_cases.py (name, dtype, shape, values, repr) plus options: the
print options that differ from NumPy's defaults, with NumPy's names (precision, threshold, edgeitems, linewidth,
suppress, floatmode, sign). NumPy 1.x prints no shape= for summarised arrays (size > threshold), so those are
compared with ShowShape = false.
Arrays aim at what each option changes in numpy/core/arrayprint.py: FloatingFormat.fillFormat (precision cut-offs,
values whose digit count changes when rounded to the precision, ties, suppress's scientific switch with 1e-9 beside 1e9,
floatmode's unique/fixed/equal digits, sign's padding with nan/inf/-0.0), _leading_trailing and _formatArray
(threshold, edgeitems, linewidth, including widths narrower than one element) and _array_repr_implementation (the dtype
wrapping to a new line at the line width).
"""
import json
import os
import numpy as np

from numpy_case_encoding import encode  # the arrays' values as the C# tests read them

assert np.__version__ == "1.24.2", np.__version__
rng = np.random.default_rng(20261208)
FLOATS = ["float16", "float32", "float64"]
DTYPES = ["float16", "float32", "float64", "float64", "float32", "int32", "int64", "bool"]


def float_values(kind, n, dtype):
    """n float64 values of a named mix; cast to dtype later."""
    r = rng
    if kind == "mixed":
        return r.normal(0, 10, n)
    if kind == "unit":
        return r.uniform(-1, 1, n)
    if kind == "tiny_huge":          # suppress's case: 1e-9 beside 1e9 (still >= 1e8, so scientific either way)
        return r.choice([1e-9, -2.5e-9, 1e9, 3.0, 0.5], n)
    if kind == "tiny_mid":           # suppress switches these to positional (max < 1e8)
        return r.choice([1e-9, -3e-7, 1.5, 250.0, 12345.678, 0.0], n)
    if kind == "ratio":
        v = r.uniform(0.5, 2.0, n)
        v[r.integers(0, n)] = 5000.0 + r.uniform(0, 10)
        return v
    if kind == "rounding":           # rounding to a small precision changes the digit count (9.96 -> 10.0)
        return r.choice([0.96, 9.96, 99.95, 0.049, 0.5, 1.5, 2.5, 0.125, 0.375, 9.9999, 0.05, -0.96], n)
    if kind == "ties":               # exact binary ties at several places
        return r.choice([0.5, 1.5, 2.5, 0.25, 0.75, 0.125, 0.625, 1.0625, -0.375, 3.5], n)
    if kind == "special":
        v = r.uniform(-3, 3, n)
        for special in (np.nan, np.inf, -np.inf, -0.0):
            if r.random() < 0.6:
                v[r.integers(0, n)] = special
        return v
    if kind == "nonneg":             # sign ' ' pads only when no value has its sign bit set
        return r.uniform(0, 50, n)
    if kind == "ints":
        return r.integers(-50, 200, n).astype(np.float64)
    if kind == "tiny":
        return r.uniform(1e-7, 9e-5, n) * r.choice([-1, 1], n)
    if kind == "huge":
        return r.uniform(1e8, 5e12, n) * r.choice([-1, 1], n)
    if kind == "fulldigits":
        return r.uniform(-1, 1, n) * 10.0 ** r.integers(-3, 4)
    if kind == "tenths":
        return r.integers(-30, 30, n) / 10.0
    if kind == "bits":               # arbitrary finite bit patterns of the dtype (subnormals, huge, every digit)
        width = {"float16": 16, "float32": 32, "float64": 64}[dtype]
        b = r.integers(0, 2**63, n, dtype=np.uint64)
        if width < 64:
            b = (b % np.uint64(2**width)).astype({16: np.uint16, 32: np.uint32}[width])
        with np.errstate(invalid="ignore"):
            v = b.view(dtype).astype(np.float64)
        v[~np.isfinite(v)] = 1.0
        return v
    raise ValueError(kind)


FLOAT_MIXES = ["mixed", "unit", "tiny_huge", "tiny_mid", "ratio", "rounding", "ties", "special", "nonneg", "ints",
               "tiny", "huge", "fulldigits", "tenths", "bits"]


def random_shape(big):
    r = rng
    if big:
        choices = [(30,), (61,), (4, 9), (7, 7), (3, 4, 5), (2, 3, 11), (12, 1), (1, 15), (6, 2, 6)]
        return choices[int(r.integers(0, len(choices)))]
    rank = int(r.integers(0, 4))
    limits = {0: 1, 1: 14, 2: 6, 3: 4}[rank]
    return tuple(int(r.integers(1, limits + 1)) for _ in range(rank))


def random_array(shape, dtype=None, mix=None):
    dtype = dtype or DTYPES[int(rng.integers(0, len(DTYPES)))]
    n = int(np.prod(shape)) if shape else 1
    if dtype in FLOATS:
        mix = mix or FLOAT_MIXES[int(rng.integers(0, len(FLOAT_MIXES)))]
        with np.errstate(over="ignore"):
            arr = np.array(float_values(mix, n, dtype), dtype=np.float64).astype(dtype).reshape(shape)
    elif dtype == "bool":
        mix = "bool"
        arr = (rng.random(n) < 0.5).reshape(shape)
    else:
        mix = mix or ["small", "neg", "big"][int(rng.integers(0, 3))]
        lo, hi = {"small": (0, 10), "neg": (-1000, 10), "big": (-10**7, 10**7)}[mix]
        arr = rng.integers(lo, hi, n, dtype=dtype, endpoint=True).reshape(shape)
    return arr, mix


cases = []


def add(label, options, arr, mix):
    with np.printoptions(**options):
        text = repr(arr)
    shape = "x".join(map(str, arr.shape)) or "scalar"
    opts = "_".join(f"{k}{ {' ': 'space', '+': 'plus', '-': 'minus'}.get(v, v)}" for k, v in options.items())
    cases.append({"name": f"{len(cases):03d}_{label}_{opts}_{arr.dtype}_{mix}_{shape}", "options": options,
                  "dtype": str(arr.dtype), "shape": list(arr.shape), "values": encode(arr), "repr": text})


# Each option alone at several values, on random arrays (floats weighted: most options only change floats).
SINGLE = (
    [{"precision": p} for p in (0, 1, 2, 3, 5, 12, 17)]
    + [{"suppress": True}]
    + [{"threshold": t} for t in (0, 5, 20, 100)]
    + [{"edgeitems": e} for e in (0, 1, 2, 5)]
    + [{"linewidth": w} for w in (10, 20, 40, 120, 200)]
    + [{"floatmode": m} for m in ("fixed", "unique", "maxprec_equal")]
    + [{"sign": s} for s in ("+", " ")]
)
for options in SINGLE:
    big = "threshold" in options or "edgeitems" in options
    for k in range(12):
        dtype = (FLOATS + FLOATS + FLOATS + ["int32", "int64", "bool"])[k] if k < 12 else None
        arr, mix = random_array(random_shape(big or k % 4 == 3), dtype)
        if "edgeitems" in options:   # edgeitems only matters when summarising: lower the threshold with it
            options = dict(options, threshold=int(rng.choice([0, 10, 20])))
        add("one", options, arr, mix)
        options = {k2: v for k2, v in options.items() if k2 != "threshold"} if "edgeitems" in options else options

# Value mixes each float option is about, on every float dtype.
AIMED = [
    ({"suppress": True}, ["tiny_huge", "tiny_mid", "tiny", "ratio", "bits"]),
    ({"suppress": True, "precision": 3}, ["tiny_mid", "tiny", "special"]),
    ({"precision": 0}, ["rounding", "ties", "special", "tiny_mid"]),
    ({"precision": 1}, ["rounding", "ties", "huge", "tiny"]),
    ({"precision": 3}, ["rounding", "ties", "tiny", "special"]),
    ({"precision": 12}, ["fulldigits", "tiny", "huge", "bits"]),
    ({"precision": 17}, ["fulldigits", "tenths", "tiny", "bits"]),
    ({"floatmode": "fixed"}, ["rounding", "tenths", "tiny", "special", "ints", "bits"]),
    ({"floatmode": "fixed", "precision": 3}, ["rounding", "ties", "huge", "special"]),
    ({"floatmode": "fixed", "precision": 0}, ["rounding", "ties", "tiny"]),
    ({"floatmode": "unique"}, ["fulldigits", "tenths", "tiny", "special", "bits"]),
    ({"floatmode": "unique", "precision": 2}, ["fulldigits", "huge"]),
    ({"floatmode": "maxprec_equal"}, ["tenths", "rounding", "tiny", "special", "ints", "bits"]),
    ({"floatmode": "maxprec_equal", "precision": 2}, ["rounding", "ties", "fulldigits"]),
    ({"floatmode": "maxprec"}, ["tenths", "fulldigits"]),
    ({"sign": "+"}, ["special", "nonneg", "tiny", "ints"]),
    ({"sign": " "}, ["special", "nonneg", "tiny", "ints"]),
    ({"sign": "-"}, ["special", "nonneg"]),
]
for options, mixes in AIMED:
    for mix in mixes:
        for dtype in FLOATS:
            arr, _ = random_array(random_shape(False), dtype, mix)
            add("aim", options, arr, mix)

# A few combinations.
COMBOS = [
    {"precision": 3, "suppress": True, "linewidth": 40},
    {"precision": 1, "floatmode": "fixed", "sign": "+"},
    {"precision": 4, "floatmode": "maxprec_equal", "sign": " "},
    {"threshold": 10, "edgeitems": 1, "linewidth": 20},
    {"threshold": 10, "edgeitems": 2, "precision": 2, "floatmode": "fixed"},
    {"threshold": 0, "edgeitems": 5, "sign": "+", "linewidth": 200},
    {"floatmode": "unique", "suppress": True, "sign": " "},
    {"precision": 0, "suppress": True, "floatmode": "maxprec_equal"},
    {"linewidth": 20, "sign": "+", "precision": 12},
    {"threshold": 20, "edgeitems": 1, "floatmode": "unique", "linewidth": 40},
]
for options in COMBOS:
    for k in range(8):
        dtype = (FLOATS + FLOATS + ["int64", "bool"])[k]
        arr, mix = random_array(random_shape(k % 2 == 0), dtype)
        add("mix", options, arr, mix)

# Hand-chosen cases.
specials = [
    ({"precision": 0}, np.array([0.5, 1.5, 2.5, -0.5])),
    ({"precision": 1}, np.array([0.05, 0.15, 0.25, 0.35])),
    ({"precision": 2}, np.array([9.996, 0.001])),
    ({"precision": 3}, np.array([1e-5, 1.0])),
    ({"precision": 3}, np.array([9.99951e-5, 1.0])),
    ({"precision": 3}, np.array(2.0 / 3.0)),
    ({"precision": 17}, np.array([0.1, 0.2, 0.3])),
    ({"precision": 17}, np.array([0.1, 0.2, 0.3], dtype=np.float32)),
    ({"suppress": True}, np.array([1e-9, 1e9])),
    ({"suppress": True}, np.array([1e-9, 1.0, 12345.5])),
    ({"suppress": True}, np.array([-1e-9, 1e-12])),
    ({"suppress": True}, np.array([1e-20, np.nan, -np.inf])),
    ({"suppress": True, "precision": 12}, np.array([1e-9, 1.0])),
    ({"floatmode": "fixed"}, np.array([0.1, 0.2], dtype=np.float32)),
    ({"floatmode": "fixed"}, np.array([1e-9, 1e9])),
    ({"floatmode": "fixed"}, np.array([np.nan, np.inf])),
    ({"floatmode": "fixed"}, np.array(1.0, dtype=np.float16)),
    ({"floatmode": "fixed", "precision": 17}, np.array([0.1, 1e-5])),
    ({"floatmode": "maxprec_equal"}, np.array([0.3, 0.25], dtype=np.float32)),
    ({"floatmode": "maxprec_equal"}, np.array([1.0, 2.0, np.nan])),
    ({"floatmode": "maxprec_equal", "precision": 3}, np.array([0.1, 0.12345])),
    ({"floatmode": "unique"}, np.array([0.1, 1 / 3])),
    ({"floatmode": "unique"}, np.array([1e-5, 1 / 3], dtype=np.float32)),
    ({"floatmode": "unique", "precision": 0}, np.array([0.1, 1 / 3])),
    ({"sign": "+"}, np.array([0.0, -0.0, 1.0])),
    ({"sign": "+"}, np.array([np.nan, 1.0, np.inf])),
    ({"sign": "+"}, np.array([np.nan, np.inf])),
    ({"sign": "+"}, np.array(0.5)),
    ({"sign": "+"}, np.array([1e-9, 1e9])),
    ({"sign": "+"}, np.array([1, -2, 3])),
    ({"sign": " "}, np.array([0.0, 1.0])),
    ({"sign": " "}, np.array([-0.0, 1.0])),
    ({"sign": " "}, np.array([np.nan, 1.0])),
    ({"sign": " "}, np.array([np.inf])),
    ({"sign": " "}, np.array(2.5)),
    ({"sign": " "}, np.array([1e-9, 1e9])),
    ({"sign": " "}, np.array([1, 2, 3], dtype=np.int32)),
    ({"sign": " "}, np.array([True, False])),
    ({"threshold": 0}, np.array(1.5)),
    ({"threshold": 0}, np.array([1.5])),
    ({"threshold": 0}, np.array([1.5, 2.5])),
    ({"threshold": 5}, np.arange(6.0)),
    ({"threshold": 5}, np.arange(5.0)),
    ({"threshold": 0, "edgeitems": 0}, np.arange(4.0) / 3),
    ({"threshold": 0, "edgeitems": 0}, np.arange(6.0).reshape(2, 3)),
    ({"threshold": 0, "edgeitems": 1}, np.array([1e-9, 0.5, 1.0])),
    ({"threshold": 0, "edgeitems": 1}, np.array([0.5, 1e-9, 1.0])),
    ({"threshold": 0, "edgeitems": 2}, np.arange(5.0)),
    ({"threshold": 0, "edgeitems": 2}, np.arange(4.0)),
    ({"threshold": 0, "edgeitems": 5}, np.arange(24.0).reshape(2, 12)),
    ({"threshold": 3, "edgeitems": 1}, np.arange(27).reshape(3, 3, 3)),
    ({"linewidth": 1}, np.arange(4.0)),
    ({"linewidth": 5}, np.arange(12).reshape(3, 4)),
    ({"linewidth": 10}, np.array([123456.5, 1.0], dtype=np.float32)),
    ({"linewidth": 17}, np.array([1.0, 2.0], dtype=np.float32)),
    ({"linewidth": 18}, np.array([1.0, 2.0], dtype=np.float32)),
    ({"linewidth": 20}, np.array(1.0, dtype=np.float32)),
    ({"linewidth": 20}, np.arange(20.0).reshape(4, 5) / 7),
    ({"linewidth": 40}, np.arange(30, dtype=np.int32)),
    ({"linewidth": 200}, np.arange(60.0) / 7),
    ({"linewidth": 200, "threshold": 100}, np.arange(200.0).reshape(10, 20) / 3),
]
for options, arr in specials:
    add("hand", options, arr, "hand")

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "numpy_option_cases.json"), "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=0)
print(len(cases), "cases;", os.path.getsize(os.path.join(here, "numpy_option_cases.json")), "bytes")
