namespace CrossBackend;

/// <summary>Float64 stays float64; everything else is computed and returned in float32 (FastEstimator converts to
/// float32 first; keeping float64 keeps float64 pipelines exact).</summary>
internal abstract class Float32Program() : FunctionProgram(d => d[0] == DType.Float64 ? DType.Float64 : DType.Float32)
{
    public override DType ComputeDType(DType[] inputs) => inputs[0] == DType.Float64 ? DType.Float64 : DType.Float32;
}

/// <summary>(x − mean·max_pixel) / (std·max_pixel + ε) with per-channel constants on the engine's image channel axis.</summary>
internal sealed class NormalizeFunction(double[] mean, double[] std, double maxPixelValue, double epsilon) : Float32Program
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        DType dtype = o.DTypeOf(x);
        return [o.Div(o.Sub(x, Constant(o, shape, dtype, mean.Select(m => Scaled(m, dtype)).ToArray(), "mean")),
            Constant(o, shape, dtype, std.Select(s => Plus(Scaled(s, dtype), epsilon, dtype)).ToArray(), "std"))];
    }

    /// <summary>value · maxPixelValue as FastEstimator's TensorFlow and torch paths make it (get_scaled_data:
    /// <c>tf.constant(value)</c> / <c>torch.tensor(value)</c> times a Python float), a float32 product of float32
    /// operands (0.224·255 → 57.120003, where rounding the double product once gives 57.12); in float64 for float64
    /// tensors, which stay float64 here.</summary>
    private double Scaled(double value, DType dtype) =>
        dtype == DType.Float64 ? value * maxPixelValue : (float)value * (float)maxPixelValue;

    /// <summary>std + epsilon, in float32 as FastEstimator adds them unless the tensor is float64.</summary>
    private static double Plus(double scaledStd, double epsilon, DType dtype) =>
        dtype == DType.Float64 ? scaledStd + epsilon : (float)scaledStd + (float)epsilon;

    /// <summary>A scalar, or a vector along the channel axis: the last on channels-last engines, third from the end
    /// (…, C, H, W) on channels-first ones (torchvision's <c>Normalize</c>) for images of rank ≥ 3. A tensor of rank 1
    /// or 2 has no image axes and the same layout on every engine, so its channels are its last axis everywhere, as
    /// FastEstimator's TensorFlow and NumPy paths broadcast them (its torch path, torchvision's <c>Normalize</c>,
    /// raises "Expected tensor to be a tensor image of size (..., C, H, W)" below rank 3, one value or several).</summary>
    private static T Constant<T>(ITensorOps<T> o, long[] shape, DType dtype, double[] values, string name) where T : class
    {
        if (values.Length == 1) return o.Scalar(values[0], dtype);
        bool lastAxis = o.Engine.ClassAxis == -1 || shape.Length < 3;
        int axis = lastAxis ? shape.Length - 1 : shape.Length - 3;
        if (axis < 0 || shape[axis] != values.Length)
            throw new ArgumentException(
                $"Argument `{name}` must hold one value or one per channel ({(lastAxis ? "last axis" : "axis −3 of (…, C, H, W)")} on the {o.Engine.Name} engine). Received: {name} has {values.Length} values, tensor.shape={TensorInfo.FormatShape(shape)}",
                name);
        long[] constantShape = [values.Length, .. Enumerable.Repeat(1L, shape.Length - 1 - axis)];
        return o.FromValues(values, constantShape, dtype);
    }
}

/// <summary>(x − mean) / max(std, ε) over all elements.</summary>
internal sealed class ZScoreFunction(double epsilon) : Float32Program
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        // The population deviation is the engines' own reduction (torch.std, correction 0; the channels-last engine's
        // two-pass kernel), and x − mean is made once: one pass over x fewer than composing the deviation.
        T std = o.Reduce(ReduceOp.Std, x, null, false);
        return [o.Div(o.Sub(x, o.Mean(x)), o.Maximum(std, epsilon))];
    }
}

public static partial class Backend
{
    /// <summary>
    /// (x − mean·maxPixelValue) / (std·maxPixelValue + epsilon) (FastEstimator's <c>tensor_normalize</c>), with
    /// <paramref name="mean"/> and <paramref name="std"/> either one value for all elements or one per channel: the
    /// channel axis is the engine's image channel axis — last on channels-last engines (NumPy/TensorFlow broadcasting),
    /// (…, C, H, W) on channels-first ones (torchvision's <c>Normalize</c>). Defaults: ImageNet's mean and std, 255.
    /// float64 stays float64, every other dtype gives float32 (FastEstimator: float32), with the constants made as
    /// FastEstimator's TensorFlow and torch paths make them: float32 products, then + epsilon in float32.
    /// </summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] with mean 0.5625, std 0.2864, max 8 →
    /// <b>[[[-1.52752516, -1.0910894], [-0.65465364, -0.21821788]], [[0.21821788, 0.65465364], [1.0910894, 1.52752516]]]</b>;
    /// with mean (0.5, 0.625), std (0.2795, 0.2795) (channels-last) → <b>[[[-1.34164073, -1.34164073], [-0.44721358, -0.44721358]], …]</b>.
    /// FastEstimator's printed numbers divide by the exact deviations √5.25 and √5; with the rounded 0.2864·8 and
    /// 0.2795·8 the formula gives −1.52758 and −1.34168 (4e-5 apart).</remarks>
    public static T Normalize<T>(T tensor, double[]? mean = null, double[]? std = null, double maxPixelValue = 255.0, double epsilon = 1e-7) where T : class
    {
        mean ??= [0.485, 0.456, 0.406];
        std ??= [0.229, 0.224, 0.225];
        if (mean.Length == 0) throw new ArgumentException("Argument `mean` must hold at least one value. Received: []", nameof(mean));
        if (std.Length == 0) throw new ArgumentException("Argument `std` must hold at least one value. Received: []", nameof(std));
        // A NaN or infinite constant would make every output NaN (or 0) without an error; maxPixelValue 0 would
        // silently divide by epsilon alone.
        RequireFinite(mean, nameof(mean));
        RequireFinite(std, nameof(std));
        if (!(double.IsFinite(maxPixelValue) && maxPixelValue > 0))
            throw new ArgumentOutOfRangeException(nameof(maxPixelValue), maxPixelValue,
                $"Argument `maxPixelValue` must be a finite number > 0 (255 for 8-bit images, 1 for data already in [0, 1]). Received: maxPixelValue={maxPixelValue}");
        RequireEpsilon(epsilon);
        return Run<T>(nameof(Normalize), new NormalizeFunction(mean, std, maxPixelValue, epsilon), [tensor], TensorName);
    }

    /// <summary><see cref="Normalize{T}(T, double[], double[], double, double)"/> with one mean and one std.</summary>
    public static T Normalize<T>(T tensor, double mean, double std, double maxPixelValue = 255.0, double epsilon = 1e-7) where T : class =>
        Normalize(tensor, [mean], [std], maxPixelValue, epsilon);

    /// <summary>(x − mean) / max(std, epsilon) over all elements, with the population deviation (FastEstimator's
    /// <c>zscore</c>). float64 stays float64, every other dtype gives float32.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1], [2, 3]] → <b>[[-1.34164079, -0.4472136], [0.4472136, 1.34164079]]</b>.</remarks>
    public static T ZScore<T>(T data, double epsilon = 1e-7) where T : class
    {
        RequireEpsilon(epsilon);
        return Run<T>(nameof(ZScore), new ZScoreFunction(epsilon), [data], ["data"]);
    }

    private static void RequireFinite(double[] values, string name)
    {
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentOutOfRangeException(name, values[bad],
                $"Argument `{name}` must hold finite numbers. Received: {name}[{bad}]={values[bad]}");
    }

    private static void RequireEpsilon(double epsilon)
    {
        if (!(double.IsFinite(epsilon) && epsilon >= 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                $"Argument `epsilon` must be a finite number >= 0 (the default is 1e-7). Received: epsilon={epsilon}");
    }
}
