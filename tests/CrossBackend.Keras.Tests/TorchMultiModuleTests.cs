using CrossBackend.Keras.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Tests;

/// <summary>A model of several inputs and outputs as TorchSharp users see it: <see cref="KerasTorch.ToMultiModule"/>
/// gives an nn.Module over Tensor[] (model.inputs order in, model.outputs order out, channels first), and
/// <see cref="KerasTorch.ToModule"/>, whose forward takes one tensor, refuses the model naming the other form.
/// Parity on every engine is <see cref="MultiInputModelTests"/>.</summary>
public sealed class TorchMultiModuleTests
{
    [Test]
    public void ToModuleRefusesASeveralInputModelNamingToMultiModule()
    {
        KerasModel model = KerasModel.Load(TestData.Path("cross_inputs.keras"));
        var e = Assert.Throws<NotSupportedException>(() => KerasTorch.ToModule(model));
        Assert.That(e!.Message, Does.Contain("model `cross_inputs` has 2 input(s) (`query`, `value`) and 2 output(s) (`att`, `res`)")
            .And.Contain("KerasTorch.ToMultiModule").And.Contain("KerasRuntimes.Build"));
    }

    /// <summary>Channels-first tensors in, in the config's input order; the outputs in its output order, the rank-3
    /// one channels-first; parameters named after the Keras layers as in a <see cref="KerasTorchModule"/>.</summary>
    [Test]
    public void ToMultiModuleRunsTensorArraysInModelOrder()
    {
        using KerasTorchMultiModule module = KerasTorch.ToMultiModule(KerasModel.Load(TestData.Path("two_inputs_k2.h5")), DType.Float64);
        Assert.That(module.training, Is.False, "built in eval mode");
        Assert.That(module.DType, Is.EqualTo(ScalarType.Float64));
        Assert.That(module.named_parameters().Select(p => p.name), Does.Contain("da.linear.weight").And.Contain("per_step.linear.bias"));
        var seq = TestData.Npz("two_inputs_golden.npz", "input_0");
        var feat = TestData.Npz("two_inputs_golden.npz", "input_1");
        using Tensor s = tensor((float[])seq.Data, seq.Shape).to_type(ScalarType.Float64).permute(0, 2, 1).contiguous();   // (batch, 3 channels, 4 steps)
        using Tensor f = tensor((float[])feat.Data, feat.Shape).to_type(ScalarType.Float64);
        Tensor[] y = module.forward([s, f]);
        try
        {
            Assert.That(y.Select(t => t.shape), Is.EqualTo(new[] { new long[] { 3, 2 }, [3, 2, 4], [3, 3] }), "(batch, 2 channels, 4 steps) for per_step");
            using Tensor perStep = y[1].permute(0, 2, 1).contiguous();
            double[][] got = [y[0].data<double>().ToArray(), perStep.data<double>().ToArray(), y[2].data<double>().ToArray()];
            for (int j = 0; j < 3; j++)
                Assert.That(Close.MaxAbs(got[j], TestData.Doubles(TestData.Npz("two_inputs_golden.npz", $"output_{j}"))), Is.LessThan(1e-12), $"output_{j}");
        }
        finally { foreach (Tensor t in y) t.Dispose(); }
        var e = Assert.Throws<ArgumentException>(() => module.forward([s]));
        Assert.That(e!.Message, Does.Contain("`seq`, `feat`").And.Contain("Received: 1"));
    }

    /// <summary>An output that is also an input, or listed twice, comes back as its own tensor: disposing one result
    /// leaves the caller's input and the other results usable.</summary>
    [Test]
    public void EveryResultIsItsOwnTensor()
    {
        KerasGraph graph = KerasGraph.FromJson("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 2]}, "inbound_nodes": []},
              {"class_name": "InputLayer", "name": "b", "config": {"name": "b", "batch_input_shape": [null, 2]}, "inbound_nodes": []},
              {"class_name": "Add", "name": "sum", "config": {"name": "sum"}, "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]}],
              "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["sum", 0, 0], ["a", 0, 0], ["sum", 0, 0]]}}
            """, "3");
        using KerasTorchMultiModule module = KerasTorch.ToMultiModule(KerasModel.FromWeights(graph, [], keras3Layout: false));
        using Tensor a = tensor(new float[] { 1, 2 }, [1, 2]), b = tensor(new float[] { 0.1f, 0.3f }, [1, 2]);
        Tensor[] y = module.forward([a, b]);
        Assert.That(y.Distinct().Count(), Is.EqualTo(3));
        Assert.That(y.Any(t => ReferenceEquals(t, a)), Is.False);
        y[0].Dispose();
        y[1].Dispose();
        Assert.That(y[2].data<float>().ToArray(), Is.EqualTo(new[] { 1.1f, 2.3f }));
        Assert.That(a.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }));
        y[2].Dispose();
    }
}
