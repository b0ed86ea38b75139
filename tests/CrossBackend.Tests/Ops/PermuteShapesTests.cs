using CrossBackend.Testing;

namespace CrossBackend.Tests.Ops;

/// <summary>
/// <see cref="Backend.Permute{T}"/> on every engine against index arithmetic written here, on shapes large enough for
/// the channels-last engine's blocked path (the output's last axis is not the input's: 2-D transposes, NHWC ↔ NCHW,
/// rank 4 and 5), with lengths that are not multiples of its 32-float / 16-double blocks and axes shorter than 4 that
/// take the row-by-row path, in float32 and float64. float32 with both axes at least 8 long takes its 8×8 register
/// tiles in bands of 16 output columns: lengths that are multiples of 8, bands with 8–15 and fewer than 8 columns
/// left, and several outer and inner rows around the tiled axis. An axis of 3 moved to or from the end of a float32
/// tensor (RGB images) takes 8-pixel shuffles: both directions, ranks 2 to 5, pixel counts with and without a tail.
/// </summary>
[TestFixtureSource(typeof(TestEngines), nameof(TestEngines.All))]
public sealed class PermuteShapesTests(ITensorEngine engine)
{
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (DType dtype in new[] { DType.Float32, DType.Float64 })
        {
            yield return new TestCaseData(new long[] { 1000, 37 }, new[] { 1, 0 }, dtype);
            yield return new TestCaseData(new long[] { 37, 1000 }, new[] { 1, 0 }, dtype);
            yield return new TestCaseData(new long[] { 3, 67, 5 }, new[] { 2, 0, 1 }, dtype);
            yield return new TestCaseData(new long[] { 2, 9, 11, 35 }, new[] { 0, 3, 1, 2 }, dtype);   // NHWC → NCHW
            yield return new TestCaseData(new long[] { 2, 35, 9, 11 }, new[] { 0, 2, 3, 1 }, dtype);   // NCHW → NHWC
            yield return new TestCaseData(new long[] { 3, 33, 4, 17 }, new[] { 3, 2, 1, 0 }, dtype);
            yield return new TestCaseData(new long[] { 2, 3, 5, 7, 41 }, new[] { 4, 1, 3, 0, 2 }, dtype);
            yield return new TestCaseData(new long[] { 29, 48 }, new[] { 1, 0 }, dtype);                 // 48 = 6·8; bands 16 + 13
            yield return new TestCaseData(new long[] { 5, 40, 17 }, new[] { 0, 2, 1 }, dtype);           // batched; bands 16, 16, 8
            yield return new TestCaseData(new long[] { 3, 10, 29, 24 }, new[] { 0, 3, 1, 2 }, dtype);    // rows before and after
            yield return new TestCaseData(new long[] { 200, 3 }, new[] { 1, 0 }, dtype);                 // 3 to the front
            yield return new TestCaseData(new long[] { 2, 5, 13, 3 }, new[] { 0, 3, 1, 2 }, dtype);      // RGB NHWC → NCHW
            yield return new TestCaseData(new long[] { 2, 3, 5, 13 }, new[] { 0, 2, 3, 1 }, dtype);      // RGB NCHW → NHWC
            yield return new TestCaseData(new long[] { 4, 21, 3 }, new[] { 0, 2, 1 }, dtype);            // NWC → NCW
            yield return new TestCaseData(new long[] { 2, 3, 2, 9, 3 }, new[] { 0, 4, 1, 2, 3 }, dtype); // NDHWC → NCDHW
            yield return new TestCaseData(new long[] { 3, 7, 3 }, new[] { 0, 2, 1 }, dtype);             // fewer than 8 pixels
            yield return new TestCaseData(new long[] { 2, 9, 11, 1 }, new[] { 0, 3, 1, 2 }, dtype);      // one channel: a copy
            yield return new TestCaseData(new long[] { 1, 40, 1, 7 }, new[] { 2, 3, 0, 1 }, dtype);      // moves 7 past 40
            yield return new TestCaseData(new long[] { 0, 40 }, new[] { 1, 0 }, dtype);                  // empty
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesIndexArithmetic(long[] shape, int[] order, DType dtype)
    {
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        double[] values = Enumerable.Range(0, count).Select(i => (i % 1013) * 0.1 - 37.3).ToArray();
        object x = Backend.ToTensor(values, engine, dtype, shape);
        double[] actual = engine.ToDoubleArray(Backend.Permute(x, order), out long[] actualShape);

        int rank = shape.Length;
        long[] outShape = order.Select(a => shape[a]).ToArray();
        var inStride = new long[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= (int)shape[d], d--) inStride[d] = s;
        var expected = new double[count];
        var index = new long[rank];
        for (int n = 0; n < count; n++)
        {
            long rest = n, offset = 0;
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d] = rest % outShape[d];
                rest /= outShape[d];
                offset += index[d] * inStride[order[d]];
            }
            expected[n] = dtype == DType.Float32 ? (float)values[offset] : values[offset];
        }
        Assert.That(actualShape, Is.EqualTo(outShape));
        Assert.That(actual, Is.EqualTo(expected), $"permute {string.Join(",", order)} of ({string.Join(", ", shape)}) {dtype}");
    }
}
