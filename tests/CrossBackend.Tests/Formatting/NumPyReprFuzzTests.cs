using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrossBackend.Testing;

namespace CrossBackend.Tests.FormattingTests;

/// <summary>
/// <see cref="TensorFormat"/> against <c>repr(arr)</c> of NumPy 1.24.2 for several hundred deterministic random cases
/// (<c>Formatting/Data/make_numpy_repr_cases.py</c> wrote <c>numpy_repr_cases.json</c>): ranks 0–4, empty axes, sizes
/// past the summarisation threshold, float16/32/64, int32/64 and bool, with value mixes aimed at the branches of
/// NumPy's <c>FloatingFormat.fillFormat</c> (numpy/core/arrayprint.py). Each case prints as a .NET array (rank 0
/// through the formatter directly, .NET having no rank-0 arrays) and as each engine's tensor. NumPy 1.x prints no
/// <c>shape=</c> for summarised arrays, so those are compared with <c>ShowShape = false</c>.
/// The same tests run over <c>numpy_option_cases.json</c> (<c>make_numpy_option_cases.py</c>): NumPy's <c>repr</c> under
/// non-default print options (precision, threshold, edgeitems, linewidth, suppress, floatmode, sign), each case naming
/// the options NumPy printed it with.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class NumPyReprFuzzTests(ITensorEngine engine)
{
    public sealed record Case(string Name, string DType, long[] Shape, string[] Values, string Repr,
        [property: JsonPropertyName("options")] Dictionary<string, JsonElement>? PrintOptions = null)
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

        /// <summary>The case's print options with NumPy's names mapped to ours; summarised arrays without
        /// <c>shape=</c>, as NumPy 1.x prints them.</summary>
        [JsonIgnore]
        public TensorFormatOptions Options
        {
            get
            {
                TensorFormatOptions o = TensorFormatOptions.Default;
                foreach ((string key, JsonElement value) in PrintOptions ?? [])
                {
                    o = key switch
                    {
                        "precision" => o with { Precision = value.GetInt32() },
                        "threshold" => o with { Threshold = value.GetInt32() },
                        "edgeitems" => o with { EdgeItems = value.GetInt32() },
                        "linewidth" => o with { LineWidth = value.GetInt32() },
                        "suppress" => o with { Suppress = value.GetBoolean() },
                        "floatmode" => o with
                        {
                            FloatMode = value.GetString() switch
                            {
                                "maxprec" => TensorFloatMode.MaxPrec,
                                "fixed" => TensorFloatMode.Fixed,
                                "unique" => TensorFloatMode.Unique,
                                "maxprec_equal" => TensorFloatMode.MaxPrecEqual,
                                var m => throw new InvalidDataException($"Unexpected floatmode {m} in case {Name}."),
                            },
                        },
                        "sign" => o with
                        {
                            Sign = value.GetString() switch
                            {
                                "-" => TensorSign.Minus,
                                "+" => TensorSign.Plus,
                                " " => TensorSign.Space,
                                var m => throw new InvalidDataException($"Unexpected sign '{m}' in case {Name}."),
                            },
                        },
                        _ => throw new InvalidDataException($"Unexpected print option {key} in case {Name}."),
                    };
                }
                return Values.Length > o.Threshold ? o with { ShowShape = false } : o;
            }
        }
    }

    private sealed record File(string NumPy, Case[] Cases);

    private static Case[] Load(string file) => JsonSerializer.Deserialize<File>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Formatting", "Data", file)),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!.Cases;

    /// <summary>Default print options.</summary>
    public static readonly Case[] Cases = Load("numpy_repr_cases.json");

    /// <summary>One or a few print options changed from NumPy's defaults.</summary>
    public static readonly Case[] OptionCases = Load("numpy_option_cases.json");

    [Test]
    public void TheDataHoldsSeveralHundredCases()
    {
        Assert.That(Cases, Has.Length.GreaterThan(300));
        Assert.That(OptionCases, Has.Length.GreaterThan(500));
        Assert.That(OptionCases.Where(c => c.PrintOptions is { Count: > 0 }).Count(), Is.EqualTo(OptionCases.Length));
    }

    [TestCaseSource(nameof(Cases))]
    [TestCaseSource(nameof(OptionCases))]
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
    [TestCaseSource(nameof(OptionCases))]
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
