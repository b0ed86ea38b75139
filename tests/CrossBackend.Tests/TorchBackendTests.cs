using CrossBackend.Backends.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Tests;

/// <summary>What TorchSharp users rely on: autograd through the loss, and dispose-scope ownership.</summary>
public sealed class TorchBackendTests
{
    [OneTimeSetUp]
    public void Load() => TorchEngine.EnsureNativeLoadable();

    [Test]
    public void GradientOfLogitsLossIsSoftmaxMinusLabelsOverBatch()
    {
        double[] x = Cases.FePred, y = Cases.FeTrue;
        using var logits = torch.tensor(x.Select(v => (float)v).ToArray(), [3, 3]).requires_grad_();
        using var labels = torch.tensor(y.Select(v => (float)v).ToArray(), [3, 3]);
        using Tensor loss = Losses.CategoricalCrossentropy(logits, labels, fromLogits: true);
        loss.backward();
        float[] grad = logits.grad!.data<float>().ToArray();
        for (int r = 0; r < 3; r++)
        {
            double sumExp = Enumerable.Range(0, 3).Sum(c => Math.Exp(x[r * 3 + c]));
            for (int c = 0; c < 3; c++)
            {
                double expected = (Math.Exp(x[r * 3 + c]) / sumExp - y[r * 3 + c]) / 3;
                Assert.That(grad[r * 3 + c], Is.EqualTo(expected).Within(1e-6), $"d/dx[{r},{c}]");
            }
        }
    }

    [Test]
    public void GradientOfProbabilityLossFlowsToPredictions()
    {
        // d/dp_k of −Σ y log(p/Σp) for unclipped p: −y_k/p_k + Σy/Σp; averaged over the batch of 3.
        double[] p = Cases.FePred, y = Cases.FeTrue;
        using var pred = torch.tensor(p.Select(v => (float)v).ToArray(), [3, 3]).requires_grad_();
        using var labels = torch.tensor(y.Select(v => (long)v).ToArray(), [3, 3]);
        using Tensor loss = Losses.CategoricalCrossentropy(pred, labels);
        loss.backward();
        float[] grad = pred.grad!.data<float>().ToArray();
        for (int r = 0; r < 3; r++)
        {
            double rowSum = Enumerable.Range(0, 3).Sum(c => p[r * 3 + c]);
            for (int c = 0; c < 3; c++)
            {
                double expected = (-y[r * 3 + c] / p[r * 3 + c] + 1.0 / rowSum) / 3;
                Assert.That(grad[r * 3 + c], Is.EqualTo(expected).Within(1e-5), $"d/dp[{r},{c}]");
            }
        }
    }

    [Test]
    public void ResultBelongsToCallersScopeAndTemporariesAreDisposed()
    {
        using var pred = torch.tensor(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]);
        using var labels = torch.tensor(Cases.FeTrue.Select(v => (float)v).ToArray(), [3, 3]);
        Tensor loss;
        using (DisposeScope scope = torch.NewDisposeScope())
        {
            long before = scope.DisposablesCount;
            loss = Losses.CategoricalCrossentropy(pred, labels, classWeights: Cases.FeWeights);
            Assert.That(scope.DisposablesCount - before, Is.EqualTo(1), "only the result joins the caller's scope");
            Assert.That(loss.IsInvalid, Is.False);
        }
        Assert.That(loss.IsInvalid, Is.True, "the caller's scope disposed the result");
    }

    [Test]
    public void WithoutACallerScopeNothingButTheResultStaysAlive()
    {
        using var pred = torch.tensor(Cases.FePred.Select(v => (float)v).ToArray(), [3, 3]);
        using var labels = torch.tensor(Cases.FeTrue.Select(v => (float)v).ToArray(), [3, 3]);
        Losses.CategoricalCrossentropy(pred, labels).Dispose();   // warm-up: lazy statics
        DisposeScopeManager.Statistics.Reset();
        using (Tensor loss = Losses.CategoricalCrossentropy(pred, labels, classWeights: Cases.FeWeights)) { }
        ThreadDisposeScopeStatistics stats = DisposeScopeManager.Statistics;
        Assert.That(stats.CreatedInScopeCount, Is.GreaterThan(0));
        Assert.That(stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - stats.DisposedInScopeCount - stats.DisposedOutsideScopeCount,
            Is.EqualTo(0), "every tensor made by the call is disposed once the caller disposes the result");
    }
}
