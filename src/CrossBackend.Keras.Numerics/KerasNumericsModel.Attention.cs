using System.Numerics.Tensors;
using CrossBackend.Backends.Numerics.Layers;

namespace CrossBackend.Keras.Numerics;

public sealed partial class KerasNumericsModel<T>
{
    /// <summary>
    /// MultiHeadAttention as Keras's <c>call</c> computes it (keras/src/layers/attention/multi_head_attention.py): the
    /// three EinsumDense projections (kernel (d, heads, dim) read as a (d, heads·dim) Dense kernel, the same memory order),
    /// the query times 1/√key_dim in <typeparamref name="T"/> before the dot product, per batch item and head the scores
    /// q·kᵀ, softmax over the keys, weights·v, then the output EinsumDense (kernel (heads, value_dim, d_out) read as
    /// (heads·value_dim, d_out)). Inputs [query, value(, key)], each with its Keras mask or null: a score is kept where
    /// the query step, the value step and the key step are unmasked (and j ≤ i with use_causal_mask), see
    /// <see cref="MaskedSoftmax"/>.
    /// </summary>
    private static Func<object[], bool[]?[], object> MultiHeadAttention(KerasLayer layer, MultiHeadAttentionSpec m)
    {
        string name = layer.Name;
        IReadOnlyList<KerasWeight> w = layer.Weights;
        int step = m.UseBias ? 2 : 1;
        // Input kernels (d, heads, dim) as (d, heads·dim); the output kernel (heads, value_dim, d_out) as (heads·value_dim, d_out).
        (Tensor<T> Kernel, Tensor<T>? Bias) Projection(int index)
        {
            Tensor<T> kernel = Weight(w[index * step]);
            nint columns = index == 3 ? kernel.Lengths[2] : kernel.Lengths[1] * kernel.Lengths[2];
            nint rows = (nint)(kernel.FlattenedLength / columns);
            Tensor<T>? bias = m.UseBias ? Weight(w[index * step + 1]) : null;
            return (Reshape(kernel, [rows, columns]), bias is null ? null : Reshape(bias, [(nint)bias.FlattenedLength]));
        }
        var (wq, bq) = Projection(0);
        var (wk, bk) = Projection(1);
        var (wv, bv) = Projection(2);
        var (wo, bo) = Projection(3);
        int heads = m.NumHeads, keyDim = m.KeyDim, valueDim = m.ValueDim;
        // Keras: ops.multiply(query, ops.cast(1.0 / math.sqrt(float(key_dim)), query.dtype)) — the Python float rounded
        // once to the layer's dtype.
        T scale = T.CreateChecked(1.0 / Math.Sqrt(keyDim));
        return (v, masks) =>
        {
            Tensor<T> query = Float(v[0], name), value = Float(v[1], name), key = v.Length > 2 ? Float(v[2], name) : value;
            int batch = (int)query.Lengths[0], tq = (int)query.Lengths[1], tk = (int)key.Lengths[1];
            bool[]? queryMask = MaskAt(masks, 0), valueMask = MaskAt(masks, 1), keyMask = MaskAt(masks, 2);
            bool masked = queryMask is not null || valueMask is not null || keyMask is not null;
            var allowed = masked ? new bool[tk] : [];
            if (value.Lengths[1] != tk)
                throw new ArgumentException($"layer `{name}` (MultiHeadAttention): the key has {tk} steps and the value {value.Lengths[1]}; they must be equal");
            T[] q = TensorToArray(MatMulKernel.Dense(query, wq, bq));
            T[] k = TensorToArray(MatMulKernel.Dense(key, wk, bk));
            T[] vv = TensorToArray(MatMulKernel.Dense(value, wv, bv));
            TensorPrimitives.Multiply(q, scale, q);
            var output = new T[(long)batch * tq * heads * valueDim];
            var scores = new T[tk];
            var scratch = masked ? new T[tk] : [];
            for (int b = 0; b < batch; b++)
                for (int h = 0; h < heads; h++)
                    for (int i = 0; i < tq; i++)
                    {
                        // use_causal_mask: keys j <= i only; Keras's -1e9 makes the others' weights exactly 0.
                        int n = m.Causal && !masked ? Math.Min(i + 1, tk) : tk;
                        ReadOnlySpan<T> qi = q.AsSpan(((b * tq + i) * heads + h) * keyDim, keyDim);
                        for (int j = 0; j < n; j++) scores[j] = TensorPrimitives.Dot(qi, k.AsSpan(((b * tk + j) * heads + h) * keyDim, keyDim));
                        if (masked)
                        {
                            // _compute_attention_mask: query_mask[:, :, None] & value_mask[:, None, :] & key_mask[:, None, :] & causal.
                            bool rowKept = queryMask is null || queryMask[b * tq + i];
                            for (int j = 0; j < tk; j++)
                                allowed[j] = rowKept && (valueMask is null || valueMask[b * tk + j]) && (keyMask is null || keyMask[b * tk + j]) && (!m.Causal || j <= i);
                            MaskedSoftmax(scores, allowed, scratch);
                        }
                        else ActivationKernels.Softmax<T>(scores.AsSpan(0, n), n);
                        AddWeighted(output.AsSpan(((b * tq + i) * heads + h) * valueDim, valueDim), scores.AsSpan(0, n), vv,
                            (b * tk * heads + h) * valueDim, heads * valueDim);
                    }
            return MatMulKernel.Dense(Tensor.Create(output, [batch, tq, heads * valueDim]), wo, bo);
        };
    }

    /// <summary>
    /// Attention / AdditiveAttention as Keras's <c>call</c> computes them (keras/src/layers/attention/attention.py,
    /// additive_attention.py): scores (batch, T_q, T_v) — dot: q·k (times scale); concat: w · Σ tanh(scale · (q + k));
    /// additive: Σ scale ⊙ tanh(q + k) — softmax over the value steps, then weights·value. Inputs [query, value(, key)],
    /// each with its Keras mask or null (Keras's <c>mask=[query_mask, value_mask]</c>; the key's is not read): masked value
    /// steps get weight 0 (<see cref="MaskedSoftmax"/>), and a masked query step's output is zeros (<c>result *= q_mask</c>).
    /// </summary>
    private static Func<object[], bool[]?[], object> Attention(KerasLayer layer, AttentionSpec a)
    {
        string name = layer.Name;
        IReadOnlyList<KerasWeight> w = layer.Weights;
        // Attention's weights are 0-d (shape ()), AdditiveAttention's scale a vector: read from the stored values
        // (widening a float32 weight to double and back is exact).
        T[] Values(KerasWeight weight) => weight.ToDoubleArray().Select(T.CreateChecked).ToArray();
        T[]? scale = a.UseScale ? Values(w[0]) : null;
        T concatWeight = a.Score == KerasAttentionScore.Concat ? Values(w[^1])[0] : T.One;
        return (v, masks) =>
        {
            Tensor<T> query = Float(v[0], name), value = Float(v[1], name), key = v.Length > 2 ? Float(v[2], name) : value;
            int batch = (int)query.Lengths[0], tq = (int)query.Lengths[1], tv = (int)value.Lengths[1], dim = (int)query.Lengths[2], dv = (int)value.Lengths[2];
            bool[]? queryMask = MaskAt(masks, 0), valueMask = MaskAt(masks, 1);
            var allowed = valueMask is null ? [] : new bool[tv];
            var scratch = valueMask is null ? [] : new T[tv];
            if (key.Lengths[1] != tv)
                throw new ArgumentException($"layer `{name}` ({layer.ClassName}): the key has {key.Lengths[1]} steps and the value {tv}; they must be equal");
            T[] q = TensorToArray(query), k = TensorToArray(key), vv = TensorToArray(value);
            var output = new T[(long)batch * tq * dv];
            var scores = new T[tv];
            var sum = new T[dim];
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < tq; i++)
                {
                    // use_causal_mask: value steps j <= i only (Keras's score - 1e9 elsewhere gives them weight exactly 0).
                    int n = a.Causal && valueMask is null ? Math.Min(i + 1, tv) : tv;
                    ReadOnlySpan<T> qi = q.AsSpan((b * tq + i) * dim, dim);
                    for (int j = 0; j < n; j++)
                    {
                        ReadOnlySpan<T> kj = k.AsSpan((b * tv + j) * dim, dim);
                        switch (a.Score)
                        {
                            case KerasAttentionScore.Dot:
                                scores[j] = TensorPrimitives.Dot(qi, kj);
                                if (scale is not null) scores[j] *= scale[0];
                                break;
                            case KerasAttentionScore.Concat:
                                TensorPrimitives.Add(qi, kj, sum);
                                if (scale is not null) TensorPrimitives.Multiply(sum, scale[0], sum);
                                TensorPrimitives.Tanh<T>(sum, sum);
                                scores[j] = concatWeight * TensorPrimitives.Sum<T>(sum);
                                break;
                            default:
                                TensorPrimitives.Add(qi, kj, sum);
                                TensorPrimitives.Tanh<T>(sum, sum);
                                if (scale is not null) TensorPrimitives.Multiply(sum, scale, sum);
                                scores[j] = TensorPrimitives.Sum<T>(sum);
                                break;
                        }
                    }
                    if (valueMask is not null)
                    {
                        // _calculate_score_mask: value_mask[:, None, :] & causal.
                        for (int j = 0; j < tv; j++) allowed[j] = valueMask[b * tv + j] && (!a.Causal || j <= i);
                        MaskedSoftmax(scores, allowed, scratch);
                    }
                    else ActivationKernels.Softmax<T>(scores.AsSpan(0, n), n);
                    // Keras: result *= q_mask, so a masked query step's output is zeros.
                    if (queryMask is not null && !queryMask[b * tq + i]) continue;
                    AddWeighted(output.AsSpan((b * tq + i) * dv, dv), scores.AsSpan(0, n), vv, b * tv * dv, dv);
                }
            return Tensor.Create(output, [batch, tq, dv]);
        };
    }

    /// <summary>The mask of input <paramref name="index"/>, null where none arrives or the layer has fewer inputs.</summary>
    private static bool[]? MaskAt(bool[]?[] masks, int index) => index < masks.Length ? masks[index] : null;

    /// <summary>Keras's masked softmax over one row of scores (multi_head_attention.py <c>_masked_softmax</c> → the Softmax
    /// layer's (1 − mask) · −1e9 added; attention.py <c>_apply_scores</c>' 1e9 subtracted): the kept scores softmaxed alone
    /// (e^(s − 1e9 − max) underflows to exactly 0 in float32 and float64, so the others get 0 and the kept ones the
    /// softmax of themselves), and a row with none kept uniform, 1/n each — every score is then −1e9 + s, which float32
    /// rounds to −1e9 alike (|s| &lt; 32), as Keras computes the float32 model; <paramref name="scratch"/> holds the kept
    /// scores.</summary>
    private static void MaskedSoftmax(Span<T> scores, ReadOnlySpan<bool> allowed, Span<T> scratch)
    {
        int kept = 0;
        for (int j = 0; j < scores.Length; j++) if (allowed[j]) scratch[kept++] = scores[j];
        if (kept == 0)
        {
            scores.Fill(T.One / T.CreateChecked(scores.Length));
            return;
        }
        ActivationKernels.Softmax<T>(scratch[..kept], kept);
        kept = 0;
        for (int j = 0; j < scores.Length; j++) scores[j] = allowed[j] ? scratch[kept++] : T.Zero;
    }

    /// <summary>output += Σ_j weights[j] · value row j, the rows of <paramref name="values"/> starting at
    /// <paramref name="start"/>, <paramref name="stride"/> apart, each <c>output.Length</c> long: the softmax weights
    /// times the values, one value row at a time in step order (both attention layers).</summary>
    private static void AddWeighted(Span<T> output, ReadOnlySpan<T> weights, T[] values, int start, int stride)
    {
        for (int j = 0; j < weights.Length; j++)
            for (int e = 0; e < output.Length; e++) output[e] += weights[j] * values[start + j * stride + e];
    }
}
