using CrossBackend.Testing;

namespace CrossBackend.Tests.FormattingTests;

/// <summary>
/// <see cref="TensorFormat"/> against real NumPy: every expected string is <c>repr(a)</c> printed by NumPy 1.24.2
/// (Debian 12's python3-numpy) for the same values, shape and dtype. Summarised arrays are compared with
/// <c>ShowShape = false</c> (NumPy 1.x); the default adds NumPy 2.2's <c>shape=</c>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class TensorFormatTests(ITensorEngine engine)
{
    public sealed record Case(string Name, double[] Values, long[] Shape, DType DType, string NumPy)
    {
        public override string ToString() => Name;
    }

    private static double[] Generated(string name) => name switch
    {
        "f32_summary" => Enumerable.Range(0, 2000).Select(i => (double)((float)i / 7f)).ToArray(),
        "i64_summary" => Enumerable.Range(0, 2000).Select(i => (double)i).ToArray(),
        "f32_summary_3d" => Enumerable.Range(0, 1200).Select(i => (double)((float)i * 0.3f)).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public static readonly Case[] Cases =
    [
        new("f32_2x2", new double[] { 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645 }, new long[] { 2, 2 }, DType.Float32, "array([[0.1, 0.2],\n       [0.3, 0.4]], dtype=float32)"),
        new("f32_losses", new double[] { 0.2231435328722, 0.10536055266857147, 0.3566749691963196 }, new long[] { 3 }, DType.Float32, "array([0.22314353, 0.10536055, 0.35667497], dtype=float32)"),
        new("f64_mixed", new double[] { 0.1, 0.25, 1.0 }, new long[] { 3 }, DType.Float64, "array([0.1 , 0.25, 1.  ])"),
        new("f32_sci", new double[] { 9.999999747378752e-06, 1.500000030061316e+20 }, new long[] { 2 }, DType.Float32, "array([1.0e-05, 1.5e+20], dtype=float32)"),
        new("f64_sci", new double[] { 1e-05, 1e+20 }, new long[] { 2 }, DType.Float64, "array([1.e-05, 1.e+20])"),
        new("f32_nonfinite", new double[] { double.NaN, 1.5, double.NegativeInfinity }, new long[] { 3 }, DType.Float32, "array([ nan,  1.5, -inf], dtype=float32)"),
        new("i64", new double[] { 1.0, -20.0, 300.0 }, new long[] { 3 }, DType.Int64, "array([  1, -20, 300])"),
        new("i32_2x2", new double[] { 1.0, 2.0, 3.0, 4.0 }, new long[] { 2, 2 }, DType.Int32, "array([[1, 2],\n       [3, 4]], dtype=int32)"),
        new("bool", new double[] { 1.0, 0.0 }, new long[] { 2 }, DType.Bool, "array([ True, False])"),
        new("f32_summary", Generated("f32_summary"), new long[] { 40, 50 }, DType.Float32, "array([[0.0000000e+00, 1.4285715e-01, 2.8571430e-01, ..., 6.7142859e+00,\n        6.8571429e+00, 7.0000000e+00],\n       [7.1428571e+00, 7.2857141e+00, 7.4285712e+00, ..., 1.3857142e+01,\n        1.4000000e+01, 1.4142858e+01],\n       [1.4285714e+01, 1.4428572e+01, 1.4571428e+01, ..., 2.1000000e+01,\n        2.1142857e+01, 2.1285715e+01],\n       ...,\n       [2.6428571e+02, 2.6442856e+02, 2.6457144e+02, ..., 2.7100000e+02,\n        2.7114285e+02, 2.7128571e+02],\n       [2.7142856e+02, 2.7157144e+02, 2.7171429e+02, ..., 2.7814285e+02,\n        2.7828571e+02, 2.7842856e+02],\n       [2.7857144e+02, 2.7871429e+02, 2.7885715e+02, ..., 2.8528571e+02,\n        2.8542856e+02, 2.8557144e+02]], dtype=float32)"),
        new("f64_3d", new double[] { 0.0, 1.1, 2.2, 3.3000000000000003, 4.4, 5.5, 6.6000000000000005, 7.700000000000001, 8.8, 9.9, 11.0, 12.100000000000001, 13.200000000000001, 14.3, 15.400000000000002, 16.5, 17.6, 18.700000000000003, 19.8, 20.900000000000002, 22.0, 23.1, 24.200000000000003, 25.3, 26.400000000000002, 27.500000000000004, 28.6, 29.700000000000003, 30.800000000000004, 31.900000000000002 }, new long[] { 2, 3, 5 }, DType.Float64, "array([[[ 0. ,  1.1,  2.2,  3.3,  4.4],\n        [ 5.5,  6.6,  7.7,  8.8,  9.9],\n        [11. , 12.1, 13.2, 14.3, 15.4]],\n\n       [[16.5, 17.6, 18.7, 19.8, 20.9],\n        [22. , 23.1, 24.2, 25.3, 26.4],\n        [27.5, 28.6, 29.7, 30.8, 31.9]]])"),
        new("f32_wrap", new double[] { 0.0, 0.03448275849223137, 0.06896551698446274, 0.1034482792019844, 0.13793103396892548, 0.17241379618644714, 0.2068965584039688, 0.24137930572032928, 0.27586206793785095, 0.3103448152542114, 0.3448275923728943, 0.37931033968925476, 0.4137931168079376, 0.4482758641242981, 0.48275861144065857, 0.517241358757019, 0.5517241358757019, 0.5862069129943848, 0.6206896305084229, 0.6551724076271057, 0.6896551847457886, 0.7241379022598267, 0.7586206793785095, 0.7931034564971924, 0.8275862336158752, 0.8620689511299133, 0.8965517282485962, 0.931034505367279, 0.9655172228813171, 1.0 }, new long[] { 30 }, DType.Float32, "array([0.        , 0.03448276, 0.06896552, 0.10344828, 0.13793103,\n       0.1724138 , 0.20689656, 0.2413793 , 0.27586207, 0.31034482,\n       0.3448276 , 0.37931034, 0.41379312, 0.44827586, 0.4827586 ,\n       0.51724136, 0.55172414, 0.5862069 , 0.62068963, 0.6551724 ,\n       0.6896552 , 0.7241379 , 0.7586207 , 0.79310346, 0.82758623,\n       0.86206895, 0.8965517 , 0.9310345 , 0.9655172 , 1.        ],\n      dtype=float32)"),
        new("f16", new double[] { 0.0999755859375, 0.199951171875 }, new long[] { 2 }, DType.Float16, "array([0.1, 0.2], dtype=float16)"),
        new("f32_scalar", new double[] { 0.10000000149011612 }, new long[] {  }, DType.Float32, "array(0.1, dtype=float32)"),
        new("f32_empty", new double[] {  }, new long[] { 0, 3 }, DType.Float32, "array([], shape=(0, 3), dtype=float32)"),
        new("f64_empty1", new double[] {  }, new long[] { 0 }, DType.Float64, "array([], dtype=float64)"),
        new("f64_prec", new double[] { 0.123456789, 1.0 }, new long[] { 2 }, DType.Float64, "array([0.12345679, 1.        ])"),
        new("f64_negzero", new double[] { -0.0, -1.5 }, new long[] { 2 }, DType.Float64, "array([-0. , -1.5])"),
        new("i64_summary", Generated("i64_summary"), new long[] { 2000 }, DType.Int64, "array([   0,    1,    2, ..., 1997, 1998, 1999])"),
        new("f32_big", new double[] { 100000000.0, 1.0 }, new long[] { 2 }, DType.Float32, "array([1.e+08, 1.e+00], dtype=float32)"),
        new("f64_small_neg", new double[] { -1e-05, 1.0, 100.0 }, new long[] { 3 }, DType.Float64, "array([-1.e-05,  1.e+00,  1.e+02])"),
        new("f64_int_valued", new double[] { 1.0, 2.0, 30.0 }, new long[] { 3 }, DType.Float64, "array([ 1.,  2., 30.])"),
        new("f32_summary_3d", Generated("f32_summary_3d"), new long[] { 10, 12, 10 }, DType.Float32, "array([[[0.00000000e+00, 3.00000012e-01, 6.00000024e-01, ...,\n         2.10000014e+00, 2.40000010e+00, 2.70000005e+00],\n        [3.00000000e+00, 3.30000019e+00, 3.60000014e+00, ...,\n         5.10000038e+00, 5.40000010e+00, 5.70000029e+00],\n        [6.00000000e+00, 6.30000019e+00, 6.60000038e+00, ...,\n         8.10000038e+00, 8.40000057e+00, 8.70000076e+00],\n        ...,\n        [2.70000019e+01, 2.73000011e+01, 2.76000004e+01, ...,\n         2.91000004e+01, 2.94000015e+01, 2.97000008e+01],\n        [3.00000019e+01, 3.03000011e+01, 3.06000004e+01, ...,\n         3.21000023e+01, 3.24000015e+01, 3.27000008e+01],\n        [3.30000000e+01, 3.33000031e+01, 3.36000023e+01, ...,\n         3.51000023e+01, 3.54000015e+01, 3.57000008e+01]],\n\n       [[3.60000000e+01, 3.63000031e+01, 3.66000023e+01, ...,\n         3.81000023e+01, 3.84000015e+01, 3.87000008e+01],\n        [3.90000000e+01, 3.93000031e+01, 3.96000023e+01, ...,\n         4.11000023e+01, 4.14000015e+01, 4.17000008e+01],\n        [4.20000000e+01, 4.23000031e+01, 4.26000023e+01, ...,\n         4.41000023e+01, 4.44000015e+01, 4.47000008e+01],\n        ...,\n        [6.30000038e+01, 6.33000031e+01, 6.36000023e+01, ...,\n         6.51000061e+01, 6.54000015e+01, 6.57000046e+01],\n        [6.60000000e+01, 6.63000031e+01, 6.66000061e+01, ...,\n         6.81000061e+01, 6.84000015e+01, 6.87000046e+01],\n        [6.90000000e+01, 6.93000031e+01, 6.96000061e+01, ...,\n         7.11000061e+01, 7.14000015e+01, 7.17000046e+01]],\n\n       [[7.20000000e+01, 7.23000031e+01, 7.26000061e+01, ...,\n         7.41000061e+01, 7.44000015e+01, 7.47000046e+01],\n        [7.50000000e+01, 7.53000031e+01, 7.56000061e+01, ...,\n         7.71000061e+01, 7.74000015e+01, 7.77000046e+01],\n        [7.80000000e+01, 7.83000031e+01, 7.86000061e+01, ...,\n         8.01000061e+01, 8.04000015e+01, 8.07000046e+01],\n        ...,\n        [9.90000076e+01, 9.93000031e+01, 9.96000061e+01, ...,\n         1.01100006e+02, 1.01400002e+02, 1.01700005e+02],\n        [1.02000008e+02, 1.02300003e+02, 1.02600006e+02, ...,\n         1.04100006e+02, 1.04400002e+02, 1.04700005e+02],\n        [1.05000008e+02, 1.05300003e+02, 1.05600006e+02, ...,\n         1.07100006e+02, 1.07400002e+02, 1.07700005e+02]],\n\n       ...,\n\n       [[2.52000015e+02, 2.52300003e+02, 2.52600006e+02, ...,\n         2.54100006e+02, 2.54400009e+02, 2.54700012e+02],\n        [2.55000015e+02, 2.55300003e+02, 2.55600006e+02, ...,\n         2.57100006e+02, 2.57400024e+02, 2.57700012e+02],\n        [2.58000000e+02, 2.58300018e+02, 2.58600006e+02, ...,\n         2.60100006e+02, 2.60400024e+02, 2.60700012e+02],\n        ...,\n        [2.79000000e+02, 2.79300018e+02, 2.79600006e+02, ...,\n         2.81100006e+02, 2.81400024e+02, 2.81700012e+02],\n        [2.82000000e+02, 2.82300018e+02, 2.82600006e+02, ...,\n         2.84100006e+02, 2.84400024e+02, 2.84700012e+02],\n        [2.85000000e+02, 2.85300018e+02, 2.85600006e+02, ...,\n         2.87100006e+02, 2.87400024e+02, 2.87700012e+02]],\n\n       [[2.88000000e+02, 2.88300018e+02, 2.88600006e+02, ...,\n         2.90100006e+02, 2.90400024e+02, 2.90700012e+02],\n        [2.91000000e+02, 2.91300018e+02, 2.91600006e+02, ...,\n         2.93100006e+02, 2.93400024e+02, 2.93700012e+02],\n        [2.94000000e+02, 2.94300018e+02, 2.94600006e+02, ...,\n         2.96100006e+02, 2.96400024e+02, 2.96700012e+02],\n        ...,\n        [3.15000000e+02, 3.15300018e+02, 3.15600006e+02, ...,\n         3.17100006e+02, 3.17400024e+02, 3.17700012e+02],\n        [3.18000000e+02, 3.18300018e+02, 3.18600006e+02, ...,\n         3.20100006e+02, 3.20400024e+02, 3.20700012e+02],\n        [3.21000000e+02, 3.21300018e+02, 3.21600006e+02, ...,\n         3.23100006e+02, 3.23400024e+02, 3.23700012e+02]],\n\n       [[3.24000000e+02, 3.24300018e+02, 3.24600006e+02, ...,\n         3.26100006e+02, 3.26400024e+02, 3.26700012e+02],\n        [3.27000000e+02, 3.27300018e+02, 3.27600006e+02, ...,\n         3.29100006e+02, 3.29400024e+02, 3.29700012e+02],\n        [3.30000000e+02, 3.30300018e+02, 3.30600006e+02, ...,\n         3.32100006e+02, 3.32400024e+02, 3.32700012e+02],\n        ...,\n        [3.51000000e+02, 3.51300018e+02, 3.51600006e+02, ...,\n         3.53100006e+02, 3.53400024e+02, 3.53700012e+02],\n        [3.54000000e+02, 3.54300018e+02, 3.54600006e+02, ...,\n         3.56100006e+02, 3.56400024e+02, 3.56700012e+02],\n        [3.57000000e+02, 3.57300018e+02, 3.57600006e+02, ...,\n         3.59100006e+02, 3.59400024e+02, 3.59700012e+02]]], dtype=float32)"),
    ];

    private static bool Summarised(Case c) => c.Values.Length > 1000;

    private static TensorFormatOptions OptionsFor(Case c) => Summarised(c) ? new TensorFormatOptions { ShowShape = false } : TensorFormatOptions.Default;

    /// <summary>The case as a .NET array of its dtype (rank 1 arrays for rank 0 are not possible, so rank 0 uses a tensor).</summary>
    private static Array HostArray(Case c)
    {
        Array flat = c.DType switch
        {
            DType.Float32 => c.Values.Select(v => (float)v).ToArray(),
            DType.Float16 => c.Values.Select(v => (Half)v).ToArray(),
            DType.Int64 => c.Values.Select(v => (long)v).ToArray(),
            DType.Int32 => c.Values.Select(v => (int)v).ToArray(),
            DType.Bool => c.Values.Select(v => v != 0).ToArray(),
            _ => c.Values,
        };
        if (c.Shape.Length == 1) return flat;
        Array shaped = Array.CreateInstance(flat.GetType().GetElementType()!, c.Shape.Select(s => (int)s).ToArray());
        int i = 0;
        foreach (int[] index in Indices(c.Shape)) shaped.SetValue(flat.GetValue(i++), index);
        return shaped;
    }

    private static IEnumerable<int[]> Indices(long[] shape)
    {
        if (shape.Any(s => s == 0)) yield break;
        var index = new int[shape.Length];
        while (true)
        {
            yield return (int[])index.Clone();
            int d = shape.Length - 1;
            while (d >= 0 && ++index[d] == shape[d]) index[d--] = 0;
            if (d < 0) yield break;
        }
    }

    private object Tensor(Case c)
    {
        long[] shape = c.Shape;
        object made = c.DType switch
        {
            DType.Float64 => engine.FromArray(c.Values, shape),
            DType.Int64 => engine.FromArray(c.Values.Select(v => (long)v).ToArray(), shape),
            DType.Int32 => engine.FromArray(c.Values.Select(v => (int)v).ToArray(), shape),
            DType.Bool => engine.FromArray(c.Values.Select(v => v != 0).ToArray(), shape),
            _ => engine.FromArray(c.Values.Select(v => (float)v).ToArray(), shape),
        };
        return c.DType == DType.Float16 ? engine.Cast(made, DType.Float16) : made;
    }

    [TestCaseSource(nameof(Cases))]
    public void HostArraysPrintAsNumPy(Case c)
    {
        if (c.Shape.Length == 0) Assert.Ignore(".NET has no rank-0 arrays.");
        Assert.That(TensorFormat.ToString(HostArray(c), OptionsFor(c)), Is.EqualTo(c.NumPy));
    }

    [TestCaseSource(nameof(Cases))]
    public void EngineTensorsPrintAsNumPy(Case c) =>
        EngineNumPyPrint.AssertPrints(engine, () => Tensor(c), c.Shape, c.DType, OptionsFor(c), c.NumPy);

    [Test]
    public void SummarisedArraysShowTheirShapeByDefault()
    {
        Case c = Cases.First(x => x.Name == "f32_summary");
        string text = TensorFormat.ToString(HostArray(c));
        Assert.That(text, Does.EndWith("shape=(40, 50), dtype=float32)"));
        Assert.That(text, Does.Contain("..."));
    }

    [Test]
    public void VerboseAlwaysShowsShapeAndDType()
    {
        Assert.That(TensorFormat.ToString(new[] { 0.1, 0.25 }, TensorFormatOptions.Verbose), Is.EqualTo("array([0.1 , 0.25], shape=(2,), dtype=float64)"));
        string described = TensorFormat.Describe(engine.FromArray(new[] { 0.5f, 1.5f }, [2]));
        Assert.That(described, Does.StartWith($"{engine.Name} tensor, shape (2,), float32, on "));
        Assert.That(described, Does.EndWith("array([0.5, 1.5], dtype=float32)"));
    }
}
