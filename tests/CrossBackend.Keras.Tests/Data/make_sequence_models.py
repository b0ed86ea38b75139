"""1-D (sequence) and resize/crop layers: pooling, global pooling, padding, cropping, up-sampling, Permute, RepeatVector.

Written with make_models.py's writers (Keras's exact layouts, see its docstring) and make_axis_models.py's `save`; this
script only adds models. Each model is saved as a tf.keras 2 full-model .h5 (keras_version 2.11.0) and a Keras 3 .keras
(3.6.0); the goldens are float64 NumPy of Keras's formulas (TensorFlow backend), cross-checked here against real
PyTorch 1.13 where PyTorch has the op.

Keras semantics (keras-team/keras keras/src/layers/...; tf.keras 2 computes the same):
- MaxPooling1D / AveragePooling1D (pooling/base_pooling.py): strides None -> pool_size; "same" is TensorFlow's rule
  (out = ceil(n / s), pad_total = max((out - 1) * s + k - n, 0), the odd cell after); tf.nn.avg_pool divides by the
  real cells of each window (the padding is not counted), tf.nn.max_pool never takes a padded cell.
- GlobalAveragePooling1D / GlobalMaxPooling1D: mean / max over axis 1, keepdims keeps it with length 1.
- ZeroPadding1D (reshaping/zero_padding1d.py): ops.pad(inputs, ((0, 0), (left, right), (0, 0))).
- Cropping1D / Cropping2D (reshaping/cropping2d.py): inputs[:, top:-bottom, left:-right, :]; the crops of an axis
  must sum to less than its length.
- UpSampling1D: ops.repeat(inputs, size, axis=1). UpSampling2D (reshaping/up_sampling2d.py, _resize_images): for
  interpolation "nearest" ops.repeat along axis 1, then axis 2 (other modes go through ops.image.resize: refused).
- Permute (reshaping/permute.py): ops.transpose(inputs, (0,) + dims), dims 1-based.
- RepeatVector (reshaping/repeat_vector.py): (N, F) -> (N, n, F).

Models:
- seq1d (functional): x (7, 3);
  avg = AveragePooling1D(3, strides 2, "same")(x) (4, 3)   [pads (1, 1): the first and last windows hold 2 real cells]
  mx = MaxPooling1D(2, strides 2, "same")(x) (4, 3)         [length 7: pads (0, 1), the last window holds 1 real cell]
  Concatenate -> UpSampling1D(2) (8, 6) -> ZeroPadding1D((2, 1)) (11, 6) -> Conv1D 4 (3) valid (9, 4)
  -> crop = Cropping1D((1, 2)) (6, 4);
  mx2 = MaxPooling1D(2, strides 1, "valid")(crop) (5, 4); avg2 = AveragePooling1D(4, strides 3, "same")(crop) (2, 4)
  [pads (0, 1): the last window holds 3 real cells]; gap = GlobalAveragePooling1D(keepdims=True)(avg2) (1, 4);
  Add([mx2, gap]) (5, 4) -> Flatten (20) -> Dense 5; GlobalMaxPooling1D(mx2) (4); GlobalAveragePooling1D(crop) (4);
  Concatenate (13) -> RepeatVector(3) (3, 13) -> Permute((2, 1)) (13, 3).
- resize2d (functional): x (5, 7, 2) -> Cropping2D(((1, 0), (2, 1))) (4, 4, 2) -> UpSampling2D((2, 3)) (8, 12, 2)
  -> Conv2D 3 (3x3) stride 2 "same" (4, 6, 3) -> Cropping2D(((1, 1), (1, 1))) (2, 4, 3) -> UpSampling2D((2, 2))
  (4, 8, 3) -> Permute((3, 1, 2)) (3, 4, 8) -> Conv2D 2 (1x1) (3, 4, 2).

Run: /usr/bin/python3 make_sequence_models.py
"""
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_axis_models import layer_cfg, save
from make_models import Layer, conv_config, dense_config, pool_config

RNG = np.random.default_rng(52)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 (channels last) ---------------------------------------------------------------

def pool1d(x, pool, stride, padding, kind):
    """(N, L, C): TensorFlow's pooling over the steps; windows clipped to the real cells."""
    n = x.shape[1]
    if padding == "same":
        before, _ = kr.same_padding(n, pool, stride)
        out = -(-n // stride)
    else:
        before, out = 0, (n - pool) // stride + 1
    y = np.empty((x.shape[0], out, x.shape[2]))
    for i in range(out):
        start = i * stride - before
        cells = x[:, max(start, 0):min(start + pool, n), :]
        y[:, i] = cells.max(axis=1) if kind == "max" else cells.sum(axis=1) / cells.shape[1]
    return y


def crop(x, crops):
    """crops: one (before, after) per spatial axis of (N, s..., C)."""
    index = (slice(None),) + tuple(slice(b, x.shape[d + 1] - a) for d, (b, a) in enumerate(crops)) + (slice(None),)
    return x[index]


def upsample(x, sizes):
    for d, s in enumerate(sizes):
        x = np.repeat(x, s, axis=d + 1)
    return x


def permute(x, dims):
    return np.transpose(x, (0,) + tuple(dims))


def repeat_vector(x, n):
    return np.repeat(x[:, None, :], n, axis=1)


def check_against_torch():
    x = RNG.standard_normal((2, 7, 3)) * 3
    t = torch.from_numpy(x).permute(0, 2, 1)   # (N, C, L)
    cl = lambda y: y.permute(0, 2, 1).numpy()
    # Pads (0, after): PyTorch's ceil_mode windows run off the end and, with count_include_pad=False, divide by the
    # cells inside — TensorFlow's "same" for a pad only after the sequence.
    for k, s in [(2, 2), (4, 4), (2, 3)]:
        assert kr.same_padding(7, k, s)[0] == 0, (k, s)
        assert np.allclose(pool1d(x, k, s, "same", "max"), cl(F.max_pool1d(t, k, s, ceil_mode=True)), rtol=0, atol=0)
        assert np.allclose(pool1d(x, k, s, "same", "avg"),
                           cl(F.avg_pool1d(t, k, s, ceil_mode=True, count_include_pad=False)), rtol=1e-15, atol=1e-15)
    # Symmetric pads (1, 1): PyTorch's own padding, not counted in the average.
    assert kr.same_padding(7, 3, 2) == (1, 1)
    assert np.allclose(pool1d(x, 3, 2, "same", "avg"), cl(F.avg_pool1d(t, 3, 2, 1, count_include_pad=False)),
                       rtol=1e-15, atol=1e-15)
    assert np.allclose(pool1d(x, 3, 2, "same", "max"), cl(F.max_pool1d(t, 3, 2, 1)), rtol=0, atol=0)
    assert np.allclose(pool1d(x, 2, 1, "valid", "max"), cl(F.max_pool1d(t, 2, 1)), rtol=0, atol=0)
    # The 1-D pool agrees with the 2-D reference on (N, L, 1, C).
    assert np.allclose(pool1d(x, 4, 3, "same", "avg"), kr.pool2d(x[:, :, None], (4, 1), (3, 1), "same", "avg")[:, :, 0],
                       rtol=1e-15, atol=1e-15)   # n 7, k 4, s 3: pads (1, 2)
    # Zero padding, and cropping as F.pad's negative pads.
    assert np.array_equal(np.pad(x, ((0, 0), (2, 1), (0, 0))), cl(F.pad(t, (2, 1))))
    assert np.array_equal(crop(x, [(1, 2)]), cl(F.pad(t, (-1, -2))))
    img = RNG.standard_normal((2, 5, 7, 2))
    ti = torch.from_numpy(img).permute(0, 3, 1, 2)
    cli = lambda y: y.permute(0, 2, 3, 1).numpy()
    assert np.array_equal(crop(img, [(1, 0), (2, 1)]), cli(F.pad(ti, (-2, -1, -1, 0))))
    # Nearest up-sampling by integer factors: PyTorch's nearest interpolate.
    assert np.array_equal(upsample(img, [2, 3]), cli(F.interpolate(ti, scale_factor=(2, 3), mode="nearest")))
    assert np.array_equal(upsample(x, [2]), cl(F.interpolate(t, scale_factor=2, mode="nearest")))
    assert np.array_equal(permute(img, (3, 1, 2)), torch.from_numpy(img).permute(0, 3, 1, 2).numpy())
    v = RNG.standard_normal((2, 5))
    assert np.array_equal(repeat_vector(v, 3), torch.from_numpy(v)[:, None, :].expand(2, 3, 5).numpy())


# ---- files ---------------------------------------------------------------------------------------------------

def input_layer(shape):
    return Layer("InputLayer", {"batch_input_shape": [None, *shape], "dtype": "float32", "sparse": False,
                                "ragged": False, "name": "x"})


def pool1d_cfg(name, pool, strides, padding):
    return pool_config(name, (pool,), (strides,), padding)


def seq_model():
    kc, bc = f32(3, 6, 4, scale=0.5), f32(4, scale=0.1)
    kd, bd = f32(20, 5, scale=0.4), f32(5, scale=0.1)
    layers = [
        input_layer((7, 3)),
        Layer("AveragePooling1D", pool1d_cfg("avg", 3, 2, "same"), ["x"]),
        Layer("MaxPooling1D", pool1d_cfg("mx", 2, 2, "same"), ["x"]),
        Layer("Concatenate", layer_cfg("cat", axis=-1), ["avg", "mx"]),
        Layer("UpSampling1D", layer_cfg("up", size=2), ["cat"]),
        Layer("ZeroPadding1D", layer_cfg("pad", padding=[2, 1]), ["up"]),
        Layer("Conv1D", conv_config("conv", 4, (3,), (1,), "valid", dilation=(1,)), ["pad"], [("kernel", kc), ("bias", bc)]),
        Layer("Cropping1D", layer_cfg("crop", cropping=[1, 2]), ["conv"]),
        Layer("MaxPooling1D", pool1d_cfg("mx2", 2, 1, "valid"), ["crop"]),
        Layer("AveragePooling1D", pool1d_cfg("avg2", 4, 3, "same"), ["crop"]),
        Layer("GlobalAveragePooling1D", layer_cfg("gap", data_format="channels_last", keepdims=True), ["avg2"]),
        Layer("Add", layer_cfg("res"), ["mx2", "gap"]),
        Layer("Flatten", layer_cfg("flat", data_format="channels_last"), ["res"]),
        Layer("Dense", dense_config("dense", 5), ["flat"], [("kernel", kd), ("bias", bd)]),
        Layer("GlobalMaxPooling1D", layer_cfg("gmp", data_format="channels_last", keepdims=False), ["mx2"]),
        Layer("GlobalAveragePooling1D", layer_cfg("gap2", data_format="channels_last", keepdims=False), ["crop"]),
        Layer("Concatenate", layer_cfg("cat2", axis=-1), ["dense", "gmp", "gap2"]),
        Layer("RepeatVector", layer_cfg("rep", n=3), ["cat2"]),
        Layer("Permute", layer_cfg("perm", dims=[2, 1]), ["rep"]),
    ]
    x = f32(3, 7, 3, scale=1.5)
    xd = f64(x)
    avg = pool1d(xd, 3, 2, "same", "avg")
    mx = pool1d(xd, 2, 2, "same", "max")
    h = upsample(np.concatenate([avg, mx], axis=-1), [2])
    h = np.pad(h, ((0, 0), (2, 1), (0, 0)))
    c = crop(kr.conv1d(h, kc, bc), [(1, 2)])
    mx2 = pool1d(c, 2, 1, "valid", "max")
    gap = pool1d(c, 4, 3, "same", "avg").mean(axis=1, keepdims=True)
    dense = kr.dense((mx2 + gap).reshape(3, -1), kd, bd)
    cat2 = np.concatenate([dense, mx2.max(axis=1), c.mean(axis=1)], axis=-1)
    y = permute(repeat_vector(cat2, 3), (2, 1))
    shapes = {"x": [None, 7, 3], "avg": [None, 4, 3], "mx": [None, 4, 3], "cat": [None, 4, 6], "up": [None, 8, 6],
              "pad": [None, 11, 6], "conv": [None, 9, 4], "crop": [None, 6, 4], "mx2": [None, 5, 4],
              "avg2": [None, 2, 4], "gap": [None, 1, 4], "res": [None, 5, 4], "flat": [None, 20], "dense": [None, 5],
              "gmp": [None, 4], "gap2": [None, 4], "cat2": [None, 13], "rep": [None, 3, 13]}
    save("seq1d", layers, shapes, ["x"], ["perm"], x, y)
    # The asymmetric windows must matter: the last window of mx holds one real cell, of avg2 three of four.
    print("mx last window = x[:, 6]:", np.array_equal(mx[:, 3], xd[:, 6]),
          "avg2 last window over 3 cells:", np.allclose(pool1d(c, 4, 3, "same", "avg")[:, 1], c[:, 3:6].mean(axis=1)))


def resize_model():
    k1, b1 = f32(3, 3, 2, 3, scale=0.5), f32(3, scale=0.1)
    k2, b2 = f32(1, 1, 8, 2, scale=0.5), f32(2, scale=0.1)
    layers = [
        input_layer((5, 7, 2)),
        Layer("Cropping2D", layer_cfg("crop", cropping=[[1, 0], [2, 1]], data_format="channels_last"), ["x"]),
        Layer("UpSampling2D", layer_cfg("up", size=[2, 3], data_format="channels_last", interpolation="nearest"),
              ["crop"]),
        Layer("Conv2D", conv_config("conv", 3, (3, 3), (2, 2), "same"), ["up"], [("kernel", k1), ("bias", b1)]),
        Layer("Cropping2D", layer_cfg("crop2", cropping=[[1, 1], [1, 1]], data_format="channels_last"), ["conv"]),
        Layer("UpSampling2D", layer_cfg("up2", size=[2, 2], data_format="channels_last", interpolation="nearest"),
              ["crop2"]),
        Layer("Permute", layer_cfg("perm", dims=[3, 1, 2]), ["up2"]),
        Layer("Conv2D", conv_config("mix", 2, (1, 1)), ["perm"], [("kernel", k2), ("bias", b2)]),
    ]
    x = f32(3, 5, 7, 2, scale=1.0)
    h = upsample(crop(f64(x), [(1, 0), (2, 1)]), [2, 3])
    h = kr.conv2d(h, k1, b1, (2, 2), "same")
    h = permute(upsample(crop(h, [(1, 1), (1, 1)]), [2, 2]), (3, 1, 2))
    y = kr.conv2d(h, k2, b2)
    shapes = {"x": [None, 5, 7, 2], "crop": [None, 4, 4, 2], "up": [None, 8, 12, 2], "conv": [None, 4, 6, 3],
              "crop2": [None, 2, 4, 3], "up2": [None, 4, 8, 3], "perm": [None, 3, 4, 8]}
    save("resize2d", layers, shapes, ["x"], ["mix"], x, y)


if __name__ == "__main__":
    check_against_torch()
    seq_model()
    resize_model()
