using System.Globalization;

namespace CrossBackend.Tests.Testing;

/// <summary>The data files PyTorch wrote for the kit's tests (Testing/data/*.json, made by the scripts beside them),
/// and Python's spelling of the numbers in them.</summary>
internal static class TorchData
{
    /// <summary>The path of a file in Testing/data, as copied to the test output.</summary>
    public static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Testing", "data", name);

    /// <summary>A float as Python's <c>repr</c> writes it ("nan", "inf", "-inf" or a decimal).</summary>
    public static double ParsePython(string text) => text switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };
}
