using System.Collections.Concurrent;

namespace CrossBackend;

/// <summary>
/// Records the computations of CrossBackend calls (losses, <c>Backend</c> functions) made while it is open, so that
/// <see cref="Gradient"/> can return d(target)/d(source) on either engine: through TorchSharp's autograd on the torch
/// engine, through a tape over the general ops on engines without autograd. FastEstimator's <c>get_gradient</c>
/// and TensorFlow's <c>tf.GradientTape</c>, one API over both engines.
/// </summary>
/// <remarks>
/// <para>The tape belongs to the code flow that opened it (an <see cref="AsyncLocal{T}"/>, as TorchSharp's dispose scopes
/// belong to their thread): calls on other threads are not recorded. It is not persistent: call
/// <see cref="Gradient"/> once, then dispose it. Watching a torch tensor sets its <c>requires_grad</c>, as
/// <c>tape.watch</c> and <c>requires_grad_()</c> do.</para>
/// <para><b>Example</b> (either engine): <c>using var tape = GradientTape.Record(); tape.Watch(w);
/// var loss = Losses.MeanSquaredError(Backend.MatMul(x, w), y); object dw = tape.Gradient(loss, w)[0];</c></para>
/// </remarks>
public sealed class GradientTape : IDisposable
{
    private static readonly AsyncLocal<GradientTape?> Active = new();
    private static readonly ConcurrentDictionary<Type, Func<GradientTape, object, object[], object[]>> GradientInvokers = new();

    private readonly GradientTape? _outer;
    // The engine tensor → its tape tensor. Not a ConditionalWeakTable: every recorded tensor is reachable from the
    // tape's nodes anyway, and a weak table's entry keeps its value alive as long as its key until the table's own
    // finalizer runs, collections after the tape is gone; a watched parameter lives for the whole training loop, so
    // each step's gradients and temporaries were promoted to generation 2 with it (at (65536, 100): ~450 MB promoted,
    // a 25 ms compacting collection every few steps). A plain dictionary dies with the tape.
    private readonly Dictionary<object, object> _recorded = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<object> _watched = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Type, object> _tapes = [];
    private bool _disposed, _used;

    private GradientTape() => _outer = Active.Value;

    /// <summary>Opens a tape on the current code flow; dispose it to stop recording.</summary>
    public static GradientTape Record()
    {
        var tape = new GradientTape();
        Active.Value = tape;
        return tape;
    }

    /// <summary>The tape recording the current code flow, or null.</summary>
    internal static GradientTape? Current => Active.Value;

    /// <summary>Marks <paramref name="source"/> as a tensor whose gradient will be asked for.</summary>
    public void Watch(object source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ITensorEngine engine = TensorEngines.EngineOf(source, nameof(source));
        object ops = engine.OpsFor(source.GetType()) ?? throw TensorEngines.UnsupportedDType(engine, engine.Describe(source).DType, nameof(source));
        if (AutogradOf(ops) is { } autograd) autograd.GetMethod(nameof(IAutograd<object>.Watch))!.Invoke(ops, TensorProgram.DoNotWrap, null, [source], null);
        else _watched.Add(source);
    }

    /// <summary>
    /// d(Σ target)/d(source) for each source, each with its source's shape and dtype (zeros where the target does not
    /// depend on it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tape was already used or disposed, or the target was not
    /// computed while it recorded.</exception>
    public object[] Gradient(object target, params object[] sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used) throw new InvalidOperationException("This GradientTape was already used: open a new one per gradient (it is not persistent).");
        _used = true;
        ITensorEngine engine = TensorEngines.EngineOf(target, nameof(target));
        foreach (object s in sources) TensorEngines.RequireSameEngine(engine, s, nameof(sources), nameof(target));
        object ops = engine.OpsFor(target.GetType()) ?? throw TensorEngines.UnsupportedDType(engine, engine.Describe(target).DType, nameof(target));
        return GradientInvokers.GetOrAdd(TensorProgram.OpsTensorType(ops), t =>
            typeof(GradientTape).GetMethod(nameof(GradientOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(t).CreateDelegate<Func<GradientTape, object, object[], object[]>>())(this, ops, [target, .. sources]);
    }

    private object[] GradientOf<T>(object opsObject, object[] tensors) where T : class
    {
        var ops = (ITensorOps<T>)opsObject;
        var target = (T)tensors[0];
        T[] sources = tensors.Skip(1).Select(s => (T)s).ToArray();
        if (ops is IAutograd<T> autograd) return autograd.GradientsOf(target, sources);
        if (!_recorded.TryGetValue(target, out object? recorded))
            throw new InvalidOperationException(
                "Argument `target` was not computed while this GradientTape recorded: compute it inside the `using` block, " +
                "from tensors passed to Watch.");
        TapeOps<T> tape = TapeFor(ops);
        tape.Backward((TapeTensor<T>)recorded);
        return sources.Select(s => (object)(_recorded.TryGetValue(s, out object? t) ? tape.GradientOf((TapeTensor<T>)t) : ZerosLike(ops, s))).ToArray();
    }

    private static T ZerosLike<T>(ITensorOps<T> ops, T x) where T : class
    {
        TensorInfo info = ops.Describe(x);
        return ops.Full(info.Shape, 0, info.DType);
    }

    private TapeOps<T> TapeFor<T>(ITensorOps<T> ops) where T : class
    {
        if (!_tapes.TryGetValue(typeof(T), out object? tape)) _tapes[typeof(T)] = tape = new TapeOps<T>(ops);
        return (TapeOps<T>)tape;
    }

    /// <summary>Runs one program while recording: on engines with autograd the engine records; elsewhere the program
    /// runs on the tape, its inputs looked up (or watched, or constants) and its results remembered.</summary>
    internal T[] Run<T>(ITensorOps<T> ops, ITensorProgram program, T?[] inputs) where T : class
    {
        if (ops is IAutograd<T> || _disposed) return program.Run(ops, inputs);
        TapeOps<T> tape = TapeFor(ops);
        var wrapped = new TapeTensor<T>?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } x) continue;
            if (_recorded.TryGetValue(x, out object? known)) wrapped[i] = (TapeTensor<T>)known;
            else
            {
                wrapped[i] = _watched.Contains(x) ? tape.Watch(x) : TapeOps<T>.Constant(x);
                _recorded[x] = wrapped[i]!;
            }
        }
        TapeTensor<T>[] results = program.Run(tape, wrapped);
        foreach (TapeTensor<T> r in results) _recorded[r.Value] = r;
        return results.Select(r => r.Value).ToArray();
    }

    /// <summary>
    /// The same values with no gradient history (TensorFlow's <c>stop_gradient</c>, torch's <c>detach()</c>): use it
    /// for parameters updated outside a tape, so the next step's graph starts from them.
    /// </summary>
    public static object StopGradient(object tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ITensorEngine engine = TensorEngines.EngineOf(tensor, nameof(tensor));
        object? ops = engine.OpsFor(tensor.GetType());
        Type? autograd = ops is null ? null : AutogradOf(ops);
        return autograd is null ? tensor : autograd.GetMethod(nameof(IAutograd<object>.StopGradient))!.Invoke(ops, TensorProgram.DoNotWrap, null, [tensor], null)!;
    }

    /// <summary>The engine's <see cref="IAutograd{TTensor}"/> interface type, or null for engines differentiated by the tape.</summary>
    private static Type? AutogradOf(object ops) =>
        ops.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAutograd<>));

    /// <summary>Stops recording (the code flow's previous tape, if any, records again) and lets go of what it recorded,
    /// so a step's temporaries and gradients die young even while the parameters they were computed from live on.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Active.Value == this) Active.Value = _outer;
        // What the tape recorded is garbage from here, even while the caller still holds the tape.
        _recorded.Clear();
        _watched.Clear();
        _tapes.Clear();
    }
}
