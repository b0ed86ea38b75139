"""Makes the golden files the kit's tests read (tests/CrossBackend.Tests/Testing/data).

Run from this folder with Debian's NumPy 1.24 and PyTorch 1.13 (apt-get install -y python3-numpy python3-torch):
    /usr/bin/python3 make_data.py
Writes:
  npy/*.npy        one array per supported dtype, plus 0-d, empty, rank-4, format 2.0 and 3.0, Fortran-order and
                   big-endian files
  bad/*.npy        files the reader must refuse (uint16, uint64, complex, datetime, object, truncated)
  stored.npz       np.savez (zip, stored entries)
  deflated.npz     np.savez_compressed (zip, deflated entries)
  manifest.json    for every good file: dtype, shape and the values NumPy holds (as Python numbers)
  torch_messages.json  torch.testing.assert_close's failure messages on float64 tensors, for the report tests
"""
import io, json, math, os
import numpy as np
import torch

os.makedirs("npy", exist_ok=True)
os.makedirs("bad", exist_ok=True)
manifest = {}


def values_of(a):
    flat = a.reshape(-1)
    if a.dtype == np.bool_:
        return [bool(v) for v in flat]
    if a.dtype.kind in "iu":
        return [int(v) for v in flat]
    return [float(v) for v in flat]   # exact: float16/float32 widen to float64 exactly


def save(name, a, **kw):
    path = f"npy/{name}.npy"
    if kw:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, **kw)
    else:
        np.save(path, a)
    manifest[path] = {"dtype": a.dtype.newbyteorder("<").name, "shape": list(a.shape), "values": values_of(a)}


save("float16", (np.arange(6, dtype=np.float64).reshape(2, 3) * 0.1 - 0.2).astype(np.float16))
save("float32", (np.arange(12, dtype=np.float64).reshape(3, 4) * 0.1 - 0.5).astype(np.float32))
save("float64", np.array([[0.1, -2.5e-7, 1e300], [np.pi, -0.0, 123456.789]]))
save("int8", np.array([-128, -1, 0, 1, 127], dtype=np.int8))
save("int16", np.array([[-32768, 7], [0, 32767]], dtype=np.int16))
save("int32", np.array([-2147483648, 0, 2147483647], dtype=np.int32))
save("int64", np.array([[-(2 ** 53), 3], [4, 2 ** 53]], dtype=np.int64))
save("uint8", np.array([0, 1, 128, 255], dtype=np.uint8))
save("bool", np.array([[True, False, True], [False, False, True]]))
np.save("npy/scalar.npy", 2.3)   # a 0-d float64 array
manifest["npy/scalar.npy"] = {"dtype": "float64", "shape": [], "values": [2.3]}
save("empty", np.zeros((0, 3), dtype=np.float32))
save("rank4", np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5) / 7.0)
save("version2", np.array([1.5, -2.5], dtype=np.float32), version=(2, 0))
save("version3", np.array([3.25], dtype=np.float64), version=(3, 0))
# Read too, though np.save keeps them as they are: a transposed array is saved column-major (fortran_order True),
# and an array of '>f4' (e.g. read from a big-endian format) keeps its byte order.
save("fortran", np.arange(6, dtype=np.float32).reshape(3, 2).T * np.float32(0.1))
save("fortran_rank3", np.asfortranarray((np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.1).astype(np.float16)))
save("bigendian", (np.arange(4, dtype=np.float64) * 0.1 - 0.2).astype(">f4"))
save("bigendian_int64", np.array([[-(2 ** 62) - 3, 5], [2 ** 53 + 1, -1]], dtype=">i8"))
save("bigendian_fortran", np.asfortranarray(np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], dtype=">f8")))

np.save("bad/uint16.npy", np.arange(4, dtype=np.uint16))
np.save("bad/uint64.npy", np.arange(4, dtype=np.uint64))
np.save("bad/complex64.npy", np.arange(4, dtype=np.complex64))
np.save("bad/datetime.npy", np.array(["2020-01-01"], dtype="datetime64[D]"))
np.save("bad/object.npy", np.array([1, "a", None], dtype=object), allow_pickle=True)
with open("npy/float32.npy", "rb") as f:
    whole = f.read()
with open("bad/truncated.npy", "wb") as f:
    f.write(whole[:-5])

a = np.linspace(-1, 1, 12, dtype=np.float32).reshape(2, 2, 3)
labels = np.array([[0, 2], [1, 1]], dtype=np.int64)
scalar = np.float64(0.22839302)
np.savez("stored.npz", probs=a, labels=labels, loss=scalar)
np.savez_compressed("deflated.npz", probs=a, labels=labels, loss=scalar)
for name in ("stored.npz", "deflated.npz"):
    manifest[name] = {k: {"dtype": v.dtype.name, "shape": list(v.shape), "values": values_of(np.asarray(v))}
                      for k, v in (("probs", a), ("labels", labels), ("loss", np.asarray(scalar)))}

with open("manifest.json", "w") as f:
    json.dump(manifest, f, indent=1)

# torch.testing.assert_close(check_dtype=False) on tensors of the dtypes named (float64 unless a case names others);
# rtol/atol None: torch's defaults for the dtypes (the kit's ToleranceTable.TorchTesting). The relative difference of
# two integer tensors is left out where PyTorch divides in float32 (the kit divides in float64, on purpose).
nan, inf = float("nan"), float("inf")
cases = [
    ("issue example", [[1, 2, 3], [4, 5, 5.5]], [[1, 2, 3], [4, 5, 5.0]], 1.3e-6, 1e-5, False),
    ("overflowed difference", [1e308, 1], [-1e308, 1], 10.0, 0.0, False),
    ("0-d", 2.5, 2.0, 0.1, 0.01, False),
    ("0-d float32 defaults", 2.5, 2.0, None, None, False, "float32", "float32"),
    ("0-d nan against 0", nan, 0.0, None, None, False),
    ("0-d inf against 0", inf, 0.0, None, None, False),
    ("0-d int64", 7, 5, None, None, False, "int64", "int64"),
    ("0-d int64 extremes", -(2 ** 63), 2 ** 63 - 1, None, None, False, "int64", "int64"),
    ("percent rounds half to even", [1.5] * 5 + [0.0] * 11, [0.0] * 16, None, None, False, "float32", "float32"),
    ("float16 defaults", [1.0, 1.002], [1.0, 1.0], None, None, False, "float16", "float16"),
    ("float32 against float64 defaults", [0.1, 0.30001], [0.1, 0.3], None, None, False, "float32", "float64"),
    ("int64 against float32 defaults", [1, 2, 3], [1, 2, 3.1], None, None, False, "int64", "float32"),
    ("uint8 0 against 255", [0, 7], [255, 7], None, None, False, "uint8", "uint8"),
    ("bool", [True, False, True], [True, True, False], None, None, False, "bool", "bool"),
    ("int64 against 0", [0, 3], [0, 0], None, None, False, "int64", "int64"),
    ("number against nan", [1.0, 1.0], [nan, 1.0], None, None, False),
    ("number against inf", [1.0, 1.0], [inf, 1.0], None, None, False),
    ("nan and inf", [1, nan, inf, 3], [1, nan, inf, 0], 1.3e-6, 1e-5, False),
    ("nan equal", [1, nan, inf, 3], [1, nan, inf, 0], 1.3e-6, 1e-5, True),
    ("inf sign", [inf, 1, -inf], [-inf, 1, -inf], 1e-7, 1e-7, False),
    ("inf against finite", [1, 5, inf], [1, 0, 2], 1e-7, 1e-7, False),
    ("finite against inf", [1.0], [inf], 1e-7, 1e-7, False),
    ("rank 4", None, None, 1e-7, 1e-7, False),
    ("ties keep the first", [0.5, -0.5, 0.25], [0, 0, 0], 1e-3, 1e-4, False),
    ("exact", [1, 2, 3.5], [1, 2, 3], 0.0, 0.0, False),
    ("many", [i * 0.001 for i in range(1000)], [i * 0.001 + (0.01 if i % 7 == 0 else 0) for i in range(1000)], 1e-3, 1e-3, False),
]
out = []
for name, actual, expected, rtol, atol, equal_nan, *dtypes in cases:
    actual_dtype, expected_dtype = dtypes or ("float64", "float64")
    if name == "rank 4":
        e = torch.zeros(2, 3, 4, 5, dtype=torch.float64)
        x = e.clone()
        x[1, 2, 3, 4] = 0.25
        x[0, 1, 2, 3] = -1e-3
    else:
        x = torch.tensor(actual, dtype=getattr(torch, actual_dtype))
        e = torch.tensor(expected, dtype=getattr(torch, expected_dtype))
    try:
        torch.testing.assert_close(x, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False)
        message = ""
    except AssertionError as error:
        message = str(error)
    out.append({"name": name, "shape": list(x.shape), "actual_dtype": actual_dtype, "expected_dtype": expected_dtype,
                "actual": [repr(v) for v in x.reshape(-1).tolist()], "expected": [repr(v) for v in e.reshape(-1).tolist()],
                "rtol": rtol, "atol": atol, "equal_nan": equal_nan, "message": message})
with open("torch_messages.json", "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(case) for case in out) + "\n]\n")
print("numpy", np.__version__, "torch", torch.__version__)
