using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace CrossBackend;

/// <summary>A tensor shaped like the input, filled with a constant or with host-drawn values.</summary>
internal sealed class LikeFunction(DType? dtype, Func<int, double[]>? values, double fill)
    : FunctionProgram(d => dtype ?? d[0], exact: true)
{
    /// <summary>A floating target dtype is the compute dtype, so that engines whose tensor type fixes the element
    /// type (float32 storage) create float64 values as float64.</summary>
    public override DType ComputeDType(DType[] inputs) => dtype is { } t && t.IsFloatingPoint() ? t : inputs[0];

    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        long[] shape = o.ShapeOf(x);
        DType target = dtype ?? o.DTypeOf(x);
        return [values is null ? o.Full(shape, fill, target) : o.FromValues(values(checked((int)Shapes.Count(shape))), shape, target)];
    }
}

/// <summary>The identity: the declared result dtype does the cast (exact in any dtype).</summary>
internal sealed class CastFunction(DType dtype) : FunctionProgram(_ => dtype, exact: true)
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class => [inputs[0]!];
}

/// <summary>1 when any value is NaN or ±∞, else 0.</summary>
internal sealed class NonFiniteFunction() : FunctionProgram(ResultDTypes.Fixed(DType.Float64))
{
    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        T x = inputs[0]!;
        DType dtype = o.DTypeOf(x);
        T nan = o.CompareAs(CompareOp.NotEqual, x, x, dtype);
        T inf = o.CompareAs(CompareOp.Equal, o.Abs(x), o.Scalar(double.PositiveInfinity, dtype), dtype);
        return [o.Reduce(ReduceOp.Max, o.Add(nan, inf), null, keepDims: false)];
    }
}

public static partial class Backend
{
    /// <summary>Ones shaped like <paramref name="tensor"/> (FastEstimator's <c>ones_like</c>), in <paramref name="dtype"/>
    /// or the tensor's dtype. <paramref name="dtype"/> is a <see cref="DType"/> or, as FastEstimator's
    /// <c>dtype: Union[None, str]</c>, a NumPy name ("float32"); null (a bare <c>null</c> too) keeps the tensor's dtype.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1], [2, 3]] → <b>[[1, 1], [1, 1]]</b> (int); with "float32" (or
    /// <see cref="DType.Float32"/>) → <b>[[1.0, 1.0], [1.0, 1.0]]</b>.</remarks>
    public static object OnesLike(object tensor, DTypeOrName? dtype = null) =>
        RunUntyped(new LikeFunction(dtype?.Resolve(), null, 1), [tensor], TensorName);

    /// <summary>Zeros shaped like <paramref name="tensor"/> (FastEstimator's <c>zeros_like</c>), in <paramref name="dtype"/>
    /// (a <see cref="DType"/> or a NumPy name, as <see cref="OnesLike"/>) or, when null, the tensor's dtype.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[0, 1], [2, 3]] → <b>[[0, 0], [0, 0]]</b>.</remarks>
    public static object ZerosLike(object tensor, DTypeOrName? dtype = null) =>
        RunUntyped(new LikeFunction(dtype?.Resolve(), null, 0), [tensor], TensorName);

    /// <summary>Uniform noise in [<paramref name="minval"/>, <paramref name="maxval"/>) shaped like <paramref name="tensor"/>
    /// (FastEstimator's <c>random_uniform_like</c>, default float32; equal bounds give that value everywhere, as there). The values come from <see cref="HostRandom"/>
    /// (xoshiro256**, documented there), drawn on the host: the same <paramref name="seed"/> gives the same numbers on
    /// every engine (FastEstimator uses each framework's own generator, so its numbers differ between NumPy and
    /// PyTorch). Without a seed, one is drawn from <see cref="Random.Shared"/>. <paramref name="dtype"/>: a floating
    /// <see cref="DType"/> or NumPy name (FastEstimator's <c>dtype="float32"</c>); null gives float32, FastEstimator's default.</summary>
    public static object RandomUniformLike(object tensor, double minval = 0.0, double maxval = 1.0, DTypeOrName? dtype = null, long? seed = null)
    {
        // minval == maxval is FastEstimator's constant (torch.rand_like(x) * 0 + minval; np.random.uniform(a, a) → a).
        if (!(minval <= maxval))
            throw new ArgumentException($"Argument `minval` must not exceed `maxval`. Received: minval={minval}, maxval={maxval}", nameof(minval));
        DType floatType = RequireFloat(dtype);
        long s = seed ?? Random.Shared.NextInt64();
        return RunUntyped(new LikeFunction(floatType, n => new HostRandom(s).Uniform(n, minval, maxval), 0), [tensor], TensorName);
    }

    /// <summary>Normal noise of <paramref name="mean"/> and <paramref name="std"/> shaped like <paramref name="tensor"/>
    /// (FastEstimator's <c>random_normal_like</c>, default float32), drawn on the host as
    /// <see cref="RandomUniformLike"/> (Box–Muller over xoshiro256**): same seed, same numbers on every engine.
    /// <paramref name="dtype"/> as <see cref="RandomUniformLike"/>'s (null: float32).</summary>
    public static object RandomNormalLike(object tensor, double mean = 0.0, double std = 1.0, DTypeOrName? dtype = null, long? seed = null)
    {
        if (!(std >= 0))
            throw new ArgumentException($"Argument `std` must be ≥ 0. Received: std={std}", nameof(std));
        DType floatType = RequireFloat(dtype);
        long s = seed ?? Random.Shared.NextInt64();
        return RunUntyped(new LikeFunction(floatType, n => new HostRandom(s).Normal(n, mean, std), 0), [tensor], TensorName);
    }

    /// <summary>The random functions' dtype: float32 when null (FastEstimator's default), else a floating-point one.</summary>
    private static DType RequireFloat(DTypeOrName? given)
    {
        DType dtype = given?.Resolve() ?? DType.Float32;
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"Argument `dtype` must be a floating-point dtype. Received: dtype={dtype.Name()}", "dtype");
        return dtype;
    }

    /// <summary><paramref name="data"/> converted to <paramref name="dtype"/> (FastEstimator's <c>cast(data, dtype)</c>;
    /// floats to integers truncate toward zero). A tensor: on torch one <c>to_type</c> call. A .NET array of numbers or a
    /// number (FastEstimator's NumPy leaf, <c>np.array(data, dtype=dtype)</c>): the same kind of array, in the .NET type
    /// of <paramref name="dtype"/> (<see cref="HostCast"/>). A collection (dictionary, list, tuple, set, nested) comes
    /// back with the same structure and each leaf cast, as <see cref="DataTree"/> describes; the dictionary overload
    /// <see cref="Cast{TValue}(IReadOnlyDictionary{string, TValue}, DType)"/> returns it typed.</summary>
    /// <remarks><b>Example</b> (FastEstimator): ones of float32 cast to "float64" report float64; to "uint8", uint8;
    /// <c>Cast(new double[2, 3], "float16")</c> is a <c>Half[2, 3]</c>. Null inside a collection stays null.</remarks>
    public static object Cast(object data, DType dtype) => Cast(data, dtype, nameof(data));

    /// <summary><see cref="Cast(object, DType)"/> with NumPy's dtype name ("uint8", "int8", "int16", "int32", "int64",
    /// "float16", "bfloat16", "float32", "float64", "bool").</summary>
    public static object Cast(object data, string dtype) => Cast(data, ParseDType(dtype));

    /// <summary><see cref="Cast(object, DType)"/> to the dtype of a reference (FastEstimator's <c>cast(data, dtype)</c>
    /// with a tensor or NumPy array as <c>dtype</c>, which casts to <c>dtype.dtype</c>): <paramref name="dtype"/> is a
    /// tensor of any engine or a .NET array of numbers (NumPy's array; <c>float[]</c> is float32); a <see cref="DType"/>
    /// or a dtype name given as <c>object</c> works as in the other overloads.</summary>
    /// <remarks><b>Example</b>: <c>Cast(new[] { 0.1, 0.3 }, reference)</c> with a float16 tensor as reference gives
    /// <c>Half[] { 0.09998, 0.2998 }</c>, as <c>Cast(data, "float16")</c>. FastEstimator's torch path makes a number
    /// a float32 tensor first (<c>torch.tensor(data)</c>: 0.1 to a float64 reference is 0.10000000149011612 there);
    /// here a number converts straight, as FastEstimator's NumPy path (<c>np.array(data, dtype=dtype.dtype)</c>) and
    /// <see cref="Cast(object, DType)"/> convert it: 0.1.</remarks>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is none of those (a number, a collection).</exception>
    public static object Cast(object data, object dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        if (dtype is DType named) return Cast(data, named);
        if (dtype is string name) return Cast(data, name);
        if (TensorEngines.OwnerOf(dtype.GetType()) is null && !DataTree.IsNumberArray(dtype))
            throw new ArgumentException(
                "Argument `dtype` must be a DType, a dtype name, or a reference whose dtype to cast to: a tensor of any engine or a .NET array of numbers " +
                $"(FastEstimator's cast takes a tensor or NumPy array there). Received: dtype of type {dtype.GetType().Name}", nameof(dtype));
        return Cast(data, TypeOfLeaf(dtype, nameof(dtype), nameof(dtype)));
    }

    /// <summary><see cref="Cast(object, DType)"/> with the public argument named <paramref name="name"/> in errors
    /// (<see cref="ConvertTensorPrecision"/>'s is <c>tensor</c>).</summary>
    private static object Cast(object data, DType dtype, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        return DataTree.IsCollection(data) ? CastTree(data, dtype, name)! : CastLeaf(data, dtype, name, name);
    }

    /// <summary>One tensor cast: the engine's own cast for integer and bool sources, else the programs' declared result dtype.</summary>
    private static object CastTensor(object tensor, DType dtype, string name)
    {
        // An integer or bool source is the engine's own cast, not the programs' float64 detour: integer to integer keeps
        // the low bits (int64 5000000001 → int32 705032705), as C, NumPy and libtorch narrow (the detour gave int32's
        // minimum); int64 to a float rounds once, as NumPy does (the detour refuses int64 beyond 2⁵³, and would round
        // twice to float32). Nothing is lost for gradients: integer tensors cannot be watched.
        if (Inspect(tensor, name) is var (engine, info) && (IsInteger(info.DType) || info.DType == DType.Bool))
            return engine.Cast(tensor, dtype);
        return RunUntyped(new CastFunction(dtype), [tensor], [name]);

        static bool IsInteger(DType d) => d is DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8;
    }

    /// <summary>The dtype of <paramref name="data"/> (FastEstimator's <c>to_type(data)</c>): for one tensor its
    /// <see cref="DType"/>, boxed; for a .NET array of numbers or a number the dtype it has as a tensor (<c>float[,]</c> →
    /// float32, <c>5</c> → int32, <c>ushort[]</c> → int32, as <see cref="ToTensor(object?, string)"/> makes them); for a
    /// collection (dictionary, list, tuple, set, nested) the same structure with each leaf's dtype, null kept, as
    /// FastEstimator recurses through dict, list, tuple and set (<see cref="DataTree"/>: a list comes back as
    /// <c>List&lt;object?&gt;</c>, a tuple as a tuple, a set as <c>HashSet&lt;object?&gt;</c>). One value's dtype is
    /// <c>(DType)Backend.ToType(x)</c>; a dictionary's, typed: <see cref="ToType{TValue}(IReadOnlyDictionary{string, TValue})"/>.</summary>
    /// <remarks><b>Example</b> (FastEstimator's test): <c>ToType(new List&lt;object?&gt; { x, (y, z) })</c> with x
    /// float32, y int8, z float64 → <b>[float32, (int8, float64)]</b>.</remarks>
    /// <exception cref="ArgumentException">A leaf that is none of those (a string, a <c>DateTime</c>), or a structure that
    /// contains itself; the message names <c>data</c> and the path, e.g. <c>data[1].Item2</c>.</exception>
    public static object ToType(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return DataTree.Map(data, nameof(data), (leaf, path) => TypeOfLeaf(leaf, nameof(data), path))!;
    }

    /// <summary>The tensor in float32 (FastEstimator's <c>convert_tensor_precision</c>: its current version always
    /// casts to float32; earlier versions gave float16 under mixed precision).</summary>
    public static object ConvertTensorPrecision(object tensor) => Cast(tensor, DType.Float32, nameof(tensor));

    /// <summary>Whether any value is NaN or ±∞ (FastEstimator's <c>check_nan</c>, which tests both despite its name).
    /// <paramref name="val"/> (FastEstimator's argument name) is a tensor of any engine or, as FastEstimator also takes numbers and NumPy arrays, a
    /// .NET number, an array of numbers (any rank, jagged too) or a collection of numbers, arrays and tensors, read on
    /// the host.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [[[1.0, 2.0], [3.0, NaN]], [[5.0, 6.0], [7.0, 8.0]]] → <b>true</b>;
    /// <c>CheckNan(double.NaN)</c> → <b>true</b>, <c>CheckNan(5)</c> → <b>false</b> (<c>np.isnan(5)</c>).
    /// Integer tensors are always finite. Reads one number back to the host per tensor.</remarks>
    public static bool CheckNan(object val)
    {
        ArgumentNullException.ThrowIfNull(val);
        if (HostNonFinite.Any(val, nameof(val)) is bool host) return host;
        (ITensorEngine engine, TensorInfo info) = Inspect(val, nameof(val));
        if (!info.DType.IsFloatingPoint() || Shapes.Count(info.Shape) == 0) return false;
        object flag = RunUntyped(new NonFiniteFunction(), [val], [nameof(val)]);
        return engine.ToDoubleArray(flag, out _)[0] != 0;
    }

    internal static DType ParseDType(string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        string name = dtype.Trim().ToLowerInvariant() switch { "double" => "float64", "float" => "float32", "half" => "float16", "long" => "int64", "int" => "int32", var n => n };
        return Enum.TryParse(name, ignoreCase: true, out DType parsed) && parsed != DType.Other
            ? parsed
            : throw new ArgumentException($"Argument `dtype` must be a NumPy dtype name (uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, bool). Received: dtype=\"{dtype}\"", nameof(dtype));
    }

    /// <summary>A tensor of <paramref name="engine"/> from a .NET array (FastEstimator's <c>to_tensor</c>): a flat
    /// array with <paramref name="shape"/>, or a multi-dimensional array (<c>float[,]</c>) or a jagged one whose rows
    /// have one shape (<c>float[][]</c>, as <c>np.array</c> reads a nested list) with its own shape; in
    /// <paramref name="dtype"/> or the array's element type. An array of anything else (<c>object[]</c>,
    /// <c>torch.Tensor[]</c>) is a list: <see cref="ToTensor(object?, ITensorEngine, DType?)"/>.</summary>
    public static object ToTensor(Array data, ITensorEngine engine, DType? dtype = null, long[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(engine);
        // An array of tensors or of collections (object[]) is FastEstimator's list, not one tensor's values.
        if (!DataTree.IsNumberArray(data))
            return shape is null ? ToTensor((object)data, engine, dtype)!
                : throw new ArgumentException(
                    $"Argument `shape` applies to an array of numbers only: `data` is a {TensorFormat.TypeName(data.GetType())}, a list whose items are converted one by one. " +
                    $"Received: shape={TensorInfo.FormatShape(shape)}; leave shape out, or pass an array of numbers (float[], double[], ...)", nameof(shape));
        (Array flat, long[] own) = HostLeaf.Read(data, nameof(data), nameof(data));
        long[] target = shape ?? own;
        if (Shapes.Count(target) != flat.Length)
            throw new ArgumentException($"Argument `shape` must describe {flat.Length} elements, as `data` holds. Received: shape={TensorInfo.FormatShape(target)}", nameof(shape));
        object tensor = engine.FromArray(flat, target);
        return InDType(engine, tensor, dtype);
    }

    /// <summary><see cref="ToTensor(Array, ITensorEngine, DType?, long[])"/> with the engine named ("torch", "numerics").</summary>
    public static object ToTensor(Array data, string targetType, DType? dtype = null, long[]? shape = null) =>
        ToTensor(data, TensorEngines.NamedFor(targetType, nameof(targetType)), dtype, shape);

    /// <summary>Data copied to <paramref name="engine"/> (FastEstimator's <c>to_tensor</c>): a tensor of any engine
    /// with its shape (in the same element order — no layout change) and dtype, or <paramref name="dtype"/>; a .NET
    /// array of numbers or a number as a tensor; a collection with the same structure and each of those converted
    /// (<see cref="ToTensor(object?, string)"/>). A tensor already on <paramref name="engine"/> is returned as it is.</summary>
    [return: NotNullIfNotNull(nameof(data))]
    public static object? ToTensor(object? data, ITensorEngine engine, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return DataTree.Map(data, nameof(data), (leaf, path) => ToTensorLeaf(leaf, engine, dtype, nameof(data), path));
    }

    /// <summary>The values on the host, row-major, in the .NET type of the tensor's dtype (FastEstimator's
    /// <c>to_number</c>): <c>float[]</c>, <c>double[]</c>, <c>int[]</c>, <c>long[]</c>, <c>Half[]</c>, <c>bool[]</c>, ...
    /// (bfloat16 as <c>float[]</c>). The shape is <see cref="GetShape"/>'s. Exact: int64 values beyond 2⁵³ are kept.
    /// As FastEstimator's also takes Python numbers and NumPy arrays, a .NET number or array of numbers (rectangular
    /// or jagged) gives a row-major copy of its values, unsigned types widened as <see cref="ToType(object)"/> says.</summary>
    /// <remarks><b>Examples</b> (FastEstimator): <c>ToNumber(5)</c> → <b>[5]</b> (<c>int[]</c>); <c>ToNumber(4.0)</c> →
    /// <b>[4.0]</b>; an array or a tensor of either engine holding [1, 2, 3] → <b>[1, 2, 3]</b>. One value, not a batch:
    /// FastEstimator's <c>to_number</c> does not walk collections.</remarks>
    public static Array ToNumber(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (DataTree.IsHostNumbers(data))
        {
            Array flat = HostLeaf.Read(data, nameof(data), nameof(data)).Flat;
            // np.array(n) copies: a one-dimensional array comes back from Read as itself.
            return HostArrays.WidenUnsigned(ReferenceEquals(flat, data) ? (Array)flat.Clone() : flat, nameof(data));
        }
        if (DataTree.IsCollection(data))
            throw new ArgumentException(
                $"Argument `data` must be one tensor, array or number (FastEstimator's to_number takes one value, not a collection). " +
                $"Received: a {TensorFormat.TypeName(data.GetType())}; convert each value, or make tensors of a batch with Backend.ToTensor", nameof(data));
        (ITensorEngine engine, _) = Inspect(data, nameof(data));
        return engine.ToArray(data, out _);
    }

    /// <summary>An argument FastEstimator takes as a number or a tensor (Iwd's <c>eps</c>, ClipByValue's bounds), read on
    /// the host once: a .NET number, a tensor of any engine or a .NET array of numbers, as float64 values (row-major)
    /// and their shape.</summary>
    /// <param name="value">The argument.</param>
    /// <param name="name">Its name, for the message.</param>
    /// <param name="expected">What it must be, for the message ("a number, a tensor or …").</param>
    /// <exception cref="ArgumentException">It is none of those.</exception>
    private static (double[] Values, long[] Shape) HostValues(object value, string name, string expected)
    {
        if (value is double d) return ([d], []);
        if (TensorEngines.OwnerOf(value.GetType()) is not null) return (ToNumber<double>(value), GetShape(value));
        if (DataTree.IsHostNumbers(value)) return (ToNumber<double>(value), HostLeaf.ShapeOf(value, name, name));
        throw new ArgumentException($"Argument `{name}` must be {expected}. Received: {name} of type {value.GetType().Name}", name);
    }

    /// <summary>The values on the host, row-major, converted to <typeparamref name="TNumber"/> (saturating, from each
    /// value's own type: an int64 beyond 2⁵³ read as <c>long</c> is exact).</summary>
    public static TNumber[] ToNumber<TNumber>(object data) where TNumber : struct, INumberBase<TNumber> => ToNumber(data) switch
    {
        TNumber[] same => same,
        long[] l => Array.ConvertAll(l, TNumber.CreateSaturating),
        int[] i => Array.ConvertAll(i, TNumber.CreateSaturating),
        short[] s => Array.ConvertAll(s, TNumber.CreateSaturating),
        byte[] b when b.GetType() == typeof(byte[]) => Array.ConvertAll(b, TNumber.CreateSaturating),
        sbyte[] sb => Array.ConvertAll(sb, TNumber.CreateSaturating),
        float[] f => Array.ConvertAll(f, TNumber.CreateSaturating),
        Half[] h => Array.ConvertAll(h, TNumber.CreateSaturating),
        bool[] b => Array.ConvertAll(b, v => v ? TNumber.One : TNumber.Zero),
        Array other => Array.ConvertAll((double[])other, TNumber.CreateSaturating),
    };
}
