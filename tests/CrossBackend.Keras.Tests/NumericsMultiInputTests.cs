using System.Numerics.Tensors;
using CrossBackend.Keras.Numerics;

namespace CrossBackend.Keras.Tests;

/// <summary>The channels-last model's own typed calls for several inputs (its API, as <see cref="TorchMultiModuleTests"/>
/// tests the TorchSharp one; parity on every engine is <see cref="MultiInputModelTests"/>).</summary>
public sealed class NumericsMultiInputTests
{
    /// <summary>A list of <see cref="KerasInput"/> given to a <c>KerasNumericsModel&lt;T&gt;</c> variable reaches the
    /// Keras-layout call, not the engine-tensor <c>Predict(object)</c> an instance method would otherwise win with.</summary>
    [Test]
    public void KerasInputsAndTypedTensorsBothRunTheModel()
    {
        var model = new KerasNumericsModel<double>(KerasModel.Load(TestData.Path("two_inputs.keras")));
        KerasInput[] inputs = MultiGoldenModels.Inputs("two_inputs_golden.npz", 2);
        IReadOnlyList<KerasPrediction> p = model.Predict(inputs);
        IReadOnlyList<Tensor<double>> t = model.Predict(inputs.Select(x => (object)Tensor.Create(((float[])x.Data).Select(v => (double)v).ToArray(), x.Shape.Select(v => (nint)v).ToArray())).ToArray());
        for (int j = 0; j < 3; j++)
        {
            double[] golden = TestData.Doubles(TestData.Npz("two_inputs_golden.npz", $"output_{j}"));
            Assert.That(Close.MaxAbs(p[j].Values, golden), Is.LessThan(1e-12), $"output_{j} from KerasInput");
            var values = new double[t[j].FlattenedLength];
            t[j].FlattenTo(values);
            Assert.That(Close.MaxAbs(values, golden), Is.LessThan(1e-12), $"output_{j} from Tensor<double>");
        }
    }
}
