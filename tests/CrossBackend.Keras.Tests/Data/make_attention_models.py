"""MultiHeadAttention, Attention and AdditiveAttention models in Keras's own file layouts, with float64 NumPy goldens.

Written with make_models.py's writers plus what the attention layers add:
- Calls. tf.keras 2 (keras/engine/node.py Node.serialize) writes a layer's first argument as its inbound reference and
  every other argument as a keyword on it: mha(x, x) is [[["x", 0, 0, {"value": ["x", 0, 0]}]]], mha(q, v, k) adds
  "key"; Attention([q, v]) is a list argument, [[["q", 0, 0, {}], ["v", 0, 0, {}]]]. Keras 3 (functional.py
  serialize_node) writes {"args": [...], "kwargs": {...}} as called: mha(x, x) -> args [x, x]; mha(query=q, value=v,
  key=k) -> args [], kwargs {query, value, key}; Layer.__call__ adds the masks it looked for as null (query_mask,
  value_mask for MultiHeadAttention; mask [null, null] and training false for Attention, whose call takes training=False).
- Weights. MultiHeadAttention's four EinsumDense layers, kernel then bias each, in build order query, key, value,
  output: tf.keras 2 weight_names `mha/query/kernel:0`, `mha/query/bias:0`, ..., `mha/attention_output/bias:0`; Keras 3
  keeps them under the attributes holding the sub-layers, `layers/multi_head_attention/_query_dense/vars/0..1`,
  `_key_dense`, `_value_dense`, `_output_dense` (plus empty `vars` of the layer, `_softmax`, `_dropout_layer`).
  Shapes: query/key/value kernel (d, heads, dim), bias (heads, dim); output kernel (heads, value_dim, d_out), bias (d_out).
  Attention: `scale` () with use_scale, then `concat_score_weight` () for score_mode "concat"; AdditiveAttention:
  `scale` (d) with use_scale.
- Numbers (keras/src/layers/attention/multi_head_attention.py, attention.py, additive_attention.py; tf.keras 2 the
  same): MHA q = x_q W_q + b_q per head, q *= 1/sqrt(key_dim) BEFORE the dot product, scores = q k^T per head, softmax
  over the keys, o = scores v, output = sum over heads and value_dim of o W_o + b_o. Attention dot: q k^T (* scale);
  concat: w * sum(tanh(scale * (q + k))); additive: sum(scale * tanh(q + k)); softmax over the value steps;
  weights @ value.

Models (single input; the value/key branches differ from the query through Dense layers and a Cropping1D, so the
query and key lengths differ):
- transformer (functional, steps None): x (None, 6) -> MultiHeadAttention(2 heads, key_dim 3)(x, x) -> Add([x, mha])
  -> LayerNormalization(epsilon 1e-6) -> Dense 8 relu -> Dense 6 -> Add -> LayerNormalization -> GlobalAveragePooling1D
  -> Dense 3. Goldens for 5 steps and 2 steps (`inputs_short`).
- cross_attention: x (5, 4); q = Dense 5 (x); v = Cropping1D((1, 0))(Dense 3 (x)) (4 steps); k = Cropping1D((0, 1))(x)
  (4 steps, 4 features); mha_kw = MultiHeadAttention(3 heads, key_dim 2, value_dim 4, output_shape 5) called by
  keyword (query=q, value=v, key=k); mha_pos = MultiHeadAttention(2 heads, key_dim 3, use_bias False)(mha_kw, v)
  positionally; output (5, 5).
- attention: x (5, 4); q = Dense 4 (x); v = Cropping1D((1, 0))(Dense 3 (x)); k = Cropping1D((1, 0))(x);
  att_dot = Attention(use_scale, "dot")([q, v, k]) (5, 3); att_concat = Attention(use_scale, "concat")([x, x]);
  add_scaled = AdditiveAttention(use_scale)([q, x]); add_plain = AdditiveAttention(use_scale=False)([att_concat,
  add_scaled]); att_plain = Attention()([add_plain, x]); Concatenate([att_dot, att_plain]) (5, 7).

Before writing, the MHA formula is checked against real PyTorch 1.13 nn.MultiheadAttention (self-attention, and
cross-attention with kdim/vdim) with the Keras kernels converted to in_proj/out_proj weights, and the Attention scores
against torch ops.

Run: /usr/bin/python3 make_attention_models.py
"""
import io
import os

import h5py
import numpy as np
import torch

import keras_reference as kr
from make_axis_models import layer_cfg
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, snake, write_keras2_h5, write_keras3
from make_norm_conv_models import layer_norm, ln_config

RNG = np.random.default_rng(2052)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- reference formulas (float64) ----------------------------------------------------------------------------------

def causal_softmax(scores, causal):
    """Softmax over the last axis; with causal, entries whose column j exceeds the row i are excluded (Keras's
    lower-triangular mask: row index >= column index; its -1e9 gives them weight exactly 0)."""
    if causal:
        tq, tk = scores.shape[-2:]
        allowed = np.arange(tq)[:, None] >= np.arange(tk)[None, :]
        scores = np.where(allowed, scores, -np.inf)
    return kr.softmax(scores, axis=-1)


def mha(query, value, key, weights, heads, key_dim, value_dim, use_bias=True, causal=False):
    """Keras's MultiHeadAttention.call with attention_axes None, no mask (or use_causal_mask), inference."""
    w = [f64(a) for a in weights]
    i = 0

    def project(x, dim):
        nonlocal i
        y = np.einsum("btd,dhk->bthk", x, w[i]); i += 1
        if use_bias:
            y = y + w[i]; i += 1
        return y
    q = project(query, key_dim)
    k = project(key, key_dim)
    v = project(value, value_dim)
    q = q * (1.0 / np.sqrt(float(key_dim)))
    scores = np.einsum("bjhk,bihk->bhij", k, q)
    scores = causal_softmax(scores, causal)
    o = np.einsum("bhij,bjhv->bihv", scores, v)
    y = np.einsum("bihv,hve->bie", o, w[i]); i += 1
    if use_bias:
        y = y + w[i]
    return y


def attention(query, value, key, score, scale=None, concat_weight=None, causal=False):
    """Keras's Attention / AdditiveAttention.call, no mask, inference."""
    query, value, key = f64(query), f64(value), f64(key)
    if score == "dot":
        s = query @ key.transpose(0, 2, 1)
        if scale is not None:
            s = s * f64(scale)
    elif score == "concat":
        t = query[:, :, None, :] + key[:, None, :, :]
        if scale is not None:
            t = f64(scale) * t
        s = f64(concat_weight) * np.tanh(t).sum(-1)
    else:
        t = np.tanh(query[:, :, None, :] + key[:, None, :, :])
        s = (t * (1.0 if scale is None else f64(scale))).sum(-1)
    return causal_softmax(s, causal) @ value


def check_against_torch():
    # Self-attention: embed 6 = 2 heads x key_dim 3 (PyTorch's head_dim), value_dim 3.
    d, heads, kd = 6, 2, 3
    x = RNG.standard_normal((2, 5, d))
    w = [RNG.standard_normal((d, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((d, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((d, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((heads, kd, d)), RNG.standard_normal(d)]
    ours = mha(x, x, x, w, heads, kd, kd)
    m = torch.nn.MultiheadAttention(d, heads, bias=True, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.from_numpy(np.concatenate([w[0].reshape(d, d).T, w[2].reshape(d, d).T, w[4].reshape(d, d).T])))
        m.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w[1].reshape(-1), w[3].reshape(-1), w[5].reshape(-1)])))
        m.out_proj.weight.copy_(torch.from_numpy(w[6].reshape(d, d).T.copy()))
        m.out_proj.bias.copy_(torch.from_numpy(w[7]))
    tx = torch.from_numpy(x)
    theirs = m(tx, tx, tx, need_weights=False)[0].detach().numpy()
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), np.abs(ours - theirs).max()
    # Cross-attention with other key/value widths (kdim 4, vdim 3) and other key/value lengths.
    q, v, k = RNG.standard_normal((2, 5, d)), RNG.standard_normal((2, 4, 3)), RNG.standard_normal((2, 4, 4))
    w = [RNG.standard_normal((d, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((4, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((3, heads, kd)), RNG.standard_normal((heads, kd)),
         RNG.standard_normal((heads, kd, d)), RNG.standard_normal(d)]
    ours = mha(q, v, k, w, heads, kd, kd)
    m = torch.nn.MultiheadAttention(d, heads, bias=True, batch_first=True, kdim=4, vdim=3, dtype=torch.float64)
    with torch.no_grad():
        m.q_proj_weight.copy_(torch.from_numpy(w[0].reshape(d, d).T.copy()))
        m.k_proj_weight.copy_(torch.from_numpy(w[2].reshape(4, d).T.copy()))
        m.v_proj_weight.copy_(torch.from_numpy(w[4].reshape(3, d).T.copy()))
        m.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w[1].reshape(-1), w[3].reshape(-1), w[5].reshape(-1)])))
        m.out_proj.weight.copy_(torch.from_numpy(w[6].reshape(d, d).T.copy()))
        m.out_proj.bias.copy_(torch.from_numpy(w[7]))
    theirs = m(torch.from_numpy(q), torch.from_numpy(k), torch.from_numpy(v), need_weights=False)[0].detach().numpy()
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), np.abs(ours - theirs).max()
    # Attention scores against torch ops.
    q, v, k = RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 3, 2)), RNG.standard_normal((2, 3, 4))
    tq, tv, tk = (torch.from_numpy(a) for a in (q, v, k))
    for score, scale, cw, expect in [
        ("dot", 0.3, None, torch.softmax(0.3 * tq @ tk.transpose(1, 2), -1) @ tv),
        ("concat", 1.7, 0.9, torch.softmax(0.9 * torch.tanh(1.7 * (tq[:, :, None] + tk[:, None])).sum(-1), -1) @ tv),
        ("additive", np.array([0.3, -1.1, 0.7, 2.0]), None,
         torch.softmax((torch.tensor([0.3, -1.1, 0.7, 2.0], dtype=torch.float64) * torch.tanh(tq[:, :, None] + tk[:, None])).sum(-1), -1) @ tv)]:
        ours = attention(q, v, k, score, scale, cw)
        assert np.allclose(ours, expect.numpy(), rtol=1e-12, atol=1e-13), (score, np.abs(ours - expect.numpy()).max())


# ---- layers and files ----------------------------------------------------------------------------------------------

class Attn(Layer):
    """An attention layer: how it is called in each format, and its Keras 3 sub-groups (`parts`) with their variables."""

    def __init__(self, class_name, config, inbound, weights, keras2_node, keras3_node, parts, build_config):
        super().__init__(class_name, config, inbound, weights)
        self.keras2_node, self.keras3_node, self.parts, self.build_config = keras2_node, keras3_node, parts, build_config


def tensor(name, shapes):
    return {"class_name": "__keras_tensor__", "config": {"shape": shapes[name], "dtype": "float32", "keras_history": [name, 0, 0]}}


def mha_layer(name, shapes, query, value, key, heads, key_dim, value_dim=None, use_bias=True, output_shape=None,
              keyword=False, causal=False):
    d_q, d_v = shapes[query][-1], shapes[value][-1]
    d_k = shapes[key or value][-1]
    vd = value_dim or key_dim
    out = output_shape or d_q
    parts = []
    weights = []
    for short, group, kernel, bias in [("query", "_query_dense", (d_q, heads, key_dim), (heads, key_dim)),
                                       ("key", "_key_dense", (d_k, heads, key_dim), (heads, key_dim)),
                                       ("value", "_value_dense", (d_v, heads, vd), (heads, vd)),
                                       ("attention_output", "_output_dense", (heads, vd, out), (out,))]:
        values = [f32(*kernel, scale=0.5)] + ([f32(*bias, scale=0.3)] if use_bias else [])
        weights += [(f"{short}/kernel", values[0])] + ([(f"{short}/bias", values[1])] if use_bias else [])
        parts.append((group, values))
    parts += [("_softmax", []), ("_dropout_layer", [])]
    init = lambda n: {"class_name": n, "config": {"seed": None} if n == "GlorotUniform" else {}}
    config = {**layer_cfg(name), "num_heads": heads, "key_dim": key_dim, "value_dim": value_dim, "dropout": 0.1,
              "use_bias": use_bias, "output_shape": output_shape, "attention_axes": None,
              "kernel_initializer": init("GlorotUniform"), "bias_initializer": init("Zeros"), "kernel_regularizer": None,
              "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    # tf.keras 2: query the inbound reference, value (and key) keywords on it.
    extra = {"value": [value, 0, 0]}
    if key:
        extra["key"] = [key, 0, 0]
    if causal:
        extra["use_causal_mask"] = True
    keras2_node = [[[query, 0, 0, extra]]]
    masks = {"query_mask": None, "value_mask": None, **({"key_mask": None} if key else {})}
    if causal:
        masks["use_causal_mask"] = True
    if keyword:
        kwargs = {"query": tensor(query, shapes), "value": tensor(value, shapes), **({"key": tensor(key, shapes)} if key else {})}
        keras3_node = [{"args": [], "kwargs": {**kwargs, **masks}}]
    else:
        args = [tensor(query, shapes), tensor(value, shapes)] + ([tensor(key, shapes)] if key else [])
        keras3_node = [{"args": args, "kwargs": masks}]
    build = {"shapes_dict": {"query_shape": shapes[query], "value_shape": shapes[value], "key_shape": shapes[key] if key else None}}
    inbound = [query, value] + ([key] if key else [])
    layer = Attn("MultiHeadAttention", config, inbound, weights, keras2_node, keras3_node, parts, build)
    return layer, [v for _, v in weights]


def attention_layer(name, shapes, inbound, additive, use_scale, score_mode="dot", scale=None, concat_weight=None,
                    causal_call=False, causal_config=False):
    """causal_call: use_causal_mask=True in the call (both files); causal_config: tf.keras 2 before 2.10's config
    `causal: true` in the .h5 and the call argument in the .keras (Keras 3's constructor takes no `causal`)."""
    weights = []
    if use_scale:
        weights.append(("scale", np.float32(scale) if not additive else np.asarray(scale, np.float32)))
    if not additive and score_mode == "concat":
        weights.append(("concat_score_weight", np.float32(concat_weight)))
    config = {**layer_cfg(name), "use_scale": use_scale, "dropout": 0.2}
    if not additive:
        config["score_mode"] = score_mode
    if causal_config:
        config["causal"] = True
    keras2_node = [[[n, 0, 0, {"use_causal_mask": True} if causal_call else {}] for n in inbound]]
    kwargs3 = {"mask": [None] * len(inbound), "training": False}
    if causal_call or causal_config:
        kwargs3["use_causal_mask"] = True
    keras3_node = [{"args": [[tensor(n, shapes) for n in inbound]], "kwargs": kwargs3}]
    layer = Attn("AdditiveAttention" if additive else "Attention", config, inbound, weights, keras2_node, keras3_node,
                 [], {"input_shape": [shapes[n] for n in inbound]})
    return layer


def keras3_weights_bytes(layers):
    """make_models' layout (functional: input layers counted); MHA's variables under its sub-layer groups."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        used = {}
        for l in layers:
            name = snake(l.class_name)
            used[name] = used.get(name, -1) + 1
            name = name if used[name] == 0 else f"{name}_{used[name]}"
            own = f.create_group(f"layers/{name}/vars")
            if isinstance(l, Attn) and l.parts:
                for part, values in l.parts:
                    group = f.create_group(f"layers/{name}/{part}/vars")
                    for i, value in enumerate(values):
                        group.create_dataset(str(i), data=value)
            else:
                for i, (_, value) in enumerate(l.weights):
                    own.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def save(stem, layers, shapes, inputs, outputs, golden):
    k2 = keras2_config(layers, True, stem, inputs, outputs)
    for entry, layer in zip(k2["config"]["layers"], layers):
        if isinstance(layer, Attn):
            entry["inbound_nodes"] = layer.keras2_node
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, k2)
    k3 = keras3_config(layers, True, stem, shapes, inputs, outputs)
    for entry, layer in zip(k3["config"]["layers"], layers):
        if isinstance(layer, Attn):
            entry["inbound_nodes"] = layer.keras3_node
            entry["build_config"] = layer.build_config
            if layer.class_name == "MultiHeadAttention":
                entry["config"]["seed"] = None
            entry["config"].pop("causal", None)
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()}, "range", golden["outputs"].min(), golden["outputs"].max())


INPUT = lambda features: Layer("InputLayer", {"batch_input_shape": [None, None, features], "dtype": "float32",
                                              "sparse": False, "ragged": False, "name": "x"})


def crop(name, inbound, before, after):
    return Layer("Cropping1D", layer_cfg(name, cropping=[before, after]), [inbound])


# ---- models --------------------------------------------------------------------------------------------------------

def transformer_model():
    shapes = {"x": [None, None, 6]}
    for n in ["mha", "add1", "ln1", "ff1", "ff2", "add2", "ln2"]:
        shapes[n] = [None, None, 6]
    shapes["ff1"] = [None, None, 8]
    shapes["gap"] = [None, 6]
    att, w_att = mha_layer("mha", shapes, "x", "x", None, 2, 3)
    g1, b1 = 1 + f32(6, scale=0.2), f32(6, scale=0.2)
    k1, c1 = f32(6, 8, scale=0.5), f32(8, scale=0.2)
    k2, c2 = f32(8, 6, scale=0.5), f32(6, scale=0.2)
    g2, b2 = 1 + f32(6, scale=0.2), f32(6, scale=0.2)
    k3, c3 = f32(6, 3, scale=0.5), f32(3, scale=0.2)
    layers = [
        INPUT(6), att,
        Layer("Add", layer_cfg("add1"), ["x", "mha"]),
        Layer("LayerNormalization", ln_config("ln1", [2], 1e-6), ["add1"], [("gamma", g1), ("beta", b1)]),
        Layer("Dense", dense_config("ff1", 8, "relu"), ["ln1"], [("kernel", k1), ("bias", c1)]),
        Layer("Dense", dense_config("ff2", 6), ["ff1"], [("kernel", k2), ("bias", c2)]),
        Layer("Add", layer_cfg("add2"), ["ln1", "ff2"]),
        Layer("LayerNormalization", ln_config("ln2", [2], 1e-3), ["add2"], [("gamma", g2), ("beta", b2)]),
        Layer("GlobalAveragePooling1D", layer_cfg("gap", data_format="channels_last", keepdims=False), ["ln2"]),
        Layer("Dense", dense_config("head", 3), ["gap"], [("kernel", k3), ("bias", c3)]),
    ]

    def forward(x):
        x = f64(x)
        h = layer_norm(x + mha(x, x, x, w_att, 2, 3, 3), [-1], g1, b1, 1e-6)
        h = layer_norm(h + kr.dense(kr.relu(kr.dense(h, k1, c1)), k2, c2), [-1], g2, b2, 1e-3)
        return kr.dense(h.mean(axis=1), k3, c3)
    x, xs = f32(3, 5, 6, scale=1.0), f32(3, 2, 6, scale=1.0)
    save("transformer", layers, shapes, ["x"], ["head"],
         {"inputs": x, "outputs": forward(x), "inputs_short": xs, "outputs_short": forward(xs)})


def cross_model():
    shapes = {"x": [None, 5, 4], "q": [None, 5, 5], "v_full": [None, 5, 3], "v": [None, 4, 3], "k": [None, 4, 4],
              "mha_kw": [None, 5, 5], "mha_pos": [None, 5, 5]}
    kq, bq = f32(4, 5), f32(5, scale=0.2)
    kv, bv = f32(4, 3), f32(3, scale=0.2)
    att1, w1 = mha_layer("mha_kw", shapes, "q", "v", "k", 3, 2, value_dim=4, output_shape=5, keyword=True)
    att2, w2 = mha_layer("mha_pos", shapes, "mha_kw", "v", None, 2, 3, use_bias=False)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 5, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        Layer("Dense", dense_config("q", 5), ["x"], [("kernel", kq), ("bias", bq)]),
        Layer("Dense", dense_config("v_full", 3), ["x"], [("kernel", kv), ("bias", bv)]),
        crop("v", "v_full", 1, 0), crop("k", "x", 0, 1), att1, att2,
    ]
    x = f32(3, 5, 4, scale=1.0)
    q, v, k = kr.dense(f64(x), kq, bq), kr.dense(f64(x), kv, bv)[:, 1:], f64(x)[:, :-1]
    h = mha(q, v, k, w1, 3, 2, 4)
    y = mha(h, v, v, w2, 2, 3, 3, use_bias=False)
    save("cross_attention", layers, shapes, ["x"], ["mha_pos"], {"inputs": x, "outputs": y})


def attention_model():
    shapes = {"x": [None, 5, 4], "q": [None, 5, 4], "v_full": [None, 5, 3], "v": [None, 4, 3], "k": [None, 4, 4],
              "att_dot": [None, 5, 3], "att_concat": [None, 5, 4], "add_scaled": [None, 5, 4], "add_plain": [None, 5, 4],
              "att_plain": [None, 5, 4]}
    kq, bq = f32(4, 4), f32(4, scale=0.2)
    kv, bv = f32(4, 3), f32(3, scale=0.2)
    s_add = f32(4, scale=1.0)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 5, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
        Layer("Dense", dense_config("q", 4), ["x"], [("kernel", kq), ("bias", bq)]),
        Layer("Dense", dense_config("v_full", 3), ["x"], [("kernel", kv), ("bias", bv)]),
        crop("v", "v_full", 1, 0), crop("k", "x", 1, 0),
        attention_layer("att_dot", shapes, ["q", "v", "k"], False, True, "dot", scale=0.3),
        attention_layer("att_concat", shapes, ["x", "x"], False, True, "concat", scale=1.7, concat_weight=0.9),
        attention_layer("add_scaled", shapes, ["q", "x"], True, True, scale=s_add),
        attention_layer("add_plain", shapes, ["att_concat", "add_scaled"], True, False),
        attention_layer("att_plain", shapes, ["add_plain", "x"], False, False),
        Layer("Concatenate", layer_cfg("out", axis=-1), ["att_dot", "att_plain"]),
    ]
    x = f32(3, 5, 4, scale=1.0)
    xd = f64(x)
    q, v, k = kr.dense(xd, kq, bq), kr.dense(xd, kv, bv)[:, 1:], xd[:, 1:]
    s32 = lambda value: f64(np.float32(value))
    a_dot = attention(q, v, k, "dot", s32(0.3))
    a_concat = attention(xd, xd, xd, "concat", s32(1.7), s32(0.9))
    a_add = attention(q, xd, xd, "additive", f64(s_add))
    a_plain_add = attention(a_concat, a_add, a_add, "additive")
    a_plain = attention(a_plain_add, xd, xd, "dot")
    y = np.concatenate([a_dot, a_plain], axis=-1)
    save("attention", layers, shapes, ["x"], ["out"], {"inputs": x, "outputs": y})


def check_causal_against_torch():
    """use_causal_mask against PyTorch 1.13 nn.MultiheadAttention with attn_mask = triu(ones(T_q, T_k), 1) (True: not
    allowed), T_q 5 and T_k 3."""
    rng = np.random.default_rng(7)
    d, heads, kd = 4, 2, 2
    q, kv = rng.standard_normal((2, 5, d)), rng.standard_normal((2, 3, d))
    w = [rng.standard_normal((d, heads, kd)), rng.standard_normal((heads, kd)), rng.standard_normal((d, heads, kd)),
         rng.standard_normal((heads, kd)), rng.standard_normal((d, heads, kd)), rng.standard_normal((heads, kd)),
         rng.standard_normal((heads, kd, d)), rng.standard_normal(d)]
    ours = mha(q, kv, kv, w, heads, kd, kd, causal=True)
    m = torch.nn.MultiheadAttention(d, heads, bias=True, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.from_numpy(np.concatenate([w[0].reshape(d, d).T, w[2].reshape(d, d).T, w[4].reshape(d, d).T])))
        m.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w[1].reshape(-1), w[3].reshape(-1), w[5].reshape(-1)])))
        m.out_proj.weight.copy_(torch.from_numpy(w[6].reshape(d, d).T.copy()))
        m.out_proj.bias.copy_(torch.from_numpy(w[7]))
    mask = torch.ones(5, 3, dtype=torch.bool).triu(1)
    theirs = m(torch.from_numpy(q), torch.from_numpy(kv), torch.from_numpy(kv), attn_mask=mask, need_weights=False)[0].detach().numpy()
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12), np.abs(ours - theirs).max()
    s = rng.standard_normal((2, 5, 3))
    expect = torch.softmax(torch.from_numpy(s).masked_fill(mask, float("-inf")), -1).numpy()
    assert np.allclose(causal_softmax(s, True), expect, rtol=1e-14, atol=1e-15)
    # Keras's own form (scores - 1e9 where masked) gives the same weights.
    keras_form = kr.softmax(s - 1e9 * mask.numpy(), axis=-1)
    assert np.allclose(keras_form, expect, rtol=1e-14, atol=1e-15)


def causal_model():
    """x (None, 4) -> m1 = MHA(2 heads, key_dim 2, value_dim 3)(x, x, use_causal_mask=True); v = Cropping1D((2, 0))(x);
    m2 = MHA(1 head, key_dim 3)(query=m1, value=v, use_causal_mask=True) (T_q = T, T_v = T - 2: row i reads j <= i);
    a1 = Attention(use_scale)([m2, x], use_causal_mask=True); a2 = AdditiveAttention()([a1, v]) causal (the config's
    causal=True in the .h5, the call argument in the .keras)."""
    global RNG
    RNG = np.random.default_rng(2053)
    shapes = {"x": [None, None, 4], "m1": [None, None, 4], "v": [None, None, 4], "m2": [None, None, 4],
              "a1": [None, None, 4], "a2": [None, None, 4]}
    att1, w1 = mha_layer("m1", shapes, "x", "x", None, 2, 2, value_dim=3, causal=True)
    att2, w2 = mha_layer("m2", shapes, "m1", "v", None, 1, 3, keyword=True, causal=True)
    layers = [INPUT(4), att1, crop("v", "x", 2, 0), att2,
              attention_layer("a1", shapes, ["m2", "x"], False, True, "dot", scale=0.3, causal_call=True),
              attention_layer("a2", shapes, ["a1", "v"], True, False, causal_config=True)]

    def forward(x):
        x = f64(x)
        v = x[:, 2:]
        h = mha(x, x, x, w1, 2, 2, 3, causal=True)
        h = mha(h, v, v, w2, 1, 3, 3, causal=True)
        h = attention(h, x, x, "dot", f64(np.float32(0.3)), causal=True)
        return attention(h, v, v, "additive", causal=True)
    x, xs = f32(3, 6, 4, scale=1.0), f32(3, 4, 4, scale=1.0)
    save("causal_attention", layers, shapes, ["x"], ["a2"],
         {"inputs": x, "outputs": forward(x), "inputs_short": xs, "outputs_short": forward(xs)})


if __name__ == "__main__":
    check_against_torch()
    check_causal_against_torch()
    transformer_model()
    cross_model()
    attention_model()
    causal_model()
