namespace CrossBackend;

/// <summary>
/// A dtype argument of the backend functions, given as a <see cref="DType"/> or, as FastEstimator's
/// <c>dtype: Union[None, str]</c> takes it, as a NumPy name ("float32", "uint8"); both convert implicitly, so
/// <c>Backend.OnesLike(x, DType.Float32)</c>, <c>Backend.OnesLike(x, "float32")</c> and <c>Backend.OnesLike(x, null)</c>
/// all compile against one parameter of type <c>DTypeOrName?</c>. One parameter rather than a <c>DType?</c> and a
/// <c>string?</c> overload: with two, C# finds neither better for a bare <c>null</c> (no conversion between
/// <c>DType?</c> and <c>string</c>), and the call does not compile. A null name, like a null argument, means the
/// function's default (the tensor's dtype for <c>OnesLike</c>, float32 for the random ones). An unknown name is refused
/// when the function reads it, naming <c>dtype</c>.
/// </summary>
public readonly struct DTypeOrName : IEquatable<DTypeOrName>
{
    private readonly DType? _dtype;
    private readonly string? _name;

    private DTypeOrName(DType? dtype, string? name)
    {
        _dtype = dtype;
        _name = name;
    }

    /// <summary>The dtype itself.</summary>
    public static implicit operator DTypeOrName(DType dtype) => new(dtype, null);

    /// <summary>A NumPy dtype name ("float32"), read when the function runs; null means the function's default.</summary>
    public static implicit operator DTypeOrName(string? name) => new(null, name);

    /// <summary>The dtype, or null for a null name; an unknown name throws an <see cref="ArgumentException"/> naming
    /// <c>dtype</c>.</summary>
    public DType? Resolve() => _dtype ?? (_name is null ? null : Backend.ParseDType(_name));

    /// <inheritdoc/>
    public bool Equals(DTypeOrName other) => _dtype == other._dtype && _name == other._name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DTypeOrName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_dtype, _name);

    /// <summary>The dtype's name, or the name as given.</summary>
    public override string ToString() => _dtype?.Name() ?? _name ?? "null";

    /// <summary>Equality of the dtype or name as given.</summary>
    public static bool operator ==(DTypeOrName left, DTypeOrName right) => left.Equals(right);

    /// <summary>Inequality of the dtype or name as given.</summary>
    public static bool operator !=(DTypeOrName left, DTypeOrName right) => !left.Equals(right);
}
