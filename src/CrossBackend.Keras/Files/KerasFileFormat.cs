namespace CrossBackend.Keras;

/// <summary>The Keras file layouts CrossBackend reads.</summary>
public enum KerasFileFormat
{
    /// <summary>Keras 2 <c>model.save("m.h5")</c>: a <c>model_config</c> attribute (the architecture as JSON) and the
    /// weights under <c>model_weights/&lt;layer&gt;/</c>, listed by the <c>layer_names</c> and <c>weight_names</c>
    /// attributes.</summary>
    Keras2FullModel,

    /// <summary>Keras 2 <c>model.save_weights("w.h5")</c>: the same weight groups at the file's root, no
    /// architecture.</summary>
    Keras2Weights,

    /// <summary>Keras 3 <c>model.save("m.keras")</c>: a zip archive of <c>config.json</c> and
    /// <c>model.weights.h5</c>, whose variables live at <c>layers/&lt;name&gt;/vars/&lt;i&gt;</c>.</summary>
    Keras3Archive,

    /// <summary>Keras 3 <c>model.save_weights("w.weights.h5")</c>: the <c>layers/&lt;name&gt;/vars/&lt;i&gt;</c>
    /// file on its own, no architecture.</summary>
    Keras3Weights,
}
