using System.Globalization;
using System.Text.Json;
using CrossBackend.Testing;

namespace CrossBackend.Tests.FormattingTests;

/// <summary>
/// <see cref="TensorFormat"/> against <c>repr(arr)</c> of NumPy 1.24.2 for several hundred deterministic random cases
/// (<c>Formatting/Data/make_numpy_repr_cases.py</c> wrote <c>numpy_repr_cases.json</c>): ranks 0–4, empty axes, sizes
/// past the summarisation threshold, float16/32/64, int32/64 and bool, with value mixes aimed at the branches of
/// NumPy's <c>FloatingFormat.fillFormat</c> (numpy/core/arrayprint.py). Each case prints as a .NET array (rank 0
/// through the formatter directly, .NET having no rank-0 arrays) and as each engine's tensor. NumPy 1.x prints no
/// <c>shape=</c> for summarised arrays, so those are compared with <c>ShowShape = false</c>.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NumPyReprFuzzTests(ITensorEngine engine)
{
    public sealed record Case(string Name, string DType, long[] Shape, string[] Values, string Repr)
    {
        public override string ToString() => Name;

        public DType Type => DType switch
        {
            "float16" => CrossBackend.DType.Float16,
            "float32" => CrossBackend.DType.Float32,
            "float64" => CrossBackend.DType.Float64,
            "int32" => CrossBackend.DType.Int32,
            "int64" => CrossBackend.DType.Int64,
            "bool" => CrossBackend.DType.Bool,
            _ => throw new InvalidDataException($"Unexpected dtype {DType} in case {Name}."),
        };

        public double[] Doubles => Values.Select(v => v switch
        {
            "nan" => double.NaN,
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        }).ToArray();

        public long[] Longs => Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        /// <summary>The values as a flat .NET array of the dtype (float16 exactly, each value being a float16).</summary>
        public Array Flat => Type switch
        {
            CrossBackend.DType.Float16 => Doubles.Select(v => (Half)v).ToArray(),
            CrossBackend.DType.Float32 => Doubles.Select(v => (float)v).ToArray(),
            CrossBackend.DType.Float64 => Doubles,
            CrossBackend.DType.Int32 => Longs.Select(v => (int)v).ToArray(),
            CrossBackend.DType.Int64 => Longs,
            _ => Values.Select(v => v == "1").ToArray(),
        };

        public TensorFormatOptions Options => Values.Length > 1000 ? new TensorFormatOptions { ShowShape = false } : TensorFormatOptions.Default;
    }

    private sealed record File(string NumPy, Case[] Cases);

    public static readonly Case[] Cases = JsonSerializer.Deserialize<File>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Formatting", "Data", "numpy_repr_cases.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!.Cases;

    [Test]
    public void TheDataHoldsSeveralHundredCases() => Assert.That(Cases, Has.Length.GreaterThan(300));

    [TestCaseSource(nameof(Cases))]
    public void HostArraysPrintAsNumPy(Case c)
    {
        string text = c.Shape.Length == 0
            ? TensorFormat.Format(c.Type == DType.Bool ? c.Values.Select(v => v == "1" ? 1.0 : 0.0).ToArray()
                                  : c.Type is DType.Int32 or DType.Int64 ? c.Longs.Select(v => (double)v).ToArray() : c.Doubles,
                                  [], c.Type, c.Options, c.Type == DType.Int64 ? c.Longs : null)
            : TensorFormat.ToString(Shaped(c.Flat, c.Shape), c.Options);
        Assert.That(text, Is.EqualTo(c.Repr));
    }

    [TestCaseSource(nameof(Cases))]
    public void EngineTensorsPrintAsNumPy(Case c)
    {
        EngineNumPyPrint.AssertPrints(engine,
            () => c.Type == DType.Float16
                ? engine.Cast(engine.FromArray(c.Doubles.Select(v => (float)v).ToArray(), c.Shape), DType.Float16)
                : engine.FromArray(c.Flat, c.Shape),
            c.Shape, c.Type, c.Options, c.Repr);
    }

    private static Array Shaped(Array flat, long[] shape)
    {
        if (shape.Length == 1) return flat;
        Array shaped = Array.CreateInstance(flat.GetType().GetElementType()!, shape.Select(s => (int)s).ToArray());
        if (shape.Any(s => s == 0)) return shaped;
        var index = new int[shape.Length];
        for (int i = 0; i < flat.Length; i++)
        {
            shaped.SetValue(flat.GetValue(i), index);
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return shaped;
    }
}
