"""UpSampling2D(interpolation="bilinear") in Keras's own file layouts, with a float64 NumPy golden.

What Keras computes, read from its sources: Keras 3's UpSampling2D._resize_images calls
ops.image.resize(x, (h * s0, w * s1), interpolation="bilinear") (keras/src/layers/reshaping/up_sampling2d.py), whose
TensorFlow backend runs tf.image.resize(images, size, method="bilinear", antialias=False)
(keras/src/backend/tensorflow/image.py); tf.keras 2.4+'s backend.resize_images runs tf.image.resize(x, new_shape,
method=BILINEAR). tf.image.resize (v2) calls ResizeBilinear with half_pixel_centers=True: per axis scale = in / out,
p = (o + 0.5) * scale - 0.5, lower = max(floor(p), 0), upper = min(ceil(p), in - 1), lerp = p - floor(p), and
out = top + (bottom - top) * y_lerp with top / bottom = left + (right - left) * x_lerp
(tensorflow/core/kernels/image/resize_bilinear_op.cc). TensorFlow 1's tf.keras and standalone Keras before 2.4 called
resize_bilinear without half-pixel centres (p = o * scale): other numbers, refused by the port.

The reference below is that formula in float64. Before writing, it is checked against real PyTorch 1.13
F.interpolate(mode="bilinear", align_corners=False) in float64 (the same half-pixel rule), and the float32 forms
(TensorFlow's nested lerps in float32 vs PyTorch's float32 kernel) are compared with the float64 result.

Model upsample_bilinear (Sequential, float (5, 4, 2)): UpSampling2D((2, 3), bilinear) -> Conv2D(3, 2x2, valid, tanh)
-> UpSampling2D((3, 1), bilinear) (a factor 1 axis: the weights give the cell itself) -> output (27, 11, 3).

Run: /usr/bin/python3 make_bilinear_models.py
"""
import numpy as np
import torch

import keras_reference as kr
from make_models import Layer, conv_config, save_all

RNG = np.random.default_rng(2054)


def resize_bilinear(x, rows, columns, dtype=np.float64):
    """NHWC half-pixel bilinear upsampling by integer factors, as TensorFlow's kernel computes it, in `dtype`."""
    x = np.asarray(x, dtype)
    n, h, w, c = x.shape

    def weights(size, factor):
        out = size * factor
        scale = dtype(size) / dtype(out)
        p = (np.arange(out, dtype=dtype) + dtype(0.5)) * scale - dtype(0.5)
        floor = np.floor(p)
        lower = np.maximum(floor.astype(np.int64), 0)
        upper = np.minimum(np.ceil(p).astype(np.int64), size - 1)
        return lower, upper, (p - floor).astype(dtype)

    top, bottom, ylerp = weights(h, rows)
    left, right, xlerp = weights(w, columns)
    xl = xlerp[None, None, :, None]
    upper = x[:, top][:, :, left] + (x[:, top][:, :, right] - x[:, top][:, :, left]) * xl
    lower = x[:, bottom][:, :, left] + (x[:, bottom][:, :, right] - x[:, bottom][:, :, left]) * xl
    return upper + (lower - upper) * ylerp[None, :, None, None]


def torch_resize(x, rows, columns, dtype):
    t = torch.from_numpy(np.ascontiguousarray(np.asarray(x, dtype).transpose(0, 3, 1, 2)))
    y = torch.nn.functional.interpolate(t, size=(x.shape[1] * rows, x.shape[2] * columns), mode="bilinear", align_corners=False)
    return y.numpy().transpose(0, 2, 3, 1)


def check_against_torch():
    worst64, worst32 = 0.0, 0.0
    for shape, (rows, columns) in [((2, 5, 4, 3), (2, 3)), ((1, 3, 7, 2), (3, 1)), ((2, 1, 1, 2), (2, 2)), ((1, 4, 4, 1), (4, 5))]:
        x = RNG.standard_normal(shape)
        ref = resize_bilinear(x, rows, columns)
        worst64 = max(worst64, np.abs(ref - torch_resize(x, rows, columns, np.float64)).max())
        x32 = x.astype(np.float32)
        ref32 = resize_bilinear(x32, rows, columns)
        tf32 = resize_bilinear(x32, rows, columns, np.float32)
        worst32 = max(worst32, np.abs(tf32 - ref32).max(), np.abs(torch_resize(x32, rows, columns, np.float32) - ref32).max())
    print(f"bilinear reference vs PyTorch F.interpolate(align_corners=False): float64 max |diff| {worst64:.1e}; "
          f"float32 TF-order and PyTorch vs the float64 result: max |diff| {worst32:.1e}")
    assert worst64 < 1e-15 and worst32 < 1e-6


def model():
    kc, bc = (RNG.standard_normal((2, 2, 2, 3)) * 0.5).astype(np.float32), (RNG.standard_normal(3) * 0.1).astype(np.float32)
    up = lambda name, size: {"name": name, "trainable": True, "dtype": "float32", "size": list(size),
                             "data_format": "channels_last", "interpolation": "bilinear"}
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 5, 4, 2], "dtype": "float32", "sparse": False,
                                   "ragged": False, "name": "up_input"}),
              Layer("UpSampling2D", up("up", (2, 3)), ["up_input"]),
              Layer("Conv2D", conv_config("conv", 3, (2, 2), activation="tanh"), ["up"], [("kernel", kc), ("bias", bc)]),
              Layer("UpSampling2D", up("up_1", (3, 1)), ["conv"])]
    x = RNG.standard_normal((2, 5, 4, 2)).astype(np.float32)
    y = resize_bilinear(np.tanh(kr.conv2d(resize_bilinear(x, 2, 3), kc, bc)), 3, 1)
    assert y.shape == (2, 27, 11, 3)
    shapes = {"up_input": [None, 5, 4, 2], "up": [None, 10, 12, 2], "conv": [None, 9, 11, 3]}
    save_all("upsample_bilinear", layers, False, shapes, None, None, x, y)


if __name__ == "__main__":
    check_against_torch()
    model()
