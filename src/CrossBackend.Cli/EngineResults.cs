using System.Globalization;

namespace CrossBackend.Cli;

/// <summary>One engine's result of a command: values row-major in the file's order, the shape (<c>[]</c> for one value
/// that the Python libraries give as a scalar) and the dtype.</summary>
internal sealed record EngineResult(ITensorEngine Engine, double[] Values, long[] Shape, DType DType)
{
    /// <summary>
    /// An engine's result read back as the files hold data: a result that keeps y_pred's rank
    /// (<paramref name="predRank"/>) has the class axis, which goes back last when the inputs were moved to the engine's
    /// layout (<paramref name="movedInputs"/>); one value that Keras, FastEstimator and NumPy give as a scalar
    /// (<paramref name="scalar"/>) gets shape [] on every engine (torch holds it as (), the channels-last engine, which
    /// has no rank 0, as (1,)).
    /// </summary>
    public static EngineResult Read(ITensorEngine engine, object result, int predRank, bool movedInputs, bool scalar)
    {
        int rank = engine.Describe(result).Shape.Length, classAxis = engine.ClassAxis < 0 ? engine.ClassAxis + rank : engine.ClassAxis;
        if (movedInputs && rank >= 2 && rank == predRank && classAxis != rank - 1)
            result = engine.MoveAxis(result, classAxis, rank - 1);
        double[] values = engine.ToDoubleArray(result, out long[] shape);
        if (values.Length == 1 && scalar) shape = [];
        return new EngineResult(engine, values, shape, engine.Describe(result).DType);
    }
}

/// <summary>
/// How <c>loss</c> and <c>metric</c> print their results. With one engine: the result alone (text), or one JSON line
/// <c>{"backend", "shape", KEY}</c>. On every engine: one line per engine (<c>NAME  RESULT</c>, or the JSON line), then
/// a verdict (text: <c>agree: …</c> or <c>DISAGREE: …</c>; JSON: <c>{"agree", "max_abs_diff", "dtype", "rtol",
/// "atol"}</c>). JSON Lines rather than one object, so each engine's line is the same as with <c>--backend</c>.
/// </summary>
internal static class EngineResults
{
    /// <summary>Writes the results; returns <see cref="CliApp.Disagreement"/> when engines disagree (see
    /// <see cref="Agreement"/>), else <see cref="CliApp.Ok"/>.</summary>
    public static int Write(TextWriter stdout, IReadOnlyList<EngineResult> results, string key, bool json, bool oneEngine)
    {
        if (oneEngine)
        {
            stdout.WriteLine(json ? JsonLine(results[0], key) : Formatting.Values(results[0].Values, results[0].Shape, results[0].DType));
            return CliApp.Ok;
        }

        DType dtype = results[0].DType;
        (double rtol, double atol) = Agreement.For(dtype);
        double maxDiff = 0;
        bool agree = true;
        for (int i = 0; i < results.Count; i++)
            for (int j = 0; j < i; j++)
            {
                (double d, bool ok) = Agreement.Compare(results[i].Values, results[j].Values, rtol, atol);
                maxDiff = double.IsNaN(d) || double.IsNaN(maxDiff) ? double.NaN : Math.Max(maxDiff, d);
                agree &= ok && results[i].Shape.SequenceEqual(results[j].Shape);
            }
        int width = results.Max(x => x.Engine.Name.Length);
        foreach (EngineResult x in results)
            stdout.WriteLine(json ? JsonLine(x, key) : $"{x.Engine.Name.PadRight(width)}  {Formatting.Values(x.Values, x.Shape, x.DType)}");
        string diff = maxDiff.ToString(json ? "R" : "0.0e+0", CultureInfo.InvariantCulture);
        stdout.WriteLine(json
            ? string.Create(CultureInfo.InvariantCulture,
                $"{{\"agree\": {(agree ? "true" : "false")}, \"max_abs_diff\": {(double.IsNaN(maxDiff) ? "NaN" : diff)}, \"dtype\": \"{dtype.Name()}\", \"rtol\": {rtol:R}, \"atol\": {atol:R}}}")
            : $"{(agree ? "agree" : "DISAGREE")}: {results.Count} engines, max |diff| {diff}, tolerance {Agreement.Describe(dtype)}");
        return agree ? CliApp.Ok : CliApp.Disagreement;
    }

    private static string JsonLine(EngineResult x, string key) =>
        $"{{\"backend\": \"{x.Engine.Name}\", \"shape\": {Formatting.Shape(x.Shape)}, \"{key}\": {Formatting.Values(x.Values, x.Shape, x.DType)}}}";
}
