using System.Numerics.Tensors;
using CrossBackend;
using TorchSharp;

// FastEstimator's docstring example: 3 samples, 3 classes, one-hot labels.
float[] probabilities = [0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f];
long[] labels = [0, 1, 0, 1, 0, 0, 0, 0, 1];
var weights = new Dictionary<int, double> { [1] = 2.0, [2] = 3.0 };

// TorchSharp (channels-first). Plain torch code may come first; results are torch tensors.
var yPred = torch.tensor(probabilities, 3, 3);
var yTrue = torch.tensor(labels, 3, 3);
torch.Tensor mean = Losses.CategoricalCrossentropy(yPred, yTrue);
torch.Tensor perSample = Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false);
torch.Tensor weighted = Losses.CategoricalCrossentropy(yPred, yTrue, averageLoss: false, classWeights: weights);
torch.Tensor logits = Losses.CategoricalCrossentropy(yPred, yTrue, fromLogits: true);
Print("torch", mean.data<float>(), perSample.data<float>(), weighted.data<float>(), logits.data<float>());

// System.Numerics.Tensors (channels-last). Results are Tensor<float>; a mean has shape [1].
Tensor<float> p = Tensor.Create(probabilities, [3, 3]);
Tensor<long> t = Tensor.Create(labels, [3, 3]);
Tensor<float> mean2 = Losses.CategoricalCrossentropy(p, t);
Tensor<float> perSample2 = Losses.CategoricalCrossentropy(p, t, averageLoss: false);
Tensor<float> weighted2 = Losses.CategoricalCrossentropy(p, t, averageLoss: false, classWeights: weights);
Tensor<float> logits2 = Losses.CategoricalCrossentropy(p, t, fromLogits: true);
Print("numerics", mean2, perSample2, weighted2, logits2);

// Object-typed pipelines: the call dispatches on the runtime type and returns that engine's tensor.
object anyPred = p, anyTrue = t;
object result = Losses.CategoricalCrossentropy<object, object>(anyPred, anyTrue);
Print("object", (Tensor<float>)result);

static void Print(string engine, params IEnumerable<float>[] results)
{
    string[] names = ["mean", "per sample", "class-weighted", "from logits"];
    for (int i = 0; i < results.Length; i++)
        Console.WriteLine($"{engine,-8}  {names[i],-14}  {string.Join(" ", results[i].Select(v => v.ToString("F6")))}");
}
