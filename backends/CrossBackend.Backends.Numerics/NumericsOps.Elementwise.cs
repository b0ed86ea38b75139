using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>Element-wise ops: unary functions, broadcast binary ops, comparisons, where, clip.</summary>
public sealed unsafe partial class NumericsOps<T>
{
    // ---- Unary ----

    /// <inheritdoc/>
    public Tensor<T> Unary(UnaryOp op, Tensor<T> x)
    {
        ReadOnlySpan<T> values = Values(x, nameof(x));
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, $"Argument `op` must be a UnaryOp. Received: {op}");
        var result = NumericsResultScope.Allocate<T>(values.Length);
        fixed (T* source = values)
        {
            nint s = (nint)source;
            ForEachRange(result.Length, [MethodImpl(Hot)] (start, length) =>
                UnaryRange(op, new ReadOnlySpan<T>((T*)s + start, length), result.AsSpan(start, length)));
        }
        return Tensor.Create(result, x.Lengths);
    }

    [MethodImpl(Hot)]
    private static void UnaryRange(UnaryOp op, ReadOnlySpan<T> x, Span<T> d)
    {
        switch (op)
        {
            case UnaryOp.Negate: TensorPrimitives.Negate(x, d); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, d); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, d); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, d); break;
            case UnaryOp.Exp: DoubleExp.Span(x, d); break;
            case UnaryOp.Log: LogSpan(x, d); break;
            case UnaryOp.Sigmoid: SigmoidSpan(x, d); break;
            case UnaryOp.Tanh: TanhSpan(x, d); break;
            case UnaryOp.Floor: TensorPrimitives.Floor(x, d); break;
            case UnaryOp.Round: TensorPrimitives.Round(x, d); break;   // T.Round: ties to even
            case UnaryOp.Reciprocal: TensorPrimitives.Reciprocal(x, d); break;
            case UnaryOp.Cos: TensorPrimitives.Cos(x, d); break;
            case UnaryOp.Sin: TensorPrimitives.Sin(x, d); break;
            // .NET's LogP1/ExpM1 are log(1 + x) and exp(x) − 1 as written (inaccurate near 0): ours are not.
            case UnaryOp.Log1p: Log1pFamily.Span(Log1pFamily.Function.Log1p, x, d); break;
            case UnaryOp.Expm1: Log1pFamily.Span(Log1pFamily.Function.Expm1, x, d); break;
            case UnaryOp.Softplus: Log1pFamily.Span(Log1pFamily.Function.Softplus, x, d); break;
            case UnaryOp.Sign: SignSpan(x, d); break;
            case UnaryOp.Relu: ReluSpan(x, d); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>
    /// sigmoid: float32 as 1 / (1 + e^−x) with the engine's exp (<see cref="DoubleExp"/>); float64 the library's. Over 2^20 float32 arguments in [−20, 20]: 63.7 % the nearest
    /// float, at most 2 ulp off, 1.2 ms; System.Numerics.Tensors' float sigmoid 50.4 %, up to 4 ulp (sigmoid(1) =
    /// 0.73105854, nearest 0.7310586), 2.0 ms.
    /// </summary>
    internal static void SigmoidSpan(ReadOnlySpan<T> x, Span<T> d) => FloatLanesOr<SigmoidLanes>(x, d, TensorPrimitives.Sigmoid);

    private delegate void SpanMap(ReadOnlySpan<T> x, Span<T> d);

    /// <summary>float32 through the engine's own lanes <typeparamref name="TLanes"/> (results streamed as
    /// <see cref="StreamingStore"/> does); float64, or no SIMD, by <paramref name="library"/>.</summary>
    private static unsafe void FloatLanesOr<TLanes>(ReadOnlySpan<T> x, Span<T> d, SpanMap library) where TLanes : struct, StreamingStore.IVectorMap<float>
    {
        if (typeof(T) != typeof(float) || !Vector.IsHardwareAccelerated)
        {
            library(x, d);
            return;
        }
        fixed (T* px = x, pd = d) StreamingStore.Map<float, TLanes>((float*)px, (float*)pd, x.Length);
    }

    private readonly struct SigmoidLanes : StreamingStore.IVectorMap<float>
    {
        // e^−x of +∞ is exactly +∞ (the exp's library lanes), so a very negative x gives exactly 0.
        public static Vector<float> Apply(Vector<float> v) => Vector<float>.One / (Vector<float>.One + DoubleExp.Float(-v));
    }

    /// <summary>log: float32 the nearest float (<see cref="VectorLog"/>; the library's float32 log misses it for 4.9 %
    /// of arguments), float64 the library's.</summary>
    internal static void LogSpan(ReadOnlySpan<T> x, Span<T> d) => FloatLanesOr<LogLanes>(x, d, TensorPrimitives.Log);

    private readonly struct LogLanes : StreamingStore.IVectorMap<float>
    {
        public static Vector<float> Apply(Vector<float> v) => VectorLog.Log(v);
    }

    /// <summary>tanh through double lanes (<see cref="Log1pFamily"/>: the library's gives tanh(0) = −5.96e-8 in
    /// float32 and loses digits near 0 in float64).</summary>
    internal static void TanhSpan(ReadOnlySpan<T> x, Span<T> d) =>
        Log1pFamily.Span(typeof(T) == typeof(float) ? Log1pFamily.Function.TanhForFloat : Log1pFamily.Function.Tanh, x, d);

    /// <summary>ln(1 + x) to full double accuracy near 0 (Goldberg: the rounding error of 1 + x cancels in the ratio).</summary>
    internal static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * (x / (u - 1.0));   // the ratio ≈ 1 first: log(u)·x overflows from x ≈ 2.5e305
    }

    /// <summary>eˣ − 1 to full double accuracy near 0 (Kahan's ratio trick).</summary>
    internal static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * (x / Math.Log(u));   // x / log u ≈ 1: (u − 1)·x would overflow for x above ~709 / 2
    }

    /// <summary>ln(1 + eˣ) = max(x, 0) + log1p(e^−|x|): no overflow at large |x|, accurate at large negative x.</summary>
    internal static double Softplus(double x) => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

    // ---- Binary ----

    /// <inheritdoc/>
    public Tensor<T> Binary(BinaryOp op, Tensor<T> a, Tensor<T> b)
    {
        long[] aShape = ShapeOf(a, nameof(a)), bShape = ShapeOf(b, nameof(b));
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, $"Argument `op` must be a BinaryOp. Received: {op}");
        long[] shape = BroadcastPlan.BroadcastShape([aShape, bShape], [nameof(a), nameof(b)]);
        var plan = BroadcastPlan.Create(shape, aShape, bShape);
        var result = NumericsResultScope.Allocate<T>(Count(shape, nameof(b)));
        ReadOnlySpan<T> av = TensorData.Read(a), bv = TensorData.Read(b);
        bool aRun = plan.Contiguous[0], bRun = plan.Contiguous[1];
        fixed (T* ap = av, bp = bv)
        {
            nint pa = (nint)ap, pb = (nint)bp;
            plan.ForEachBlock([MethodImpl(Hot)] (offset, length, at) =>
            {
                Span<T> d = result.AsSpan(offset, length);
                T* xa = (T*)pa + at[0], xb = (T*)pb + at[1];
                if (aRun && bRun) BinarySpans(op, new ReadOnlySpan<T>(xa, length), new ReadOnlySpan<T>(xb, length), d);
                else if (aRun) BinarySpanScalar(op, new ReadOnlySpan<T>(xa, length), *xb, d);
                else if (bRun) BinaryScalarSpan(op, *xa, new ReadOnlySpan<T>(xb, length), d);
                else d.Fill(BinaryScalar(op, *xa, *xb));
            });
        }
        return Create(result, shape);
    }

    [MethodImpl(Hot)]
    private static void BinarySpans(BinaryOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, d); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Power: TensorPrimitives.Pow(a, b, d); break;
            case BinaryOp.Maximum: ExtremeSpans(a, b, d, max: true); break;
            case BinaryOp.Minimum: ExtremeSpans(a, b, d, max: false); break;
        }
    }

    /// <summary>
    /// The larger (or smaller) of a and b as libtorch's <c>maximum</c> and TensorFlow's <c>Maximum</c> pick it: NaN if
    /// either is NaN, else b only where it is strictly beyond a, so a tie keeps a — maximum(−0, +0) is −0 and
    /// maximum(+0, −0) is +0, as libtorch's scalar loop gives them (its vectorised loop, and so the torch engine on
    /// longer tensors, keeps b's zero; FunctionEdgeCaseParityTests) (IEEE 754-2019's maximum, <see cref="TensorPrimitives.Max{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>,
    /// ranks +0 above −0 and gave +0 for both).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Extreme(T a, T b, bool max) =>
        T.IsNaN(a) || T.IsNaN(b) ? a + b : (max ? a < b : b < a) ? b : a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Extreme(Vector<T> a, Vector<T> b, bool max)
    {
        Vector<T> picked = Vector.ConditionalSelect(max ? Vector.LessThan(a, b) : Vector.LessThan(b, a), b, a);
        return Vector.ConditionalSelect(Vector.Equals(a, a) & Vector.Equals(b, b), picked, a + b);   // NaN propagates
    }

    /// <summary>d = <see cref="Extreme(T, T, bool)"/> of a and b element-wise (d may be a or b), streamed into a large
    /// fresh result as <see cref="TensorPrimitives"/>' own binary ops are (<see cref="StreamingStore"/>).</summary>
    [MethodImpl(Hot)]
    private static void ExtremeSpans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d, bool max)
    {
        fixed (T* pa = a, pb = b, pd = d)
        {
            if (max) StreamingStore.Map2(pa, pb, pd, d.Length, default(MaximumLanes));
            else StreamingStore.Map2(pa, pb, pd, d.Length, default(MinimumLanes));
        }
    }

    private readonly struct MaximumLanes : StreamingStore.IVectorFunction2<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> a, Vector<T> b) => Extreme(a, b, max: true);
    }

    private readonly struct MinimumLanes : StreamingStore.IVectorFunction2<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> a, Vector<T> b) => Extreme(a, b, max: false);
    }

    /// <summary>d = <see cref="Extreme(T, T, bool)"/> with one side a single value (<paramref name="scalarFirst"/>: it
    /// is a, the first operand, else b), streamed as <see cref="ExtremeSpans"/>.</summary>
    [MethodImpl(Hot)]
    private static void ExtremeWithScalar(ReadOnlySpan<T> span, T scalar, bool scalarFirst, Span<T> d, bool max)
    {
        fixed (T* ps = span, pd = d) StreamingStore.Map(ps, pd, d.Length, new ExtremeWithScalarLanes(new Vector<T>(scalar), scalarFirst, max));
    }

    private readonly struct ExtremeWithScalarLanes(Vector<T> scalar, bool scalarFirst, bool max) : StreamingStore.IVectorFunction<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> x) => scalarFirst ? Extreme(scalar, x, max) : Extreme(x, scalar, max);
    }

    [MethodImpl(Hot)]
    private static void BinarySpanScalar(BinaryOp op, ReadOnlySpan<T> a, T b, Span<T> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, d); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Power: PowScalar(a, b, d); break;
            case BinaryOp.Maximum: ExtremeWithScalar(a, b, scalarFirst: false, d, max: true); break;
            case BinaryOp.Minimum: ExtremeWithScalar(a, b, scalarFirst: false, d, max: false); break;
        }
    }

    /// <summary>xᵇ for one exponent. Squares and cubes are products, as libtorch computes them (and 10× faster than
    /// the general pow, which is not vectorised); they agree with pow to the last bit or two.</summary>
    private static void PowScalar(ReadOnlySpan<T> a, T b, Span<T> d)
    {
        if (b == T.CreateTruncating(2)) TensorPrimitives.Multiply(a, a, d);
        else if (b == T.CreateTruncating(3)) CubeSpan(a, d);
        else if (typeof(T) == typeof(float) && T.IsFinite(b) && Vector.IsHardwareAccelerated)
            PowFloatInDouble(MemoryMarshal.Cast<T, float>(a), double.CreateTruncating(b), MemoryMarshal.Cast<T, float>(d));
        else TensorPrimitives.Pow(a, b, d);
    }

    /// <summary>
    /// float xᵇ as exp(b·ln x) computed in double and rounded once to float, a vector at a time: the library's float
    /// pow is scalar (≈ 4 ns an element; a fractional exponent such as the generalized crossentropy's q = 0.5 took
    /// more time than the rest of that loss). In double, b·ln x carries a relative error near 1e-16 and the rounding
    /// to float is then correct but for ties far below float's resolution; x^0.5 is the square root (exactly
    /// rounded). A vector holding anything but positive finite numbers (0, negatives, ±∞, NaN: pow's special cases)
    /// is computed by the scalar pow.
    /// </summary>
    [MethodImpl(Hot)]
    private static void PowFloatInDouble(ReadOnlySpan<float> a, double b, Span<float> d)
    {
        int w = Vector<float>.Count, i = 0;
        var exponent = new Vector<double>(b);
        var infinity = new Vector<float>(float.PositiveInfinity);
        for (; i <= a.Length - w; i += w)
        {
            var x = new Vector<float>(a.Slice(i));
            if (Vector.LessThanOrEqualAny(x, Vector<float>.Zero) || !Vector.LessThanAll(x, infinity))
            {
                for (int j = i; j < i + w; j++) d[j] = MathF.Pow(a[j], (float)b);   // NaN fails LessThanAll too
                continue;
            }
            if (b == 0.5)
            {
                // x^0.5 of a positive finite x is its square root; both are correctly rounded (IEEE sqrt exactly).
                Vector.SquareRoot(x).CopyTo(d.Slice(i));
                continue;
            }
            Vector.Widen(x, out Vector<double> low, out Vector<double> high);
            Vector.Narrow(VectorExp.Exp(exponent * Vector.Log(low)), VectorExp.Exp(exponent * Vector.Log(high))).CopyTo(d.Slice(i));
        }
        for (; i < a.Length; i++) d[i] = MathF.Pow(a[i], (float)b);
    }

    /// <summary>(x·x)·x in one pass (two multiplies over the whole span would read it back from memory once the span
    /// outgrows the cache: measured 1.9 against 0.9 ms at 6.5M float32 elements in 8 tasks).</summary>
    [MethodImpl(Hot)]
    private static void CubeSpan(ReadOnlySpan<T> x, Span<T> d)
    {
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            fixed (T* px = x, pd = d) StreamingStore.Map<T, CubeMap>(px, pd, x.Length);
        else
            for (int i = 0; i < x.Length; i++) d[i] = x[i] * x[i] * x[i];
    }

    private readonly struct CubeMap : StreamingStore.IVectorMap<T>
    {
        public static Vector<T> Apply(Vector<T> v) => v * v * v;
    }

    /// <summary>NumPy's sign, <see cref="ElementSign{T}"/> (the torch engine's sign kernel uses the same rule).</summary>
    [MethodImpl(Hot)]
    private static void SignSpan(ReadOnlySpan<T> x, Span<T> d)
    {
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            fixed (T* px = x, pd = d) StreamingStore.Map<T, SignMap>(px, pd, x.Length);
        else
            for (int i = 0; i < x.Length; i++) d[i] = ElementSign<T>.Of(x[i]);
    }

    private readonly struct SignMap : StreamingStore.IVectorMap<T>
    {
        public static Vector<T> Apply(Vector<T> v) => ElementSign<T>.Of(v);
    }

    /// <summary>relu: 0 where x &lt; 0, else x itself (−0 and NaN kept, as libtorch's relu and TensorFlow's give them;
    /// IEEE maximum(−0, 0) would be +0).</summary>
    private static void ReluSpan(ReadOnlySpan<T> x, Span<T> d)
    {
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            fixed (T* px = x, pd = d) StreamingStore.Map<T, ReluMap>(px, pd, x.Length);
        else
            for (int i = 0; i < x.Length; i++) d[i] = x[i] < T.Zero ? T.Zero : x[i];
    }

    private readonly struct ReluMap : StreamingStore.IVectorMap<T>
    {
        public static Vector<T> Apply(Vector<T> v) => Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v);
    }

    [MethodImpl(Hot)]
    private static void BinaryScalarSpan(BinaryOp op, T a, ReadOnlySpan<T> b, Span<T> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, d); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, d); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(b, a, d); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, d); break;
            case BinaryOp.Power: TensorPrimitives.Pow(a, b, d); break;
            case BinaryOp.Maximum: ExtremeWithScalar(b, a, scalarFirst: true, d, max: true); break;
            case BinaryOp.Minimum: ExtremeWithScalar(b, a, scalarFirst: true, d, max: false); break;
        }
    }

    private static T BinaryScalar(BinaryOp op, T a, T b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Power => T.Pow(a, b),
        BinaryOp.Maximum => Extreme(a, b, max: true),
        BinaryOp.Minimum => Extreme(a, b, max: false),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    // ---- Comparisons and where ----

    /// <inheritdoc/>
    /// <remarks>The mask is 0/1 in T.</remarks>
    public Tensor<T> Compare(CompareOp op, Tensor<T> a, Tensor<T> b)
    {
        long[] aShape = ShapeOf(a, nameof(a)), bShape = ShapeOf(b, nameof(b));
        if (!Enum.IsDefined(op)) throw new ArgumentOutOfRangeException(nameof(op), op, $"Argument `op` must be a CompareOp. Received: {op}");
        long[] shape = BroadcastPlan.BroadcastShape([aShape, bShape], [nameof(a), nameof(b)]);
        var plan = BroadcastPlan.Create(shape, aShape, bShape);
        var result = NumericsResultScope.Allocate<T>(Count(shape, nameof(b)));
        ReadOnlySpan<T> av = TensorData.Read(a), bv = TensorData.Read(b);
        int sa = plan.Contiguous[0] ? 1 : 0, sb = plan.Contiguous[1] ? 1 : 0;
        fixed (T* ap = av, bp = bv)
        {
            nint pa = (nint)ap, pb = (nint)bp;
            plan.ForEachBlock([MethodImpl(Hot)] (offset, length, at) =>
            {
                T* xa = (T*)pa + at[0], xb = (T*)pb + at[1];
                Span<T> d = result.AsSpan(offset, length);
                switch (op)
                {
                    case CompareOp.Equal: CompareBlock<EqualTest>(xa, sa, xb, sb, d); break;
                    case CompareOp.NotEqual: CompareBlock<NotEqualTest>(xa, sa, xb, sb, d); break;
                    case CompareOp.Less: CompareBlock<LessTest>(xa, sa, xb, sb, d); break;
                    case CompareOp.LessEqual: CompareBlock<LessEqualTest>(xa, sa, xb, sb, d); break;
                    case CompareOp.Greater: CompareBlock<LessTest>(xb, sb, xa, sa, d); break;
                    case CompareOp.GreaterEqual: CompareBlock<LessEqualTest>(xb, sb, xa, sa, d); break;
                }
            });
        }
        return Create(result, shape);
    }

    private interface ITest { static abstract bool Holds(T a, T b); static abstract Vector<T> Mask(Vector<T> a, Vector<T> b); }
    private struct EqualTest : ITest { public static bool Holds(T a, T b) => a == b; public static Vector<T> Mask(Vector<T> a, Vector<T> b) => Vector.Equals(a, b); }
    private struct NotEqualTest : ITest { public static bool Holds(T a, T b) => a != b; public static Vector<T> Mask(Vector<T> a, Vector<T> b) => ~Vector.Equals(a, b); }   // true for NaN
    private struct LessTest : ITest { public static bool Holds(T a, T b) => a < b; public static Vector<T> Mask(Vector<T> a, Vector<T> b) => Vector.LessThan(a, b); }
    private struct LessEqualTest : ITest { public static bool Holds(T a, T b) => a <= b; public static Vector<T> Mask(Vector<T> a, Vector<T> b) => Vector.LessThanOrEqual(a, b); }

    /// <summary>d[i] = 1 where the test holds, else 0; a stride of 0 repeats the operand's one value (a broadcast
    /// scalar). Vectorised: a comparison mask ANDed with ones is exactly 1 or 0.</summary>
    [MethodImpl(Hot)]
    private static void CompareBlock<TTest>(T* a, int sa, T* b, int sb, Span<T> d) where TTest : struct, ITest
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && (sa | sb) != 0)
        {
            Vector<T> one = Vector<T>.One, va = new(*a), vb = new(*b);
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                if (sa != 0) va = Vector.Load(a + i);
                if (sb != 0) vb = Vector.Load(b + i);
                (TTest.Mask(va, vb) & one).CopyTo(d.Slice(i));
            }
        }
        for (; i < d.Length; i++) d[i] = TTest.Holds(a[i * sa], b[i * sb]) ? T.One : T.Zero;
    }

    /// <summary>d[i] = c[i] ≠ 0 ? a[i] : b[i] (NaN counts as non-zero, −0 as zero), strides as in
    /// <see cref="CompareBlock{TTest}"/>; vectorised when the condition runs contiguously.</summary>
    [MethodImpl(Hot)]
    private static void WhereBlock(T* c, int sc, T* a, int sa, T* b, int sb, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && sc != 0)
        {
            Vector<T> va = new(*a), vb = new(*b);
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                if (sa != 0) va = Vector.Load(a + i);
                if (sb != 0) vb = Vector.Load(b + i);
                Vector.ConditionalSelect(Vector.Equals(Vector.Load(c + i), Vector<T>.Zero), vb, va).CopyTo(d.Slice(i));
            }
        }
        for (; i < d.Length; i++) d[i] = c[i * sc] != T.Zero ? a[i * sa] : b[i * sb];
    }

    /// <inheritdoc/>
    /// <remarks>A condition value is true when non-zero (NaN included).</remarks>
    public Tensor<T> Where(Tensor<T> condition, Tensor<T> a, Tensor<T> b)
    {
        long[] cShape = ShapeOf(condition, nameof(condition)), aShape = ShapeOf(a, nameof(a)), bShape = ShapeOf(b, nameof(b));
        long[] shape = BroadcastPlan.BroadcastShape([cShape, aShape, bShape], [nameof(condition), nameof(a), nameof(b)]);
        var plan = BroadcastPlan.Create(shape, cShape, aShape, bShape);
        var result = NumericsResultScope.Allocate<T>(Count(shape, nameof(b)));
        ReadOnlySpan<T> cv = TensorData.Read(condition), av = TensorData.Read(a), bv = TensorData.Read(b);
        int sc = plan.Contiguous[0] ? 1 : 0, sa = plan.Contiguous[1] ? 1 : 0, sb = plan.Contiguous[2] ? 1 : 0;
        fixed (T* cp = cv, ap = av, bp = bv)
        {
            nint pc = (nint)cp, pa = (nint)ap, pb = (nint)bp;
            plan.ForEachBlock([MethodImpl(Hot)] (offset, length, at) =>
            {
                T* xc = (T*)pc + at[0], xa = (T*)pa + at[1], xb = (T*)pb + at[2];
                Span<T> d = result.AsSpan(offset, length);
                WhereBlock(xc, sc, xa, sa, xb, sb, d);
            });
        }
        return Create(result, shape);
    }

    // ---- Clip ----

    /// <inheritdoc/>
    public Tensor<T> Clip(Tensor<T> x, double min, double max)
    {
        ReadOnlySpan<T> values = Values(x, nameof(x));
        if (double.IsNaN(min) || double.IsNaN(max))
            throw new ArgumentException($"Arguments `min` and `max` must be numbers. Received: min={min}, max={max}", double.IsNaN(min) ? nameof(min) : nameof(max));
        T lo = T.CreateTruncating(min), hi = T.CreateTruncating(max);   // rounded to T first, as Keras: (float)(1 − 1e-7) = 0.99999988
        var result = NumericsResultScope.Allocate<T>(values.Length);
        fixed (T* source = values, destination = result)
        {
            nint s = (nint)source, dp = (nint)destination;
            ForEachRange(result.Length, [MethodImpl(Hot)] (start, length) =>
            {
                var from = new ReadOnlySpan<T>((T*)s + start, length);
                var to = new Span<T>((T*)dp + start, length);
                ClipInto(from, lo, hi, to);
            });
        }
        return Tensor.Create(result, x.Lengths);
    }

    /// <summary>d = x clipped to [lo, hi] as libtorch's <c>clamp</c> and TensorFlow's <c>clip_by_value</c> compare: lo
    /// where x &lt; lo, then hi where hi &lt; that, else x itself — so a tie keeps x (−0 clipped at +0 stays −0, where
    /// IEEE 754-2019's maximum, <see cref="TensorPrimitives.Clamp{T}(ReadOnlySpan{T}, T, T, Span{T})"/>, gave +0 and the
    /// engines disagreed), NaN stays NaN (every comparison is false), ±∞ clip to the bounds, and min &gt; max gives max
    /// everywhere (NumPy's clip). One streamed pass, two compares and two selects a vector.</summary>
    [MethodImpl(Hot)]
    private static void ClipInto(ReadOnlySpan<T> x, T lo, T hi, Span<T> d)
    {
        fixed (T* px = x, pd = d) StreamingStore.Map(px, pd, d.Length, new ClipLanes(new Vector<T>(lo), new Vector<T>(hi)));
    }

    private readonly struct ClipLanes(Vector<T> low, Vector<T> high) : StreamingStore.IVectorFunction<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> x)
        {
            x = Vector.ConditionalSelect(Vector.LessThan(x, low), low, x);
            return Vector.ConditionalSelect(Vector.LessThan(high, x), high, x);
        }
    }
}
