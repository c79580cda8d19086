using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Tests.Trainers;

/// <summary>Small two-domain datasets built in-process for the trainer tests.</summary>
internal static class TinyDatasets
{
    internal static DomainVocabulary Vocab(string name, int n) =>
        new(name, Enumerable.Range(1, n).Select(i => new ItemInfo($"{name}-{i}")).ToArray());

    /// <summary>
    /// A planted next-item task: each domain's items form a cycle (item i is followed by item i % n + 1 inside its
    /// domain); a user walks the cycle of A and of B from random starts, interleaving the two domains at random.
    /// Leave-one-out split (train target n-3, valid n-2, test n-1) and <paramref name="negatives"/> sampled negatives
    /// per valid/test instance. Item starts are uniform, so item popularity carries almost no signal.
    /// </summary>
    internal static CdsrDataset Planted(int users = 240, int itemsA = 30, int itemsB = 25, int length = 10, int negatives = 20, ulong seed = 7)
    {
        var b = new DatasetBuilder("planted", "test", TimeKind.UnixSeconds) { DomainA = Vocab("Food", itemsA), DomainB = Vocab("Kitchen", itemsB) };
        var rng = new SplitMix64(seed);
        for (int u = 0; u < users; u++)
        {
            int a = 1 + rng.NextInt(itemsA), c = 1 + rng.NextInt(itemsB);
            var seq = new Interaction[length];
            for (int t = 0; t < length; t++)
            {
                if (rng.NextInt(2) == 0)
                {
                    seq[t] = new Interaction(t + 1, a, Domain.A);
                    a = a % itemsA + 1;
                }
                else
                {
                    seq[t] = new Interaction(t + 1, c, Domain.B);
                    c = c % itemsB + 1;
                }
            }
            int user = b.AddUser($"u{u}", seq);
            b.AddInstance(new Instance(user, length - 3, length - 3, SplitPart.Train));
            b.AddInstance(new Instance(user, length - 2, length - 2, SplitPart.Valid));
            b.AddInstance(new Instance(user, length - 1, length - 1, SplitPart.Test));
        }
        var data = b.Build();
        return data.WithCandidates(new CandidateSampler(new CandidateOptions(negatives, NegativeExclusion.Target, 11)).Build(data));
    }
}
