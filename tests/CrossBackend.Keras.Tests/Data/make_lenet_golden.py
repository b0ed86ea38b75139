"""Golden outputs for FastEstimator's trained LeNet (lenet_mnist_tf.h5), computed in float64 with NumPy + h5py.

Run with Debian's interpreter (apt-get install -y python3-numpy python3-h5py):
    /usr/bin/python3 make_lenet_golden.py
Writes lenet_golden.npz (inputs float32 (N, 28, 28, 1), logits and probabilities float64 (N, 10), the names of the
inputs, and two raw weights as h5py reads them) and lenet_architecture.json (the architecture as Keras 2.11's model.to_json() writes it, for tools that need
a config beside a weights-only file). Independent of the C# code: it reads the weights by their `weight_names` and
runs keras_reference's loops.
"""
import json
import os

import h5py
import numpy as np

import keras_reference as kr

HERE = os.path.dirname(os.path.abspath(__file__))


def load_weights(path):
    weights = {}
    with h5py.File(path, "r") as f:
        for layer in f.attrs["layer_names"]:
            layer = layer.decode() if isinstance(layer, bytes) else layer
            names = f[layer].attrs["weight_names"]
            weights[layer] = [np.array(f[layer][n.decode() if isinstance(n, bytes) else n]) for n in names]
    return weights


def digits():
    """Hand-drawn 28x28 digits, strokes of 1.0 on 0.0, plus a blank and two seeded noise images."""
    one = np.zeros((28, 28), np.float32)
    one[4:24, 13:15] = 1.0  # a vertical stroke: must read as 1
    seven = np.zeros((28, 28), np.float32)
    seven[5:7, 7:21] = 1.0  # the bar
    seven[5:24, 19:21] = 1.0  # the right-hand vertical
    ring = np.zeros((28, 28), np.float32)
    yy, xx = np.mgrid[0:28, 0:28]
    r = np.sqrt((yy - 13.5) ** 2 + (xx - 13.5) ** 2)
    ring[(r >= 6.5) & (r <= 9.0)] = 1.0  # a ring: must read as 0
    blank = np.zeros((28, 28), np.float32)
    rng = np.random.default_rng(20261123)
    noise_a = rng.uniform(0, 1, (28, 28)).astype(np.float32)
    noise_b = (rng.uniform(0, 1, (28, 28)) > 0.8).astype(np.float32) * 0.7
    names = ["stroke_one", "bar_seven", "ring_zero", "blank", "noise_uniform", "noise_sparse"]
    return names, np.stack([one, seven, ring, blank, noise_a, noise_b])[..., None]


def forward(w, x):
    x = np.asarray(x, np.float64)
    x = kr.relu(kr.conv2d(x, *w["conv2d"]))
    x = kr.pool2d(x, (2, 2), (2, 2), "valid", "max")
    x = kr.relu(kr.conv2d(x, *w["conv2d_1"]))
    x = kr.pool2d(x, (2, 2), (2, 2), "valid", "max")
    x = kr.relu(kr.conv2d(x, *w["conv2d_2"]))
    x = x.reshape(x.shape[0], -1)  # Keras Flatten: (h, w, c) order
    x = kr.relu(kr.dense(x, *w["dense"]))
    logits = kr.dense(x, *w["dense_1"])
    return logits, kr.softmax(logits)


def conv(name, filters, input_shape=None):
    config = {"name": name, "trainable": True, "dtype": "float32", "filters": filters, "kernel_size": [3, 3],
              "strides": [1, 1], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1, 1],
              "groups": 1, "activation": "relu", "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
              "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
              "bias_constraint": None}
    if input_shape:
        config["batch_input_shape"] = [None] + list(input_shape)
    return {"class_name": "Conv2D", "config": config}


def pool(name):
    return {"class_name": "MaxPooling2D", "config": {"name": name, "trainable": True, "dtype": "float32",
            "pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"}}


def dense(name, units, activation):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": units,
            "activation": activation, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}}


def architecture():
    """FastEstimator's LeNet as tf.keras 2.11 serialises a Sequential model (model.to_json())."""
    layers = [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 28, 28, 1], "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "conv2d_input"}},
        conv("conv2d", 32, (28, 28, 1)), pool("max_pooling2d"), conv("conv2d_1", 64), pool("max_pooling2d_1"),
        conv("conv2d_2", 64),
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True, "dtype": "float32",
                                             "data_format": "channels_last"}},
        dense("dense", 64, "relu"), dense("dense_1", 10, "softmax"),
    ]
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers},
            "keras_version": "2.11.0", "backend": "tensorflow"}


def main():
    w = load_weights(os.path.join(HERE, "lenet_mnist_tf.h5"))
    names, inputs = digits()
    logits, probs = forward(w, inputs)
    for name, p in zip(names, probs):
        print(f"{name:14s} argmax {int(p.argmax())}  p {p.max():.6f}")
    assert probs[0].argmax() == 1 and probs[1].argmax() == 7 and probs[2].argmax() == 0
    # Two raw weights as h5py reads them, to check the C# reader on its own.
    np.savez(os.path.join(HERE, "lenet_golden.npz"), inputs=inputs, logits=logits, probs=probs,
             names=np.array(names), w_conv2d_kernel=w["conv2d"][0], w_dense_1_bias=w["dense_1"][1])
    with open(os.path.join(HERE, "lenet_architecture.json"), "w") as f:
        json.dump(architecture(), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
