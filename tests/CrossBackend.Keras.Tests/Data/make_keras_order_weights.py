"""Keras 3 weights-only files (.weights.h5) of functional goldens, with their groups numbered in Keras 3's own layer order.

Keras 3 saves a functional model's weights under `layers/<snake_case(class)>[_<k>]`, numbered per class in
`model.layers` order (keras/src/saving/saving_lib.py _save_container_state: "Do NOT address the saveable via
`saveable.name`"), and `model.layers` is the order keras/src/ops/function.py `map_graph` gives: a depth-first walk
from each output in turn numbers every layer when first reached (a call's tensors in `tree.flatten((args, kwargs))`
order: positional arguments first, then keyword arguments by sorted name); a layer's depth is its longest path to an
output; layers come deepest first, ties in walk order.

The goldens two_inputs, cross_attention and attention (make_multi_io_models.py, make_attention_models.py) list their
layers in a hand-written order, and their .keras archives number the groups in that order: a real Keras 3 would have
numbered some differently (two_inputs's `db` is its first Dense, not `da`; cross_attention's `v_full` comes before
`q`; attention's `att_concat` is its first Attention). This script reads each archive, computes Keras 3's order with
the walk above (independently of the C# code under test), and writes `<stem>_keras_order.weights.h5` with every group
(sub-groups included: MultiHeadAttention's `_query_dense`, …) renamed to the number Keras 3 gives it. The weights and
goldens are unchanged. For the other functional goldens (functional, transformer, cross_inputs) it checks that the
archive's order already is Keras's, so their .keras files serve as they are.

Run: /usr/bin/python3 make_keras_order_weights.py
"""
import io
import json
import os
import re
import zipfile

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))


def snake(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def tensors(value, into):
    """Layer names of the __keras_tensor__ objects in a Keras 3 call structure, in tree.flatten order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            into.append(value["config"]["keras_history"][0])
            return
        for key in sorted(value):
            tensors(value[key], into)
    elif isinstance(value, list):
        for item in value:
            tensors(item, into)


def parents(layer):
    nodes = layer.get("inbound_nodes") or []
    found = []
    for node in nodes:
        tensors(node.get("args", []), found)   # tree.flatten((args, kwargs)): args first,
        tensors(node.get("kwargs", {}), found)  # then the kwargs dict by sorted key
    return found


def flat_refs(structure):
    if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
        return [structure[0]]
    if isinstance(structure, dict):
        return [n for k in sorted(structure) for n in flat_refs(structure[k])]
    return [n for item in structure for n in flat_refs(item)]


def keras_order(config):
    layers = {l["name"]: l for l in config["layers"]}
    inputs = set(flat_refs(config["input_layers"]))
    index, finished, post = {}, set(), []

    def visit(name):
        if name in finished:
            return
        index.setdefault(name, len(index))
        if name not in inputs:
            for p in parents(layers[name]):
                visit(p)
        finished.add(name)
        post.append(name)

    for out in flat_refs(config["output_layers"]):
        visit(out)
    depth = {}
    for name in reversed(post):
        d = depth.setdefault(name, 0)
        if name not in inputs:
            for p in parents(layers[name]):
                depth[p] = max(depth.get(p, 0), d + 1)
    return sorted(post, key=lambda n: (-depth[n], index[n]))


def group_names(config, order):
    """layer name -> `layers/<class>[_k]`, numbered per class in `order` (input layers counted: functional)."""
    cls = {l["name"]: l["class_name"] for l in config["layers"]}
    used, names = {}, {}
    for name in order:
        base = snake(cls[name])
        used[base] = used.get(base, -1) + 1
        names[name] = base if used[base] == 0 else f"{base}_{used[base]}"
    return names


def rewrite(stem):
    with zipfile.ZipFile(os.path.join(HERE, f"{stem}.keras")) as z:
        config = json.loads(z.read("config.json"))["config"]
        weights = z.read("model.weights.h5")
    written = [l["name"] for l in config["layers"]]
    order = keras_order(config)
    old, new = group_names(config, written), group_names(config, order)
    with h5py.File(io.BytesIO(weights), "r") as src:
        holds = lambda group: any(isinstance(v, h5py.Dataset) for v in _walk(src[f"layers/{group}"]))
        moved = {n: (old[n], new[n]) for n in order if old[n] != new[n] and holds(old[n])}
        print(stem, "Keras's order:", order, "groups with weights renamed:", moved)
        if not moved:   # only weightless groups (input layers) differ, or none: the archive loads as Keras 3 would
            return False
        with h5py.File(os.path.join(HERE, f"{stem}_keras_order.weights.h5"), "w") as dst:
            dst.create_group("vars")
            dst.create_group("optimizer/vars")
            for name in order:   # Keras 3 writes the groups in model.layers order
                src.copy(src[f"layers/{old[name]}"], dst, name=f"layers/{new[name]}")
    return True


def _walk(group):
    items = []
    group.visititems(lambda _, v: items.append(v))
    return items


if __name__ == "__main__":
    for stem in ["functional", "transformer", "cross_inputs"]:
        assert not rewrite(stem), stem
    for stem in ["two_inputs", "cross_attention", "attention"]:
        assert rewrite(stem), stem
