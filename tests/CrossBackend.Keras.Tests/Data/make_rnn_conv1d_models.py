"""SimpleRNN, masks through Bidirectional and the 1-D depthwise / separable / transposed convolutions, in Keras's own file layouts, with float64 NumPy goldens.

Written with make_models.py's, make_recurrent_models.py's and make_wrapper_models.py's writers. Semantics read from
Keras's sources:
- SimpleRNN (Keras 3 keras/src/layers/rnn/simple_rnn.py, tf.keras 2 keras/layers/rnn/simple_rnn.py): per step
  h = x.W; h += bias; output = activation(h + prev.U); the state is the output. Weights kernel (features, units),
  recurrent_kernel (units, units), bias (units). tf.keras 2 names them `simple_rnn/simple_rnn_cell/kernel:0`; Keras 3
  keeps them under the cell, `layers/simple_rnn/cell/vars/0..2`. Its config has no recurrent_activation.
- Bidirectional with a mask (Keras 3 keras/src/layers/rnn/bidirectional.py, tf.keras 2 the same): call hands the same
  mask to both halves; the backward half reverses it with its input (go_backwards); compute_mask returns the input mask
  with return_sequences and a merge mode, None without. __init__ forces zero_output_for_mask = return_sequences on both
  halves (force_zero_output_for_mask), whatever their configs say.
- The masked loop is make_mask_models.masked_rnn (Keras's backend.rnn): a masked step keeps the states, outputs the
  previous output, or zeros with zero_output_for_mask.

Models:
- simple_rnn (Sequential, timesteps None): SimpleRNN 4 return_sequences -> SimpleRNN 3 go_backwards return_sequences
  use_bias=False softsign -> Bidirectional(SimpleRNN 3, last output, concat) -> Dense 2. Goldens for 5 steps
  (`inputs`/`outputs`) and 2 steps (`inputs_short`/`outputs_short`).
- mask_bidir (Sequential, int (7)): Embedding 10x4 mask_zero -> Bidirectional(LSTM 3, return_sequences, concat) ->
  Bidirectional(GRU 4, return_sequences, sum) -> Dense 2 on every step; rows padded at the end, in the middle, at the
  start, none, and fully masked (masked steps output Dense(0) = its bias, as zero_output_for_mask makes them zeros).
- mask_simple_rnn (Sequential, int (6)): Embedding 8x3 mask_zero -> SimpleRNN 4 return_sequences ->
  Bidirectional(SimpleRNN 2, last output, ave) -> Dense 2.

- conv1d_forms (functional, float (9, 3)): Conv1DTranspose(4, 3, strides 2, "same") (18, 4) -> DepthwiseConv1D(3,
  dilation 2, "same", depth_multiplier 2, tanh) (18, 8) -> SeparableConv1D(5, 3, strides 2, "valid", relu) (8, 5) ->
  Conv1DTranspose(3, 4, strides 2, "valid") (18, 3). Kernels: depthwise (k, in, multiplier), output channel
  c * multiplier + m; pointwise (1, in * multiplier, filters); transposed (k, filters, in), output length
  deconv_output_length with output_padding None (valid n*s + max(k - s, 0), same n*s), "same" cut from the same-conv's
  before-pad. Keras 3 names the depthwise kernel `kernel` (vars/0), tf.keras 2 `depthwise_kernel`.
- conv1d_causal_k2 (tf.keras 2 only: Keras 3 refuses "causal" for the separable layers; float (7, 2)):
  SeparableConv1D(3, 3, dilation 2, "causal", depth_multiplier 2) (tf.keras 2 separable_conv1d.py pads
  (k - 1) * dilation steps on the left, then runs "valid") -> Conv1DTranspose(2, 2, strides 3, "valid") (21, 2), whose
  kernel is shorter than its stride (every third step is the bias alone).

Before writing: the SimpleRNN cell against real PyTorch 1.13 nn.RNN (tanh) and nn.RNN(bidirectional=True), and the
masked SimpleRNN's final state against nn.RNN run on each row's unmasked steps alone; the 1-D depthwise / separable
forms against F.conv1d(groups=in) (then a 1x1 F.conv1d) with TF's asymmetric "same" pads by F.pad, and the transposed
form against F.conv_transpose1d cut to Keras's window.

Run: /usr/bin/python3 make_rnn_conv1d_models.py
"""
import io
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
import make_wrapper_models as mw
from make_mask_models import IDS7, IDS6, embedding, gru_step, lstm_step, masked_rnn, tokens
from make_axis_models import save as save_functional
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, snake, write_keras2_h5, write_keras3
from make_norm_conv_models import depthwise_config, separable_config, transpose_config
from make_recurrent_models import rnn_config

RNG = np.random.default_rng(2026)
RECURRENT = ("LSTM", "GRU", "SimpleRNN")


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def softsign(x):
    return x / (1 + np.abs(x))


def simple_step(kernel, recurrent, bias, activation=np.tanh):
    """Keras's SimpleRNNCell.call: (x.W + b) + h.U, then the activation; the state is the output."""
    def step(x, states):
        (h,) = states
        z = x @ kernel
        if bias is not None:
            z = z + bias
        h = activation(z + h @ recurrent)
        return h, (h,)
    return step, 1


def cell_of(kind, weights, config):
    w = [f64(v) for v in weights]
    bias = w[2] if len(w) > 2 else None
    if kind == "SimpleRNN":
        return simple_step(w[0], w[1], bias, softsign if config.get("activation") == "softsign" else np.tanh)
    assert config.get("activation", "tanh") == "tanh"
    return lstm_step(*w) if kind == "LSTM" else gru_step(*w)


def rnn(kind, weights, config, x, mask=None, zero_output_for_mask=False):
    """One recurrent layer, every processed step's output in processing order (reversed with go_backwards)."""
    units = np.asarray(weights[1]).shape[0]
    mask = np.ones(x.shape[:2], bool) if mask is None else mask
    return masked_rnn(cell_of(kind, weights, config), x, mask, units, go_backwards=config["go_backwards"],
                      zero_output_for_mask=zero_output_for_mask)[0]


def bidirectional(x, forward, backward, merge, return_sequences, mask=None):
    """Keras's Bidirectional.call with the same mask to both halves, each with zero_output_for_mask = return_sequences."""
    y = rnn(*forward, x, mask, return_sequences)
    y_rev = rnn(*backward, x, mask, return_sequences)
    if return_sequences:
        y_rev = y_rev[:, ::-1]
    else:
        y, y_rev = y[:, -1], y_rev[:, -1]
    if merge == "concat":
        return np.concatenate([y, y_rev], axis=-1)
    if merge == "sum":
        return y + y_rev
    if merge == "mul":
        return y * y_rev
    return (y + y_rev) / 2


# ---- 1-D convolutions (TensorFlow's rules, channels-last) -----------------------------------------------------------

def pads(n, k, stride, dilation, padding):
    """(before, after) zero steps: TF "same" puts the odd one at the end; causal all (k - 1) * dilation before."""
    if padding == "same":
        return kr.same_padding(n, k, stride, dilation)
    if padding == "causal":
        return (k - 1) * dilation, 0
    return 0, 0


def depthwise_conv1d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """x (N, L, C), kernel (k, C, m): out[:, i, c * m + j] = sum_t x[:, i * s + t * d, c] * kernel[t, c, j]."""
    x, kernel = f64(x), f64(kernel)
    k, c, mult = kernel.shape
    x = np.pad(x, ((0, 0), pads(x.shape[1], k, stride, dilation, padding), (0, 0)))
    length = (x.shape[1] - (k - 1) * dilation - 1) // stride + 1
    out = np.zeros((x.shape[0], length, c, mult))
    for i in range(length):
        for t in range(k):
            out[:, i] += x[:, i * stride + t * dilation, :, None] * kernel[t]
    out = out.reshape(x.shape[0], length, c * mult)
    return out if bias is None else out + f64(bias)


def separable_conv1d(x, depthwise, pointwise, bias=None, stride=1, padding="valid", dilation=1):
    """The depthwise step (stride, padding, dilation), then the (1, in * m, filters) pointwise product, then the bias."""
    y = depthwise_conv1d(x, depthwise, None, stride, padding, dilation) @ f64(pointwise)[0]
    return y if bias is None else y + f64(bias)


def conv1d_transpose(x, kernel, bias=None, stride=1, padding="valid"):
    """x (N, L, in), kernel (k, filters, in): every step i scatters kernel[t] . x[i] to i * s + t - before; Keras's
    length (valid n*s + max(k - s, 0), same n*s), before = the "same" conv's pad for an input of that length."""
    x, kernel = f64(x), f64(kernel)
    k, filters, _ = kernel.shape
    n = x.shape[1]
    length = n * stride + max(k - stride, 0) if padding == "valid" else n * stride
    before = kr.same_padding(length, k, stride)[0] if padding == "same" else 0
    out = np.zeros((x.shape[0], length, filters))
    for i in range(n):
        for t in range(k):
            at = i * stride + t - before
            if 0 <= at < length:
                out[:, at] += x[:, i] @ kernel[t].T
    return out if bias is None else out + f64(bias)


# ---- checks against PyTorch -------------------------------------------------------------------------------------

def check_against_torch():
    n, steps, features, units = 4, 7, 3, 5
    x = RNG.standard_normal((n, steps, features))
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    weights = [[RNG.standard_normal(s) * 0.6 for s in [(features, units), (units, units), (units,)]] for _ in range(2)]
    config = rnn_config("simple_rnn", "SimpleRNN", units, return_sequences=True)
    net = torch.nn.RNN(features, units, nonlinearity="tanh", batch_first=True, bidirectional=True).double()
    with torch.no_grad():
        for suffix, (k, r, b) in (("", weights[0]), ("_reverse", weights[1])):
            getattr(net, f"weight_ih_l0{suffix}").copy_(t(k.T)); getattr(net, f"weight_hh_l0{suffix}").copy_(t(r.T))
            getattr(net, f"bias_ih_l0{suffix}").copy_(t(b)); getattr(net, f"bias_hh_l0{suffix}").zero_()
    ours = rnn("SimpleRNN", weights[0], config, x)
    theirs = net(t(x))[0].detach().numpy()
    forward_diff = np.abs(ours - theirs[..., :units]).max()
    both = bidirectional(x, ("SimpleRNN", weights[0], config), ("SimpleRNN", weights[1], dict(config, go_backwards=True)), "concat", True)
    both_diff = np.abs(both - theirs).max()
    print(f"SimpleRNN vs nn.RNN(tanh): max |diff| {forward_diff:.1e}; Bidirectional concat vs nn.RNN(bidirectional=True): {both_diff:.1e}")
    assert forward_diff < 1e-14 and both_diff < 1e-14

    mask = np.array([[1, 1, 1, 0, 0, 0, 0], [1, 0, 0, 1, 1, 0, 1], [0, 0, 1, 1, 1, 1, 1], [1] * 7], bool)
    single = torch.nn.RNN(features, units, nonlinearity="tanh", batch_first=True).double()
    k, r, b = weights[0]
    with torch.no_grad():
        single.weight_ih_l0.copy_(t(k.T)); single.weight_hh_l0.copy_(t(r.T)); single.bias_ih_l0.copy_(t(b)); single.bias_hh_l0.zero_()
    worst = 0.0
    for backwards in (False, True):
        seq, (h,) = masked_rnn(simple_step(k, r, b), x, mask, units, go_backwards=backwards)
        for row in range(n):
            kept = x[row][mask[row]]
            kept = kept[::-1] if backwards else kept
            _, th = single(t(kept[None]))
            worst = max(worst, np.abs(h[row] - th[0, 0].detach().numpy()).max(), np.abs(seq[row, -1] - h[row]).max())
    print(f"masked SimpleRNN final state vs nn.RNN on the unmasked steps alone: max |diff| {worst:.1e}")
    assert worst < 1e-14

    worst = 0.0
    tc = lambda a: t(np.ascontiguousarray(np.moveaxis(a, -1, 1)))   # (N, L, C) -> (N, C, L)
    for stride, dilation, padding in [(1, 2, "same"), (2, 1, "same"), (2, 1, "valid"), (1, 2, "causal"), (3, 1, "same")]:
        xs = RNG.standard_normal((2, 9, 3))
        dk, pk, bias = RNG.standard_normal((3, 3, 2)), RNG.standard_normal((1, 6, 4)), RNG.standard_normal(4)
        before, after = pads(9, 3, stride, dilation, padding)
        weight = t(np.ascontiguousarray(dk.transpose(1, 2, 0).reshape(6, 1, 3)))   # (in * m, 1, k), channel c * m + j
        deep = F.conv1d(F.pad(tc(xs), (before, after)), weight, None, stride, 0, dilation, groups=3)
        theirs = F.conv1d(deep, t(np.ascontiguousarray(pk[0].T[:, :, None])), t(bias)).numpy()
        worst = max(worst, np.abs(np.moveaxis(depthwise_conv1d(xs, dk, None, stride, padding, dilation), -1, 1) - deep.numpy()).max(),
                    np.abs(np.moveaxis(separable_conv1d(xs, dk, pk, bias, stride, padding, dilation), -1, 1) - theirs).max())
    for k, stride, padding in [(3, 2, "same"), (4, 2, "valid"), (2, 3, "valid"), (4, 3, "same"), (5, 2, "same")]:
        xs, kt = RNG.standard_normal((2, 5, 3)), RNG.standard_normal((k, 4, 3))
        ours = conv1d_transpose(xs, kt, None, stride, padding)
        full = F.conv_transpose1d(tc(xs), t(np.ascontiguousarray(kt.transpose(2, 1, 0))), stride=stride).numpy()   # (in, out, k)
        before = kr.same_padding(ours.shape[1], k, stride)[0] if padding == "same" else 0
        window = np.zeros((2, 4, ours.shape[1]))
        part = full[:, :, before:before + ours.shape[1]]
        window[:, :, :part.shape[2]] = part
        worst = max(worst, np.abs(np.moveaxis(ours, -1, 1) - window).max())
    print(f"1-D depthwise / separable / transposed vs F.conv1d(groups) / F.conv_transpose1d: max |diff| {worst:.1e}")
    assert worst < 1e-13


# ---- files --------------------------------------------------------------------------------------------------------

def simple_rnn_weights(units, features, use_bias=True):
    w = [("simple_rnn_cell/kernel", f32(features, units)), ("simple_rnn_cell/recurrent_kernel", f32(units, units))]
    if use_bias:
        w.append(("simple_rnn_cell/bias", f32(units, scale=0.3)))
    return w


def keras3_entry(config):
    """Keras 3's RNN keys: no time_major or implementation; seed and zero_output_for_mask (False unless set)."""
    config.pop("time_major", None); config.pop("implementation", None)
    config["seed"] = None
    config.setdefault("zero_output_for_mask", False)


def keras3_weights_bytes(layers, include_input_layers):
    """make_models' layout; a recurrent layer's variables under its cell, a wrapper's under its attribute groups."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        used = {}
        for l in layers:
            if l.class_name == "InputLayer" and not include_input_layers:
                continue
            name = snake(l.class_name)
            used[name] = used.get(name, -1) + 1
            name = name if used[name] == 0 else f"{name}_{used[name]}"
            own = f.create_group(f"layers/{name}/vars")
            if isinstance(l, mw.Wrapper):
                for part, values in l.parts:
                    group = f.create_group(f"layers/{name}/{part}/vars")
                    for i, value in enumerate(values or []):
                        group.create_dataset(str(i), data=value)
                continue
            target = f.create_group(f"layers/{name}/cell/vars") if l.class_name in RECURRENT else own
            for i, (_, value) in enumerate(l.weights):
                target.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def save(stem, layers, functional, shapes, inputs, outputs, golden):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, functional, stem, inputs, outputs))
    k3 = keras3_config(layers, functional, stem, shapes, inputs, outputs)
    for entry, layer in zip(k3["config"]["layers"], layers):
        if isinstance(layer, mw.Wrapper):
            entry["config"] = layer.config3
        elif entry["class_name"] in RECURRENT:
            keras3_entry(entry["config"])
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers, include_input_layers=functional))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()}, "range", np.nanmin(golden["outputs"]), np.nanmax(golden["outputs"]))


def bidirectional_layer(*args, **kwargs):
    """make_wrapper_models' writer with this script's random numbers (its f32 draws from its own generator)."""
    mw.RNG = RNG
    return mw.bidirectional_layer(*args, **kwargs)


# ---- models -------------------------------------------------------------------------------------------------------

def simple_rnn_model():
    w1 = simple_rnn_weights(4, 3)
    c1 = rnn_config("simple_rnn", "SimpleRNN", 4, return_sequences=True)
    w2 = simple_rnn_weights(3, 4, use_bias=False)
    c2 = rnn_config("simple_rnn_1", "SimpleRNN", 3, return_sequences=True, go_backwards=True, use_bias=False, activation="softsign")
    b3, f3, r3 = bidirectional_layer("bidirectional", ["simple_rnn_1"], "SimpleRNN", 3, [None, 3], "concat", {})
    kd, bd = f32(6, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, None, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "simple_rnn_input"}),
        Layer("SimpleRNN", c1, ["simple_rnn_input"], w1),
        Layer("SimpleRNN", c2, ["simple_rnn"], w2),
        b3,
        Layer("Dense", dense_config("dense", 2), ["bidirectional"], [("kernel", kd), ("bias", bd)]),
    ]

    def forward(x):
        h = rnn("SimpleRNN", [w for _, w in w1], c1, f64(x))
        h = rnn("SimpleRNN", [w for _, w in w2], c2, h)   # reversed order, as Keras returns it
        h = bidirectional(h, f3, r3, "concat", False)
        return kr.dense(h, kd, bd)
    x, short = f32(3, 5, 3, scale=1.0), f32(2, 2, 3, scale=1.0)
    shapes = {"simple_rnn_input": [None, None, 3], "simple_rnn": [None, None, 4], "simple_rnn_1": [None, None, 3],
              "bidirectional": [None, 6]}
    save("simple_rnn", layers, False, shapes, None, None,
         {"inputs": x, "outputs": forward(x), "inputs_short": short, "outputs_short": forward(short)})


def mask_bidir_model():
    table = f32(10, 4, scale=1.0)
    b1, f1, r1 = bidirectional_layer("bidirectional", ["embedding"], "LSTM", 3, [7, 4], "concat", {"return_sequences": True})
    b2, f2, r2 = bidirectional_layer("bidirectional_1", ["bidirectional"], "GRU", 4, [7, 6], "sum", {"return_sequences": True})
    kd, bd = f32(4, 2), f32(2, scale=0.3)
    layers = [tokens("tokens", 7), embedding("embedding", 10, 4, 7, table, "tokens"), b1, b2,
              Layer("Dense", dense_config("dense", 2), ["bidirectional_1"], [("kernel", kd), ("bias", bd)])]
    mask = IDS7 != 0
    h = bidirectional(f64(table)[IDS7], f1, r1, "concat", True, mask)
    h = bidirectional(h, f2, r2, "sum", True, mask)
    y = kr.dense(h, kd, bd)
    assert np.allclose(y[~mask], f64(bd)), "masked steps: both halves output zeros, so the Dense gives its bias"
    shapes = {"tokens": [None, 7], "embedding": [None, 7, 4], "bidirectional": [None, 7, 6], "bidirectional_1": [None, 7, 4]}
    save("mask_bidir", layers, False, shapes, None, None, {"inputs": IDS7, "outputs": y})


def mask_simple_rnn_model():
    table = f32(8, 3, scale=1.0)
    w1 = simple_rnn_weights(4, 3)
    c1 = rnn_config("simple_rnn", "SimpleRNN", 4, return_sequences=True)
    b2, f2, r2 = bidirectional_layer("bidirectional", ["simple_rnn"], "SimpleRNN", 2, [6, 4], "ave", {})
    kd, bd = f32(2, 2), f32(2, scale=0.3)
    layers = [tokens("tokens", 6), embedding("embedding", 8, 3, 6, table, "tokens"),
              Layer("SimpleRNN", c1, ["embedding"], w1), b2,
              Layer("Dense", dense_config("dense", 2), ["bidirectional"], [("kernel", kd), ("bias", bd)])]
    mask = IDS6 != 0
    h = rnn("SimpleRNN", [w for _, w in w1], c1, f64(table)[IDS6], mask)
    h = bidirectional(h, f2, r2, "ave", False, mask)
    y = kr.dense(h, kd, bd)
    assert np.allclose(y[2], f64(bd)), "a fully masked row: zero states, so the Dense gives its bias"
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 3], "simple_rnn": [None, 6, 4], "bidirectional": [None, 2]}
    save("mask_simple_rnn", layers, False, shapes, None, None, {"inputs": IDS6, "outputs": y})


def transpose1d_config(name, filters, kernel, stride, padding):
    """make_norm_conv_models' Conv2DTranspose config with the 1-D layer's one-element dilation_rate."""
    return {**transpose_config(name, filters, (kernel,), (stride,), padding), "dilation_rate": [1]}


def keras3_conv1d(config):
    """Keras 3's configs: no `groups` on these layers."""
    for entry in config["config"]["layers"]:
        if entry["class_name"] in ("DepthwiseConv1D", "SeparableConv1D", "Conv1DTranspose"):
            entry["config"].pop("groups", None)


def conv1d_model():
    k1, b1 = f32(3, 4, 3), f32(4, scale=0.2)
    k2, b2 = f32(3, 4, 2), f32(8, scale=0.2)
    d3, p3, b3 = f32(3, 8, 1, scale=0.5), f32(1, 8, 5, scale=0.4), f32(5, scale=0.3)
    k4, b4 = f32(4, 3, 5, scale=0.5), f32(3, scale=0.3)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 9, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        Layer("Conv1DTranspose", transpose1d_config("up_same", 4, 3, 2, "same"), ["x"], [("kernel", k1), ("bias", b1)]),
        Layer("DepthwiseConv1D", depthwise_config("dw", (3,), (1,), "same", (2,), multiplier=2, activation="tanh"), ["up_same"],
              [("depthwise_kernel", k2), ("bias", b2)]),
        Layer("SeparableConv1D", {**separable_config("sep", 5, (3,), (2,), "valid", activation="relu"), "dilation_rate": [1]}, ["dw"],
              [("depthwise_kernel", d3), ("pointwise_kernel", p3), ("bias", b3)]),
        Layer("Conv1DTranspose", transpose1d_config("up_valid", 3, 4, 2, "valid"), ["sep"], [("kernel", k4), ("bias", b4)]),
    ]
    x = f32(3, 9, 3, scale=1.0)
    h = conv1d_transpose(x, k1, b1, 2, "same")
    h = np.tanh(depthwise_conv1d(h, k2, b2, 1, "same", 2))
    h = kr.relu(separable_conv1d(h, d3, p3, b3, 2, "valid"))
    y = conv1d_transpose(h, k4, b4, 2, "valid")
    assert y.shape == (3, 18, 3), y.shape
    shapes = {"x": [None, 9, 3], "up_same": [None, 18, 4], "dw": [None, 18, 8], "sep": [None, 8, 5]}
    save_functional("conv1d_forms", layers, shapes, ["x"], ["up_valid"], x, y, keras3_conv1d)


def conv1d_causal_model():
    d1, p1, b1 = f32(3, 2, 2), f32(1, 4, 3), f32(3, scale=0.3)
    k2, b2 = f32(2, 2, 3), f32(2, scale=0.3)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 7, 2], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        Layer("SeparableConv1D", {**separable_config("sep_causal", 3, (3,), (1,), "causal", multiplier=2), "dilation_rate": [2]}, ["x"],
              [("depthwise_kernel", d1), ("pointwise_kernel", p1), ("bias", b1)]),
        Layer("Conv1DTranspose", transpose1d_config("up_short", 2, 2, 3, "valid"), ["sep_causal"], [("kernel", k2), ("bias", b2)]),
    ]
    x = f32(3, 7, 2, scale=1.0)
    h = separable_conv1d(x, d1, p1, b1, 1, "causal", 2)
    y = conv1d_transpose(h, k2, b2, 3, "valid")
    assert y.shape == (3, 21, 2) and np.allclose(y[:, 2::3], f64(b2)), "every third step holds the bias alone"
    stem = "conv1d_causal"
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, True, stem, ["x"], ["up_short"]))
    np.savez(os.path.join(HERE, f"{stem}_k2_golden.npz"), inputs=x, outputs=y)
    print(stem, "inputs", x.shape, "outputs", y.shape, "range", y.min(), y.max())


if __name__ == "__main__":
    check_against_torch()
    simple_rnn_model()
    mask_bidir_model()
    mask_simple_rnn_model()
    conv1d_model()
    conv1d_causal_model()
