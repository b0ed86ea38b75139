"""Float64 goldens for the edge cases of GroupNormalization, UnitNormalization and Dot that the model files of
make_group_unit_dot_models.py do not reach (review of session 54). No model file: the tests build each layer from a
config; this writes the inputs (float32 values) and the expected outputs (float64).

- gn_c: GroupNormalization(groups=4 == channels, ε 0.1) on (2, 5, 4): each channel alone over the 5 steps (instance
  norm); checked against PyTorch's F.group_norm(4 groups) and F.instance_norm on the channels-first tensor.
- gn_1: GroupNormalization(groups=1, ε 0.3) on (2, 3, 2, 4): every value of an item in one group; checked against
  F.group_norm(1 group) and F.layer_norm over all non-batch axes (then γ, β per channel).
- dot_12 / dot_21 / dot_m1m2: Dot(axes (1, 2)), (2, 1), (-1, -2) of x (2, 3, 4) with y (2, 4, 3) (and dot_11 of x with
  itself, axes (1, 1)); numpy.einsum, x's other axes first, then y's (Keras's batch_dot).
- un_13: UnitNormalization(axis [1, 3]) on (2, 3, 2, 4): x · rsqrt(max(Σ x², 1e-12)) summed over axes 1 and 3 for
  each item and each index of axis 2, checked against F.normalize on the moved, flattened axes (far above its eps).

Run: /usr/bin/python3 make_norm_dot_edges.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(5499)


def f32(*shape, scale=1.0, shift=0.0):
    return (RNG.standard_normal(shape) * scale + shift).astype(np.float32)


def group_norm(x, groups, gamma, beta, eps):
    """Keras: the last axis split into `groups` contiguous blocks, moments over every other non-batch axis."""
    c = x.shape[-1]
    g = x.reshape(*x.shape[:-1], groups, c // groups)
    axes = tuple(range(1, g.ndim - 2)) + (g.ndim - 1,)
    mean = g.mean(axis=axes, keepdims=True)
    var = ((g - mean) ** 2).mean(axis=axes, keepdims=True)
    y = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    return y * gamma + beta


def check(a, b, tol=1e-12):
    assert np.allclose(a, b, rtol=tol, atol=tol), np.abs(a - b).max()


out = {}
t = lambda a: torch.from_numpy(np.asarray(a, np.float64))

# GroupNormalization, groups == channels.
x = f32(2, 5, 4, scale=1.5, shift=0.3)
gamma, beta = f32(4, scale=0.3, shift=1.0), f32(4, scale=0.2)
y = group_norm(x.astype(np.float64), 4, gamma, beta, 0.1)
check(y, F.group_norm(t(x).permute(0, 2, 1), 4, t(gamma), t(beta), 0.1).permute(0, 2, 1).numpy())
check(y, (F.instance_norm(t(x).permute(0, 2, 1), eps=0.1).permute(0, 2, 1) * t(gamma) + t(beta)).numpy())
out.update(gn_c_x=x, gn_c_gamma=gamma, gn_c_beta=beta, gn_c_y=y)

# GroupNormalization, one group.
x = f32(2, 3, 2, 4, scale=0.8, shift=-0.2)
gamma, beta = f32(4, scale=0.3, shift=1.0), f32(4, scale=0.2)
y = group_norm(x.astype(np.float64), 1, gamma, beta, 0.3)
check(y, F.group_norm(t(x).permute(0, 3, 1, 2), 1, t(gamma), t(beta), 0.3).permute(0, 2, 3, 1).numpy())
check(y, (F.layer_norm(t(x), (3, 2, 4), eps=0.3) * t(gamma) + t(beta)).numpy())
out.update(gn_1_x=x, gn_1_gamma=gamma, gn_1_beta=beta, gn_1_y=y)

# Dot of rank-3 inputs with axis pairs.
x, yv = f32(2, 3, 4), f32(2, 4, 3)
xd, yd = x.astype(np.float64), yv.astype(np.float64)
out.update(dot_x=x, dot_y=yv,
           dot_12=np.einsum("bkj,bmk->bjm", xd, yd),    # x axis 1 (3) with y axis 2 (3): (2, 4, 4)
           dot_21=np.einsum("bik,bkn->bin", xd, yd),    # x axis 2 (4) with y axis 1 (4): (2, 3, 3)
           dot_m1m2=np.einsum("bik,bkn->bin", xd, yd),  # (-1, -2): the same axes as (2, 1)
           dot_11=np.einsum("bki,bkj->bij", xd, xd))    # x with itself over axis 1: (2, 4, 4)
check(out["dot_21"], torch.bmm(t(x), t(yv)).numpy())
check(out["dot_12"], torch.bmm(t(x).transpose(1, 2), t(yv).transpose(1, 2)).numpy())

# UnitNormalization over axes [1, 3].
x = f32(2, 3, 2, 4)
xd = x.astype(np.float64)
y = xd / np.sqrt(np.maximum((xd ** 2).sum(axis=(1, 3), keepdims=True), 1e-12))
moved = t(x).permute(0, 2, 1, 3).reshape(2, 2, 12)
check(y, F.normalize(moved, dim=-1).reshape(2, 2, 3, 4).permute(0, 2, 1, 3).numpy())
out.update(un_13_x=x, un_13_y=y)

np.savez(os.path.join(HERE, "norm_dot_edges_golden.npz"), **out)
print({k: v.shape for k, v in out.items()})
