"""The 3-D layers: Conv3D, MaxPooling3D, AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, ZeroPadding3D,
Cropping3D and UpSampling3D, with float64 NumPy goldens.

Written with make_models.py's writers (Keras's exact layouts, see its docstring) and make_axis_models.py's `save`; this
script only adds files. Each model is saved as a tf.keras 2 full-model .h5 (keras_version 2.11.0) and a Keras 3 .keras
(3.6.0). The goldens are float64 NumPy of Keras's formulas on the TensorFlow backend (keras/src/backend/tensorflow/nn.py
passes "SAME"/"VALID" to tf.nn.convolution, tf.nn.max_pool and tf.nn.avg_pool for rank-5 NDHWC inputs as for rank 4;
tf.keras 2's Conv3D / Pooling3D call tf.nn.convolution, max_pool3d and avg_pool3d): "same" pads per axis
pad_total = max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0), the odd cell at the end; the average pool divides by the
real cells of each window (TensorFlow's AvgPool3D ignores the padding, as its 2-D AvgPool does). They are checked here
against real PyTorch 1.13 (F.conv3d with groups and TF's pads applied by F.pad, F.max_pool3d on -inf padding,
F.avg_pool3d: count_include_pad=False for symmetric pads on an input at least as long as the window — PyTorch's
avg_pool3d refuses a shorter one before padding — padded sum / padded count of ones otherwise) before writing.

- conv3d: Input (6, 7, 8, 2) -> Conv3D(4, (3, 2, 3), strides (2, 2, 1), "same", relu) (pads (0, 1) x (0, 1) x (1, 1):
  stride 2 on even and odd lengths, an even kernel) -> Conv3D(4, (2, 3, 2), dilation (1, 2, 2), "same", groups 2, no bias)
  (pads (0, 1) x (2, 2) x (1, 1)) -> Conv3D(3, (2, 2, 3), strides (1, 2, 2), "valid", tanh) (2, 2, 3, 3) -> Flatten
  (Keras's (d, h, w, c) order) -> Dense 5. Kernels (kd, kh, kw, in / groups, filters).
- pool3d: Input (7, 6, 5, 3) -> MaxPooling3D((2, 3, 2), (2, 2, 1), "same") (pads (0, 1) each) -> AveragePooling3D((3, 2,
  3), (1, 2, 2), "same") (pads (1, 1) x (0, 1) x (1, 1)) -> AveragePooling3D(3, 1, "same") (symmetric (1, 1) pads) ->
  MaxPooling3D((3, 1, 3), 1, "same") -> UpSampling3D((2, 1, 3)) -> Cropping3D(((1, 2), (0, 1), (3, 1))) ->
  ZeroPadding3D(((1, 0), (0, 2), (2, 1))) -> AveragePooling3D((2, 2, 3), (2, 1, 2), "valid") -> MaxPooling3D(2, 1,
  "valid") (2, 1, 2, 3) = `pooled` in the golden; then GlobalAveragePooling3D(keepdims=True) (1, 1, 1, 3) and
  GlobalMaxPooling3D (3,) of it, Add([pooled, gap, gmp]) (lower ranks gain length-1 axes after the batch axis), Flatten.
  The golden also holds `inputs_sym` -> `outputs_sym`: AveragePooling3D(3, 1, "same") -> MaxPooling3D((3, 3, 1), 1,
  "same") on (2, 5, 4, 6, 2), symmetric (1, 1) pads on an input longer than the window (built in C# by the tests).

Run: /usr/bin/python3 make_volume_models.py
"""
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_axis_models import layer_cfg, save
from make_models import Layer, conv_config, dense_config, pool_config
from make_norm_conv_models import INPUT

RNG = np.random.default_rng(53)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 ----------------------------------------------------------------------------------

def same_pads(spatial, kernel, strides, dilation):
    return [kr.same_padding(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilation)]


def conv3d(x, kernel, bias=None, strides=(1, 1, 1), padding="valid", dilation=(1, 1, 1), groups=1):
    """tf.nn.convolution on NDHWC: x (N, D, H, W, C), kernel (kd, kh, kw, C / groups, F); output channel f of group
    f // (F / groups) reads input channels g * cg ... (g + 1) * cg - 1. Loops over kernel taps."""
    x, kernel = f64(x), f64(kernel)
    kd, kh, kw, cg, fo = kernel.shape
    if padding == "same":
        pads = same_pads(x.shape[1:4], (kd, kh, kw), strides, dilation)
        x = np.pad(x, ((0, 0), *pads, (0, 0)))
    n = x.shape[0]
    out_len = [(x.shape[1 + a] - ((k - 1) * dilation[a] + 1)) // strides[a] + 1 for a, k in enumerate((kd, kh, kw))]
    out = np.zeros((n, *out_len, fo))
    fg = fo // groups
    for i in range(kd):
        for j in range(kh):
            for l in range(kw):
                o = [i * dilation[0], j * dilation[1], l * dilation[2]]
                patch = x[:, o[0]:o[0] + (out_len[0] - 1) * strides[0] + 1:strides[0],
                          o[1]:o[1] + (out_len[1] - 1) * strides[1] + 1:strides[1],
                          o[2]:o[2] + (out_len[2] - 1) * strides[2] + 1:strides[2], :]
                for g in range(groups):
                    out[..., g * fg:(g + 1) * fg] += patch[..., g * cg:(g + 1) * cg] @ kernel[i, j, l, :, g * fg:(g + 1) * fg]
    return out if bias is None else out + f64(bias)


def pool3d(x, pool, strides, padding, kind):
    """tf.nn.max_pool3d / avg_pool3d: a window covers the real cells it overlaps; max of them, or their mean."""
    x = f64(x)
    pads = same_pads(x.shape[1:4], pool, strides, (1, 1, 1)) if padding == "same" else [(0, 0)] * 3
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=fill)
    ones = np.pad(np.ones_like(x), ((0, 0), *pads, (0, 0)))
    out_len = [(xp.shape[1 + a] - pool[a]) // strides[a] + 1 for a in range(3)]
    out = np.zeros((x.shape[0], *out_len, x.shape[4]))
    for i in range(out_len[0]):
        for j in range(out_len[1]):
            for l in range(out_len[2]):
                sl = (slice(None), slice(i * strides[0], i * strides[0] + pool[0]),
                      slice(j * strides[1], j * strides[1] + pool[1]), slice(l * strides[2], l * strides[2] + pool[2]))
                win = xp[sl]
                if kind == "max":
                    out[:, i, j, l] = win.max(axis=(1, 2, 3))
                else:
                    out[:, i, j, l] = win.sum(axis=(1, 2, 3)) / ones[sl].sum(axis=(1, 2, 3))
    return out


def zero_pad3d(x, pads):
    return np.pad(f64(x), ((0, 0), *pads, (0, 0)))


def crop3d(x, crops):
    (a, b), (c, d), (e, f) = crops
    return f64(x)[:, a:x.shape[1] - b, c:x.shape[2] - d, e:x.shape[3] - f]


def up3d(x, size):
    """Keras 3's UpSampling3D: ops.repeat along depth, height, width (tf.keras 2: backend.resize_volumes, the same)."""
    for a, s in enumerate(size):
        x = np.repeat(x, s, axis=1 + a)
    return f64(x)


def torch_pads(pads):
    """F.pad's order: the last spatial axis first."""
    return [p for pair in reversed(pads) for p in pair]


def check_against_torch():
    # Conv3D: F.conv3d with the converter's weight (F, C / groups, kd, kh, kw) and TF's (possibly odd) pads by F.pad.
    for shape, kernel, strides, dilation, groups, padding in [
            ((2, 6, 7, 8, 2), (3, 2, 3), (2, 2, 1), (1, 1, 1), 1, "same"),
            ((2, 3, 4, 8, 4), (2, 3, 2), (1, 1, 1), (1, 2, 2), 2, "same"),
            ((3, 3, 4, 8, 4), (2, 2, 3), (1, 2, 2), (1, 1, 1), 1, "valid"),
            ((2, 5, 4, 6, 6), (2, 2, 2), (2, 2, 2), (1, 1, 1), 3, "same")]:
        x = RNG.standard_normal(shape)
        k = RNG.standard_normal((*kernel, shape[4] // groups, 6))
        b = RNG.standard_normal(6)
        ours = conv3d(x, k, b, strides, padding, dilation, groups)
        tx = torch.from_numpy(x).permute(0, 4, 1, 2, 3)
        if padding == "same":
            tx = F.pad(tx, torch_pads(same_pads(shape[1:4], kernel, strides, dilation)))
        theirs = F.conv3d(tx, torch.from_numpy(k.transpose(4, 3, 0, 1, 2).copy()), torch.from_numpy(b), strides, 0,
                          dilation, groups).permute(0, 2, 3, 4, 1).numpy()
        assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
        d = np.abs(ours - theirs).max()
        print(f"conv3d {kernel} s{strides} d{dilation} g{groups} {padding}: max |NumPy - F.conv3d| {d:.2e}")
        assert d < 1e-12, d
    # Pools: max on -inf padding; average: count_include_pad=False where the pads are symmetric, else padded sum over
    # the padded count of ones.
    for shape, pool, strides, padding in [((2, 7, 6, 5, 3), (2, 3, 2), (2, 2, 1), "same"),
                                          ((2, 4, 3, 5, 3), (3, 2, 3), (1, 2, 2), "same"),
                                          ((2, 4, 2, 3, 3), (3, 3, 3), (1, 1, 1), "same"),
                                          ((2, 5, 3, 4, 2), (3, 3, 1), (1, 1, 1), "same"),
                                          ((2, 6, 3, 8, 3), (2, 2, 3), (2, 1, 2), "valid")]:
        x = RNG.standard_normal(shape)
        pads = same_pads(shape[1:4], pool, strides, (1, 1, 1)) if padding == "same" else [(0, 0)] * 3
        tx = torch.from_numpy(x).permute(0, 4, 1, 2, 3)
        tmax = F.max_pool3d(F.pad(tx, torch_pads(pads), value=-np.inf), pool, strides).permute(0, 2, 3, 4, 1).numpy()
        # PyTorch's avg_pool3d refuses an input shorter than the window before its own padding: those take the explicit pads.
        if all(a == b for a, b in pads) and all(n >= k for n, k in zip(shape[1:4], pool)):
            tavg = F.avg_pool3d(tx, pool, strides, [a for a, _ in pads], count_include_pad=False)
        else:
            s = F.avg_pool3d(F.pad(tx, torch_pads(pads)), pool, strides)
            c = F.avg_pool3d(F.pad(torch.ones_like(tx[:1, :1]), torch_pads(pads)), pool, strides)
            tavg = s / c
        tavg = tavg.permute(0, 2, 3, 4, 1).numpy()
        dm, da = np.abs(pool3d(x, pool, strides, padding, "max") - tmax).max(), np.abs(pool3d(x, pool, strides, padding, "avg") - tavg).max()
        print(f"pool3d {pool} s{strides} {padding} pads {pads}: max |NumPy - F.max_pool3d| {dm:.2e}, |NumPy - F.avg_pool3d| {da:.2e}")
        assert dm == 0 and da < 1e-14, (dm, da)
    # Padding, cropping, upsampling: F.pad, slicing and nearest interpolation (integer factors).
    x = RNG.standard_normal((2, 4, 2, 3, 3))
    tx = torch.from_numpy(x).permute(0, 4, 1, 2, 3)
    up = F.interpolate(tx, scale_factor=(2, 1, 3), mode="nearest").permute(0, 2, 3, 4, 1).numpy()
    assert np.array_equal(up3d(x, (2, 1, 3)), up)
    pads = [(1, 0), (0, 2), (2, 1)]
    assert np.array_equal(zero_pad3d(x, pads), F.pad(tx, torch_pads(pads)).permute(0, 2, 3, 4, 1).numpy())
    assert np.array_equal(crop3d(zero_pad3d(x, pads), pads), x)


# ---- files ---------------------------------------------------------------------------------------------------

def conv3d_config(name, filters, kernel, strides=(1, 1, 1), padding="valid", activation="linear", use_bias=True,
                  dilation=(1, 1, 1), groups=1):
    return {**conv_config(name, filters, kernel, strides, padding, activation, use_bias, dilation), "groups": groups}


def conv3d_model():
    k1, b1 = f32(3, 2, 3, 2, 4, scale=0.5), f32(4, scale=0.3)
    k2 = f32(2, 3, 2, 2, 4, scale=0.5)
    k3, b3 = f32(2, 2, 3, 4, 3, scale=0.4), f32(3, scale=0.3)
    kd, bd = f32(36, 5, scale=0.4), f32(5, scale=0.3)
    layers = [
        INPUT((6, 7, 8, 2)),
        Layer("Conv3D", conv3d_config("c3_same_s2", 4, (3, 2, 3), (2, 2, 1), "same", "relu"), ["x"],
              [("kernel", k1), ("bias", b1)]),
        Layer("Conv3D", conv3d_config("c3_dilated", 4, (2, 3, 2), padding="same", use_bias=False, dilation=(1, 2, 2),
                                      groups=2), ["c3_same_s2"], [("kernel", k2)]),
        Layer("Conv3D", conv3d_config("c3_valid", 3, (2, 2, 3), (1, 2, 2), activation="tanh"), ["c3_dilated"],
              [("kernel", k3), ("bias", b3)]),
        Layer("Flatten", layer_cfg("flatten", data_format="channels_last"), ["c3_valid"]),
        Layer("Dense", dense_config("dense", 5), ["flatten"], [("kernel", kd), ("bias", bd)]),
    ]
    x = f32(3, 6, 7, 8, 2, scale=1.3) + 0.1
    h = kr.relu(conv3d(x, k1, b1, (2, 2, 1), "same"))
    print("conv3d: relu zeroes", np.mean(h == 0))
    h = conv3d(h, k2, None, (1, 1, 1), "same", (1, 2, 2), groups=2)
    h = np.tanh(conv3d(h, k3, b3, (1, 2, 2)))
    assert h.shape == (3, 2, 2, 3, 3), h.shape
    y = kr.dense(h.reshape(3, -1), kd, bd)
    shapes = {"x": [None, 6, 7, 8, 2], "c3_same_s2": [None, 3, 4, 8, 4], "c3_dilated": [None, 3, 4, 8, 4],
              "c3_valid": [None, 2, 2, 3, 3], "flatten": [None, 36]}
    save("conv3d", layers, shapes, ["x"], ["dense"], x, y)


def pool3d_model():
    pads, crops = [[1, 0], [0, 2], [2, 1]], [[1, 2], [0, 1], [3, 1]]
    layers = [
        INPUT((7, 6, 5, 3)),
        Layer("MaxPooling3D", pool_config("max_same", (2, 3, 2), (2, 2, 1), "same"), ["x"]),
        Layer("AveragePooling3D", pool_config("avg_same", (3, 2, 3), (1, 2, 2), "same"), ["max_same"]),
        Layer("AveragePooling3D", pool_config("avg_sym", (3, 3, 3), (1, 1, 1), "same"), ["avg_same"]),
        Layer("MaxPooling3D", pool_config("max_sym", (3, 1, 3), (1, 1, 1), "same"), ["avg_sym"]),
        Layer("UpSampling3D", layer_cfg("up", size=[2, 1, 3], data_format="channels_last"), ["max_sym"]),
        Layer("Cropping3D", layer_cfg("crop", cropping=crops, data_format="channels_last"), ["up"]),
        Layer("ZeroPadding3D", layer_cfg("pad", padding=pads, data_format="channels_last"), ["crop"]),
        Layer("AveragePooling3D", pool_config("avg_valid", (2, 2, 3), (2, 1, 2), "valid"), ["pad"]),
        Layer("MaxPooling3D", pool_config("max_valid", (2, 2, 2), (1, 1, 1), "valid"), ["avg_valid"]),
        Layer("GlobalAveragePooling3D", layer_cfg("gap", data_format="channels_last", keepdims=True), ["max_valid"]),
        Layer("GlobalMaxPooling3D", layer_cfg("gmp", data_format="channels_last", keepdims=False), ["max_valid"]),
        Layer("Add", layer_cfg("add"), ["max_valid", "gap", "gmp"]),
        Layer("Flatten", layer_cfg("flatten", data_format="channels_last"), ["add"]),
    ]
    x = f32(3, 7, 6, 5, 3, scale=1.1) + 0.3
    h = pool3d(x, (2, 3, 2), (2, 2, 1), "same", "max")
    h = pool3d(h, (3, 2, 3), (1, 2, 2), "same", "avg")
    h = pool3d(h, (3, 3, 3), (1, 1, 1), "same", "avg")
    h = pool3d(h, (3, 1, 3), (1, 1, 1), "same", "max")
    h = crop3d(up3d(h, (2, 1, 3)), crops)
    h = pool3d(zero_pad3d(h, pads), (2, 2, 3), (2, 1, 2), "valid", "avg")
    pooled = pool3d(h, (2, 2, 2), (1, 1, 1), "valid", "max")
    assert pooled.shape == (3, 2, 1, 2, 3), pooled.shape
    gap = pooled.mean(axis=(1, 2, 3), keepdims=True)
    gmp = pooled.max(axis=(1, 2, 3))
    y = (pooled + gap + gmp[:, None, None, None, :]).reshape(3, -1)
    shapes = {"x": [None, 7, 6, 5, 3], "max_same": [None, 4, 3, 5, 3], "avg_same": [None, 4, 2, 3, 3],
              "avg_sym": [None, 4, 2, 3, 3], "max_sym": [None, 4, 2, 3, 3], "up": [None, 8, 2, 9, 3],
              "crop": [None, 5, 1, 5, 3], "pad": [None, 6, 3, 8, 3], "avg_valid": [None, 3, 2, 3, 3],
              "max_valid": [None, 2, 1, 2, 3], "gap": [None, 1, 1, 1, 3], "gmp": [None, 3], "add": [None, 2, 1, 2, 3]}
    save("pool3d", layers, shapes, ["x"], ["flatten"], x, y)
    # The chain up to max_valid, for the pools' C# builders (KerasArchitecture, no weights); and "same" pools whose pads
    # are symmetric on an input longer than the window (PyTorch's own padding, count_include_pad=False):
    # AveragePooling3D(3, 1, "same") -> MaxPooling3D((3, 3, 1), 1, "same") on (2, 5, 4, 6, 2).
    xs = f32(2, 5, 4, 6, 2, scale=0.9) + 0.3
    sym = pool3d(pool3d(xs, (3, 3, 3), (1, 1, 1), "same", "avg"), (3, 3, 1), (1, 1, 1), "same", "max")
    golden = dict(np.load("pool3d_golden.npz"))
    np.savez("pool3d_golden.npz", **golden, pooled=pooled, inputs_sym=xs, outputs_sym=sym)


if __name__ == "__main__":
    check_against_torch()
    conv3d_model()
    pool3d_model()
