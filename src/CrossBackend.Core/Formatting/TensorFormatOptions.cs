namespace CrossBackend;

/// <summary>How <see cref="TensorFormat"/> prints, with NumPy's <c>set_printoptions</c> names and defaults.</summary>
public sealed record TensorFormatOptions
{
    /// <summary>NumPy's defaults: precision 8, threshold 1000, edge items 3, line width 75, no suppress, floatmode
    /// 'maxprec', sign '-'; shape and dtype where NumPy shows them.</summary>
    public static TensorFormatOptions Default { get; } = new();

    /// <summary>For error reports: NumPy's layout, always with the shape and the dtype.</summary>
    public static TensorFormatOptions Verbose { get; } = new() { ShowShape = true, ShowDType = true };

    /// <summary>At most this many digits after the decimal point (NumPy's <c>precision</c>); each value prints with the
    /// fewest digits that identify it in its dtype, if fewer. Must be >= 0; 0 rounds to whole numbers, ties to even
    /// (<c>array([0., 2., 2.])</c> for 0.5, 1.5, 2.5, as NumPy).</summary>
    public int Precision { get; init; } = 8;

    /// <summary>More elements than this are summarised with <c>...</c> (NumPy's <c>threshold</c>).</summary>
    public int Threshold { get; init; } = 1000;

    /// <summary>Items shown at each end of a summarised axis (NumPy's <c>edgeitems</c>).</summary>
    public int EdgeItems { get; init; } = 3;

    /// <summary>Characters per line before wrapping (NumPy's <c>linewidth</c>).</summary>
    public int LineWidth { get; init; } = 75;

    /// <summary>Never print floats in scientific notation for small magnitudes or a wide range (NumPy's
    /// <c>suppress</c>): values below the precision print as <c>0.</c>; a magnitude ≥ 1e8 still switches to scientific,
    /// as in NumPy.</summary>
    public bool Suppress { get; init; }

    /// <summary>How many fraction digits floats print with (NumPy's <c>floatmode</c>); <see cref="TensorFloatMode.MaxPrec"/>
    /// by default.</summary>
    public TensorFloatMode FloatMode { get; init; } = TensorFloatMode.MaxPrec;

    /// <summary>The sign of non-negative floats (NumPy's <c>sign</c>: <c>'-'</c>, <c>'+'</c> or <c>' '</c>); integers and
    /// bools print unsigned, as in NumPy 1.x.</summary>
    public TensorSign Sign { get; init; } = TensorSign.Minus;

    /// <summary>Print <c>shape=(…)</c>: null follows NumPy 2.2+ (only for summarised or empty arrays), true always,
    /// false never (except for empty arrays).</summary>
    public bool? ShowShape { get; init; }

    /// <summary>Print <c>dtype=…</c>: null follows NumPy (not for float64, int64 and bool, its defaults), true always.</summary>
    public bool? ShowDType { get; init; }

    /// <summary>These options, or an exception naming the option out of range (as NumPy's <c>set_printoptions</c>
    /// refuses them).</summary>
    internal TensorFormatOptions Validated(string name)
    {
        if (Precision < 0)
            throw new ArgumentOutOfRangeException(name, Precision,
                $"Argument `{name}.Precision` must be >= 0 (the most digits printed after the point; 0 prints 2.5 as 2.). Received: Precision={Precision}");
        if (EdgeItems < 0)
            throw new ArgumentOutOfRangeException(name, EdgeItems, $"Argument `{name}.EdgeItems` must be >= 0. Received: EdgeItems={EdgeItems}");
        if (!Enum.IsDefined(FloatMode))
            throw new ArgumentOutOfRangeException(name, FloatMode,
                $"Argument `{name}.FloatMode` must be one of {string.Join(", ", Enum.GetNames<TensorFloatMode>())}. Received: FloatMode={(int)FloatMode}");
        if (!Enum.IsDefined(Sign))
            throw new ArgumentOutOfRangeException(name, Sign,
                $"Argument `{name}.Sign` must be one of {string.Join(", ", Enum.GetNames<TensorSign>())}. Received: Sign={(int)Sign}");
        return this;
    }
}
