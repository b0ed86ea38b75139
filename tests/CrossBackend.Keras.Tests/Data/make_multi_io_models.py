"""Functional models with several inputs and several outputs, in Keras's own file layouts, with float64 goldens.

Keras lists a functional model's inputs and outputs in its config (keras/src/models/functional.py get_config:
`input_layers` / `output_layers` map the structure the model was built with; tf.keras 2's
keras/engine/functional.py get_network_config writes a list of [layer, node, tensor] references). `model.inputs` and
`model.outputs` follow that order, which is the order predict takes and returns them in. Each model here lists its
inputs and outputs in an order that differs from the order of its layers, so a reader that took the layers' order
would feed and return them swapped.

Models (written with make_models.py's writers, the attention layers with make_attention_models.py's):
- two_inputs: input_layers [seq (None, 4, 3), feat (None, 6)] (the config's layers list feat first);
  da = Dense 5 relu (feat); db = Dense 5 tanh (seq) (4, 5); gap = GlobalAveragePooling1D (db);
  cat = Concatenate([da, gap]) (10); h = Dense 8 relu (cat); head_a = Dense 3 softmax (h); head_b = Dense 2 (h);
  per_step = Dense 2 (db) (4, 2). output_layers [head_b, per_step, head_a]: a rank-2 output, a rank-3 one (channels
  moved back on a channels-first engine) and a softmax.
- cross_inputs: input_layers [query (None, None, 6), value (None, None, 4)], steps None on both, so the query and
  value step counts differ per call (5 and 3; then 2 and 4); mha = MultiHeadAttention(2 heads, key_dim 3)(query=query,
  value=value) (key = value; called by keyword); res = Add([query, mha]); dq = Dense 4 (query);
  att = Attention(use_scale, scale 0.3)([dq, value]) (T_q, 4). output_layers [att, res].
  Goldens for 5 query / 3 value steps and for 2 / 4 (`short_`).

Golden keys: input_<i> and output_<j> in the config's input/output order (short_input_<i>, short_output_<j> for the
second call of cross_inputs).

Before writing, the reference is checked against real PyTorch 1.13 in float64: two_inputs's whole forward with
torch.nn.functional ops (linear, relu, tanh, softmax, mean, cat), and cross_inputs's MultiHeadAttention with
nn.MultiheadAttention(embed_dim 6, 2 heads, kdim = vdim = 4) and its Attention with torch ops.

Run: /usr/bin/python3 make_multi_io_models.py
"""
import os

import numpy as np
import torch

import keras_reference as kr
import make_attention_models as ma
from make_attention_models import attention, attention_layer, mha, mha_layer
from make_axis_models import layer_cfg
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, write_keras2_h5, write_keras3

RNG = np.random.default_rng(5301)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


def input_layer(name, batch_shape):
    return Layer("InputLayer", {"batch_input_shape": batch_shape, "dtype": "float32", "sparse": False, "ragged": False,
                                "name": name})


def save(stem, layers, shapes, inputs, outputs, golden):
    """Both formats through make_attention_models' writer pieces (attention calls and sub-layer weight groups)."""
    k2 = keras2_config(layers, True, stem, inputs, outputs)
    for entry, layer in zip(k2["config"]["layers"], layers):
        if isinstance(layer, ma.Attn):
            entry["inbound_nodes"] = layer.keras2_node
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, k2)
    k3 = keras3_config(layers, True, stem, shapes, inputs, outputs)
    for entry, layer in zip(k3["config"]["layers"], layers):
        if isinstance(layer, ma.Attn):
            entry["inbound_nodes"] = layer.keras3_node
            entry["build_config"] = layer.build_config
            if layer.class_name == "MultiHeadAttention":
                entry["config"]["seed"] = None
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, ma.keras3_weights_bytes(layers))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()})


def two_inputs_model():
    shapes = {"feat": [None, 6], "seq": [None, 4, 3], "da": [None, 5], "db": [None, 4, 5], "gap": [None, 5],
              "cat": [None, 10], "h": [None, 8], "head_a": [None, 3], "head_b": [None, 2], "per_step": [None, 4, 2]}
    ka, ba = f32(6, 5), f32(5, scale=0.2)
    kb, bb = f32(3, 5), f32(5, scale=0.2)
    kh, bh = f32(10, 8, scale=0.4), f32(8, scale=0.2)
    k1, b1 = f32(8, 3), f32(3, scale=0.2)
    k2, b2 = f32(8, 2), f32(2, scale=0.2)
    kp, bp = f32(5, 2), f32(2, scale=0.2)
    layers = [
        input_layer("feat", [None, 6]),
        input_layer("seq", [None, 4, 3]),
        Layer("Dense", dense_config("da", 5, "relu"), ["feat"], [("kernel", ka), ("bias", ba)]),
        Layer("Dense", dense_config("db", 5, "tanh"), ["seq"], [("kernel", kb), ("bias", bb)]),
        Layer("GlobalAveragePooling1D", layer_cfg("gap", data_format="channels_last", keepdims=False), ["db"]),
        Layer("Concatenate", layer_cfg("cat", axis=-1), ["da", "gap"]),
        Layer("Dense", dense_config("h", 8, "relu"), ["cat"], [("kernel", kh), ("bias", bh)]),
        Layer("Dense", dense_config("head_a", 3, "softmax"), ["h"], [("kernel", k1), ("bias", b1)]),
        Layer("Dense", dense_config("head_b", 2), ["h"], [("kernel", k2), ("bias", b2)]),
        Layer("Dense", dense_config("per_step", 2), ["db"], [("kernel", kp), ("bias", bp)]),
    ]

    def forward(seq, feat):
        seq, feat = f64(seq), f64(feat)
        da = kr.relu(kr.dense(feat, ka, ba))
        db = np.tanh(kr.dense(seq, kb, bb))
        h = kr.relu(kr.dense(np.concatenate([da, db.mean(axis=1)], axis=-1), kh, bh))
        return [kr.dense(h, k2, b2), kr.dense(db, kp, bp), kr.softmax(kr.dense(h, k1, b1))]

    def torch_forward(seq, feat):
        t = lambda a: torch.from_numpy(f64(a))
        lin = lambda x, k, b: torch.nn.functional.linear(x, t(k).T, t(b))
        da = torch.relu(lin(t(feat), ka, ba))
        db = torch.tanh(lin(t(seq), kb, bb))
        h = torch.relu(lin(torch.cat([da, db.mean(dim=1)], dim=-1), kh, bh))
        return [lin(h, k2, b2).numpy(), lin(db, kp, bp).numpy(), torch.softmax(lin(h, k1, b1), dim=-1).numpy()]

    seq, feat = f32(3, 4, 3, scale=1.0), f32(3, 6, scale=1.0)
    ours = forward(seq, feat)
    for a, b in zip(ours, torch_forward(seq, feat)):
        assert np.allclose(a, b, rtol=1e-13, atol=1e-14), np.abs(a - b).max()
    golden = {"input_0": seq, "input_1": feat}
    golden.update({f"output_{j}": y for j, y in enumerate(ours)})
    save("two_inputs", layers, shapes, ["seq", "feat"], ["head_b", "per_step", "head_a"], golden)


def cross_inputs_model():
    shapes = {"query": [None, None, 6], "value": [None, None, 4], "mha": [None, None, 6], "res": [None, None, 6],
              "dq": [None, None, 4], "att": [None, None, 4]}
    att_mha, w_mha = mha_layer("mha", shapes, "query", "value", None, 2, 3, keyword=True)
    kq, bq = f32(6, 4), f32(4, scale=0.2)
    layers = [
        input_layer("value", [None, None, 4]),
        input_layer("query", [None, None, 6]),
        att_mha,
        Layer("Add", layer_cfg("res"), ["query", "mha"]),
        Layer("Dense", dense_config("dq", 4), ["query"], [("kernel", kq), ("bias", bq)]),
        attention_layer("att", shapes, ["dq", "value"], False, True, "dot", scale=0.3),
    ]
    s = f64(np.float32(0.3))

    def forward(query, value):
        query, value = f64(query), f64(value)
        res = query + mha(query, value, value, w_mha, 2, 3, 3)
        att = attention(kr.dense(query, kq, bq), value, value, "dot", s)
        return [att, res]

    def torch_forward(query, value):
        d = 6
        w = [f64(a) for a in w_mha]
        m = torch.nn.MultiheadAttention(d, 2, bias=True, batch_first=True, kdim=4, vdim=4, dtype=torch.float64)
        with torch.no_grad():
            m.q_proj_weight.copy_(torch.from_numpy(w[0].reshape(d, d).T.copy()))
            m.k_proj_weight.copy_(torch.from_numpy(w[2].reshape(4, d).T.copy()))
            m.v_proj_weight.copy_(torch.from_numpy(w[4].reshape(4, d).T.copy()))
            m.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w[1].reshape(-1), w[3].reshape(-1), w[5].reshape(-1)])))
            m.out_proj.weight.copy_(torch.from_numpy(w[6].reshape(d, d).T.copy()))
            m.out_proj.bias.copy_(torch.from_numpy(w[7]))
        tq, tv = torch.from_numpy(f64(query)), torch.from_numpy(f64(value))
        res = tq + m(tq, tv, tv, need_weights=False)[0].detach()
        dq = torch.nn.functional.linear(tq, torch.from_numpy(f64(kq)).T, torch.from_numpy(f64(bq)))
        att = torch.softmax(float(s) * dq @ tv.transpose(1, 2), dim=-1) @ tv
        return [att.numpy(), res.numpy()]

    golden = {}
    for prefix, tq, tv in [("", 5, 3), ("short_", 2, 4)]:
        query, value = f32(3, tq, 6, scale=1.0), f32(3, tv, 4, scale=1.0)
        ours = forward(query, value)
        for a, b in zip(ours, torch_forward(query, value)):
            assert np.allclose(a, b, rtol=1e-12, atol=1e-13), np.abs(a - b).max()
        golden.update({f"{prefix}input_0": query, f"{prefix}input_1": value})
        golden.update({f"{prefix}output_{j}": y for j, y in enumerate(ours)})
    save("cross_inputs", layers, shapes, ["query", "value"], ["att", "res"], golden)


if __name__ == "__main__":
    two_inputs_model()
    cross_inputs_model()
