"""Conv3DTranspose, SpatialDropout3D and TimeDistributed over 3-D layers, with float64 NumPy goldens.

Written with make_models.py's writers (Keras's exact layouts, see its docstring), make_axis_models.py's `save` and
make_wrapper_models.py's TimeDistributed writer; this script only adds files. Each model is saved as a tf.keras 2
full-model .h5 (keras_version 2.11.0) and a Keras 3 .keras (3.6.0).

Conv3DTranspose (keras/src/layers/convolutional/conv3d_transpose.py over base_conv_transpose.py; the TensorFlow
backend's conv_transpose in keras/src/backend/tensorflow/nn.py computes the output shape with
compute_conv_transpose_output_shape / deconv_output_length of keras/src/backend/common/backend_utils.py and calls
tf.nn.conv_transpose, for rank 5 tf.nn.conv3d_transpose; tf.keras 2's keras/layers/convolutional/conv3d_transpose.py
calls conv3d_transpose with the same lengths): kernel (kd, kh, kw, filters, in); per axis the output length with
output_padding None is valid n*s + max(k - s, 0), same n*s; the result is the adjoint of Conv3D with the same kernel,
strides and padding, i.e. the padding-free result ((n - 1)*s + k per axis) cut from the "same" Conv3D's before-pad
floor(max(k - s, 0) / 2) (the odd cell at the end), zeros past its end where k < s; then the bias.

- conv3d_transpose: Input (3, 4, 2, 2) -> Conv3DTranspose(3, (3, 4, 2), strides (2, 1, 3), "same", relu) (6, 4, 6, 3):
  depth pads (0, 1) (odd total at the end), height (1, 2) (kernel 4 stride 1), width k 2 < s 3 (every third column is
  the bias alone, and the last column lies past the padding-free result) -> SpatialDropout3D(0.3) (identity at
  inference) -> Conv3DTranspose(2, (2, 3, 1), strides (1, 2, 2), "valid", tanh) (7, 9, 12, 2): every other column is
  tanh(bias) -> Conv3DTranspose(2, 3, "same", no bias) (7, 9, 12, 2), symmetric pads (1, 1).
- time_dist3d: Input (3 steps, 4, 5, 4, 2) -> TimeDistributed(Conv3D(3, (2, 3, 2), strides (1, 2, 1), "same", relu))
  (3, 4, 3, 4, 3) -> TimeDistributed(MaxPooling3D((2, 2, 3), strides (2, 1, 2), "same")) (3, 2, 3, 2, 3) ->
  TimeDistributed(AveragePooling3D((1, 2, 2), strides 1, "valid")) (3, 2, 2, 1, 3) -> TimeDistributed(
  GlobalAveragePooling3D) and TimeDistributed(GlobalMaxPooling3D) of it (3, 3) each -> Add -> Dense 2 (on rank 3).

Before writing, the transposed convolution is checked against its definition (the adjoint of make_volume_models'
conv3d: <conv3d(y), x> = <y, conv3d_transpose(x)>) and against real PyTorch 1.13 (F.conv_transpose3d without padding,
cut to Keras's window), and the TimeDistributed 3-D layers against F.conv3d / F.max_pool3d on (batch*time, ...).
converters_transpose3d.npz holds the 3-D case of KerasLayout.ConvTransposeKernelToTorch (see converter_cases).

Run: /usr/bin/python3 make_volume_transpose_models.py
"""
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
import make_axis_models
import make_wrapper_models as mw
from make_axis_models import layer_cfg
from make_models import Layer, dense_config, pool_config
from make_norm_conv_models import INPUT, keras3_edit, transpose_config
from make_volume_models import conv3d, conv3d_config, pool3d, same_pads, torch_pads

RNG = np.random.default_rng(531)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 ----------------------------------------------------------------------------------

def transpose_length(n, k, s, padding):
    """Keras's deconv_output_length with output_padding None, dilation 1."""
    return n * s + max(k - s, 0) if padding == "valid" else n * s


def conv3d_transpose(x, kernel, bias=None, strides=(1, 1, 1), padding="valid"):
    """tf.nn.conv3d_transpose with Keras's output shape: input cell (i, j, l) scatters kernel[a, b, e, :, c] * x[c] to
    (i*s_d - front + a, j*s_h - top + b, l*s_w - left + e), the pads being the 'same' Conv3D's before-pads for an input
    of the output's lengths (0 for 'valid'); cells outside the output are dropped."""
    x, kernel = f64(x), f64(kernel)
    k = kernel.shape[:3]
    cout = kernel.shape[3]
    n, spatial = x.shape[0], x.shape[1:4]
    out = [transpose_length(spatial[a], k[a], strides[a], padding) for a in range(3)]
    before = [kr.same_padding(out[a], k[a], strides[a])[0] if padding == "same" else 0 for a in range(3)]
    full_len = [max((spatial[a] - 1) * strides[a] + k[a], before[a] + out[a]) for a in range(3)]
    full = np.zeros((n, *full_len, cout))
    for i in range(spatial[0]):
        for j in range(spatial[1]):
            for l in range(spatial[2]):
                o = (i * strides[0], j * strides[1], l * strides[2])
                full[:, o[0]:o[0] + k[0], o[1]:o[1] + k[1], o[2]:o[2] + k[2], :] += \
                    np.einsum("nc,abeoc->nabeo", x[:, i, j, l, :], kernel)
    y = full[:, before[0]:before[0] + out[0], before[1]:before[1] + out[1], before[2]:before[2] + out[2], :]
    return y if bias is None else y + f64(bias)


def check_against_torch():
    worst = 0.0
    for shape, kernel, strides, padding in [
            ((2, 3, 4, 2, 2), (3, 4, 2), (2, 1, 3), "same"),
            ((3, 6, 4, 6, 3), (2, 3, 1), (1, 2, 2), "valid"),
            ((2, 7, 9, 12, 2), (3, 3, 3), (1, 1, 1), "same"),
            ((2, 3, 2, 5, 3), (2, 2, 4), (3, 2, 1), "same"),
            ((2, 4, 3, 2, 2), (1, 3, 2), (2, 3, 3), "valid")]:
        x = RNG.standard_normal(shape)
        kt = RNG.standard_normal((*kernel, 4, shape[4]))
        y = conv3d_transpose(x, kt, None, strides, padding)
        assert list(y.shape[1:4]) == [transpose_length(shape[1 + a], kernel[a], strides[a], padding) for a in range(3)]
        # The adjoint of conv3d with the same kernel (conv3d reads it as (k..., in=filters, out=in)), strides, padding.
        probe = RNG.standard_normal(y.shape)
        forward = conv3d(probe, kt, None, strides, padding)
        assert forward.shape == x.shape, (forward.shape, x.shape)
        lhs, rhs = (forward * x).sum(), (probe * y).sum()
        assert np.isclose(lhs, rhs, rtol=1e-12), ("not the adjoint of conv3d", lhs, rhs)
        # PyTorch: the padding-free transposed conv (weight (in, filters, kd, kh, kw), the converter's layout), cut to
        # Keras's window, zeros past its end.
        full = F.conv_transpose3d(torch.from_numpy(x).permute(0, 4, 1, 2, 3),
                                  torch.from_numpy(kt.transpose(4, 3, 0, 1, 2).copy()), stride=strides)
        full = full.permute(0, 2, 3, 4, 1).numpy()
        before = [kr.same_padding(y.shape[1 + a], kernel[a], strides[a])[0] if padding == "same" else 0 for a in range(3)]
        part = full[:, before[0]:before[0] + y.shape[1], before[1]:before[1] + y.shape[2], before[2]:before[2] + y.shape[3]]
        window = np.zeros_like(y)
        window[:, :part.shape[1], :part.shape[2], :part.shape[3]] = part
        d = np.abs(y - window).max()
        worst = max(worst, d)
        print(f"conv3d_transpose {kernel} s{strides} {padding} out {y.shape[1:4]}: adjoint ok, max |NumPy - F.conv_transpose3d| {d:.2e}")
        assert d < 1e-12, d
    print(f"conv3d_transpose: worst |NumPy - PyTorch 1.13| {worst:.2e}")

    # TimeDistributed(Conv3D) / (MaxPooling3D): per step against F.conv3d / F.max_pool3d on (batch*time, ...).
    v = RNG.standard_normal((2, 3, 4, 5, 4, 2))
    k, b = RNG.standard_normal((2, 3, 2, 2, 3)), RNG.standard_normal(3)
    ours = np.stack([conv3d(v[:, s], k, b, (1, 2, 1), "same") for s in range(3)], 1)
    flat = torch.from_numpy(v.reshape(6, 4, 5, 4, 2)).permute(0, 4, 1, 2, 3)
    flat = F.pad(flat, torch_pads(same_pads((4, 5, 4), (2, 3, 2), (1, 2, 1), (1, 1, 1))))
    theirs = F.conv3d(flat, torch.from_numpy(k.transpose(4, 3, 0, 1, 2).copy()), torch.from_numpy(b), (1, 2, 1))
    theirs = theirs.permute(0, 2, 3, 4, 1).numpy().reshape(ours.shape)
    assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-13), np.abs(ours - theirs).max()
    pooled = np.stack([pool3d(ours[:, s], (2, 2, 3), (2, 1, 2), "same", "max") for s in range(3)], 1)
    pads = same_pads(ours.shape[2:5], (2, 2, 3), (2, 1, 2), (1, 1, 1))
    tp = F.max_pool3d(F.pad(torch.from_numpy(ours.reshape(6, *ours.shape[2:])).permute(0, 4, 1, 2, 3), torch_pads(pads),
                            value=-np.inf), (2, 2, 3), (2, 1, 2)).permute(0, 2, 3, 4, 1).numpy().reshape(pooled.shape)
    assert np.array_equal(pooled, tp)
    print("TimeDistributed Conv3D / MaxPooling3D per step vs F.conv3d / F.max_pool3d on (batch*time, ...): ok")


# ---- files ---------------------------------------------------------------------------------------------------

def transpose3d_config(name, filters, kernel, strides, padding, activation="linear", use_bias=True):
    return {**transpose_config(name, filters, kernel, strides, padding, activation, use_bias), "dilation_rate": [1, 1, 1]}


def conv3d_transpose_model():
    k1, b1 = f32(3, 4, 2, 3, 2, scale=0.6), f32(3, scale=0.3)
    k2, b2 = f32(2, 3, 1, 2, 3, scale=0.5), f32(2, scale=0.4)
    k3 = f32(3, 3, 3, 2, 2, scale=0.3)
    layers = [
        INPUT((3, 4, 2, 2)),
        Layer("Conv3DTranspose", transpose3d_config("up_same", 3, (3, 4, 2), (2, 1, 3), "same", "relu"), ["x"],
              [("kernel", k1), ("bias", b1)]),
        Layer("SpatialDropout3D", layer_cfg("drop", rate=0.3, noise_shape=None, seed=None, data_format="channels_last"),
              ["up_same"]),
        Layer("Conv3DTranspose", transpose3d_config("up_valid", 2, (2, 3, 1), (1, 2, 2), "valid", "tanh"), ["drop"],
              [("kernel", k2), ("bias", b2)]),
        Layer("Conv3DTranspose", transpose3d_config("up_sym", 2, (3, 3, 3), (1, 1, 1), "same", use_bias=False),
              ["up_valid"], [("kernel", k3)]),
    ]
    x = f32(3, 3, 4, 2, 2, scale=1.2) + 0.1
    h = kr.relu(conv3d_transpose(x, k1, b1, (2, 1, 3), "same"))
    print("conv3d_transpose: relu zeroes", np.mean(h == 0))
    h = np.tanh(conv3d_transpose(h, k2, b2, (1, 2, 2), "valid"))
    assert np.allclose(h[:, :, :, 1::2, :], np.tanh(f64(b2))), "every other column is tanh(bias)"
    y = conv3d_transpose(h, k3, None, (1, 1, 1), "same")
    assert y.shape == (3, 7, 9, 12, 2), y.shape
    shapes = {"x": [None, 3, 4, 2, 2], "up_same": [None, 6, 4, 6, 3], "drop": [None, 6, 4, 6, 3],
              "up_valid": [None, 7, 9, 12, 2]}
    # Keras 3's Conv3DTranspose has no `groups` argument (tf.keras 2's config writes groups 1); keras3_edit drops it for
    # the 2-D kinds, this the 3-D one.
    def patch(config):
        keras3_edit({})(config)
        for entry in config["config"]["layers"]:
            if entry["class_name"] == "Conv3DTranspose":
                entry["config"].pop("groups", None)
    make_axis_models.save("conv3d_transpose", layers, shapes, ["x"], ["up_sym"], x, y, patch)


def time_dist3d_model():
    kc, bc = f32(2, 3, 2, 2, 3, scale=0.5), f32(3, scale=0.3)
    kd, bd = f32(3, 2, scale=0.8), f32(2, scale=0.2)
    td = mw.time_distributed_layer
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 3, 4, 5, 4, 2], "dtype": "float32", "sparse": False,
                             "ragged": False, "name": "x"}),
        td("td_conv", ["x"], "Conv3D", conv3d_config("conv3d", 3, (2, 3, 2), (1, 2, 1), "same", "relu"), [4, 5, 4, 2],
           [("kernel", kc), ("bias", bc)]),
        td("td_max", ["td_conv"], "MaxPooling3D", pool_config("max_pooling3d", (2, 2, 3), (2, 1, 2), "same"), [4, 3, 4, 3], []),
        td("td_avg", ["td_max"], "AveragePooling3D", pool_config("average_pooling3d", (1, 2, 2), (1, 1, 1), "valid"),
           [2, 3, 2, 3], []),
        td("td_gap", ["td_avg"], "GlobalAveragePooling3D",
           layer_cfg("global_average_pooling3d", data_format="channels_last", keepdims=False), [2, 2, 1, 3], []),
        td("td_gmp", ["td_avg"], "GlobalMaxPooling3D",
           layer_cfg("global_max_pooling3d", data_format="channels_last", keepdims=False), [2, 2, 1, 3], []),
        Layer("Add", layer_cfg("add"), ["td_gap", "td_gmp"]),
        Layer("Dense", dense_config("dense", 2), ["add"], [("kernel", kd), ("bias", bd)]),
    ]
    x = f32(2, 3, 4, 5, 4, 2, scale=1.0) + 0.2
    steps = []
    for s in range(3):
        h = kr.relu(conv3d(x[:, s], kc, bc, (1, 2, 1), "same"))
        h = pool3d(h, (2, 2, 3), (2, 1, 2), "same", "max")
        h = pool3d(h, (1, 2, 2), (1, 1, 1), "valid", "avg")
        assert h.shape == (2, 2, 2, 1, 3), h.shape
        steps.append(kr.dense(h.mean(axis=(1, 2, 3)) + h.max(axis=(1, 2, 3)), kd, bd))
    y = np.stack(steps, 1)
    shapes = {"x": [None, 3, 4, 5, 4, 2], "td_conv": [None, 3, 4, 3, 4, 3], "td_max": [None, 3, 2, 3, 2, 3],
              "td_avg": [None, 3, 2, 2, 1, 3], "td_gap": [None, 3, 3], "td_gmp": [None, 3, 3], "add": [None, 3, 3]}
    mw.save("time_dist3d", layers, True, shapes, ["x"], ["dense"], {"inputs": x, "outputs": y})


def converter_cases():
    """converters_transpose3d.npz: KerasLayout.ConvTransposeKernelToTorch's 3-D form, Keras (kd, kh, kw, out, in) ->
    PyTorch ConvTranspose3d (in, out, kd, kh, kw), no spatial flip; proved by F.conv_transpose3d with the converted
    weight giving the NumPy 'valid' transposed convolution with the Keras kernel."""
    k = np.arange(2 * 3 * 2 * 5 * 4, dtype=np.float64).reshape(2, 3, 2, 5, 4) / 8 - 7
    torch_layout = k.transpose(4, 3, 0, 1, 2).copy()
    x = RNG.standard_normal((2, 3, 2, 4, 4))
    theirs = F.conv_transpose3d(torch.from_numpy(x).permute(0, 4, 1, 2, 3), torch.from_numpy(torch_layout), stride=(2, 1, 2))
    ours = conv3d_transpose(x, k, None, (2, 1, 2), "valid")
    assert np.allclose(theirs.permute(0, 2, 3, 4, 1).numpy(), ours, rtol=1e-12, atol=1e-12)
    np.savez("converters_transpose3d.npz", conv_transpose3d_keras=k, conv_transpose3d_torch=torch_layout)
    print("converters_transpose3d.npz: (2, 3, 2, 5, 4) -> (4, 5, 2, 3, 2), checked with F.conv_transpose3d")


if __name__ == "__main__":
    check_against_torch()
    converter_cases()
    conv3d_transpose_model()
    time_dist3d_model()
