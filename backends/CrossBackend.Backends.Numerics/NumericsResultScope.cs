using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// A step in which the channels-last engine's large arrays come from a <see cref="NumericsResultPool"/> and go back
/// to it when the step ends — the channels-last counterpart of TorchSharp's <c>torch.NewDisposeScope()</c>. Open it
/// with <see cref="NumericsResultPool.NewScope"/> in a <c>using</c> statement.
/// </summary>
/// <remarks>
/// <para><b>What is recycled.</b> Every array of at least <see cref="NumericsResultPool.MinimumPooledBytes"/> bytes that
/// the engine allocates while the scope is the innermost one open on its thread: op results, tensors the engine
/// makes (filled or from values, casts and dtype conversions, gradients a <c>GradientTape</c> computes) and its
/// temporaries. Never recycled: smaller arrays; tensors made before the scope or on other threads (the worker threads
/// of a <c>Parallel.For</c> — its iterations on the scope's own thread are lent); tensors over your own arrays (<c>Tensor.Create</c>, an engine's <c>FromArray</c>);
/// the .NET arrays the engine returns (<c>ToArray</c>, <c>ToDoubleArray</c>: copies). An op that returns its input
/// (a cast to the same dtype, a reshape that is a view) recycles nothing.</para>
/// <para><b>When.</b> At <see cref="Dispose"/> every such array not kept goes back to the pool, and the next
/// allocation of the same element type and length from that pool — in the next scope, or in this scope's still-open
/// outer scope after an inner one ends — gets it. A tensor over it must not be read after its scope ends: its memory
/// then holds a later result, silently (the contract of <c>ArrayPool&lt;T&gt;.Return</c>; unlike a disposed
/// TorchSharp tensor it cannot throw). So anything used after the step must be kept or copied first: updated weights
/// (<c>w − lr·g</c>), state carried to the next step, tensors built lazily on a first call inside a scope, and what a
/// <c>GradientTape</c> recorded (take gradients inside the scope).</para>
/// <para><b>Keep.</b> <see cref="Keep{T}"/> takes a tensor's whole array out of every open scope of the thread (so its
/// views stay valid too); the GC owns it from then on. Call it before the scope that made the tensor ends.</para>
/// <para><b>Threads.</b> A scope belongs to the thread and the logical flow (async context) that opened it: only their
/// allocations are lent. Dispose it on that thread, innermost first (a <c>using</c> statement does both), and do not
/// <c>await</c> inside it (after an await on another thread nothing is lent and <see cref="Dispose"/> throws).
/// <see cref="Keep{T}"/> may be called from any thread. Without a scope everything works as before.</para>
/// </remarks>
public sealed class NumericsResultScope : IDisposable
{
    [ThreadStatic] private static NumericsResultScope? t_current;

    // The scope of the logical flow (async context) that opened it. A scope that spans an `await` stays current on
    // its thread while that thread runs other work items; their arrays must not be lent to it (they would go back
    // to the pool under them if the scope's flow resumed on that thread and ended), so lending needs both to agree.
    private static readonly AsyncLocal<NumericsResultScope?> s_flow = new();

    private readonly NumericsResultPool _pool;
    private readonly NumericsResultScope? _outer;
    private readonly Thread _thread;
    private readonly List<LentArray> _lent = [];
    // One lock for the scopes nested on one thread: Keep may be called from other threads (a Parallel.For inside
    // the scope) while the owner thread lends arrays into these lists.
    private readonly object _gate;
    private NumericsResultScope? _inner;   // the scope opened inside this one and still open, so Keep reaches it
    // What was current before, restored as it was: the thread's scope may belong to another (suspended) flow, and
    // this flow must not inherit it when this scope ends.
    private readonly NumericsResultScope? _previousOnThread, _previousInFlow;
    private bool _disposed;

    internal NumericsResultScope(NumericsResultPool pool)
    {
        _pool = pool;
        _previousOnThread = t_current;
        _previousInFlow = s_flow.Value;
        // Nested only in a scope of this thread and this flow; one left current by a suspended flow is not this one's.
        _outer = ReferenceEquals(_previousOnThread, _previousInFlow) ? _previousOnThread : null;
        _thread = Thread.CurrentThread;
        _gate = _outer?._gate ?? new object();
        if (_outer is not null) lock (_gate) _outer._inner = this;
        t_current = this;
        s_flow.Value = this;
    }

    /// <summary>The pool this scope lends from.</summary>
    public NumericsResultPool Pool => _pool;

    /// <summary>
    /// Takes <paramref name="tensor"/>'s memory out of every open scope of this scope's thread — this one, the scopes
    /// around it and those still open inside it — so that it stays valid after they end: the GC owns it from then on, as
    /// without a scope, and no pool gets it back. The whole array goes, so every view of it stays valid too. A tensor
    /// whose memory no scope lent (an input, a small result, a result made on another thread, a tensor kept already)
    /// is returned as it is. May be called from any thread.
    /// </summary>
    /// <returns><paramref name="tensor"/>, so a result can be kept where it is made.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tensor"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This scope has ended.</exception>
    /// <exception cref="InvalidOperationException">The scope that made <paramref name="tensor"/> has ended already (an
    /// inner scope): its memory is this pool's again and may already hold a later result.</exception>
    public Tensor<T> Keep<T>(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (TensorData.BackingArray(tensor) is not { } array)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return tensor;
        }
        bool found = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            NumericsResultScope innermost = this;
            while (innermost._inner is { } inner) innermost = inner;
            for (NumericsResultScope? scope = innermost; scope is not null; scope = scope._outer)
                found |= scope._lent.RemoveAll(lent => ReferenceEquals(lent.Array, array)) > 0;
        }
        if (!found && (long)array.Length * Unsafe.SizeOf<T>() >= NumericsResultPool.MinimumPooledBytes)
            for (NumericsResultScope? scope = this; scope is not null; scope = scope._outer)
                if (scope._pool.HoldsFree(array))
                    throw new InvalidOperationException(
                        "Cannot keep this tensor: the scope that made it has ended, so its memory went back to the NumericsResultPool and " +
                        "may already hold a later result. Keep it before that scope ends (call Keep inside the scope where it is made)");
        return tensor;
    }

    /// <summary>Gives the arrays lent in this scope and not kept back to the pool and makes the scope that was current
    /// before it, if any, current again. Disposing twice does nothing.</summary>
    /// <exception cref="InvalidOperationException">Called on another thread than the one that opened the scope, or
    /// while a scope opened inside this one is still open.</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (Thread.CurrentThread != _thread)
            throw new InvalidOperationException(
                "A NumericsResultScope must be disposed on the thread that opened it (its arrays were lent to that thread's calls); use one scope per thread");
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException(
                "A NumericsResultScope must be disposed after the scopes opened inside it (innermost first, as `using` statements do); dispose the inner scope first");
        lock (_gate)
        {
            _disposed = true;
            if (_outer is not null) _outer._inner = null;
            _pool.Return(_lent);
            _lent.Clear();
        }
        t_current = _previousOnThread;
        s_flow.Value = _previousInFlow;
    }

    /// <summary>An uninitialised array of <paramref name="length"/> elements for the engine to write a result or a
    /// temporary into: from the current scope's pool when one is open on this thread and in this flow and the array
    /// is large enough to be pooled, else from the GC.</summary>
    internal static T[] Allocate<T>(int length)
    {
        NumericsResultScope? scope = t_current;
        if (scope is null || (long)length * Unsafe.SizeOf<T>() < NumericsResultPool.MinimumPooledBytes || !ReferenceEquals(s_flow.Value, scope))
            return GC.AllocateUninitializedArray<T>(length);
        T[] array = scope._pool.TryTake<T>(length) ?? GC.AllocateUninitializedArray<T>(length);
        lock (scope._gate) scope._lent.Add(new LentArray(array, (long)length * Unsafe.SizeOf<T>()));
        return array;
    }
}
