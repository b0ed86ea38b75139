namespace CrossBackend.Keras;

/// <summary>Which variables a layer saves, in Keras's order, and their shapes given the layer's input.</summary>
internal static class ExpectedWeights
{
    public static IReadOnlyList<(string Name, long[] Shape)> For(LayerSpec spec, IReadOnlyList<long[]> inputs)
    {
        switch (spec)
        {
            case ConvSpec c:
                long[] kernel = [.. c.KernelSize.Select(k => (long)k), inputs[0][^1] / c.Groups, c.Filters];
                return c.UseBias ? [("kernel", kernel), ("bias", [c.Filters])] : [("kernel", kernel)];
            case DenseSpec d:
                return d.UseBias ? [("kernel", [inputs[0][^1], d.Units]), ("bias", [d.Units])] : [("kernel", [inputs[0][^1], d.Units])];
            case BatchNormSpec b:
                // One value per index of the normalised axis (checked a non-batch axis by ShapeInference).
                long channels = inputs[0][KerasAxes.NonBatch(b.Axis, inputs[0].Length) ?? inputs[0].Length - 1];
                var list = new List<(string, long[])>();
                if (b.Scale) list.Add(("gamma", [channels]));
                if (b.Center) list.Add(("beta", [channels]));
                list.Add(("moving_mean", [channels]));
                list.Add(("moving_variance", [channels]));
                return list;
            case DepthwiseConv2DSpec d:
            {
                // Keras 3 and tf.keras 2 alike: the depthwise kernel (kh, kw, in, multiplier), then for SeparableConv2D
                // the pointwise kernel (1, 1, in·multiplier, filters), then the bias (of the last step's channels).
                // The 1-D layers: (k, in, multiplier) and (1, in·multiplier, filters).
                long inChannels = inputs[0][^1], depth = inChannels * d.DepthMultiplier;
                long[] window = d.KernelSize.Select(k => (long)k).ToArray();
                var weights = new List<(string, long[])> { ("depthwise_kernel", [.. window, inChannels, d.DepthMultiplier]) };
                if (d.PointwiseFilters is int filters) weights.Add(("pointwise_kernel", [.. Enumerable.Repeat(1L, d.Rank), depth, filters]));
                if (d.UseBias) weights.Add(("bias", [d.PointwiseFilters ?? depth]));
                return weights;
            }
            case Conv2DTransposeSpec t:
            {
                long[] transposed = [.. t.KernelSize.Select(k => (long)k), t.Filters, inputs[0][^1]];   // (kh, kw, out, in); 1-D (k, out, in)
                return t.UseBias ? [("kernel", transposed), ("bias", [t.Filters])] : [("kernel", transposed)];
            }
            case LayerNormSpec n:
            {
                // Keras builds gamma, then beta, each [input_shape[d] for d in axis] (axes checked by ShapeInference).
                long[] shape = n.Axes.Select(a => inputs[0][KerasAxes.NonBatch(a, inputs[0].Length) ?? inputs[0].Length - 1]).ToArray();
                var weights = new List<(string, long[])>();
                if (n.Scale) weights.Add(("gamma", shape));
                if (n.Center) weights.Add(("beta", shape));
                return weights;
            }
            case GroupNormSpec g:
            {
                // Keras builds gamma, then beta, each (C,) for the grouped axis (checked by ShapeInference).
                long[] shape = [inputs[0][KerasAxes.NonBatch(g.Axis, inputs[0].Length) ?? inputs[0].Length - 1]];
                var weights = new List<(string, long[])>();
                if (g.Scale) weights.Add(("gamma", shape));
                if (g.Center) weights.Add(("beta", shape));
                return weights;
            }
            case NormalizationSpec n:
                return KerasPreprocessing.Weights(n, inputs[0]);
            case EmbeddingSpec e:
                return [("embeddings", [e.InputDim, e.OutputDim])];
            case RecurrentSpec r:
            {
                // Keras builds kernel (features, gates·units), recurrent_kernel (units, gates·units) and, for a
                // reset_after GRU, one bias row for the input product and one for the recurrent product.
                long width = (long)r.Gates * r.Units;
                (string, long[])[] matrices = [("kernel", [inputs[0][^1], width]), ("recurrent_kernel", [r.Units, width])];
                if (!r.UseBias) return matrices;
                return [.. matrices, ("bias", r.ResetAfter ? [2, width] : [width])];
            }
            case PReLUSpec p:
                return [("alpha", PReLUAlphaShape(p, inputs[0]))];
            case BidirectionalSpec b:
                // The forward layer's variables, then the backward layer's: tf.keras 2 lists them so in the .h5's
                // weight_names (`bidirectional/forward_lstm/lstm_cell/kernel:0`, …, `…/backward_lstm/…`), Keras 3 keeps them
                // under `forward_layer/cell/vars` and `backward_layer/cell/vars`, read in that order.
                return [.. For(b.Forward, inputs).Select(w => ($"{b.ForwardName}/{w.Name}", w.Shape)),
                        .. For(b.Backward, inputs).Select(w => ($"{b.BackwardName}/{w.Name}", w.Shape))];
            case TimeDistributedSpec t:
                // The inner layer's variables, built for one step's shape (tf.keras 2: `time_distributed/kernel:0`;
                // Keras 3: `layers/time_distributed/layer/vars`).
                return For(t.Inner, [inputs[0][1..]]);
            case MultiHeadAttentionSpec m:
            {
                // The query, key, value and output EinsumDense layers, each kernel then bias, in the order MHA builds
                // them: tf.keras 2's weight_names `query/kernel:0`, `query/bias:0`, `key/…`, `value/…`,
                // `attention_output/…`; Keras 3's `_query_dense/vars`, `_key_dense/vars`, `_value_dense/vars`,
                // `_output_dense/vars` (read in that order by KerasHdf5).
                long heads = m.NumHeads, queryDim = inputs[0][^1], valueDim = inputs[1][^1], keyDim = (inputs.Count > 2 ? inputs[2] : inputs[1])[^1];
                long output = m.OutputDim ?? queryDim;
                var weights = new List<(string, long[])>();
                void Add(string name, long[] kernel, long[] bias)
                {
                    weights.Add(($"{name}/kernel", kernel));
                    if (m.UseBias) weights.Add(($"{name}/bias", bias));
                }
                Add("query", [queryDim, heads, m.KeyDim], [heads, m.KeyDim]);
                Add("key", [keyDim, heads, m.KeyDim], [heads, m.KeyDim]);
                Add("value", [valueDim, heads, m.ValueDim], [heads, m.ValueDim]);
                Add("attention_output", [heads, m.ValueDim, output], [output]);
                return weights;
            }
            case AttentionSpec a:
            {
                // Attention builds `scale` () with use_scale, then `concat_score_weight` () for score_mode "concat";
                // AdditiveAttention builds `scale` (features of the query) with use_scale.
                var weights = new List<(string, long[])>();
                if (a.UseScale) weights.Add(("scale", a.Score == KerasAttentionScore.Additive ? [inputs[0][^1]] : []));
                if (a.Score == KerasAttentionScore.Concat) weights.Add(("concat_score_weight", []));
                return weights;
            }
            default:
                return [];
        }
    }

    /// <summary>PReLU's α: the input's shape (batch excluded) with 1 at each shared axis (Keras's <c>PReLU.build</c>:
    /// <c>param_shape[i - 1] = 1</c>, a Python index, so axis 0 is the last non-batch axis and −1 the one before).</summary>
    public static long[] PReLUAlphaShape(PReLUSpec p, long[] input)
    {
        long[] shape = (long[])input.Clone();
        foreach (int axis in p.SharedAxes) shape[axis - 1 < 0 ? axis - 1 + shape.Length : axis - 1] = 1;
        return shape;
    }
}
