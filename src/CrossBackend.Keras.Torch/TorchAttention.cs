using CrossBackend.Backends.Torch;
using CrossBackend.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Torch;

/// <summary>MultiHeadAttention: inputs (batch, features, steps) moved to (batch, steps, features); each EinsumDense
/// projection as a matmul with its kernel (d, heads, dim) read as (d, heads·dim) (the same memory order), viewed
/// (batch, steps, heads, dim) and moved to (batch, heads, steps, dim); the query times 1/√key_dim (a 0-d tensor of the
/// module's dtype, so float32 rounds it as Keras's cast does) before q·kᵀ; softmax over the keys; weights·v; the heads
/// joined to (batch, steps, heads·value_dim) and the output kernel (heads, value_dim, d_out) read as
/// (heads·value_dim, d_out); moved channels-first again. The parameters keep Keras's shapes and names.</summary>
internal sealed class MultiHeadAttentionTorchLayer : TorchLayer
{
    private readonly Parameter query_kernel, key_kernel, value_kernel, output_kernel;
    private readonly Parameter? query_bias, key_bias, value_bias, output_bias;
    private readonly Tensor scale, negative_infinity, zero;
    private readonly MultiHeadAttentionSpec _spec;

    public MultiHeadAttentionTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        _spec = (MultiHeadAttentionSpec)layer.Spec;
        IReadOnlyList<KerasWeight> w = layer.Weights;
        int step = _spec.UseBias ? 2 : 1;
        Parameter Load(int index, string what)
        {
            KerasWeight weight = w[index];
            var p = new Parameter(zeros(weight.Shape, dtype));
            Assign(p, Array(weight), layer.Name, what);
            return p;
        }
        query_kernel = Load(0, "query kernel");
        key_kernel = Load(step, "key kernel");
        value_kernel = Load(2 * step, "value kernel");
        output_kernel = Load(3 * step, "attention_output kernel");
        if (_spec.UseBias)
        {
            query_bias = Load(1, "query bias");
            key_bias = Load(step + 1, "key bias");
            value_bias = Load(2 * step + 1, "value bias");
            output_bias = Load(3 * step + 1, "attention_output bias");
        }
        scale = torch.tensor(1.0 / Math.Sqrt(_spec.KeyDim), dtype: dtype);
        negative_infinity = torch.tensor(double.NegativeInfinity, dtype: dtype);
        zero = torch.tensor(0.0, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>x (batch, steps, d) through an EinsumDense kernel (d, heads, dim) and bias (heads, dim), as
    /// (batch, heads, steps, dim).</summary>
    private static Tensor Project(Tensor x, Tensor kernel, Tensor? bias)
    {
        long heads = kernel.size(1), dim = kernel.size(2);
        Tensor y = x.matmul(kernel.reshape(kernel.size(0), heads * dim));
        if (bias is not null) y = y.add(bias.reshape(heads * dim), alpha: HeldScalars.One);
        return y.view(y.size(0), y.size(1), heads, dim).permute(0, 2, 1, 3);
    }

    public override Tensor forward(Tensor[] inputs) => Run(inputs, []);

    /// <summary>With Keras's masks of [query, value, key] (null where none): Keras's (B, T_q, T_k) attention mask
    /// (<see cref="AttentionMasks.Allowed"/>) over every head.</summary>
    public override Tensor ForwardMasks(Tensor[] inputs, Tensor?[] masks) => Run(inputs, masks);

    private Tensor Run(Tensor[] inputs, Tensor?[] masks)
    {
        Tensor query = inputs[0].transpose(1, 2), value = inputs[1].transpose(1, 2);
        Tensor key = inputs.Length > 2 ? inputs[2].transpose(1, 2) : value;
        Tensor q = Project(query, query_kernel, query_bias).mul(scale);
        Tensor k = Project(key, key_kernel, key_bias);
        Tensor v = Project(value, value_kernel, value_bias);
        Tensor scores = q.matmul(k.transpose(-2, -1));
        // multi_head_attention.py _compute_attention_mask: query_mask[:, :, None] & value_mask[:, None, :] & key_mask[:, None, :].
        Tensor? allowed = AttentionMasks.Allowed(AttentionMasks.At(masks, 0), [AttentionMasks.At(masks, 1), AttentionMasks.At(masks, 2)]);
        if (allowed is not null) scores = AttentionMasks.Apply(scores, allowed.unsqueeze(1), _spec.Causal, negative_infinity, zero);
        else if (_spec.Causal) scores = CausalMask.Apply(scores, negative_infinity);
        Tensor weights = scores.softmax(-1);
        Tensor o = weights.matmul(v).permute(0, 2, 1, 3);   // (batch, T_q, heads, value_dim)
        o = o.reshape(o.size(0), o.size(1), _spec.NumHeads * (long)_spec.ValueDim);
        Tensor y = o.matmul(output_kernel.reshape(_spec.NumHeads * (long)_spec.ValueDim, output_kernel.size(2)));
        if (output_bias is not null) y = y.add(output_bias, alpha: HeldScalars.One);
        return y.transpose(1, 2);
    }
}

/// <summary>Attention / AdditiveAttention: inputs moved to (batch, steps, features); scores (batch, T_q, T_v) — dot:
/// q·kᵀ (times scale); concat: w · Σ tanh(scale · (q + k)); additive: Σ scale ⊙ tanh(q + k), over (batch, T_q, 1, d) +
/// (batch, 1, T_v, d) — softmax over the value steps, weights·value, moved channels-first again.</summary>
internal sealed class AttentionTorchLayer : TorchLayer
{
    private readonly Parameter? scale, concat_score_weight;
    private readonly Tensor negative_infinity, zero;
    private readonly KerasAttentionScore _score;
    private readonly bool _causal;

    public AttentionTorchLayer(KerasLayer layer, ScalarType dtype) : base(layer.Name)
    {
        var spec = (AttentionSpec)layer.Spec;
        _score = spec.Score;
        _causal = spec.Causal;
        negative_infinity = torch.tensor(double.NegativeInfinity, dtype: dtype);
        zero = torch.tensor(0.0, dtype: dtype);
        Parameter Load(KerasWeight weight, string what)
        {
            var p = new Parameter(zeros(weight.Shape, dtype));
            Assign(p, Array(weight), layer.Name, what);
            return p;
        }
        if (spec.UseScale) scale = Load(layer.Weights[0], "scale");
        if (spec.Score == KerasAttentionScore.Concat) concat_score_weight = Load(layer.Weights[^1], "concat_score_weight");
        RegisterComponents();
    }

    public override Tensor forward(Tensor[] inputs) => Run(inputs, []);

    /// <summary>With Keras's <c>mask=[query_mask, value_mask]</c> (the key's mask is not read): masked value steps get
    /// weight 0, and the output is multiplied by the query mask (attention.py <c>result *= q_mask</c>).</summary>
    public override Tensor ForwardMasks(Tensor[] inputs, Tensor?[] masks) => Run(inputs, masks);

    private Tensor Run(Tensor[] inputs, Tensor?[] masks)
    {
        Tensor query = inputs[0].transpose(1, 2), value = inputs[1].transpose(1, 2);
        Tensor key = inputs.Length > 2 ? inputs[2].transpose(1, 2) : value;
        Tensor scores;
        if (_score == KerasAttentionScore.Dot)
        {
            scores = query.matmul(key.transpose(1, 2));
            if (scale is not null) scores = scores.mul(scale);
        }
        else
        {
            Tensor sum = query.unsqueeze(2).add(key.unsqueeze(1), alpha: HeldScalars.One);   // (batch, T_q, T_v, d)
            if (_score == KerasAttentionScore.Concat)
            {
                if (scale is not null) sum = sum.mul(scale);
                scores = sum.tanh().sum(-1).mul(concat_score_weight!);
            }
            else
            {
                Tensor t = sum.tanh();
                if (scale is not null) t = t.mul(scale);
                scores = t.sum(-1);
            }
        }
        // attention.py _calculate_score_mask: value_mask[:, None, :] & causal.
        Tensor? allowed = AttentionMasks.Allowed(null, [AttentionMasks.At(masks, 1)]);
        if (allowed is not null) scores = AttentionMasks.Apply(scores, allowed, _causal, negative_infinity, zero);
        else if (_causal) scores = CausalMask.Apply(scores, negative_infinity);
        Tensor result = scores.softmax(-1).matmul(value);
        if (AttentionMasks.At(masks, 0) is { } queryMask) result = result.mul(queryMask.unsqueeze(-1).to_type(result.dtype));
        return result.transpose(1, 2);
    }
}

/// <summary>Keras's <c>use_causal_mask</c> on scores (…, T_q, T_k): −∞ where the key step j is after the query step i
/// (PyTorch's <c>triu(1)</c>), so the softmax gives those exactly 0 — what Keras's −1e9 gives (e^−1e9 underflows to 0 in
/// float32 and float64) — and the row's other weights are unchanged.</summary>
internal static class CausalMask
{
    public static Tensor Apply(Tensor scores, Tensor negativeInfinity)
    {
        long tq = scores.size(-2), tk = scores.size(-1);
        using Tensor after = torch.ones(tq, tk, dtype: ScalarType.Bool, device: scores.device).triu(1);
        return torch.where(after, negativeInfinity, scores);
    }
}

/// <summary>Keras's masks in the attention layers on scores (…, T_q, T_k): a score is kept where its query step and its
/// value/key steps are unmasked (and j ≤ i with the causal mask); the others get −∞, which the softmax gives exactly 0 —
/// what Keras's −1e9 gives — and a row with none kept gets zeros everywhere, so its softmax is uniform, 1/T_k each, as
/// Keras's float32 −1e9 + s (rounded to −1e9 alike) gives (see <see cref="KerasAttentionMasks"/>).</summary>
internal static class AttentionMasks
{
    /// <summary>The mask of input <paramref name="index"/>, null where none arrives or the layer has fewer inputs.</summary>
    public static Tensor? At(Tensor?[] masks, int index) => index < masks.Length ? masks[index] : null;

    /// <summary>(B, T_q, T_k) — or (B, T_q, 1), (B, 1, T_k) — kept scores from a (B, T_q) query mask and (B, T_k) key-side
    /// masks, each null where none arrives; null when none does.</summary>
    public static Tensor? Allowed(Tensor? queryMask, Tensor?[] keyMasks)
    {
        Tensor? allowed = queryMask?.unsqueeze(2);
        foreach (Tensor? m in keyMasks)
            if (m is not null) allowed = allowed is null ? m.unsqueeze(1) : allowed.logical_and(m.unsqueeze(1));
        return allowed;
    }

    /// <summary>The scores with <paramref name="allowed"/> (broadcast against them) and the causal mask applied.</summary>
    public static Tensor Apply(Tensor scores, Tensor allowed, bool causal, Tensor negativeInfinity, Tensor zero)
    {
        if (causal)
        {
            using Tensor lower = torch.ones(scores.size(-2), scores.size(-1), dtype: ScalarType.Bool, device: scores.device).tril();
            allowed = allowed.logical_and(lower);
        }
        Tensor rowKept = allowed.any(-1, keepdim: true);
        return torch.where(rowKept, torch.where(allowed, scores, negativeInfinity), zero);
    }
}
