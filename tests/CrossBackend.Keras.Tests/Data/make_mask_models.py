"""Models with Keras masks (Embedding(mask_zero=True), Masking) in Keras's own file layouts, with float64 NumPy goldens.

Written with make_models.py's and make_recurrent_models.py's writers. The masked semantics, read from Keras's sources:
- Embedding(mask_zero=True).compute_mask: ids != 0. Masking(mask_value): mask = any(x != mask_value, axis=-1),
  output x * mask (keras/src/layers/core/masking.py); a float32 layer compares with float32(mask_value).
- Layers with supports_masking (Dense, activations, Dropout, BatchNormalization, ...) compute as without a mask and
  pass it on; RNN.compute_mask passes it on with return_sequences (unreversed, even with go_backwards), else None.
- LSTM / GRU (backend.rnn, keras/src/backend/tensorflow/rnn.py while_loop path): at a masked step a row keeps its
  states and its output is the previous output (zeros before the first unmasked step), or zeros with
  zero_output_for_mask=True; with go_backwards the mask is reversed with the inputs; the last output is the last
  processed step's output. A fully masked row therefore gives zero states and a zero output.
- GlobalAveragePooling1D: sum over unmasked steps / count of unmasked steps; no guard, so a fully masked row is
  0/0 = NaN (keras/src/layers/pooling/global_average_pooling1d.py; tf.keras 2 the same division); no mask goes on.
- Layers without supports_masking (Conv1D, GlobalMaxPooling1D, ...) compute as without a mask and drop it: Keras 3's
  Layer.__call__ warns, tf.keras 2's _set_mask_metadata returns early (`if not self._supports_masking`); only
  standalone Keras before 2.4 raised "does not support masking". mask_dropped (.keras and _k2.h5) predicts the
  unmasked numbers.

Models (inputs with padding at the end, in the middle, at the start, none, and one row fully masked):
- mask_rnn (Sequential, int (7)): Embedding 10x4 mask_zero -> LSTM 5 return_sequences -> GRU 4 -> Dense 3.
- mask_seq (functional, int (6)): Embedding 9x3 mask_zero -> Dense 4 tanh -> GRU 3 go_backwards return_sequences ->
  LSTM 2 return_sequences zero_output_for_mask=True; the output is the LSTM's sequence (the GRU hands the LSTM the
  unreversed mask beside its reversed sequence, as Keras does).
- mask_pool (Sequential, int (6)): Embedding 8x4 mask_zero -> Dense 5 relu -> BatchNormalization -> Dropout ->
  GlobalAveragePooling1D -> Dense 2. `inputs`/`outputs` have no fully masked row; `inputs_empty`/`outputs_empty` do,
  its output row NaN.
- mask_masking (Sequential, float (5, 3)): Masking(0.3) -> LSTM 4 -> Dense 2; masked steps hold float32(0.3) in
  every feature, and one step holds it in two of three features (not masked).
- mask_dropped (Sequential, int (6)): Embedding 8x3 mask_zero -> Conv1D 2 (k 2) -> GlobalMaxPooling1D -> Dense 2
  (the mask dropped at the Conv1D: the max runs over every step, padding included).

Before writing, the masked LSTM / GRU loops are checked against real PyTorch 1.13 nn.LSTM / nn.GRU run on each row's
unmasked steps alone (a masked step changes nothing, so the final states must agree).

Run: /usr/bin/python3 make_mask_models.py
"""
import os

import numpy as np
import torch

import keras_reference as kr
from make_models import HERE, Layer, bn_config, conv_config, dense_config, keras2_config, keras3_config, \
    write_keras2_h5, write_keras3
from make_recurrent_models import keras3_weights_bytes, rnn_config, rnn_weights

RNG = np.random.default_rng(53)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- masked recurrent loops (Keras's backend.rnn) ----------------------------------------------------------------

def lstm_step(kernel, recurrent, bias):
    units = recurrent.shape[0]

    def step(x, states):
        h, c = states
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = kr.sigmoid(f) * c + kr.sigmoid(i) * np.tanh(g)
        h = kr.sigmoid(o) * np.tanh(c)
        return h, (h, c)
    return step, 2


def gru_step(kernel, recurrent, bias):
    """reset_after=True: bias (2, 3u), row 0 with x.W, row 1 with h.U."""
    units = recurrent.shape[0]

    def step(x, states):
        (h,) = states
        xw, hu = x @ kernel + bias[0], h @ recurrent + bias[1]
        z = kr.sigmoid(xw[:, :units] + hu[:, :units])
        r = kr.sigmoid(xw[:, units:2 * units] + hu[:, units:2 * units])
        hh = np.tanh(xw[:, 2 * units:] + r * hu[:, 2 * units:])
        h = z * h + (1 - z) * hh
        return h, (h,)
    return step, 1


def masked_rnn(cell, x, mask, units, go_backwards=False, zero_output_for_mask=False):
    """Every processed step's output (N, T, units) in processing order; the last one is the layer's last output."""
    step, n_states = cell
    n, steps, _ = x.shape
    states = tuple(np.zeros((n, units)) for _ in range(n_states))
    prev = np.zeros((n, units))
    outs = []
    for t in (reversed(range(steps)) if go_backwards else range(steps)):
        out, new = step(x[:, t], states)
        keep = mask[:, t][:, None]
        out = np.where(keep, out, 0.0 if zero_output_for_mask else prev)
        states = tuple(np.where(keep, s_new, s) for s_new, s in zip(new, states))
        prev = out
        outs.append(out)
    return np.stack(outs, 1), states


def check_against_torch():
    n, steps, features, units = 4, 7, 3, 5
    x = RNG.standard_normal((n, steps, features))
    mask = np.array([[1, 1, 1, 0, 0, 0, 0], [1, 0, 0, 1, 1, 0, 1], [0, 0, 1, 1, 1, 1, 1], [1] * 7], bool)
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    kernel, recurrent, bias = (RNG.standard_normal(s) * 0.6 for s in [(features, 4 * units), (units, 4 * units), (4 * units,)])
    lstm = torch.nn.LSTM(features, units, batch_first=True).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(t(kernel.T)); lstm.weight_hh_l0.copy_(t(recurrent.T))
        lstm.bias_ih_l0.copy_(t(bias)); lstm.bias_hh_l0.zero_()
    gk, gr, gb = RNG.standard_normal((features, 3 * units)) * 0.6, RNG.standard_normal((units, 3 * units)) * 0.6, RNG.standard_normal((2, 3 * units)) * 0.6
    reorder = lambda m: np.concatenate([m[..., units:2 * units], m[..., :units], m[..., 2 * units:]], -1)   # z,r,h -> r,z,n
    gru = torch.nn.GRU(features, units, batch_first=True).double()
    with torch.no_grad():
        gru.weight_ih_l0.copy_(t(reorder(gk).T)); gru.weight_hh_l0.copy_(t(reorder(gr).T))
        gru.bias_ih_l0.copy_(t(reorder(gb[0]))); gru.bias_hh_l0.copy_(t(reorder(gb[1])))
    worst = 0.0
    for backwards in (False, True):
        seq, (h, c) = masked_rnn(lstm_step(kernel, recurrent, bias), x, mask, units, go_backwards=backwards)
        gseq, (gh,) = masked_rnn(gru_step(gk, gr, gb), x, mask, units, go_backwards=backwards)
        for b in range(n):
            kept = x[b][mask[b]]
            kept = kept[::-1] if backwards else kept
            _, (th, tc) = lstm(t(kept[None]))
            _, tg = gru(t(kept[None]))
            diffs = [np.abs(h[b] - th[0, 0].detach().numpy()).max(), np.abs(c[b] - tc[0, 0].detach().numpy()).max(),
                     np.abs(gh[b] - tg[0, 0].detach().numpy()).max(), np.abs(seq[b, -1] - h[b]).max(), np.abs(gseq[b, -1] - gh[b]).max()]
            worst = max(worst, *diffs)
    print(f"masked LSTM/GRU final states vs PyTorch on the unmasked steps alone: max |diff| {worst:.1e}")
    assert worst < 1e-13


# ---- writers -----------------------------------------------------------------------------------------------------

def embedding(name, input_dim, output_dim, length, table, inbound):
    return Layer("Embedding", {"name": name, "trainable": True, "dtype": "float32", "input_dim": input_dim,
                               "output_dim": output_dim, "mask_zero": True, "input_length": length,
                               "embeddings_initializer": {"class_name": "RandomUniform", "config": {}}},
                 [inbound], [("embeddings", table)])


def tokens(name, length):
    return Layer("InputLayer", {"batch_input_shape": [None, length], "dtype": "int32", "sparse": False,
                                "ragged": False, "name": name})


def keras3_rnn(model_config):
    """Keras 3's RNN keys: no time_major or implementation; seed and zero_output_for_mask (False unless set)."""
    for entry in model_config["config"]["layers"]:
        if entry["class_name"] in ("LSTM", "GRU"):
            config = entry["config"]
            config.pop("time_major"); config.pop("implementation")
            config["seed"] = None
            config.setdefault("zero_output_for_mask", False)
    return model_config


def save(stem, layers, functional, shapes, inputs, outputs, golden):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, functional, stem, inputs, outputs))
    k3 = keras3_rnn(keras3_config(layers, functional, stem, shapes, inputs, outputs))
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers, include_input_layers=functional))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    finite = golden["outputs"]
    print(stem, {k: v.shape for k, v in golden.items()}, "range", finite.min(), finite.max())


# Padding at the end, in the middle, a fully masked row, none, at the start.
IDS7 = np.array([[3, 5, 1, 7, 0, 0, 0], [2, 0, 0, 4, 9, 0, 6], [0] * 7, [4, 8, 2, 6, 1, 3, 9], [0, 0, 5, 2, 7, 1, 1]], np.int32)
IDS6 = np.array([[3, 5, 1, 0, 0, 0], [2, 0, 0, 4, 7, 6], [0] * 6, [4, 7, 2, 6, 1, 3], [0, 0, 5, 2, 7, 1]], np.int32)


# ---- models ------------------------------------------------------------------------------------------------------

def rnn_model():
    table = f32(10, 4, scale=1.0)
    lstm_w, gru_w = rnn_weights("LSTM", 5, 4), rnn_weights("GRU", 4, 5)
    kd, bd = f32(4, 3), f32(3, scale=0.3)
    layers = [tokens("tokens", 7), embedding("embedding", 10, 4, 7, table, "tokens"),
              Layer("LSTM", rnn_config("lstm", "LSTM", 5, return_sequences=True), ["embedding"], lstm_w),
              Layer("GRU", rnn_config("gru", "GRU", 4), ["lstm"], gru_w),
              Layer("Dense", dense_config("dense", 3), ["gru"], [("kernel", kd), ("bias", bd)])]
    mask = IDS7 != 0
    seq, _ = masked_rnn(lstm_step(*(f64(w) for _, w in lstm_w)), f64(table)[IDS7], mask, 5)
    last = masked_rnn(gru_step(*(f64(w) for _, w in gru_w)), seq, mask, 4)[0][:, -1]
    y = kr.dense(last, kd, bd)
    assert np.allclose(y[2], bd), "a fully masked row: zero state, so the Dense gives its bias"
    shapes = {"tokens": [None, 7], "embedding": [None, 7, 4], "lstm": [None, 7, 5], "gru": [None, 4]}
    save("mask_rnn", layers, False, shapes, None, None, {"inputs": IDS7, "outputs": y})


def seq_model():
    table = f32(9, 3, scale=1.0)
    k1, b1 = f32(3, 4), f32(4, scale=0.3)
    gru_w, lstm_w = rnn_weights("GRU", 3, 4), rnn_weights("LSTM", 2, 3)
    layers = [tokens("tokens", 6), embedding("embedding", 9, 3, 6, table, "tokens"),
              Layer("Dense", dense_config("dense", 4, "tanh"), ["embedding"], [("kernel", k1), ("bias", b1)]),
              Layer("GRU", rnn_config("gru", "GRU", 3, return_sequences=True, go_backwards=True), ["dense"], gru_w),
              Layer("LSTM", rnn_config("lstm", "LSTM", 2, return_sequences=True, zero_output_for_mask=True), ["gru"], lstm_w)]
    mask = IDS6 != 0
    d = np.tanh(kr.dense(f64(table)[IDS6], k1, b1))
    g, _ = masked_rnn(gru_step(*(f64(w) for _, w in gru_w)), d, mask, 3, go_backwards=True)
    # RNN.compute_mask hands on the input mask as it came (unreversed) beside the reversed sequence.
    y, _ = masked_rnn(lstm_step(*(f64(w) for _, w in lstm_w)), g, mask, 2, zero_output_for_mask=True)
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 3], "dense": [None, 6, 4], "gru": [None, 6, 3], "lstm": [None, 6, 2]}
    save("mask_seq", layers, True, shapes, ["tokens"], ["lstm"], {"inputs": IDS6, "outputs": y})


def pool_model():
    table = f32(8, 4, scale=1.0)
    k1, b1 = f32(4, 5), f32(5, scale=0.3)
    gamma, beta, mean = f32(5, scale=0.5) + 1, f32(5, scale=0.3), f32(5, scale=0.3)
    var = (np.abs(f32(5)) + 0.5).astype(np.float32)
    k2, b2 = f32(5, 2), f32(2, scale=0.3)
    dropout = {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.1, "noise_shape": None, "seed": None}
    pool = {"name": "global_average_pooling1d", "trainable": True, "dtype": "float32", "data_format": "channels_last",
            "keepdims": False}
    layers = [tokens("tokens", 6), embedding("embedding", 8, 4, 6, table, "tokens"),
              Layer("Dense", dense_config("dense", 5, "relu"), ["embedding"], [("kernel", k1), ("bias", b1)]),
              Layer("BatchNormalization", bn_config("batch_normalization"), ["dense"],
                    [("gamma", gamma), ("beta", beta), ("moving_mean", mean), ("moving_variance", var)]),
              Layer("Dropout", dropout, ["batch_normalization"]),
              Layer("GlobalAveragePooling1D", pool, ["dropout"]),
              Layer("Dense", dense_config("dense_1", 2), ["global_average_pooling1d"], [("kernel", k2), ("bias", b2)])]

    def forward(ids):
        h = kr.batch_norm(kr.relu(kr.dense(f64(table)[ids], k1, b1)), gamma, beta, mean, var, 0.001)
        m = (ids != 0)[..., None].astype(np.float64)
        with np.errstate(invalid="ignore"):
            return kr.dense((h * m).sum(1) / m.sum(1), k2, b2)
    ids = IDS6[[0, 1, 3, 4]]
    empty = IDS6[[2, 0]]
    y_empty = forward(empty)
    assert np.isnan(y_empty[0]).all() and np.isfinite(y_empty[1]).all()
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 4], "dense": [None, 6, 5], "batch_normalization": [None, 6, 5],
              "dropout": [None, 6, 5], "global_average_pooling1d": [None, 5]}
    save("mask_pool", layers, False, shapes, None, None,
         {"inputs": ids, "outputs": forward(ids), "inputs_empty": empty, "outputs_empty": y_empty})


def masking_model():
    lstm_w = rnn_weights("LSTM", 4, 3)
    kd, bd = f32(4, 2), f32(2, scale=0.3)
    masking = {"name": "masking", "trainable": True, "dtype": "float32", "mask_value": 0.3}
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 5, 3], "dtype": "float32", "sparse": False,
                                   "ragged": False, "name": "masking_input"}),
              Layer("Masking", masking, ["masking_input"]),
              Layer("LSTM", rnn_config("lstm", "LSTM", 4), ["masking"], lstm_w),
              Layer("Dense", dense_config("dense", 2), ["lstm"], [("kernel", kd), ("bias", bd)])]
    x = f32(5, 5, 3, scale=1.0)
    v = np.float32(0.3)   # Keras compares in the layer's float32
    x[0, 3:] = v          # padding at the end
    x[1, 1] = v           # in the middle
    x[2] = v              # every step
    x[3, 2, :2] = v       # two of three features: not masked
    x[4, 0] = v           # at the start
    mask = (x != v).any(-1)
    assert mask[3].all() and not mask[2].any()
    xm = f64(x) * mask[..., None]
    last = masked_rnn(lstm_step(*(f64(w) for _, w in lstm_w)), xm, mask, 4)[0][:, -1]
    shapes = {"masking_input": [None, 5, 3], "masking": [None, 5, 3], "lstm": [None, 4]}
    save("mask_masking", layers, False, shapes, None, None, {"inputs": x, "outputs": kr.dense(last, kd, bd)})


def dropped_model():
    table = f32(8, 3, scale=1.0)
    kc, bc = f32(2, 3, 2), f32(2, scale=0.3)
    kd, bd = f32(2, 2), f32(2, scale=0.3)
    pool = {"name": "global_max_pooling1d", "trainable": True, "dtype": "float32", "data_format": "channels_last",
            "keepdims": False}
    layers = [tokens("tokens", 6), embedding("embedding", 8, 3, 6, table, "tokens"),
              Layer("Conv1D", conv_config("conv1d", 2, (2,), (1,), "valid", dilation=(1,)), ["embedding"], [("kernel", kc), ("bias", bc)]),
              Layer("GlobalMaxPooling1D", pool, ["conv1d"]),
              Layer("Dense", dense_config("dense", 2), ["global_max_pooling1d"], [("kernel", kd), ("bias", bd)])]
    # Conv1D does not support masking (Keras 3, tf.keras 2): the mask is dropped and nothing after it is masked.
    y = kr.dense(kr.conv1d(f64(table)[IDS6], kc, bc).max(1), kd, bd)
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 3], "conv1d": [None, 5, 2], "global_max_pooling1d": [None, 2]}
    save("mask_dropped", layers, False, shapes, None, None, {"inputs": IDS6, "outputs": y})


if __name__ == "__main__":
    check_against_torch()
    rnn_model()
    seq_model()
    pool_model()
    masking_model()
    dropped_model()
