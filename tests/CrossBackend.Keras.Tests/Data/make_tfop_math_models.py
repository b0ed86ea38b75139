"""tf.keras 2 functional models with tf.cast, element-wise math and maximum / minimum on Keras tensors, float64 goldens.

Written as make_tfop_models.py writes its models (TFOpLambda layers whose one inbound node is the first argument's
reference carrying the other arguments as keywords, keras/engine/node.py Node.serialize). `tf.cast(x, tf.float32)` is
["x", 0, 0, {"dtype": "float32", "name": null}]: the json encoder writes a tf.DType as its name
(keras/saving/legacy/saved_model/json_utils.py get_json_type: `if isinstance(obj, tf.DType): return obj.name`).
tf.math.exp / log / sqrt / square / abs take only `name`; tf.math.maximum / minimum take `y` like tf.math.add.

- tfop_cast_uint8: input uint8 (5, 6, 3), values 0..255 -> tf.cast(x, tf.float32) -> Rescaling(1/127.5, offset -1)
  -> Conv2D 4 filters 3x3 valid -> (3, 4, 4). The integer input reaches TorchSharp in Keras's layout (as token ids do);
  the cast moves its channels to dim 1, so the conv's channel order counts.
- tfop_cast_int32: input int32 (7,), values -300..300 -> tf.cast(x, "float32") -> Dense 3 -> tf.cast(·, tf.float32)
  (a float cast: unchanged) -> (3,).
- tfop_math: input float32 (4, 6, 5) in [-2, 2] -> d = Dense 5; e = exp(d * 0.3); l = log(abs(d) + 0.1);
  s = sqrt(square(d) + 0.3); mx = maximum(d, 0.1); mn = minimum(0.3, d) (the number first); mc = minimum(d, c) with c a
  constant list [0.1, -0.3, 0.7, 0.2, -0.1] over the channels; m2 = maximum(e, s) (two tensors); mb = minimum(d,
  reduce_mean(d, axis=1, keepdims=True)) (broadcasting (4, 6, 5) by (1, 6, 5)); each flattened, concat -> (960,).
- tfop_shape: input float32 (6, 5) in [-2, 2] -> d = Dense 4 (6, 4); c = tf.clip_by_value(d, -0.3, 0.7) (node kwargs
  clip_value_min / clip_value_max); t = tf.transpose(c, perm=[0, 2, 1]) (4, 6) (kwargs perm, conjugate False);
  e = tf.expand_dims(t, -1) (4, 6, 1) -> Conv2D 3 filters 2x2 valid (3, 5, 3): on TorchSharp the new last axis is
  the channels axis; e2 = tf.expand_dims(c, axis=1) (1, 6, 4); conv, e2 and t flattened, concat -> (93,).

The goldens' inputs are int32 for the integer models (the npz reader's ints; the model declares the input's dtype).
TensorFlow converts a Python number to the tensor's dtype (float32(0.3)) before the op; the goldens are float64.
Checked against PyTorch 1.13 float64 (torch.exp, log, sqrt, square, abs, maximum, minimum, conv2d): within 1e-12.

Run: /usr/bin/python3 make_tfop_math_models.py
"""
import os

import numpy as np
import torch

from make_axis_models import layer_cfg
from make_models import HERE, Layer, conv_config, dense_config, keras2_config, write_keras2_h5
from make_tfop_models import call, op_layer, ref
from make_tfop_preprocess_models import conv_np, conv_torch

RNG = np.random.default_rng(2026)
F32 = np.float32


def write(stem, layers, outputs, x, y):
    config = keras2_config(layers, True, stem, ["x"], outputs)
    for entry, layer in zip(config["config"]["layers"], layers):
        if hasattr(layer, "node"):
            entry["inbound_nodes"] = [layer.node]
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, config)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=x, outputs=y)
    print(stem, "inputs", x.shape, x.dtype, "outputs", y.shape, "range", y.min(), y.max())


def dense_start(rng):
    """A (batch 3, 4, 6, 5) float32 input in [-2, 2] and the layers x -> Dense 5 ("dense"), with its kernel and bias."""
    x = rng.uniform(-2, 2, (3, 4, 6, 5)).astype(F32)
    k = (rng.standard_normal((5, 5)) * 0.8).astype(F32)
    b = (rng.standard_normal(5) * 0.3).astype(F32)
    layers = [
        input_layer([4, 6, 5], "float32"),
        Layer("Dense", dense_config("dense", 5), ["x"], [("kernel", k), ("bias", b)]),
    ]
    return x, k, b, layers


def flatten_concat(layers, parts):
    """Each part through a Flatten layer, then tf.concat of them along the last axis (the layer "tf.concat")."""
    for i, part in enumerate(parts):
        layers.append(Layer("Flatten", layer_cfg(f"flatten_{i}", data_format="channels_last"), [part]))
    out = op_layer("tf.concat", "concat", None)
    out.node = [[f"flatten_{i}", 0, 0, {"axis": -1, "name": "concat"}] for i in range(len(parts))]
    layers.append(out)


def join_flat(parts):
    """The goldens' counterpart of flatten_concat: each part flattened per item, joined (NumPy or torch)."""
    flat = [t.reshape(t.shape[0], -1) for t in parts]
    return np.concatenate(flat, axis=1) if isinstance(flat[0], np.ndarray) else torch.cat(flat, dim=1)


def checked_golden(forward, args, label):
    """forward(xp, *args) in NumPy float64, checked against the same graph in PyTorch 1.13 float64 (within 1e-12)."""
    y = forward(np, *args)
    diff = np.abs(forward(torch, *(torch.tensor(a) for a in args)).numpy() - y).max()
    assert diff < 1e-12, diff
    print(label, "torch float64 vs numpy:", diff)
    return y


def input_layer(shape, dtype):
    return Layer("InputLayer", {"batch_input_shape": [None, *shape], "dtype": dtype, "sparse": False, "ragged": False, "name": "x"})


def cast_uint8_model():
    x = RNG.integers(0, 256, (3, 5, 6, 3)).astype(np.int32)
    k = (RNG.standard_normal((3, 3, 3, 4)) * 0.4).astype(F32)
    b = (RNG.standard_normal(4) * 0.2).astype(F32)
    scale = 1 / 127.5
    layers = [
        input_layer([5, 6, 3], "uint8"),
        op_layer("tf.cast", "cast", call("x", dtype="float32", name=None)),
        Layer("Rescaling", {"name": "rescaling", "trainable": True, "dtype": "float32", "scale": scale, "offset": -1.0}, ["tf.cast"]),
        Layer("Conv2D", conv_config("conv", 4, (3, 3)), ["rescaling"], [("kernel", k), ("bias", b)]),
    ]
    p = x.astype(np.float64) * scale - 1.0
    y = conv_np(p, k.astype(np.float64), b.astype(np.float64))
    diff = np.abs(conv_torch(p, k.astype(np.float64), b.astype(np.float64)) - y).max()
    assert diff < 1e-12, diff
    print("cast_uint8 torch float64 vs numpy:", diff)
    write("tfop_cast_uint8", layers, ["conv"], x, y)


def cast_int32_model():
    x = RNG.integers(-300, 301, (4, 7)).astype(np.int32)
    k = (RNG.standard_normal((7, 3)) * 0.05).astype(F32)
    b = (RNG.standard_normal(3) * 0.3).astype(F32)
    layers = [
        input_layer([7], "int32"),
        op_layer("tf.cast", "cast", call("x", dtype="float32", name=None)),
        Layer("Dense", dense_config("dense", 3), ["tf.cast"], [("kernel", k), ("bias", b)]),
        op_layer("tf.cast_1", "cast", call("dense", dtype="float32", name=None)),
    ]
    y = x.astype(np.float64) @ k.astype(np.float64) + b.astype(np.float64)
    yt = (torch.tensor(x).to(torch.float64) @ torch.tensor(k, dtype=torch.float64) + torch.tensor(b, dtype=torch.float64)).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("cast_int32 torch float64 vs numpy:", diff)
    write("tfop_cast_int32", layers, ["tf.cast_1"], x, y)


C = [0.1, -0.3, 0.7, 0.2, -0.1]


def math_forward(xp, x, k, b):
    is_np = xp is np
    d = x @ k + b
    e = xp.exp(d * 0.3)
    l = xp.log(xp.abs(d) + 0.1)
    s = xp.sqrt(xp.square(d) + 0.3)
    c = np.array(C) if is_np else torch.tensor(C, dtype=torch.float64)
    if is_np:
        mx, mn, mc, m2 = np.maximum(d, 0.1), np.minimum(0.3, d), np.minimum(d, c), np.maximum(e, s)
        mb = np.minimum(d, d.mean(axis=1, keepdims=True))
    else:
        mx, mn = torch.maximum(d, torch.tensor(0.1, dtype=torch.float64)), torch.minimum(torch.tensor(0.3, dtype=torch.float64), d)
        mc, m2 = torch.minimum(d, c), torch.maximum(e, s)
        mb = torch.minimum(d, d.mean(dim=1, keepdim=True))
    return join_flat((e, l, s, mx, mn, mc, m2, mb))


def math_model():
    x, k, b, layers = dense_start(RNG)
    layers += [
        op_layer("tf.math.multiply", "math.multiply", call("dense", y=0.3, name=None)),
        op_layer("tf.math.exp", "math.exp", call("tf.math.multiply", name=None)),
        op_layer("tf.math.abs", "math.abs", call("dense", name=None)),
        op_layer("tf.__operators__.add", "__operators__.add", call("tf.math.abs", y=0.1, name=None)),
        op_layer("tf.math.log", "math.log", call("tf.__operators__.add", name=None)),
        op_layer("tf.math.square", "math.square", call("dense", name=None)),
        op_layer("tf.__operators__.add_1", "__operators__.add", call("tf.math.square", y=0.3, name=None)),
        op_layer("tf.math.sqrt", "math.sqrt", call("tf.__operators__.add_1", name=None)),
        op_layer("tf.math.maximum", "math.maximum", call("dense", y=0.1, name=None)),
        op_layer("tf.math.minimum", "math.minimum", call(0.3, y=ref("dense"), name=None)),
        op_layer("tf.math.minimum_1", "math.minimum", call("dense", y=C, name=None)),
        op_layer("tf.math.maximum_1", "math.maximum", call("tf.math.exp", y=ref("tf.math.sqrt"), name=None)),
        op_layer("tf.math.reduce_mean", "math.reduce_mean", call("dense", axis=1, keepdims=True)),
        op_layer("tf.math.minimum_2", "math.minimum", call("dense", y=ref("tf.math.reduce_mean"), name=None)),
    ]
    parts = ["tf.math.exp", "tf.math.log", "tf.math.sqrt", "tf.math.maximum", "tf.math.minimum", "tf.math.minimum_1",
             "tf.math.maximum_1", "tf.math.minimum_2"]
    flatten_concat(layers, parts)
    y = checked_golden(math_forward, (x.astype(np.float64), k.astype(np.float64), b.astype(np.float64)), "math")
    write("tfop_math", layers, ["tf.concat"], x, y)


def shape_forward(xp, x, k, b, kc, bc):
    is_np = xp is np
    d = x @ k + b
    c = np.maximum(np.minimum(d, 0.7), -0.3) if is_np else torch.clamp(d, -0.3, 0.7)
    t = c.transpose(0, 2, 1) if is_np else c.permute(0, 2, 1)
    e = t[..., None]
    conv = conv_np(e, kc, bc) if is_np else torch.tensor(conv_torch(e.numpy(), kc.numpy(), bc.numpy()))
    e2 = c[:, None]
    return join_flat((conv, e2, t))


def shape_model():
    x = RNG.uniform(-2, 2, (3, 6, 5)).astype(F32)
    k = (RNG.standard_normal((5, 4)) * 0.6).astype(F32)
    b = (RNG.standard_normal(4) * 0.3).astype(F32)
    kc = (RNG.standard_normal((2, 2, 1, 3)) * 0.7).astype(F32)
    bc = (RNG.standard_normal(3) * 0.2).astype(F32)
    layers = [
        input_layer([6, 5], "float32"),
        Layer("Dense", dense_config("dense", 4), ["x"], [("kernel", k), ("bias", b)]),
        op_layer("tf.clip_by_value", "clip_by_value", call("dense", clip_value_min=-0.3, clip_value_max=0.7, name=None)),
        op_layer("tf.transpose", "transpose", call("tf.clip_by_value", perm=[0, 2, 1], conjugate=False, name=None)),
        op_layer("tf.expand_dims", "expand_dims", call("tf.transpose", axis=-1, name=None)),
        Layer("Conv2D", conv_config("conv", 3, (2, 2)), ["tf.expand_dims"], [("kernel", kc), ("bias", bc)]),
        op_layer("tf.expand_dims_1", "expand_dims", call("tf.clip_by_value", axis=1, name=None)),
    ]
    parts = ["conv", "tf.expand_dims_1", "tf.transpose"]
    flatten_concat(layers, parts)
    args = [a.astype(np.float64) for a in (x, k, b, kc, bc)]
    y = shape_forward(np, *args)
    yt = shape_forward(torch, *(torch.tensor(a) for a in args)).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    clipped = y[:, 45:69]   # e2: c itself
    high, low = (clipped == 0.7).sum(), (clipped == -0.3).sum()
    assert high > 0 and low > 0, (high, low)
    print("shape torch float64 vs numpy:", diff, "cells clipped to 0.7 / -0.3:", high, low, "of", clipped.size)
    write("tfop_shape", layers, ["tf.concat"], x, y)


if __name__ == "__main__":
    cast_uint8_model()
    cast_int32_model()
    math_model()
    shape_model()
