namespace CrossBackend.Keras;

/// <summary>How messages name the spatial axes of a layer over 1, 2 or 3 of them (Keras's channels-last order).</summary>
internal static class KerasSpatial
{
    /// <summary>The spatial axes joined as a size is written: "steps", "height x width", "depth x height x width".</summary>
    public static string Axes(int rank) => rank switch
    {
        1 => "steps",
        2 => "height x width",
        _ => "depth x height x width",
    };

    /// <summary>The input a layer over <paramref name="rank"/> spatial axes needs, batch excluded:
    /// "(steps, channels)", "(height, width, channels)", "(depth, height, width, channels)".</summary>
    public static string Layout(int rank) => rank switch
    {
        1 => "(steps, channels)",
        2 => "(height, width, channels)",
        _ => "(depth, height, width, channels)",
    };

    /// <summary>The forms a padding or cropping config may take over <paramref name="rank"/> axes (Keras 2 and 3 accept
    /// an int, one int per axis, or one (before, after) pair per axis).</summary>
    public static string PairForms(int rank) => rank switch
    {
        1 => "an int or (before, after)",
        2 => "an int, (rows, columns) or ((top, bottom), (left, right))",
        _ => "an int, (depth, rows, columns) or ((front, back), (top, bottom), (left, right))",
    };
}
