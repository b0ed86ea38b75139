using System.Text.Json;

namespace CrossBackend.Keras;

internal static partial class LayerSpecParser
{
    /// <summary>
    /// <c>MultiHeadAttention</c> (keras/src/layers/attention/multi_head_attention.py; tf.keras 2
    /// keras/layers/attention/multi_head_attention.py): num_heads, key_dim, value_dim (null: key_dim, as both set
    /// <c>self._value_dim = value_dim if value_dim else key_dim</c>), use_bias, output_shape (null or one int; tf.keras 2
    /// saves it as given, newer Keras 3 as a one-element list). Dropout acts only in training. Refused:
    /// <c>attention_axes</c> other than None (attention over several axes or another axis), a multi-axis output_shape.
    /// Call options (masks, <c>use_causal_mask</c>, <c>return_attention_scores</c>) are read where the call is read
    /// (<see cref="KerasAttentionCall"/>).
    /// </summary>
    private static MultiHeadAttentionSpec MultiHeadAttention(ConfigValues c)
    {
        if (c.Has("attention_axes"))
            throw new NotSupportedException(
                $"layer `{c.Layer}` (MultiHeadAttention) has attention_axes={c.Raw("attention_axes").GetRawText()}; only attention_axes=None " +
                "(attention over the steps of a (batch, steps, features) input) is supported: save the model with attention_axes=None");
        int heads = c.Int("num_heads"), keyDim = c.Int("key_dim");
        int valueDim = c.Has("value_dim") ? c.Int("value_dim") : keyDim;
        if (heads < 1 || keyDim < 1 || valueDim < 1)
            throw new InvalidDataException($"layer `{c.Layer}` (MultiHeadAttention): num_heads, key_dim and value_dim must be positive, the config has {heads}, {keyDim}, {valueDim}");
        int? output = null;
        if (c.Has("output_shape"))
        {
            JsonElement v = c.Raw("output_shape");
            JsonElement[] parts = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToArray() : [v];
            if (parts.Length != 1 || !parts[0].TryGetInt32(out int n) || n < 1)
                throw new NotSupportedException(
                    $"layer `{c.Layer}` (MultiHeadAttention) has output_shape={v.GetRawText()}; only None or one positive int (the output features) is supported");
            output = n;
        }
        return new MultiHeadAttentionSpec(heads, keyDim, valueDim, c.Bool("use_bias", true), output) { Dropout = c.Double("dropout", 0) };
    }

    /// <summary><c>Attention</c> (use_scale False by default, score_mode "dot" or "concat") and <c>AdditiveAttention</c>
    /// (use_scale True by default) — keras/src/layers/attention/attention.py and additive_attention.py, tf.keras 2
    /// keras/layers/attention/. Dropout acts only in training. tf.keras 2 before 2.10 took <c>causal=True</c> in the
    /// config, the lower-triangular mask the call's <c>use_causal_mask=True</c> now sets.</summary>
    private static AttentionSpec Attention(ConfigValues c, bool additive)
    {
        bool causal = c.Bool("causal", false);
        if (additive) return new AttentionSpec(KerasAttentionScore.Additive, c.Bool("use_scale", true), causal);
        KerasAttentionScore score = (c.String("score_mode") ?? "dot") switch
        {
            "dot" => KerasAttentionScore.Dot,
            "concat" => KerasAttentionScore.Concat,
            string other => throw new InvalidDataException($"layer `{c.Layer}` (Attention): score_mode \"{other}\" is not one of Keras's \"dot\", \"concat\""),
        };
        return new AttentionSpec(score, c.Bool("use_scale", false), causal);
    }
}
