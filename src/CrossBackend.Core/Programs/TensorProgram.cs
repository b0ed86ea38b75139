using System.Collections.Concurrent;

namespace CrossBackend;

/// <summary>A computation written once over <see cref="ITensorOps{TTensor}"/> (a loss with its options, a function,
/// a gradient). <see cref="TensorProgram.Run"/> runs it on whichever engine owns its first input.</summary>
internal interface ITensorProgram
{
    /// <summary>Computes the program's results on one engine; absent optional inputs are null.</summary>
    TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class;

    /// <summary>Whether the program adopts input <paramref name="index"/> itself, on first use, when adopting it would
    /// convert it (int64 labels on an engine whose tensors are float): a fused kernel may read it as given and no
    /// converted copy is made. Never for the first input. Default: no input.</summary>
    bool AdoptsLazily(int index) => false;

    /// <summary>As <see cref="Run{TTensor}(ITensorOps{TTensor}, TTensor[])"/>, with the inputs left to the program:
    /// <paramref name="asGiven"/>[i] holds input i as the caller gave it where <paramref name="inputs"/>[i] is null
    /// for that reason (see <see cref="AdoptsLazily"/>).</summary>
    TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs, object?[] asGiven) where TTensor : class => Run(ops, inputs);

    /// <summary>
    /// The dtype result <paramref name="index"/> has, given the dtypes of the inputs as the caller passed them
    /// (<see cref="DType.Other"/> for absent ones). Null (the default, the losses): the program accepts only
    /// floating-point first inputs, and float16/bfloat16 results are rounded back to the input's dtype.
    /// A program that declares its result dtypes also accepts integer and bool inputs: see <see cref="ComputeDType"/>.
    /// </summary>
    DType? ResultDType(int index, DType[] inputs) => null;

    /// <summary>The dtype the first input is computed in, for programs that declare <see cref="ResultDType"/>: by
    /// default the input's own floating-point dtype, and float64 for integers and bool (exact up to 2⁵³). A program
    /// that only moves, selects or compares values (reshape, gather, maximum) may name an integer dtype: engines with
    /// ops for it (torch) then compute natively, the others in float64.</summary>
    DType ComputeDType(DType[] inputs) => inputs[0].IsFloatingPoint() ? inputs[0] : DType.Float64;
}

/// <summary>
/// Dispatch, written once: finds the engine of the first input, checks that the others belong to it, adopts them into
/// the ops' tensor type, runs the program inside the engine's scope, and computes float16/bfloat16 in float32 with one
/// rounding of the results back to the input's dtype. Programs that declare their result dtypes
/// (<see cref="ITensorProgram.ResultDType"/>) also take integer and bool inputs: those are computed in float64 (or
/// natively where the program is exact in any dtype and the engine has integer ops) and each result is cast once to
/// its declared dtype, inside the engine's scope, with engines that store only float tensors converting the storage
/// after it.
/// </summary>
internal static class TensorProgram
{
    private delegate object[] Invoker(object ops, ITensorProgram program, object?[] inputs, string[] names, DType? narrow, DType?[] targets, DType? castFirst,
        bool wrapIntegers, bool[]? int64Detour);

    private static readonly ConcurrentDictionary<Type, Invoker> Invokers = new();

    /// <summary>The first result of <paramref name="program"/>, its first input cast to <paramref name="floatDType"/> on
    /// its engine first when that input is an integer or bool tensor (metrics of integer predictions, dice_score's int
    /// masks); the cast copy is a temporary, freed after the run rather than left in the caller's scope.</summary>
    internal static object RunWithFloatingFirst(ITensorProgram program, object?[] inputs, string[] names, DType floatDType)
    {
        ITensorEngine engine = TensorEngines.EngineOf(inputs[0]!, names[0]);
        if (engine.Describe(inputs[0]!).DType.IsFloatingPoint()) return Run(program, inputs, names)[0];
        inputs = (object?[])inputs.Clone();
        inputs[0] = engine.Cast(inputs[0]!, floatDType);
        try { return Run(program, inputs, names)[0]; }
        finally { (inputs[0] as IDisposable)?.Dispose(); }
    }

    /// <summary>The first result of <paramref name="program"/> computed with its first input widened to float64 and
    /// rounded back to that input's dtype (exact: every value came from it), both casts on the recording tape. For
    /// programs whose other inputs hold positions into the first: an engine that adopts every input into the first
    /// input's tensor type holds a position as a float32 value, exact only to 2²⁴.</summary>
    internal static object RunWidened(ITensorProgram program, object?[] inputs, string[] names)
    {
        ITensorEngine engine = TensorEngines.EngineOf(inputs[0]!, names[0]);
        DType original = engine.Describe(inputs[0]!).DType;
        object?[] wide = (object?[])inputs.Clone();
        wide[0] = CastOnTape(engine, inputs[0]!, DType.Float64);
        object? result = null;
        try
        {
            result = Run(program, wide, names)[0];
            return CastOnTape(engine, result, original);
        }
        finally
        {
            (wide[0] as IDisposable)?.Dispose();
            (result as IDisposable)?.Dispose();
        }
    }

    /// <summary>Whether the engine's ops for <paramref name="tensor"/>'s type hold an int64 tensor as int64 (torch: yes;
    /// an engine whose tensor type fixes the element type adopts other inputs into it, e.g. positions into float32).</summary>
    internal static bool HoldsInt64(ITensorEngine engine, object tensor) =>
        engine.OpsFor(tensor.GetType()) is { } ops && ComputesIn(ops, DType.Int64);

    /// <summary>Runs <paramref name="program"/>; <paramref name="names"/> name the inputs in error messages.</summary>
    public static object[] Run(ITensorProgram program, object?[] inputs, string[] names)
    {
        object primary = inputs[0] ?? throw new ArgumentNullException(names[0], $"Argument `{names[0]}` must be a tensor. Received: null");
        ITensorEngine engine = TensorEngines.EngineOf(primary, names[0]);
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is { } other) TensorEngines.RequireSameEngine(engine, other, names[i], names[0]);

        var dtypes = new DType[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            dtypes[i] = inputs[i] is { } x ? DTypeOf(engine, x, names[i]) : DType.Other;
            // An engine that computes with the tensor's type but gives its dtype no name (torch complex64). Element
            // types an engine has no ops for (Tensor<decimal>) get the engine's own message below.
            if (dtypes[i] == DType.Other && inputs[i] is { } unnamed && engine.OpsFor(unnamed.GetType()) is not null) throw NoDType(engine, names[i]);
        }
        DType dtype = dtypes[0];
        DType?[] targets = Targets(program, dtypes);
        bool declared = targets.Length > 0;

        object?[] compute = inputs;
        object? ops = engine.OpsFor(primary.GetType());
        DType? castFirst = null;
        if (declared)
        {
            DType wanted = program.ComputeDType(dtypes);
            if (!wanted.IsFloatingPoint() && !(ops is not null && ComputesIn(ops, wanted))) wanted = DType.Float64;
            if (wanted != dtype)
            {
                if (ops is not null && ComputesIn(ops, wanted)) castFirst = wanted;   // inside the engine's scope
                else
                {
                    // Engines without ops for this element type (Tensor<int>) convert here, in managed memory.
                    compute = (object?[])inputs.Clone();
                    compute[0] = CastOnTape(engine, primary, wanted);
                    ops = engine.OpsFor(compute[0]!.GetType());
                }
                dtype = wanted;
            }
        }
        // Integer inputs computed in a float dtype: integer results wrap around as integer arithmetic does (below).
        bool wrapIntegers = declared && Wraps(dtypes[0]) && dtype.IsFloatingPoint();
        // int64 inputs computed in float64 are exact only below 2⁵³: larger ones are refused, not rounded (below).
        bool[]? int64Detour = declared && !dtypes[0].IsFloatingPoint() && dtype.IsFloatingPoint() && dtypes.Contains(DType.Int64)
            ? dtypes.Select(d => d == DType.Int64).ToArray() : null;
        DType? narrow = dtype.IsNarrowFloat() ? dtype : null;
        if (ops is null && narrow is not null)
        {
            // Engines whose tensor type fixes the element type (Tensor<Half>) compute narrow floats after a cast here.
            compute = compute.Select(x => x is not null && engine.Describe(x).DType.IsNarrowFloat() ? CastOnTape(engine, x, DType.Float32) : x).ToArray();
            ops = engine.OpsFor(compute[0]!.GetType());
        }
        if (ops is null) throw TensorEngines.UnsupportedDType(engine, dtypes[0], names[0]);

        Type opsTensorType = OpsTensorType(ops);
        // A fresh object[]: the invoker's array is the ops' TTensor[] (covariant), which cannot hold another storage type.
        object[] results = [.. Invokers.GetOrAdd(opsTensorType, CreateInvoker)(ops, program, compute, names, narrow, targets, castFirst, wrapIntegers, int64Detour)];
        // The caller's tensors stay reachable until every engine call on them has returned. A torch.Tensor passed as a
        // temporary (Backend.Exp(torch.rand(n))) is otherwise unreachable once its handle is read, and its finalizer
        // may free the native tensor while libtorch or a managed kernel still reads it: TorchSharp's own calls do not
        // keep their tensor alive (a loop of torch.full(n, 0.3f).exp() beside a thread forcing collections crashed
        // or returned exp of freed memory within seconds here).
        GC.KeepAlive(inputs);
        GC.KeepAlive(compute);

        // Engines that compute only in float tensors (Tensor<double> holding int64 values) change the storage here;
        // the values were already rounded to the target dtype inside the scope, so this conversion is exact. Where the
        // ops hold the target dtype, the scope's cast already made it.
        for (int i = 0; i < results.Length; i++)
        {
            bool declaredTarget = i < targets.Length;
            if ((declaredTarget ? targets[i] : narrow) is not { } t || ComputesIn(ops, t)) continue;
            // Undeclared results are narrowed only where they came out as float32.
            DType current = engine.Describe(results[i]).DType;
            if (current != t && (declaredTarget || current == DType.Float32)) results[i] = CastOnTape(engine, results[i], t);
        }
        return results;
    }

    /// <summary>
    /// A cast outside the engine's ops (a float32 first operand promoted to float64, a narrow float widened to float32,
    /// a result's storage converted), linked on the recording tape so the gradient goes back through it to
    /// <paramref name="x"/>: a conversion the tape does not see would read as "not watched" and give zeros.
    /// </summary>
    private static object CastOnTape(ITensorEngine engine, object x, DType dtype)
    {
        object cast = engine.Cast(x, dtype);
        GradientTape.Current?.Converted(x, cast);
        return cast;
    }

    /// <summary>A tensor whose dtype has no <see cref="DType"/> (a torch complex64 tensor): refused by name before any
    /// engine code runs (it failed deep inside, with "The torch engine has no dtype other").</summary>
    private static ArgumentException NoDType(ITensorEngine engine, string name) =>
        UnnamedDType.Refused(name, $"{name} is a {engine.Name} tensor", "compute with");

    /// <summary>The declared dtypes of the first results (programs return a fixed small number of results); empty
    /// for a program that declares none.</summary>
    private static DType?[] Targets(ITensorProgram program, DType[] dtypes)
    {
        int count = 0;
        while (count < 8 && program.ResultDType(count, dtypes) is not null) count++;
        var targets = new DType?[count];
        for (int i = 0; i < count; i++) targets[i] = program.ResultDType(i, dtypes);
        return targets;
    }

    /// <summary>For <see cref="System.Reflection.MethodBase.Invoke(object, System.Reflection.BindingFlags, System.Reflection.Binder, object[], System.Globalization.CultureInfo)"/>
    /// of engine code: its exception reaches the caller as thrown, not wrapped in a TargetInvocationException whose
    /// message ("Exception has been thrown by the target of an invocation") hides the engine's.</summary>
    internal const System.Reflection.BindingFlags DoNotWrap = System.Reflection.BindingFlags.DoNotWrapExceptions;

    private static readonly ConcurrentDictionary<(Type, DType), bool> Computes = new();

    /// <summary>Whether <paramref name="ops"/> hold a tensor of <paramref name="dtype"/> as such (torch: any dtype;
    /// an engine whose tensor type fixes the element type: only that one), probed once per ops type and dtype.</summary>
    private static bool ComputesIn(object ops, DType dtype) => Computes.GetOrAdd((ops.GetType(), dtype), key =>
    {
        Type tensorType = OpsTensorType(ops);
        return (bool)typeof(TensorProgram).GetMethod(nameof(Probe), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(tensorType).Invoke(null, DoNotWrap, null, [ops, key.Item2], null)!;
    });

    private static bool Probe<TTensor>(object opsObject, DType dtype) where TTensor : class
    {
        var ops = (ITensorOps<TTensor>)opsObject;
        bool holds = false;
        ops.Scoped(() =>
        {
            holds = ops.DTypeOf(ops.Full([1], 0, dtype)) == dtype;
            return [];
        });
        return holds;
    }

    private static readonly ConcurrentDictionary<Type, Type> TensorTypes = new();

    /// <summary>The tensor type an engine's ops object computes with (its <see cref="ITensorOps{TTensor}"/> argument),
    /// found by reflection once per ops type.</summary>
    internal static Type OpsTensorType(object ops) => TensorTypes.GetOrAdd(ops.GetType(), static t => t.GetInterfaces()
        .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ITensorOps<>)).GetGenericArguments()[0]);

    private static DType DTypeOf(ITensorEngine engine, object tensor, string name) =>
        engine is IArgumentDescriber named ? named.DTypeOf(tensor, name) : engine.Describe(tensor).DType;

    private static Invoker CreateInvoker(Type tensorType) =>
        typeof(TensorProgram).GetMethod(nameof(Invoke), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(tensorType).CreateDelegate<Invoker>();

    private static object[] Invoke<TTensor>(object opsObject, ITensorProgram program, object?[] inputs, string[] names, DType? narrow, DType?[] targets,
        DType? castFirst, bool wrapIntegers, bool[]? int64Detour) where TTensor : class
    {
        var ops = (ITensorOps<TTensor>)opsObject;
        return ops.Scoped(() =>
        {
            var typed = new TTensor?[inputs.Length];
            var asGiven = new object?[inputs.Length];
            GradientTape? tape = GradientTape.Current;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is not { } x) continue;
                // Left to the program only where adopting converts (a tensor of the ops' own type costs nothing) and
                // nothing else needs the adopted tensor first (the tape records it; narrow floats are widened here).
                if (i > 0 && x is not TTensor && tape is null && narrow is null && program.AdoptsLazily(i)) asGiven[i] = x;
                else
                {
                    typed[i] = Widen(ops, ops.Adopt(x, names[i]), narrow);
                    // A float32 parameter adopted into float64 ops: the gradient goes back through the conversion.
                    tape?.Converted(x, typed[i]!);
                }
            }
            if (castFirst is { } c)
            {
                TTensor uncast = typed[0]!;
                typed[0] = ops.Cast(uncast, c);
                tape?.Converted(uncast, typed[0]!);
            }
            if (int64Detour is not null)
                for (int i = 0; i < typed.Length; i++)
                    if (int64Detour[i] && typed[i] is { } wide) RequireExactInFloat64(ops, wide, names[i], result: false);
            TTensor[] results = tape is not null ? tape.Run(ops, program, typed) : program.Run(ops, typed, asGiven);
            for (int i = 0; i < results.Length; i++)
            {
                DType current = ops.DTypeOf(results[i]);
                DType? target = i < targets.Length ? targets[i] : narrow is { } n && current == DType.Float32 ? n : null;
                if (target is DType.Int64 && int64Detour is not null && current.IsFloatingPoint()) RequireExactInFloat64(ops, results[i], names[0], result: true);
                if (target is { } t && current != t)
                {
                    TTensor uncast = results[i];
                    bool wrap = wrapIntegers && Wraps(t) && current.IsFloatingPoint();
                    // Wrapping is exact only for |v| < 2⁵³ ((2³¹ − 1)² as int32 is 1 in PyTorch; its float64 product is rounded).
                    if (wrap) RequireExactInFloat64(ops, uncast, names[0], result: true, t);
                    results[i] = ops.Cast(wrap ? WrapAround(ops, uncast, t) : uncast, t);
                    tape?.Converted(uncast, results[i]);   // Backend.Cast(w, "float64") inside a tape is differentiated
                }
            }
            return results;
        });
    }

    /// <summary>
    /// Refuses int64 values of magnitude 2⁵³ or more met on the float64 detour (an input converted to float64, or an
    /// int64 result computed in it): float64 holds integers exactly only below 2⁵³, and PyTorch and NumPy, which compute
    /// int64 natively, would give other numbers than the rounded ones. Converted values of magnitude ≥ 2⁵³ are exactly
    /// the int64 values of magnitude ≥ 2⁵³, as the conversion rounds monotonically. One reduction per int64 tensor on
    /// this path only (integer functions that compute in float64).
    /// </summary>
    private static void RequireExactInFloat64<TTensor>(ITensorOps<TTensor> ops, TTensor x, string name, bool result, DType resultDType = DType.Int64) where TTensor : class
    {
        const double Limit = 9007199254740992.0;   // 2⁵³
        if (Shapes.Count(ops.ShapeOf(x)) == 0) return;
        double largest = ops.ToHost(ops.Reduce(ReduceOp.Max, ops.Unary(UnaryOp.Abs, x), null, keepDims: false))[0];
        if (!(largest >= Limit)) return;
        string what = result ? $"The {resultDType.Name()} result computed from `{name}` reaches" : $"Argument `{name}` holds int64 values of";
        throw new ArgumentException(
            $"{what} magnitude 2⁵³ (9007199254740992) or more. This function computes integers in float64 on the " +
            $"{ops.Engine.Name} engine, which holds them exactly only below 2⁵³, so the answer would be rounded (or wrapped from a " +
            "rounded value) where PyTorch and NumPy give exact integer values. Keep such values (64-bit ids, hashes) out of arithmetic, or cast the tensor to " +
            "float64 first (Backend.Cast) if rounding to 16 significant digits is acceptable.", name);
    }

    /// <summary>The integer dtypes whose arithmetic the float64 detour holds exactly (|v| &lt; 2⁵³) and can wrap.</summary>
    private static bool Wraps(DType dtype) => dtype is DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8;

    /// <summary>
    /// Whole values computed in float64 for an integer result, brought into the result dtype's range as integer
    /// arithmetic wraps around (two's complement), as NumPy, TensorFlow and libtorch compute int32 + int32: int32 max + 2
    /// → −2147483647, 65536·65537 → 65536, where a cast alone would give the dtype's minimum. v − m·⌊(v + h)/m⌋ with m =
    /// 2^bits and h = m/2 for signed dtypes (0 for uint8) is exact in float64 for |v| &lt; 2⁵³; values in range are
    /// unchanged, and NaN stays NaN for the cast's own rule.
    /// </summary>
    private static TTensor WrapAround<TTensor>(ITensorOps<TTensor> ops, TTensor x, DType dtype) where TTensor : class
    {
        (double modulus, double half) = dtype.WrapTurn();
        DType d = ops.DTypeOf(x);
        TTensor turns = ops.Unary(UnaryOp.Floor, ops.Binary(BinaryOp.Divide, ops.Binary(BinaryOp.Add, x, ops.Scalar(half, d)), ops.Scalar(modulus, d)));
        return ops.Binary(BinaryOp.Subtract, x, ops.Binary(BinaryOp.Multiply, turns, ops.Scalar(modulus, d)));
    }

    private static TTensor Widen<TTensor>(ITensorOps<TTensor> ops, TTensor x, DType? narrow) where TTensor : class =>
        narrow is not null && ops.DTypeOf(x).IsNarrowFloat() ? ops.Cast(x, DType.Float32) : x;
}
