using PureHDF;

namespace CrossBackend.Keras;

/// <summary>Reads the two HDF5 layouts Keras writes, with PureHDF (pure managed, no native library).</summary>
internal static class KerasHdf5
{
    /// <summary>Whether the group carries Keras 2's weight index (<c>layer_names</c>, possibly split in chunks).</summary>
    public static bool HasKeras2Index(IH5Object group) => group.AttributeExists("layer_names") || group.AttributeExists("layer_names0");

    /// <summary>Keras 2: one group per name in <c>layer_names</c>, its variables listed by <c>weight_names</c>.</summary>
    public static List<KerasWeightGroup> ReadKeras2(IH5Group group)
    {
        var result = new List<KerasWeightGroup>();
        foreach (string layer in ReadStrings(group, "layer_names"))
        {
            if (!group.LinkExists(layer))
                throw new InvalidDataException($"layer `{layer}` is listed in `layer_names` but has no group in the file");
            IH5Group layerGroup = group.Group(layer);
            var weights = new List<KerasWeight>();
            foreach (string name in ReadStrings(layerGroup, "weight_names"))
            {
                if (!layerGroup.LinkExists(name))
                    throw new InvalidDataException($"layer `{layer}` lists weight `{name}` but the file has no such dataset");
                weights.Add(ReadWeight(layerGroup.Dataset(name), name, layer));
            }
            result.Add(new KerasWeightGroup(layer, weights));
        }
        return result;
    }

    /// <summary>The root group of Keras 3's variables: <c>layers</c> (or <c>_layer_checkpoint_dependencies</c>, the
    /// name Keras 2.13's .keras files used).</summary>
    public static string? Keras3LayersGroup(IH5Group root) =>
        root.LinkExists("layers") ? "layers" : root.LinkExists("_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies" : null;

    /// <summary>Keras 3: every group under <c>layers/</c> that has a <c>vars</c> child, named by its path with the
    /// <c>layers/</c> prefix (nested models give <c>layers/functional/layers/dense</c>); variables in index order.</summary>
    public static List<KerasWeightGroup> ReadKeras3(IH5Group root)
    {
        string top = Keras3LayersGroup(root) ?? throw new InvalidDataException("the weights file has no `layers` group");
        var result = new List<KerasWeightGroup>();
        Collect(root.Group(top), "layers", result);
        return result;
    }

    private static void Collect(IH5Group group, string path, List<KerasWeightGroup> result)
    {
        foreach (IH5Object child in group.Children())
        {
            if (child is not IH5Group childGroup) continue;
            string childPath = $"{path}/{child.Name}";
            if (LayerVars(childGroup, childPath) is { } datasets) result.Add(new KerasWeightGroup(childPath, datasets));
            // Layers that hold sub-layers (nested models) keep theirs below their own group.
            foreach (string nested in new[] { "layers", "_layer_checkpoint_dependencies" })
                if (childGroup.LinkExists(nested)) Collect(childGroup.Group(nested), $"{childPath}/layers", result);
        }
    }

    /// <summary>MultiHeadAttention's four EinsumDense layers, the attributes Keras 3's saving_lib names their groups after
    /// (<c>layers/multi_head_attention/_query_dense/vars</c>, …), in the order the layer builds and tf.keras 2 lists them (declared before <see cref="WrappedLayers"/>, which
    /// reads it during static initialisation).</summary>
    private static readonly string[] AttentionDense = ["_query_dense", "_key_dense", "_value_dense", "_output_dense"];

    /// <summary>The attributes under which Keras 3 saves a wrapper's layers: Bidirectional's <c>forward_layer</c> and
    /// <c>backward_layer</c>, TimeDistributed's <c>layer</c> (saving_lib names a child group after the attribute that
    /// holds it); read in this order, the forward layer's variables before the backward layer's.</summary>
    private static readonly string[] WrappedLayers = ["forward_layer", "backward_layer", "layer", .. AttentionDense];

    /// <summary>One layer's variables in Keras's order, or null when the group holds none of a layer's groups: its own
    /// <c>vars</c>; then, for a recurrent layer (LSTM, GRU), its <c>cell</c> attribute's at <c>&lt;layer&gt;/cell/vars</c>
    /// (saving_lib walks a layer's attributes, and the variables belong to the cell); then a wrapper's layers, each read
    /// the same way.</summary>
    /// <param name="group">The layer's group.</param>
    /// <param name="path">The wrapper's path, for messages.</param>
    /// <param name="prefix">Put before a wrapped layer's variable names (<c>forward_layer/0</c>), which would otherwise
    /// repeat the forward layer's (<c>0</c>, <c>1</c>, …).</param>
    private static List<KerasWeight>? LayerVars(IH5Group group, string path, string prefix = "")
    {
        List<KerasWeight>? found = null;
        if (group.LinkExists("vars")) (found ??= []).AddRange(Vars(group.Group("vars"), path, prefix));
        if (group.LinkExists("cell") && group.Group("cell").LinkExists("vars")) (found ??= []).AddRange(Vars(group.Group("cell").Group("vars"), path, prefix));
        foreach (string wrapped in WrappedLayers)
            if (group.LinkExists(wrapped) && LayerVars(group.Group(wrapped), path, $"{prefix}{wrapped}/") is { } inner) (found ??= []).AddRange(inner);
        return found;
    }

    /// <summary>The datasets of a Keras 3 <c>vars</c> group in index order (<c>0</c>, <c>1</c>, …).</summary>
    private static List<KerasWeight> Vars(IH5Group vars, string layer, string prefix = "") => vars.Children().OfType<IH5Dataset>()
        .Select(d => (Index: int.TryParse(d.Name, out int i) ? i : int.MaxValue, Dataset: d))
        .OrderBy(p => p.Index).ThenBy(p => p.Dataset.Name, StringComparer.Ordinal)
        .Select(p => ReadWeight(p.Dataset, prefix + p.Dataset.Name, layer))
        .ToList();

    /// <summary>A string array attribute: variable- or fixed-length strings, or Keras's chunked form
    /// (<c>name0</c>, <c>name1</c>, … when the list exceeded HDF5's 64 KiB attribute limit). An empty list is
    /// stored by Keras as an empty float64 array.</summary>
    public static string[] ReadStrings(IH5Object obj, string name)
    {
        if (obj.AttributeExists(name)) return ReadStringAttribute(obj.Attribute(name), name);
        var chunks = new List<string>();
        for (int i = 0; obj.AttributeExists($"{name}{i}"); i++)
            chunks.AddRange(ReadStringAttribute(obj.Attribute($"{name}{i}"), name));
        if (chunks.Count == 0 && !obj.AttributeExists($"{name}0"))
            throw new InvalidDataException($"`{obj.Name}` has no `{name}` attribute");
        return chunks.ToArray();
    }

    private static string[] ReadStringAttribute(IH5Attribute attribute, string name)
    {
        if (attribute.Space.Dimensions.Aggregate(1UL, (a, b) => a * b) == 0 || attribute.Space.Type == H5DataspaceType.Null) return [];
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw new InvalidDataException($"attribute `{name}` must hold strings, found {attribute.Type.Class}");
        string[] values = attribute.Space.Type == H5DataspaceType.Scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();
        return values.Select(v => v.TrimEnd('\0')).ToArray();
    }

    /// <summary>A scalar string attribute, or null when absent.</summary>
    public static string? ReadString(IH5Object obj, string name)
    {
        if (!obj.AttributeExists(name)) return null;
        string[] values = ReadStringAttribute(obj.Attribute(name), name);
        return values.Length == 1 ? values[0] : throw new InvalidDataException($"attribute `{name}` must be one string");
    }

    private static KerasWeight ReadWeight(IH5Dataset dataset, string name, string layer)
    {
        long[] shape = dataset.Space.Type == H5DataspaceType.Scalar ? [] : dataset.Space.Dimensions.Select(d => checked((long)d)).ToArray();
        // Integer variables (Normalization's int64 `count`, kept by Keras for old files and unused at inference) are read
        // as float64: exact for any count below 2^53.
        if (dataset.Type.Class == H5DataTypeClass.FixedPoint && dataset.Space.Type != H5DataspaceType.Null && dataset.Type.Size is 4 or 8)
            return new KerasWeight(name, shape, dataset.Type.Size == 8
                ? Array.ConvertAll(dataset.Read<long[]>(), v => (double)v)
                : Array.ConvertAll(dataset.Read<int[]>(), v => (double)v));
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
            throw new NotSupportedException(
                $"layer `{layer}`: weight `{name}` has element class {dataset.Type.Class}; only float16, float32 and float64 weights are supported");
        if (dataset.Space.Type == H5DataspaceType.Null) return new KerasWeight(name, [0], Array.Empty<float>());
        Array data = dataset.Type.Size switch
        {
            4 => dataset.Read<float[]>(),
            8 => dataset.Read<double[]>(),
            2 => Array.ConvertAll(dataset.Read<Half[]>(), h => (float)h),
            _ => throw new NotSupportedException($"layer `{layer}`: weight `{name}` has a {dataset.Type.Size}-byte float type (bfloat16?); only float16, float32 and float64 are supported"),
        };
        return new KerasWeight(name, shape, data);
    }
}
