"""LSTM and GRU models in Keras's own file layouts, with float64 NumPy goldens (keras_reference's cells).

Written with make_models.py's writers (see its docstring) plus what recurrent layers add:
- tf.keras 2 .h5 (keras_version 2.11.0): the variables belong to the layer's cell, so their names read
  `lstm/lstm_cell/kernel:0`, `lstm/lstm_cell/recurrent_kernel:0`, `lstm/lstm_cell/bias:0` (`gru/gru_cell/...`);
  the config carries tf.keras 2's keys (time_major, implementation, unit_forget_bias for LSTM, reset_after for GRU).
- Keras 3 .keras (3.6.0): saving_lib saves the layer's own (empty) `vars` and then its `cell` attribute's variables,
  so they live at `layers/lstm/cell/vars/0..2` (kernel, recurrent_kernel, bias); the config has no time_major or
  implementation but seed and zero_output_for_mask (keras/src/layers/rnn/lstm.py, gru.py, rnn.py get_config).
- Weights: kernel (features, g*units), recurrent_kernel (units, g*units), bias (g*units), or (2, 3*units) for a GRU
  with reset_after=True (row 0 added to x.W, row 1 to h.U); LSTM gates i, f, c, o; GRU z, r, h.

Models:
- rnn_stack (Sequential, timesteps None): LSTM 4 return_sequences -> GRU 5 (reset_after=True) -> Dense 2. Golden for
  6 steps (`inputs`, `outputs`) and for 3 steps (`inputs_short`, `outputs_short`): any length at predict time.
- rnn_options (functional, 5 steps): GRU 4 reset_after=False, go_backwards, return_sequences, dropout 0.1 and
  recurrent_dropout 0.3 (inference ignores them) -> LSTM 3 go_backwards, use_bias=False, activation softsign,
  recurrent_activation hard_sigmoid, return_state=True with only its output 0 read -> Dense 2. hard_sigmoid is
  clip(0.2x + 0.5, 0, 1) in the tf.keras 2 file (`outputs_k2`) and clip(x/6 + 1/2, 0, 1) in the Keras 3 one (`outputs`).
- rnn_embed (Sequential, int input of 7): Embedding 12 x 4 -> LSTM 5 -> Dense 3.
- lstm_k2_golden.npz: the golden of the LSTM-only lstm_k2.h5 make_models.py writes (its weights read back here).

Before writing, the cells are checked against real PyTorch 1.13 nn.LSTM / nn.GRU with converted weights
(go_backwards as a flipped input; GRU reset_after=True only: PyTorch has no reset-before GRU).

Run: /usr/bin/python3 make_recurrent_models.py
"""
import copy
import os

import h5py
import numpy as np
import torch

import keras_reference as kr
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, keras3_weights_bytes, write_keras2_h5, write_keras3

RNG = np.random.default_rng(52)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def hard_sigmoid2(x):   # tf.keras 2
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def hard_sigmoid3(x):   # Keras 3
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def softsign(x):
    return x / (1 + np.abs(x))


# ---- the reference cells against PyTorch -----------------------------------------------------------------------

def check_against_torch():
    n, steps, features, units = 3, 6, 4, 5
    x = RNG.standard_normal((n, steps, features))
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    kernel, recurrent, bias = (RNG.standard_normal(s) * 0.6 for s in [(features, 4 * units), (units, 4 * units), (4 * units,)])
    lstm = torch.nn.LSTM(features, units, batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(t(kernel.T)); lstm.weight_hh_l0.copy_(t(recurrent.T))
        lstm.bias_ih_l0.copy_(t(bias)); lstm.bias_hh_l0.zero_()
    for backwards in (False, True):
        ours = kr.lstm(x, kernel, recurrent, bias, go_backwards=backwards)
        theirs = lstm(t(x[:, ::-1] if backwards else x))[0].detach().numpy()
        print(f"lstm go_backwards={backwards}: PyTorch vs reference max |diff| {np.abs(ours - theirs).max():.1e}")
        assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-15)
    with torch.no_grad():
        lstm.bias_ih_l0.zero_()
    assert np.allclose(kr.lstm(x, kernel, recurrent, None), lstm(t(x))[0].detach().numpy(), rtol=1e-13, atol=1e-15)

    kernel, recurrent = RNG.standard_normal((features, 3 * units)) * 0.6, RNG.standard_normal((units, 3 * units)) * 0.6
    bias = RNG.standard_normal((2, 3 * units)) * 0.6
    reorder = lambda m: np.concatenate([m[..., units:2 * units], m[..., :units], m[..., 2 * units:]], -1)   # z,r,h -> r,z,n
    gru = torch.nn.GRU(features, units, batch_first=True).double()
    with torch.no_grad():
        gru.weight_ih_l0.copy_(t(reorder(kernel).T)); gru.weight_hh_l0.copy_(t(reorder(recurrent).T))
        gru.bias_ih_l0.copy_(t(reorder(bias[0]))); gru.bias_hh_l0.copy_(t(reorder(bias[1])))
    for backwards in (False, True):
        ours = kr.gru(x, kernel, recurrent, bias, reset_after=True, go_backwards=backwards)
        theirs = gru(t(x[:, ::-1] if backwards else x))[0].detach().numpy()
        print(f"gru reset_after go_backwards={backwards}: PyTorch vs reference max |diff| {np.abs(ours - theirs).max():.1e}")
        assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-15)
    # reset_after=False differs from every PyTorch GRU; the hard sigmoids are checked against PyTorch's hardsigmoid.
    v = RNG.standard_normal(1000) * 5
    assert np.allclose(hard_sigmoid3(v), torch.nn.functional.hardsigmoid(t(v)).numpy(), rtol=1e-15, atol=1e-16)
    assert np.allclose(softsign(v), torch.nn.functional.softsign(t(v)).numpy(), rtol=1e-15, atol=1e-16)


# ---- configs ---------------------------------------------------------------------------------------------------

def rnn_config(name, kind, units, **options):
    """tf.keras 2.11's LSTM / GRU / SimpleRNN get_config (keras/layers/rnn/), defaults overridden by options."""
    init = lambda cls: {"class_name": cls, "config": {"seed": None} if cls != "Zeros" else {}}
    config = {"name": name, "trainable": True, "dtype": "float32", "return_sequences": False, "return_state": False,
              "go_backwards": False, "stateful": False, "unroll": False, "time_major": False, "units": units,
              "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
              "kernel_initializer": init("GlorotUniform"), "recurrent_initializer": init("Orthogonal"),
              "bias_initializer": init("Zeros"), "kernel_regularizer": None, "recurrent_regularizer": None,
              "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
              "recurrent_constraint": None, "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0,
              "implementation": 2}
    if kind == "LSTM":
        config["unit_forget_bias"] = True
    elif kind == "GRU":
        config["reset_after"] = True
    else:   # SimpleRNN.get_config (keras/layers/rnn/simple_rnn.py): no recurrent_activation or implementation
        del config["recurrent_activation"], config["implementation"]
    config.update(options)
    return config


def keras3_rnn_configs(model_config):
    """Keras 3's keys: no time_major or implementation; seed and zero_output_for_mask added."""
    for entry in model_config["config"]["layers"]:
        if entry["class_name"] in ("LSTM", "GRU"):
            config = entry["config"]
            config.pop("time_major"); config.pop("implementation")
            config["seed"] = None
            config["zero_output_for_mask"] = False
    return model_config


def rnn_weights(kind, units, features, use_bias=True, reset_after=True, scale=0.6):
    gates = 4 if kind == "LSTM" else 3
    prefix = "lstm_cell" if kind == "LSTM" else "gru_cell"
    weights = [(f"{prefix}/kernel", f32(features, gates * units, scale=scale)),
               (f"{prefix}/recurrent_kernel", f32(units, gates * units, scale=scale))]
    if use_bias:
        shape = (2, gates * units) if kind == "GRU" and reset_after else (gates * units,)
        weights.append((f"{prefix}/bias", f32(*shape, scale=0.3)))
    return weights


def save(stem, layers, functional, shapes, inputs, outputs, golden, golden_k2=None):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, functional, stem, inputs, outputs))
    k3 = keras3_rnn_configs(keras3_config(layers, functional, stem, shapes, inputs, outputs))
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers, include_input_layers=functional))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden, **({"outputs_k2": golden_k2} if golden_k2 is not None else {}))
    print(stem, {k: v.shape for k, v in golden.items()}, "range", golden["outputs"].min(), golden["outputs"].max())


# ---- models ----------------------------------------------------------------------------------------------------

def stack_model():
    lstm_w = rnn_weights("LSTM", 4, 3)
    gru_w = rnn_weights("GRU", 5, 4)
    kd, bd = f32(5, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, None, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "lstm_input"}),
        Layer("LSTM", rnn_config("lstm", "LSTM", 4, return_sequences=True), ["lstm_input"], lstm_w),
        Layer("GRU", rnn_config("gru", "GRU", 5), ["lstm"], gru_w),
        Layer("Dense", dense_config("dense", 2), ["gru"], [("kernel", kd), ("bias", bd)]),
    ]

    def forward(x):
        h = kr.lstm(f64(x), *(f64(w) for _, w in lstm_w))
        h = kr.gru(h, *(f64(w) for _, w in gru_w), reset_after=True)[:, -1]
        return kr.dense(h, kd, bd)
    x, short = f32(3, 6, 3, scale=1.0), f32(2, 3, 3, scale=1.0)
    shapes = {"lstm_input": [None, None, 3], "lstm": [None, None, 4], "gru": [None, 5]}
    save("rnn_stack", layers, False, shapes, None, None,
         {"inputs": x, "outputs": forward(x), "inputs_short": short, "outputs_short": forward(short)})


def options_model():
    gru_w = rnn_weights("GRU", 4, 3, reset_after=False)
    lstm_w = rnn_weights("LSTM", 3, 4, use_bias=False, scale=1.5)
    kd, bd = f32(3, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 5, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "seq"}),
        Layer("GRU", rnn_config("gru", "GRU", 4, reset_after=False, go_backwards=True, return_sequences=True,
                                dropout=0.1, recurrent_dropout=0.3), ["seq"], gru_w),
        Layer("LSTM", rnn_config("lstm", "LSTM", 3, go_backwards=True, use_bias=False, activation="softsign",
                                 recurrent_activation="hard_sigmoid", return_state=True), ["gru"], lstm_w),
        Layer("Dense", dense_config("dense", 2), ["lstm"], [("kernel", kd), ("bias", bd)]),
    ]
    x = f32(3, 5, 3, scale=1.5)
    h = kr.gru(f64(x), *(f64(w) for _, w in gru_w), reset_after=False, go_backwards=True)
    w = [f64(v) for _, v in lstm_w]
    y, seen = {}, {}
    for version, hs in (("k3", hard_sigmoid3), ("k2", hard_sigmoid2)):
        gates = []   # every gate input, to show that both corners of each hard_sigmoid are reached
        recording = lambda v, hs=hs, gates=gates: (gates.append(v.ravel()), hs(v))[1]
        last = kr.lstm(h, w[0], w[1], None, activation=softsign, recurrent_activation=recording, go_backwards=True)[:, -1]
        y[version] = kr.dense(last, kd, bd)
        seen[version] = np.concatenate(gates)
    print("rnn_options: gate inputs below/above the corners: k3 (+-3)", np.mean(seen["k3"] < -3), np.mean(seen["k3"] > 3),
          "k2 (+-2.5)", np.mean(seen["k2"] < -2.5), np.mean(seen["k2"] > 2.5),
          "k2 vs k3 outputs differ by", np.abs(y["k2"] - y["k3"]).max())
    shapes = {"seq": [None, 5, 3], "gru": [None, 5, 4], "lstm": [None, 3]}
    save("rnn_options", layers, True, shapes, ["seq"], ["dense"], {"inputs": x, "outputs": y["k3"]}, y["k2"])


def embed_model():
    table = f32(12, 4, scale=1.0)
    lstm_w = rnn_weights("LSTM", 5, 4)
    kd, bd = f32(5, 3), f32(3, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 7], "dtype": "int32", "sparse": False, "ragged": False,
                             "name": "embedding_input"}),
        Layer("Embedding", {"name": "embedding", "trainable": True, "dtype": "float32", "input_dim": 12,
                            "output_dim": 4, "mask_zero": False, "input_length": 7,
                            "embeddings_initializer": {"class_name": "RandomUniform", "config": {}}},
              ["embedding_input"], [("embeddings", table)]),
        Layer("LSTM", rnn_config("lstm", "LSTM", 5), ["embedding"], lstm_w),
        Layer("Dense", dense_config("dense", 3), ["lstm"], [("kernel", kd), ("bias", bd)]),
    ]
    x = RNG.integers(0, 12, (3, 7)).astype(np.int32)
    h = kr.lstm(f64(table)[x], *(f64(w) for _, w in lstm_w))[:, -1]
    shapes = {"embedding_input": [None, 7], "embedding": [None, 7, 4], "lstm": [None, 5]}
    save("rnn_embed", layers, False, shapes, None, None, {"inputs": x, "outputs": kr.dense(h, kd, bd)})


def lstm_k2_golden():
    """lstm_k2.h5 (make_models.py): Input (5, 2) -> LSTM 3, last output; its weights read back from the file."""
    with h5py.File(os.path.join(HERE, "lstm_k2.h5"), "r") as f:
        group = f["model_weights/lstm"]
        kernel, recurrent, bias = (f64(group[n.decode() if isinstance(n, bytes) else n][()])
                                   for n in group.attrs["weight_names"])
    x = f32(3, 5, 2, scale=1.0)
    y = kr.lstm(f64(x), kernel, recurrent, bias)[:, -1]
    np.savez(os.path.join(HERE, "lstm_k2_golden.npz"), inputs=x, outputs=y)
    print("lstm_k2", x.shape, "->", y.shape)


if __name__ == "__main__":
    check_against_torch()
    stack_model()
    options_model()
    embed_model()
    lstm_k2_golden()
