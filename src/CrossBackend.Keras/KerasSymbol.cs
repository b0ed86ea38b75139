namespace CrossBackend.Keras;

/// <summary>
/// A tensor of a functional model being written with <see cref="KerasFunctional"/>: the output of one layer (an
/// <see cref="KerasFunctional.Input"/> or any layer after it), which later layers read. It belongs to the builder that
/// made it.
/// </summary>
public sealed class KerasSymbol
{
    internal KerasSymbol(KerasFunctional owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    internal KerasFunctional Owner { get; }

    /// <summary>The name of the layer whose output this is (the name the weights file uses in Keras 2).</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
