using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// The fused categorical crossentropy kernel, run by both first-party engines over dense memory (the channels-last
/// engine's arrays; a contiguous CPU torch tensor's storage without autograd): one sweep over each row's inputs from
/// memory (a second look at a row is served from cache), <see cref="Vector{T}"/> SIMD inside the row, rows in parallel;
/// class planes and short rows go across rows instead (<see cref="CategoricalCrossentropyAcrossRows{T}"/>). No temporary of size
/// rows × classes is made; the optional class-weight arg-max of y_true is found in the same sweep for one-hot rows
/// (one non-zero label vector with one positive lane) and by an exact scan of the cached row otherwise.
/// </summary>
/// <remarks>
/// <para>Probabilities: p = clamp(x / Σx, ε, 1 − ε) (bounds in T), loss = −Σ y·log p. When Σx is finite and non-zero
/// every x is finite and every clamped p is a finite positive number, so a vector of y_true that is all zero
/// contributes exactly 0 and is skipped (its logs are never computed): one-hot rows cost one log vector. Otherwise
/// (NaN, ±∞ or zero row sums) the row is computed element by element, so NaN propagates exactly as in Keras.</para>
/// <para>Logits: −Σ y·log_softmax(x) = Σy·log Σexp(x − m) − Σ y·(x − m), m = max x: no term overflows, both parts are
/// non-negative, and the row's few scalar steps run in double (the log for a block of rows at once).</para>
/// <para>Every method with a loop is compiled fully optimised at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): each is called only a few hundred times per op (once per
/// parallel chunk), and under tiered compilation a process could keep timing its tier-0/OSR code (measured 2–10×
/// slower, bimodal across processes). The per-row methods are not inlined into their callers, so that the JIT's
/// inlining budget always covers the exp/log they inline (a budget overrun once left exp as a tier-0 call).</para>
/// </remarks>
internal static unsafe class CategoricalCrossentropyKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Rows per block of <see cref="ProbabilitiesRows{TWeights}"/>: as many whole groups of eight as keep the block's
    /// two inputs within <see cref="ProbabilityBlockBytes"/>, 8 to <see cref="Block"/>. The second pass reads the rows
    /// the sweep just read (the labels' x, the eight-row test); while they are still in L1 the block's later passes are
    /// short, and memory, idle while they run, waits less. Two threads, (65536, 100) float32, four runs alternating the
    /// sizes in one process: 64 rows (51 KB) 1.05–1.15 ms, 16–32 rows 0.92–1.06 (the same rows' plain read 0.93–0.98);
    /// in cache ((4096, 100), (4096, 1000)) no difference.
    /// </summary>
    private static int ProbabilityBlockRows(int classes) =>
        (int)Math.Clamp(ProbabilityBlockBytes / (2L * classes * sizeof(T)) / 8 * 8, 8, Block);   // long: no overflow for any row length

    /// <summary>The inputs' bytes per block of <see cref="ProbabilitiesRows{TWeights}"/>: three quarters of a 32 KB L1
    /// data cache (Zen 4's, and most x64 cores' since Skylake; newer cores have 48 KB or more).</summary>
    private const int ProbabilityBlockBytes = 24 * 1024;

    /// <summary>The vector width in elements (a JIT-time constant; a static field would not be folded into code
    /// compiled before the class's static constructor ran).</summary>
    private static int W => Vector<T>.Count;

    /// <summary>Computes one loss per row; with <paramref name="classWeights"/>, multiplied by the weight of the row's
    /// argmax(y_true) (first maximum on ties, ±0 equal, NaN counts as the maximum: <see cref="RowArgMax{T}.FirstMax"/>).</summary>
    /// <remarks>The channels-last engine runs it over its arrays and the torch engine over a dense CPU tensor's
    /// memory: <paramref name="target"/> and <paramref name="output"/> hold <c>layout.Rows × layout.Classes</c> values,
    /// <paramref name="loss"/> receives <c>layout.Rows</c>.</remarks>
    public static void Run(T* target, T* output, T* loss, RowLayout layout, bool fromLogits, T[]? classWeights = null)
    {
        nint yp = (nint)target, xp = (nint)output, lp = (nint)loss;
        layout.ForEachChunk([MethodImpl(MethodImplOptions.AggressiveOptimization)] (first, end) => RowsOf((T*)yp, (T*)xp, (T*)lp, layout, fromLogits, classWeights, first, end));
    }

    /// <summary>Compile-time modes: each combination gets its own machine code (and its own dynamic-PGO profile), so
    /// a weighted call never runs code laid out for unweighted ones, or the other way round.</summary>
    private interface IMode;
    private struct Plain : IMode;
    private struct Weighted : IMode;
    private struct Probabilities : IMode;
    private struct Logits : IMode;

    private static void RowsOf(T* y, T* x, T* loss, RowLayout layout, bool fromLogits, T[]? weights, int first, int end)
    {
        if (fromLogits)
        {
            if (weights is null) Rows<Logits, Plain>(y, x, loss, layout, null, first, end);
            else Rows<Logits, Weighted>(y, x, loss, layout, weights, first, end);
        }
        else
        {
            if (weights is null) Rows<Probabilities, Plain>(y, x, loss, layout, null, first, end);
            else Rows<Probabilities, Weighted>(y, x, loss, layout, weights, first, end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Rows<TInput, TWeights>(T* y, T* x, T* loss, RowLayout layout, T[]? weights, int first, int end)
        where TInput : struct, IMode where TWeights : struct, IMode
    {
        bool fromLogits = typeof(TInput) == typeof(Logits);
        if (CategoricalCrossentropyAcrossRows<T>.TakesPlanes(layout))
        {
            CategoricalCrossentropyAcrossRows<T>.Planes(y, x, loss, layout, fromLogits, weights, first, end);
            return;
        }
        if (CategoricalCrossentropyAcrossRows<T>.TakesShortRows(layout))
        {
            CategoricalCrossentropyAcrossRows<T>.ShortRows(y, x, loss, layout, fromLogits, weights, first, end);
            return;
        }
        if (fromLogits)
        {
            LogitsRows<TWeights>(y, x, loss, layout, weights, first, end);
            return;
        }
        ProbabilitiesRows<TWeights>(y, x, loss, layout, weights, first, end);
    }

    /// <summary>
    /// Rows from probabilities, a block at a time, in three passes. (1) Each row is swept once (<see cref="SweepRows"/>):
    /// its sum Σx and the code of its non-zero labels are stored, nothing else, so no branch and no load waits on a
    /// row's result and the out-of-order core overlaps one row's horizontal sums with the next row's sweep. (When each
    /// row ended in "one label at k: load x[k], divide by Σx", that chain stalled every row: samples put 17 % of the
    /// time on the instruction after the division.) (2) Each row's outcome: a row with one non-zero label leaves its
    /// clipped probability and label for the log, eight contiguous float32 rows at a time where all eight are such rows
    /// (<see cref="EightOneHotRows"/>); any other row's loss is computed whole (<see cref="OtherRow{TWeights}"/>).
    /// (3) The block's pending logs are taken together, a vector at a time (the same bits as one at a time: the nearest
    /// float in float32; in float64 the very lanes a one-lane call would use). One thread, (4096, 100) one-hot rows in
    /// cache: 0.086 → 0.060 ms against the one-pass row loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ProbabilitiesRows<TWeights>(T* y, T* x, T* loss, RowLayout layout, T[]? weights, int first, int end)
        where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        int classes = layout.Classes;
        T[]? rowBuffer = StridedRowBuffer(layout, out T* xRow, out T* yRow);
        T* probability = stackalloc T[Block];
        T* label = stackalloc T[Block];
        T* value = stackalloc T[Block];
        T* sums = stackalloc T[Block];
        T* codes = stackalloc T[Block];
        int* argMaxes = stackalloc int[Block];
        T* picked = stackalloc T[Block];
        T epsilon = ClipBounds<T>.Low, upper = ClipBounds<T>.High;
        T width = T.CreateTruncating(classes);
        int blockRows = ProbabilityBlockRows(classes);
        for (int r0 = first; r0 < end; r0 += blockRows)
        {
            int n = Math.Min(blockRows, end - r0), pending = 0;
            if (classes >= W)
            {
                if (layout.Inner == 1) SweepRows(x + (nint)r0 * classes, y + (nint)r0 * classes, classes, n, sums, codes);
                else
                    for (int j = 0; j < n; j++)
                    {
                        RowOf(x, y, layout, r0 + j, xRow, yRow, out T* xs, out T* ys);
                        SweepRows(xs, ys, classes, 1, sums + j, codes + j);
                    }
            }
            bool oneHotPossible = classes >= W && classes <= 1 << 19;
            bool eightAtOnce = oneHotPossible && layout.Inner == 1 && typeof(T) == typeof(float) && W == 8 && Avx2.IsSupported;
            for (int j = 0; j < n; j++)
            {
                if (eightAtOnce && j + 8 <= n
                    && EightOneHotRows((float*)x, (float*)y, (r0 + j) * classes, classes, (float*)sums + j, (float*)codes + j, (float*)probability + j, (float*)label + j, weighted ? argMaxes + j : null,
                        float.CreateTruncating(epsilon), float.CreateTruncating(upper)))
                {
                    pending += 8;
                    j += 7;
                    continue;
                }
                // A finished row leaves label 0 (a pending row's label is its one non-zero label) and probability 1,
                // whose log is not used.
                probability[j] = T.One;
                label[j] = T.Zero;
                T sum = sums[j], code = codes[j];
                int argMax = -1;
                if (oneHotPossible && T.IsFinite(sum) && sum != T.Zero && code >= width && code < width + width)
                {
                    // One non-zero label (one-hot rows): the loss is that one term, −(0 + y·log p), bit for bit the
                    // vector path's sum (whose other lanes are ±0); its log is taken with other rows' below.
                    int k = int.CreateTruncating(code - width);
                    int at = layout.Inner == 1 ? (r0 + j) * classes + k : layout.Start(r0 + j) + k * layout.Inner;
                    T one = y[at];
                    if (weighted && one > T.Zero) argMax = k;
                    // Native min/max (one instruction each; IEEE min/max take several here): the quotient is never
                    // NaN, Σx being finite and non-zero, and ±0 both clamp to ε.
                    probability[j] = T.MinNative(T.MaxNative(x[at] / sum, epsilon), upper);
                    label[j] = one;
                    value[j] = T.Zero;
                    pending++;
                }
                else
                {
                    RowOf(x, y, layout, r0 + j, xRow, yRow, out T* xs, out T* ys);
                    value[j] = OtherRow<TWeights>(xs, ys, classes, ref argMax, sum, code);
                }
                if (weighted && argMax < 0)
                {
                    RowOf(x, y, layout, r0 + j, xRow, yRow, out _, out T* ys);
                    argMax = RowArgMax<T>.FirstMax(ys, classes);
                }
                if (weighted) argMaxes[j] = argMax;
            }
            int v = pending == 0 ? n : 0;   // soft labels: no row pending, no log to take
            for (; v + W <= n; v += W) Log(Vector.Load(probability + v)).Store(probability + v);
            if (v < n)
            {
                // The last lanes padded with 1, so every lane is in the vector log's normal range.
                Vector<T> tail = Vector.ConditionalSelect(Vector.LessThan(Vector<T>.Indices, new Vector<T>(T.CreateTruncating(n - v))), Vector.Load(probability + v), Vector<T>.One);
                Vector<T> logs = Log(tail);
                for (int j = v; j < n; j++) probability[j] = logs[j - v];
            }
            // Each row's loss, a vector of rows at a time: its value, or a pending row's −(0 + y·log p); times the
            // class weight of its arg-max.
            if (weighted)
                for (int j = 0; j < n; j++) picked[j] = weights![argMaxes[j]];
            int r = 0;
            for (; r + W <= n; r += W)
            {
                Vector<T> one = Vector.Load(label + r);
                Vector<T> result = Vector.ConditionalSelect(Vector.Equals(one, Vector<T>.Zero), Vector.Load(value + r), -(Vector<T>.Zero + one * Vector.Load(probability + r)));
                (weighted ? result * Vector.Load(picked + r) : result).Store(loss + r0 + r);
            }
            for (; r < n; r++)
            {
                T result = label[r] == T.Zero ? value[r] : -(T.Zero + label[r] * probability[r]);
                loss[r0 + r] = weighted ? result * picked[r] : result;
            }
        }
        GC.KeepAlive(rowBuffer);
    }

    /// <summary>
    /// The outcome of eight contiguous float32 rows at once when every one of them has one non-zero label and a finite,
    /// non-zero Σx (the scalar test of <see cref="ProbabilitiesRows{TWeights}"/>, lane by lane): their labels and
    /// clipped probabilities gathered and divided as one vector, and with <paramref name="argMaxes"/> the label's
    /// index where the label is positive (else the row's exact scan); <paramref name="epsilon"/> and
    /// <paramref name="upper"/> are the caller's clip bounds. Returns false, having written nothing, when any
    /// of the eight rows is not such a row. Eight rows' tests, conversions and divisions cost about what one row's did
    /// one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EightOneHotRows(float* x, float* y, int firstStart, int classes, float* sums, float* codes, float* probability, float* label, int* argMaxes,
        float epsilon, float upper)
    {
        Vector256<float> sum = Vector256.Load(sums), code = Vector256.Load(codes), width = Vector256.Create((float)classes);
        Vector256<float> oneHot = Vector256.Equals(sum - sum, Vector256<float>.Zero) & ~Vector256.Equals(sum, Vector256<float>.Zero)
            & Vector256.GreaterThanOrEqual(code, width) & Vector256.LessThan(code, width + width);
        if (oneHot.ExtractMostSignificantBits() != 0xFF) return false;
        Vector256<int> k = Vector256.ConvertToInt32(code - width);
        Vector256<int> at = k + Vector256.Create(firstStart) + Vector256<int>.Indices * Vector256.Create(classes);
        Vector256<float> one = Avx2.GatherVector256(y, at, sizeof(float));
        Vector256<float> xk = Avx2.GatherVector256(x, at, sizeof(float));
        Vector256.MinNative(Vector256.MaxNative(xk / sum, Vector256.Create(epsilon)), Vector256.Create(upper)).Store(probability);
        one.Store(label);
        if (argMaxes is not null)
        {
            Vector256<float> positive = Vector256.GreaterThan(one, Vector256<float>.Zero);
            Vector256.ConditionalSelect(positive.AsInt32(), k, Vector256.Create(-1)).Store(argMaxes);
            uint scan = ~positive.ExtractMostSignificantBits() & 0xFF;
            for (; scan != 0; scan &= scan - 1)
            {
                int lane = BitOperations.TrailingZeroCount(scan);
                argMaxes[lane] = RowArgMax<float>.FirstMax(y + firstStart + lane * classes, classes);
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Log(Vector<T> v) => RowMath<T>.Log(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Exp(Vector<T> v) => RowMath<T>.Exp(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> TailMask(int classes) => RowMath<T>.TailMask(classes);

    /// <summary>
    /// The class-weight arg-max when exactly one vector of the row's labels (at <paramref name="at"/>) is non-zero
    /// and it holds exactly one positive lane (one-hot rows): every other label is ≤ 0, so that lane is the row's
    /// first maximum. Anything else (ties, several non-zero vectors, no positive label, NaN) returns −1 and the
    /// caller takes the exact <see cref="RowArgMax{T}.FirstMax"/> scan of the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SingleHotArgMax(T* y, int at, int nonZeroVectors)
    {
        if (nonZeroVectors != 1) return -1;
        Vector<T> v = Vector.Load(y + at);
        if (!Vector.EqualsAll(v, v)) return -1;   // NaN
        ulong bits = MostSignificantBits(Vector.GreaterThan(v, Vector<T>.Zero));
        return BitOperations.PopCount(bits) == 1 ? at + BitOperations.TrailingZeroCount(bits) : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MostSignificantBits(Vector<T> mask) => Vector<byte>.Count switch
    {
        16 => mask.AsVector128().ExtractMostSignificantBits(),
        32 => mask.AsVector256().ExtractMostSignificantBits(),
        _ => mask.AsVector512().ExtractMostSignificantBits(),
    };

    /// <summary>
    /// The sweep of <paramref name="n"/> contiguous rows (at least a vector of classes each): each row's sum Σx into
    /// <paramref name="sums"/> and, branch-free, a code of its non-zero labels into <paramref name="codes"/>: each adds
    /// C + its index, so a row with exactly one has C ≤ code &lt; 2C and the index is code − C (none: 0; two: 2C + i + j,
    /// exact in float32 for C ≤ 2^19; three or more: ≥ 3C, and float32's rounding of so few, so large terms stays far
    /// above 2C). A branch per label vector on "all zero?" mispredicted about once per one-hot row (the label's vector
    /// lies at a random place).
    /// </summary>
    /// <remarks>Everything that does not depend on the row (tail mask, keys) is set up once per call. Rows are read in
    /// groups of up to <see cref="SweepGroupRows"/> and <see cref="SweepGroupBytes"/> of one input: the group's x rows,
    /// then its y rows; each row's two vectors then take one horizontal step together. Rows longer than half of
    /// <see cref="SweepGroupBytes"/> go one at a time, x then y, with no stored vectors (keeping one was 2–6 % slower
    /// at 1000 classes).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void SweepRows(T* x, T* y, int classes, int n, T* sums, T* codes)
    {
        int last = classes - W, full = classes / W * W;
        bool hasTail = full != classes;
        Vector<T> tailMask = hasTail ? TailMask(classes) : Vector<T>.Zero;
        Vector<T> tailKey = Vector<T>.Indices + new Vector<T>(T.CreateTruncating(last + classes));
        Vector<T> firstKey = Vector<T>.Indices + new Vector<T>(T.CreateTruncating(classes)), step = new(T.CreateTruncating(2 * W));
        Vector<T> secondKey = firstKey + new Vector<T>(T.CreateTruncating(W));
        int group = (int)Math.Clamp(SweepGroupBytes / ((long)classes * sizeof(T)), 1, SweepGroupRows);
        if (group == 1)
        {
            for (int j = 0; j < n; j++, x += classes, y += classes)
                RowMath<T>.SumBoth(RowSum(x, full, last, hasTail, tailMask), RowCode(y, full, last, hasTail, tailMask, tailKey, firstKey, secondKey, step),
                    out sums[j], out codes[j]);
            return;
        }
        Vector<T>* rowSums = stackalloc Vector<T>[SweepGroupRows];
        for (int g = 0; g < n; g += group)
        {
            int m = Math.Min(group, n - g);
            T* xs = x + (nint)g * classes, ys = y + (nint)g * classes;
            for (int j = 0; j < m; j++) rowSums[j] = RowSum(xs + (nint)j * classes, full, last, hasTail, tailMask);
            for (int j = 0; j < m; j++)
                RowMath<T>.SumBoth(rowSums[j], RowCode(ys + (nint)j * classes, full, last, hasTail, tailMask, tailKey, firstKey, secondKey, step),
                    out sums[g + j], out codes[g + j]);
        }
    }

    /// <summary>Most rows per group of <see cref="SweepRows"/>.</summary>
    private const int SweepGroupRows = 8;

    /// <summary>The bytes of one input per group of <see cref="SweepRows"/>. Reading x and y a row each in turn was
    /// slower from memory than a few rows of one, then of the other. Two threads, (65536, 100) one-hot float32, p50 of
    /// 100–120 calls alternated in one process, 8–14 runs (benchmarks/README.md, session 44): the sweep alone 0.78–1.04
    /// ms with x and y in turn, 0.56–0.91 in groups of 8 rows; the whole kernel 0.89–1.00 → 0.80–0.91, and 6–9 % less
    /// with 50, 250 or 500 classes. Rows of 1000 (one per group) were 6 % slower read apart than together in the first
    /// version, which called the group's loops once per row; read one at a time as now, they are not.</summary>
    private const int SweepGroupBytes = 4096;

    /// <summary>One row's Σx for <see cref="SweepRows"/>, as one vector of lane sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> RowSum(T* x, int full, int last, bool hasTail, Vector<T> tailMask)
    {
        Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero;
        int i = 0;
        for (; i + 2 * W <= full; i += 2 * W)
        {
            s0 += Vector.Load(x + i);
            s1 += Vector.Load(x + i + W);
        }
        if (i < full) s0 += Vector.Load(x + i);
        if (hasTail) s1 += Vector.ConditionalSelect(tailMask, Vector.Load(x + last), Vector<T>.Zero);
        return s0 + s1;
    }

    /// <summary>One row's label code for <see cref="SweepRows"/>, as one vector of lane sums. Each pair of vectors
    /// advances two codes and two keys once (one key stepped twice per pair was a chain of two dependent adds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> RowCode(T* y, int full, int last, bool hasTail, Vector<T> tailMask, Vector<T> tailKey, Vector<T> key0, Vector<T> key1, Vector<T> step)
    {
        Vector<T> code0 = Vector<T>.Zero, code1 = Vector<T>.Zero;
        int i = 0;
        for (; i + 2 * W <= full; i += 2 * W)
        {
            code0 += Vector.AndNot(key0, Vector.Equals(Vector.Load(y + i), Vector<T>.Zero));
            code1 += Vector.AndNot(key1, Vector.Equals(Vector.Load(y + i + W), Vector<T>.Zero));
            key0 += step;
            key1 += step;
        }
        if (i < full) code0 += Vector.AndNot(key0, Vector.Equals(Vector.Load(y + i), Vector<T>.Zero));
        if (hasTail)
            code1 += Vector.AndNot(tailKey, Vector.Equals(Vector.ConditionalSelect(tailMask, Vector.Load(y + last), Vector<T>.Zero), Vector<T>.Zero));
        return code0 + code1;
    }

    /// <summary>The loss of a row that is not one non-zero label with a finite, non-zero Σx (soft labels, none,
    /// several, or a row sum that is NaN, ±∞ or 0), given its <see cref="SweepRows"/> (unused when shorter than a
    /// vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T OtherRow<TWeights>(T* x, T* y, int classes, ref int argMax, T sum, T code) where TWeights : struct, IMode
    {
        T epsilon = ClipBounds<T>.Low, upper = ClipBounds<T>.High;
        if (classes < W) return ScalarProbabilities(x, y, classes, 1, T.Zero, false, epsilon, upper);
        // A non-finite or zero row sum: NaN/∞ reach every element (or 0/0); compute the row exactly as written.
        if (!T.IsFinite(sum) || sum == T.Zero) return ScalarProbabilities(x, y, classes, 1, sum, true, epsilon, upper);
        // Most labels non-zero (soft labels: code ≥ C² means more than C/2 of them, each adding less than 2C): every
        // vector's log is taken anyway, so the software-pipelined loop takes them all.
        T width = T.CreateTruncating(classes);
        if (typeof(T) == typeof(float) && LabelLogTerms.Supported && classes >= LabelLogTerms.MinimumAlongRow && code >= width * width)
            return MostlyNonZeroLabels(x, y, classes, sum);   // the caller's exact scan of the row finds the arg-max
        return ManyLabels<TWeights>(x, y, classes, ref argMax, sum);
    }

    /// <summary>A row whose labels are not one non-zero value (soft labels, none, several): −Σ y·log clip(x / Σx),
    /// each vector of labels that is all zero skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T ManyLabels<TWeights>(T* x, T* y, int classes, ref int argMax, T sum) where TWeights : struct, IMode
    {
        bool wantArgMax = typeof(TWeights) == typeof(Weighted);
        T epsilon = ClipBounds<T>.Low, upper = ClipBounds<T>.High;
        int last = classes - W, full = classes / W * W;
        bool hasTail = full != classes;
        Vector<T> tailMask = hasTail ? TailMask(classes) : Vector<T>.Zero;
        var s = new Vector<T>(sum);
        var lo = new Vector<T>(epsilon);
        var hi = new Vector<T>(upper);
        Vector<T> acc = Vector<T>.Zero;
        int visited = 0, visitedAt = 0;
        for (int i = 0; i < full; i += W)
        {
            Vector<T> yv = Vector.Load(y + i);
            if (yv == Vector<T>.Zero) continue;   // −0·log p = 0 exactly here: p is finite and positive
            visited++;
            visitedAt = i;
            Vector<T> p = Vector.MinNative(Vector.MaxNative(Vector.Load(x + i) / s, lo), hi);   // p is never NaN here
            acc += yv * Log(p);
        }
        if (hasTail)
        {
            Vector<T> yv = Vector.ConditionalSelect(tailMask, Vector.Load(y + last), Vector<T>.Zero);
            if (yv != Vector<T>.Zero)
            {
                visited++;
                visitedAt = last;
                Vector<T> p = Vector.MinNative(Vector.MaxNative(Vector.Load(x + last) / s, lo), hi);
                acc += yv * Log(p);
            }
        }
        if (wantArgMax) argMax = SingleHotArgMax(y, visitedAt, visited);
        return -Vector.Sum(acc);
    }

    /// <summary>A float32 row whose labels are mostly non-zero: <see cref="ManyLabels{TWeights}"/>'s sum, every vector
    /// taken, through <see cref="LabelLogTerms.AlongRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T MostlyNonZeroLabels(T* x, T* y, int classes, T sum) =>
        -Vector.Sum(Vector.As<float, T>(LabelLogTerms.AlongRow((float*)x, (float*)y, classes, float.CreateTruncating(sum)).AsVector()));

    /// <summary>One probabilities row element by element, its values <paramref name="stride"/> apart (rows whose sum
    /// is not finite or is zero, from the across-rows blocks).</summary>
    internal static T StridedProbabilities(T* x, T* y, int classes, nint stride)
        => ScalarProbabilities(x, y, classes, stride, T.Zero, false, ClipBounds<T>.Low, ClipBounds<T>.High);

    /// <summary>The probabilities row element by element (short rows, and rows whose sum is not finite or is zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T ScalarProbabilities(T* x, T* y, int classes, nint stride, T sum, bool haveSum, T epsilon, T upper)
    {
        if (!haveSum)
        {
            sum = T.Zero;
            for (int c = 0; c < classes; c++) sum += x[c * stride];
        }
        T acc = T.Zero;
        for (int c = 0; c < classes; c++)
        {
            T p = x[c * stride] / sum;
            p = p < epsilon ? epsilon : p > upper ? upper : p;   // NaN stays NaN
            acc += y[c * stride] * RowMath<T>.Log(p);
        }
        return -acc;
    }

    /// <summary>Rows per block of <see cref="LogitsRows{TWeights}"/> (their log-sum-exps are taken together), and the
    /// most of <see cref="ProbabilitiesRows{TWeights}"/>.</summary>
    private const int Block = 64;

    /// <summary>
    /// Rows from logits, a block at a time: each row's parts (<see cref="FromLogits{TWeights}"/>), then one
    /// vectorised double log over the block's Σ exp (a scalar <see cref="Math.Log(double)"/> per row cost as much as
    /// the rest of a 21-class row), then loss = Σy·log Σexp − Σ y·(x − m), times the class weight, in T as before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void LogitsRows<TWeights>(T* y, T* x, T* loss, RowLayout layout, T[]? weights, int first, int end)
        where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        int classes = layout.Classes;
        T[]? rowBuffer = StridedRowBuffer(layout, out T* xRow, out T* yRow);
        double* sumExp = stackalloc double[Block];
        double* sumY = stackalloc double[Block];
        double* dot = stackalloc double[Block];
        int* argMaxes = stackalloc int[Block];
        int lanes = Vector<double>.Count;
        for (int r0 = first; r0 < end; r0 += Block)
        {
            int n = Math.Min(Block, end - r0);
            for (int j = 0; j < n; j++)
            {
                int r = r0 + j;
                RowOf(x, y, layout, r, xRow, yRow, out T* xs, out T* ys);
                int argMax = -1;
                FromLogits<TWeights>(xs, ys, classes, ref argMax, sumExp + j, sumY + j, dot + j);
                if (weighted && argMax < 0) argMax = RowArgMax<T>.FirstMax(ys, classes);
                argMaxes[j] = argMax;
            }
            int k = 0;
            if (Vector.IsHardwareAccelerated)
                for (; k + lanes <= n; k += lanes) Vector.Store(RowMath<T>.LogOfSum(Vector.Load(sumExp + k)), sumExp + k);
            for (; k < n; k++) sumExp[k] = Math.Log(sumExp[k]);
            for (int j = 0; j < n; j++)
            {
                T value = T.CreateTruncating(sumY[j] * sumExp[j] - dot[j]);
                if (!T.IsFinite(value)) value = T.CreateTruncating(CategoricalCrossentropyAcrossRows<T>.ComposedRow(x + layout.Start(r0 + j), y + layout.Start(r0 + j), classes, layout.Inner));
                if (weighted) value *= weights![argMaxes[j]];
                loss[r0 + j] = value;
            }
        }
        GC.KeepAlive(rowBuffer);
    }

    /// <summary>
    /// The parts of one row's loss Σy·log <paramref name="sumExp"/> − <paramref name="dotOut"/>: Σ exp(x − m),
    /// Σy (NaN when m is NaN) and Σ y·(x − m). A row shorter than a vector is computed element by element and its
    /// loss v comes back as (1, 0, −v).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void FromLogits<TWeights>(T* x, T* y, int classes, ref int argMax, double* sumExp, double* sumOfY, double* dotOut)
        where TWeights : struct, IMode
    {
        bool wantArgMax = typeof(TWeights) == typeof(Weighted);
        if (classes < W)
        {
            *sumExp = 1;
            *sumOfY = 0;
            *dotOut = -double.CreateTruncating(ScalarLogits(x, y, classes));
            return;
        }

        int last = classes - W, full = classes / W * W;
        bool hasTail = full != classes;
        Vector<T> tailMask = hasTail ? TailMask(classes) : Vector<T>.Zero;

        // Sweep 1 (from memory): the row maximum, Σy and the label arg-max.
        Vector<T> m = Vector.Load(x);
        Vector<T> sy = Vector<T>.Zero;
        int nonZero = 0, nonZeroAt = 0;
        for (int i = 0; i < full; i += W)
        {
            Vector<T> yv = Vector.Load(y + i);
            m = Vector.MaxNative(m, Vector.Load(x + i));   // a NaN it drops still reaches Σ y·(x − m)
            sy += yv;
            if (wantArgMax)
            {
                // Branch-free: a one-hot row's single non-zero vector lies at a random place, and a branch on it
                // mispredicted once per row. The offsets of the non-zero vectors are summed (the one offset when
                // there is one vector): an add per vector on the chain, where keeping the last offset (a subtract,
                // a multiply and an add) made a chain longer than the loop's own work.
                int nz = yv != Vector<T>.Zero ? 1 : 0;
                nonZero += nz;
                nonZeroAt += nz * i;
            }
        }
        if (hasTail)
        {
            Vector<T> yv = Vector.ConditionalSelect(tailMask, Vector.Load(y + last), Vector<T>.Zero);
            m = Vector.MaxNative(m, Vector.Load(x + last));   // overlapping lanes are harmless for a max
            sy += yv;
            if (wantArgMax)
            {
                int nz = yv != Vector<T>.Zero ? 1 : 0;
                nonZero += nz;
                nonZeroAt += nz * last;
            }
        }
        T max = HorizontalMax(m);
        T sumY = Vector.Sum(sy);

        // Sweep 2 (from L1): Σ exp(x − m) and Σ y·(x − m).
        var mv = new Vector<T>(max);
        Vector<T> e = Vector<T>.Zero, dot = Vector<T>.Zero;
        for (int i = 0; i < full; i += W)
        {
            Vector<T> d = Vector.Load(x + i) - mv;
            e += Exp(d);
            dot += Vector.Load(y + i) * d;
        }
        if (hasTail)
        {
            Vector<T> d = Vector.Load(x + last) - mv;
            e += Vector.ConditionalSelect(tailMask, Exp(d), Vector<T>.Zero);
            dot += Vector.ConditionalSelect(tailMask, Vector.Load(y + last) * d, Vector<T>.Zero);
        }
        if (wantArgMax) argMax = SingleHotArgMax(y, nonZeroAt, nonZero);
        *sumExp = double.CreateTruncating(Vector.Sum(e));
        *sumOfY = T.IsNaN(max) ? double.NaN : double.CreateTruncating(sumY);
        *dotOut = double.CreateTruncating(Vector.Sum(dot));
    }

    /// <summary>Largest lane by shuffles; a NaN lane may be dropped, which the caller's Σ y·(x − m) still carries
    /// (0·NaN = NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T HorizontalMax(Vector<T> v) => RowMath<T>.HorizontalMaxNative(v);

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static T ScalarLogits(T* x, T* y, int classes)
    {
        T max = x[0];
        for (int c = 1; c < classes; c++)
        {
            if (T.IsNaN(x[c])) return x[c];
            if (x[c] > max) max = x[c];
        }
        if (T.IsNaN(max)) return max;
        double sumExp = 0, sumY = 0, dot = 0;
        for (int c = 0; c < classes; c++)
        {
            T d = x[c] - max;
            sumExp += double.CreateTruncating(T.Exp(d));
            sumY += double.CreateTruncating(y[c]);
            dot += double.CreateTruncating(y[c] * d);
        }
        return T.CreateTruncating(sumY * Math.Log(sumExp) - dot);
    }

    /// <summary>For strided rows (class axis not last), a small pinned buffer each row is gathered into first
    /// (<see cref="RowOf"/>); for contiguous rows null, and null pointers. The caller keeps the array alive
    /// (<see cref="GC.KeepAlive"/>) while it uses the pointers.</summary>
    private static T[]? StridedRowBuffer(RowLayout layout, out T* xRow, out T* yRow)
    {
        xRow = yRow = null;
        if (layout.Inner == 1) return null;
        T[] buffer = GC.AllocateUninitializedArray<T>(2 * layout.Classes, pinned: true);
        xRow = (T*)Unsafe.AsPointer(ref buffer[0]);
        yRow = xRow + layout.Classes;
        return buffer;
    }

    /// <summary>Row <paramref name="r"/>'s predictions and labels: in place when the class axis is last
    /// (<paramref name="xRow"/> null), else gathered into <paramref name="xRow"/> and <paramref name="yRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowOf(T* x, T* y, RowLayout layout, int r, T* xRow, T* yRow, out T* xs, out T* ys)
    {
        int classes = layout.Classes;
        int start = layout.Inner == 1 ? r * classes : layout.Start(r);
        xs = x + start;
        ys = y + start;
        if (xRow is null) return;
        for (int c = 0; c < classes; c++)
        {
            xRow[c] = xs[c * layout.Inner];
            yRow[c] = ys[c * layout.Inner];
        }
        xs = xRow;
        ys = yRow;
    }
}
