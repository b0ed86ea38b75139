using System.Globalization;
using System.Text;

namespace CrossBackend.Testing;

/// <summary>What a comparison found wrong first.</summary>
public enum TensorMismatch
{
    /// <summary>Nothing: the tensors are close.</summary>
    None,
    /// <summary>The shapes differ.</summary>
    Shape,
    /// <summary>The dtypes differ (only when the dtype is checked).</summary>
    DType,
    /// <summary>Some elements are not close.</summary>
    Values,
}

/// <summary>
/// The result of comparing two tensor-likes element by element: whether they are close, and the numbers the
/// report gives (mismatch count, greatest absolute and relative differences and where they occur). Used by
/// <see cref="TensorAssert"/>, <see cref="TensorIs"/> and <see cref="EngineParity"/>; call <see cref="Compare"/>
/// directly to inspect a comparison without failing a test.
/// </summary>
/// <remarks>
/// <para>Rule (as <c>torch.testing.assert_close</c>): an element is close when actual == expected (so +Inf matches
/// only +Inf and −Inf only −Inf), or |actual − expected| is finite and ≤ atol + rtol·|expected| (so 1e308 and −1e308,
/// whose difference overflows, are never close). NaN is a mismatch, unless <c>equalNan</c> and both are NaN. Values are compared in float64, except that two integer or bool
/// sides compare their exact values (int64 beyond 2⁵³ included), as <c>torch.testing</c> does. Complex tensors (and any
/// dtype CrossBackend lacks) are refused with an <see cref="ArgumentException"/>: read as real numbers they would lose
/// their imaginary part.</para>
/// <para>Shapes must be equal, except that a rank-0 tensor and a one-element tensor of shape (1,) compare as the
/// same shape (System.Numerics.Tensors has no rank-0 tensors, so a mean there has shape (1,)). Indices in the
/// report are in <c>actual</c>'s shape. Among the mismatched elements the greatest difference is reported, NaN
/// counting as the greatest, the first one on ties; the relative difference is |actual − expected| / |expected|
/// (inf where expected is 0).</para>
/// <para>Where PyTorch 1.13 differs, on purpose: <c>checkDType</c> defaults to false (torch's <c>check_dtype</c> to
/// true), so a float32 result compares with double[] golden values; the relative difference of integers is taken
/// in float64 (torch divides int64 tensors in float32: 0.4000000059604645 for 2 / 5); with a non-zero tolerance
/// integers still compare exactly (torch's <c>isclose</c> converts them to float32, so 100000001 is close to
/// 100000000 within atol 0.5 there); and the report's heading says "Tensors" for torch's "Tensor-likes", with no
/// blank line after it.</para>
/// </remarks>
public sealed class TensorComparison
{
    private TensorComparison(TensorValues actual, TensorValues expected, Tolerance tolerance)
    {
        ActualShape = actual.Shape;
        ExpectedShape = expected.Shape;
        ActualDType = actual.DType;
        ExpectedDType = expected.DType;
        Tolerance = tolerance;
        ElementCount = actual.Values.Length;
    }

    /// <summary>Whether the two are close.</summary>
    public bool IsClose => Mismatch == TensorMismatch.None;

    /// <summary>What was found wrong first (<see cref="TensorMismatch.None"/> when close).</summary>
    public TensorMismatch Mismatch { get; private set; }

    /// <summary>The actual value's shape.</summary>
    public IReadOnlyList<long> ActualShape { get; }

    /// <summary>The expected value's shape.</summary>
    public IReadOnlyList<long> ExpectedShape { get; }

    /// <summary>The actual value's dtype.</summary>
    public DType ActualDType { get; }

    /// <summary>The expected value's dtype.</summary>
    public DType ExpectedDType { get; }

    /// <summary>The bound used: the one given, or the table's for the looser of the two dtypes.</summary>
    public Tolerance Tolerance { get; }

    /// <summary>The number of elements compared (0 when the shapes differ).</summary>
    public long ElementCount { get; private set; }

    /// <summary>The number of elements that are not close.</summary>
    public long MismatchCount { get; private set; }

    /// <summary>The greatest |actual − expected| among the mismatched elements (NaN if one involves NaN); 0 when
    /// none mismatch. Integer values are compared exactly and this is their exact difference rounded to float64
    /// (the report prints it exactly: 18446744073709551615 for <see cref="long.MinValue"/> vs <see cref="long.MaxValue"/>).</summary>
    public double GreatestAbsoluteDifference { get; private set; }

    /// <summary>Where <see cref="GreatestAbsoluteDifference"/> occurs, in <see cref="ActualShape"/>; null when no
    /// element mismatches.</summary>
    public IReadOnlyList<long>? GreatestAbsoluteDifferenceIndex { get; private set; }

    /// <summary>The greatest |actual − expected| / |expected| among the mismatched elements; 0 when none mismatch. For a
    /// rank-0 value, inf whenever expected is 0 (NaN difference included), as <c>torch.testing</c> reports scalars.</summary>
    public double GreatestRelativeDifference { get; private set; }

    /// <summary>Where <see cref="GreatestRelativeDifference"/> occurs; null when no element mismatches.</summary>
    public IReadOnlyList<long>? GreatestRelativeDifferenceIndex { get; private set; }

    /// <summary>The report (empty when close), e.g.
    /// <code>
    /// Tensors are not close!
    /// Mismatched elements: 1 / 6 (16.7%)
    /// Greatest absolute difference: 0.5 at index (1, 2) (up to 1e-05 allowed)
    /// Greatest relative difference: 0.1 at index (1, 2) (up to 1.3e-06 allowed)
    /// </code>
    /// With both tolerances 0 the first line says "not equal" and the bounds are left out. A rank-0 actual value is
    /// reported as <c>torch.testing</c> reports a 0-d tensor:
    /// <code>
    /// Scalars are not close!
    /// Absolute difference: 0.5 (up to 0.01 allowed)
    /// Relative difference: 0.25 (up to 0.1 allowed)
    /// </code></summary>
    public string Message { get; private set; } = "";

    /// <inheritdoc/>
    public override string ToString() => IsClose ? "Tensors are close." : Message;

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/>. Each may be a tensor of any engine (the
    /// two may come from different engines), a .NET array of any rank (<c>float[]</c>, <c>double[,]</c>,
    /// <c>Half[]</c>, <c>uint[]</c>, ...), an <see cref="IO.NpyArray"/>, or a number (<c>double</c>, <c>float</c>,
    /// <c>Half</c>, any integer type, <c>bool</c>).
    /// </summary>
    /// <param name="actual">The value under test.</param>
    /// <param name="expected">The reference value (relative differences are taken against it).</param>
    /// <param name="rtol">Relative tolerance; give both <paramref name="rtol"/> and <paramref name="atol"/> or neither
    /// (then <paramref name="tolerances"/> decides by dtype).</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="equalNan">Whether NaN in both at the same place counts as close.</param>
    /// <param name="checkDType">Whether different dtypes are a mismatch.</param>
    /// <param name="tolerances">The default table; <see cref="ToleranceTable.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException">A value is null.</exception>
    /// <exception cref="ArgumentException">A value is of a kind the kit cannot read (a jagged array, a complex tensor),
    /// or only one tolerance is given.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or not finite.</exception>
    public static TensorComparison Compare(object actual, object expected, double? rtol = null, double? atol = null,
        bool equalNan = false, bool checkDType = false, ToleranceTable? tolerances = null)
    {
        TensorValues a = TensorValues.Of(actual, nameof(actual));
        TensorValues b = TensorValues.Of(expected, nameof(expected));
        return CompareRead(a, b, rtol, atol, equalNan, checkDType, tolerances);
    }

    internal static TensorComparison CompareRead(TensorValues a, TensorValues b, double? rtol, double? atol, bool equalNan,
        bool checkDType, ToleranceTable? tolerances)
    {
        Tolerance tolerance = Resolve(rtol, atol, a.DType, b.DType, tolerances);
        var result = new TensorComparison(a, b, tolerance);
        if (!SameShape(a.Shape, b.Shape)) result.ShapeMismatch();
        else if (checkDType && a.DType != b.DType) result.DTypeMismatch();
        else result.CompareValues(a, b, equalNan);
        return result;
    }

    internal static Tolerance Resolve(double? rtol, double? atol, DType a, DType b, ToleranceTable? tolerances)
    {
        if (rtol.HasValue != atol.HasValue)
            throw new ArgumentException(
                "Arguments `rtol` and `atol` must be given together or both omitted (giving one alone would silently keep the " +
                $"other's default). Received: rtol={Show(rtol)}, atol={Show(atol)}", rtol.HasValue ? "atol" : "rtol");
        return rtol is { } r && atol is { } t ? new Tolerance(r, t).Validated() : (tolerances ?? ToleranceTable.Default).For(a, b);
    }

    private static string Show(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

    private static bool SameShape(long[] a, long[] b) =>
        a.AsSpan().SequenceEqual(b) || (a.Length + b.Length == 1 && (a.Length == 0 ? b[0] : a[0]) == 1);

    private void ShapeMismatch()
    {
        Mismatch = TensorMismatch.Shape;
        ElementCount = 0;
        string actual = TensorInfo.FormatShape(ActualShape), expected = TensorInfo.FormatShape(ExpectedShape);
        var text = new StringBuilder(Heading())
            .Append($"The shapes do not match: actual {actual} != expected {expected}.");
        if (MovedAxis(ExpectedShape, ActualShape) is ({ } source, { } destination))
            text.Append($"\nactual's shape is expected's with axis {source} moved to position {destination}: the same data in the other " +
                        "layout (channels-first vs channels-last)? Move the channel axis of one side first, e.g. " +
                        $"engine.MoveAxis(actual, {destination}, {source}), or create channels-last data in an engine's own layout " +
                        "with EngineInterop.FromChannelsLast(engine, data, shape).");
        // numpy.testing.assert_allclose(x, 0.5) broadcasts the number; torch.testing (and this kit) compare shapes.
        else if (ExpectedShape.Count == 0)
            text.Append("\nexpected is one number and shapes are not broadcast (as in torch.testing; numpy.testing.assert_allclose " +
                        $"would broadcast it): compare with an array of actual's shape, e.g. new NpyArray(Enumerable.Repeat(value, n).ToArray(), {string.Join(", ", ActualShape)}).");
        Message = text.ToString();
    }

    private void DTypeMismatch()
    {
        Mismatch = TensorMismatch.DType;
        Message = Heading() + $"The dtypes do not match: actual {ActualDType.Name()} != expected {ExpectedDType.Name()}.";
    }

    /// <summary>(source, destination) such that moving axis source of <paramref name="from"/> to position
    /// destination gives <paramref name="to"/>; the channels-last ↔ channels-first moves are tried first.</summary>
    private static (int?, int?) MovedAxis(IReadOnlyList<long> from, IReadOnlyList<long> to)
    {
        int rank = from.Count;
        if (rank < 2 || to.Count != rank) return (null, null);
        var candidates = new List<(int, int)> { (rank - 1, 1), (1, rank - 1) };
        for (int s = 0; s < rank; s++)
        for (int d = 0; d < rank; d++)
            if (s != d) candidates.Add((s, d));
        foreach ((int s, int d) in candidates)
        {
            if (s == d) continue;
            var moved = from.ToList();
            long length = moved[s];
            moved.RemoveAt(s);
            moved.Insert(d, length);
            if (moved.SequenceEqual(to)) return (s, d);
        }
        return (null, null);
    }

    private void CompareValues(TensorValues actual, TensorValues expected, bool equalNan)
    {
        double[] a = actual.Values, b = expected.Values;
        // Two integer (or bool) sides compare their exact values, as torch.testing compares int64 tensors: in float64
        // 2⁵³ + 1 and 2⁵³ are one number. Their difference is exact too (as UInt128: long.MinValue − long.MaxValue
        // needs 64 bits unsigned; PyTorch's own int64 subtraction wraps and reports 1 there).
        long[]? ia = actual.Integers, ib = expected.Integers;
        bool integers = ia is not null && ib is not null;
        (double rtol, double atol) = Tolerance;
        long mismatches = 0;
        int maxAbsAt = -1, maxRelAt = -1;
        double maxAbs = 0, maxRel = 0;
        UInt128 maxExact = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i], abs;
            UInt128 exact = 0;
            if (integers)
            {
                if (ia![i] == ib![i]) continue;
                exact = (UInt128)(ia[i] > ib[i] ? (Int128)ia[i] - ib[i] : (Int128)ib[i] - ia[i]);
                abs = (double)exact;
                if (abs <= atol + rtol * Math.Abs(y)) continue;
            }
            else
            {
                if (x == y || (equalNan && double.IsNaN(x) && double.IsNaN(y))) continue;
                abs = Math.Abs(x - y);
                // The difference itself must be finite, as torch.isclose requires: 1e308 and -1e308 differ by inf
                // (an overflow), which no tolerance covers even when rtol·|expected| overflows to inf too.
                if (double.IsFinite(abs) && abs <= atol + rtol * Math.Abs(y)) continue;
            }
            mismatches++;
            double rel = abs / Math.Abs(y);
            if (integers ? maxAbsAt < 0 || exact > maxExact : Greater(abs, maxAbs, maxAbsAt)) (maxAbs, maxAbsAt, maxExact) = (abs, i, exact);
            if (Greater(rel, maxRel, maxRelAt)) (maxRel, maxRelAt) = (rel, i);
        }
        if (mismatches == 0) return;

        Mismatch = TensorMismatch.Values;
        MismatchCount = mismatches;
        GreatestAbsoluteDifference = maxAbs;
        GreatestAbsoluteDifferenceIndex = Unravel(maxAbsAt, ActualShape);
        GreatestRelativeDifference = maxRel;
        GreatestRelativeDifferenceIndex = Unravel(maxRelAt, ActualShape);
        string absText = integers ? maxExact.ToString(CultureInfo.InvariantCulture) : PythonFloat.Repr(maxAbs);
        if (ActualShape.Count == 0)
        {
            // A rank-0 value is reported as torch.testing reports a 0-d tensor (its make_scalar_mismatch_msg): no
            // count, no index, and a relative difference of inf against 0 even when the difference is NaN.
            double scalarRel = b[0] == 0 ? double.PositiveInfinity : maxRel;
            GreatestRelativeDifference = scalarRel;
            Message = Heading("Scalars") +
                $"Absolute difference: {absText}{Allowed(atol)}\n" +
                $"Relative difference: {PythonFloat.Repr(scalarRel)}{Allowed(rtol)}";
            return;
        }
        string percent = ((double)mismatches / ElementCount * 100).ToString("F1", CultureInfo.InvariantCulture);
        Message = Heading() +
            $"Mismatched elements: {mismatches} / {ElementCount} ({percent}%)\n" +
            $"Greatest absolute difference: {absText} at index {PythonFloat.Tuple(GreatestAbsoluteDifferenceIndex)}{Allowed(atol)}\n" +
            $"Greatest relative difference: {PythonFloat.Repr(maxRel)} at index {PythonFloat.Tuple(GreatestRelativeDifferenceIndex)}{Allowed(rtol)}";
    }

    /// <summary>Whether <paramref name="value"/> replaces the current greatest: NaN beats any number, the first
    /// occurrence wins ties (as <c>torch.max</c>).</summary>
    private static bool Greater(double value, double current, int currentAt) =>
        currentAt < 0 || (!double.IsNaN(current) && (double.IsNaN(value) || value > current));

    private string Allowed(double tolerance) => Tolerance.IsExact ? "" : $" (up to {PythonFloat.Repr(tolerance)} allowed)";

    private string Heading(string what = "Tensors") => $"{what} are not {(Tolerance.IsExact ? "equal" : "close")}!\n";

    private static long[] Unravel(long flat, IReadOnlyList<long> shape)
    {
        var index = new long[shape.Count];
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            if (shape[d] == 0) continue;
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
