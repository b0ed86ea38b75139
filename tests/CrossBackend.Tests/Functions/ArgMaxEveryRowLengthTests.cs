using CrossBackend.Testing;
namespace CrossBackend.Tests;

/// <summary>
/// arg-max along the last axis for every row length from 1 to 130, in float32 and float64, on every engine: the
/// numerics engine finds the first index of a row's maximum with a bit map for rows of 16 (float32) or 8 (float64)
/// to 128 values, whose last vector overlaps the ones before it and, for some lengths, straddles the map's two
/// 64-bit words; torch's managed kernel for tensors of 32,768 elements or more takes rows four at a time with an
/// overlapping last vector too; so every length, not a few, is checked, with at least 32,768 elements. Row counts
/// leave 0–3 rows after the four-row groups. Each
/// group of four rows is of one kind, since a group in which one row has a NaN or a zero maximum goes row by row to
/// the general kernel (then the bit map is not what is tested). Rows hold: a maximum at a chosen position (first, last, around index 64, in the overlapping tail), a maximum repeated
/// later (the first wins), a zero maximum of both signs among negatives (−0 and +0 tie: the first zero wins), and a
/// NaN (the first NaN wins). Held against a plain float64 loop written here.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.Names))]
public sealed class ArgMaxEveryRowLengthTests(string engineName)
{
    private static IEnumerable<TestCaseData> Cases() =>
        from float32 in new[] { true, false } select new TestCaseData(float32);

    /// <summary>Rows for one length: <c>kind</c> picks what the row holds (see the class summary).</summary>
    private static double[] Data(int rows, int length, Random random)
    {
        var data = new double[rows * length];
        for (int r = 0; r < rows; r++)
        {
            Span<double> row = data.AsSpan(r * length, length);
            for (int c = 0; c < length; c++) row[c] = random.NextDouble() * 2 - 1;
            int[] spots = [0, length - 1, Math.Min(63, length - 1), Math.Min(64, length - 1), Math.Max(0, length - 3), random.Next(length)];
            int at = spots[r % spots.Length];
            switch (r / 4 % 5)   // one kind per group of four rows: a group with a NaN or zero maximum is handed on whole
            {
                case 0:
                    row[at] = 1.5;
                    break;
                case 1:   // a tie: the same maximum again later
                    row[at] = 1.5;
                    if (at + 1 < length) row[random.Next(at + 1, length)] = 1.5;
                    break;
                case 2:   // zeros of both signs are the maximum
                    for (int c = 0; c < length; c++) row[c] = -0.5 - random.NextDouble();
                    row[at] = r % 2 == 0 ? -0.0 : 0.0;
                    if (at + 1 < length) row[random.Next(at + 1, length)] = r % 2 == 0 ? 0.0 : -0.0;
                    break;
                case 3:   // a NaN, and a larger value after it
                    row[at] = double.NaN;
                    if (at + 1 < length) row[length - 1] = 2.5;
                    break;
                default:
                    row[at] = 0.999 + 0.001 * random.NextDouble();   // close to the others
                    break;
            }
        }
        return data;
    }

    private static int FirstMaximum(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (double.IsNaN(row[best])) break;
            if (double.IsNaN(row[c]) || row[c] > row[best]) best = c;
        }
        return best;
    }

    [TestCaseSource(nameof(Cases))]
    public void FirstMaximumOfEveryRowLength(bool float32)
    {
        ITensorEngine engine = TensorEngines.Named(engineName);
        var random = new Random(float32 ? 41 : 43);
        for (int length = 1; length <= 130; length++)
        {
            // At least 32,768 elements, so torch's managed row kernel (not max(dim)) answers where a row holds a vector.
            int rows = 4 * Math.Max(7, (32768 / length + 3) / 4) + length % 4;
            double[] data = Data(rows, length, random);
            if (float32) data = data.Select(v => (double)(float)v).ToArray();
            long[] shape = [rows, length];
            object x = float32 ? engine.FromArray(data.Select(v => (float)v).ToArray(), shape) : engine.FromArray(data, shape);
            double[] actual = engine.ToDoubleArray(Backend.ArgMax(x, 1), out long[] resultShape);
            Assert.That(resultShape, Is.EqualTo(new long[] { rows }));
            for (int r = 0; r < rows; r++)
                Assert.That(actual[r], Is.EqualTo(FirstMaximum(data.AsSpan(r * length, length))), $"length {length}, row {r} (kind {r / 4 % 5})");
        }
    }
}
