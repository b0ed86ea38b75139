"""Keras's preprocessing layers and the layers that are the identity at inference, in whole model files.

Written with make_models.py's writers (Keras's exact layouts, see its docstring): a tf.keras 2 full-model .h5
(keras_version 2.11.0) and a Keras 3 .keras (3.6.0) per model; the goldens are float64 NumPy of Keras's formulas.

- preprocess: images (7, 6, 3) in [0, 255] -> Rescaling(1/255, offset -0.3) -> RandomFlip -> RandomRotation ->
  RandomZoom -> RandomTranslation -> RandomContrast -> RandomBrightness (the identity at inference: Keras 3's
  transform_images and tf.keras 2's call return the input when training is False) -> Rescaling(scale [0.3, 2.0, -1.5],
  offset [0.1, -0.3, 0.7]) (lists broadcast over the channels) -> Normalization(axis=-1) adapted (weights mean,
  variance, count int64) -> Normalization(axis=(1, 2), invert=True) adapted (7 x 6 statistics, three variances below
  1e-14, whose square roots fall under Keras's floor backend.epsilon() = 1e-7) -> Normalization(axis=-1) with the config's
  mean [0.1, -0.3, 0.7] and variance [0.3, 1.7, 0.05] -> Normalization(axis=None, mean 0.1, variance 0.3) ->
  CenterCrop(4, 5) (rows from int(3 / 2) = 1, columns from 0) -> [.keras: Identity; _k2.h5: RandomHeight, RandomWidth,
  tf.keras 2 only, whose output shape Keras reports with that axis None] -> AlphaDropout(0.1) ->
  ActivityRegularization(l1=0.01) -> Conv2D 4 (2x2) relu -> GlobalAveragePooling2D -> Dense 3.
  Normalization: keras/src/layers/preprocessing/normalization.py (and tf.keras 2's) computes
  (x - mean) / maximum(sqrt(variance), epsilon) or, inverted, mean + x * maximum(sqrt(variance), epsilon), mean and
  variance broadcast to the input's rank with the kept axes' lengths; Rescaling x * scale + offset.
- preprocess_mask: sequences (5, 4) -> Masking(0.0) -> Rescaling(scale [0.5, -0.3, 1.7, 0.1], offset 0.2) ->
  [.keras: Identity] -> Normalization(axis=-1, invert=True) adapted -> GlobalAveragePooling1D -> Dense 2. Keras 3's
  Rescaling, Identity and Normalization set supports_masking = True, so the pooling averages the unmasked steps
  (`outputs`); tf.keras 2's Rescaling leaves it False and drops the mask, so the pooling averages every step
  (`outputs_k2`, the masked steps' zeros rescaled and normalised like the others).

The Conv2D is checked against real PyTorch 1.13 F.conv2d before writing; the rest is elementwise arithmetic and
slicing written from the formulas above.

Run: /usr/bin/python3 make_preprocessing_models.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, Layer, conv_config, dense_config, keras2_config, keras3_config, keras3_weights_bytes, \
    write_keras2_h5, write_keras3

RNG = np.random.default_rng(77)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def cfg(name, **kw):
    return {"name": name, "trainable": True, "dtype": "float32", **kw}


def rescale(x, scale, offset):
    return x * f64(scale) + f64(offset)


def normalize(x, kept, mean, variance, invert=False):
    """Keras's Normalization: kept axes count the batch axis; mean and variance broadcast over the other axes."""
    shape = [x.shape[a] if a in kept else 1 for a in range(x.ndim)]
    mean = np.broadcast_to(f64(mean).reshape([x.shape[a] for a in kept]) if np.ndim(mean) else f64(mean), [x.shape[a] for a in kept])
    variance = np.broadcast_to(f64(variance).reshape([x.shape[a] for a in kept]) if np.ndim(variance) else f64(variance), [x.shape[a] for a in kept])
    mean, variance = mean.reshape(shape), variance.reshape(shape)
    denominator = np.maximum(np.sqrt(variance), 1e-7)
    return mean + x * denominator if invert else (x - mean) / denominator


def center_crop(x, height, width):
    top, left = int((x.shape[1] - height) / 2), int((x.shape[2] - width) / 2)
    return x[:, top:top + height, left:left + width, :]


def random_layers(keras3):
    """The six random augmentation layers with their configs as each Keras writes them (seed None)."""
    extra = {"data_format": "channels_last"} if keras3 else {}
    fill = {"fill_mode": "reflect", "interpolation": "bilinear", "fill_value": 0.0, "seed": None}
    return [
        ("RandomFlip", cfg("flip", mode="horizontal", seed=None, **extra)),
        ("RandomRotation", cfg("rotate", factor=0.1, **fill, **extra)),
        ("RandomZoom", cfg("zoom", height_factor=0.2, width_factor=None, **fill, **extra)),
        ("RandomTranslation", cfg("shift", height_factor=0.1, width_factor=0.2, **fill, **extra)),
        ("RandomContrast", cfg("contrast", factor=0.3, seed=None, **({"value_range": [0, 255]} if keras3 else {}))),
        ("RandomBrightness", cfg("bright", factor=[-0.2, 0.2], value_range=[0, 255], seed=None)),
    ]


def chain(entries):
    """Layers in order, each reading the one before."""
    layers = []
    for class_name, config, *weights in entries:
        layers.append(Layer(class_name, config, [layers[-1].name] if layers else [], weights[0] if weights else []))
    return layers


def norm_cfg(name, axis, mean=None, variance=None, invert=False):
    return cfg(name, axis=axis, invert=invert, mean=mean, variance=variance)


def write(stem, k2_layers, k3_layers, shapes, x, outputs):
    out = k2_layers[-1].name
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), k2_layers, keras2_config(k2_layers, True, stem, ["x"], [out]))
    k3 = keras3_config(k3_layers, True, stem, shapes, ["x"], [out])
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(k3_layers, include_input_layers=True))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=x, **outputs)
    for key, y in outputs.items():
        print(stem, key, y.shape, "range", y.min(), y.max())


def float32_violation(y64, y32):
    """How far a float32 pass lands from the float64 golden, as a fraction of the tests' tolerance (1e-5 rel + 1e-6)."""
    return float(np.max(np.abs(y32 - y64) / (1e-5 * np.abs(y64) + 1e-6)))


def preprocess_model():
    x = (RNG.uniform(0, 255, (3, 7, 6, 3))).astype(np.float32)
    mean1, var1 = f32(3, scale=0.3) + 0.2, (RNG.uniform(0.02, 0.3, 3)).astype(np.float32)
    mean2, var2 = f32(7, 6, scale=0.5), (RNG.uniform(0.1, 2.0, (7, 6))).astype(np.float32)
    var2[0, 0], var2[3, 4], var2[6, 5] = 1e-15, 4e-15, 0.0   # sqrt below 1e-7: Keras's floor applies
    kernel, bias = f32(2, 2, 3, 4, scale=0.4), f32(4, scale=0.2)
    kd, bd = f32(4, 3), f32(3, scale=0.2)
    count = np.int64(3 * 7 * 6 * 100)
    head = [
        ("Rescaling", cfg("resc_unit", scale=1 / 255, offset=-0.3)),
    ]
    middle = [
        ("Rescaling", cfg("resc_channels", scale=[0.3, 2.0, -1.5], offset=[0.1, -0.3, 0.7])),
        ("Normalization", norm_cfg("norm_adapt", [-1]), [("mean", mean1), ("variance", var1), ("count", count)]),
        ("Normalization", norm_cfg("norm_hw", [1, 2], invert=True), [("mean", mean2), ("variance", var2), ("count", count)]),
        ("Normalization", norm_cfg("norm_cfg", [-1], mean=[0.1, -0.3, 0.7], variance=[0.3, 1.7, 0.05])),
        ("Normalization", norm_cfg("norm_all", [], mean=0.1, variance=0.3)),
        ("CenterCrop", cfg("crop", height=4, width=5)),
    ]
    tail = [
        ("AlphaDropout", cfg("alpha", rate=0.1, noise_shape=None, seed=None)),
        ("ActivityRegularization", cfg("actreg", l1=0.01, l2=0.0)),
        ("Conv2D", conv_config("conv", 4, (2, 2), activation="relu"), [("kernel", kernel), ("bias", bias)]),
        ("GlobalAveragePooling2D", cfg("gap", data_format="channels_last", keepdims=False)),
        ("Dense", dense_config("dense", 3), [("kernel", kd), ("bias", bd)]),
    ]
    input_layer = ("InputLayer", {"batch_input_shape": [None, 7, 6, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"})
    k2_only = [("RandomHeight", cfg("height", factor=0.2, interpolation="bilinear", seed=None)),
               ("RandomWidth", cfg("width", factor=[-0.1, 0.3], interpolation="bilinear", seed=None))]
    k2 = chain([input_layer, *head, *random_layers(False), *middle, *k2_only, *tail])
    k3 = chain([input_layer, *head, *random_layers(True), *middle, ("Identity", cfg("identity")), *tail])

    h = rescale(f64(x), 1 / 255, -0.3)
    h = rescale(h, [0.3, 2.0, -1.5], [0.1, -0.3, 0.7])
    h = normalize(h, [3], mean1, var1)
    h = normalize(h, [1, 2], mean2, var2, invert=True)
    h = normalize(h, [3], [0.1, -0.3, 0.7], [0.3, 1.7, 0.05])
    h = normalize(h, [], 0.1, 0.3)
    h = center_crop(h, 4, 5)
    c = kr.relu(kr.conv2d(h, kernel, bias))
    torch_c = F.relu(F.conv2d(torch.tensor(h).permute(0, 3, 1, 2), torch.tensor(f64(kernel)).permute(3, 2, 0, 1),
                              torch.tensor(f64(bias)))).permute(0, 2, 3, 1).numpy()
    assert np.max(np.abs(c - torch_c)) < 1e-12, "conv2d against PyTorch"
    y = kr.dense(c.mean(axis=(1, 2)), kd, bd)

    # The floor must matter: without it the three cells would read x * sqrt(variance) instead of x * 1e-7.
    h_floorless = np.where(np.sqrt(f64(var2)) < 1e-7, 1, 0).sum()
    assert h_floorless == 3

    # A float32 pass (Keras's: constants cast to float32, every op rounded) lands within the tests' tolerance.
    def n32(v, kept, mean, variance, invert=False):
        shape = [v.shape[a] if a in kept else 1 for a in range(v.ndim)]
        m = np.broadcast_to(np.float32(mean) if np.ndim(mean) == 0 else np.asarray(mean, np.float32), [v.shape[a] for a in kept]).reshape(shape)
        s = np.maximum(np.sqrt(np.broadcast_to(np.float32(variance) if np.ndim(variance) == 0 else np.asarray(variance, np.float32), [v.shape[a] for a in kept]).reshape(shape)), np.float32(1e-7))
        return (m + v * s) if invert else (v - m) / s
    g = x * np.float32(1 / 255) + np.float32(-0.3)
    g = g * np.asarray([0.3, 2.0, -1.5], np.float32) + np.asarray([0.1, -0.3, 0.7], np.float32)
    g = n32(g, [3], mean1, var1)
    g = n32(g, [1, 2], mean2, var2, invert=True)
    g = n32(g, [3], [0.1, -0.3, 0.7], [0.3, 1.7, 0.05])
    g = n32(g, [], 0.1, 0.3)
    g = center_crop(g, 4, 5).astype(np.float32)
    g = np.maximum(kr.conv2d(g, kernel, bias).astype(np.float32), 0)
    y32 = (g.mean(axis=(1, 2)).astype(np.float32) @ kd + bd).astype(np.float32)
    print("preprocess float32 pass:", f"{float32_violation(y, y32):.1%}", "of the tolerance")

    shapes = {l.name: [None, 7, 6, 3] for l in k3}
    for name in ("crop", "identity", "alpha", "actreg"):
        shapes[name] = [None, 4, 5, 3]
    shapes["conv"], shapes["gap"] = [None, 3, 4, 4], [None, 4]
    write("preprocess", k2, k3, shapes, x, {"outputs": y})


def mask_model():
    x = f32(4, 5, 4, scale=1.5)
    x[0, 1], x[1, 4], x[2, 0], x[2, 2] = 0, 0, 0, 0    # masked steps (every feature equal to the mask value 0.0)
    mean, var = f32(4, scale=0.4), (RNG.uniform(0.05, 1.5, 4)).astype(np.float32)
    kd, bd = f32(4, 2), f32(2, scale=0.2)
    input_layer = ("InputLayer", {"batch_input_shape": [None, 5, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"})
    front = [("Masking", cfg("mask", mask_value=0.0)),
             ("Rescaling", cfg("resc", scale=[0.5, -0.3, 1.7, 0.1], offset=0.2))]
    back = [("Normalization", norm_cfg("norm", [-1], invert=True), [("mean", mean), ("variance", var), ("count", np.int64(500))]),
            ("GlobalAveragePooling1D", cfg("gap", data_format="channels_last", keepdims=False)),
            ("Dense", dense_config("dense", 2), [("kernel", kd), ("bias", bd)])]
    k2 = chain([input_layer, *front, *back])
    k3 = chain([input_layer, *front, ("Identity", cfg("identity")), *back])

    keep = np.any(x != 0, axis=-1)
    h = f64(x) * keep[..., None]                       # Masking's output: masked steps become zeros
    h = normalize(rescale(h, [0.5, -0.3, 1.7, 0.1], 0.2), [2], mean, var, invert=True)
    masked = (h * keep[..., None]).sum(axis=1) / keep.sum(axis=1, keepdims=True)
    y = kr.dense(masked, kd, bd)
    y_k2 = kr.dense(h.mean(axis=1), kd, bd)
    print("mask: masked and unmasked goldens differ by", np.max(np.abs(y - y_k2)))
    shapes = {l.name: [None, 5, 4] for l in k3}
    shapes["gap"] = [None, 4]
    write("preprocess_mask", k2, k3, shapes, x, {"outputs": y, "outputs_k2": y_k2})


def resize_bilinear(x, height, width):
    """tf.image.resize bilinear (half-pixel centres, no antialias) in float64: per axis the input position
    (o + 0.5) * n / out - 0.5, cells floor and ceil clamped to [0, n - 1], lerp along the columns, then the rows."""
    def axis(n, out):
        position = (np.arange(out) + 0.5) * (n / out) - 0.5
        low = np.floor(position)
        return np.maximum(low, 0).astype(int), np.minimum(np.ceil(position), n - 1).astype(int), position - low
    ty, by, wy = axis(x.shape[1], height)
    lx, rx, wx = axis(x.shape[2], width)
    wx = wx[None, None, :, None]
    top = x[:, ty][:, :, lx] + (x[:, ty][:, :, rx] - x[:, ty][:, :, lx]) * wx
    bottom = x[:, by][:, :, lx] + (x[:, by][:, :, rx] - x[:, by][:, :, lx]) * wx
    return top + (bottom - top) * wy[None, :, None, None]


def nearest_indices(n, out):
    """TensorFlow's ResizeNearestNeighbor, half-pixel centres: floor((o + 0.5) * scale) in float32, clamped."""
    scale = np.float32(n) / np.float32(out)
    return np.clip(np.floor((np.arange(out, dtype=np.float32) + np.float32(0.5)) * scale).astype(int), 0, n - 1)


def aspect_crop(x, height, width):
    """smart_resize's / Keras 3's crop_to_aspect_ratio window, with their float32 divisions truncated to int."""
    h, w = x.shape[1], x.shape[2]
    crop_h = max(min(h, int(np.float32(w * height) / np.float32(width))), 1)
    crop_w = max(min(w, int(np.float32(h * width) / np.float32(height))), 1)
    top, left = int(np.float32(h - crop_h) / np.float32(2)), int(np.float32(w - crop_w) / np.float32(2))
    return x[:, top:top + crop_h, left:left + crop_w, :]


def resize_model():
    """resize: images (7, 5, 2) -> Resizing(4, 9) bilinear (rows down, columns up) -> Conv2D 3 (2x2) tanh -> (3, 8, 3)
    -> Resizing(4, 7, nearest, crop_to_aspect_ratio) (window (3, 5) from column int(3 / 2) = 1; rows 0, 1, 1, 2 and
    columns 0, 1, 1, 2, 3, 3, 4) -> Resizing(3, 2, bilinear, crop_to_aspect_ratio) (window (4, 2) from column
    int(5 / 2) = 2; rows 4 -> 3) -> Flatten -> Dense 4. Its own random generator, so the other models' numbers stay."""
    rng = np.random.default_rng(78)
    x = (rng.standard_normal((3, 7, 5, 2)) * 0.8).astype(np.float32)
    kernel, bias = (rng.standard_normal((2, 2, 2, 3)) * 0.5).astype(np.float32), (rng.standard_normal(3) * 0.2).astype(np.float32)
    kd, bd = (rng.standard_normal((18, 4)) * 0.3).astype(np.float32), (rng.standard_normal(4) * 0.2).astype(np.float32)

    def resizing(name, height, width, interpolation, crop, keras3):
        extra = {"pad_to_aspect_ratio": False, "fill_mode": "constant", "fill_value": 0.0, "antialias": False,
                 "data_format": "channels_last"} if keras3 else {}
        return ("Resizing", cfg(name, height=height, width=width, interpolation=interpolation, crop_to_aspect_ratio=crop, **extra))

    input_layer = ("InputLayer", {"batch_input_shape": [None, 7, 5, 2], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"})

    def layers(keras3):
        return chain([input_layer,
                      resizing("rs_bilinear", 4, 9, "bilinear", False, keras3),
                      ("Conv2D", conv_config("conv", 3, (2, 2), activation="tanh"), [("kernel", kernel), ("bias", bias)]),
                      resizing("rs_nearest", 4, 7, "nearest", True, keras3),
                      resizing("rs_crop", 3, 2, "bilinear", True, keras3),
                      ("Flatten", cfg("flat", data_format="channels_last")),
                      ("Dense", dense_config("dense", 4), [("kernel", kd), ("bias", bd)])])

    h = resize_bilinear(f64(x), 4, 9)
    check = F.interpolate(torch.tensor(f64(x)).permute(0, 3, 1, 2), size=(4, 9), mode="bilinear", align_corners=False)
    assert np.max(np.abs(h - check.permute(0, 2, 3, 1).numpy())) < 1e-12, "bilinear against PyTorch"
    h = np.tanh(kr.conv2d(h, kernel, bias))
    window = aspect_crop(h, 4, 7)
    assert window.shape[1:3] == (3, 5) and np.array_equal(window, h[:, :, 1:6])
    rows, columns = nearest_indices(3, 4), nearest_indices(5, 7)
    assert list(rows) == [0, 1, 1, 2] and list(columns) == [0, 1, 1, 2, 3, 3, 4]
    check = F.interpolate(torch.tensor(window.astype(np.float32)).permute(0, 3, 1, 2), size=(4, 7), mode="nearest-exact")
    h = window[:, rows][:, :, columns]
    assert np.array_equal(h.astype(np.float32), check.permute(0, 2, 3, 1).numpy()), "nearest against PyTorch's nearest-exact"
    window = aspect_crop(h, 3, 2)
    assert window.shape[1:3] == (4, 2) and np.array_equal(window, h[:, :, 2:4])
    h = resize_bilinear(window, 3, 2)
    check = F.interpolate(torch.tensor(window).permute(0, 3, 1, 2), size=(3, 2), mode="bilinear", align_corners=False)
    assert np.max(np.abs(h - check.permute(0, 2, 3, 1).numpy())) < 1e-12, "bilinear down-scale against PyTorch"
    y = kr.dense(h.reshape(3, -1), kd, bd)
    shapes = {"x": [None, 7, 5, 2], "rs_bilinear": [None, 4, 9, 2], "conv": [None, 3, 8, 3], "rs_nearest": [None, 4, 7, 3],
              "rs_crop": [None, 3, 2, 3], "flat": [None, 18], "dense": [None, 4]}
    write("resize", layers(False), layers(True), shapes, x, {"outputs": y})


if __name__ == "__main__":
    preprocess_model()
    mask_model()
    resize_model()
