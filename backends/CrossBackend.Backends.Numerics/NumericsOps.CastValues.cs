using System.Runtime.CompilerServices;
using CrossBackend;

namespace CrossBackend.Backends.Numerics;

/// <summary>
/// The element loop of <see cref="Cast"/>, compiled optimised at once, with the dtype chosen once per call for the
/// integer dtypes an arg-max returns. It was a call per element into <see cref="RoundTo"/> (a switch on the dtype),
/// left to tiered compilation: in the function catalogue's few calls the arg-max's int64 result (65536 values) was
/// rounded by tier-0 code, most of the 7.3 ms of <c>Backend.ArgMax</c> on (65536, 100) (measured: 0.15 ms once tiered).
/// </summary>
/// <remarks>The integer cases are <see cref="RoundTo"/>'s expressions written out, so the values are bit for bit
/// the same (<see cref="DTypes.CastToInteger"/>: truncation toward zero, NaN and out-of-range values to the type's
/// minimum, and −0 → +0 through the integer; RoundTo's switch yields a double, hence the cast to double before T).</remarks>
public sealed partial class NumericsOps<T>
{
    [MethodImpl(Hot)]
    private static void CastValues(ReadOnlySpan<T> values, T[] data, DType dtype)
    {
        switch (dtype)
        {
            case DType.Int64:
                for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating((double)DTypes.Int64Of(double.CreateTruncating(values[i])));
                break;
            case DType.Int32:
                for (int i = 0; i < data.Length; i++) data[i] = T.CreateTruncating((double)DTypes.Int32Of(double.CreateTruncating(values[i])));
                break;
            default:
                for (int i = 0; i < data.Length; i++) data[i] = RoundTo(double.CreateTruncating(values[i]), dtype, nameof(dtype));
                break;
        }
    }
}
