namespace CrossBackend.Testing;

/// <summary>
/// Default tolerances per dtype. Comparing two tensors uses the looser bound of their two dtypes (so float32
/// against a float64 reference is judged as float32). Integer and bool dtypes compare exactly.
/// </summary>
/// <remarks>
/// <para><see cref="Default"/>, CrossBackend's own table (what our parity suite uses):</para>
/// <list type="table">
/// <listheader><term>dtype</term><description>rtol, atol — why</description></listheader>
/// <item><term>float64</term><description>1e-12, 1e-14 — double rounding</description></item>
/// <item><term>float32</term><description>1e-5, 1e-6 — float32 arithmetic; the floor covers values near 0</description></item>
/// <item><term>float16</term><description>1e-3, 1e-5 — computed in float32, rounded once to float16 (half an ulp = 2⁻¹¹)</description></item>
/// <item><term>bfloat16</term><description>8e-3, 1e-5 — computed in float32, rounded once to bfloat16 (half an ulp = 2⁻⁸)</description></item>
/// </list>
/// <para><see cref="TorchTesting"/>, the defaults of <c>torch.testing.assert_close</c> (its <c>_DTYPE_PRECISIONS</c>):
/// float16 (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7). Its float32 bound
/// is tighter relatively and looser absolutely than ours; its float64 bound is far looser.</para>
/// </remarks>
public sealed class ToleranceTable
{
    private readonly IReadOnlyDictionary<DType, Tolerance> _byDType;

    /// <summary>A table from explicit bounds; dtypes not listed (integers, bool) compare exactly.</summary>
    /// <param name="name">A name for reports, e.g. "torch.testing".</param>
    /// <param name="byDType">The bound per floating-point dtype.</param>
    public ToleranceTable(string name, IReadOnlyDictionary<DType, Tolerance> byDType)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(byDType);
        Name = name;
        _byDType = byDType.ToDictionary(p => p.Key, p => p.Value.Validated());
    }

    /// <summary>The table's name.</summary>
    public string Name { get; }

    /// <summary>CrossBackend's own tolerances, the default everywhere in this kit (see the remarks).</summary>
    public static ToleranceTable Default { get; } = new("CrossBackend", new Dictionary<DType, Tolerance>
    {
        [DType.Float64] = new(1e-12, 1e-14),
        [DType.Float32] = new(1e-5, 1e-6),
        [DType.Float16] = new(1e-3, 1e-5),
        [DType.BFloat16] = new(8e-3, 1e-5),
    });

    /// <summary>The defaults of <c>torch.testing.assert_close</c> (see the remarks).</summary>
    public static ToleranceTable TorchTesting { get; } = new("torch.testing", new Dictionary<DType, Tolerance>
    {
        [DType.Float64] = new(1e-7, 1e-7),
        [DType.Float32] = new(1.3e-6, 1e-5),
        [DType.Float16] = new(1e-3, 1e-5),
        [DType.BFloat16] = new(1.6e-2, 1e-5),
    });

    /// <summary>The bound for one dtype; <see cref="Tolerance.Exact"/> for dtypes the table does not list.</summary>
    public Tolerance For(DType dtype) => _byDType.TryGetValue(dtype, out Tolerance t) ? t : Tolerance.Exact;

    /// <summary>The bound for comparing a value of dtype <paramref name="a"/> with one of <paramref name="b"/>: the
    /// looser of the two.</summary>
    public Tolerance For(DType a, DType b) => Tolerance.Loosest(For(a), For(b));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
