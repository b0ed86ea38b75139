using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// Large result arrays of the channels-last engine, kept for reuse between <see cref="NumericsResultScope"/>s — what
/// TorchSharp's dispose scopes and glibc give libtorch: a freed result's memory is handed to the next result of the
/// same size while it is still resident, instead of each result being new memory for the .NET GC.
/// </summary>
/// <remarks>
/// <para>A <see cref="System.Numerics.Tensors.Tensor{T}"/> wraps a managed array, so without a scope every result is
/// a fresh array that lives until a garbage collection finds it unreachable: with .NET's default GC an array of 85,000
/// bytes or more goes to the large object heap and is usually memory not written recently, whose pages fault in or
/// miss the translation caches on first touch (benchmarks/README.md, sessions 46–55). A scope says when its results
/// are dead, so their arrays can be reused at once.</para>
/// <para>Create one pool per loop (or per thread's loop) and open a scope per step:</para>
/// <code>
/// var pool = new NumericsResultPool();
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using NumericsResultScope scope = pool.NewScope();
///     var error = (Tensor&lt;float&gt;)Backend.Abs(Backend.Subtract(prediction, target));   // large: from the pool
///     total += ((Tensor&lt;float&gt;)Backend.ReduceMean(error))[0];   // read inside the scope: nothing to keep
///     last = scope.Keep(error);   // used after the scope: kept, so its memory is not reused
/// }
/// </code>
/// <para>The pool holds only what scopes gave back (no global state: an app makes its pools, and memory held by a
/// pool is freed when the pool is unreachable or <see cref="Clear"/> is called). It is safe to share between threads;
/// a scope belongs to the thread that opened it.</para>
/// </remarks>
public sealed class NumericsResultPool
{
    /// <summary>Arrays smaller than this many bytes are not pooled: the GC's generation 0 reuses their memory already.
    /// It is the large object heap's threshold, above which every result is new memory.</summary>
    public const int MinimumPooledBytes = 85_000;

    private readonly object _gate = new();
    private readonly Dictionary<(Type Element, int Length), Stack<Array>> _free = [];
    private long _retainedBytes;

    /// <summary>A pool that keeps at most <paramref name="maxArraysPerSize"/> free arrays of each element type and
    /// length (those given back beyond it are left to the GC).</summary>
    /// <param name="maxArraysPerSize">At least 1; the default, 64, covers a training step's temporaries of one shape.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxArraysPerSize"/> is less than 1.</exception>
    public NumericsResultPool(int maxArraysPerSize = 64)
    {
        if (maxArraysPerSize < 1)
            throw new ArgumentOutOfRangeException(nameof(maxArraysPerSize), maxArraysPerSize,
                $"Argument `maxArraysPerSize` must be at least 1 (free arrays kept per element type and length). Received: {maxArraysPerSize}");
        MaxArraysPerSize = maxArraysPerSize;
    }

    /// <summary>The most free arrays of one element type and length the pool keeps.</summary>
    public int MaxArraysPerSize { get; }

    /// <summary>Bytes of free arrays the pool holds now (arrays lent to open scopes are not counted).</summary>
    public long RetainedBytes { get { lock (_gate) return _retainedBytes; } }

    /// <summary>
    /// Opens a scope on the calling thread: until it is disposed, every array of at least
    /// <see cref="MinimumPooledBytes"/> bytes that the channels-last engine allocates on this thread and in this async
    /// flow while the scope is the innermost one (results, tensors it makes, temporaries) is taken from this pool when
    /// it has one of that element type and length — the one given back last — or else from the GC, and is given back
    /// when the scope ends, unless <see cref="NumericsResultScope.Keep{T}"/> took it out (see
    /// <see cref="NumericsResultScope"/> for the whole contract).
    /// </summary>
    /// <returns>The scope; dispose it (a <c>using</c> statement) on the same thread, innermost first.</returns>
    public NumericsResultScope NewScope() => new(this);

    /// <summary>Lets the GC have every free array the pool holds.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _free.Clear();
            _retainedBytes = 0;
        }
    }

    /// <summary>The free array of this type and length given back last, or null.</summary>
    internal T[]? TryTake<T>(int length)
    {
        lock (_gate)
        {
            if (!_free.TryGetValue((typeof(T), length), out Stack<Array>? stack) || stack.Count == 0) return null;
            var array = (T[])stack.Pop();
            _retainedBytes -= (long)length * Unsafe.SizeOf<T>();
            return array;
        }
    }

    /// <summary>Whether <paramref name="array"/> is one of the free arrays the pool holds (given back by a scope).</summary>
    internal bool HoldsFree(Array array)
    {
        lock (_gate)
        {
            if (!_free.TryGetValue(Key(array), out Stack<Array>? stack)) return false;
            foreach (Array free in stack)
                if (ReferenceEquals(free, array)) return true;
            return false;
        }
    }

    /// <summary>The free list an array belongs to: its element type and length.</summary>
    private static (Type Element, int Length) Key(Array array) => (array.GetType().GetElementType()!, array.Length);

    /// <summary>Takes back arrays a scope lent out, in the order they were lent: the last of them is lent first next
    /// time (the memory written last is the likeliest to be resident).</summary>
    internal void Return(List<LentArray> arrays)
    {
        lock (_gate)
        {
            foreach (LentArray lent in arrays)
            {
                var key = Key(lent.Array);
                if (!_free.TryGetValue(key, out Stack<Array>? stack)) _free[key] = stack = new Stack<Array>();
                if (stack.Count >= MaxArraysPerSize) continue;
                stack.Push(lent.Array);
                _retainedBytes += lent.Bytes;
            }
        }
    }
}

/// <summary>An array a scope lent out, with its size in bytes.</summary>
internal readonly record struct LentArray(Array Array, long Bytes);
