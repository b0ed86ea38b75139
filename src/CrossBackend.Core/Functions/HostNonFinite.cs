using System.Collections;

namespace CrossBackend;

/// <summary>
/// <see cref="Backend.CheckNan"/> for values that are not engine tensors. FastEstimator's <c>check_nan</c> takes Python
/// numbers and NumPy arrays as well as tensors (<c>np.isnan(val).any() or np.isinf(val).any()</c>, so a nested list of
/// numbers too); here the .NET counterparts: a number, an array of numbers of any rank (jagged too), or any other
/// collection (<c>List&lt;double&gt;</c>, <c>object[]</c>) whose elements are numbers, collections or engine tensors.
/// Read on the host; integers and bools are always finite.
/// </summary>
internal static class HostNonFinite
{
    /// <summary>Whether <paramref name="value"/> holds NaN or ±∞; null when it is an engine tensor (the caller's case).</summary>
    /// <exception cref="ArgumentException">An element is neither a number, a collection nor an engine tensor (or is
    /// null); the message names <paramref name="name"/> and the element's type.</exception>
    public static bool? Any(object value, string name) => value switch
    {
        _ when TensorEngines.OwnerOf(value.GetType()) is not null => null,
        double d => !double.IsFinite(d),
        float f => !float.IsFinite(f),
        Half h => !Half.IsFinite(h),
        long or int or short or sbyte or byte or bool or ulong or uint or ushort => false,
        double[] doubles => doubles.Any(v => !double.IsFinite(v)),
        float[] floats => floats.Any(v => !float.IsFinite(v)),
        string => throw Refused(value, name),
        IEnumerable items => Elements(items, name),
        _ => throw Refused(value, name),
    };

    private static bool Elements(IEnumerable items, string name)
    {
        foreach (object? item in items)
        {
            if (item is null)
                throw new ArgumentException($"Argument `{name}` must hold numbers, collections of them or tensors. Received: a null element", name);
            if (Any(item, name) ?? Backend.CheckNan(item)) return true;
        }
        return false;
    }

    private static ArgumentException Refused(object value, string name) => new(
        $"Argument `{name}` must be a tensor of a CrossBackend engine, a number, or an array or collection of them " +
        $"(FastEstimator's check_nan takes tensors, numbers and NumPy arrays). Received: a {TensorFormat.TypeName(value.GetType())}",
        name);
}
