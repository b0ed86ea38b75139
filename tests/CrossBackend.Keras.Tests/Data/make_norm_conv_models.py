"""LayerNormalization, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose models, with float64 NumPy goldens.

Written with make_models.py's writers (Keras's exact layouts, see its docstring) and make_axis_models.py's `save`; this
script only adds files. Each model is saved as a tf.keras 2 full-model .h5 (keras_version 2.11.0) and a Keras 3 .keras
(3.6.0). The goldens are float64 NumPy of Keras's formulas (TensorFlow backend), each checked here against real
PyTorch 1.13 (F.layer_norm, F.conv2d with groups, F.conv_transpose2d) and, for the transposed convolution, against
its defining property: TensorFlow's conv2d_transpose is the adjoint of conv2d with the same kernel, strides and
padding (<conv2d(y), x> = <y, conv2d_transpose(x)>).

- layer_norm: Input (3, 4, 5), mean offset 3 -> LayerNormalization(axis=-1, epsilon=0.1) -> Dense 5 ->
  LayerNormalization(axis=[1, 2], center=False, epsilon=0.3) -> LayerNormalization(axis=[-3, -2, -1], scale=False)
  (default epsilon 1e-3) -> LayerNormalization(axis=1, epsilon=0.07) -> Reshape (60,) -> LayerNormalization(axis=-1,
  epsilon=0.2). keras/src/layers/normalization/layer_normalization.py: mean, variance = moments(x, axis) (tf.nn.moments:
  mean, then the mean of squared differences - biased), inv = rsqrt(variance + epsilon) * gamma,
  outputs = x * inv + (beta - mean * inv); gamma and beta have shape [input_shape[d] for d in axis]. tf.keras 2 saves
  `axis` as a list of positive axes ([3], [1, 2], [1, 2, 3], [1], [1]); Keras 3 as given (an int, or a list) and adds
  `rms_scaling: false`.
- depthwise: Input (8, 9, 3) -> DepthwiseConv2D((3, 4), strides 2, "same", depth_multiplier 2, relu) (TF pads (0, 1)
  rows and (1, 2) columns) -> DepthwiseConv2D((2, 3), dilation (1, 2), "same", use_bias=False) -> SeparableConv2D(4, 3,
  strides 2, "same", depth_multiplier 2, tanh) -> SeparableConv2D(5, (2, 2), "valid", use_bias=False), output (1, 2, 5).
  Depthwise kernel (kh, kw, in, multiplier), output channel c * multiplier + m (tf.nn.depthwise_conv2d); separable:
  depthwise step with the strides/padding/dilation, then a 1x1 "valid" pointwise kernel (1, 1, in * multiplier,
  filters), then the one bias (tf.nn.separable_conv2d, keras/src/layers/convolutional/base_separable_conv.py). Weights
  in that order: depthwise_kernel, pointwise_kernel, bias.
- conv_transpose: Input (3, 4, 2) -> Conv2DTranspose(3, 3, strides 2, "same") (6, 8, 3) -> Conv2DTranspose(2, (4, 3),
  strides (2, 1), "same", relu) (12, 8, 2) -> Conv2DTranspose(2, (2, 1), strides (1, 3), "valid") (13, 24, 2): kernel
  (kh, kw, filters, in); output length per axis deconv_output_length with output_padding None: valid n*s + max(k - s, 0),
  same n*s; the last layer's kernel is shorter than its stride, so two of every three columns are the bias alone.

Run: /usr/bin/python3 make_norm_conv_models.py
"""
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_axis_models import layer_cfg, save
from make_models import Layer, dense_config

RNG = np.random.default_rng(52)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 ----------------------------------------------------------------------------------

def layer_norm(x, axes, gamma, beta, epsilon):
    """Keras's LayerNormalization.call: moments over `axes` (batch counted), inv = rsqrt(var + eps) * gamma,
    x * inv + (beta - mean * inv); gamma/beta shaped like the axes' lengths, in the listed (increasing) order."""
    axes = tuple(a % x.ndim for a in axes)
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    shape = [x.shape[d] if d in axes else 1 for d in range(x.ndim)]
    inv = 1.0 / np.sqrt(var + epsilon)
    if gamma is not None:
        inv = inv * f64(gamma).reshape(shape)
    res = -mean * inv
    if beta is not None:
        res = res + f64(beta).reshape(shape)
    return x * inv + res


def pad_same(x, kernel, strides, dilation):
    t, b = kr.same_padding(x.shape[1], kernel[0], strides[0], dilation[0])
    l, r = kr.same_padding(x.shape[2], kernel[1], strides[1], dilation[1])
    return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))


def depthwise_conv2d(x, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """tf.nn.depthwise_conv2d: each input channel c correlated with kernel[:, :, c, m], output channel c * mult + m."""
    x = f64(x)
    kernel = f64(kernel)
    kh, kw, c, mult = kernel.shape
    if padding == "same":
        x = pad_same(x, (kh, kw), strides, dilation)
    n, h, w, _ = x.shape
    oh = (h - ((kh - 1) * dilation[0] + 1)) // strides[0] + 1
    ow = (w - ((kw - 1) * dilation[1] + 1)) // strides[1] + 1
    out = np.zeros((n, oh, ow, c, mult))
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilation[0], j * dilation[1]
            patch = x[:, r0:r0 + (oh - 1) * strides[0] + 1:strides[0], c0:c0 + (ow - 1) * strides[1] + 1:strides[1], :]
            out += patch[..., None] * kernel[i, j]
    out = out.reshape(n, oh, ow, c * mult)
    return out if bias is None else out + f64(bias)


def separable_conv2d(x, depthwise, pointwise, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """tf.nn.separable_conv2d: the depthwise step (strides, padding, dilation), then a 1x1 conv, then the bias."""
    return kr.conv2d(depthwise_conv2d(x, depthwise, None, strides, padding, dilation), pointwise, bias)


def transpose_length(n, k, s, padding):
    """Keras's deconv_output_length with output_padding None, dilation 1."""
    return n * s + max(k - s, 0) if padding == "valid" else n * s


def conv2d_transpose(x, kernel, bias=None, strides=(1, 1), padding="valid"):
    """tf.nn.conv2d_transpose with Keras's output shape: every input cell scatters kernel[:, :, o, c] * x[c] to
    (i*s - before + a, j*s - before + b), before = the 'same' Conv2D's pad for an input of the output's length."""
    x = f64(x)
    kernel = f64(kernel)
    kh, kw, cout, _ = kernel.shape
    n, h, w, _ = x.shape
    oh, ow = transpose_length(h, kh, strides[0], padding), transpose_length(w, kw, strides[1], padding)
    top = kr.same_padding(oh, kh, strides[0])[0] if padding == "same" else 0
    left = kr.same_padding(ow, kw, strides[1])[0] if padding == "same" else 0
    full = np.zeros((n, max((h - 1) * strides[0] + kh, top + oh), max((w - 1) * strides[1] + kw, left + ow), cout))
    for i in range(h):
        for j in range(w):
            full[:, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw, :] += \
                np.einsum("nc,aboc->nabo", x[:, i, j, :], kernel)
    out = full[:, top:top + oh, left:left + ow, :]
    return out if bias is None else out + f64(bias)


def check_against_torch():
    x = RNG.standard_normal((2, 3, 4, 5)) * 2 + 3
    g, b = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    ours = layer_norm(x, [2, 3], g, b, 0.1)
    theirs = F.layer_norm(torch.from_numpy(x), (4, 5), torch.from_numpy(g), torch.from_numpy(b), 0.1).numpy()
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-13), np.abs(ours - theirs).max()
    g1 = RNG.standard_normal(3)
    ours = layer_norm(x, [1], g1, None, 0.3)
    theirs = F.layer_norm(torch.from_numpy(x).movedim(1, -1), (3,), torch.from_numpy(g1), None, 0.3).movedim(-1, 1).numpy()
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-13)

    # Depthwise: PyTorch's grouped conv with the converter's layout (in * mult, 1, kh, kw), TF's asymmetric pads by F.pad.
    xi = RNG.standard_normal((2, 8, 9, 3))
    k = RNG.standard_normal((3, 4, 3, 2))
    for strides, dilation in [((2, 2), (1, 1)), ((1, 1), (2, 1))]:
        ours = depthwise_conv2d(xi, k, None, strides, "same", dilation)
        (t, bo), (l, r) = (kr.same_padding(8, 3, strides[0], dilation[0]), kr.same_padding(9, 4, strides[1], dilation[1]))
        tx = F.pad(torch.from_numpy(xi).permute(0, 3, 1, 2), (l, r, t, bo))
        weight = torch.from_numpy(k.transpose(2, 3, 0, 1).reshape(6, 1, 3, 4).copy())
        theirs = F.conv2d(tx, weight, None, strides, 0, dilation, groups=3).permute(0, 2, 3, 1).numpy()
        assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), np.abs(ours - theirs).max()
    pw = RNG.standard_normal((1, 1, 6, 4))
    ours = separable_conv2d(xi, k, pw, np.arange(4.0), (2, 2), "same")
    theirs = F.conv2d(torch.from_numpy(depthwise_conv2d(xi, k, None, (2, 2), "same")).permute(0, 3, 1, 2),
                      torch.from_numpy(pw.transpose(3, 2, 0, 1).copy()), torch.arange(4.0, dtype=torch.float64))
    assert np.allclose(ours, theirs.permute(0, 2, 3, 1).numpy(), rtol=1e-12, atol=1e-12)

    # Transposed: the adjoint of conv2d (TF semantics: kr.conv2d, TF 'same' pads) with the same kernel (kh, kw, out, in).
    for kernel, strides, padding in [((3, 3), (2, 2), "same"), ((4, 3), (2, 1), "same"), ((2, 1), (1, 3), "valid"),
                                     ((3, 2), (3, 2), "same")]:
        xt = RNG.standard_normal((2, 3, 4, 2))
        kt = RNG.standard_normal((*kernel, 3, 2))
        yt = conv2d_transpose(xt, kt, None, strides, padding)
        probe = RNG.standard_normal(yt.shape)
        forward = kr.conv2d(probe, kt, None, strides, padding)
        assert forward.shape == xt.shape, (forward.shape, xt.shape)
        assert np.isclose((forward * xt).sum(), (probe * yt).sum(), rtol=1e-12), "not the adjoint of conv2d"
        # PyTorch: the padding-free transposed conv, cut to Keras's window.
        full = F.conv_transpose2d(torch.from_numpy(xt).permute(0, 3, 1, 2), torch.from_numpy(kt.transpose(3, 2, 0, 1).copy()),
                                  stride=strides).permute(0, 2, 3, 1).numpy()
        top = kr.same_padding(yt.shape[1], kernel[0], strides[0])[0] if padding == "same" else 0
        left = kr.same_padding(yt.shape[2], kernel[1], strides[1])[0] if padding == "same" else 0
        window = np.zeros_like(yt)
        part = full[:, top:top + yt.shape[1], left:left + yt.shape[2]]
        window[:, :part.shape[1], :part.shape[2]] = part
        assert np.allclose(yt, window, rtol=1e-12, atol=1e-12), np.abs(yt - window).max()


# ---- files ---------------------------------------------------------------------------------------------------

INPUT = lambda shape: Layer("InputLayer", {"batch_input_shape": [None, *shape], "dtype": "float32", "sparse": False,
                                           "ragged": False, "name": "x"})


def initializer(name):
    return {"class_name": name, "config": {}}


def ln_config(name, axis, epsilon, center=True, scale=True):
    """tf.keras 2's get_config after build: axis as a list of positive axes."""
    return {**layer_cfg(name), "axis": axis, "epsilon": epsilon, "center": center, "scale": scale,
            "beta_initializer": initializer("Zeros"), "gamma_initializer": initializer("Ones"),
            "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


def window_config(name, kernel, strides, padding, dilation, activation, use_bias, **extra):
    return {**layer_cfg(name), "kernel_size": list(kernel), "strides": list(strides), "padding": padding,
            "data_format": "channels_last", "dilation_rate": list(dilation), "groups": 1, "activation": activation,
            "use_bias": use_bias, "bias_initializer": initializer("Zeros"), "bias_regularizer": None,
            "activity_regularizer": None, "bias_constraint": None, **extra}


def depthwise_config(name, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), multiplier=1, activation="linear",
                     use_bias=True):
    return window_config(name, kernel, strides, padding, dilation, activation, use_bias, depth_multiplier=multiplier,
                         depthwise_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                         depthwise_regularizer=None, depthwise_constraint=None)


def separable_config(name, filters, kernel, strides=(1, 1), padding="valid", multiplier=1, activation="linear",
                     use_bias=True):
    return {**depthwise_config(name, kernel, strides, padding, (1, 1), multiplier, activation, use_bias),
            "filters": filters, "pointwise_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "pointwise_regularizer": None, "pointwise_constraint": None}


def transpose_config(name, filters, kernel, strides, padding, activation="linear", use_bias=True):
    return window_config(name, kernel, strides, padding, (1, 1), activation, use_bias, filters=filters,
                         output_padding=None, kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                         kernel_regularizer=None, kernel_constraint=None)


def keras3_edit(changes):
    """Keras 3 writes what tf.keras 2 does not: per layer name, keys to set; `groups` is not a depthwise/separable/
    transposed-conv argument in Keras 3 and is dropped there."""
    def patch(config):
        for entry in config["config"]["layers"]:
            cfg = entry["config"]
            if entry["class_name"] in ("DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"):
                cfg.pop("groups", None)
            cfg.update(changes.get(cfg["name"], {}))
    return patch


def layer_norm_model():
    g1, b1 = 1 + f32(5, scale=0.3), f32(5, scale=0.3)
    kd, bd = f32(5, 5), f32(5, scale=0.2)
    g2 = 1 + f32(3, 4, scale=0.3)
    b3 = f32(3, 4, 5, scale=0.3)
    g4, b4 = 1 + f32(3, scale=0.3), f32(3, scale=0.3)
    g5, b5 = 1 + f32(60, scale=0.3), f32(60, scale=0.3)
    layers = [
        INPUT((3, 4, 5)),
        Layer("LayerNormalization", ln_config("ln_last", [3], 0.1), ["x"], [("gamma", g1), ("beta", b1)]),
        Layer("Dense", dense_config("dense", 5), ["ln_last"], [("kernel", kd), ("bias", bd)]),
        Layer("LayerNormalization", ln_config("ln_hw", [1, 2], 0.3, center=False), ["dense"], [("gamma", g2)]),
        Layer("LayerNormalization", ln_config("ln_all", [1, 2, 3], 0.001, scale=False), ["ln_hw"], [("beta", b3)]),
        Layer("LayerNormalization", ln_config("ln_h", [1], 0.07), ["ln_all"], [("gamma", g4), ("beta", b4)]),
        Layer("Reshape", layer_cfg("reshape", target_shape=[60]), ["ln_h"]),
        Layer("LayerNormalization", ln_config("ln_flat", [1], 0.2), ["reshape"], [("gamma", g5), ("beta", b5)]),
    ]
    x = f32(3, 3, 4, 5, scale=2.0) + 3
    h = layer_norm(f64(x), [-1], g1, b1, 0.1)
    h = layer_norm(kr.dense(h, kd, bd), [1, 2], g2, None, 0.3)
    h = layer_norm(h, [-3, -2, -1], None, b3, 0.001)
    h = layer_norm(h, [1], g4, b4, 0.07)
    y = layer_norm(h.reshape(3, 60), [-1], g5, b5, 0.2)
    k3 = {"ln_last": {"axis": -1}, "ln_hw": {"axis": [1, 2]}, "ln_all": {"axis": [-3, -2, -1]}, "ln_h": {"axis": 1},
          "ln_flat": {"axis": -1}}
    for name in k3:
        k3[name]["rms_scaling"] = False
    shapes = {n: [None, 3, 4, 5] for n in ["x", "ln_last", "dense", "ln_hw", "ln_all", "ln_h"]}
    shapes["reshape"] = [None, 60]
    save("layer_norm", layers, shapes, ["x"], ["ln_flat"], x, y, keras3_edit(k3))


def depthwise_model():
    k1, b1 = f32(3, 4, 3, 2), f32(6, scale=0.2)
    k2 = f32(2, 3, 6, 1)
    d3, p3, b3 = f32(3, 3, 6, 2, scale=0.5), f32(1, 1, 12, 4, scale=0.4), f32(4, scale=0.2)
    d4, p4 = f32(2, 2, 4, 1), f32(1, 1, 4, 5)
    layers = [
        INPUT((8, 9, 3)),
        Layer("DepthwiseConv2D", depthwise_config("dw_s2", (3, 4), (2, 2), "same", multiplier=2, activation="relu"), ["x"],
              [("depthwise_kernel", k1), ("bias", b1)]),
        Layer("DepthwiseConv2D", depthwise_config("dw_dilated", (2, 3), padding="same", dilation=(1, 2), use_bias=False),
              ["dw_s2"], [("depthwise_kernel", k2)]),
        Layer("SeparableConv2D", separable_config("sep_s2", 4, (3, 3), (2, 2), "same", multiplier=2, activation="tanh"),
              ["dw_dilated"], [("depthwise_kernel", d3), ("pointwise_kernel", p3), ("bias", b3)]),
        Layer("SeparableConv2D", separable_config("sep_valid", 5, (2, 2), use_bias=False), ["sep_s2"],
              [("depthwise_kernel", d4), ("pointwise_kernel", p4)]),
    ]
    x = f32(3, 8, 9, 3, scale=1.0)
    h = kr.relu(depthwise_conv2d(x, k1, b1, (2, 2), "same"))
    h = depthwise_conv2d(h, k2, None, (1, 1), "same", (1, 2))
    h = np.tanh(separable_conv2d(h, d3, p3, b3, (2, 2), "same"))
    y = separable_conv2d(h, d4, p4)
    print("depthwise: relu zeroes", np.mean(depthwise_conv2d(x, k1, b1, (2, 2), "same") < 0))
    shapes = {"x": [None, 8, 9, 3], "dw_s2": [None, 4, 5, 6], "dw_dilated": [None, 4, 5, 6], "sep_s2": [None, 2, 3, 4]}
    save("depthwise", layers, shapes, ["x"], ["sep_valid"], x, y, keras3_edit({}))


def conv_transpose_model():
    k1, b1 = f32(3, 3, 3, 2), f32(3, scale=0.2)
    k2, b2 = f32(4, 3, 2, 3, scale=0.5), f32(2, scale=0.2)
    k3, b3 = f32(2, 1, 2, 2), f32(2, scale=0.5)
    layers = [
        INPUT((3, 4, 2)),
        Layer("Conv2DTranspose", transpose_config("up_same", 3, (3, 3), (2, 2), "same"), ["x"], [("kernel", k1), ("bias", b1)]),
        Layer("Conv2DTranspose", transpose_config("up_even", 2, (4, 3), (2, 1), "same", "relu"), ["up_same"],
              [("kernel", k2), ("bias", b2)]),
        Layer("Conv2DTranspose", transpose_config("up_valid", 2, (2, 1), (1, 3), "valid"), ["up_even"],
              [("kernel", k3), ("bias", b3)]),
    ]
    x = f32(3, 3, 4, 2, scale=1.0)
    h = conv2d_transpose(x, k1, b1, (2, 2), "same")
    h = kr.relu(conv2d_transpose(h, k2, b2, (2, 1), "same"))
    y = conv2d_transpose(h, k3, b3, (1, 3), "valid")
    assert y.shape == (3, 13, 24, 2), y.shape
    shapes = {"x": [None, 3, 4, 2], "up_same": [None, 6, 8, 3], "up_even": [None, 12, 8, 2]}
    save("conv_transpose", layers, shapes, ["x"], ["up_valid"], x, y, keras3_edit({}))


if __name__ == "__main__":
    check_against_torch()
    layer_norm_model()
    depthwise_model()
    conv_transpose_model()
