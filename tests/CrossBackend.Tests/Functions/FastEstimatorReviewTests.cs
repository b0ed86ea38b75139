using CrossBackend.Testing;

namespace CrossBackend.Tests.Functions;

/// <summary>
/// Places where the functions differed from FastEstimator's own (session 57's review of
/// <c>fastestimator/backend/_*.py</c>), pinned on every engine. The expected values are printed by
/// <c>Functions/Data/make_fastestimator_review_values.py</c> (PyTorch 1.13, NumPy 1.24), which reproduces each
/// FastEstimator code path by hand.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class FastEstimatorReviewTests(ITensorEngine engine)
{
    private object T(double[] values, DType dtype, params long[] shape) => FunctionExamples.T(engine, values, shape, dtype);

    /// <summary>Channels-last data in the engine's layout (channels to axis 1 on channels-first engines), and back.</summary>
    private object InLayout(object x) => engine.ClassAxis == -1 ? x : engine.MoveAxis(x, -1, 1);
    private object ChannelsLast(object x) => engine.ClassAxis == -1 ? x : engine.MoveAxis(x, 1, -1);

    /// <summary><c>tensor_normalize</c> makes its constants as FastEstimator's TensorFlow and torch paths do:
    /// float32(mean) · max_pixel_value and float32(std) · max_pixel_value as float32 products, then + epsilon in
    /// float32. With ImageNet's defaults the std 0.224·255 is 57.120003 there (57.12 when the double product was
    /// rounded once, as before), so channel 1 differed in the last place: 0.07037822157144547 (FastEstimator) vs
    /// 0.07037822902202606 (before).</summary>
    [Test]
    public void NormalizeWithImageNetDefaultsRoundsItsConstantsAsFastEstimator()
    {
        object x = InLayout(T([10.1, 120.3, 200.7, 0.1, 0.3, 254.9], DType.Float32, 1, 1, 2, 3));
        double[] actual = engine.ToDoubleArray(ChannelsLast(Backend.Normalize(x)), out _);
        Assert.That(actual, Is.EqualTo(new[]
        {
            -1.9449440240859985, 0.07037822157144547, 1.6935946941375732, -2.1161916255950928, -2.0304620265960693, 2.6382570266723633,
        }));
    }

    /// <summary>One mean 0.3 and std 0.13 with max_pixel_value 100 and epsilon 0.1: FastEstimator's 0.3·100 in float32
    /// is 30.000002 and 0.13·100 + 0.1 is 13.100001; near the mean the difference is 2e-5 relative
    /// (−0.007633762434124947 vs −0.007633616682142019 before).</summary>
    [Test]
    public void NormalizeWithOneMeanAndStdRoundsItsConstantsAsFastEstimator()
    {
        object x = T([0.1, 0.3, 3.7, 29.9, 30.3, 99.7], DType.Float32, 6);
        double[] actual = engine.ToDoubleArray(Backend.Normalize(x, 0.3, 0.13, 100.0, 0.1), out _);
        Assert.That(actual, Is.EqualTo(new[]
        {
            -2.282442808151245, -2.2671756744384766, -2.007633686065674, -0.007633762434124947, 0.02290055900812149, 5.320610523223877,
        }));
    }

    /// <summary>A tensor of rank 1 or 2 has no image axes and the same layout on every engine: its channels are its last
    /// axis on every engine, as FastEstimator's TensorFlow and NumPy paths broadcast them (its torch path's torchvision
    /// <c>Normalize</c> raises below rank 3; one value is pinned above on a rank-1 tensor). Before session 58 the torch
    /// engine refused per-channel constants below rank 3 ("axis −3 of (…, C, H, W)") where the channels-last engine
    /// gave these numbers.</summary>
    [Test]
    public void NormalizeBelowRankThreeTakesChannelsOnTheLastAxisOnEveryEngine()
    {
        object rows = T([0.1, 0.5, 0.9, 0.3, 0.7, 0.2], DType.Float32, 2, 3);
        double[] actual = engine.ToDoubleArray(Backend.Normalize(rows, [0.1, 0.3, 0.5], [0.2, 0.3, 0.4], 1.0), out long[] shape);
        Assert.That(shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(actual, Is.EqualTo(new[]
        {
            0.0, 0.6666663885116577, 0.9999997019767761, 0.9999995827674866, 1.3333327770233154, -0.7499998807907104,
        }));
        object one = T([0.3, 0.1, 0.7], DType.Float32, 3);
        Assert.That(engine.ToDoubleArray(Backend.Normalize(one, [0.1, 0.3, 0.5], [0.2, 0.3, 0.4], 1.0), out _),
            Is.EqualTo(new[] { 0.9999995827674866, -0.6666665077209473, 0.49999985098838806 }));
        var e = Assert.Throws<ArgumentException>(() => Backend.Normalize(rows, [0.1, 0.3], [0.2, 0.3], 1.0));
        Assert.That(e!.ParamName, Is.EqualTo("mean"));
        Assert.That(e.Message, Does.Contain("last axis").And.Contain("tensor.shape=(2, 3)"));
    }

    /// <summary>A NaN among the values a percentile is taken over gives NaN for every percentile of them, as
    /// FastEstimator's TensorFlow path (<c>tfp.stats.percentile</c>, "Propagate NaNs") and its NumPy path
    /// (<c>np.percentile</c>) give; ±∞ are ordinary values. FastEstimator's torch path (<c>kthvalue</c>) sorts NaN
    /// last instead and gave [1, 0.1, NaN] for the first row, as both engines did before.</summary>
    [Test]
    public void APercentileOverANaNIsNaN([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        object x = T([3, double.NaN, 1, 2, 0.1, 5, 0.3, double.PositiveInfinity, double.NegativeInfinity], dtype, 3, 3);
        object rows = Backend.Percentile(x, [0.0, 30, 100], [1], keepdims: false);
        Assert.That(Backend.GetShape(rows), Is.EqualTo(new long[] { 3, 3 }));
        Assert.That(engine.ToDoubleArray(rows, out _), Is.EqualTo(new[]
        {
            double.NaN, 0.1, double.NegativeInfinity,
            double.NaN, 0.1, double.NegativeInfinity,
            double.NaN, 5, double.PositiveInfinity,
        }).Within(1e-7));
        object all = Backend.Percentile(x, [10.0, 100]);
        Assert.That(Backend.GetShape(all), Is.EqualTo(new long[] { 2, 1, 1 }));
        Assert.That(engine.ToDoubleArray(all, out _), Is.EqualTo(new[] { double.NaN, double.NaN }));
        object one = Backend.Percentile(x, 30.0, [1]);
        Assert.That(engine.ToDoubleArray(one, out _), Is.EqualTo(new[] { double.NaN, 0.1, double.NegativeInfinity }).Within(1e-7));
    }

    /// <summary><c>iwd</c> with <c>eps</c> given needs no second class: FastEstimator ignores max_prob and
    /// pairwise_distance then, and one class gets probability 1 for every row (it was refused). Without eps,
    /// FastEstimator's max_prob·(C − 1) divides by zero, so one class stays refused.</summary>
    [Test]
    public void IwdWithEpsTakesOneClass()
    {
        object x = T([0.3, 0.1, 0], DType.Float32, 3, 1);
        object p = Backend.Iwd(x, power: 0.3, eps: 0.1);
        Assert.That(Backend.GetShape(p), Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(engine.ToDoubleArray(p, out _), Is.EqualTo(new[] { 1.0, 1, 1 }));
        var e = Assert.Throws<ArgumentException>(() => Backend.Iwd(x, power: 0.3));
        Assert.That(e!.ParamName, Is.EqualTo("tensor"));
        Assert.That(e.Message, Does.Contain("eps"));
    }

    /// <summary><c>clip_by_value</c> takes tensor bounds (FastEstimator's <c>min_value: Union[int, float, Tensor,
    /// None]</c>; its torch path reads each with <c>.item()</c>): [0.05, 0.2, 0.5, −3] with [0.1] and [[0.3]] →
    /// [0.1, 0.2, 0.3, 0.1] in float32; a bound of several values is refused naming it, as <c>.item()</c> raises.
    /// Before, only numbers were taken.</summary>
    [Test]
    public void ClipByValueTakesOneElementTensorBounds()
    {
        object x = T([0.05, 0.2, 0.5, -3], DType.Float32, 4);
        object low = T([0.1], DType.Float32, 1), high = T([0.3], DType.Float32, 1, 1);
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, low, high), out _),
            Is.EqualTo(new[] { 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.10000000149011612 }));
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, null, high), out _),
            Is.EqualTo(new[] { 0.05000000074505806, 0.20000000298023224, 0.30000001192092896, -3.0 }));
        Assert.That(engine.ToDoubleArray(Backend.ClipByValue(x, low, new[] { 0.3 }), out _),
            Is.EqualTo(engine.ToDoubleArray(Backend.ClipByValue(x, 0.1, 0.3), out _)), "a one-element .NET array");
        var e = Assert.Throws<ArgumentException>(() => Backend.ClipByValue(x, T([0.1, 0.3], DType.Float32, 2), high));
        Assert.That(e!.ParamName, Is.EqualTo("minValue"));
        Assert.That(e.Message, Does.Contain("exactly one value"));
    }

    /// <summary><c>cast(data, dtype)</c> takes a tensor or NumPy array as <c>dtype</c> and casts to its dtype
    /// (FastEstimator's <c>_cast.py</c>): float32 [2.7, −1.5] to an int32 reference → int32 [2, −1]; the .NET array
    /// [0.1, 0.3, 70000] to a float16 reference → <c>Half[]</c> [0.0999755859375, 0.300048828125, ∞]
    /// (<c>np.array(data, dtype=reference.dtype)</c>). A number as reference is refused naming <c>dtype</c>
    /// (FastEstimator returns None for it). Before, only a DType or a dtype name was taken.</summary>
    [Test]
    public void CastTakesAReferenceTensorForItsDType()
    {
        object ints = T([0, 0], DType.Int32, 2);
        object cast = Backend.Cast(T([2.7, -1.5], DType.Float32, 2), ints);
        Assert.That(Backend.ToType(cast), Is.EqualTo(DType.Int32));
        Assert.That(engine.ToDoubleArray(cast, out _), Is.EqualTo(new[] { 2.0, -1 }));
        object halves = Backend.Cast(new[] { 0.1, 0.3, 70000 }, T([1], DType.Float16, 1));
        Assert.That(halves, Is.TypeOf<Half[]>());
        Assert.That(((Half[])halves).Select(h => (double)h), Is.EqualTo(new[] { 0.0999755859375, 0.300048828125, double.PositiveInfinity }));
        Assert.That(Backend.ToType(Backend.Cast(T([0.1], DType.Float64, 1), new float[1])), Is.EqualTo(DType.Float32), "a .NET array as reference");
        Assert.That(Backend.ToType(Backend.Cast(T([0.1], DType.Float64, 1), (object)DType.Float16)), Is.EqualTo(DType.Float16), "a DType given as object");
        var e = Assert.Throws<ArgumentException>(() => Backend.Cast(T([0.1], DType.Float64, 1), (object)0.3));
        Assert.That(e!.ParamName, Is.EqualTo("dtype"));
    }

    /// <summary><c>iwd</c>'s <c>eps</c> is a tensor in FastEstimator (<c>eps: Optional[Tensor]</c>; its
    /// test_torch_input_eps passes <c>torch.tensor(0.062499999999999986)</c>: [[0.2] * 5, [0.8, 0.05, 0.05, 0.05, 0.05]])
    /// and <c>maximum(tensor, eps)</c> broadcasts it, so one ε per class works: [[0, 0.3, 1], [0.05, 0.2, 0.1]] with
    /// ε [0.1, 0.3, 0.2], power 0.3 → [[0.45036724, 0.3239145, 0.22571832], [0.39502653, 0.28411219, 0.32086125]] in
    /// float32 (PyTorch 1.13 through FastEstimator's code). Before, only a number was taken.</summary>
    [Test]
    public void IwdTakesATensorEps()
    {
        object x = T([0.5, 0.5, 0.5, 0.5, 0.5, 0, 1, 1, 1, 1], DType.Float32, 2, 5);
        Assert.That(engine.ToDoubleArray(Backend.Iwd(x, eps: T([0.062499999999999986], DType.Float32, 1)), out _),
            Is.EqualTo(new[] { 0.2, 0.2, 0.2, 0.2, 0.2, 0.8, 0.05, 0.05, 0.05, 0.05 }).Within(1e-7));
        object d = T([0, 0.3, 1, 0.05, 0.2, 0.1], DType.Float32, 2, 3);
        double[] expected = [0.4503672420978546, 0.323914498090744, 0.22571831941604614, 0.3950265347957611, 0.28411218523979187, 0.32086125016212463];
        Assert.That(engine.ToDoubleArray(Backend.Iwd(d, power: 0.3, eps: T([0.1, 0.3, 0.2], DType.Float32, 3)), out _),
            Is.EqualTo(expected).Within(2e-7));
        Assert.That(engine.ToDoubleArray(Backend.Iwd(d, power: 0.3, eps: new[] { 0.1, 0.3, 0.2 }), out _),
            Is.EqualTo(expected).Within(2e-7), "a .NET array");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Iwd(d, eps: T([0.1, 0, 0.2], DType.Float32, 3)));
        Assert.That(e!.ParamName, Is.EqualTo("eps"));
        var wide = Assert.Throws<ArgumentException>(() => Backend.Iwd(d, eps: T([0.1, 0.3], DType.Float32, 2)));
        Assert.That(wide!.ParamName, Is.EqualTo("eps"));
    }

    /// <summary><c>ones_like</c> and <c>zeros_like</c> take the dtype as a name (FastEstimator's <c>dtype: Union[None,
    /// str]</c>; its docstring's <c>ones_like(n, dtype="float32")</c> → [[1.0, 1.0], [1.0, 1.0]]); an unknown name is
    /// refused naming <c>dtype</c>. Before, only a <see cref="DType"/> was taken.</summary>
    [Test]
    public void OnesLikeAndZerosLikeTakeADTypeName()
    {
        object x = T([0, 1, 2, 3], DType.Int64, 2, 2);
        object ones = Backend.OnesLike(x, "float32");
        Assert.That(Backend.ToType(ones), Is.EqualTo(DType.Float32));
        Assert.That(engine.ToDoubleArray(ones, out _), Is.EqualTo(new[] { 1.0, 1, 1, 1 }));
        object zeros = Backend.ZerosLike(x, "float16");
        Assert.That(Backend.ToType(zeros), Is.EqualTo(DType.Float16));
        Assert.That(engine.ToDoubleArray(zeros, out _), Is.EqualTo(new[] { 0.0, 0, 0, 0 }));
        Assert.That(Backend.ToType(Backend.OnesLike(x, (string?)null)), Is.EqualTo(DType.Int64), "null: the tensor's dtype");
        var e = Assert.Throws<ArgumentException>(() => Backend.ZerosLike(x, "float31"));
        Assert.That(e!.ParamName, Is.EqualTo("dtype"));
    }

    /// <summary>One dtype parameter (<see cref="DTypeOrName"/>) takes a <see cref="DType"/>, a NumPy name and a bare
    /// null: <c>OnesLike(x, null)</c> compiles again (it was ambiguous between the DType? and string? overloads of
    /// session 57, so callers had to write <c>(string?)null</c>), and <c>random_normal_like</c>/<c>random_uniform_like</c>
    /// take FastEstimator's <c>dtype="float32"</c> as well as a DType: the same seed gives the same numbers either way.</summary>
    [Test]
    public void OneDTypeParameterTakesADTypeANameOrNull()
    {
        object x = T([0, 1, 2, 3], DType.Int64, 2, 2);
        Assert.That(Backend.ToType(Backend.OnesLike(x, null)), Is.EqualTo(DType.Int64), "null literal: the tensor's dtype");
        Assert.That(Backend.ToType(Backend.ZerosLike(x, null)), Is.EqualTo(DType.Int64));
        DType? none = null;
        Assert.That(Backend.ToType(Backend.OnesLike(x, none)), Is.EqualTo(DType.Int64), "a null DType? variable");
        Assert.That(engine.ToDoubleArray(Backend.OnesLike(x, DType.Float64), out _), Is.EqualTo(new[] { 1.0, 1, 1, 1 }));

        object byName = Backend.RandomNormalLike(x, 0.3, 0.1, "float64", seed: 7);
        object byDType = Backend.RandomNormalLike(x, 0.3, 0.1, DType.Float64, seed: 7);
        Assert.That(Backend.ToType(byName), Is.EqualTo(DType.Float64));
        Assert.That(engine.ToDoubleArray(byName, out _), Is.EqualTo(engine.ToDoubleArray(byDType, out _)));
        object uniform = Backend.RandomUniformLike(x, 0.1, 0.3, dtype: "float16", seed: 7);
        Assert.That(Backend.ToType(uniform), Is.EqualTo(DType.Float16));
        Assert.That(engine.ToDoubleArray(uniform, out _), Is.EqualTo(engine.ToDoubleArray(Backend.RandomUniformLike(x, 0.1, 0.3, DType.Float16, seed: 7), out _)));
        Assert.That(Backend.ToType(Backend.RandomUniformLike(x, dtype: null, seed: 7)), Is.EqualTo(DType.Float32), "null: FastEstimator's default float32");
        var e = Assert.Throws<ArgumentException>(() => Backend.RandomNormalLike(x, dtype: "int32"));
        Assert.That(e!.ParamName, Is.EqualTo("dtype"));
        e = Assert.Throws<ArgumentException>(() => Backend.RandomUniformLike(x, dtype: "float31"));
        Assert.That(e!.ParamName, Is.EqualTo("dtype"));
    }
}
