namespace CrossBackend.Keras.Tests;

/// <summary>The functional goldens' architectures written in C# with <see cref="KerasFunctional"/>, as the Python
/// scripts that made them call Keras (Data/make_models.py, make_multi_io_models.py, make_attention_models.py), with
/// the scripts' layer names so that the tf.keras 2 files match by name.</summary>
internal static class FunctionalArchitectures
{
    /// <summary>functional: Conv2D stride 2 "same" → BatchNormalization → ReLU → Conv2D "same" relu →
    /// BatchNormalization(scale=False, ε 0.01) → Add (skip) → relu → [AveragePooling2D, MaxPooling2D] "same" →
    /// Concatenate → Flatten → Dense tanh → Dropout → Dense softmax. <paramref name="named"/> false leaves every name
    /// to Keras's numbering.</summary>
    public static KerasGraph Functional(bool named = true)
    {
        string? N(string name) => named ? name : null;
        KerasFunctional f = KerasArchitecture.Functional(name: "functional");
        KerasSymbol x = f.Input([10, 10, 3], name: N("input_1"));
        KerasSymbol a = f.Apply(l => l.Conv2D(8, 3, strides: 2, padding: "same", name: N("conv_s2"))
            .BatchNormalization(name: N("bn_1"), axis: 3).ReLU(name: N("relu_1")), x);
        KerasSymbol b = f.Apply(l => l.Conv2D(8, 3, padding: "same", activation: "relu", name: N("conv_b"))
            .BatchNormalization(epsilon: 0.01, scale: false, name: N("bn_2")), a);
        KerasSymbol s = f.Apply(l => l.Activation("relu", name: N("act")), f.Add([a, b], name: N("add")));
        KerasSymbol avg = f.Apply(l => l.AveragePooling2D(2, 2, "same", name: N("avg_pool")), s);
        KerasSymbol max = f.Apply(l => l.MaxPooling2D(2, 2, "same", name: N("max_pool")), s);
        KerasSymbol y = f.Apply(l => l.Flatten(name: N("flatten")).Dense(12, activation: "tanh", name: N("dense")).Dropout(0.5, name: N("dropout"))
            .Dense(4, activation: "softmax", name: N("dense_1")), f.Concatenate([avg, max], name: N("concat")));
        return f.Build([y]);
    }

    /// <summary>two_inputs: inputs [seq (4, 3), feat (6)]; Dense relu on feat ‖ Dense tanh → GlobalAveragePooling1D on
    /// seq → Concatenate → Dense relu → outputs [head_b, per_step (Dense on the per-step tanh), head_a softmax].</summary>
    public static KerasGraph TwoInputs()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "two_inputs");
        KerasSymbol seq = f.Input([4, 3], name: "seq"), feat = f.Input([6], name: "feat");
        KerasSymbol da = f.Apply(l => l.Dense(5, activation: "relu", name: "da"), feat);
        KerasSymbol db = f.Apply(l => l.Dense(5, activation: "tanh", name: "db"), seq);
        KerasSymbol gap = f.Apply(l => l.GlobalAveragePooling1D(name: "gap"), db);
        KerasSymbol h = f.Apply(l => l.Dense(8, activation: "relu", name: "h"), f.Concatenate([da, gap], name: "cat"));
        KerasSymbol headA = f.Apply(l => l.Dense(3, activation: "softmax", name: "head_a"), h);
        KerasSymbol headB = f.Apply(l => l.Dense(2, name: "head_b"), h);
        KerasSymbol perStep = f.Apply(l => l.Dense(2, name: "per_step"), db);
        return f.Build(outputs: [headB, perStep, headA]);
    }

    /// <summary>cross_inputs: query (None, 6) and value (None, 4) inputs → MultiHeadAttention(2 heads, key_dim 3) by
    /// keyword → Add with the query; Dense 4 on the query → Attention(use_scale) with the value; outputs [att, res].</summary>
    public static KerasGraph CrossInputs()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "cross_inputs");
        KerasSymbol query = f.Input([-1, 6], name: "query"), value = f.Input([-1, 4], name: "value");
        KerasSymbol mha = f.MultiHeadAttention(numHeads: 2, keyDim: 3, query, value, byKeyword: true, name: "mha");
        KerasSymbol res = f.Add([query, mha], name: "res");
        KerasSymbol dq = f.Apply(l => l.Dense(4, name: "dq"), query);
        KerasSymbol att = f.Attention(dq, value, useScale: true, name: "att");
        return f.Build(outputs: [att, res]);
    }

    /// <summary>transformer: an encoder block over (None, 6) — self-attention, Add, LayerNormalization (ε 1e-6), Dense
    /// relu, Dense, Add, LayerNormalization, GlobalAveragePooling1D, Dense.</summary>
    public static KerasGraph Transformer()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "transformer");
        KerasSymbol x = f.Input([-1, 6], name: "x");
        KerasSymbol ln1 = f.Apply(l => l.LayerNormalization([2], epsilon: 1e-6, name: "ln1"), f.Add([x, f.MultiHeadAttention(2, 3, x, x, name: "mha")], name: "add1"));
        KerasSymbol ff = f.Apply(l => l.Dense(8, activation: "relu", name: "ff1").Dense(6, name: "ff2"), ln1);
        KerasSymbol head = f.Apply(l => l.LayerNormalization([2], name: "ln2").GlobalAveragePooling1D(name: "gap").Dense(3, name: "head"), f.Add([ln1, ff], name: "add2"));
        return f.Build([head]);
    }

    /// <summary>cross_attention: x (5, 4) → q = Dense 5, v = Cropping1D (1, 0) of Dense 3, k = Cropping1D (0, 1) of x →
    /// MultiHeadAttention(3 heads, key_dim 2, value_dim 4, output_shape 5)(query=q, value=v, key=k) → a bias-free
    /// MultiHeadAttention(2 heads, key_dim 3) called positionally with the value v.</summary>
    public static KerasGraph CrossAttention()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "cross_attention");
        KerasSymbol x = f.Input([5, 4], name: "x");
        KerasSymbol q = f.Apply(l => l.Dense(5, name: "q"), x);
        KerasSymbol v = f.Apply(l => l.Dense(3, name: "v_full").Cropping1D(1, 0, name: "v"), x);
        KerasSymbol k = f.Apply(l => l.Cropping1D(0, 1, name: "k"), x);
        KerasSymbol h = f.MultiHeadAttention(3, 2, q, v, key: k, valueDim: 4, outputShape: 5, byKeyword: true, name: "mha_kw");
        return f.Build([f.MultiHeadAttention(2, 3, h, v, useBias: false, name: "mha_pos")]);
    }

    /// <summary>attention: Attention dot with scale and a key, concat with scale, AdditiveAttention with and without
    /// scale, Attention without scale → Concatenate.</summary>
    public static KerasGraph Attention()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "attention");
        KerasSymbol x = f.Input([5, 4], name: "x");
        KerasSymbol q = f.Apply(l => l.Dense(4, name: "q"), x);
        KerasSymbol v = f.Apply(l => l.Dense(3, name: "v_full").Cropping1D(1, 0, name: "v"), x);
        KerasSymbol k = f.Apply(l => l.Cropping1D(1, 0, name: "k"), x);
        KerasSymbol dot = f.Attention(q, v, k, useScale: true, name: "att_dot");
        KerasSymbol concat = f.Attention(x, x, useScale: true, scoreMode: "concat", name: "att_concat");
        KerasSymbol scaled = f.AdditiveAttention(q, x, name: "add_scaled");
        KerasSymbol plain = f.AdditiveAttention(concat, scaled, useScale: false, name: "add_plain");
        KerasSymbol last = f.Attention(plain, x, name: "att_plain");
        return f.Build([f.Concatenate([dot, last], name: "out")]);
    }

    /// <summary>causal_attention: use_causal_mask on a MultiHeadAttention self-attention, a MultiHeadAttention by keyword
    /// over a value 2 steps shorter, an Attention dot with scale and an AdditiveAttention without scale.</summary>
    public static KerasGraph CausalAttention()
    {
        KerasFunctional f = KerasArchitecture.Functional(name: "causal_attention");
        KerasSymbol x = f.Input([-1, 4], name: "x");
        KerasSymbol m1 = f.MultiHeadAttention(2, 2, x, x, valueDim: 3, useCausalMask: true, name: "m1");
        KerasSymbol v = f.Apply(l => l.Cropping1D(2, 0, name: "v"), x);
        KerasSymbol m2 = f.MultiHeadAttention(1, 3, m1, v, useCausalMask: true, byKeyword: true, name: "m2");
        KerasSymbol a1 = f.Attention(m2, x, useScale: true, useCausalMask: true, name: "a1");
        return f.Build([f.AdditiveAttention(a1, v, useScale: false, useCausalMask: true, name: "a2")]);
    }
}
