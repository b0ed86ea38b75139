namespace CrossBackend;

/// <summary>How a function's result dtype follows from its inputs' dtypes (declared once per function).</summary>
internal static class ResultDTypes
{
    /// <summary>The first input's dtype (abs of int32 is int32).</summary>
    public static readonly Func<DType[], DType> SameAsInput = d => d[0];

    /// <summary>Floats keep their dtype; integers and bool give float32 (Keras: <c>sqrt</c>, <c>mean</c>, <c>exp</c>
    /// of an int tensor are float32).</summary>
    public static readonly Func<DType[], DType> FloatForIntegers = d => d[0].IsFloatingPoint() ? d[0] : DType.Float32;

    /// <summary>The promoted dtype of the first two inputs (see <see cref="Promote"/>).</summary>
    public static readonly Func<DType[], DType> PromoteFirstTwo = d => d.Length > 1 && d[1] != DType.Other ? Promote(d[0], d[1]) : d[0];

    /// <summary>A fixed dtype.</summary>
    public static Func<DType[], DType> Fixed(DType dtype) => _ => dtype;

    /// <summary>
    /// The dtype of a binary function of <paramref name="a"/> and <paramref name="b"/>, as NumPy/PyTorch promote
    /// tensors: the same dtype stays; a float beats an integer or bool; between floats or between integers the wider
    /// wins; float16 with bfloat16 gives float32; uint8 with a signed integer gives the next wider signed integer.
    /// </summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Bool) return b;
        if (b == DType.Bool) return a;
        bool fa = a.IsFloatingPoint(), fb = b.IsFloatingPoint();
        if (fa && !fb) return a;
        if (fb && !fa) return b;
        if (fa) return a.IsNarrowFloat() && b.IsNarrowFloat() ? DType.Float32 : (DType)Math.Max((int)a, (int)b);
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            DType signed = a == DType.UInt8 ? b : a;
            return signed == DType.Int8 ? DType.Int16 : signed;
        }
        return (DType)Math.Max((int)a, (int)b);
    }
}

/// <summary>
/// A public function written once over the general ops, with its result dtype declared
/// (<see cref="ITensorProgram.ResultDType"/>): integer and bool inputs are computed in float64 and cast back, except
/// where the function only moves or selects values (<paramref name="exact"/>), or is integer arithmetic that PyTorch and
/// NumPy compute exactly in the integer dtype (<paramref name="integers"/>: sum, +, −, ·, a whole power, matmul,
/// clamp), and the engine computes integers itself (libtorch; the channels-last engine has no integer ops and keeps the
/// float64 detour, exact below 2⁵³ and refusing int64 beyond it).
/// </summary>
internal abstract class FunctionProgram(Func<DType[], DType> result, bool exact = false, bool integers = false) : ITensorProgram
{
    public DType? ResultDType(int index, DType[] inputs) => index < ResultCount ? result(inputs) : null;

    /// <summary>Whether the function only moves, selects or compares values, so integers may be computed natively.</summary>
    protected bool Exact => exact;

    /// <summary>Whether <paramref name="dtype"/> is computed natively: any dtype for an exact function, the integer
    /// dtypes (not bool: libtorch refuses bool subtraction and matmul) for integer arithmetic.</summary>
    protected bool Native(DType dtype) => exact || integers && dtype is DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8;

    public virtual DType ComputeDType(DType[] inputs) => inputs[0].IsFloatingPoint() || Native(inputs[0]) ? inputs[0] : DType.Float64;

    /// <summary>How many results the program returns (one for every function).</summary>
    protected virtual int ResultCount => 1;

    public abstract TTensor[] Run<TTensor>(ITensorOps<TTensor> ops, TTensor?[] inputs) where TTensor : class;
}

/// <summary>A function of two tensors computed in their promoted dtype.</summary>
internal abstract class BinaryFunctionProgram(Func<DType[], DType> result, bool exact = false, bool integers = false) : FunctionProgram(result, exact, integers)
{
    public override DType ComputeDType(DType[] inputs)
    {
        DType promoted = inputs.Length < 2 || inputs[1] == DType.Other ? inputs[0] : ResultDTypes.Promote(inputs[0], inputs[1]);
        return promoted.IsFloatingPoint() || Native(promoted) ? promoted : DType.Float64;
    }

    /// <summary>The second operand in the first operand's compute dtype.</summary>
    protected static T Align<T>(ITensorOps<T> o, T first, T second) where T : class
    {
        DType want = o.DTypeOf(first);
        return o.DTypeOf(second) == want ? second : o.Cast(second, want);
    }
}
