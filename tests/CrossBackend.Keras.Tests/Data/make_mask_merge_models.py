"""Keras masks through the merge layers and Concatenate, in the three forms Keras has had, with float64 NumPy goldens.

The rules, read from Keras's sources (each written out below as that Keras's code does it, not from the C# port):
- Keras 2 (tf.keras 2 keras/layers/merging/base_merge.py and concatenate.py; standalone Keras 2's keras/layers/merge.py
  the same): values as without a mask; Merge.compute_mask = all() over the masks that are not None; Concatenate:
  an unmasked input gives ones_like(input), a mask of a lower rank expand_dims(-1), concatenated along the axis,
  then all(axis=-1).
- Keras 3.0 to 3.3 (keras/src/layers/layer.py): Layer.__call__ took getattr(call_spec.first_arg, "_keras_mask", None),
  and the first argument of a merge is the list of inputs, so compute_mask saw None: no mask after any merge layer or
  Concatenate, and values as without a mask (keras-team/keras#19817, reported against 3.3).
- Keras 3.4 and later (keras-team/keras#19685, merged 2024-05-08, after 3.3.3): previous_mask is the list of the
  inputs' masks; Merge.compute_mask = None if any input is unmasked, else the OR; Concatenate.compute_mask broadcasts
  each mask over its input (ones for an unmasked one), concatenates along the axis and takes any(axis=-1);
  Multiply._merge_function replaces masked cells by 1, and when every input is masked zeroes the cells outside the
  OR (setting the OR mask itself); Maximum / Minimum use Merge._apply_merge_op_and_or_mask: x = where(mask, x,
  output), output = where(output_mask, output, x), output_mask = OR (None once an input is unmasked), output = op.

Model mask_merge (functional, int tokens (7)):
  a = Embedding(10, 4, mask_zero=True)           mask A = ids != 0
  b = Masking(0.3)(Embedding(10, 4)(ids))         rows 0 and 5 of that table hold float32(0.3): mask B = ids not in {0, 5}
  u = Embedding(10, 4)(ids)                       unmasked
  add = Add([a, b]), mul = Multiply([b, a]), mx = Maximum([a, b]), mn = Minimum([b, u, a]), mul_u = Multiply([u, a]),
  avg = Average([a, b]), sub = Subtract([b, a]), cat = Concatenate(-1)([a, b]), cat_u = Concatenate(-1)([u, a]),
  cat_t = Concatenate(1)([a, b]) (14 steps);
  each merge -> LSTM(2, return_sequences=True, zero_output_for_mask=True), a probe whose output is zeros exactly at
  the steps its input's mask hides; cat_t's probe -> Reshape((7, 4)) (drops the mask);
  output = Concatenate(-1)([add, mul, mx, mn, mul_u, avg, sub, cat, cat_u, the ten probes ...]) (batch, 7, 66).
Steps of id 0 are masked in a and b, steps of id 5 in b only; one row is all zeros, one has no padding.

Files: mask_merge_k2.h5 (tf.keras 2.11.0: golden `outputs_k2`), mask_merge.keras (Keras 3.6.0: `outputs`),
mask_merge_k33.keras (Keras 3.3.3: `outputs_k33`).

Run: /usr/bin/python3 make_mask_merge_models.py
"""
import json
import os
import zipfile

import numpy as np

import keras_reference as kr
from make_mask_models import check_against_torch, embedding, lstm_step, masked_rnn, tokens
from make_models import HERE, Layer, keras2_config, keras3_config, write_keras2_h5, write_keras3
from make_recurrent_models import keras3_weights_bytes, rnn_config, rnn_weights
from make_mask_models import keras3_rnn

RNG = np.random.default_rng(2053)
V = np.float32(0.3)


def f32(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def cfg(name, **kw):
    return {"name": name, "trainable": True, "dtype": "float32", **kw}


def plain_embedding(name, table, inbound):
    return Layer("Embedding", cfg(name, input_dim=table.shape[0], output_dim=table.shape[1], mask_zero=False, input_length=7,
                                  embeddings_initializer={"class_name": "RandomUniform", "config": {}}),
                 [inbound], [("embeddings", table)])


IDS = np.array([[3, 5, 1, 7, 0, 0, 0], [5, 0, 0, 4, 9, 0, 6], [0] * 7, [4, 8, 2, 6, 1, 3, 9], [5, 5, 2, 0, 7, 1, 5],
                [0, 5, 0, 5, 0, 5, 0]], np.int32)

MERGES = [  # name, class, inputs, axis
    ("add", "Add", ["a", "b"], None), ("mul", "Multiply", ["b", "a"], None), ("mx", "Maximum", ["a", "b"], None),
    ("mn", "Minimum", ["b", "u", "a"], None), ("mul_u", "Multiply", ["u", "a"], None), ("avg", "Average", ["a", "b"], None),
    ("sub", "Subtract", ["b", "a"], None), ("cat", "Concatenate", ["a", "b"], -1), ("cat_u", "Concatenate", ["u", "a"], -1),
    ("cat_t", "Concatenate", ["a", "b"], 1)]


# ---- the merge values and masks of each Keras, as its code writes them ------------------------------------------

def plain_merge(cls, xs, axis):
    if cls == "Concatenate":
        return np.concatenate(xs, axis)
    out = xs[0]
    for x in xs[1:]:
        out = {"Add": np.add, "Average": np.add, "Subtract": np.subtract, "Multiply": np.multiply,
               "Maximum": np.maximum, "Minimum": np.minimum}[cls](out, x)
    return out / len(xs) if cls == "Average" else out


def keras2_merge(cls, xs, masks, axis):
    """tf.keras 2: plain values; compute_mask as base_merge.py / concatenate.py."""
    if all(m is None for m in masks):
        return plain_merge(cls, xs, axis), None
    if cls == "Concatenate":
        full = [np.ones(x.shape, bool) if m is None else m[..., None] for x, m in zip(xs, masks)]
        return plain_merge(cls, xs, axis), np.concatenate(full, axis).all(-1)
    present = [m[None] for m in masks if m is not None]
    return plain_merge(cls, xs, axis), np.concatenate(present, 0).all(0)


def keras34_merge(cls, xs, masks, axis):
    """Keras 3.4+: Multiply / Maximum / Minimum's masked _merge_function, then compute_mask unless the merge set it."""
    if cls == "Multiply" and any(m is not None for m in masks):
        has_output_mask = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(xs, masks):
            if m is not None:
                m = np.broadcast_to(m[..., None], x.shape)
                x = np.where(m, x, 1.0)
                if has_output_mask:
                    out_mask = m if out_mask is None else np.logical_or(out_mask, m)
            out = x if out is None else out * x
        if has_output_mask:
            return np.where(out_mask, out, 0.0), out_mask.any(-1)
        return out, None
    if cls in ("Maximum", "Minimum"):
        op = np.maximum if cls == "Maximum" else np.minimum
        out, out_mask = None, None
        for x, m in zip(xs, masks):
            if m is not None:
                m = np.broadcast_to(m[..., None], x.shape)
            if out is None:
                out, out_mask = x, m
                continue
            if m is not None:
                x = np.where(m, x, out)
            if out_mask is not None:
                out = np.where(out_mask, out, x)
            out_mask = np.logical_or(out_mask, m) if m is not None and out_mask is not None else None
            out = op(out, x)
        return out, (out_mask.any(-1) if out_mask is not None else None)
    values = plain_merge(cls, xs, axis)
    if all(m is None for m in masks):
        return values, None
    if cls == "Concatenate":
        full = [np.ones(x.shape, bool) if m is None else np.broadcast_to(m[..., None], x.shape) for x, m in zip(xs, masks)]
        return values, np.concatenate(full, axis).any(-1)
    if any(m is None for m in masks):
        return values, None
    out_mask = masks[0]
    for m in masks[1:]:
        out_mask = np.logical_or(out_mask, m)
    return values, out_mask


def keras33_merge(cls, xs, masks, axis):
    """Keras 3.0-3.3: the list has no _keras_mask, so compute_mask(inputs, None) is None; plain values."""
    return plain_merge(cls, xs, axis), None


# ---- model ------------------------------------------------------------------------------------------------------

def model():
    ta, tb, tu = f32(10, 4), f32(10, 4), f32(10, 4)
    tb[0] = V
    tb[5] = V
    width = {"cat": 8, "cat_u": 8}
    probes = {name: rnn_weights("LSTM", 2, width.get(name, 4)) for name, *_ in MERGES}
    layers = [tokens("tokens", 7), embedding("a", 10, 4, 7, ta, "tokens"), plain_embedding("emb_b", tb, "tokens"),
              Layer("Masking", cfg("b", mask_value=0.3), ["emb_b"]), plain_embedding("u", tu, "tokens")]
    for name, cls, inputs, axis in MERGES:
        layers.append(Layer(cls, cfg(name, **({} if axis is None else {"axis": axis})), inputs))
    for name, *_ in MERGES:
        layers.append(Layer("LSTM", rnn_config(f"lstm_{name}", "LSTM", 2, return_sequences=True, zero_output_for_mask=True),
                            [name], probes[name]))
    layers.append(Layer("Reshape", cfg("reshape", target_shape=[7, 4]), ["lstm_cat_t"]))
    outs = [n for n, *_ in MERGES if n != "cat_t"] + [f"lstm_{n}" for n, *_ in MERGES if n != "cat_t"] + ["reshape"]
    layers.append(Layer("Concatenate", cfg("out", axis=-1), outs))

    a, b_raw, u = (np.asarray(t, np.float64)[IDS] for t in (ta, tb, tu))
    mask_a = IDS != 0
    mask_b = (np.asarray(tb)[IDS] != V).any(-1)          # Masking compares in float32
    assert (mask_b == ~np.isin(IDS, [0, 5])).all()
    b = b_raw * mask_b[..., None]

    def forward(merge):
        values = {"a": a, "b": b, "u": u}
        masks = {"a": mask_a, "b": mask_b, "u": None}
        for name, cls, inputs, axis in MERGES:
            values[name], masks[name] = merge(cls, [values[i] for i in inputs], [masks[i] for i in inputs], axis)
        for name, *_ in MERGES:
            x = values[name]
            m = masks[name] if masks[name] is not None else np.ones(x.shape[:2], bool)
            w = [np.asarray(v, np.float64) for _, v in probes[name]]
            values[f"lstm_{name}"] = masked_rnn(lstm_step(*w), x, m, 2, zero_output_for_mask=True)[0]
        values["reshape"] = values["lstm_cat_t"].reshape(len(IDS), 7, 4)
        return np.concatenate([values[n] for n in outs], -1), masks

    y2, m2 = forward(keras2_merge)
    y34, m34 = forward(keras34_merge)
    y33, _ = forward(keras33_merge)
    # The rules differ where they should: AND vs OR, the all-true Concatenate mask, the masked Multiply / Max / Min.
    assert (m2["add"] == (mask_a & mask_b)).all() and (m34["add"] == (mask_a | mask_b)).all()
    assert (m2["cat_u"] == mask_a).all() and m34["cat_u"].all() and m34["mn"] is None and (m2["mn"] == (mask_a & mask_b)).all()
    assert (m2["cat_t"] == np.concatenate([mask_a, mask_b], 1)).all() and (m34["cat_t"] == m2["cat_t"]).all()
    assert np.abs(y2 - y34).max() > 0.1 and np.abs(y34 - y33).max() > 0.1 and np.abs(y2 - y33).max() > 0.1

    shapes = {"tokens": [None, 7], "a": [None, 7, 4], "emb_b": [None, 7, 4], "b": [None, 7, 4], "u": [None, 7, 4],
              "cat": [None, 7, 8], "cat_u": [None, 7, 8], "cat_t": [None, 14, 4], "reshape": [None, 7, 4]}
    for name, *_ in MERGES:
        shapes.setdefault(name, [None, 7, 4])
        shapes[f"lstm_{name}"] = [None, 14 if name == "cat_t" else 7, 2]
    stem = "mask_merge"
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, True, stem, ["tokens"], ["out"]))
    k3 = keras3_rnn(keras3_config(layers, True, stem, shapes, ["tokens"], ["out"]))
    weights = keras3_weights_bytes(layers, include_input_layers=True)
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, weights)
    with zipfile.ZipFile(os.path.join(HERE, f"{stem}_k33.keras"), "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2026-12-06@12:00:00"}))
        z.writestr("config.json", json.dumps(k3))
        z.writestr("model.weights.h5", weights)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=IDS, outputs=y34, outputs_k2=y2, outputs_k33=y33)
    print(stem, y34.shape, "|k2 - k3.4+| max", np.abs(y2 - y34).max(), "|k3.3 - k3.4+| max", np.abs(y33 - y34).max())


if __name__ == "__main__":
    check_against_torch()
    model()
