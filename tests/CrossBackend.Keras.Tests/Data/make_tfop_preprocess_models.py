"""keras.applications' preprocess_input on a Keras tensor, as tf.keras 2 records it, and constant array operands.

tf.keras 2 (keras/applications/imagenet_utils.py `_preprocess_symbolic_input`, data_format channels_last) records, on
a Keras tensor x with values in [0, 255]:
- mode "tf" (MobileNet, Inception, Xception): `x /= 127.5; x -= 1.` -> TFOpLambda math.truediv (y 127.5), then
  math.subtract (y 1.0);
- mode "torch" (DenseNet): `x /= 255.` -> math.truediv (y 255.0); then `backend.bias_add(x, -mean)` with mean_tensor =
  backend.constant(-np.array([0.485, 0.456, 0.406])) (float32), which calls `tf.nn.bias_add(x, bias, data_format="NHWC")`
  (keras/backend.py bias_add); the dispatch of that call on a Keras tensor records a TFOpLambda "nn.bias_add" (model
  summaries show `tf.nn.bias_add (TFOpLambda)`), whose node is ["tf.math.truediv", 0, 0, {"bias": [...], "data_format":
  "NHWC"}]: Node.serialize (keras/engine/node.py) writes the float32 constant as `backend.get_value(t).tolist()`, a
  plain list of the float32 values as Python floats; then `x /= std_tensor` (backend.constant(np.array([0.229, 0.224,
  0.225]), float32)) -> math.truediv with y that list;
- mode "caffe" (VGG16, ResNet50): `x = x[..., ::-1]` (RGB -> BGR) -> SlicingOpLambda __operators__.getitem with
  slice_spec [{"class_name": "__ellipsis__"}, {"start": null, "stop": null, "step": -1}]; then bias_add with
  backend.constant(-np.array([103.939, 116.779, 123.68])) as above.
Each model: input (5, 6, 3), then the mode's ops, then Conv2D 4 filters 3x3 valid (channel order matters) -> (3, 4, 4);
for "caffe" the conv bias is ~1000 (see preprocess_model).

- consts: constant arrays and negative steps beyond preprocess_input, on input (4, 6, 3): s = x[:, ::-1, 4:0:-2, :]
  (4, 2, 3); m = s * np.array([[0.1], [0.3]]) (multiply, y a (2, 1) list of float64 values); d = c2 - m with c2 a
  (4, 1, 3) array as the first operand (["_CONSTANT_VALUE", -1, [...], {"y": ["m", 0, 0], "name": null}]); q = d / c3,
  c3 of shape (1, 4, 2, 3) (a leading 1 on the batch axis); Flatten -> (24,).

Goldens in NumPy float64 with the constants as written (float32 values for the preprocess ones, since TensorFlow made
them float32; float64 0.1, 0.3, ... for consts, which a float32 model rounds to float32 first). Checked against PyTorch
1.13 float64 (torch.flip, slicing, conv2d).

Run: /usr/bin/python3 make_tfop_preprocess_models.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

from make_axis_models import layer_cfg
from make_models import HERE, Layer, conv_config, keras2_config, write_keras2_h5
from make_tfop_models import call, full, op_layer, ref, sl

RNG = np.random.default_rng(2025)
ELLIPSIS = {"class_name": "__ellipsis__"}
F32 = np.float32


def conv_np(x, k, b):
    """Keras Conv2D, valid, stride 1, channels_last, float64."""
    n, h, w, _ = x.shape
    kh, kw, _, f = k.shape
    out = np.zeros((n, h - kh + 1, w - kw + 1, f))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nhwc,cf->nhwf", x[:, i:i + out.shape[1], j:j + out.shape[2], :], k[i, j])
    return out + b


def conv_torch(x, k, b):
    t = torch.tensor(x).permute(0, 3, 1, 2)
    w = torch.tensor(k).permute(3, 2, 0, 1)
    return F.conv2d(t, w, torch.tensor(b)).permute(0, 2, 3, 1).numpy()


def write(stem, layers, outputs, x, y):
    config = keras2_config(layers, True, stem, ["x"], outputs)
    for entry, layer in zip(config["config"]["layers"], layers):
        if hasattr(layer, "node"):
            entry["inbound_nodes"] = [layer.node]
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, config)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=x, outputs=y)
    print(stem, "inputs", x.shape, "outputs", y.shape, "range", y.min(), y.max())


def preprocess_model(mode):
    x = RNG.uniform(0, 255, (3, 5, 6, 3)).astype(F32)
    k = (RNG.standard_normal((3, 3, 3, 4)) * 0.4).astype(F32)
    b = (RNG.standard_normal(4) * 0.2).astype(F32)
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 5, 6, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"})]
    x64 = x.astype(np.float64)
    if mode == "tf":
        layers += [op_layer("tf.math.truediv", "math.truediv", call("x", y=127.5, name=None)),
                   op_layer("tf.math.subtract", "math.subtract", call("tf.math.truediv", y=1.0, name=None))]
        p, pt = x64 / 127.5 - 1.0, torch.tensor(x64) / 127.5 - 1.0
    elif mode == "torch":
        bias = (-np.array([0.485, 0.456, 0.406])).astype(F32)     # backend.constant(-np.array(mean)): float32
        std = np.array([0.229, 0.224, 0.225]).astype(F32)
        layers += [op_layer("tf.math.truediv", "math.truediv", call("x", y=255.0, name=None)),
                   op_layer("tf.nn.bias_add", "nn.bias_add", call("tf.math.truediv", bias=bias.tolist(), data_format="NHWC")),
                   op_layer("tf.math.truediv_1", "math.truediv", call("tf.nn.bias_add", y=std.tolist(), name=None))]
        p = (x64 / 255.0 + bias.astype(np.float64)) / std.astype(np.float64)
        pt = (torch.tensor(x64) / 255.0 + torch.tensor(bias.astype(np.float64))) / torch.tensor(std.astype(np.float64))
    else:
        bias = (-np.array([103.939, 116.779, 123.68])).astype(F32)
        layers += [op_layer("tf.__operators__.getitem", "__operators__.getitem",
                            call("x", slice_spec=[ELLIPSIS, sl(step=-1)]), slicing=True),
                   op_layer("tf.nn.bias_add", "nn.bias_add", call("tf.__operators__.getitem", bias=bias.tolist(), data_format="NHWC"))]
        p = x64[..., ::-1] + bias.astype(np.float64)
        pt = torch.flip(torch.tensor(x64), [-1]) + torch.tensor(bias.astype(np.float64))
    if mode == "caffe":
        # Pixels less the means reach ±150: 27 products of that size cancel to outputs near 0 that float32 (TensorFlow's
        # too) gets only to ~1e-5 absolute, more than the parity tolerance allows there. A conv bias of ~1000 keeps
        # every output far from 0; the channel order still moves them by hundreds.
        b = b + F32(1000.0)
    last = layers[-1].name
    layers.append(Layer("Conv2D", conv_config("conv", 4, (3, 3)), [last], [("kernel", k), ("bias", b)]))
    y = conv_np(p, k.astype(np.float64), b.astype(np.float64))
    diff = np.abs(conv_torch(pt.numpy(), k.astype(np.float64), b.astype(np.float64)) - y).max()
    assert diff < 1e-9, diff
    print(mode, "torch float64 vs numpy:", diff)
    write(f"tfop_preprocess_{mode}", layers, ["conv"], x, y)


def consts_model():
    x = RNG.uniform(-2, 2, (3, 4, 6, 3)).astype(F32)
    c1 = np.array([[0.1], [0.3]])
    c2 = np.round(RNG.uniform(-1, 1, (4, 1, 3)), 1)
    c3 = np.round(RNG.uniform(0.5, 2, (1, 4, 2, 3)), 1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 6, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        op_layer("tf.__operators__.getitem", "__operators__.getitem", call("x", slice_spec=[full(), sl(step=-1), sl(4, 0, -2)]), slicing=True),
        op_layer("tf.math.multiply", "math.multiply", call("tf.__operators__.getitem", y=c1.tolist(), name=None)),
        op_layer("tf.math.subtract", "math.subtract", call(c2.tolist(), y=ref("tf.math.multiply"), name=None)),
        op_layer("tf.math.truediv", "math.truediv", call("tf.math.subtract", y=c3.tolist(), name=None)),
        Layer("Flatten", layer_cfg("flatten", data_format="channels_last"), ["tf.math.truediv"]),
    ]
    x64 = x.astype(np.float64)
    y = ((c2 - x64[:, ::-1, 4:0:-2, :] * c1) / c3).reshape(3, -1)
    t = torch.tensor(x64).flip(1)[:, :, 2:5:2, :].flip(2)      # x[:, ::-1, 4:0:-2]: cells 4 and 2 of axis 2
    yt = ((torch.tensor(c2) - t * torch.tensor(c1)) / torch.tensor(c3)).reshape(3, -1).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("consts torch float64 vs numpy:", diff)
    write("tfop_consts", layers, ["flatten"], x, y)


if __name__ == "__main__":
    for m in ("caffe", "torch", "tf"):
        preprocess_model(m)
    consts_model()
