"""Keras masks through TimeDistributed, the activation and noise layers, and the layers that drop a mask, in Keras's own
file layouts (.keras as Keras 3.6.0 writes it, _k2.h5 as tf.keras 2.11.0 does), with float64 NumPy goldens.

What each layer does with the mask, read from Keras 3 (keras/src/layers/...) and tf.keras 2 (keras/layers/...):
- TimeDistributed (rnn/time_distributed.py in both): supports_masking = True. Keras 3 has no compute_mask of its own, so
  the mask goes on unchanged; its call hands the inner layer mask[i] only when the inner call takes a mask (Dense does
  not). tf.keras 2's compute_mask asks the inner layer's compute_mask with the mask reshaped to (batch*time,) and
  reshapes the answer back: Dense (supports_masking, base compute_mask) returns it, so the mask goes on unchanged too.
  The Dense runs on every step, padding included; the LSTM after it skips the masked steps.
- LeakyReLU, ELU, PReLU, ReLU (activations/*.py), GaussianNoise, GaussianDropout, SpatialDropout1D (regularization/*.py;
  SpatialDropout1D subclasses Dropout): supports_masking = True, base compute_mask: the mask goes on.
- Masking after a mask: its compute_mask reads only its input (and its call sets the output's mask itself), so it
  replaces the mask, it does not AND it.
- ZeroPadding1D, Cropping1D, UpSampling1D, Permute, RepeatVector (reshaping/*.py): no supports_masking, no
  compute_mask: Keras 3 warns and drops the mask, tf.keras 2's _set_mask_metadata returns early; nothing after them is
  masked (a passed-on (batch, steps) mask would not even fit the padded, cropped or repeated steps).

Models:
- mask_td (Sequential, int (7)): Embedding 10x4 mask_zero -> TimeDistributed(Dense 5 tanh) -> LSTM 3 -> Dense 2. Padding
  at the end, in the middle, a fully masked row (the Dense's bias), none, at the start.
- mask_chain (Sequential, int (6)): Embedding 9x4 mask_zero (row 2 holds float32(0.3)) -> Masking(0.3) -> LeakyReLU(0.3)
  -> ELU(0.7) -> PReLU(shared_axes=[1]) -> ReLU(negative_slope=0.1) -> GaussianNoise(0.1) -> GaussianDropout(0.1) ->
  SpatialDropout1D(0.1) -> LSTM 3 return_sequences -> GlobalAveragePooling1D (masked) -> Dense 2. After the Masking id 2
  is masked and id 0 is not (the Embedding's mask replaced); ids 2 sit at the end, the start and the middle of rows.
- mask_reshape (functional, int (6)): e = Embedding 8x3 mask_zero; Concatenate(axis=1)([ZeroPadding1D((1, 2))(e),
  Cropping1D((2, 1))(e), UpSampling1D(2)(e), Permute((1, 2))(e)]) (9 + 3 + 12 + 6 = 30 steps) -> LSTM 3 -> Dense 2: every
  branch drops the mask, so the Concatenate and the LSTM see none and the LSTM runs over every step.
- mask_repeat (Sequential, float (4)): Masking(0.3) -> RepeatVector(3) -> LSTM 2 -> Dense 2: a row of float32(0.3)
  becomes zeros, and the LSTM after RepeatVector runs unmasked on it.

Before writing, the masked LSTM loop (make_mask_models.masked_rnn) is checked against real PyTorch 1.13 nn.LSTM run on
each row's unmasked steps alone (make_mask_models.check_against_torch, and here on mask_td's and mask_chain's own
LSTM inputs), and every golden is checked to differ from what a dropped, kept or ANDed mask would give.

Run: /usr/bin/python3 make_mask_layer_models.py
"""
import io
import os

import h5py
import numpy as np
import torch

import keras_reference as kr
import make_mask_models as mm
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, snake, write_keras2_h5, write_keras3
from make_recurrent_models import rnn_config, rnn_weights
from make_wrapper_models import Wrapper, time_distributed_layer

RNG = np.random.default_rng(2053)
V = np.float32(0.3)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def cfg(name, **options):
    return {"name": name, "trainable": True, "dtype": "float32", **options}


embedding = mm.embedding   # Embedding(mask_zero=True) with the given table


def weights_bytes(layers, include_input_layers):
    """model.weights.h5: `layers/<snake class>[_k]/vars`; an LSTM's under `cell/vars`, a wrapper's under its parts."""
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
                continue
            if l.class_name in ("LSTM", "GRU"):
                own = f.create_group(f"layers/{name}/cell/vars")
            for i, (_, value) in enumerate(l.weights):
                own.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def save(stem, layers, functional, shapes, inputs, outputs, golden):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, functional, stem, inputs, outputs))
    k3 = mm.keras3_rnn(keras3_config(layers, functional, stem, shapes, inputs, outputs))
    for entry, layer in zip(k3["config"]["layers"], layers):
        if isinstance(layer, Wrapper):
            entry["config"] = layer.config3
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, weights_bytes(layers, include_input_layers=functional))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()}, "range", golden["outputs"].min(), golden["outputs"].max())


def lstm_last(weights, x, mask):
    return mm.masked_rnn(mm.lstm_step(*(f64(w) for _, w in weights)), x, mask, weights[1][1].shape[0])[0][:, -1]


def torch_last(weights, x, mask):
    """nn.LSTM on each row's unmasked steps alone (zeros for a row with none): a masked step changes nothing in Keras."""
    kernel, recurrent, bias = (f64(w) for _, w in weights)
    units = recurrent.shape[0]
    lstm = torch.nn.LSTM(kernel.shape[0], units, batch_first=True).double()
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(t(kernel.T)); lstm.weight_hh_l0.copy_(t(recurrent.T))
        lstm.bias_ih_l0.copy_(t(bias)); lstm.bias_hh_l0.zero_()
        rows = []
        for b in range(x.shape[0]):
            kept = x[b][mask[b]]
            rows.append(np.zeros(units) if len(kept) == 0 else lstm(t(kept[None]))[1][0][0, 0].numpy())
    return np.stack(rows)


def td_model():
    table = f32(10, 4, scale=1.0)
    kt, bt = f32(4, 5), f32(5, scale=0.3)
    lstm_w = rnn_weights("LSTM", 3, 5)
    kd, bd = f32(3, 2), f32(2, scale=0.3)
    td = time_distributed_layer("time_distributed", ["embedding"], "Dense", dense_config("dense", 5, "tanh"), [4],
                                [("kernel", kt), ("bias", bt)])
    layers = [mm.tokens("tokens", 7), embedding("embedding", 10, 4, 7, table, "tokens"), td,
              Layer("LSTM", rnn_config("lstm", "LSTM", 3), ["time_distributed"], lstm_w),
              Layer("Dense", dense_config("dense_1", 2), ["lstm"], [("kernel", kd), ("bias", bd)])]
    ids = mm.IDS7
    mask = ids != 0
    h = np.tanh(kr.dense(f64(table)[ids], kt, bt))   # every step, padding included
    last = lstm_last(lstm_w, h, mask)
    assert np.abs(last - torch_last(lstm_w, h, mask)).max() < 1e-13
    y = kr.dense(last, kd, bd)
    assert np.allclose(y[2], bd), "a fully masked row: zero states, the Dense's bias"
    dropped = kr.dense(lstm_last(lstm_w, h, np.ones_like(mask)), kd, bd)
    assert np.abs(dropped - y)[[0, 1, 2, 4]].min() > 1e-3, "a dropped mask would change every padded row"
    shapes = {"tokens": [None, 7], "embedding": [None, 7, 4], "time_distributed": [None, 7, 5], "lstm": [None, 3]}
    save("mask_td", layers, False, shapes, None, None, {"inputs": ids, "outputs": y})


def chain_model():
    table = f32(9, 4, scale=1.0)
    table[2] = V   # Masking(0.3) masks id 2
    alpha = f32(1, 4, scale=0.3)
    lstm_w = rnn_weights("LSTM", 3, 4)
    kd, bd = f32(3, 2), f32(2, scale=0.3)
    prelu = cfg("p_re_lu", alpha_initializer={"class_name": "Zeros", "config": {}}, alpha_regularizer=None,
                alpha_constraint=None, shared_axes=[1])
    layers = [mm.tokens("tokens", 6), embedding("embedding", 9, 4, 6, table, "tokens"),
              Layer("Masking", cfg("masking", mask_value=0.3), ["embedding"]),
              Layer("LeakyReLU", cfg("leaky_re_lu", alpha=0.3), ["masking"]),
              Layer("ELU", cfg("elu", alpha=0.7), ["leaky_re_lu"]),
              Layer("PReLU", prelu, ["elu"], [("alpha", alpha)]),
              Layer("ReLU", cfg("re_lu", max_value=None, negative_slope=0.1, threshold=0.0), ["p_re_lu"]),
              Layer("GaussianNoise", cfg("gaussian_noise", stddev=0.1, seed=None), ["re_lu"]),
              Layer("GaussianDropout", cfg("gaussian_dropout", rate=0.1, seed=None), ["gaussian_noise"]),
              Layer("SpatialDropout1D", cfg("spatial_dropout1d", rate=0.1, noise_shape=None, seed=None), ["gaussian_dropout"]),
              Layer("LSTM", rnn_config("lstm", "LSTM", 3, return_sequences=True), ["spatial_dropout1d"], lstm_w),
              Layer("GlobalAveragePooling1D", cfg("global_average_pooling1d", data_format="channels_last", keepdims=False), ["lstm"]),
              Layer("Dense", dense_config("dense", 2), ["global_average_pooling1d"], [("kernel", kd), ("bias", bd)])]
    # ids 2 at the end, in the middle and the start; ids 0 (masked by the Embedding, not by the Masking after it).
    ids = np.array([[3, 5, 1, 2, 2, 2], [4, 2, 2, 8, 7, 6], [2, 2, 5, 1, 7, 3], [4, 7, 0, 6, 0, 3], [0] * 6], np.int32)
    e = f64(table)[ids]
    mask = (f64(table)[ids] != f64(V)).any(-1)    # Masking compares in float32: the row holds float32(0.3) exactly
    assert (mask == (ids != 2)).all()

    def forward(mask):
        x = e * mask[..., None]
        x = kr.leaky_relu(x, 0.3)
        x = kr.elu(x, 0.7)
        x = kr.relu(x) - f64(alpha) * kr.relu(-x)
        x = np.where(x >= 0, x, 0.1 * x)
        seq, _ = mm.masked_rnn(mm.lstm_step(*(f64(w) for _, w in lstm_w)), x, mask, 3)
        m = mask[..., None].astype(np.float64)
        return kr.dense((seq * m).sum(1) / m.sum(1), kd, bd), x

    y, x = forward(mask)
    assert np.abs(lstm_last(lstm_w, x, mask) - torch_last(lstm_w, x, mask)).max() < 1e-13
    with np.errstate(invalid="ignore"):
        anded = forward(mask & (ids != 0))[0]
    assert np.abs(anded - y)[3].min() > 1e-3 and np.isnan(anded[4]).all() and np.isfinite(y).all(), \
        "ANDing the Embedding's mask in would change the rows with ids 0 (the row of zeros to 0/0)"
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 4]}
    for l in layers[2:10]:
        shapes[l.name] = [None, 6, 4]
    shapes.update({"lstm": [None, 6, 3], "global_average_pooling1d": [None, 3]})
    save("mask_chain", layers, False, shapes, None, None, {"inputs": ids, "outputs": y})


def reshape_model():
    table = f32(8, 3, scale=1.0)
    lstm_w = rnn_weights("LSTM", 3, 3)
    kd, bd = f32(3, 2), f32(2, scale=0.3)
    layers = [mm.tokens("tokens", 6), embedding("embedding", 8, 3, 6, table, "tokens"),
              Layer("ZeroPadding1D", cfg("zero_padding1d", padding=[1, 2]), ["embedding"]),
              Layer("Cropping1D", cfg("cropping1d", cropping=[2, 1]), ["embedding"]),
              Layer("UpSampling1D", cfg("up_sampling1d", size=2), ["embedding"]),
              Layer("Permute", cfg("permute", dims=[1, 2]), ["embedding"]),
              Layer("Concatenate", cfg("concatenate", axis=1), ["zero_padding1d", "cropping1d", "up_sampling1d", "permute"]),
              Layer("LSTM", rnn_config("lstm", "LSTM", 3), ["concatenate"], lstm_w),
              Layer("Dense", dense_config("dense", 2), ["lstm"], [("kernel", kd), ("bias", bd)])]
    ids = mm.IDS6
    e = f64(table)[ids]
    cat = np.concatenate([np.pad(e, ((0, 0), (1, 2), (0, 0))), e[:, 2:-1], np.repeat(e, 2, axis=1), e], axis=1)
    assert cat.shape == (5, 30, 3)
    everything = np.ones(cat.shape[:2], bool)
    last = lstm_last(lstm_w, cat, everything)
    assert np.abs(last - torch_last(lstm_w, cat, everything)).max() < 1e-13
    assert np.abs(last - f64(kr.lstm(cat, *(f64(w) for _, w in lstm_w))[:, -1])).max() < 1e-14
    y = kr.dense(last, kd, bd)
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 3], "zero_padding1d": [None, 9, 3], "cropping1d": [None, 3, 3],
              "up_sampling1d": [None, 12, 3], "permute": [None, 6, 3], "concatenate": [None, 30, 3], "lstm": [None, 3]}
    save("mask_reshape", layers, True, shapes, ["tokens"], ["dense"], {"inputs": ids, "outputs": y})


def repeat_model():
    lstm_w = rnn_weights("LSTM", 2, 4)
    kd, bd = f32(2, 2), f32(2, scale=0.3)
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False,
                                   "name": "masking_input"}),
              Layer("Masking", cfg("masking", mask_value=0.3), ["masking_input"]),
              Layer("RepeatVector", cfg("repeat_vector", n=3), ["masking"]),
              Layer("LSTM", rnn_config("lstm", "LSTM", 2), ["repeat_vector"], lstm_w),
              Layer("Dense", dense_config("dense", 2), ["lstm"], [("kernel", kd), ("bias", bd)])]
    x = f32(4, 4, scale=1.0)
    x[1] = V           # every feature: masked, so zeros
    x[2, :3] = V       # three of four: not masked
    mask = (x != V).any(-1)
    assert list(mask) == [True, False, True, True]
    rep = np.repeat((f64(x) * mask[:, None])[:, None], 3, axis=1)
    y = kr.dense(lstm_last(lstm_w, rep, np.ones((4, 3), bool)), kd, bd)
    assert np.abs(y[1] - bd).min() > 1e-3, "the LSTM runs on the zeros: not the Dense's bias a masked row would give"
    shapes = {"masking_input": [None, 4], "masking": [None, 4], "repeat_vector": [None, 3, 4], "lstm": [None, 2]}
    save("mask_repeat", layers, False, shapes, None, None, {"inputs": x, "outputs": y})


if __name__ == "__main__":
    mm.check_against_torch()
    td_model()
    chain_model()
    reshape_model()
    repeat_model()
