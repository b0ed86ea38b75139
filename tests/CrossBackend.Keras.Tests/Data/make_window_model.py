"""window_k2.h5: a Keras 2 full model whose input size is None, for the refusal of an input smaller than a
"valid" window (tests WindowFitTests, KerasCliTests).

Input (None, None, 1) -> Conv2D(1, 3x3, strides 2, "valid", no bias, kernel of ones) -> GlobalMaxPooling2D.
On a 3x3 input of ones the output is 9; on 2x2 there is no output cell: TensorFlow and PyTorch 1.13 raise
(torch.nn.functional.conv2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 3, 3), stride=2): "Kernel size can't be
greater than actual input size"), and CrossBackend must refuse too, naming the layer.

Written with make_models.py's Keras 2 writer. Run: /usr/bin/python3 make_window_model.py
"""
import os

import numpy as np

from make_models import HERE, Layer, conv_config, keras2_config, write_keras2_h5

layers = [
    Layer("InputLayer", {"batch_input_shape": [None, None, None, 1], "dtype": "float32", "sparse": False,
                         "ragged": False, "name": "input_1"}),
    Layer("Conv2D", conv_config("conv2d", 1, (3, 3), strides=(2, 2), use_bias=False), ["input_1"],
          [("kernel", np.ones((3, 3, 1, 1), np.float32))]),
    Layer("GlobalMaxPooling2D", {"name": "global_max_pooling2d", "trainable": True, "dtype": "float32",
                                 "data_format": "channels_last", "keepdims": False}, ["conv2d"]),
]

if __name__ == "__main__":
    write_keras2_h5(os.path.join(HERE, "window_k2.h5"), layers, keras2_config(layers, False, "window"))
