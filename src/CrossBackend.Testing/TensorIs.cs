using NUnit.Framework.Constraints;

namespace CrossBackend.Testing;

/// <summary>
/// NUnit constraints on tensors: <c>Assert.That(actual, TensorIs.CloseTo(expected))</c>, with
/// <c>.Within(rtol, atol)</c>, <c>.EqualNan()</c>, <c>.WithSameDType()</c> and <c>.Using(table)</c>. Failures carry
/// the same report as <see cref="TensorAssert.AreClose"/>.
/// </summary>
public static class TensorIs
{
    /// <summary>A constraint satisfied by values close to <paramref name="expected"/> (a tensor of any engine, a
    /// .NET array, an <see cref="IO.NpyArray"/> or a number), with the default tolerances for the dtypes.</summary>
    public static TensorCloseConstraint CloseTo(object expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return new TensorCloseConstraint(expected);
    }
}

/// <summary>The constraint made by <see cref="TensorIs.CloseTo"/>; see <see cref="TensorComparison.Compare"/> for the rule.</summary>
public sealed class TensorCloseConstraint : Constraint
{
    private readonly object _expected;
    private double? _rtol, _atol;
    private bool _equalNan, _checkDType;
    private ToleranceTable? _table;

    internal TensorCloseConstraint(object expected) : base(expected) => _expected = expected;

    /// <summary>Uses these tolerances instead of the dtype defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A tolerance is negative or not finite.</exception>
    public TensorCloseConstraint Within(double rtol, double atol)
    {
        new Tolerance(rtol, atol).Validated();
        (_rtol, _atol) = (rtol, atol);
        return this;
    }

    /// <summary>Counts NaN in both values at the same place as close.</summary>
    public TensorCloseConstraint EqualNan()
    {
        _equalNan = true;
        return this;
    }

    /// <summary>Also requires the same dtype.</summary>
    public TensorCloseConstraint WithSameDType()
    {
        _checkDType = true;
        return this;
    }

    /// <summary>Takes the dtype defaults from <paramref name="table"/> (e.g. <see cref="ToleranceTable.TorchTesting"/>).</summary>
    public TensorCloseConstraint Using(ToleranceTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        return this;
    }

    /// <inheritdoc/>
    public override string Description =>
        "tensor close to the expected values" + (_rtol is { } r ? $" within rtol={r}, atol={_atol}" : "") + (_equalNan ? ", NaN equal to NaN" : "");

    /// <inheritdoc/>
    public override ConstraintResult ApplyTo<TActual>(TActual actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        TensorComparison comparison = TensorComparison.Compare(actual, _expected, _rtol, _atol, _equalNan, _checkDType, _table);
        return new Result(this, actual, comparison);
    }

    private sealed class Result(IConstraint constraint, object? actual, TensorComparison comparison)
        : ConstraintResult(constraint, actual, comparison.IsClose)
    {
        public override void WriteMessageTo(MessageWriter writer) => writer.Write(comparison.Message);
    }
}
