using System.Globalization;
using System.Text;

namespace CrossBackend.Cli;

/// <summary>Numbers and nested lists as NumPy/JSON print them.</summary>
public static class Formatting
{
    /// <summary>The shortest text that round-trips the value in its dtype (float32 values print as float32, float16
    /// as float16).</summary>
    public static string Number(double value, DType dtype) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "Infinity" : "-Infinity")
        : dtype == DType.Float64 ? value.ToString("R", CultureInfo.InvariantCulture)
        : dtype == DType.Float16 ? ((Half)value).ToString(CultureInfo.InvariantCulture)
        : ((float)value).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A scalar for shape () or (1,) from a mean; otherwise a nested list following the shape.</summary>
    public static string Values(double[] values, long[] shape, DType dtype)
    {
        if (shape.Length == 0) return Number(values[0], dtype);
        var sb = new StringBuilder();
        int index = 0;
        Nested(sb, values, shape, 0, ref index, dtype);
        return sb.ToString();
    }

    private static void Nested(StringBuilder sb, double[] values, long[] shape, int dim, ref int index, DType dtype)
    {
        sb.Append('[');
        for (long i = 0; i < shape[dim]; i++)
        {
            if (i > 0) sb.Append(", ");
            if (dim == shape.Length - 1) sb.Append(Number(values[index++], dtype));
            else Nested(sb, values, shape, dim + 1, ref index, dtype);
        }
        sb.Append(']');
    }

    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
