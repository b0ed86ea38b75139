namespace CrossBackend;

/// <summary>The principal branch W₀ by Halley's iteration in float64 from FastEstimator's starting guesses.</summary>
internal sealed class LambertWFunction() : FunctionProgram(ResultDTypes.FloatForIntegers)
{
    /// <summary>Halley's method converges cubically from these guesses; 20 steps is FastEstimator's cap, here fixed
    /// so that no step reads back to the host.</summary>
    private const int Steps = 20;

    public override DType ComputeDType(DType[] inputs) => DType.Float64;

    public override T[] Run<T>(ITensorOps<T> o, T?[] inputs) where T : class
    {
        // Below −1/e W is undefined; float32's nearest value to −1/e lies just below it, so the domain's edge is
        // clamped to −1/e (W = −1), where FastEstimator's SciPy path also gives −1.
        T z = o.Maximum(inputs[0]!, -1 / Math.E);
        const DType f64 = DType.Float64;
        // Below −0.2649: the series around the branch point (arXiv:1003.1628); above: Winitzki's approximation.
        T p2 = o.Clip(o.Mul(o.Add(o.Mul(z, Math.E), 1), 2), 0, double.PositiveInfinity);
        T p = o.Sqrt(p2);
        T taylor = o.Add(o.Add(o.Sub(p, o.Div(p2, 3)), o.Mul(o.Mul(p2, p), 0.1527777777)), -1);
        T l = o.Log1p(o.Maximum(z, -0.9999999));
        T winitzki = o.Mul(l, o.RSub(1, o.Div(o.Log1p(l), o.Add(l, 2))));
        T w = o.Where(o.Compare(CompareOp.Less, z, o.Scalar(-0.2649, f64)), taylor, winitzki);
        for (int i = 0; i < Steps; i++)
        {
            T f = o.Sub(w, o.Mul(z, o.Exp(o.Neg(w))));
            T w1 = o.Add(w, 1.0000001);   // FastEstimator's guard: W = −1 at z = −1/e
            T delta = o.Div(f, o.Sub(w1, o.Div(o.Mul(o.Add(w, 2), f), o.Mul(w1, 2))));
            w = o.Sub(w, delta);
        }
        return [w];
    }
}

public static partial class Backend
{
    /// <summary>The principal branch W₀ of the Lambert W function (FastEstimator's <c>lambertw</c>): W·e^W = x, for
    /// x ≥ −1/e (values below −1/e, such as float32's rounding of −1/e, are taken as −1/e and give −1). Computed in float64 by a fixed
    /// 20 Halley steps and rounded to the input's dtype (integers give float32). TorchSharp (like PyTorch) has no Lambert W
    /// call, so on torch this is composed from element-wise calls (about 330 native tensors per call, all temporaries
    /// freed inside); the step count is fixed, so nothing is read back to the host, neither per step nor to test convergence.</summary>
    /// <remarks><b>Example</b> (FastEstimator): [−1/e, −0.34, −0.32, −0.2, 0, 0.12, 0.15, e, 5, e^(1+e), 100] →
    /// <b>[−1, −0.654, −0.560, −0.259, 0, 0.108, 0.132, 1, 1.327, 2.718, 3.386]</b>.</remarks>
    public static T LambertW<T>(T tensor) where T : class =>
        Run<T>(nameof(LambertW), new LambertWFunction(), [tensor], TensorName);
}
