namespace CrossBackend.Keras;

/// <summary>The layers a wrapper (<c>Bidirectional</c>, <c>TimeDistributed</c>) runs, as ordinary
/// <see cref="KerasLayer"/>s with their share of the wrapper's weights, so every engine builds them with the code it
/// has for the plain layers.</summary>
internal static class KerasWrappedLayers
{
    /// <summary>A Bidirectional layer's forward and backward layers, both reading the wrapper's input (and its mask);
    /// each takes its block of the weights (forward first). Each has zero_output_for_mask = return_sequences, whatever
    /// its config says: Bidirectional's <c>__init__</c> forces it (force_zero_output_for_mask in Keras 3
    /// keras/src/layers/rnn/bidirectional.py and tf.keras 2 keras/layers/rnn/bidirectional.py); it matters only with a mask.</summary>
    public static (KerasLayer Forward, KerasLayer Backward) Bidirectional(KerasLayer layer)
    {
        var b = (BidirectionalSpec)layer.Spec;
        int forwardCount = ExpectedWeights.For(b.Forward, layer.InputShapes).Count;
        KerasLayer Part(RecurrentSpec spec, string name, IEnumerable<KerasWeight> weights)
        {
            string full = $"{layer.Name}/{name}", className = BidirectionalSpec.ClassOf(spec);
            spec = spec with { ZeroOutputForMask = spec.ReturnSequences };
            return new KerasLayer(full, className, spec, layer.Inbound, layer.InputShapes,
                ShapeInference.Infer(spec, layer.InputShapes, full, className), weights.ToArray(), layer.MaskRole, layer.OutputMasked);
        }
        return (Part(b.Forward, b.ForwardName, layer.Weights.Take(forwardCount)), Part(b.Backward, b.BackwardName, layer.Weights.Skip(forwardCount)));
    }

    /// <summary>A TimeDistributed layer's inner layer, shaped for one step (the time axis removed), with all the weights.</summary>
    public static KerasLayer TimeDistributed(KerasLayer layer)
    {
        var t = (TimeDistributedSpec)layer.Spec;
        long[] step = layer.InputShapes[0][1..];
        return new KerasLayer($"{layer.Name}/{t.InnerName}", t.InnerClassName, t.Inner, layer.Inbound, [step], layer.OutputShape[1..], layer.Weights);
    }
}
