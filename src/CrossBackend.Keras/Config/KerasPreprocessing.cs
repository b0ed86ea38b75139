namespace CrossBackend.Keras;

/// <summary>
/// The rules of the preprocessing layers (<see cref="RescalingSpec"/>, <see cref="NormalizationSpec"/>,
/// <see cref="CenterCropSpec"/>) and of the layers that are the identity at inference (<see cref="IdentitySpec"/>):
/// their shapes, weights, masks, and the constants both runtimes broadcast, in Keras's layout (batch excluded).
/// </summary>
internal static class KerasPreprocessing
{
    /// <summary>The output shape, or a refusal naming the layer where Keras would compute something else.</summary>
    public static long[] Shape(LayerSpec spec, long[] x, string layer, string className)
    {
        switch (spec)
        {
            case RescalingSpec r:
            {
                int length = Math.Max(r.Scale.Length, r.Offset.Length);
                if (length > 1 && (x.Length == 0 || x[^1] != length || (r.Scale.Length != 1 && r.Scale.Length != length) || (r.Offset.Length != 1 && r.Offset.Length != length)))
                    throw new InvalidDataException(
                        $"layer `{layer}` ({className}): scale ({r.Scale.Length} values) and offset ({r.Offset.Length} values) broadcast over the last axis, which needs " +
                        $"1 or exactly as many values as that axis has; the input is {KerasLayer.FormatBatchShape(x)}");
                return x;
            }
            case NormalizationSpec n:
                KeptAxes(n, x, layer, className);
                return x;
            case CenterCropSpec c:
            {
                if (x.Length != 3)
                    throw new NotSupportedException($"layer `{layer}` ({className}) needs images (height, width, channels); it receives {KerasLayer.FormatBatchShape(x)}");
                if (x[0] < 0 || x[1] < 0)
                    throw new NotSupportedException(
                        $"layer `{layer}` ({className}) needs a known height and width (Keras 3 refuses a dynamic size there, and tf.keras 2 resizes a smaller " +
                        $"image); it receives {KerasLayer.FormatBatchShape(x)}: give the InputLayer a fixed image size");
                if (x[0] < c.Height || x[1] < c.Width)
                    throw new NotSupportedException(
                        $"layer `{layer}` ({className}) crops {KerasLayer.FormatBatchShape(x)} to {c.Height}x{c.Width}, smaller than the target: Keras then resizes the " +
                        "image (smart_resize, bilinear, cropping to the target's aspect ratio) instead of cropping, which CrossBackend does not build; " +
                        "feed images at least as large as the crop");
                return [c.Height, c.Width, x[2]];
            }
            case ResizingSpec r:
                return x.Length == 3 ? [r.Height, r.Width, x[2]]
                    : throw new NotSupportedException($"layer `{layer}` ({className}) needs images (height, width, channels); it receives {KerasLayer.FormatBatchShape(x)}");
            case IdentitySpec { UnknownAxis: int axis }:
            {
                long[] y = (long[])x.Clone();
                if (y.Length >= -axis) y[y.Length + axis] = -1;
                return y;
            }
            default:
                return x;
        }
    }

    /// <summary>Refuses a preprocessing or identity layer fed straight by an integer InputLayer (uint8 images, say): Keras
    /// casts such an input to the layer's float dtype first (exact for integers below 2^24), but the runtimes keep
    /// integer inputs as token ids in Keras's layout, so the layer would meet another layout on TorchSharp. A tf.keras 2
    /// TensorFlow op other than tf.cast on such an input (<c>inputs / 127.5</c> on uint8 images, <c>x[:, 1:]</c> of token
    /// ids) is refused too: TensorFlow computes it in the integers' own type (a division in float32 or float64), the
    /// numerics engine's ops take floats only, and TorchSharp's would meet the integers in Keras's layout (a halved
    /// (1, 3, 2) input, flattened, came out scrambled). Any other layer but an Embedding on such an input is refused
    /// as well, for the same layout reason.</summary>
    /// <param name="spec">The layer's settings.</param>
    /// <param name="layer">Its name, for messages.</param>
    /// <param name="className">Its Keras class.</param>
    /// <param name="inputs">The layers it reads.</param>
    /// <param name="module">Keras 3's <c>module</c> of the config entry (a functional op's <c>keras.src.ops…</c>), or null.</param>
    public static void EnsureFloatInputs(LayerSpec spec, string layer, string className, IEnumerable<KerasLayer> inputs, string? module = null)
    {
        // Only an Embedding and tf.cast read integer tensors on both runtimes.
        if (spec is EmbeddingSpec or TFOpSpec { Op: KerasTFOp.Cast }) return;
        // Every TF op but tf.cast, whatever spec it reads as (tf.transpose is a Permute, tf.nn.relu an activation, ...).
        bool op = KerasOpsCall.IsOpOnTensors(className, module);
        bool preprocessing = spec is RescalingSpec or NormalizationSpec or CenterCropSpec or IdentitySpec or ResizingSpec;
        foreach (KerasLayer input in inputs)
        {
            if (input.Spec is not InputSpec { DType: var dtype } || dtype.IsFloatingPoint()) continue;
            // Any other layer (Flatten, Permute, Reshape, a Conv2D ...) would meet the integers in Keras's layout on
            // TorchSharp, where it expects channels first: a (2, 3, 2) uint8 image flattened then cast came out
            // scrambled (63 where Keras gives 13); the channels-last engine refused it only at predict time.
            if (!op && !preprocessing)
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}) reads the integer input `{input.Name}` ({dtype.Name()}), which is not supported: only an Embedding or " +
                    "tf.cast reads integer inputs (the runtimes hold them as token ids in Keras's layout); call tf.cast(x, tf.float32) on the input first, " +
                    "or declare the input float32");
            // A Keras 3 op is fixed with keras.ops.cast (tf.cast is no op of a Keras 3 model), and its integer arithmetic
            // follows Keras's own promotion (keras/src/backend/common/dtypes.py result_type), not TensorFlow's.
            if (op && KerasOpsCall.Handles(module))
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}) calls {(spec is TFOpSpec k ? k.Label : $"{module}.{className}")} on the integer input `{input.Name}` ({dtype.Name()}), " +
                    "which is not supported: the runtimes hold integer inputs as token ids, and Keras computes ops on integers in the dtypes of its own " +
                    "promotion rules; call keras.ops.cast(x, \"float32\") on the input first, or declare the input float32");
            if (op)
                throw new NotSupportedException(
                    $"layer `{layer}` ({className}) calls {(spec is TFOpSpec t ? t.Label : "a TensorFlow op")} on the integer input `{input.Name}` ({dtype.Name()}), which is not supported: " +
                    "the runtimes hold integer inputs as token ids and TensorFlow computes integer ops in their own type (a division of 8- and 16-bit " +
                    "integers in float32); call tf.cast(x, tf.float32) on the input first, or declare the input float32");
            throw new NotSupportedException(
                $"layer `{layer}` ({className}) reads the integer input `{input.Name}` ({dtype.Name()}), which is not supported: the runtimes keep " +
                "integer inputs as token ids; declare the input float32 (Keras casts the integers to float first, so the numbers are the same)");
        }
    }

    /// <summary>Normalization's kept axes as indices among the non-batch axes, increasing (Keras sorts them); the batch
    /// axis and unknown lengths are refused (Keras builds one mean per cell of the kept axes and raises on None), and
    /// the config's mean must be one value or have the kept axes' shape (where every Keras release reads it the same way).</summary>
    public static int[] KeptAxes(NormalizationSpec n, long[] x, string layer, string className)
    {
        int?[] axes = n.Axes.Select(a => KerasAxes.NonBatch(a, x.Length)).ToArray();
        if (axes.Any(a => a is null))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}): axis [{string.Join(", ", n.Axes)}] of an input of {KerasLayer.FormatBatchShape(x)} includes the batch axis or an axis out " +
                "of range; only non-batch axes are supported (Keras needs a known length on every kept axis)");
        int[] kept = axes.Select(a => a!.Value).Order().ToArray();
        if (kept.Distinct().Count() != kept.Length)
            throw new NotSupportedException($"layer `{layer}` ({className}): axis [{string.Join(", ", n.Axes)}] names one axis twice");
        if (kept.Any(a => x[a] < 0))
            throw new NotSupportedException($"layer `{layer}` ({className}) needs known lengths on its kept axes [{string.Join(", ", n.Axes)}]; it receives {KerasLayer.FormatBatchShape(x)}");
        long[] keptShape = kept.Select(a => x[a]).ToArray();
        if (n.Mean is not null && n.ValueShape.Length > 0 && !n.ValueShape.SequenceEqual(keptShape))
            throw new NotSupportedException(
                $"layer `{layer}` ({className}): the config's mean and variance have shape ({string.Join(", ", n.ValueShape)}), and the kept axes ({string.Join(", ", keptShape)}); " +
                "Keras releases broadcast such values differently (tf.keras 2 and Keras 3.x from the right, Keras 3.0 by reshape), so only one value or " +
                "exactly the kept axes' shape is supported");
        return kept;
    }

    /// <summary>An adapted Normalization's weights, in the order Keras builds them: mean, variance (the kept axes'
    /// shape), count (a scalar int64, kept for old files and unused at inference).</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Weights(NormalizationSpec n, long[] x)
    {
        if (n.Mean is not null) return [];
        long[] kept = KeptAxes(n, x, "", "Normalization").Select(a => x[a]).ToArray();
        return [("mean", kept), ("variance", kept), ("count", [])];
    }

    /// <summary>Rescaling's scale and offset as arrays of the returned shape (the input's rank, every axis 1 but
    /// the last where a list is given).</summary>
    public static (long[] Shape, double[] Scale, double[] Offset) Rescaling(RescalingSpec r, long[] input)
    {
        int length = Math.Max(r.Scale.Length, r.Offset.Length);
        long[] shape = Enumerable.Repeat(1L, Math.Max(input.Length, 1)).ToArray();
        shape[^1] = length;
        double[] Full(double[] v) => v.Length == length ? v : Enumerable.Repeat(v[0], length).ToArray();
        return (shape, Full(r.Scale), Full(r.Offset));
    }

    /// <summary>Normalization's mean and variance as arrays of the returned shape: the input's rank, the kept
    /// axes' lengths and 1 elsewhere (Keras's <c>_broadcast_shape</c> without the batch axis); from the config (one value
    /// repeated) or from the adapted weights.</summary>
    public static (long[] Shape, double[] Mean, double[] Variance) Statistics(KerasLayer layer)
    {
        var n = (NormalizationSpec)layer.Spec;
        long[] x = layer.InputShapes[0];
        int[] kept = KeptAxes(n, x, layer.Name, layer.ClassName);
        long[] shape = Enumerable.Repeat(1L, Math.Max(x.Length, 1)).ToArray();
        foreach (int a in kept) shape[a] = x[a];
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        double[] Full(double[] v) => v.Length == count ? v : Enumerable.Repeat(v[0], count).ToArray();
        if (n.Mean is not null) return (shape, Full(n.Mean), Full(n.Variance!));
        return (shape, layer.Weights[0].ToDoubleArray(), layer.Weights[1].ToDoubleArray());
    }

    /// <summary>CenterCrop as the Cropping2D that computes it: ⌊(H − height) / 2⌋ rows before, the rest after (Keras's
    /// <c>int(h_diff / 2)</c>), the same for the columns.</summary>
    public static KerasLayer AsCropping(KerasLayer layer)
    {
        var c = (CenterCropSpec)layer.Spec;
        long[] x = layer.InputShapes[0];
        int top = (int)(x[0] - c.Height) / 2, left = (int)(x[1] - c.Width) / 2;
        var crop = new CroppingSpec([top, left], [(int)x[0] - c.Height - top, (int)x[1] - c.Width - left]);
        return new KerasLayer(layer.Name, layer.ClassName, crop, layer.Inbound, layer.InputShapes, layer.OutputShape, []);
    }

    /// <summary>Resizing's <c>crop_to_aspect_ratio</c> window on an image of <paramref name="height"/> × <paramref name="width"/>:
    /// crop_height = min(height, int(float32(width · target_height) / target_width)), at least 1, the same for the width, and
    /// the start int(float32(height − crop_height) / 2) — tf.keras 2's <c>smart_resize</c> and Keras 3's TensorFlow
    /// <c>image.resize</c> (which adds the floor of 1), both in float32 with truncation.</summary>
    public static (int Top, int Height, int Left, int Width) AspectCrop(int height, int width, int targetHeight, int targetWidth)
    {
        int cropHeight = Math.Max(Math.Min(height, (int)((float)(width * targetHeight) / targetWidth)), 1);
        int cropWidth = Math.Max(Math.Min(width, (int)((float)(height * targetWidth) / targetHeight)), 1);
        return ((int)((float)(height - cropHeight) / 2), cropHeight, (int)((float)(width - cropWidth) / 2), cropWidth);
    }

    /// <summary>TensorFlow's ResizeNearestNeighbor with half-pixel centres along one axis: output cell o reads input cell
    /// min(⌊(o + ½) · scale⌋, n − 1), at least 0, scale = n / out, all in float32 as the kernel computes it
    /// (tensorflow/core/kernels/image/resize_nearest_neighbor_op.cc, HalfPixelScalerForNN).</summary>
    public static int[] NearestIndices(int inSize, int outSize)
    {
        float scale = inSize / (float)outSize;
        var indices = new int[outSize];
        for (int o = 0; o < outSize; o++) indices[o] = Math.Max(0, Math.Min((int)MathF.Floor((o + 0.5f) * scale), inSize - 1));
        return indices;
    }

    /// <summary>What the layer does with a mask that reaches it, by the writer's release: AlphaDropout and
    /// ActivityRegularization pass it in both (<c>supports_masking = True</c>); Identity and Rescaling pass it in Keras 3
    /// (<c>self.supports_masking = True</c> in keras/src/layers/core/identity.py and preprocessing/rescaling.py) and drop it in
    /// tf.keras 2 (neither class sets it); Normalization passes it in Keras 3 and drops it in tf.keras 2 (neither its class nor
    /// the PreprocessingLayer base sets <c>supports_masking</c>: keras/layers/preprocessing/normalization.py,
    /// keras/engine/base_preprocessing_layer.py); CenterCrop, Resizing and the random layers drop it in both (Keras 3's
    /// BaseImagePreprocessingLayer and tf.keras 2's BaseRandomLayer leave it unset).</summary>
    public static (KerasMaskRole Role, bool OutputMasked) Masks(LayerSpec spec, string className, string layer, string? kerasVersion)
    {
        KerasIdentityMasks rule = spec switch
        {
            IdentitySpec i => i.Masks,
            RescalingSpec or NormalizationSpec => KerasIdentityMasks.PassesInKeras3,
            _ => KerasIdentityMasks.Drops,
        };
        if (rule == KerasIdentityMasks.PassesThrough) return (KerasMaskRole.PassesThrough, true);
        if (rule == KerasIdentityMasks.Drops) return KerasMasking.DropsUnsupported(layer, className, kerasVersion);
        int? major = KerasConfigReader.Major(kerasVersion);
        if (major >= 3) return (KerasMaskRole.PassesThrough, true);
        if (major is null)
            throw KerasMasking.Refused(layer, className,
                "Keras 3 passes the mask on there and tf.keras 2 drops it, and the file does not say which Keras wrote it; pass the Keras version " +
                "(KerasGraph.FromJson(json, \"3\"), or Build(kerasVersion: \"3\") of an architecture written in C#)");
        return KerasMasking.DropsUnsupported(layer, className, kerasVersion);
    }
}
