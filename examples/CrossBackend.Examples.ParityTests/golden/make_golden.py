"""Writes golden/fastestimator.npz as a Keras or PyTorch user would save reference values.

Run from this folder with NumPy (Debian: apt-get install -y python3-numpy; /usr/bin/python3 make_golden.py).
The inputs are FastEstimator's categorical_crossentropy docstring example (channels-last, as Keras holds them);
the loss is its published per-element result (average_loss=False): [0.22314353, 0.10536055, 0.35667497].
"""
import numpy as np

np.savez_compressed(
    "fastestimator.npz",
    y_true=np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32),
    y_pred=np.array([[0.1, 0.8, 0.1], [0.9, 0.05, 0.05], [0.1, 0.2, 0.7]], dtype=np.float32),
    loss=np.array([0.22314353, 0.10536055, 0.35667497], dtype=np.float64),
)
