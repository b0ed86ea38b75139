namespace CrossBackend;

/// <summary>How many fraction digits floats print with (NumPy's <c>floatmode</c> print option).</summary>
public enum TensorFloatMode
{
    /// <summary>NumPy's default <c>'maxprec'</c>: each value with the fewest digits that identify it in its dtype, at
    /// most <see cref="TensorFormatOptions.Precision"/> after the point.</summary>
    MaxPrec,

    /// <summary><c>'fixed'</c>: every value with exactly <see cref="TensorFormatOptions.Precision"/> fraction digits,
    /// the exact value rounded (float32 0.1 prints <c>0.10000000</c>).</summary>
    Fixed,

    /// <summary><c>'unique'</c>: each value with the fewest digits that identify it, however many;
    /// <see cref="TensorFormatOptions.Precision"/> is ignored.</summary>
    Unique,

    /// <summary><c>'maxprec_equal'</c>: as <see cref="MaxPrec"/>, then every value with the digit count of the longest
    /// (zeros kept: <c>[1.5 , 0.25]</c> prints <c>[1.50, 0.25]</c>).</summary>
    MaxPrecEqual,
}

/// <summary>How the sign of non-negative floats prints (NumPy's <c>sign</c> print option; NumPy 1.x leaves integers
/// unsigned, NumPy 2.x applies it to them too).</summary>
public enum TensorSign
{
    /// <summary>NumPy's default <c>'-'</c>: only negative values carry a sign.</summary>
    Minus,

    /// <summary><c>'+'</c>: non-negative values (and nan, inf) print <c>+</c>.</summary>
    Plus,

    /// <summary><c>' '</c>: a space where the sign would go, when no printed value is negative.</summary>
    Space,
}
