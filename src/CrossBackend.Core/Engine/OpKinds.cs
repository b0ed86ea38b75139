namespace CrossBackend;

/// <summary>The element-wise functions of one tensor every engine implements (<see cref="ITensorOps{TTensor}.Unary"/>).</summary>
public enum UnaryOp
{
    /// <summary>−x.</summary>
    Negate,
    /// <summary>|x|.</summary>
    Abs,
    /// <summary>x².</summary>
    Square,
    /// <summary>√x (NaN below 0).</summary>
    Sqrt,
    /// <summary>eˣ.</summary>
    Exp,
    /// <summary>ln x (−∞ at 0, NaN below).</summary>
    Log,
    /// <summary>ln(1 + x), accurate near 0.</summary>
    Log1p,
    /// <summary>eˣ − 1, accurate near 0.</summary>
    Expm1,
    /// <summary>−1, 0 or 1 (NaN stays NaN).</summary>
    Sign,
    /// <summary>1 / (1 + e⁻ˣ).</summary>
    Sigmoid,
    /// <summary>tanh x.</summary>
    Tanh,
    /// <summary>ln(1 + eˣ), computed without overflow.</summary>
    Softplus,
    /// <summary>The largest integer ≤ x.</summary>
    Floor,
    /// <summary>The nearest integer, ties to even (NumPy's and PyTorch's <c>round</c>).</summary>
    Round,
    /// <summary>1 / x.</summary>
    Reciprocal,
    /// <summary>cos x.</summary>
    Cos,
    /// <summary>sin x.</summary>
    Sin,
    /// <summary>max(x, 0) as <c>tf.nn.relu</c> and <c>F.relu</c> give it: −0 stays −0 and NaN stays NaN. Its gradient
    /// is 0 where x ≤ 0 (at 0 too) and passes where x &gt; 0 or is NaN (PyTorch's <c>threshold_backward</c>).</summary>
    Relu,
}

/// <summary>The element-wise functions of two tensors (NumPy broadcasting) every engine implements.</summary>
public enum BinaryOp
{
    /// <summary>a + b.</summary>
    Add,
    /// <summary>a − b.</summary>
    Subtract,
    /// <summary>a · b.</summary>
    Multiply,
    /// <summary>a / b (IEEE: x/0 is ±∞, 0/0 is NaN).</summary>
    Divide,
    /// <summary>aᵇ.</summary>
    Power,
    /// <summary>The larger of a and b; NaN if either is NaN (as <c>torch.maximum</c> and <c>np.maximum</c>).</summary>
    Maximum,
    /// <summary>The smaller of a and b; NaN if either is NaN.</summary>
    Minimum,
}

/// <summary>Element-wise comparisons (NumPy broadcasting); the result is the engine's boolean mask.</summary>
public enum CompareOp
{
    /// <summary>a == b.</summary>
    Equal,
    /// <summary>a != b (true where either is NaN).</summary>
    NotEqual,
    /// <summary>a &lt; b.</summary>
    Less,
    /// <summary>a ≤ b.</summary>
    LessEqual,
    /// <summary>a &gt; b.</summary>
    Greater,
    /// <summary>a ≥ b.</summary>
    GreaterEqual,
}

/// <summary>Reductions along axes every engine implements.</summary>
public enum ReduceOp
{
    /// <summary>Σ.</summary>
    Sum,
    /// <summary>Σ / n (NaN for n = 0).</summary>
    Mean,
    /// <summary>The largest value (NaN propagates).</summary>
    Max,
    /// <summary>The smallest value (NaN propagates).</summary>
    Min,
    /// <summary>Π.</summary>
    Prod,
    /// <summary>The population variance Σ(x − mean)² / n (correction 0: NumPy's <c>var</c>, <c>torch.var(correction=0)</c>;
    /// NaN for n = 0).</summary>
    Variance,
    /// <summary>The population standard deviation √(Σ(x − mean)² / n) (correction 0, as FastEstimator's
    /// <c>reduce_std</c>; NaN for n = 0).</summary>
    Std,
}
