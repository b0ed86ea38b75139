using CrossBackend.Testing;

namespace CrossBackend.Tests.Testing;

/// <summary>The report's numbers are printed as Python's <c>repr(float)</c>, as torch.testing prints them. The
/// expected strings are what <c>/usr/bin/python3 -c "print(repr(x))"</c> (Python 3.11) printed.</summary>
public sealed class PythonFloatTests
{
    [TestCase(0.5, "0.5")]
    [TestCase(0.1, "0.1")]
    [TestCase(2.0, "2.0")]
    [TestCase(100.0, "100.0")]
    [TestCase(1e-5, "1e-05")]
    [TestCase(1.3e-6, "1.3e-06")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(1.234e-05, "1.234e-05")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1e22, "1e+22")]
    [TestCase(123456789.0, "123456789.0")]
    [TestCase(0.30000000000000004, "0.30000000000000004")]
    [TestCase(0.10000002384185791, "0.10000002384185791")]
    [TestCase(5e-324, "5e-324")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(-2.5e-7, "-2.5e-07")]
    [TestCase(0.0, "0.0")]
    [TestCase(-0.0, "-0.0")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    [TestCase(double.NaN, "nan")]
    public void FormatsAsPythonRepr(double value, string python) => Assert.That(PythonFloat.Repr(value), Is.EqualTo(python));
}
