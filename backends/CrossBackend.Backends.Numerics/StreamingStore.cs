using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Writes a large fresh result with non-temporal stores. A result array is memory that is in no cache (the GC hands
/// out new addresses until its next collection, where glibc gives libtorch back the block it just freed), and an
/// ordinary store first reads the cache line it writes. Measured on the 2-core reference machine, one thread filling a
/// 26 MB float32 array: 4.4 ms p50 into a fresh array with ordinary stores, 1.3 ms with non-temporal ones (1.7 and
/// 1.2 ms into an array kept in cache). <see cref="System.Numerics.Tensors.TensorPrimitives"/> streams its own
/// outputs above 256 KB the same way; this is for this engine's own kernels.
/// </summary>
/// <remarks>Only whole vectors are streamed, each to an aligned address, and each element is computed by the same
/// vector lanes as without streaming (<see cref="Map{T, F}(T*, T*, int, F)"/> computes the tail in one padded vector), so the values
/// do not depend on where the array happens to lie. Never used in place: a kernel whose source is its destination
/// stores ordinarily.</remarks>
internal static unsafe class StreamingStore
{
    /// <summary>Results smaller than this are written ordinarily (the threshold of <c>TensorPrimitives</c>).</summary>
    private const int MinBytes = 256 * 1024;

    /// <summary>Whether <paramref name="n"/> elements written to <paramref name="destination"/> from
    /// <paramref name="source"/> are streamed: large, apart and on hardware with 256-bit non-temporal stores.</summary>
    public static bool Applies<T>(T* source, T* destination, int n) where T : unmanaged =>
        (long)n * sizeof(T) >= MinBytes && Vector<T>.IsSupported && Vector<T>.Count == Vector256<T>.Count && Vector256.IsHardwareAccelerated && Sse.IsSupported &&
        (destination + n <= source || source + n <= destination) && ((nint)destination & (sizeof(T) - 1)) == 0;

    /// <summary>The first index at or after 0 whose element lies on a 32-byte boundary (0 to one vector less 1).</summary>
    private static int AlignedStart<T>(T* destination) where T : unmanaged =>
        (int)((32 - ((nint)destination & 31)) & 31) / sizeof(T);

    /// <summary>A whole vector to an aligned address, bypassing the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector<T> v, T* alignedDestination) where T : unmanaged =>
        v.AsVector256().StoreAlignedNonTemporal(alignedDestination);

    /// <summary>Non-temporal stores are weakly ordered: fences them before the result is handed to another thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fence() => Sse.StoreFence();

    /// <summary>A function applied to whole vectors.</summary>
    public interface IVectorMap<T> where T : unmanaged
    {
        static abstract Vector<T> Apply(Vector<T> x);
    }

    /// <summary>A function applied to whole vectors that carries its constants (clip bounds).</summary>
    public interface IVectorFunction<T> where T : unmanaged
    {
        Vector<T> Apply(Vector<T> x);
    }

    /// <summary>A function of two operands' whole vectors.</summary>
    public interface IVectorFunction2<T> where T : unmanaged
    {
        Vector<T> Apply(Vector<T> a, Vector<T> b);
    }

    /// <summary>An <see cref="IVectorMap{T}"/> as an <see cref="IVectorFunction{T}"/>.</summary>
    private readonly struct Stateless<T, F> : IVectorFunction<T> where T : unmanaged where F : struct, IVectorMap<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> x) => F.Apply(x);
    }

    /// <summary>d[i] = F(x[i]) for i in [0, n) (x and d may be the same): whole vectors, streamed when
    /// <see cref="Applies{T}"/>, then the tail in one padded vector, so every element goes through the same lane
    /// arithmetic.</summary>
    public static void Map<T, F>(T* x, T* d, int n) where T : unmanaged where F : struct, IVectorMap<T> =>
        Map(x, d, n, default(Stateless<T, F>));

    /// <summary><see cref="Map{T, F}(T*, T*, int)"/> with a function that carries constants.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, F>(T* x, T* d, int n, F f) where T : unmanaged where F : struct, IVectorFunction<T>
    {
        int w = Vector<T>.Count, body = n - n % w, i = 0;
        if (body >= 2 * w && Applies(x, d, n))
        {
            Vector.Store(f.Apply(Vector.Load(x)), d);
            i = AlignedStart(d);
            for (; i + w <= body; i += w) Store(f.Apply(Vector.Load(x + i)), d + i);
            Fence();
            if (i < body) Vector.Store(f.Apply(Vector.Load(x + body - w)), d + body - w);
        }
        else
            for (; i < body; i += w) Vector.Store(f.Apply(Vector.Load(x + i)), d + i);
        if (body < n)
        {
            // Read before written: in place, the tail's inputs are still there.
            Span<T> lanes = stackalloc T[w];
            lanes.Clear();
            new ReadOnlySpan<T>(x + body, n - body).CopyTo(lanes);
            f.Apply(new Vector<T>(lanes)).CopyTo(lanes);
            lanes[..(n - body)].CopyTo(new Span<T>(d + body, n - body));
        }
    }

    /// <summary>d[i] = F(a[i], b[i]) for i in [0, n) (d may be a or b): as <see cref="Map{T, F}(T*, T*, int, F)"/>,
    /// streamed when d lies apart from both operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map2<T, F>(T* a, T* b, T* d, int n, F f) where T : unmanaged where F : struct, IVectorFunction2<T>
    {
        int w = Vector<T>.Count, body = n - n % w, i = 0;
        if (body >= 2 * w && Applies(a, d, n) && Applies(b, d, n))
        {
            Vector.Store(f.Apply(Vector.Load(a), Vector.Load(b)), d);
            i = AlignedStart(d);
            for (; i + w <= body; i += w) Store(f.Apply(Vector.Load(a + i), Vector.Load(b + i)), d + i);
            Fence();
            if (i < body) Vector.Store(f.Apply(Vector.Load(a + body - w), Vector.Load(b + body - w)), d + body - w);
        }
        else
            for (; i < body; i += w) Vector.Store(f.Apply(Vector.Load(a + i), Vector.Load(b + i)), d + i);
        if (body < n)
        {
            Span<T> left = stackalloc T[w], right = stackalloc T[w];
            left.Clear();
            right.Clear();
            new ReadOnlySpan<T>(a + body, n - body).CopyTo(left);
            new ReadOnlySpan<T>(b + body, n - body).CopyTo(right);
            f.Apply(new Vector<T>(left), new Vector<T>(right)).CopyTo(left);
            left[..(n - body)].CopyTo(new Span<T>(d + body, n - body));
        }
    }

    /// <summary>d[i] = x[i] for i in [0, n) (apart), whole vectors streamed to aligned addresses when
    /// <see cref="Applies{T}"/>; otherwise an ordinary copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy<T>(T* x, T* d, int n) where T : unmanaged
    {
        int w = Vector<T>.Count;
        if (n < 2 * w || !Applies(x, d, n))
        {
            new ReadOnlySpan<T>(x, n).CopyTo(new Span<T>(d, n));
            return;
        }
        Vector.Store(Vector.Load(x), d);
        int i = AlignedStart(d);
        for (; i + w <= n; i += w) Store(Vector.Load(x + i), d + i);
        Vector.Store(Vector.Load(x + n - w), d + n - w);
        Fence();
    }
}
