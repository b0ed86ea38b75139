// A NuGet user's first program, as .ci/consumer-test.sh builds it in a fresh folder outside the repository from the
// packed packages. Modes:
//   (none)    plain torch.* first, before any CrossBackend call, then the loss on both engines;
//   numerics  only the numerics engine (the torch engine's native fix must not run, even though it is discovered);
//   ensure    TorchEngine.EnsureNativeLoadable() first, then torch (its exception must say how to fix a broken install);
//   gc        also the GC settings the runtime took (CrossBackendLargeTensorGC: the package's opt-in settings).
using System.Numerics.Tensors;
using CrossBackend;
using CrossBackend.Backends.Torch;
using TorchSharp;

float[] probabilities = [0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f];
float[] labels = [0, 1, 0, 1, 0, 0, 0, 0, 1];
string mode = args.Length > 0 ? args[0] : "torch-first";

if (mode == "ensure") TorchEngine.EnsureNativeLoadable();
if (mode == "gc")
    foreach (var (name, value) in GC.GetConfigurationVariables())
        if (name is "GCRegionSize" or "LOHThreshold" or "ConcurrentGC") Console.WriteLine($"{name}={value}");
if (mode != "numerics") Torch();
Numerics();
return 0;

void Torch()
{
    using var yPred = torch.tensor(probabilities, 3, 3);   // TorchSharp's own call comes first
    using var yTrue = torch.tensor(labels, 3, 3);
    using torch.Tensor loss = Losses.CategoricalCrossentropy(yPred, yTrue);
    Console.WriteLine($"torch {loss.item<float>():F8}");
}

void Numerics()
{
    Tensor<float> loss = Losses.CategoricalCrossentropy(Tensor.Create(probabilities, [3, 3]), Tensor.Create(labels, [3, 3]));
    Console.WriteLine($"numerics {loss[0]:F8}");
}
