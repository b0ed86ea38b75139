"""Reference cases for TensorComparison against real torch.testing.assert_close (PyTorch 1.13, Debian's
python3-torch), made in the review of 2026-12-07 (branch s57-close). Run from this folder:

    /usr/bin/python3 make_close_cases.py      # writes close_cases.json

Each case runs torch.testing.assert_close(actual, expected, rtol=, atol=, equal_nan=, check_dtype=) on torch tensors
of the dtypes named (or on Python numbers where "python_scalars" is true) and records what torch did: "outcome" is
"pass", or the exception's type name, and "message" its text. Values are stored as Python reprs of the values the
tensors hold (bfloat16 and float16 values are exact in float64), flattened row-major, with each side's shape.
Deterministic: no random numbers.
"""
import json
import torch

nan, inf = float("nan"), float("inf")
f16, bf16, f32, f64 = "float16", "bfloat16", "float32", "float64"


def case(name, actual, expected, dtypes=(f64, f64), rtol=None, atol=None, equal_nan=False, check_dtype=True,
         python_scalars=False):
    return dict(name=name, actual=actual, expected=expected, dtypes=dtypes, rtol=rtol, atol=atol,
                equal_nan=equal_nan, check_dtype=check_dtype, python_scalars=python_scalars)


def cube(at, value, shape=(2, 3, 4)):
    """A float64 rank-3 zero cube (as nested lists) with `value` at index `at` (a list of (index, value) too)."""
    t = torch.zeros(shape, dtype=torch.float64)
    for index, v in (at if isinstance(at, list) else [(at, value)]):
        t[index] = v
    return t.tolist()


cases = [
    # float64, explicit non-round tolerances, mismatches at several places and ranks
    case("f64 1-D last index", [0.1, 0.2, 0.3, 0.7], [0.1, 0.2, 0.3, 0.3], rtol=0.1, atol=0.3),
    case("f64 1-D first index", [1.9, 0.2, 0.3], [1.0, 0.2, 0.3], rtol=0.1, atol=0.3),
    case("f64 2-D (2, 1)", [[1, 2], [3, 4], [5, 6.7]], [[1, 2], [3, 4], [5, 6]], rtol=1e-7, atol=1e-7),
    case("f64 2-D abs and rel at different indices", [[0.3, 10.0], [1.0, 2.0]], [[0.1, 9.0], [1.0, 2.0]], rtol=0.01, atol=0.001),
    case("f64 3-D (1, 2, 3)", cube((1, 2, 3), 0.25), cube((1, 2, 3), 0.0), rtol=0.1, atol=0.3),
    case("f64 3-D three mismatches", cube([((0, 0, 1), 0.5), ((1, 1, 1), -2.0), ((1, 2, 0), 1e-3)], None),
         cube([((0, 0, 1), 0.4), ((1, 1, 1), -0.1), ((1, 2, 0), 0.0)], None), rtol=0.1, atol=1e-4),
    case("f64 defaults pass", [1.0, 2.0], [1.00000001, 2.0]),
    case("f64 defaults fail", [1.0, 2.0], [1.000001, 2.0]),
    case("f64 tiny and huge differences print scientific", [1.5e-5, 3e20], [0.0, 1e20], rtol=1e-7, atol=1e-7),
    case("f64 greatest relative 1/3", [1.0, 4.0], [3.0, 3.0], rtol=0.1, atol=0.3),
    # percentages: Python's format rounds half to even on the double's exact value
    case("percent 1 / 16", [1.0] + [0.0] * 15, [0.0] * 16, rtol=0.1, atol=0.3),
    case("percent 3 / 16", [1.0] * 3 + [0.0] * 13, [0.0] * 16, rtol=0.1, atol=0.3),
    case("percent 7 / 16", [1.0] * 7 + [0.0] * 9, [0.0] * 16, rtol=0.1, atol=0.3),
    case("percent 1 / 3", [1.0, 0.0, 0.0], [0.0] * 3, rtol=0.1, atol=0.3),
    case("percent 2 / 3", [1.0, 1.0, 0.0], [0.0] * 3, rtol=0.1, atol=0.3),
    case("percent 1 / 2000", [1.0] + [0.0] * 1999, [0.0] * 2000, rtol=0.1, atol=0.3),
    case("percent 1 / 3000", [0.0] * 2999 + [1.0], [0.0] * 3000, rtol=0.1, atol=0.3),
    case("percent 3 / 40", [1.0] * 3 + [0.0] * 37, [0.0] * 40, rtol=0.1, atol=0.3),
    # exactly at the tolerance: |a - e| <= atol + rtol·|e| holds with equality
    case("f64 at tolerance passes", [1.5, 2.0], [1.0, 2.0], rtol=0.25, atol=0.25),
    case("f64 just past tolerance fails", [1.5000000000000002, 2.0], [1.0, 2.0], rtol=0.25, atol=0.25),
    case("f64 at tolerance 0.1 / 0.3", [1.4], [1.0], rtol=0.1, atol=0.3),
    case("f32 at tolerance 0.1 / 0.3", [1.4], [1.0], (f32, f32), rtol=0.1, atol=0.3),
    # float32, float16, bfloat16 with their default tolerances
    case("f32 defaults inexact ratio", [1.0, 2.0, 0.1], [3.0, 2.0, 0.3], (f32, f32)),
    case("f32 defaults pass", [1.0, 2.0], [1.000001, 2.0], (f32, f32)),
    case("f32 at atol floor", [1e-5], [0.0], (f32, f32)),
    case("f16 defaults fail", [[1.0, 2.0], [0.1, 1000.0]], [[1.0, 2.004], [0.1, 1001.0]], (f16, f16)),
    case("f16 defaults pass", [1.0, 1000.0], [1.0009765625, 1000.5], (f16, f16)),
    case("bf16 defaults fail", [1.0, 2.0, 3.0], [1.0, 2.0625, 3.0], (bf16, bf16)),
    case("bf16 defaults pass", [1.0, 2.0, 3.0], [1.0078125, 2.0, 3.0], (bf16, bf16)),
    case("bf16 against f32, check_dtype off", [1.0, 2.0], [1.01, 2.0], (bf16, f32), check_dtype=False),
    case("f16 against f64, check_dtype off", [0.1, 0.2], [0.1, 0.2], (f16, f64), check_dtype=False),
    case("f32 against f64, check_dtype off", [0.1, 0.30001], [0.1, 0.3], (f32, f64), check_dtype=False),
    case("f32 against f64, check_dtype on", [0.1, 0.3], [0.1, 0.3], (f32, f64), check_dtype=True),
    # NaN, infinities, signed zero
    case("nan actual only", [1.0, nan, 3.0], [1.0, 2.0, 3.0], rtol=0.1, atol=0.3),
    case("nan expected only", [1.0, 2.0, 3.0], [1.0, nan, 3.0], rtol=0.1, atol=0.3),
    case("nan both, equal_nan off", [1.0, nan], [1.0, nan], rtol=0.1, atol=0.3),
    case("nan both, equal_nan on", [1.0, nan], [1.0, nan], rtol=0.1, atol=0.3, equal_nan=True),
    case("nan one side, equal_nan on", [nan, 5.0, 1.0], [1.0, 2.0, 1.0], rtol=0.1, atol=0.3, equal_nan=True),
    case("nan against 0", [nan, 0.0], [0.0, 0.0], rtol=0.1, atol=0.3),
    case("inf equal", [inf, -inf, 1.0], [inf, -inf, 1.0], rtol=0.1, atol=0.3),
    case("inf against -inf", [inf, 1.0], [-inf, 1.0], rtol=0.1, atol=0.3),
    case("inf against finite and nan", [1.0, inf, inf], [1.0, 2.0, nan], rtol=0.1, atol=0.3),
    case("-0 against 0 exact", [-0.0, 0.0], [0.0, -0.0], rtol=0.0, atol=0.0),
    case("-0 against 0 defaults", [-0.0], [0.0], (f32, f32)),
    case("expected 0: relative inf", [0.5, 0.25, 2.0], [0.0, 0.0, 1.0], rtol=0.1, atol=0.3),
    case("exact mismatch", [1.0, 2.5, 3.0], [1.0, 2.0, 3.0], rtol=0.0, atol=0.0),
    # integers and bool (relative differences are exact in float32 here: torch divides integer tensors in float32)
    case("int32 mismatch", [[1, 2], [3, 6]], [[1, 2], [3, 4]], ("int32", "int32")),
    case("int64 two mismatches", [10, 20, 30, 44], [10, 24, 30, 40], ("int64", "int64")),
    case("int64 equal", [10, -20], [10, -20], ("int64", "int64")),
    case("bool mismatch", [[True, False], [False, False]], [[True, True], [False, True]], ("bool", "bool")),
    case("int64 against f64, check_dtype off", [1, 2, 3], [1.0, 2.0, 3.5], ("int64", f64), check_dtype=False),
    # shapes and dtypes: the messages differ from ours on purpose, the verdicts must not
    case("shape (2, 3) against (3, 2)", [[1.0] * 3] * 2, [[1.0] * 2] * 3),
    case("shape (2,) against (3,)", [1.0, 2.0], [1.0, 2.0, 3.0]),
    case("dtype f32 against f64 check_dtype on, values equal", [0.5], [0.5], (f32, f64), check_dtype=True),
    case("dtype int64 against int32 check_dtype on", [1], [1], ("int64", "int32"), check_dtype=True),
    case("dtype int64 against int32 check_dtype off", [1, 3], [1, 2], ("int64", "int32"), check_dtype=False),
    # tolerances given alone
    case("only rtol given", [1.0], [1.0], rtol=0.1),
    case("only atol given", [1.0], [1.0], atol=0.3),
    # 0-d tensors and Python numbers
    case("0-d f32 inexact", 1.0, 3.0, (f32, f32)),
    case("0-d f64 pass", 0.1 + 0.2, 0.3),
    case("0-d f64 at tolerance", 1.4, 1.0, rtol=0.1, atol=0.3),
    case("0-d f16", 1.0, 1.5, (f16, f16)),
    case("0-d nan both equal_nan", nan, nan, equal_nan=True),
    case("0-d -inf against inf", -inf, inf),
    case("python floats", 2.5, 2.0, python_scalars=True),
    case("python floats pass", 0.1 + 0.2, 0.3, python_scalars=True),
    case("python ints", 7, 5, ("int64", "int64"), python_scalars=True),
    case("python int against python float", 1, 1.0, ("int64", f64), python_scalars=True),
    case("python int against python float, check_dtype off", 1, 1.0, ("int64", f64), check_dtype=False, python_scalars=True),
    case("python nan", nan, nan, python_scalars=True),
    case("python nan, equal_nan on", nan, nan, equal_nan=True, python_scalars=True),
    case("0-d nan against 1", nan, 1.0, rtol=0.1, atol=0.3),
    case("0-d bool", True, False, ("bool", "bool")),
    case("0-d int64 with tolerances", 0, 5, ("int64", "int64"), rtol=0.1, atol=0.3),
    case("0-d uint8", 7, 5, ("uint8", "uint8")),
    case("1-element bool", [True], [False], ("bool", "bool")),
    case("int32 abs and rel at different indices", [7, 3], [5, 2], ("int32", "int32")),
    case("rtol 0, atol 0.3", [1.0, 2.0], [1.0, 2.5], rtol=0.0, atol=0.3),
    case("f64 ties keep the first of 5000", [0.0] * 100 + [0.5] + [0.0] * 2399 + [0.5] + [0.0] * 2399 + [-0.5] + [0.0] * 99,
         [0.0] * 5000, rtol=0.1, atol=0.3),
    case("f64 nan ties keep the first of 5000", [0.0] * 100 + [0.5] + [0.0] * 2899 + [nan] + [0.0] * 999 + [nan] + [0.0] * 999,
         [0.0] * 5000, rtol=0.1, atol=0.3),
]


def flat(t):
    return [repr(v) for v in t.reshape(-1).tolist()]


out = []
for c in cases:
    a_dtype, e_dtype = c["dtypes"]
    if c["python_scalars"]:
        x, e = c["actual"], c["expected"]
        xt, et = torch.tensor(x, dtype=getattr(torch, a_dtype)), torch.tensor(e, dtype=getattr(torch, e_dtype))
    else:
        x = xt = torch.tensor(c["actual"], dtype=getattr(torch, a_dtype))
        e = et = torch.tensor(c["expected"], dtype=getattr(torch, e_dtype))
    try:
        torch.testing.assert_close(x, e, rtol=c["rtol"], atol=c["atol"], equal_nan=c["equal_nan"],
                                   check_dtype=c["check_dtype"])
        outcome, message = "pass", ""
    except Exception as error:  # AssertionError (not close), ValueError (one tolerance alone), ...
        outcome, message = type(error).__name__, str(error)
    out.append({"name": c["name"], "python_scalars": c["python_scalars"],
                "actual_dtype": a_dtype, "actual_shape": list(xt.shape), "actual": flat(xt),
                "expected_dtype": e_dtype, "expected_shape": list(et.shape), "expected": flat(et),
                "rtol": c["rtol"], "atol": c["atol"], "equal_nan": c["equal_nan"], "check_dtype": c["check_dtype"],
                "outcome": outcome, "message": message})

with open("close_cases.json", "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(o) for o in out) + "\n]\n")
print(len(out), "cases; torch", torch.__version__)
