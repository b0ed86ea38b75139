namespace CrossBackend.Testing;

/// <summary>
/// A closeness bound: <c>actual</c> is close to <c>expected</c> when |actual − expected| ≤ <see cref="Atol"/> +
/// <see cref="Rtol"/>·|expected| (the rule of <c>torch.testing.assert_close</c> and <c>numpy.isclose</c>).
/// </summary>
/// <param name="Rtol">The relative tolerance (≥ 0).</param>
/// <param name="Atol">The absolute tolerance (≥ 0).</param>
public readonly record struct Tolerance(double Rtol, double Atol)
{
    /// <summary>Exact equality (both tolerances 0): the default for integer and bool dtypes.</summary>
    public static Tolerance Exact => new(0, 0);

    /// <summary>Whether both tolerances are 0 (the report then says "not equal" rather than "not close").</summary>
    public bool IsExact => Rtol == 0 && Atol == 0;

    /// <summary>The looser of two bounds, tolerance by tolerance (the bound for comparing two dtypes).</summary>
    public static Tolerance Loosest(Tolerance a, Tolerance b) => new(Math.Max(a.Rtol, b.Rtol), Math.Max(a.Atol, b.Atol));

    /// <summary>Checks that both tolerances are finite and non-negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative, NaN or infinite.</exception>
    public Tolerance Validated()
    {
        if (!(Rtol >= 0) || double.IsInfinity(Rtol))
            throw new ArgumentOutOfRangeException("rtol", Rtol, $"Argument `rtol` must be a finite number >= 0. Received: rtol={Rtol}");
        if (!(Atol >= 0) || double.IsInfinity(Atol))
            throw new ArgumentOutOfRangeException("atol", Atol, $"Argument `atol` must be a finite number >= 0. Received: atol={Atol}");
        return this;
    }
}
