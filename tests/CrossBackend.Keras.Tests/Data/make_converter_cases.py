"""Expected results for every layout converter, computed with NumPy and checked against real PyTorch.

Each Keras array is converted here with plain NumPy transposes/reshapes; before saving, the script proves the NumPy
conversion right by running PyTorch (Debian's python3-torch) with the converted weights and comparing with a float64
NumPy forward pass in Keras semantics (keras_reference). The C# converters are then tested against these arrays.

Run: /usr/bin/python3 make_converter_cases.py  -> converters.npz
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(2026)
TOL = 1e-10


def arr(*shape):
    return RNG.standard_normal(shape)


def t(a):
    return torch.tensor(np.ascontiguousarray(a), dtype=torch.float64)


def check(name, ours, reference):
    err = np.abs(np.asarray(ours) - np.asarray(reference)).max()
    assert err < TOL, (name, err)
    print(f"{name:24s} PyTorch vs Keras reference: max |diff| {err:.1e}")


cases = {}

# Activations: channels-last -> channels-first for 1-D, 2-D and 3-D data.
for rank, shape in ((1, (2, 7, 3)), (2, (2, 3, 4, 5)), (3, (2, 3, 4, 5, 6))):
    x = arr(*shape)
    cases[f"act{rank}d_nhwc"] = x
    cases[f"act{rank}d_nchw"] = np.moveaxis(x, -1, 1)

# Conv kernels: Keras (k..., in, out) -> PyTorch (out, in, k...). Checked by running the convolutions.
for rank, shape in ((1, (3, 4, 5)), (2, (3, 2, 4, 5)), (3, (2, 3, 2, 4, 5))):
    k = arr(*shape)
    perm = (rank + 1, rank) + tuple(range(rank))
    cases[f"conv{rank}d_keras"] = k
    cases[f"conv{rank}d_torch"] = k.transpose(perm)
x = arr(2, 6, 7, 4)
check("conv2d", F.conv2d(t(x).permute(0, 3, 1, 2), t(cases["conv2d_torch"])).permute(0, 2, 3, 1).numpy(),
      kr.conv2d(x, cases["conv2d_keras"]))
x1 = arr(2, 9, 4)
check("conv1d", F.conv1d(t(x1).permute(0, 2, 1), t(cases["conv1d_torch"])).permute(0, 2, 1).numpy(),
      kr.conv1d(x1, cases["conv1d_keras"]))

# DepthwiseConv2D: Keras (kh, kw, in, multiplier) -> PyTorch grouped conv (in * multiplier, 1, kh, kw).
k = arr(3, 3, 4, 2)
cases["depthwise_keras"] = k
cases["depthwise_torch"] = k.transpose(2, 3, 0, 1).reshape(8, 1, 3, 3)
check("depthwise_conv2d", F.conv2d(t(x).permute(0, 3, 1, 2), t(cases["depthwise_torch"]), groups=4)
      .permute(0, 2, 3, 1).numpy(), kr.depthwise_conv2d(x, k))

# Conv2DTranspose: Keras (kh, kw, out, in) -> PyTorch (in, out, kh, kw); no spatial flip.
k = arr(3, 2, 5, 4)
cases["conv_transpose_keras"] = k
cases["conv_transpose_torch"] = k.transpose(3, 2, 0, 1)
check("conv2d_transpose", F.conv_transpose2d(t(x).permute(0, 3, 1, 2), t(cases["conv_transpose_torch"]), stride=2)
      .permute(0, 2, 3, 1).numpy(), kr.conv2d_transpose(x, k, (2, 2)))

# Dense: (in, out) -> (out, in).
k = arr(6, 4)
cases["dense_keras"] = k
cases["dense_torch"] = k.T

# Dense after Flatten: rows are (h, w, c) in Keras, (c, h, w) after flattening an NCHW tensor.
h, w, c, units = 2, 3, 4, 5
k = arr(h * w * c, units)
cases["flatten_dense_keras"] = k
cases["flatten_dense_shape"] = np.array([h, w, c])
cases["flatten_dense_rows"] = k.reshape(h, w, c, units).transpose(2, 0, 1, 3).reshape(h * w * c, units)
cases["flatten_dense_torch"] = cases["flatten_dense_rows"].T
xf = arr(3, h, w, c)
check("flatten_dense", F.linear(t(xf).permute(0, 3, 1, 2).reshape(3, -1), t(cases["flatten_dense_torch"])).numpy(),
      kr.dense(xf.reshape(3, -1), k))
# The 1-D case: a Flatten after (steps, channels).
k = arr(5 * 3, 2)
cases["flatten1d_dense_keras"] = k
cases["flatten1d_dense_shape"] = np.array([5, 3])
cases["flatten1d_dense_rows"] = k.reshape(5, 3, 2).transpose(1, 0, 2).reshape(15, 2)

# BatchNormalization: the four vectors carry over unchanged; epsilon must be Keras's (1e-3), not PyTorch's 1e-5.
gamma, beta, mean = arr(4), arr(4), arr(4)
var = RNG.uniform(1e-4, 1e-3, 4)
cases["bn_gamma"], cases["bn_beta"], cases["bn_mean"], cases["bn_var"] = gamma, beta, mean, var
xb = arr(2, 3, 3, 4)
keras_bn = kr.batch_norm(xb, gamma, beta, mean, var, 1e-3)
check("batch_norm eps 1e-3", F.batch_norm(t(xb).permute(0, 3, 1, 2), t(mean), t(var), t(gamma), t(beta), False,
                                          eps=1e-3).permute(0, 2, 3, 1).numpy(), keras_bn)
torch_default = F.batch_norm(t(xb).permute(0, 3, 1, 2), t(mean), t(var), t(gamma), t(beta), False).permute(0, 2, 3, 1)
print(f"{'batch_norm eps 1e-5':24s} (PyTorch's default) differs by {np.abs(torch_default.numpy() - keras_bn).max():.3f}")

# LSTM: gate order i, f, c(g), o in both; Keras has one bias, PyTorch two (bias_hh = 0).
units, features = 3, 2
kernel, recurrent, bias = arr(features, 4 * units), arr(units, 4 * units), arr(4 * units)
cases["lstm_kernel"], cases["lstm_recurrent"], cases["lstm_bias"] = kernel, recurrent, bias
cases["lstm_w_ih"], cases["lstm_w_hh"] = kernel.T, recurrent.T
cases["lstm_b_ih"], cases["lstm_b_hh"] = bias, np.zeros(4 * units)
xs = arr(2, 5, features)
lstm = torch.nn.LSTM(features, units, batch_first=True).double()
with torch.no_grad():
    for name in ("w_ih", "w_hh", "b_ih", "b_hh"):
        getattr(lstm, f"{'weight' if name[0] == 'w' else 'bias'}_{name[2:]}_l0").copy_(t(cases[f"lstm_{name}"]))
check("lstm", lstm(t(xs))[0].detach().numpy(), kr.lstm(xs, kernel, recurrent, bias))


# GRU: Keras gates z, r, h; PyTorch r, z, n. reset_after=True has a (2, 3*units) bias: [input bias, recurrent bias].
def reorder(m):
    z, r, n = np.split(m, 3, axis=-1)
    return np.concatenate([r, z, n], axis=-1)


kernel, recurrent, bias2 = arr(features, 3 * units), arr(units, 3 * units), arr(2, 3 * units)
cases["gru_kernel"], cases["gru_recurrent"], cases["gru_bias"] = kernel, recurrent, bias2
cases["gru_w_ih"], cases["gru_w_hh"] = reorder(kernel).T, reorder(recurrent).T
cases["gru_b_ih"], cases["gru_b_hh"] = reorder(bias2[0]), reorder(bias2[1])
gru = torch.nn.GRU(features, units, batch_first=True).double()
with torch.no_grad():
    for name in ("w_ih", "w_hh", "b_ih", "b_hh"):
        getattr(gru, f"{'weight' if name[0] == 'w' else 'bias'}_{name[2:]}_l0").copy_(t(cases[f"gru_{name}"]))
check("gru reset_after", gru(t(xs))[0].detach().numpy(), kr.gru(xs, kernel, recurrent, bias2, reset_after=True))
# reset_after=False applies the reset gate before the recurrent product: no PyTorch GRU computes that.
bias1 = arr(3 * units)
cases["gru_v1_bias"] = bias1
v1 = kr.gru(xs, kernel, recurrent, bias1, reset_after=False)
print(f"{'gru reset_after=False':24s} vs nearest PyTorch GRU differs by "
      f"{np.abs(v1 - kr.gru(xs, kernel, recurrent, np.stack([bias1, np.zeros_like(bias1)]))).max():.3f}")

# C order: the transposes above are views, and .npy would record them Fortran-ordered.
np.savez(os.path.join(HERE, "converters.npz"), **{k: np.ascontiguousarray(v) for k, v in cases.items()})
print(len(cases), "arrays -> converters.npz")
