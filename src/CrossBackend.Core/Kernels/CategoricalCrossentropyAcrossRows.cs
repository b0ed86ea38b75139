using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend;

/// <summary>
/// Categorical crossentropy vectorised ACROSS rows: one lane per row, one vertical vector op per class for a whole
/// block of <see cref="Vector{T}.Count"/> rows, so no lane is wasted and nothing is reduced horizontally (along the
/// row a 21-class row fills 3 partly masked vectors and needs horizontal reductions per row, which cost more than the
/// arithmetic). Two layouts take it:
/// <list type="bullet">
/// <item>class planes (the class axis not last, e.g. channels-first (N, C, H, W)): class c of W consecutive
/// positions is already one vector, <c>Inner</c> elements after class c − 1; nothing is moved;</item>
/// <item>short contiguous rows (class axis last, few classes: a channels-last segmentation map's pixels): a block of
/// rows is first transposed into a small stack buffer by 8×8 register tiles (float32, 8-lane vectors).</item>
/// </list>
/// </summary>
/// <remarks>
/// The formulas and their rounding steps are those of <see cref="CategoricalCrossentropyKernel{T}"/>'s rows.
/// Logits: loss = Σy·log Σexp − Σ y·(x − m) with m = max x, the sums in T, the log and the final combination in
/// double. Probabilities: p = clamp(x / Σx, ε, 1 − ε), loss = −Σ y·log p, a class vector of labels that is all zero
/// skipped (its p is finite and positive wherever Σx is finite and non-zero; rows where it is not are computed element
/// by element, so NaN propagates as in Keras). With class weights, times the weight of the row's arg-max of y_true
/// (first maximum, ±0 equal: <see cref="RowArgMax{T}.FirstMax"/>'s rule; a row with a NaN label has a NaN loss whichever weight it takes). A NaN in x reaches
/// Σ y·(x − m) (0·NaN = NaN) whether or not the vertical max kept it; ±∞ in x gives NaN there too (∞ − ∞, or 0·−∞), as
/// on the along-the-row path, and such rows are recomputed in the composed steps.
/// </remarks>
internal static unsafe class CategoricalCrossentropyAcrossRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The most classes the short-row path takes (measured: see benchmarks/README.md, section s18-segrows);
    /// longer rows fill whole vectors along the row and stay with the row kernel.</summary>
    public const int MaxClasses = 32;

    /// <summary>Whether contiguous rows of this layout take the transposed path: float32 with 8-lane AVX vectors (the
    /// register tile transpose). Measured single-threaded on logits (ns per row, before → after): float32 21 classes
    /// 20.0 → 16.0, 8 classes 14.0 → 8.3, 4 classes 45 → 9.9, 32 classes 22.5 → 21.6; float64 took the generic
    /// element-wise transpose and was slower at every class count (21 classes 40 → 46), so it stays along the row.</summary>
    public static bool TakesShortRows(RowLayout layout) =>
        typeof(T) == typeof(float) && Vector<T>.Count == 8 && Avx.IsSupported && layout.Inner == 1 && layout.Classes <= MaxClasses;

    /// <summary>Whether the class axis of this layout has at least a vector of positions after it (class planes).</summary>
    public static bool TakesPlanes(RowLayout layout) => Vector.IsHardwareAccelerated && layout.Inner >= Vector<T>.Count;

    private interface IMode;
    private struct Plain : IMode;
    private struct Weighted : IMode;
    private struct Probabilities : IMode;
    private struct Logits : IMode;

    /// <summary>Losses of rows [<paramref name="first"/>, <paramref name="end"/>) of contiguous short rows
    /// (<see cref="TakesShortRows"/>).</summary>
    public static void ShortRows(T* y, T* x, T* loss, RowLayout layout, bool fromLogits, T[]? weights, int first, int end)
    {
        if (fromLogits)
        {
            if (weights is null) ShortRowsOf<Logits, Plain>(y, x, loss, layout.Classes, layout.Rows, null, first, end);
            else ShortRowsOf<Logits, Weighted>(y, x, loss, layout.Classes, layout.Rows, weights, first, end);
        }
        else
        {
            if (weights is null) ShortRowsOf<Probabilities, Plain>(y, x, loss, layout.Classes, layout.Rows, null, first, end);
            else ShortRowsOf<Probabilities, Weighted>(y, x, loss, layout.Classes, layout.Rows, weights, first, end);
        }
    }

    /// <summary>Losses of rows [<paramref name="first"/>, <paramref name="end"/>) of class planes
    /// (<see cref="TakesPlanes"/>).</summary>
    public static void Planes(T* y, T* x, T* loss, RowLayout layout, bool fromLogits, T[]? weights, int first, int end)
    {
        if (fromLogits)
        {
            if (weights is null) PlanesOf<Logits, Plain>(y, x, loss, layout, null, first, end);
            else PlanesOf<Logits, Weighted>(y, x, loss, layout, weights, first, end);
        }
        else
        {
            if (weights is null) PlanesOf<Probabilities, Plain>(y, x, loss, layout, null, first, end);
            else PlanesOf<Probabilities, Weighted>(y, x, loss, layout, weights, first, end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ShortRowsOf<TInput, TWeights>(T* y, T* x, T* loss, int classes, int rows, T[]? weights, int first, int end)
        where TInput : struct, IMode where TWeights : struct, IMode
    {
        int lanes = Vector<T>.Count;
        // Transposed block: class c of the block's row j at [c * lanes + j]; room for a whole 8-column tile past
        // the last class (the tile transpose stores all its columns).
        int stride = (MaxClasses + 8) * lanes;
        T* xt = stackalloc T[stride];
        T* yt = stackalloc T[stride];
        fixed (T* classWeights = weights)
        {
            var block = new BlockResult(stackalloc double[3 * lanes], stackalloc T[lanes], classWeights,
                typeof(TInput) == typeof(Probabilities) ? Keys(stackalloc T[MaxClasses], classes) : default);
            long total = (long)rows * classes;
            for (int r0 = first; r0 < end; r0 += lanes)
            {
                int n = Math.Min(lanes, end - r0);
                long offset = (long)r0 * classes;
                // The tile loads read 8 values from each of the block's 8 rows: allowed while they stay in the tensor
                // (rows past `end` belong to another chunk or are padding; their lanes are computed and dropped).
                if (offset + 7L * classes + Math.Max(8, classes) <= total)
                {
                    TransposeTiles((float*)x + offset, (float*)xt, classes);
                    TransposeTiles((float*)y + offset, (float*)yt, classes);
                }
                else Gather(x + offset, y + offset, xt, yt, classes, n, 1, classes);
                Block<TInput, TWeights>(xt, yt, classes, lanes, block);
                Finish<TInput, TWeights>(block, x + offset, y + offset, classes, 1, classes, loss + r0, n);
            }
        }
    }

    /// <summary>Class planes: within one outer slice, W consecutive positions are one vector per class; the positions
    /// left at a slice's end (or a chunk's) are gathered into a padded block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void PlanesOf<TInput, TWeights>(T* y, T* x, T* loss, RowLayout layout, T[]? weights, int first, int end)
        where TInput : struct, IMode where TWeights : struct, IMode
    {
        int lanes = Vector<T>.Count, classes = layout.Classes, inner = layout.Inner;
        fixed (T* classWeights = weights)
        {
            // The key table only for probabilities (logits blocks never read it); on the heap, pinned, past 256 classes.
            bool keyed = typeof(TInput) == typeof(Probabilities);
            T[]? keyArray = keyed && classes > 256 ? GC.AllocateUninitializedArray<T>(classes, pinned: true) : null;
            var block = new BlockResult(stackalloc double[3 * lanes], stackalloc T[lanes], classWeights,
                !keyed ? default : Keys(keyArray is null ? stackalloc T[classes] : keyArray, classes));
            T[]? padded = null;
            for (int r = first; r < end;)
            {
                int outer = r / inner, at = r % inner;
                int n = Math.Min(end - r, inner - at);   // rows left in this outer slice
                long start = (long)outer * classes * inner + at;
                T* xs = x + start, ys = y + start;
                int j = 0;
                for (; j + lanes <= n; j += lanes)
                {
                    Block<TInput, TWeights>(xs + j, ys + j, classes, inner, block);
                    Finish<TInput, TWeights>(block, xs + j, ys + j, classes, inner, 1, loss + r + j, lanes);
                }
                if (j < n)
                {
                    padded ??= GC.AllocateUninitializedArray<T>(2 * classes * lanes, pinned: true);
                    T* xt = (T*)Unsafe.AsPointer(ref padded[0]), yt = xt + classes * lanes;
                    Gather(xs + j, ys + j, xt, yt, classes, n - j, inner, 1);
                    Block<TInput, TWeights>(xt, yt, classes, lanes, block);
                    Finish<TInput, TWeights>(block, xs + j, ys + j, classes, inner, 1, loss + r + j, n - j);
                }
                r += n;
            }
        }
    }

    /// <summary>A block's results, one lane per row: logits' Σ exp(x − m), Σy and Σ y·(x − m) as doubles (three runs
    /// of lanes), or the probabilities' loss in the first run with NaN marking a row whose Σx is not finite or is
    /// zero; and with class weights, each row's weight (that of its label arg-max), read from the pinned
    /// <see cref="ClassWeights"/>.</summary>
    private readonly ref struct BlockResult(Span<double> parts, Span<T> rowWeights, T* classWeights, Span<T> classKeys)
    {
        public readonly double* Parts = (double*)Unsafe.AsPointer(ref parts[0]);
        public readonly T* RowWeights = (T*)Unsafe.AsPointer(ref rowWeights[0]);
        public readonly T* ClassWeights = classWeights;
        /// <summary>C + c for class c (<see cref="Keys"/>): what a non-zero label adds to its lane's label code
        /// (probabilities blocks only; null for logits).</summary>
        public readonly T* ClassKeys = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(classKeys));
    }

    /// <summary>Fills <paramref name="keys"/> with C + c for each class c (exact in float32 for C ≤ 2^22).</summary>
    private static Span<T> Keys(Span<T> keys, int classes)
    {
        for (int c = 0; c < classes; c++) keys[c] = T.CreateTruncating(classes + c);
        return keys;
    }

    /// <summary>The block's rows one by one into the transposed layout (class c of row j at
    /// [c·lanes + j]): row j's class c is at <paramref name="x"/>[j·rowStep + c·classStride]. Lanes past
    /// <paramref name="n"/> get x = 1, y = 0 (a finite, non-zero Σx; their results are dropped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Gather(T* x, T* y, T* xt, T* yt, int classes, int n, nint classStride, nint rowStep)
    {
        int lanes = Vector<T>.Count;
        for (int j = 0; j < lanes; j++)
            for (int c = 0; c < classes; c++)
            {
                xt[c * lanes + j] = j < n ? x[j * rowStep + c * classStride] : T.One;
                yt[c * lanes + j] = j < n ? y[j * rowStep + c * classStride] : T.Zero;
            }
    }

    /// <summary>
    /// Transposes 8 contiguous rows of <paramref name="classes"/> floats into <paramref name="t"/> (class c of row j
    /// at [8c + j]) by 8×8 register tiles: one load per row and tile, 24 shuffles per tile. The last tile starts at
    /// classes − 8 and overlaps the previous one (rewriting the same values); with fewer than 8 classes the one tile
    /// reads past each row, and its extra columns land in the buffer's spare room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeTiles(float* source, float* t, int classes)
    {
        for (int c0 = 0; ; c0 += 8)
        {
            if (c0 + 8 > classes) c0 = Math.Max(0, classes - 8);
            Tile(source + c0, t + 8 * c0, classes);
            if (c0 + 8 >= classes) break;
        }
    }

    /// <summary>
    /// <see cref="TransposeTiles"/> for 16 contiguous rows into 16 lanes per class (class c of row j at [16c + j]):
    /// two 8×8 register tiles per 8 classes, their halves joined into one 512-bit store per class, so that the 512-bit
    /// loads that follow read whole stores (a load spanning two 256-bit stores waits for both to reach the cache).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeTiles16(float* source, float* t, int classes)
    {
        for (int c0 = 0; ; c0 += 8)
        {
            if (c0 + 8 > classes) c0 = Math.Max(0, classes - 8);
            RegisterTile8.Transpose(source + c0, classes, out var a0, out var a1, out var a2, out var a3, out var a4, out var a5, out var a6, out var a7);
            RegisterTile8.Transpose(source + 8L * classes + c0, classes, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7);
            float* o = t + 16 * c0;
            Vector512.Create(a0, b0).Store(o);
            Vector512.Create(a1, b1).Store(o + 16);
            Vector512.Create(a2, b2).Store(o + 32);
            Vector512.Create(a3, b3).Store(o + 48);
            Vector512.Create(a4, b4).Store(o + 64);
            Vector512.Create(a5, b5).Store(o + 80);
            Vector512.Create(a6, b6).Store(o + 96);
            Vector512.Create(a7, b7).Store(o + 112);
            if (c0 + 8 >= classes) break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(float* s, float* t, int stride) => RegisterTile8.TransposeTo(s, stride, t, 8);


    /// <summary>One block of rows, class c of all lanes at <paramref name="x"/> + c·<paramref name="classStride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block<TInput, TWeights>(T* x, T* y, int classes, nint classStride, BlockResult block)
        where TInput : struct, IMode where TWeights : struct, IMode
    {
        if (typeof(TInput) == typeof(Logits)) LogitsBlock<TWeights>(x, y, classes, classStride, block.Parts, block.ClassWeights, block.RowWeights);
        else ProbabilitiesBlock<TWeights>(x, y, classes, classStride, block.Parts, block.ClassWeights, block.ClassKeys, block.RowWeights);
    }

    /// <summary>The logits parts, one lane per row: Σ exp(x − m), Σy and Σ y·(x − m) as doubles into
    /// <paramref name="parts"/> (three runs of lanes), and with class weights each row's weight (of its label
    /// arg-max) into <paramref name="rowWeights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void LogitsBlock<TWeights>(T* x, T* y, int classes, nint classStride, double* parts, T* classWeights, T* rowWeights) where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        int lanes = Vector<T>.Count;
        // The max pass is a chain of one MAXPS per class with the pipes mostly idle: the labels' arg-max rides along
        // (weighted segmentation logits took 1.07-1.10x the unweighted time with it in the exp pass, 1.02-1.05x here,
        // the loop stepping pointers and taking the weight as a broadcast memory operand: 11 instructions per class, 14
        // with an index and a scalar load then a broadcast).
        Vector<T> m = Vector.Load(x);
        Vector<T> best = Vector.Load(y), weight = weighted ? new Vector<T>(classWeights[0]) : Vector<T>.Zero;
        T* xc = x, yc = y;
        for (int c = 1; c < classes; c++)
        {
            xc += classStride;
            yc += classStride;
            m = Vector.MaxNative(m, Vector.Load(xc));   // a dropped NaN still reaches the dot
            if (weighted) ArgMaxStep(Vector.Load(yc), classWeights + c, ref best, ref weight);
        }

        Vector<T> e = Vector<T>.Zero, dot = Vector<T>.Zero, sy = Vector<T>.Zero;
        for (int c = 0; c < classes; c++)
        {
            Vector<T> yv = Vector.Load(y + c * classStride);
            Vector<T> d = Vector.Load(x + c * classStride) - m;
            e += RowMath<T>.Exp(d);
            dot += yv * d;
            sy += yv;
        }
        Store(e, parts);
        Store(sy, parts + lanes);
        Store(dot, parts + 2 * lanes);
        if (weighted) weight.Store(rowWeights);
    }

    /// <summary>The probabilities loss, one lane per row, into the first run of <paramref name="parts"/> (NaN where
    /// the row's Σx is not finite or is zero: the caller computes those rows element by element), and each row's
    /// weight. Σx in two accumulators (even and odd classes).</summary>
    /// <remarks>The sweep that sums x also keeps, branch-free, each lane's last non-zero label, its x and a code of its
    /// non-zero labels (each adds its class's key C + c, as along the row), from which a one-label lane's class comes
    /// back for its weight: weighted blocks run the very class loop of unweighted ones (a weight select per class made
    /// them 1.05-1.13x the unweighted time on a segmentation map). When every lane has exactly one (one-hot rows), the
    /// loss is that one term, −(0 + y·log clamp(x / Σx)): the same operations on the same values as the class loop below, whose other terms
    /// are ±0, so the same bits, with one division and one log for the block instead of one per class that has a
    /// non-zero label in some lane, and no branch on "is this class's label vector zero?" (with 8 one-hot rows of 21
    /// classes it is zero about two times in three, at random: a misprediction every few classes).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ProbabilitiesBlock<TWeights>(T* x, T* y, int classes, nint classStride, double* parts, T* classWeights, T* classKeys, T* rowWeights) where TWeights : struct, IMode
    {
        bool weighted = typeof(TWeights) == typeof(Weighted);
        Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero;
        Vector<T> pickedX = Vector<T>.One, pickedY = Vector<T>.Zero, code = Vector<T>.Zero;
        int c = 0;
        for (; c + 1 < classes; c += 2)
        {
            Vector<T> x0 = Vector.Load(x + c * classStride), x1 = Vector.Load(x + (c + 1) * classStride);
            Vector<T> y0 = Vector.Load(y + c * classStride), y1 = Vector.Load(y + (c + 1) * classStride);
            s0 += x0;
            s1 += x1;
            Pick(x0, y0, classKeys + c, ref pickedX, ref pickedY, ref code);
            Pick(x1, y1, classKeys + c + 1, ref pickedX, ref pickedY, ref code);
        }
        if (c < classes)
        {
            Vector<T> x0 = Vector.Load(x + c * classStride), y0 = Vector.Load(y + c * classStride);
            s0 += x0;
            Pick(x0, y0, classKeys + c, ref pickedX, ref pickedY, ref code);
        }
        // Exactly one non-zero label in every lane: C ≤ code < 2C (none gives 0, two 2C + i + j, more still more).
        var width = new Vector<T>(T.CreateTruncating(classes));
        bool oneLabel = classes <= 1 << 19 && Vector.GreaterThanOrEqualAll(code, width) && Vector.LessThanAll(code, width + width);
        Vector<T> s = s0 + s1;
        // Rows whose Σx is ±∞, NaN or 0: s·0 is NaN for the first two.
        Vector<T> bad = Vector.Equals(s, Vector<T>.Zero) | ~Vector.Equals(s * Vector<T>.Zero, Vector<T>.Zero);
        s = Vector.ConditionalSelect(bad, Vector<T>.One, s);   // keeps the block's arithmetic finite; those lanes are replaced

        var lo = new Vector<T>(ClipBounds<T>.Low);
        var hi = new Vector<T>(ClipBounds<T>.High);
        Vector<T> sum;
        if (oneLabel)
        {
            Vector<T> p = Vector.MinNative(Vector.MaxNative(pickedX / s, lo), hi);
            sum = Vector<T>.Zero + pickedY * RowMath<T>.Log(p);
        }
        // Most labels non-zero (each adds C to 2C to its lane's code, so a block code of 6C² or more means more than
        // 3C of its 8C labels): every class's log is taken anyway.
        else if (typeof(T) == typeof(float) && LabelLogTerms.Supported && classes >= LabelLogTerms.MinimumAcrossRows
                 && Vector.Sum(code) >= T.CreateTruncating(6.0 * classes * classes))
        {
            sum = MostlyNonZeroLabels(x, y, classes, classStride, s);
        }
        else
        {
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero;
            for (c = 0; c < classes; c++)
            {
                Vector<T> yv = Vector.Load(y + c * classStride);
                if (yv == Vector<T>.Zero) continue;   // −0·log p = 0 exactly here: p is finite and positive
                Vector<T> p = Vector.MinNative(Vector.MaxNative(Vector.Load(x + c * classStride) / s, lo), hi);
                if ((c & 1) == 0) a0 += yv * RowMath<T>.Log(p);
                else a1 += yv * RowMath<T>.Log(p);
            }
            sum = a0 + a1;
        }
        Store(Vector.ConditionalSelect(bad, new Vector<T>(T.NaN), -sum), parts);
        if (weighted)
        {
            // One positive label per row: it is the row's first maximum (every other label is 0), and its class is
            // code − C, whose weight is the row's: one gather after the class loop, nothing inside it. Otherwise (soft
            // labels, a negative one) the arg-max's own pass over the block.
            if (oneLabel && Vector.GreaterThanAll(pickedY, Vector<T>.Zero)) StorePickedWeights(code - width, classWeights, rowWeights);
            else StoreArgMaxWeights(y, classes, classStride, classWeights, rowWeights);
        }
    }

    /// <summary>Each lane's class weight, its class index given (exactly, as T) in <paramref name="classes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePickedWeights(Vector<T> classes, T* classWeights, T* rowWeights)
    {
        if (typeof(T) == typeof(float) && Vector<T>.Count == 8 && Avx2.IsSupported)
        {
            Vector256<int> index = Avx.ConvertToVector256Int32WithTruncation(Vector.As<T, float>(classes).AsVector256());
            Avx2.GatherVector256((float*)classWeights, index, sizeof(float)).Store((float*)rowWeights);
            return;
        }
        for (int j = 0; j < Vector<T>.Count; j++) rowWeights[j] = classWeights[int.CreateTruncating(classes[j])];
    }

    /// <summary>The class loop's sum for a float32 block whose labels are mostly non-zero, every class taken, through
    /// <see cref="LabelLogTerms.AcrossRows"/> (the same accumulators, the same order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static Vector<T> MostlyNonZeroLabels(T* x, T* y, int classes, nint classStride, Vector<T> s) =>
        Vector.As<float, T>(LabelLogTerms.AcrossRows((float*)x, (float*)y, classes, classStride, Vector.As<T, float>(s).AsVector256()).AsVector());

    /// <summary>One class of the one-label sweep: where its label is non-zero (NaN included), that label and its x
    /// replace the lane's picked ones and the class's key C + c (read as a broadcast memory operand) is added to the
    /// lane's code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pick(Vector<T> xv, Vector<T> yv, T* classKey, ref Vector<T> pickedX, ref Vector<T> pickedY, ref Vector<T> code)
    {
        Vector<T> zero = Vector.Equals(yv, Vector<T>.Zero);
        pickedX = Vector.ConditionalSelect(zero, pickedX, xv);
        pickedY = Vector.ConditionalSelect(zero, pickedY, yv);
        code += Vector.AndNot(new Vector<T>(*classKey), zero);
    }

    /// <summary>Each lane's weight of its label arg-max into <paramref name="rowWeights"/>, by a pass of
    /// <see cref="ArgMaxStep"/> over the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void StoreArgMaxWeights(T* y, int classes, nint classStride, T* classWeights, T* rowWeights)
    {
        Vector<T> best = Vector.Load(y), weight = new(classWeights[0]);
        for (int c = 1; c < classes; c++) ArgMaxStep(Vector.Load(y + c * classStride), classWeights + c, ref best, ref weight);
        weight.Store(rowWeights);
    }

    /// <summary>One class of the vertical arg-max, carrying the weight of the arg-max's class rather than its index:
    /// the first maximum (a later equal value does not win, −0 == +0). NaN labels are not ranked here: a row with one
    /// has a NaN loss on both the fast path and the element-by-element one (y·anything = NaN reaches the sum), and NaN
    /// times any class weight is NaN, so which weight it picks cannot change a result. The weight is passed by address:
    /// the select then takes it as a broadcast memory operand (a scalar load and a separate broadcast otherwise).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ArgMaxStep(Vector<T> yv, T* classWeight, ref Vector<T> best, ref Vector<T> weight)
    {
        Vector<T> take = Vector.GreaterThan(yv, best);
        best = Vector.MaxNative(best, yv);
        weight = Vector.ConditionalSelect(take, new Vector<T>(*classWeight), weight);
    }

    /// <summary>The block's <paramref name="n"/> losses into <paramref name="loss"/>: logits combined in double, a row
    /// whose fast result is not finite (logits) or whose Σx was (probabilities) recomputed element by element from its
    /// values (row j's class c at <paramref name="x"/>[j·rowStep + c·classStride]), then times its class weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TInput, TWeights>(BlockResult block, T* x, T* y, int classes, nint classStride, nint rowStep, T* loss, int n)
        where TInput : struct, IMode where TWeights : struct, IMode
    {
        double* parts = block.Parts;
        int lanes = Vector<T>.Count;
        if (typeof(TInput) == typeof(Logits))
        {
            double* sumExp = parts, sumY = parts + lanes, dot = parts + 2 * lanes;
            int dl = Vector<double>.Count;
            for (int k = 0; k < lanes; k += dl)
                Vector.Store(Vector.Load(sumY + k) * RowMath<T>.LogOfSum(Vector.Load(sumExp + k)) - Vector.Load(dot + k), sumExp + k);
        }
        if (typeof(T) == typeof(float) && lanes == 8 && n == 8 && Avx.IsSupported)
        {
            // A whole block of finite losses in one vector: the same roundings as (float) and the weight's product per
            // row below, without the row loop (whose scalar steps and spills were most of the weighted call's extra cost).
            Vector256<float> v = Vector256.Create(Avx.ConvertToVector128Single(Vector256.Load(parts)), Avx.ConvertToVector128Single(Vector256.Load(parts + 4)));
            if (Vector256.EqualsAll(v * Vector256<float>.Zero, Vector256<float>.Zero))
            {
                if (typeof(TWeights) == typeof(Weighted)) v *= Vector256.Load((float*)block.RowWeights);
                v.Store((float*)loss);
                return;
            }
        }
        for (int j = 0; j < n; j++)
        {
            T value = T.CreateTruncating(parts[j]);
            if (!T.IsFinite(value))
                value = typeof(TInput) == typeof(Logits)
                    ? T.CreateTruncating(ComposedRow(x + j * rowStep, y + j * rowStep, classes, classStride))
                    : T.IsNaN(value) ? CategoricalCrossentropyKernel<T>.StridedProbabilities(x + j * rowStep, y + j * rowStep, classes, classStride) : value;
            if (typeof(TWeights) == typeof(Weighted)) value *= block.RowWeights[j];
            loss[j] = value;
        }
    }

    /// <summary>
    /// A row computed in the composed path's steps (log_softmax: d = x − m in T, exp in T, log of the double sum
    /// rounded to T, d − log; then y·that in T, summed in double, negated), for rows whose fused result is not finite
    /// (NaN or ±∞ in x or y). There the fused Σy·log Σexp − Σ y·(x − m) can meet ∞·0 = NaN where the composed form is
    /// ±∞ (an infinite label on the row's maximum, whose log_softmax the composed exp rounds to a tiny non-zero
    /// number); NaN rows stay NaN. Rare, so written for clarity, element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    internal static double ComposedRow(T* x, T* y, int classes, nint stride)
    {
        T m = x[0];
        for (int c = 0; c < classes; c++)
        {
            T v = x[c * stride];
            if (T.IsNaN(v)) return double.NaN;
            if (v > m) m = v;
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += double.CreateTruncating(T.Exp(x[c * stride] - m));
        T log = T.CreateTruncating(Math.Log(sum));
        double acc = 0;
        for (int c = 0; c < classes; c++) acc += double.CreateTruncating(y[c * stride] * (x[c * stride] - m - log));
        return -acc;
    }

    /// <summary>Stores a vector of T as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<T> v, double* to)
    {
        if (typeof(T) == typeof(float))
        {
            Vector.Widen(Vector.As<T, float>(v), out Vector<double> low, out Vector<double> high);
            Vector.Store(low, to);
            Vector.Store(high, to + Vector<double>.Count);
        }
        else Vector.Store(Vector.As<T, double>(v), to);
    }
}
