"""Bidirectional and TimeDistributed models in Keras's own file layouts, with float64 NumPy goldens.

Written with make_models.py's and make_recurrent_models.py's writers plus what the wrappers add:
- tf.keras 2 .h5 (keras_version 2.11.0): Bidirectional's config nests the wrapped layer as given under `layer`
  ({"class_name": "LSTM", "config": {... "name": "lstm"}}) and a given backward layer under `backward_layer` (absent
  otherwise: the backward layer is `layer` with go_backwards flipped); its weight_names list the forward layer's
  variables, then the backward layer's: `bidirectional/forward_lstm/lstm_cell/kernel:0`, ...,
  `bidirectional/backward_lstm/lstm_cell/bias:0` (tf.keras 2 builds each half under a name scope of its name,
  `forward_<name>` / `backward_<name>`; tracked in that order). TimeDistributed nests its layer under `layer`, whose
  variables are named after the wrapper: `time_distributed/kernel:0`, `time_distributed/bias:0`.
- Keras 3 .keras (3.6.0): Bidirectional.get_config writes `layer` (the forward copy, named `forward_lstm`) and always
  `backward_layer` (`backward_lstm`, go_backwards true), each a serialized object with module and build_config.
  saving_lib walks a layer's attributes and names the child groups after them, so the variables sit at
  `layers/bidirectional/forward_layer/cell/vars/0..2` and `layers/bidirectional/backward_layer/cell/vars/0..2` (with
  empty `vars` groups for the wrapper and each half), and TimeDistributed's at `layers/time_distributed/layer/vars/0..1`.

Models:
- bidir (Sequential, timesteps None): Bidirectional(LSTM 4, return_sequences, merge concat) -> Bidirectional(GRU 3
  reset_after=True, return_sequences, merge sum) -> Bidirectional(GRU 3, last output, merge ave) -> Dense 2. Goldens
  for 5 steps (`inputs`, `outputs`) and 2 steps (`inputs_short`, `outputs_short`).
- bidir_options (functional, 4 steps): Bidirectional(GRU 4 reset_after=True forward, backward_layer GRU 2
  reset_after=False, go_backwards, softsign, return_sequences, concat: 4 + 2 units) -> Bidirectional(LSTM 3
  use_bias=False, return_sequences, merge mul) -> Flatten -> Dense 2.
- time_dist (Sequential): input (3 steps, 6, 5, 2) -> TimeDistributed(Conv2D 3, 3x3 "same", relu) ->
  TimeDistributed(MaxPooling2D 2) -> TimeDistributed(Flatten) -> TimeDistributed(Dense 5, tanh) -> Dense 2 (on rank 3).

Before writing, a concat Bidirectional LSTM (same cell both ways, the backward half from its flipped output) is checked
against real PyTorch 1.13 nn.LSTM(bidirectional=True) and the GRU halves against nn.GRU(bidirectional=True); the
TimeDistributed Conv2D / Dense against F.conv2d / F.linear on (batch*time, ...).

Run: /usr/bin/python3 make_wrapper_models.py
"""
import io
import os

import h5py
import numpy as np
import torch

import keras_reference as kr
from make_models import (HERE, Layer, conv_config, dense_config, keras2_config, keras3_config, keras3_dtype, pool_config,
                         snake, write_keras2_h5, write_keras3)
from make_recurrent_models import rnn_config

RNG = np.random.default_rng(77)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def softsign(x):
    return x / (1 + np.abs(x))


# ---- the reference wrappers -------------------------------------------------------------------------------------

def run_rnn(kind, weights, config, x):
    """One LSTM / GRU as keras_reference runs it; the whole sequence in processing order."""
    w = [f64(v) for v in weights]
    kernel, recurrent = w[0], w[1]
    bias = w[2] if len(w) > 2 else None
    act = softsign if config.get("activation") == "softsign" else np.tanh
    if kind == "LSTM":
        return kr.lstm(x, kernel, recurrent, bias, activation=act, go_backwards=config["go_backwards"])
    return kr.gru(x, kernel, recurrent, bias, reset_after=config["reset_after"], activation=act,
                  go_backwards=config["go_backwards"])


def bidirectional(x, forward, backward, merge, return_sequences):
    """Keras's Bidirectional.call: y, y_rev from the two halves (each (kind, weights, config)); with return_sequences
    y_rev is flipped along time (it comes out in its processing order); else both are their last outputs."""
    y = run_rnn(*forward, x)
    y_rev = run_rnn(*backward, x)
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


# ---- checks against PyTorch -------------------------------------------------------------------------------------

def check_against_torch():
    n, steps, features, units = 3, 6, 4, 5
    x = RNG.standard_normal((n, steps, features))
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    lstm = torch.nn.LSTM(features, units, batch_first=True, bidirectional=True).double()
    fw = [RNG.standard_normal(s) * 0.6 for s in [(features, 4 * units), (units, 4 * units), (4 * units,)]]
    bw = [RNG.standard_normal(s) * 0.6 for s in [(features, 4 * units), (units, 4 * units), (4 * units,)]]
    with torch.no_grad():
        for suffix, (k, r, b) in (("", fw), ("_reverse", bw)):
            getattr(lstm, f"weight_ih_l0{suffix}").copy_(t(k.T)); getattr(lstm, f"weight_hh_l0{suffix}").copy_(t(r.T))
            getattr(lstm, f"bias_ih_l0{suffix}").copy_(t(b)); getattr(lstm, f"bias_hh_l0{suffix}").zero_()
    config = rnn_config("lstm", "LSTM", units, return_sequences=True)
    back = dict(config, go_backwards=True)
    ours = bidirectional(x, ("LSTM", fw, config), ("LSTM", bw, back), "concat", True)
    theirs = lstm(t(x))[0].detach().numpy()
    print(f"Bidirectional LSTM concat vs nn.LSTM(bidirectional=True): max |diff| {np.abs(ours - theirs).max():.1e}")
    assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-15)
    # The last output: PyTorch's h_n holds each direction's final state (the backward one after reading step 0).
    last = bidirectional(x, ("LSTM", fw, config), ("LSTM", bw, back), "concat", False)
    h_n = lstm(t(x))[1][0].detach().numpy()
    assert np.allclose(last, np.concatenate([h_n[0], h_n[1]], -1), rtol=1e-13, atol=1e-15)

    reorder = lambda m: np.concatenate([m[..., units:2 * units], m[..., :units], m[..., 2 * units:]], -1)
    gru = torch.nn.GRU(features, units, batch_first=True, bidirectional=True).double()
    gw = [[RNG.standard_normal(s) * 0.6 for s in [(features, 3 * units), (units, 3 * units), (2, 3 * units)]] for _ in range(2)]
    with torch.no_grad():
        for suffix, (k, r, b) in (("", gw[0]), ("_reverse", gw[1])):
            getattr(gru, f"weight_ih_l0{suffix}").copy_(t(reorder(k).T)); getattr(gru, f"weight_hh_l0{suffix}").copy_(t(reorder(r).T))
            getattr(gru, f"bias_ih_l0{suffix}").copy_(t(reorder(b[0]))); getattr(gru, f"bias_hh_l0{suffix}").copy_(t(reorder(b[1])))
    config = rnn_config("gru", "GRU", units, return_sequences=True)
    ours = bidirectional(x, ("GRU", gw[0], config), ("GRU", gw[1], dict(config, go_backwards=True)), "concat", True)
    theirs = gru(t(x))[0].detach().numpy()
    print(f"Bidirectional GRU concat vs nn.GRU(bidirectional=True): max |diff| {np.abs(ours - theirs).max():.1e}")
    assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-15)

    # TimeDistributed(Conv2D "same" 3x3) and (Dense) as one call on (batch*time, ...).
    v = RNG.standard_normal((2, 3, 6, 5, 2))
    kernel, bias = RNG.standard_normal((3, 3, 2, 4)), RNG.standard_normal(4)
    ours = np.stack([kr.conv2d(v[:, s], kernel, bias, padding="same") for s in range(3)], 1)
    flat = t(v.reshape(6, 6, 5, 2).transpose(0, 3, 1, 2))
    theirs = torch.nn.functional.conv2d(flat, t(kernel.transpose(3, 2, 0, 1)), t(bias), padding=1).numpy()
    theirs = theirs.transpose(0, 2, 3, 1).reshape(2, 3, 6, 5, 4)
    assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-14)
    d_kernel, d_bias = RNG.standard_normal((7, 3)), RNG.standard_normal(3)
    seq = RNG.standard_normal((2, 4, 7))
    per_step = np.stack([kr.dense(seq[:, s], d_kernel, d_bias) for s in range(4)], 1)
    theirs = torch.nn.functional.linear(t(seq.reshape(8, 7)), t(d_kernel.T), t(d_bias)).numpy().reshape(2, 4, 3)
    assert np.allclose(per_step, theirs, rtol=1e-13, atol=1e-14)
    print("TimeDistributed Conv2D / Dense per step vs F.conv2d / F.linear on (batch*time, ...): ok")


# ---- configs and files ------------------------------------------------------------------------------------------

def keras3_rnn(config):
    """Keras 3's LSTM / GRU keys (as make_recurrent_models.keras3_rnn_configs)."""
    config = dict(config)
    config.pop("time_major", None); config.pop("implementation", None)
    config["seed"] = None
    config["zero_output_for_mask"] = False
    return keras3_dtype(config)


def serialized(class_name, config, input_shape):
    return {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None,
            "build_config": {"input_shape": input_shape}}


class Wrapper(Layer):
    """A wrapper layer: its tf.keras 2 and Keras 3 configs differ in the nested layers, so both are kept; `parts` lists
    the Keras 3 sub-groups (`forward_layer/cell`, `layer`) with their variables, in the file's weight order."""

    def __init__(self, class_name, config2, config3, inbound, weights, parts):
        super().__init__(class_name, config2, inbound, weights)
        self.config3, self.parts = config3, parts


def bidirectional_layer(name, inbound, kind, units, input_shape, merge, forward_options, backward=None):
    """Bidirectional(kind(units, **forward_options), merge_mode=merge, backward_layer=backward) where backward is
    None or (kind, units, options). Returns the Wrapper, the forward and backward (kind, weights, config)."""
    inner = snake(kind)
    features = input_shape[-1]

    def weights(k, u, options):
        gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[k]
        w = [f32(features, gates * u), f32(u, gates * u)]
        if options.get("use_bias", True):
            w.append(f32(*((2, gates * u) if k == "GRU" and options.get("reset_after", True) else (gates * u,)), scale=0.3))
        return w

    f_config = rnn_config(inner, kind, units, **forward_options)
    f_w = weights(kind, units, forward_options)
    if backward is None:
        b_kind, b_units, b_config = kind, units, dict(f_config, go_backwards=not f_config["go_backwards"])
        b_name2 = inner
    else:
        b_kind, b_units, b_options = backward
        b_name2 = snake(b_kind) + "_1"
        b_config = rnn_config(b_name2, b_kind, b_units, **b_options)
    b_w = weights(b_kind, b_units, b_config)
    cell = lambda k: snake(k) + "_cell"   # lstm_cell, gru_cell, simple_rnn_cell
    short = lambda prefix, k, w: [(f"{prefix}/{cell(k)}/{n}", v) for n, v in zip(["kernel", "recurrent_kernel", "bias"], w)]
    all_weights = short(f"forward_{inner}", kind, f_w) + short(f"backward_{b_name2}", b_kind, b_w)

    config2 = {"name": name, "trainable": True, "dtype": "float32",
               "layer": {"class_name": kind, "config": f_config}, "merge_mode": merge}
    if backward is not None:
        config2["backward_layer"] = {"class_name": b_kind, "config": b_config}
    shape3 = [None, *input_shape]
    config3 = keras3_dtype({"name": name, "trainable": True, "dtype": "float32", "merge_mode": merge,
                            "layer": serialized(kind, keras3_rnn(dict(f_config, name=f"forward_{inner}")), shape3),
                            "backward_layer": serialized(b_kind, keras3_rnn(dict(b_config, name=f"backward_{b_name2}")), shape3)})
    layer = Wrapper("Bidirectional", config2, config3, inbound, all_weights,
                    [("forward_layer", None), ("forward_layer/cell", f_w), ("backward_layer", None), ("backward_layer/cell", b_w)])
    return layer, (kind, f_w, f_config), (b_kind, b_w, b_config)


def time_distributed_layer(name, inbound, class_name, inner_config, step_shape, weights):
    config2 = {"name": name, "trainable": True, "dtype": "float32", "layer": {"class_name": class_name, "config": inner_config}}
    config3 = keras3_dtype({"name": name, "trainable": True, "dtype": "float32",
                            "layer": serialized(class_name, keras3_dtype(inner_config), [None, *step_shape])})
    return Wrapper("TimeDistributed", config2, config3, inbound, [(n, v) for n, v in weights], [("layer", [v for _, v in weights])])


def keras3_weights_bytes(layers, include_input_layers):
    """make_models' layout; a wrapper's variables under its attribute groups, each with its (possibly empty) vars."""
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
            if isinstance(l, Wrapper):
                for part, values in l.parts:
                    group = f.create_group(f"layers/{name}/{part}/vars")
                    for i, value in enumerate(values or []):
                        group.create_dataset(str(i), data=value)
            else:
                for i, (_, value) in enumerate(l.weights):
                    own.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def save(stem, layers, functional, shapes, inputs, outputs, golden):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, functional, stem, inputs, outputs))
    k3 = keras3_config(layers, functional, stem, shapes, inputs, outputs)
    for entry, layer in zip(k3["config"]["layers"], layers):
        if isinstance(layer, Wrapper):
            entry["config"] = layer.config3
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers, include_input_layers=functional))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()}, "range", golden["outputs"].min(), golden["outputs"].max())


# ---- models -----------------------------------------------------------------------------------------------------

def bidir_model():
    b1, f1, r1 = bidirectional_layer("bidirectional", ["bidirectional_input"], "LSTM", 4, [None, 3], "concat",
                                     {"return_sequences": True})
    b2, f2, r2 = bidirectional_layer("bidirectional_1", ["bidirectional"], "GRU", 3, [None, 8], "sum",
                                     {"return_sequences": True})
    b3, f3, r3 = bidirectional_layer("bidirectional_2", ["bidirectional_1"], "GRU", 3, [None, 3], "ave", {})
    kd, bd = f32(3, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, None, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "bidirectional_input"}),
        b1, b2, b3,
        Layer("Dense", dense_config("dense", 2), ["bidirectional_2"], [("kernel", kd), ("bias", bd)]),
    ]

    def forward(x):
        h = bidirectional(f64(x), f1, r1, "concat", True)
        h = bidirectional(h, f2, r2, "sum", True)
        h = bidirectional(h, f3, r3, "ave", False)
        return kr.dense(h, kd, bd)
    x, short = f32(3, 5, 3, scale=1.0), f32(2, 2, 3, scale=1.0)
    shapes = {"bidirectional_input": [None, None, 3], "bidirectional": [None, None, 8], "bidirectional_1": [None, None, 3],
              "bidirectional_2": [None, 3]}
    save("bidir", layers, False, shapes, None, None,
         {"inputs": x, "outputs": forward(x), "inputs_short": short, "outputs_short": forward(short)})


def options_model():
    b1, f1, r1 = bidirectional_layer("bidirectional", ["seq"], "GRU", 4, [4, 3], "concat", {"return_sequences": True},
                                     backward=("GRU", 2, {"return_sequences": True, "go_backwards": True,
                                                          "reset_after": False, "activation": "softsign"}))
    b2, f2, r2 = bidirectional_layer("bidirectional_1", ["bidirectional"], "LSTM", 3, [4, 6], "mul",
                                     {"return_sequences": True, "use_bias": False})
    kd, bd = f32(12, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "seq"}),
        b1, b2,
        Layer("Flatten", {"name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"},
              ["bidirectional_1"]),
        Layer("Dense", dense_config("dense", 2), ["flatten"], [("kernel", kd), ("bias", bd)]),
    ]
    x = f32(3, 4, 3, scale=1.5)
    h = bidirectional(f64(x), f1, r1, "concat", True)
    h = bidirectional(h, f2, r2, "mul", True)
    y = kr.dense(h.reshape(len(h), -1), kd, bd)
    shapes = {"seq": [None, 4, 3], "bidirectional": [None, 4, 6], "bidirectional_1": [None, 4, 3], "flatten": [None, 12]}
    save("bidir_options", layers, True, shapes, ["seq"], ["dense"], {"inputs": x, "outputs": y})


def time_dist_model():
    kc, bc = f32(3, 3, 2, 3), f32(3, scale=0.2)
    kd1, bd1 = f32(18, 5, scale=0.4), f32(5, scale=0.2)
    kd2, bd2 = f32(5, 2), f32(2, scale=0.1)
    flatten = {"name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"}
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 3, 6, 5, 2], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "time_distributed_input"}),
        time_distributed_layer("time_distributed", ["time_distributed_input"], "Conv2D",
                               conv_config("conv2d", 3, (3, 3), padding="same", activation="relu"), [6, 5, 2],
                               [("kernel", kc), ("bias", bc)]),
        time_distributed_layer("time_distributed_1", ["time_distributed"], "MaxPooling2D",
                               pool_config("max_pooling2d", (2, 2), (2, 2), "valid"), [6, 5, 3], []),
        time_distributed_layer("time_distributed_2", ["time_distributed_1"], "Flatten", flatten, [3, 2, 3], []),
        time_distributed_layer("time_distributed_3", ["time_distributed_2"], "Dense", dense_config("dense", 5, "tanh"), [18],
                               [("kernel", kd1), ("bias", bd1)]),
        Layer("Dense", dense_config("dense_1", 2), ["time_distributed_3"], [("kernel", kd2), ("bias", bd2)]),
    ]
    x = f32(2, 3, 6, 5, 2, scale=1.0)
    steps = []
    for s in range(3):
        h = kr.relu(kr.conv2d(f64(x[:, s]), kc, bc, padding="same"))
        h = kr.pool2d(h, (2, 2), (2, 2), "valid", "max")
        h = np.tanh(kr.dense(h.reshape(len(h), -1), kd1, bd1))
        steps.append(kr.dense(h, kd2, bd2))
    shapes = {"time_distributed_input": [None, 3, 6, 5, 2], "time_distributed": [None, 3, 6, 5, 3],
              "time_distributed_1": [None, 3, 3, 2, 3], "time_distributed_2": [None, 3, 18], "time_distributed_3": [None, 3, 5]}
    save("time_dist", layers, False, shapes, None, None, {"inputs": x, "outputs": np.stack(steps, 1)})


if __name__ == "__main__":
    check_against_torch()
    bidir_model()
    options_model()
    time_dist_model()
