"""Reference values for FastEstimatorReviewTests.cs (session 57), printed by /usr/bin/python3 with PyTorch 1.13 and
NumPy 1.24 (Debian's python3-torch, python3-numpy). Each block reproduces one FastEstimator function's code path by
hand (fastestimator/backend/_*.py); TensorFlow is not installable here, so its path is reproduced in NumPy/PyTorch
where its arithmetic is the same (noted per block). Run: python3 make_fastestimator_review_values.py"""
import math

import numpy as np
import torch


def show(name, t):
    print(name, [repr(float(v)) for v in np.asarray(t, dtype=np.float64).ravel()])


# tensor_normalize (_tensor_normalize.py, normalize / get_scaled_data): on torch, mean and std are
# torch.tensor(value) * max_pixel_value (float32 tensors times a Python float: a float32 product) and the divisor is
# std + epsilon (float32); TensorFlow's tf.constant(value) * max_pixel_value is the same float32 arithmetic. The
# tensor is cast to float32 first (convert_tensor_precision).
def fe_normalize(x, mean, std, max_pixel_value=255.0, epsilon=1e-7):
    x = torch.tensor(x, dtype=torch.float32)
    m = torch.tensor(mean) * max_pixel_value
    s = torch.tensor(std) * max_pixel_value
    # torchvision's Normalize: sub(mean).div(std) per channel on axis -3; the pixels below are channels-last rows,
    # so here the channel is the last axis (the same element-wise arithmetic).
    return (x - m) / (s + epsilon)


pixels = [[10.1, 120.3, 200.7], [0.1, 0.3, 254.9]]   # two pixels, three channels (channels-last rows)
show("normalize imagenet", fe_normalize(pixels, (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)))
# The same through one rounding of the double product (what the C# code computed before): differs in the last place.
m64 = np.float32(np.array((0.485, 0.456, 0.406)) * 255.0)
s64 = np.float32(np.array((0.229, 0.224, 0.225)) * 255.0 + 1e-7)
show("normalize imagenet, double constants", (np.array(pixels, np.float32) - m64) / s64)
scalar_in = [0.1, 0.3, 3.7, 29.9, 30.3, 99.7]
show("normalize scalar 0.3 0.13 100 0.1", fe_normalize(scalar_in, 0.3, 0.13, 100.0, 0.1))
show("normalize scalar, double constants",
     (np.array(scalar_in, np.float32) - np.float32(0.3 * 100.0)) / np.float32(0.13 * 100.0 + 0.1))

# tensor_normalize of a tensor of rank 1 or 2 (session 58): FastEstimator's TensorFlow and NumPy paths broadcast
# (tensor - mean) / (std + epsilon) on the last axis for any rank; its torch path calls torchvision's Normalize, which
# raises "Expected tensor to be a tensor image of size (..., C, H, W)" for tensor.ndim < 3 whatever mean and std are
# (torchvision/transforms/functional.py, normalize; torchvision is not installable here). The TF path's constants are
# tf.constant(value) * max_pixel_value in float32, the same float32 arithmetic as fe_normalize above.
rows = [[0.1, 0.5, 0.9], [0.3, 0.7, 0.2]]
show("normalize rank 2, per channel (0.1, 0.3, 0.5) (0.2, 0.3, 0.4) max 1",
     fe_normalize(rows, (0.1, 0.3, 0.5), (0.2, 0.3, 0.4), 1.0))
show("normalize rank 1, per channel (0.1, 0.3, 0.5) (0.2, 0.3, 0.4) max 1",
     fe_normalize([0.3, 0.1, 0.7], (0.1, 0.3, 0.5), (0.2, 0.3, 0.4), 1.0))

# percentile (_percentile.py): FastEstimator's TensorFlow path is tfp.stats.percentile(interpolation='lower'), which
# sets every percentile of a batch member holding a NaN to NaN ("Propagate NaNs"); its NumPy path, np.percentile,
# gives NaN too. Its torch path (kthvalue) sorts NaN last instead.
x = np.array([[3, np.nan, 1], [2, 0.1, 5], [0.3, np.inf, -np.inf]])
print("np.percentile lower, axis 1",
      np.percentile(x, [0, 30, 100], axis=1, keepdims=False, method="lower").tolist())
print("np.percentile lower, all axes", np.percentile(x, [10, 100], method="lower").tolist())
t = torch.tensor(x)
print("torch kthvalue (FE's torch path), axis 1",
      [torch.kthvalue(t, 1 + math.floor(p / 100.0 * 2), dim=-1)[0].tolist() for p in (0, 30, 100)])

# iwd (_iwd.py) with eps given and one class: maximum(tensor, eps) ** -power / its row sum is 1 for every row (without
# eps, max_prob * (C - 1) = 0 divides by zero in Python).
d = torch.tensor([[0.3], [0.1], [0.0]], dtype=torch.float32)
eps = torch.tensor(0.1)
w = torch.pow(1.0 / torch.maximum(d, eps), 0.3)
show("iwd C=1 eps=0.1 power=0.3", w / torch.reshape(torch.sum(w, dim=-1), [-1, 1]))

# clip_by_value (_clip_by_value.py) with tensor bounds: the torch path reads each with .item() and clamps.
x = torch.tensor([0.05, 0.2, 0.5, -3.0], dtype=torch.float32)
show("clip_by_value [0.1] [[0.3]]", x.clamp(min=torch.tensor([0.1]).item(), max=torch.tensor([[0.3]]).item()))
show("clip_by_value None [[0.3]]", x.clamp(min=None, max=torch.tensor([[0.3]]).item()))

# cast (_cast.py) with a tensor / array as dtype: np.array(data, dtype=dtype.dtype) on the NumPy path,
# tensor.type(dtype.dtype) on torch.
show("cast [0.1, 0.3, 70000] to a float16 reference", np.array([0.1, 0.3, 70000.0], dtype=np.zeros(1, np.float16).dtype))
show("cast float32 [2.7, -1.5] to an int32 reference",
     torch.tensor([2.7, -1.5], dtype=torch.float32).type(torch.zeros(1, dtype=torch.int32).dtype))

# iwd (_iwd.py) with eps a tensor (FastEstimator's test_torch_input_eps passes torch.tensor(0.062499999999999986));
# maximum(tensor, eps) broadcasts, so one eps per class works too.
def fe_iwd(tensor, eps, power=1.0):
    tensor = torch.maximum(tensor, eps)
    tensor = torch.pow(1.0 / tensor, power)
    return tensor / torch.reshape(torch.sum(tensor, dim=-1), [-1, 1])


show("iwd eps=tensor(0.0625)", fe_iwd(torch.tensor([[0.5] * 5, [0] + [1] * 4]), torch.tensor(0.062499999999999986)))
show("iwd per-class eps [0.1, 0.3, 0.2], power 0.3",
     fe_iwd(torch.tensor([[0.0, 0.3, 1.0], [0.05, 0.2, 0.1]]), torch.tensor([0.1, 0.3, 0.2]), 0.3))
