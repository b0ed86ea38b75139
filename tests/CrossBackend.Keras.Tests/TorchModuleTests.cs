using CrossBackend.Keras.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossBackend.Keras.Tests;

/// <summary>
/// The TorchSharp build as TorchSharp users see it (issue 14, item 3): an nn.Module whose parameters carry the Keras
/// layer names in PyTorch's layout, in eval mode, that can be saved and loaded like any module. These test the
/// TorchSharp API itself; engine parity is tested engine-neutrally in <see cref="ModelParityTests"/>.
/// </summary>
public sealed class TorchModuleTests
{
    private static KerasModel LeNet() => KerasModel.Load(TestData.Path("lenet_mnist_tf.h5"), LeNetTests.Architecture());

    [Test]
    public void ParametersAreNamedAfterTheKerasLayersInPyTorchLayout()
    {
        using KerasTorchModule module = KerasTorch.ToModule(LeNet());
        var shapes = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["conv2d.conv.weight"], Is.EqualTo(new long[] { 32, 1, 3, 3 }));
        Assert.That(shapes["conv2d_2.conv.weight"], Is.EqualTo(new long[] { 64, 64, 3, 3 }));
        Assert.That(shapes["dense.linear.weight"], Is.EqualTo(new long[] { 64, 576 }));
        Assert.That(shapes["dense_1.linear.bias"], Is.EqualTo(new long[] { 10 }));
        Assert.That(module.parameters().Sum(p => p.numel()), Is.EqualTo(93_322), "Keras's LeNet has 93,322 parameters");
        Assert.That(module.training, Is.False, "built in eval mode");
    }

    [Test]
    public void BatchNormKeepsTheFileStatistics()
    {
        KerasModel model = KerasModel.Load(TestData.Path("functional.keras"));
        using KerasTorchModule module = KerasTorch.ToModule(model);
        Tensor runningVar = module.named_buffers().Single(b => b.name == "bn_1.norm.running_var").buffer;
        Assert.That(runningVar.data<float>().ToArray(), Is.EqualTo(model.Graph["bn_1"].Weights[3].ToSingleArray()));
    }

    [Test]
    public void TheModuleSavesAndLoadsLikeAnyTorchSharpModule()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-keras-{Guid.NewGuid():N}.dat");
        try
        {
            using KerasTorchModule original = KerasTorch.ToModule(LeNet());
            original.save(path);
            using KerasTorchModule copy = KerasTorch.ToModule(LeNet());
            using (no_grad()) foreach (var p in copy.parameters()) p.zero_();
            copy.load(path);
            using Tensor x = rand(2, 1, 28, 28);
            using Tensor a = original.forward(x), b = copy.forward(x);
            Assert.That(a.equal(b).all().item<bool>(), Is.True, "the loaded copy computes what the original does");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ForwardReturnsAResultOwnedByTheCallersScopeAndFreesTheRest()
    {
        using KerasTorchModule module = KerasTorch.ToModule(KerasModel.Load(TestData.Path("functional.keras")));
        using Tensor x = rand(3, 3, 10, 10);
        Tensor y;
        using (DisposeScope scope = NewDisposeScope())
        {
            y = module.forward(x).MoveToOuterDisposeScope();
            Assert.That(scope.DisposablesCount, Is.EqualTo(0), "intermediates are disposed inside forward");
        }
        Assert.That(y.IsInvalid, Is.False);
        Assert.That(y.shape, Is.EqualTo(new long[] { 3, 4 }));
        y.Dispose();
    }
}
