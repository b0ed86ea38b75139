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
    private static readonly ConcurrentDictionary<Type, Func<GradientTape, object, object, object>> Watchers = new();
    private static readonly ConcurrentDictionary<Type, Func<GradientTape, object, object, ITapeTensor, DType, DType?, ITensorEngine, object>> Linkers = new();

    private readonly GradientTape? _outer;
    // The engine tensor → its tape tensor (an ITapeTensor). Not a ConditionalWeakTable: every recorded tensor is
    // reachable from the tape's nodes anyway, and a weak table's entry keeps its value alive as long as its key until
    // the table's own finalizer runs, collections after the tape is gone; a watched parameter lives for the whole
    // training loop, so each step's gradients and temporaries were promoted to generation 2 with it (at (65536, 100):
    // ~450 MB promoted, a 25 ms compacting collection every few steps). A plain dictionary dies with the tape.
    private readonly Dictionary<object, ITapeTensor> _recorded = new(ReferenceEqualityComparer.Instance);
    // One tape per tensor type (float32 and float64 are different types on the channels-last engine), all recording
    // into one list of steps, so a gradient crosses a dtype conversion as PyTorch's does.
    private readonly Dictionary<Type, ITapeOps> _tapes = [];
    // A float16/bfloat16 tensor of an engine with no general ops for its type (Tensor<Half> on the channels-last
    // engine) → the tape tensor it holds rounded (a function's float32 result, or a watched source's float32 copy),
    // that tensor's dtype and its own. Functions widen such tensors before computing and round their results back
    // (TensorProgram); both casts are linked through this table, so narrow floats are differentiated as PyTorch's
    // autograd differentiates them through their float32 computation (the gradient rounded at each cast).
    private readonly Dictionary<object, (ITapeTensor Wide, DType WideDType, DType Narrow)> _narrow = new(ReferenceEqualityComparer.Instance);
    private readonly List<Action> _steps = [];
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

    /// <summary>Marks <paramref name="source"/> as a tensor whose gradient will be asked for: the calls that use it
    /// from here on are recorded.</summary>
    /// <remarks>A float16 or bfloat16 source of an engine that computes narrow floats in float32 (the channels-last
    /// engine's <c>Tensor&lt;Half&gt;</c>) is watched through its float32 copy; its gradient comes back in its own
    /// dtype, as PyTorch's does.</remarks>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not a floating-point tensor (integer and bool
    /// tensors have no gradient, on every engine), or is of a floating-point dtype its engine does not compute with.</exception>
    public void Watch(object source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ITensorEngine engine = TensorEngines.EngineOf(source, nameof(source));
        // Checked here for every engine: libtorch's requires_grad_ on an int tensor fails with its own C++ text.
        DType dtype = engine.Describe(source).DType;
        if (!dtype.IsFloatingPoint()) throw Validate.NotFloatingPoint(engine, dtype, nameof(source));
        object? found = engine.OpsFor(source.GetType());
        if (found is null && dtype.IsNarrowFloat())
        {
            WatchNarrow(engine, source, dtype);
            return;
        }
        object ops = found ?? throw TensorEngines.UnsupportedDType(engine, dtype, nameof(source));
        if (AutogradOf(ops) is { } autograd) autograd.GetMethod(nameof(IAutograd<object>.Watch))!.Invoke(ops, TensorProgram.DoNotWrap, null, [source], null);
        else if (!(_recorded.TryGetValue(source, out ITapeTensor? known) && known.Tracked))
            _recorded[source] = (ITapeTensor)ForTensorType(Watchers, ops, nameof(WatchOn))(this, ops, source);
    }

    private object WatchOn<T>(object ops, object source) where T : class => TapeFor((ITensorOps<T>)ops).Watch((T)source);

    /// <summary>Watches a float16/bfloat16 tensor of an engine without ops for its type through its float32 copy.</summary>
    private void WatchNarrow(ITensorEngine engine, object source, DType dtype)
    {
        if (_narrow.ContainsKey(source)) return;
        object wide = engine.Cast(source, DType.Float32);
        Watch(wide);
        _narrow[source] = (_recorded[wide], DType.Float32, dtype);
    }

    /// <summary>
    /// d(Σ target)/d(source) for each source, each with its source's shape and dtype (also where the target was
    /// computed in another dtype: a float32 parameter times float64 data gives a float32 gradient, as PyTorch's). A
    /// source gets zeros where the target does not depend on it, and where it was not watched (nor computed from a
    /// watched tensor) — the same on every engine.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tape was already used or disposed, or the target was not
    /// computed while it recorded.</exception>
    public object[] Gradient(object target, params object[] sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_used) throw new InvalidOperationException("This GradientTape was already used: open a new one per gradient (it is not persistent).");
        _used = true;
        ITensorEngine engine = TensorEngines.EngineOf(target, nameof(target));
        foreach (object s in sources) TensorEngines.RequireSameEngine(engine, s, nameof(sources), nameof(target));
        object? ops = engine.OpsFor(target.GetType());
        if (ops is null && !_narrow.ContainsKey(target)) throw TensorEngines.UnsupportedDType(engine, engine.Describe(target).DType, nameof(target));
        if (ops is not null && AutogradOf(ops) is { } autograd)
        {
            object[] gradients = ForTensorType(AutogradInvokers, ops, nameof(AutogradGradients))(ops, target, sources);
            // Reachable until the engine's autograd has returned: a target passed as a temporary
            // (tape.Gradient(Losses.X(...), w)) could otherwise be finalized during it (README, Reliability).
            GC.KeepAlive(target);
            GC.KeepAlive(sources);
            return gradients;
        }
        ITapeTensor? recorded = _recorded.TryGetValue(target, out ITapeTensor? known) ? known : _narrow.TryGetValue(target, out var rounded) ? rounded.Wide : null;
        if (recorded is null)
            throw new InvalidOperationException(
                "Argument `target` was not computed while this GradientTape recorded: compute it inside the `using` block, " +
                "from tensors passed to Watch.");
        _tapes[recorded.TensorType].Backward(recorded);
        return sources.Select(s =>
            _recorded.TryGetValue(s, out ITapeTensor? t) ? _tapes[t.TensorType].GradientOf(t)
            : _narrow.TryGetValue(s, out var n) ? engine.Cast(_tapes[n.Wide.TensorType].GradientOf(n.Wide), n.Narrow)
            : ZerosLike(engine, s)).ToArray();
    }

    private static readonly ConcurrentDictionary<Type, Func<object, object, object[], object[]>> AutogradInvokers = new();

    private static object[] AutogradGradients<T>(object ops, object target, object[] sources) where T : class =>
        ((IAutograd<T>)ops).GradientsOf((T)target, sources.Select(s => (T)s).ToArray());

    /// <summary>Zeros of <paramref name="x"/>'s shape and dtype, for a source the tape never saw.</summary>
    private static object ZerosLike(ITensorEngine engine, object x)
    {
        TensorInfo info = engine.Describe(x);
        return engine.Cast(engine.FromArray(new double[Shapes.Count(info.Shape)], info.Shape), info.DType);
    }

    private TapeOps<T> TapeFor<T>(ITensorOps<T> ops) where T : class
    {
        if (!_tapes.TryGetValue(typeof(T), out ITapeOps? tape)) _tapes[typeof(T)] = tape = new TapeOps<T>(ops, _steps);
        return (TapeOps<T>)tape;
    }

    /// <summary>Runs one program while recording: on engines with autograd the engine records; elsewhere the program
    /// runs on the tape, its inputs looked up (or constants) and its results remembered.</summary>
    internal T[] Run<T>(ITensorOps<T> ops, ITensorProgram program, T?[] inputs) where T : class
    {
        if (ops is IAutograd<T> || _disposed) return program.Run(ops, inputs);
        TapeOps<T> tape = TapeFor(ops);
        var wrapped = new TapeTensor<T>?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } x) continue;
            if (_recorded.TryGetValue(x, out ITapeTensor? known) && known is TapeTensor<T> same) wrapped[i] = same;
            else _recorded[x] = wrapped[i] = TapeOps<T>.Constant(x);
        }
        TapeTensor<T>[] results = program.Run(tape, wrapped);
        foreach (TapeTensor<T> r in results)
        {
            // An op may hand back its input itself (a cast to the dtype the storage already has): the first record
            // stays, so the source keeps the gradient of every use.
            if (!(_recorded.TryGetValue(r.Value, out ITapeTensor? earlier) && earlier.Tracked)) _recorded[r.Value] = r;
        }
        return results.Select(r => r.Value).ToArray();
    }

    /// <summary>
    /// Records that <paramref name="to"/> holds <paramref name="from"/>'s values in another tensor type or dtype
    /// (dispatch adopting an input into the ops' type, or casting a result to its declared dtype outside the ops), so
    /// that the gradient reaching <paramref name="to"/> goes back to <paramref name="from"/>, cast to its dtype, as
    /// PyTorch differentiates <c>to(dtype)</c>. Nothing is recorded unless both are floating-point and
    /// <paramref name="from"/> is tracked.
    /// </summary>
    internal void Converted(object from, object to)
    {
        if (_disposed || ReferenceEquals(from, to)) return;
        ITensorEngine engine = TensorEngines.EngineOf(from, nameof(from));
        DType toDType = engine.Describe(to).DType;
        bool floatingTo = toDType.IsFloatingPoint();
        if (_narrow.TryGetValue(from, out var narrow))
        {
            // A narrow float widened again: its gradient is rounded to the narrow dtype on the way back (PyTorch's
            // to(dtype) backward), then goes on to the tensor it holds rounded.
            if (narrow.Wide.Tracked && floatingTo && engine.OpsFor(to.GetType()) is { } wideOps) _recorded[to] = LinkOn(wideOps, to, narrow.Wide, narrow.WideDType, narrow.Narrow, engine);
            return;
        }
        if (!_recorded.TryGetValue(from, out ITapeTensor? source)) return;
        DType fromDType = engine.Describe(from).DType;
        if (!fromDType.IsFloatingPoint() || !floatingTo) return;
        if (engine.OpsFor(to.GetType()) is not { } ops)
        {
            // Rounded to a narrow float the engine has no ops for: remembered (untracked too, so a target that uses no
            // source gets zeros rather than a refusal), linked when it is widened again.
            if (toDType.IsNarrowFloat()) _narrow[to] = (source, fromDType, toDType);
            return;
        }
        if (!source.Tracked)
        {
            // Kept as a constant, so that a narrow float rounded from it later is known to the tape (its gradient is 0).
            if (!_recorded.ContainsKey(to)) _recorded[to] = ForTensorType(Constants, ops, nameof(ConstantOf))(to);
            return;
        }
        _recorded[to] = LinkOn(ops, to, source, fromDType, null, engine);
    }

    private static readonly ConcurrentDictionary<Type, Func<object, ITapeTensor>> Constants = new();

    /// <summary>This class's generic method <paramref name="name"/> made for the tensor type of <paramref name="ops"/>,
    /// as a delegate (an instance method takes the tape first), built once per tensor type in <paramref name="cache"/>:
    /// the tape holds engines' ops as objects, so each generic step is reached through one of these.</summary>
    private static TDelegate ForTensorType<TDelegate>(ConcurrentDictionary<Type, TDelegate> cache, object ops, string name) where TDelegate : Delegate =>
        cache.GetOrAdd(TensorProgram.OpsTensorType(ops), t =>
            typeof(GradientTape).GetMethod(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(t).CreateDelegate<TDelegate>());

    private static ITapeTensor ConstantOf<T>(object value) where T : class => TapeOps<T>.Constant((T)value);

    private ITapeTensor LinkOn(object ops, object to, ITapeTensor from, DType fromDType, DType? through, ITensorEngine engine) =>
        (ITapeTensor)ForTensorType(Linkers, ops, nameof(Link))(this, ops, to, from, fromDType, through, engine);

    /// <summary>Links <paramref name="to"/> to <paramref name="from"/>: the gradient reaching <paramref name="to"/> is
    /// cast to <paramref name="through"/> first when given (the narrow float between them), then to
    /// <paramref name="fromDType"/>.</summary>
    private object Link<T>(object ops, object to, ITapeTensor from, DType fromDType, DType? through, ITensorEngine engine) where T : class
    {
        ITapeOps fromTape = _tapes[from.TensorType];
        return TapeFor((ITensorOps<T>)ops).Conversion((T)to, g => fromTape.AccumulateAdopted(from, engine.Cast(through is { } n ? engine.Cast(g, n) : g, fromDType)));
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
        if (autograd is null) return tensor;
        object detached = autograd.GetMethod(nameof(IAutograd<object>.StopGradient))!.Invoke(ops, TensorProgram.DoNotWrap, null, [tensor], null)!;
        GC.KeepAlive(tensor);   // reachable until the engine's detach has returned (README, Reliability)
        return detached;
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
        _tapes.Clear();
        _steps.Clear();
    }
}
