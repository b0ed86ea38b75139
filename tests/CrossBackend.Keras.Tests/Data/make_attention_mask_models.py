"""Keras masks (Embedding(mask_zero=True)) reaching MultiHeadAttention, Attention and AdditiveAttention, in Keras's own
file layouts, with float64 NumPy goldens.

Written with make_attention_models.py's attention writers and make_mask_models.py's Embedding / token inputs. The
masked semantics, read from Keras's sources:
- MultiHeadAttention (Keras 3 keras/src/layers/attention/multi_head_attention.py; tf.keras 2.10+
  keras/layers/attention/multi_head_attention.py): Layer.__call__ fills query_mask / value_mask / key_mask from the
  tensors' _keras_mask (tf.keras 2: _compute_attention_mask reads query._keras_mask, value._keras_mask,
  key._keras_mask); the (B, T_q, T_k) mask is query_mask[:, :, None] & value_mask[:, None, :] & key_mask[:, None, :]
  (& the lower-triangular causal mask with use_causal_mask); _masked_softmax hands it to the Softmax layer, which adds
  (1 - mask) * -1e9 to the scores. A masked score's weight is then exactly 0 (e^-1e9 underflows); a row with every score
  masked (every masked query step: its query mask is False) is -1e9 + s, which float32 rounds to -1e9 alike (|s| < 32),
  so its softmax is uniform, 1/T_k (recent Keras 3's fused dot_product_attention path on TensorFlow,
  keras/src/backend/tensorflow/nn.py _apply_masks, where(mask, s, -0.7 * 3.38953e38), gives the same). The output carries the query's mask.
- Attention / AdditiveAttention (keras/src/layers/attention/attention.py; tf.keras 2
  keras/layers/attention/base_dense_attention.py): mask = [query_mask, value_mask] (the key's mask is not read);
  scores -= 1e9 * (not value_mask & causal); softmax; weights @ value; result *= query_mask (a masked query step gives
  zeros); compute_mask returns the query mask (Keras 2 and 3.4+; Keras 3.0 to 3.3 hand on none, see
  mask_cross_k33.keras).
- GlobalAveragePooling1D: the masked mean (sum over unmasked steps / their count).

Models:
- mask_mha (functional, tokens (7)): emb = Embedding(12, 6, mask_zero) -> mha = MHA(2 heads, key_dim 3)(emb, emb) ->
  add = Add([emb, mha]) (both masked: Keras 2's AND and 3.4+'s OR give the same mask) -> mha_c = MHA(2 heads, key_dim 2,
  value_dim 3)(add, add, use_causal_mask=True) -> gap = GlobalAveragePooling1D -> head = Dense 3. Outputs [head, mha_c]
  (the sequence shows the masked query steps' uniform rows). Rows: padding at the end, in the middle, none, at the start;
  `empty_` a fully masked row (head NaN: 0/0) and row 0 again.
- mask_cross (functional, inputs qtok and vtok, steps None; 5 and 4 steps, `short_` 2 and 3): eq = Embedding(10, 4, mask_zero)(qtok), ev = Embedding(9, 4,
  mask_zero)(vtok), ek = Dense 4 (ev) (the value's mask passes); mha = MHA(2 heads, key_dim 2)(query=eq, value=ev,
  key=ek) by keyword; att = Attention(use_scale, scale 0.3)([eq, ev]); add = AdditiveAttention(use_scale)([eq, ev, ek]);
  pooled = GlobalAveragePooling1D(att) (the query's mask: a masked mean under Keras 2 and 3.4+, a plain mean under 3.3,
  `k33_` goldens). Outputs [mha, att, add, pooled]. The Keras 3 Attention calls carry no `mask` entry (Keras fills a
  missing or None mask from the inputs; a recorded [None, None] would keep it unmasked); MHA's null query_mask /
  value_mask / key_mask are filled alike. Rows: query padded at the end / value at the end; query at the start
  / value in the middle; query none / value fully masked (every row uniform); query in the middle / value none.

Before writing, the reference is checked against Keras's own formula run in float32 NumPy (the -1e9 added, softmax) and
against real PyTorch 1.13 nn.MultiheadAttention with key_padding_mask and attn_mask on the rows with a kept score
(PyTorch gives NaN on a fully masked row, where Keras gives a uniform one).

Run: /usr/bin/python3 make_attention_mask_models.py
"""
import json
import os
import zipfile

import numpy as np
import torch

import keras_reference as kr
import make_attention_models as ma
from make_attention_models import attention_layer, mha_layer
from make_axis_models import layer_cfg
from make_mask_models import embedding, tokens
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, write_keras2_h5, write_keras3

RNG = np.random.default_rng(5353)


def f32(*shape, scale=0.6):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- reference (float64) -------------------------------------------------------------------------------------------

def masked_softmax(scores, allowed):
    """Softmax over the last axis of the allowed entries alone (the others 0); a row with none allowed uniform."""
    allowed = np.broadcast_to(allowed, scores.shape)
    kept = np.where(allowed, scores, -np.inf)
    any_kept = allowed.any(-1, keepdims=True)
    kept = np.where(any_kept, kept, 0.0)
    return kr.softmax(kept, axis=-1)


def causal(tq, tk):
    return np.arange(tq)[:, None] >= np.arange(tk)[None, :]


def mha_masked(query, value, key, weights, heads, key_dim, value_dim, qmask=None, vmask=None, kmask=None,
               use_causal=False):
    """MultiHeadAttention.call with Keras masks, inference (attention_axes None, use_bias True)."""
    w = [f64(a) for a in weights]
    q = np.einsum("btd,dhk->bthk", f64(query), w[0]) + w[1]
    k = np.einsum("btd,dhk->bthk", f64(key), w[2]) + w[3]
    v = np.einsum("btd,dhk->bthk", f64(value), w[4]) + w[5]
    q = q * (1.0 / np.sqrt(float(key_dim)))
    scores = np.einsum("bjhk,bihk->bhij", k, q)
    b, tq, tk = scores.shape[0], scores.shape[2], scores.shape[3]
    allowed = np.ones((b, tq, tk), bool)
    if qmask is not None:
        allowed &= qmask[:, :, None]
    if vmask is not None:
        allowed &= vmask[:, None, :]
    if kmask is not None:
        allowed &= kmask[:, None, :]
    if use_causal:
        allowed &= causal(tq, tk)[None]
    weights_ = masked_softmax(scores, allowed[:, None])
    o = np.einsum("bhij,bjhv->bihv", weights_, v)
    return np.einsum("bihv,hve->bie", o, w[6]) + w[7]


def attention_masked(query, value, key, score, scale=None, qmask=None, vmask=None):
    """Attention ("dot") / AdditiveAttention ("additive") with mask=[qmask, vmask], inference."""
    query, value, key = f64(query), f64(value), f64(key)
    if score == "dot":
        s = query @ key.transpose(0, 2, 1) * (1.0 if scale is None else f64(scale))
    else:
        s = (np.tanh(query[:, :, None, :] + key[:, None, :, :]) * (1.0 if scale is None else f64(scale))).sum(-1)
    allowed = np.ones(s.shape, bool) if vmask is None else np.broadcast_to(vmask[:, None, :], s.shape)
    y = masked_softmax(s, allowed) @ value
    return y if qmask is None else y * qmask[:, :, None]


def masked_mean(x, mask):
    m = mask[..., None].astype(np.float64)
    with np.errstate(invalid="ignore"):
        return (x * m).sum(1) / m.sum(1)


# ---- checks --------------------------------------------------------------------------------------------------------

def keras_float32_softmax(scores, allowed):
    """Keras's own form in float32: scores + (1 - mask) * -1e9, then softmax."""
    s = scores.astype(np.float32) + (1.0 - allowed.astype(np.float32)) * np.float32(-1e9)
    e = np.exp(s - s.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float64)


def check_references():
    rng = np.random.default_rng(11)
    # 1. Keras's float32 -1e9 form: partial rows as the reference; fully masked rows uniform.
    s = rng.standard_normal((3, 4, 5)) * 3
    allowed = rng.random((3, 4, 5)) > 0.5
    allowed[0, 1] = False
    allowed[2, 3] = False
    ours, theirs = masked_softmax(s, allowed), keras_float32_softmax(s, allowed)
    assert np.abs(ours - theirs).max() < 1e-6, np.abs(ours - theirs).max()
    assert np.abs(theirs[0, 1] - 0.2).max() < 1e-7 and np.abs(theirs[2, 3] - 0.2).max() < 1e-7, "uniform"
    assert (theirs[~allowed & allowed.any(-1, keepdims=True)] == 0).all(), "masked scores of a kept row: exactly 0"
    # In float64, Keras's additive -1e9 keeps the scores' differences on a fully masked row (not uniform):
    s64 = s + (1.0 - allowed) * -1e9
    e = np.exp(s64 - s64.max(-1, keepdims=True))
    row64 = (e / e.sum(-1, keepdims=True))[0, 1]
    print("a fully masked row: float32 Keras", theirs[0, 1].round(7), "| float64 -1e9 form", row64.round(4),
          "(the float32 model's uniform row is followed)")

    # 2. MultiHeadAttention against PyTorch 1.13 with key_padding_mask (value mask) and attn_mask (query rows and causal).
    d, heads, kd = 4, 2, 2
    q, kv = rng.standard_normal((3, 5, d)), rng.standard_normal((3, 4, d))
    w = [rng.standard_normal((d, heads, kd)), rng.standard_normal((heads, kd)), rng.standard_normal((d, heads, kd)),
         rng.standard_normal((heads, kd)), rng.standard_normal((d, heads, kd)), rng.standard_normal((heads, kd)),
         rng.standard_normal((heads, kd, d)), rng.standard_normal(d)]
    qmask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]], bool)
    vmask = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]], bool)
    m = torch.nn.MultiheadAttention(d, heads, bias=True, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.from_numpy(np.concatenate([w[0].reshape(d, d).T, w[2].reshape(d, d).T, w[4].reshape(d, d).T])))
        m.in_proj_bias.copy_(torch.from_numpy(np.concatenate([w[1].reshape(-1), w[3].reshape(-1), w[5].reshape(-1)])))
        m.out_proj.weight.copy_(torch.from_numpy(w[6].reshape(d, d).T.copy()))
        m.out_proj.bias.copy_(torch.from_numpy(w[7]))
    worst, nan_rows = 0.0, 0
    for use_causal in (False, True):
        ours = mha_masked(q, kv, kv, w, heads, kd, kd, qmask, vmask, None, use_causal)
        allowed = qmask[:, :, None] & vmask[:, None, :] & (causal(5, 4)[None] if use_causal else True)
        # PyTorch: True = not allowed; a (B * heads, T_q, T_k) attn_mask carries the query rows and the causal mask.
        attn = torch.from_numpy(np.repeat(~allowed, heads, axis=0))
        theirs = m(torch.from_numpy(q), torch.from_numpy(kv), torch.from_numpy(kv), attn_mask=attn,
                   key_padding_mask=torch.from_numpy(~vmask), need_weights=False)[0].detach().numpy()
        kept = allowed.any(-1)
        worst = max(worst, np.abs(ours[kept] - theirs[kept]).max())
        nan_rows += int(np.isnan(theirs[~kept]).all(-1).sum())
        assert np.isfinite(ours).all()
    assert worst < 1e-12, worst
    print(f"masked MHA vs PyTorch nn.MultiheadAttention (rows with a kept score): max |diff| {worst:.1e}; "
          f"{nan_rows} fully masked rows NaN in PyTorch, uniform in Keras")

    # 3. Attention against torch ops (masked_fill -inf on the value mask, times the query mask).
    tq_, tv_ = torch.from_numpy(q), torch.from_numpy(kv)
    vm = vmask.copy(); vm[2] = [1, 0, 1, 1]
    sc = (tq_ @ tv_.transpose(1, 2)) * 0.3
    expect = torch.softmax(sc.masked_fill(torch.from_numpy(~vm)[:, None, :], float("-inf")), -1) @ tv_
    expect = (expect * torch.from_numpy(qmask)[:, :, None]).numpy()
    ours = attention_masked(q, kv, kv, "dot", 0.3, qmask, vm)
    assert np.abs(ours - expect).max() < 1e-13, np.abs(ours - expect).max()
    print(f"masked Attention vs torch ops: max |diff| {np.abs(ours - expect).max():.1e}")


# ---- files ---------------------------------------------------------------------------------------------------------

def masked_attention_layer(*args, **kwargs):
    """attention_layer's Attention / AdditiveAttention without the Keras 3 call's `mask` entry: Layer.__call__ records
    mask=[None, None] only when no mask arrives, and fills the call's mask from the inputs only where the argument is
    None, so a list of nulls would make Keras 3 run the layer unmasked (the port refuses that combination)."""
    layer = attention_layer(*args, **kwargs)
    layer.keras3_node[0]["kwargs"].pop("mask")
    return layer


def save(stem, layers, shapes, inputs, outputs, golden, k33=False):
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
    weights = ma.keras3_weights_bytes(layers)
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, weights)
    if k33:
        with zipfile.ZipFile(os.path.join(HERE, f"{stem}_k33.keras"), "w") as z:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2026-12-06@12:00:00"}))
            z.writestr("config.json", json.dumps(k3))
            z.writestr("model.weights.h5", weights)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), **golden)
    print(stem, {k: v.shape for k, v in golden.items()})


IDS7 = np.array([[3, 5, 1, 7, 0, 0, 0], [2, 0, 0, 4, 9, 0, 6], [4, 8, 2, 6, 1, 3, 9], [0, 0, 5, 2, 7, 1, 11]], np.int32)


def mha_model():
    shapes = {"tokens": [None, 7], "emb": [None, 7, 6], "mha": [None, 7, 6], "add": [None, 7, 6], "mha_c": [None, 7, 6],
              "gap": [None, 6], "head": [None, 3]}
    table = f32(12, 6, scale=1.0)
    att, w_att = mha_layer("mha", shapes, "emb", "emb", None, 2, 3)
    att_c, w_c = mha_layer("mha_c", shapes, "add", "add", None, 2, 2, value_dim=3, causal=True)
    kh, bh = f32(6, 3), f32(3, scale=0.3)
    layers = [tokens("tokens", 7), embedding("emb", 12, 6, 7, table, "tokens"), att,
              Layer("Add", layer_cfg("add"), ["emb", "mha"]), att_c,
              Layer("GlobalAveragePooling1D", layer_cfg("gap", data_format="channels_last", keepdims=False), ["mha_c"]),
              Layer("Dense", dense_config("head", 3), ["gap"], [("kernel", kh), ("bias", bh)])]

    def forward(ids):
        mask = ids != 0
        e = f64(table)[ids]
        h = e + mha_masked(e, e, e, w_att, 2, 3, 3, mask, mask)
        s = mha_masked(h, h, h, w_c, 2, 2, 3, mask, mask, None, use_causal=True)
        return [kr.dense(masked_mean(s, mask), kh, bh), s]
    golden = {"input_0": IDS7}
    golden.update({f"output_{j}": y for j, y in enumerate(forward(IDS7))})
    empty = np.stack([np.zeros(7, np.int32), IDS7[0]])
    y_empty = forward(empty)
    assert np.isnan(y_empty[0][0]).all() and np.isfinite(y_empty[1]).all()
    golden.update({"empty_input_0": empty, **{f"empty_output_{j}": y for j, y in enumerate(y_empty)}})
    save("mask_mha", layers, shapes, ["tokens"], ["head", "mha_c"], golden)


def cross_model():
    shapes = {"qtok": [None, None], "vtok": [None, None], "eq": [None, None, 4], "ev": [None, None, 4],
              "ek": [None, None, 4], "mha": [None, None, 4], "att": [None, None, 4], "add": [None, None, 4],
              "pooled": [None, 4]}
    tq_, tv_ = f32(10, 4, scale=1.0), f32(9, 4, scale=1.0)
    kk, bk = f32(4, 4), f32(4, scale=0.3)
    att_mha, w_mha = mha_layer("mha", shapes, "eq", "ev", "ek", 2, 2, keyword=True)
    s_add = f32(4, scale=1.0)
    layers = [tokens("qtok", None), tokens("vtok", None),
              embedding("eq", 10, 4, None, tq_, "qtok"), embedding("ev", 9, 4, None, tv_, "vtok"),
              Layer("Dense", dense_config("ek", 4), ["ev"], [("kernel", kk), ("bias", bk)]),
              att_mha,
              masked_attention_layer("att", shapes, ["eq", "ev"], False, True, "dot", scale=0.3),
              masked_attention_layer("add", shapes, ["eq", "ev", "ek"], True, True, scale=s_add),
              Layer("GlobalAveragePooling1D", layer_cfg("pooled", data_format="channels_last", keepdims=False), ["att"])]
    qids = np.array([[3, 5, 1, 0, 0], [0, 0, 4, 2, 6], [1, 2, 3, 4, 5], [7, 0, 0, 8, 9]], np.int32)
    vids = np.array([[2, 7, 0, 0], [5, 0, 3, 0], [0, 0, 0, 0], [1, 2, 3, 4]], np.int32)

    def forward(qi, vi, k33=False):
        qm, vm = qi != 0, vi != 0
        eq, ev = f64(tq_)[qi], f64(tv_)[vi]
        ek = kr.dense(ev, kk, bk)
        y_mha = mha_masked(eq, ev, ek, w_mha, 2, 2, 2, qm, vm, vm)
        y_att = attention_masked(eq, ev, ev, "dot", f64(np.float32(0.3)), qm, vm)
        y_add = attention_masked(eq, ev, ek, "additive", f64(s_add), qm, vm)
        pooled = y_att.mean(1) if k33 else masked_mean(y_att, qm)
        return [y_mha, y_att, y_add, pooled]
    golden = {"input_0": qids, "input_1": vids, "k33_input_0": qids, "k33_input_1": vids}
    golden.update({f"output_{j}": y for j, y in enumerate(forward(qids, vids))})
    golden.update({f"k33_output_{j}": y for j, y in enumerate(forward(qids, vids, k33=True))})
    # The steps are None: a second call with 2 query steps against 3 value steps, the masks sized per call.
    qs, vs = np.array([[4, 0], [0, 3], [6, 2]], np.int32), np.array([[1, 0, 3], [5, 6, 0], [0, 0, 0]], np.int32)
    golden.update({"short_input_0": qs, "short_input_1": vs})
    golden.update({f"short_output_{j}": y for j, y in enumerate(forward(qs, vs))})
    save("mask_cross", layers, shapes, ["qtok", "vtok"], ["mha", "att", "add", "pooled"], golden, k33=True)


if __name__ == "__main__":
    check_references()
    mha_model()
    cross_model()
