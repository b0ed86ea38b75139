namespace CrossBackend.Keras;

/// <summary>How a weights file's groups are matched to an architecture's layers.</summary>
public enum KerasWeightMatching
{
    /// <summary>Keras 2 files: the group named like the layer. Keras 3 files: the group Keras 3 names after the
    /// layer's class, numbered per class in layer order (<c>layers/conv2d</c>, <c>layers/conv2d_1</c>, …) — the
    /// rule Keras 3 itself loads by, which does not depend on the layers' own names.</summary>
    ByName,

    /// <summary>Keras 2's <c>load_weights(by_name=False)</c>: the n-th layer that has variables receives the n-th
    /// non-empty group of the file, whatever the names.</summary>
    ByOrder,
}
