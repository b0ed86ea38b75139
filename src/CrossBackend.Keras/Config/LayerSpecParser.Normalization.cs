using System.Text.Json;

namespace CrossBackend.Keras;

/// <summary>GroupNormalization, UnitNormalization and Dot configs.</summary>
internal static partial class LayerSpecParser
{
    /// <summary><c>GroupNormalization(groups, axis, epsilon, center, scale)</c>: both Kerases save <c>axis</c> as the
    /// one int given and <c>groups</c> after build (−1 is then already the channel count; read as such otherwise). A
    /// list axis is refused: Keras indexes the input shape with it (<c>input_shape[self.axis]</c>) and cannot build it.</summary>
    private static GroupNormSpec GroupNorm(ConfigValues c)
    {
        if (c.Has("axis") && c.Raw("axis").ValueKind == JsonValueKind.Array)
            throw new NotSupportedException(
                $"layer `{c.Layer}` (GroupNormalization): axis {c.Raw("axis").GetRawText()} is a list; Keras builds the layer from one axis " +
                "(input_shape[axis]) and raises for a list, so only one int is supported: save the layer with axis=<int>");
        int groups = c.Int("groups", 32);
        if (groups == 0 || groups < -1)
            throw new InvalidDataException($"layer `{c.Layer}` (GroupNormalization): groups must be positive (or -1, one per channel), the config has {groups}");
        return new GroupNormSpec(groups, c.Int("axis", -1), c.Double("epsilon", 1e-3), c.Bool("center", true), c.Bool("scale", true));
    }

    /// <summary><c>UnitNormalization(axis)</c>: an int or a list (tf.keras 2 saves the positive list its build writes back).</summary>
    private static UnitNormSpec UnitNorm(ConfigValues c)
    {
        int[] axes = Axes(c, "axis", -1);
        if (axes.Length == 0) throw new InvalidDataException($"layer `{c.Layer}` (UnitNormalization): axis is an empty list; give at least one axis");
        return new UnitNormSpec(axes);
    }

    /// <summary><c>Dot(axes, normalize)</c>: <c>axes</c> one int (for both inputs) or a pair, as Keras's constructor
    /// requires (it raises for anything else); the normalisation's form is the writer's (<see cref="KerasDotRules"/>).</summary>
    private static DotSpec Dot(ConfigValues c)
    {
        JsonElement v = c.Raw("axes");
        int[] axes = v.ValueKind == JsonValueKind.Array ? Axes(c, "axes", -1) : [c.Int("axes"), c.Int("axes")];
        if (axes.Length != 2)
            throw new InvalidDataException($"layer `{c.Layer}` (Dot): axes {v.GetRawText()} must be one int or a pair of ints (one axis per input)");
        return new DotSpec(axes, c.Bool("normalize", false));
    }
}
