using Cdsr.Torch;
using static Cdsr.Torch.torch;

namespace Cdsr.Tests.Torch;

/// <summary>The default generator: seeding reproduces draws, state round-trips, and sampling frequencies are right.</summary>
public class RandomTests
{
    private static Dictionary<string, Func<Tensor>> Draws() => new()
    {
        ["rand"] = () => rand(4, 3),
        ["randn"] = () => randn(new long[] { 5 }, ScalarType.Float64),
        ["randint"] = () => randint(3, 9, new long[] { 6 }),
        ["randperm"] = () => randperm(10),
        ["normal"] = () => normal(2, 0.5, new long[] { 4 }),
        ["multinomial"] = () => multinomial(tensor(new float[] { 1, 2, 3, 4 }), 3),
        ["uniform_"] = () => empty(new long[] { 4 }).uniform_(-2, 2),
        ["normal_"] = () => empty(new long[] { 4 }).normal_(),
    };

    public static IEnumerable<string> DrawNames => Draws().Keys;

    [TestCaseSource(nameof(DrawNames))]
    public void SameSeedGivesIdenticalValues(string name)
    {
        using var scope = NewDisposeScope();
        var draw = Draws()[name];
        manual_seed(1234);
        var a = draw().to(ScalarType.Float64).data<double>();
        var a2 = draw().to(ScalarType.Float64).data<double>();
        manual_seed(1234);
        var b = draw().to(ScalarType.Float64).data<double>();
        manual_seed(99);
        var c = draw().to(ScalarType.Float64).data<double>();
        Assert.That(b, Is.EqualTo(a), "same seed, same values");
        Assert.That(a2, Is.Not.EqualTo(a), "the generator advances between draws");
        Assert.That(c, Is.Not.EqualTo(a), "another seed gives other values");
    }

    [Test]
    public void RangesAndPermutationsAreValid()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var r = randint(3, 9, new long[] { 1000 }).data<long>();
        Assert.That(r, Is.All.InRange(3L, 8L));
        Assert.That(r.Distinct().Count(), Is.EqualTo(6), "every value of [3, 9) appears in 1000 draws");
        var p = randperm(50).data<long>();
        Assert.That(p.OrderBy(x => x), Is.EqualTo(Enumerable.Range(0, 50).Select(x => (long)x)));
        var u = rand(new long[] { 1000 }, ScalarType.Float64).data<double>();
        Assert.That(u, Is.All.GreaterThanOrEqualTo(0.0).And.LessThan(1.0));
        var n = normal(3, 2, new long[] { 20000 }, ScalarType.Float64);
        Assert.That(n.mean().item<double>(), Is.EqualTo(3).Within(0.1));
        Assert.That(n.std().item<double>(), Is.EqualTo(2).Within(0.1));
    }

    [Test]
    public void MultinomialFrequenciesFollowTheWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(42);
        const int n = 40000;
        // Unnormalised weights 1 : 0 : 3 : 6 -> probabilities 0.1, 0, 0.3, 0.6.
        var draws = multinomial(tensor(new double[] { 1, 0, 3, 6 }), n, replacement: true).data<long>();
        var freq = Enumerable.Range(0, 4).Select(k => draws.Count(d => d == k) / (double)n).ToArray();
        Assert.That(freq[0], Is.EqualTo(0.1).Within(0.01));
        Assert.That(freq[1], Is.EqualTo(0.0), "a zero weight is never drawn");
        Assert.That(freq[2], Is.EqualTo(0.3).Within(0.015));
        Assert.That(freq[3], Is.EqualTo(0.6).Within(0.015));

        // Without replacement, each row gives distinct indices with non-zero weight.
        var rows = multinomial(tensor(new double[] { 1, 1, 0, 1, 2, 2, 2, 0 }, new long[] { 2, 4 }), 3).data<long>();
        Assert.That(rows[..3].Distinct().Count(), Is.EqualTo(3));
        Assert.That(rows[..3], Has.None.EqualTo(2L));
        Assert.That(rows[3..].OrderBy(x => x), Is.EqualTo(new long[] { 0, 1, 2 }));

        var ex = Assert.Throws<TorchException>(() => multinomial(tensor(new double[] { 1, -1 }), 1));
        Assert.That(ex!.Message, Does.Contain("element < 0"));
    }

    [Test]
    public void GeneratorStateRoundTrips()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        rand(3).Dispose();
        var state = get_rng_state();
        Assert.That(state, Is.Not.Empty);
        var a = randn(8).data<float>();
        var b = randn(8).data<float>();
        set_rng_state(state);
        Assert.That(randn(8).data<float>(), Is.EqualTo(a));
        Assert.That(randn(8).data<float>(), Is.EqualTo(b));
        Assert.That(get_rng_state(), Is.Not.EqualTo(state), "the state advances with draws");

        var ex = Assert.Throws<TorchException>(() => set_rng_state(new byte[] { 1, 2, 3 }));
        Assert.That(ex!.Message, Does.Contain("size"));
    }
}
