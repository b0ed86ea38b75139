"""Small Keras models written with h5py in Keras's own file layouts, plus float64 NumPy goldens.

No Keras or TensorFlow can be installed here, so the files are written the way Keras writes them:
- Keras 2 full model (.h5, `model.save("m.h5")`): root attributes `keras_version`, `backend`, `model_config`
  (the JSON of `{"class_name", "config"}`); group `model_weights` with attribute `layer_names` and one group per
  layer (attribute `weight_names`, datasets at `<layer>/<weight name>` such as `conv_s2/conv_s2/kernel:0`).
- Keras 3 archive (.keras, `model.save("m.keras")`): a zip of `metadata.json`, `config.json` and `model.weights.h5`,
  whose variables live at `layers/<snake_case(class name)>[_<k>]/vars/<i>` (Keras 3 names a layer's group after its
  class, numbered per class in `model.layers` order, not after the layer's own name); an LSTM's or GRU's variables
  live under its cell, `layers/lstm/cell/vars/<i>`, its own `vars` group left empty.
- Keras 3 weights-only (.weights.h5): that same HDF5 file on its own.

Models (each golden is an independent float64 forward pass from keras_reference):
- functional: Conv2D stride 2 "same" (asymmetric padding) -> BatchNormalization -> ReLU -> Conv2D "same" relu ->
  BatchNormalization(scale=False, epsilon=0.01) -> Add (skip) -> Activation relu -> [AveragePooling2D "same",
  MaxPooling2D "same"] -> Concatenate -> Flatten -> Dense tanh -> Dropout -> Dense softmax.
- zoo (Sequential): ZeroPadding2D -> Conv2D (2x3, strides (1, 2), no bias) -> LeakyReLU -> AveragePooling2D "same"
  -> Reshape -> Conv1D causal dilated elu -> Conv1D stride 2 "same" -> Reshape -> GlobalAveragePooling2D -> Dense
  -> Softmax.
- embed (functional, integer input): Embedding -> Conv1D -> Flatten ┐ Embedding -> Reshape -> GlobalMaxPooling2D ┘
  -> Concatenate -> Dense (a Flatten whose consumer is not a Dense).
- custom_layer.keras: a model with a custom layer class (to be refused, naming the layer).
- lstm_k2.h5: a Keras 2 model with an LSTM layer (its golden comes from make_recurrent_models.py).

Run: /usr/bin/python3 make_models.py
"""
import io
import json
import os
import re
import zipfile

import h5py
import numpy as np

import keras_reference as kr

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(14)


def f32(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


# ---- configs ---------------------------------------------------------------------------------------------------

def conv_config(name, filters, kernel, strides=(1, 1), padding="valid", activation="linear", use_bias=True,
                dilation=(1, 1)):
    return {"name": name, "trainable": True, "dtype": "float32", "filters": filters, "kernel_size": list(kernel),
            "strides": list(strides), "padding": padding, "data_format": "channels_last",
            "dilation_rate": list(dilation), "groups": 1, "activation": activation, "use_bias": use_bias,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}


def bn_config(name, epsilon=0.001, scale=True, center=True, axis=(-1,)):
    return {"name": name, "trainable": True, "dtype": "float32", "axis": list(axis) if len(axis) > 1 or axis[0] != -1
            else -1, "momentum": 0.99, "epsilon": epsilon, "center": center, "scale": scale,
            "beta_initializer": {"class_name": "Zeros", "config": {}},
            "gamma_initializer": {"class_name": "Ones", "config": {}},
            "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
            "moving_variance_initializer": {"class_name": "Ones", "config": {}},
            "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}


def dense_config(name, units, activation="linear"):
    return {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": activation,
            "use_bias": True, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}


def pool_config(name, pool, strides, padding):
    return {"name": name, "trainable": True, "dtype": "float32", "pool_size": list(pool), "padding": padding,
            "strides": list(strides), "data_format": "channels_last"}


class Layer:
    """One layer: class name, config, inbound layer names, weights [(short name, array)]."""

    def __init__(self, class_name, config, inbound=(), weights=()):
        self.class_name, self.config, self.inbound, self.weights = class_name, config, list(inbound), list(weights)

    @property
    def name(self):
        return self.config["name"]


def keras2_layer(layer, functional):
    entry = {"class_name": layer.class_name, "config": dict(layer.config)}
    if functional:
        entry["name"] = layer.name
        entry["inbound_nodes"] = [[[name, 0, 0, {}] for name in layer.inbound]] if layer.inbound else []
    return entry


def keras2_config(layers, functional, name, inputs=None, outputs=None):
    config = {"name": name, "layers": [keras2_layer(l, functional) for l in layers]}
    if functional:
        config["input_layers"] = [[n, 0, 0] for n in inputs]
        config["output_layers"] = [[n, 0, 0] for n in outputs]
    return {"class_name": "Functional" if functional else "Sequential", "config": config}


def keras3_dtype(config):
    """Keras 3 writes a layer's dtype as a DTypePolicy object."""
    config = dict(config)
    if isinstance(config.get("dtype"), str):
        config["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": config["dtype"]},
                           "registered_name": None}
    return config


def keras3_layer(layer, functional, shapes):
    if layer.class_name == "InputLayer":
        config = {"batch_shape": layer.config["batch_input_shape"], "dtype": layer.config["dtype"],
                  "sparse": False, "name": layer.config["name"]}
    else:
        config = keras3_dtype(layer.config)
    if layer.class_name == "LeakyReLU":
        config["negative_slope"] = config.pop("alpha")
    entry = {"module": "keras.layers", "class_name": layer.class_name, "config": config, "registered_name": None}
    if layer.class_name != "InputLayer":
        entry["build_config"] = {"input_shape": shapes[layer.inbound[0]] if len(layer.inbound) == 1
                                 else [shapes[n] for n in layer.inbound]}
    if functional:
        entry["name"] = layer.name
        tensors = [{"class_name": "__keras_tensor__",
                    "config": {"shape": shapes[n], "dtype": "float32", "keras_history": [n, 0, 0]}}
                   for n in layer.inbound]
        if not tensors:
            entry["inbound_nodes"] = []
        else:
            entry["inbound_nodes"] = [{"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": {}}]
    return entry


def keras3_config(layers, functional, name, shapes, inputs=None, outputs=None):
    config = {"name": name, "trainable": True,
              "layers": [keras3_layer(l, functional, shapes) for l in layers]}
    if functional:
        # Keras 3 writes a single input or output as one flat [name, node, tensor] triple.
        config["input_layers"] = [inputs[0], 0, 0] if len(inputs) == 1 else [[n, 0, 0] for n in inputs]
        config["output_layers"] = [outputs[0], 0, 0] if len(outputs) == 1 else [[n, 0, 0] for n in outputs]
    else:
        config["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                           "registered_name": None}
        config["build_input_shape"] = shapes[layers[0].name]
    return {"module": "keras", "class_name": "Functional" if functional else "Sequential", "config": config,
            "registered_name": "Functional" if functional else None,
            "build_config": {"input_shape": None if functional else shapes[layers[0].name]},
            "compile_config": None}


# ---- writers ---------------------------------------------------------------------------------------------------

def write_keras2_h5(path, layers, model_config):
    """`model.save("m.h5")` in tf.keras 2.x: fixed-length byte-string attributes, as h5py stores encoded names."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([l.name.encode("utf8") for l in layers])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = b"2.11.0"
        for l in layers:
            lg = g.create_group(l.name)
            names = [f"{l.name}/{short}:0" for short, _ in l.weights]
            lg.attrs["weight_names"] = np.array([n.encode("utf8") for n in names]) if names else np.array([])
            for n, (_, value) in zip(names, l.weights):
                lg.create_dataset(n, data=value)


def snake(name):
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


# Layers whose variables Keras 3 saves under their `cell` attribute (saving_lib walks a layer's attributes after its
# own, empty, `vars`): `layers/lstm/cell/vars/<i>`.
CELL_LAYERS = ("LSTM", "GRU")


def keras3_weights_bytes(layers, include_input_layers):
    """model.weights.h5: `layers/<snake class name>[_k]/vars/<i>` in model.layers order (a recurrent layer's under
    `layers/<name>/cell/vars`), plus the empty groups Keras writes for the model itself and for its optimizer."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        f.create_group("vars")
        used = {}
        for l in layers:
            if l.class_name == "InputLayer" and not include_input_layers:
                continue
            name = snake(l.class_name)
            if name in used:
                used[name] += 1
                name = f"{name}_{used[name]}"
            else:
                used[name] = 0
            vars_group = f.create_group(f"layers/{name}/vars")
            if l.class_name in CELL_LAYERS:
                vars_group = f.create_group(f"layers/{name}/cell/vars")
            for i, (_, value) in enumerate(l.weights):
                vars_group.create_dataset(str(i), data=value)
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def write_keras3(path, config, weights_bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2026-11-23@12:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights_bytes)


def save_all(stem, layers, functional, shapes, inputs, outputs, x, y, k3_weights_file=False):
    k2 = keras2_config(layers, functional, stem, inputs, outputs)
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, k2)
    k3 = keras3_config(layers, functional, stem, shapes, inputs, outputs)
    weights = keras3_weights_bytes(layers, include_input_layers=functional)
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, weights)
    if k3_weights_file:
        with open(os.path.join(HERE, f"{stem}.weights.h5"), "wb") as f:
            f.write(weights)
        with open(os.path.join(HERE, f"{stem}_config.json"), "w") as f:
            json.dump(k3, f, indent=1)
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=x, outputs=y)
    print(stem, "inputs", x.shape, "outputs", y.shape)


# ---- models ----------------------------------------------------------------------------------------------------

def functional_model():
    k1, b1 = f32(3, 3, 3, 8), f32(8, scale=0.1)
    g1, be1, m1 = (1 + f32(8, scale=0.2)), f32(8, scale=0.2), f32(8, scale=0.3)
    # Small variances make epsilon matter: with var ~1e-3, Keras's 1e-3 and PyTorch's 1e-5 differ by ~2x.
    v1 = RNG.uniform(2e-4, 2e-3, 8).astype(np.float32)
    k2, b2 = f32(3, 3, 8, 8, scale=0.3), f32(8, scale=0.1)
    be2, m2 = f32(8, scale=0.2), f32(8, scale=0.3)
    v2 = RNG.uniform(0.05, 1.5, 8).astype(np.float32)
    k3, b3 = f32(144, 12, scale=0.2), f32(12, scale=0.1)
    k4, b4 = f32(12, 4), f32(4, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 10, 10, 3], "dtype": "float32", "sparse": False,
                             "ragged": False, "name": "input_1"}),
        Layer("Conv2D", conv_config("conv_s2", 8, (3, 3), (2, 2), "same"), ["input_1"],
              [("kernel", k1), ("bias", b1)]),
        Layer("BatchNormalization", bn_config("bn_1", axis=(3,)), ["conv_s2"],
              [("gamma", g1), ("beta", be1), ("moving_mean", m1), ("moving_variance", v1)]),
        Layer("ReLU", {"name": "relu_1", "trainable": True, "dtype": "float32", "max_value": None,
                       "negative_slope": 0.0, "threshold": 0.0}, ["bn_1"]),
        Layer("Conv2D", conv_config("conv_b", 8, (3, 3), (1, 1), "same", "relu"), ["relu_1"],
              [("kernel", k2), ("bias", b2)]),
        Layer("BatchNormalization", bn_config("bn_2", epsilon=0.01, scale=False), ["conv_b"],
              [("beta", be2), ("moving_mean", m2), ("moving_variance", v2)]),
        Layer("Add", {"name": "add", "trainable": True, "dtype": "float32"}, ["relu_1", "bn_2"]),
        Layer("Activation", {"name": "act", "trainable": True, "dtype": "float32", "activation": "relu"}, ["add"]),
        Layer("AveragePooling2D", pool_config("avg_pool", (2, 2), (2, 2), "same"), ["act"]),
        Layer("MaxPooling2D", pool_config("max_pool", (2, 2), (2, 2), "same"), ["act"]),
        Layer("Concatenate", {"name": "concat", "trainable": True, "dtype": "float32", "axis": -1},
              ["avg_pool", "max_pool"]),
        Layer("Flatten", {"name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"},
              ["concat"]),
        Layer("Dense", dense_config("dense", 12, "tanh"), ["flatten"], [("kernel", k3), ("bias", b3)]),
        Layer("Dropout", {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.5,
                          "noise_shape": None, "seed": None}, ["dense"]),
        Layer("Dense", dense_config("dense_1", 4, "softmax"), ["dropout"], [("kernel", k4), ("bias", b4)]),
    ]
    x = f32(3, 10, 10, 3, scale=1.0)
    a = kr.relu(kr.batch_norm(kr.conv2d(x, k1, b1, (2, 2), "same"), g1, be1, m1, v1, 0.001))
    b = kr.batch_norm(kr.relu(kr.conv2d(a, k2, b2, (1, 1), "same")), 1.0, be2, m2, v2, 0.01)
    s = kr.relu(a + b)
    c = np.concatenate([kr.pool2d(s, (2, 2), (2, 2), "same", "avg"), kr.pool2d(s, (2, 2), (2, 2), "same", "max")], -1)
    d = np.tanh(kr.dense(c.reshape(c.shape[0], -1), k3, b3))
    y = kr.softmax(kr.dense(d, k4, b4))
    shapes = {"input_1": [None, 10, 10, 3], "conv_s2": [None, 5, 5, 8], "bn_1": [None, 5, 5, 8],
              "relu_1": [None, 5, 5, 8], "conv_b": [None, 5, 5, 8], "bn_2": [None, 5, 5, 8], "add": [None, 5, 5, 8],
              "act": [None, 5, 5, 8], "avg_pool": [None, 3, 3, 8], "max_pool": [None, 3, 3, 8],
              "concat": [None, 3, 3, 16], "flatten": [None, 144], "dense": [None, 12], "dropout": [None, 12]}
    save_all("functional", layers, True, shapes, ["input_1"], ["dense_1"], x, y, k3_weights_file=True)


def zoo_model():
    k1 = f32(2, 3, 2, 4)
    k2, b2 = f32(3, 4, 6), f32(6, scale=0.1)
    k3, b3 = f32(4, 6, 5), f32(5, scale=0.1)
    k4, b4 = f32(5, 3), f32(3, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 7, 9, 2], "dtype": "float32", "sparse": False,
                             "ragged": False, "name": "zero_padding2d_input"}),
        Layer("ZeroPadding2D", {"name": "zero_padding2d", "trainable": True, "dtype": "float32",
                                "padding": [[1, 0], [2, 1]], "data_format": "channels_last"}),
        Layer("Conv2D", conv_config("conv2d", 4, (2, 3), (1, 2), "valid", use_bias=False), weights=[("kernel", k1)]),
        Layer("LeakyReLU", {"name": "leaky_re_lu", "trainable": True, "dtype": "float32", "alpha": 0.3}),
        Layer("AveragePooling2D", pool_config("average_pooling2d", (2, 2), (1, 1), "same")),
        Layer("Reshape", {"name": "reshape", "trainable": True, "dtype": "float32", "target_shape": [35, 4]}),
        Layer("Conv1D", conv_config("conv1d", 6, (3,), (1,), "causal", "elu", dilation=(2,)),
              weights=[("kernel", k2), ("bias", b2)]),
        Layer("Conv1D", conv_config("conv1d_1", 5, (4,), (2,), "same", dilation=(1,)), weights=[("kernel", k3), ("bias", b3)]),
        Layer("Reshape", {"name": "reshape_1", "trainable": True, "dtype": "float32", "target_shape": [3, 6, 5]}),
        Layer("GlobalAveragePooling2D", {"name": "global_average_pooling2d", "trainable": True, "dtype": "float32",
                                         "data_format": "channels_last", "keepdims": False}),
        Layer("Dense", dense_config("dense", 3), weights=[("kernel", k4), ("bias", b4)]),
        Layer("Softmax", {"name": "softmax", "trainable": True, "dtype": "float32", "axis": -1}),
    ]
    x = f32(2, 7, 9, 2, scale=1.0)
    h = np.pad(x.astype(np.float64), ((0, 0), (1, 0), (2, 1), (0, 0)))
    h = kr.leaky_relu(kr.conv2d(h, k1, None, (1, 2), "valid"), 0.3)
    h = kr.pool2d(h, (2, 2), (1, 1), "same", "avg")
    h = h.reshape(h.shape[0], 35, 4)
    h = kr.elu(kr.conv1d(h, k2, b2, 1, "causal", 2))
    h = kr.conv1d(h, k3, b3, 2, "same")
    h = h.reshape(h.shape[0], 3, 6, 5).mean(axis=(1, 2))
    y = kr.softmax(kr.dense(h, k4, b4))
    shapes = {"zero_padding2d_input": [None, 7, 9, 2]}
    save_all("zoo", layers, False, shapes, None, None, x, y)


def embed_model():
    table = f32(20, 4, scale=1.0)
    k1, b1 = f32(2, 4, 3), f32(3, scale=0.1)
    k2, b2 = f32(19, 2), f32(2, scale=0.1)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 6], "dtype": "int32", "sparse": False, "ragged": False,
                             "name": "tokens"}),
        Layer("Embedding", {"name": "embedding", "trainable": True, "dtype": "float32", "input_dim": 20,
                            "output_dim": 4, "mask_zero": False, "input_length": 6,
                            "embeddings_initializer": {"class_name": "RandomUniform", "config": {}}},
              ["tokens"], [("embeddings", table)]),
        Layer("Conv1D", conv_config("conv1d", 3, (2,), (1,), "valid", dilation=(1,)), ["embedding"], [("kernel", k1), ("bias", b1)]),
        Layer("Flatten", {"name": "flatten", "trainable": True, "dtype": "float32", "data_format": "channels_last"},
              ["conv1d"]),
        Layer("Reshape", {"name": "reshape", "trainable": True, "dtype": "float32", "target_shape": [2, 3, 4]},
              ["embedding"]),
        Layer("GlobalMaxPooling2D", {"name": "global_max_pooling2d", "trainable": True, "dtype": "float32",
                                     "data_format": "channels_last", "keepdims": False}, ["reshape"]),
        Layer("Concatenate", {"name": "concatenate", "trainable": True, "dtype": "float32", "axis": -1},
              ["flatten", "global_max_pooling2d"]),
        Layer("Dense", dense_config("dense", 2), ["concatenate"], [("kernel", k2), ("bias", b2)]),
    ]
    x = RNG.integers(0, 20, (3, 6)).astype(np.int32)
    e = table.astype(np.float64)[x]
    f = kr.conv1d(e, k1, b1).reshape(3, -1)
    g = e.reshape(3, 2, 3, 4).max(axis=(1, 2))
    y = kr.dense(np.concatenate([f, g], -1), k2, b2)
    shapes = {"tokens": [None, 6], "embedding": [None, 6, 4], "conv1d": [None, 5, 3], "flatten": [None, 15],
              "reshape": [None, 2, 3, 4], "global_max_pooling2d": [None, 4], "concatenate": [None, 19]}
    save_all("embed", layers, True, shapes, ["tokens"], ["dense"], x, y)


def refused_models():
    custom = [
        Layer("InputLayer", {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "x"}),
        Layer("ScaleLayer", {"name": "my_scale", "trainable": True, "dtype": "float32", "factor": 2.0}, ["x"]),
        Layer("Dense", dense_config("dense", 2), ["my_scale"], [("kernel", f32(4, 2)), ("bias", f32(2))]),
    ]
    config = keras3_config(custom, True, "custom", {"x": [None, 4], "my_scale": [None, 4]}, ["x"], ["dense"])
    config["config"]["layers"][1]["module"] = "my_project.layers"
    config["config"]["layers"][1]["registered_name"] = "MyProject>ScaleLayer"
    write_keras3(os.path.join(HERE, "custom_layer.keras"), config, keras3_weights_bytes(custom, True))

    units = 3
    lstm = [
        Layer("InputLayer", {"batch_input_shape": [None, 5, 2], "dtype": "float32", "sparse": False, "name": "seq"}),
        Layer("LSTM", {"name": "lstm", "trainable": True, "dtype": "float32", "units": units,
                       "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
                       "return_sequences": False}, ["seq"],
              [("lstm_cell/kernel", f32(2, 4 * units)), ("lstm_cell/recurrent_kernel", f32(units, 4 * units)),
               ("lstm_cell/bias", f32(4 * units))]),
    ]
    write_keras2_h5(os.path.join(HERE, "lstm_k2.h5"), lstm, keras2_config(lstm, True, "lstm", ["seq"], ["lstm"]))
    print("custom_layer.keras, lstm_k2.h5")


if __name__ == "__main__":
    functional_model()
    zoo_model()
    embed_model()
    refused_models()
