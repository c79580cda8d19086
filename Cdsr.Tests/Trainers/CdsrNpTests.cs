using System.Text.Json.Nodes;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Models;
using Cdsr.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Tests.Trainers;

public class CdsrNpTests
{
    private static readonly CdsrNpOptions Small = new()
    {
        HiddenSize = 16, DomainLength = 4, MaxLength = 10, SupportSize = 5, QueryPositives = 4, Dropout = 0.1,
    };

    /// <summary>
    /// Users of three kinds: <paramref name="overlapped"/> alternating A, B, A, B... (8 items: every training history has
    /// both domains), and <paramref name="single"/> users of A only and as many of B only (6 items). Leave-one-out split.
    /// With <paramref name="clustered"/>, user u only meets items i with i % 3 == u % 3 (a taste a model can learn).
    /// </summary>
    internal static CdsrDataset Mixed(int overlapped = 30, int single = 20, ulong seed = 3, bool clustered = false)
    {
        var b = new DatasetBuilder("cdsrnp-mixed", "test", TimeKind.UnixSeconds) { DomainA = TinyDatasets.Vocab("Cloth", 12), DomainB = TinyDatasets.Vocab("Sport", 10) };
        var rng = new SplitMix64(seed);
        int users = 0;
        void Add(string name, Func<int, Domain> domainAt, int length)
        {
            var seq = new Interaction[length];
            int taste = users++ % 3;
            for (int t = 0; t < length; t++)
            {
                var d = domainAt(t);
                int item;
                do item = 1 + rng.NextInt(d == Domain.A ? 12 : 10); while (clustered && item % 3 != taste);
                seq[t] = new Interaction(t + 1, item, d);
            }
            int user = b.AddUser(name, seq);
            b.AddInstance(new Instance(user, length - 3, length - 3, SplitPart.Train));
            b.AddInstance(new Instance(user, length - 2, length - 2, SplitPart.Valid));
            b.AddInstance(new Instance(user, length - 1, length - 1, SplitPart.Test));
        }
        for (int u = 0; u < overlapped; u++) Add($"o{u}", t => t % 2 == 0 ? Domain.A : Domain.B, 8);
        for (int u = 0; u < single; u++) Add($"a{u}", _ => Domain.A, 6);
        for (int u = 0; u < single; u++) Add($"b{u}", _ => Domain.B, 6);
        var data = b.Build();
        return data.WithCandidates(new CandidateSampler(new CandidateOptions(5, NegativeExclusion.Target, 11)).Build(data));
    }

    private static CdsrNp Attached(CdsrNpOptions options, SequenceData data, long seed = 1)
    {
        manual_seed(seed);
        var model = new CdsrNp(options, data.ItemCount);
        model.Attach(data);
        return model;
    }

    private static bool[] Domains(long[] row, int countA, bool b) => row.Where(i => i != 0).Select(i => b ? i > countA : i <= countA).ToArray();

    [Test]
    public void Kl_of_two_diagonal_gaussians_matches_the_closed_form()
    {
        double[] muQ = [0.3, -1.2, 2.0], sigmaQ = [0.5, 1.5, 0.2], muP = [-0.1, 0.4, 1.0], sigmaP = [1.0, 0.7, 2.5];
        double expected = 0;
        for (int i = 0; i < 3; i++)
            expected += Math.Log(sigmaP[i] / sigmaQ[i]) + (sigmaQ[i] * sigmaQ[i] + Math.Pow(muQ[i] - muP[i], 2)) / (2 * sigmaP[i] * sigmaP[i]) - 0.5;
        using var scope = NewDisposeScope();
        Tensor T(double[] v) => tensor(v, [v.Length]);
        Tensor L(double[] v) => tensor(v.Select(x => Math.Log(x)).ToArray(), [v.Length]);
        var kl = CdsrNp.KlDivergence(T(muQ), L(sigmaQ), T(muP), L(sigmaP));
        Assert.That(kl.dim(), Is.EqualTo(0));
        Assert.That(kl.item<double>(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(CdsrNp.KlDivergence(T(muQ), L(sigmaQ), T(muQ), L(sigmaQ)).item<double>(), Is.EqualTo(0).Within(1e-12), "KL(q || q) = 0");
    }

    [Test]
    public void Mixed_histories_split_into_each_domains_most_recent_items()
    {
        var data = SequenceData.Build(Mixed(), SequenceView.Mixed, 10);
        using var model = Attached(Small, data);
        int a = data.Dataset.DomainA.Count;
        using var scope = NewDisposeScope();
        // A items 1..12, B items 13..22; T = 4. Row 0: A 3, 5, 7, 9, 11 and B 14, 20 interleaved; row 1: B only; row 2: empty.
        var histories = data.PadHistories([[3, 14, 5, 7, 20, 9, 11], [a + 1, a + 2], []]);
        var (A, B) = model.SplitDomains(histories);
        Assert.That(A.data<long>().ToArray(), Is.EqualTo(new long[] { 5, 7, 9, 11, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(B.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 14, 20, 0, 0, a + 1, a + 2, 0, 0, 0, 0 }));
    }

    [Test]
    public void Support_sets_hold_overlapped_users_only_unless_the_all_users_ablation_is_on()
    {
        var dataset = Mixed();
        var data = SequenceData.Build(dataset, SequenceView.Mixed, 10);
        int countA = dataset.DomainA.Count;
        var samples = new CdsrNpSamples(data, CdsrNpSupportPool.Overlapped);
        Assert.That(samples.Count, Is.EqualTo(70));
        Assert.That(samples.Pool, Has.Count.EqualTo(30));
        Assert.That(samples.Pool.All(i => samples.IsOverlapped[samples.Users[i]] && dataset.UserIds[samples.Users[i]].StartsWith('o')), Is.True);

        bool SpansBoth(long[] row) => Domains(row, countA, false).Any(x => x) && Domains(row, countA, true).Any(x => x);
        int rows = 0;
        foreach (var episode in samples.Episodes(9, 1, 4, 5))
            using (episode)
            {
                var h = episode.SupportHistories.data<long>().ToArray();
                for (int r = 0; r < 5; r++, rows++) Assert.That(SpansBoth(h[(r * 10)..((r + 1) * 10)]), Is.True, "a support history of a single-domain user");
            }
        Assert.That(rows, Is.EqualTo(18 * 5), "70 query instances in episodes of 4 -> 18 episodes of 5 support samples");

        using var model = Attached(Small, data);
        var inference = model.state_dict()["support_histories"].data<long>().ToArray();
        for (int r = 0; r < 5; r++) Assert.That(SpansBoth(inference[(r * 10)..((r + 1) * 10)]), Is.True, "inference support");

        var all = new CdsrNpSamples(data, CdsrNpSupportPool.AllUsers);
        Assert.That(all.Pool, Has.Count.EqualTo(70));
        int single = 0;
        foreach (var episode in all.Episodes(9, 1, 4, 5))
            using (episode)
            {
                var h = episode.SupportHistories.data<long>().ToArray();
                for (int r = 0; r < 5; r++) if (!SpansBoth(h[(r * 10)..((r + 1) * 10)])) single++;
            }
        Assert.That(single, Is.GreaterThan(0), "the all-users pool must draw single-domain users too");
    }

    [Test]
    public void Overlap_is_decided_from_training_instances_so_a_test_only_item_of_the_other_domain_does_not_count()
    {
        var b = new DatasetBuilder("cdsrnp-overlap", "test", TimeKind.UnixSeconds) { DomainA = TinyDatasets.Vocab("Cloth", 6), DomainB = TinyDatasets.Vocab("Sport", 6) };
        // "late": A A A A, then its only Sport item is the test target. "both": A B A B A B.
        int late = b.AddUser("late", [new(1, 1, Domain.A), new(2, 2, Domain.A), new(3, 3, Domain.A), new(4, 4, Domain.A), new(5, 1, Domain.B)]);
        int both = b.AddUser("both", [new(1, 1, Domain.A), new(2, 1, Domain.B), new(3, 2, Domain.A), new(4, 2, Domain.B), new(5, 3, Domain.A), new(6, 3, Domain.B)]);
        b.AddInstance(new Instance(late, 2, 2, SplitPart.Train));
        b.AddInstance(new Instance(late, 3, 3, SplitPart.Valid));
        b.AddInstance(new Instance(late, 4, 4, SplitPart.Test));
        b.AddInstance(new Instance(both, 3, 3, SplitPart.Train));
        b.AddInstance(new Instance(both, 4, 4, SplitPart.Valid));
        b.AddInstance(new Instance(both, 5, 5, SplitPart.Test));
        var data = SequenceData.Build(b.Build(), SequenceView.Mixed, 10);
        var samples = new CdsrNpSamples(data, CdsrNpSupportPool.Overlapped);
        Assert.That(samples.IsOverlapped[late], Is.False, "its Sport item is only a test target");
        Assert.That(samples.IsOverlapped[both], Is.True);
        Assert.That(samples.Pool.Select(i => samples.Users[i]), Is.All.EqualTo(both));
    }

    [Test]
    public void All_prefixes_adds_each_earlier_target_domain_item_once_with_the_history_its_instance_showed_then()
    {
        var b = new DatasetBuilder("cdsrnp-prefixes", "test", TimeKind.UnixSeconds) { DomainA = TinyDatasets.Vocab("Cloth", 6), DomainB = TinyDatasets.Vocab("Sport", 6) };
        // "amid": an "everything else" row (AMID): target A2 at 2, its history the rest, Sport's later items included.
        int amid = b.AddUser("amid", [new(1, 1, Domain.A), new(2, 1, Domain.B), new(3, 2, Domain.A), new(4, 2, Domain.B), new(5, 3, Domain.B)]);
        b.AddInstance(new Instance(amid, 2, 5, SplitPart.Train));
        // "loo": leave-one-out, target A3 at 3; A4 and A5 are valid and test targets and must never appear.
        int loo = b.AddUser("loo", [new(1, 1, Domain.A), new(2, 1, Domain.B), new(3, 2, Domain.A), new(4, 3, Domain.A), new(5, 4, Domain.A), new(6, 5, Domain.A)]);
        b.AddInstance(new Instance(loo, 3, 3, SplitPart.Train));
        b.AddInstance(new Instance(loo, 4, 4, SplitPart.Valid));
        b.AddInstance(new Instance(loo, 5, 5, SplitPart.Test));
        // "two": two training instances in Sport (targets at 2 and 3) whose prefixes overlap.
        int two = b.AddUser("two", [new(1, 1, Domain.B), new(2, 2, Domain.B), new(3, 3, Domain.B), new(4, 4, Domain.B)]);
        b.AddInstance(new Instance(two, 3, 3, SplitPart.Train));
        b.AddInstance(new Instance(two, 2, 2, SplitPart.Train));
        var data = SequenceData.Build(b.Build(), SequenceView.Mixed, 10);
        const int B = 6; // Sport item i has shared id 6 + i

        static List<string> Read(CdsrNpSamples s)
        {
            using var scope = NewDisposeScope();
            var (h, t) = s.Tensors(Enumerable.Range(0, s.Count).ToList());
            var rows = h.data<long>().ToArray();
            var targets = t.data<long>().ToArray();
            return Enumerable.Range(0, s.Count).Select(i => string.Join(",", rows[(i * 10)..((i + 1) * 10)].Where(x => x != 0)) + "->" + targets[i]).ToList();
        }
        var final = Read(new CdsrNpSamples(data, CdsrNpSupportPool.Overlapped));
        Assert.That(final, Is.EqualTo(new[] { $"1,{B + 1},{B + 2},{B + 3}->2", $"1,{B + 1},2->3", $"{B + 1},{B + 2},{B + 3}->{B + 4}", $"{B + 1},{B + 2}->{B + 3}" }));

        var prefixes = new CdsrNpSamples(data, CdsrNpSupportPool.Overlapped, CdsrNpTrainSamples.AllPrefixes);
        Assert.That(Read(prefixes), Is.EqualTo(final.Concat(new[]
        {
            $"{B + 1},{B + 2},{B + 3}->1",  // amid, A1: nothing before it, Sport's whole row after it
            $"1,{B + 1}->2",                // loo, A2: only what came before (A1 had no history: skipped)
            $"{B + 1}->{B + 2}",            // two, B2: once, though both instances reach it; B3 is an instance's own target
        })));
        Assert.That(prefixes.Pool.Select(i => prefixes.Users[i]).Distinct(), Is.EquivalentTo(new[] { amid, loo }), "two is Sport-only: never in the support pool");
    }

    [Test]
    public void A_single_domain_view_is_refused()
    {
        var data = SequenceData.Build(Mixed(), SequenceView.A, 10);
        var model = new CdsrNp(Small, data.ItemCount);
        var e = Assert.Throws<ArgumentException>(() => model.Attach(data));
        Assert.That(e!.Message, Does.Contain("mixed"));
        model.Dispose();
    }

    [Test]
    public void A_dataset_without_overlapped_users_is_refused_with_the_ablation_named()
    {
        var data = SequenceData.Build(Mixed(overlapped: 0), SequenceView.Mixed, 10);
        var e = Assert.Throws<Cdsr.Data.CdsrDataException>(() => new CdsrNpSamples(data, CdsrNpSupportPool.Overlapped));
        Assert.That(e!.Message, Does.Contain("no training instance of an overlapped user").And.Contain("support_pool=all_users"));
        Assert.That(new CdsrNpSamples(data, CdsrNpSupportPool.AllUsers).Pool, Has.Count.EqualTo(40));
    }

    [Test]
    public void Inference_is_deterministic_for_a_fixed_support_seed()
    {
        var data = SequenceData.Build(Mixed(), SequenceView.Mixed, 10);
        var examples = data.EvalExamples(SplitPart.Test);
        using var scope = NewDisposeScope();
        var histories = data.PadHistories(examples.Select(x => x.History).ToList());
        var candidates = arange(1, data.ItemCount + 1);
        float[] Scores(CdsrNpOptions options, long seed = 1)
        {
            using var model = Attached(options, data, seed);
            model.eval();
            using var grad = no_grad();
            var first = model.Score(histories, candidates).data<float>().ToArray();
            Assert.That(model.Score(histories, candidates).data<float>().ToArray(), Is.EqualTo(first), "scoring twice");
            var (supportF, supportMu) = model.InferenceSupport();
            Assert.That(model.Score(histories, candidates, supportF, supportMu).data<float>().ToArray(), Is.EqualTo(first), "support representations taken once");
            return first;
        }
        var a = Scores(Small);
        Assert.That(a, Has.Length.EqualTo(examples.Count * data.ItemCount));
        Assert.That(a.All(float.IsFinite), Is.True);
        Assert.That(Scores(Small), Is.EqualTo(a), "same weights and support seed");
        Assert.That(Scores(Small with { InferenceSupportSeed = 7 }), Is.Not.EqualTo(a), "another support sample changes mu_s and f_s");
    }

    [Test]
    public void A_model_loaded_from_a_checkpoint_scores_alike_without_being_attached()
    {
        var data = SequenceData.Build(Mixed(), SequenceView.Mixed, 10);
        var path = Path.Combine(Path.GetTempPath(), $"cdsrnp-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var scope = NewDisposeScope();
            var histories = data.PadHistories(data.EvalExamples(SplitPart.Valid).Select(x => x.History).ToList());
            var candidates = arange(1, data.ItemCount + 1);
            using var trained = Attached(Small, data);
            trained.eval();
            var expected = trained.Score(histories, candidates).data<float>().ToArray();
            Cdsr.Trainers.Serialization.Checkpoint.Save(path, trained, include_rng: false);
            manual_seed(77);
            using var loaded = new CdsrNp(Small, data.ItemCount);   // as 'cdsr evaluate' builds it: no Attach
            var e = Assert.Throws<InvalidOperationException>(() => loaded.Score(histories, candidates));
            Assert.That(e!.Message, Does.Contain("call Attach(data) or load a checkpoint"));
            Cdsr.Trainers.Serialization.Checkpoint.Load(path, loaded, restore_rng: false);
            loaded.eval();
            Assert.That(loaded.Score(histories, candidates).data<float>().ToArray(), Is.EqualTo(expected),
                "the item->domain map and the inference support set travel in the checkpoint");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Training_on_episodes_lowers_the_loss()
    {
        // Users keep to one of three item clusters in both domains: the history tells which items are positives.
        var data = SequenceData.Build(Mixed(overlapped: 60, single: 30, clustered: true), SequenceView.Mixed, 10);
        using var model = Attached(Small with { Dropout = 0 }, data);
        using var optimizer = optim.Adam(model.parameters(), 3e-3);
        var means = new List<double>();
        for (int epoch = 1; epoch <= 20; epoch++)
        {
            double total = 0;
            int n = 0;
            foreach (var episode in model.Episodes(5, epoch))
                using (episode)
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var loss = model.EpisodeLoss(episode);
                    loss.backward();
                    optimizer.step();
                    total += loss.item<float>();
                    n++;
                }
            Assert.That(n, Is.EqualTo(model.EpisodeCount));
            means.Add(total / n);
        }
        TestContext.Out.WriteLine($"epoch mean losses: {string.Join(", ", means.Select(m => m.ToString("0.0000")))}");
        // A plateau near MSE 0.25 (constant 0.5) lasts a few epochs before the taste is picked up.
        Assert.That(means[^1], Is.LessThan(0.75 * means[0]));
    }

    private static IEnumerable<TestCaseData> Ablations()
    {
        yield return new TestCaseData(Small).SetName("Ablation_paper_model_trains_a_step");
        yield return new TestCaseData(Small with { Embedding = CdsrNpEmbedding.SharedOnly }).SetName("Ablation_one_embedding_trains_a_step");
        yield return new TestCaseData(Small with { InterestAdaptive = false }).SetName("Ablation_no_adaptive_layer_trains_a_step");
        yield return new TestCaseData(Small with { SupportPool = CdsrNpSupportPool.AllUsers }).SetName("Ablation_all_users_support_trains_a_step");
    }

    [TestCaseSource(nameof(Ablations))]
    public void Each_variant_builds_trains_a_step_and_scores(CdsrNpOptions options)
    {
        var data = SequenceData.Build(Mixed(), SequenceView.Mixed, 10);
        using var model = Attached(options, data);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.That(names.Any(n => n.StartsWith("item_specific")), Is.EqualTo(options.Embedding == CdsrNpEmbedding.SpecificAndShared));
        Assert.That(names.Any(n => n.StartsWith("w_q")), Is.EqualTo(options.InterestAdaptive));
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var scope = NewDisposeScope();
        var episode = model.Episodes(3, 1).First();
        var before = model.state_dict()["mlp_d.0.weight"].clone();
        var loss = model.EpisodeLoss(episode);
        Assert.That(double.IsFinite(loss.item<float>()), Is.True);
        loss.backward();
        optimizer.step();
        episode.Dispose();
        Assert.That(model.state_dict()["mlp_d.0.weight"].sub(before).abs().max().item<float>(), Is.GreaterThan(0f), "the step changed the decoder");
        model.eval();
        var scores = model.Score(data.PadHistories([[1, 14, 2]]), tensor(new long[] { 3, 4, 5 }, [1, 3]));
        Assert.That(scores.shape, Is.EqualTo(new long[] { 1, 3 }));
    }

    [Test]
    public void Cdsrnp_trains_through_the_trainer_and_resumes_to_the_same_result()
    {
        var root = Directory.CreateTempSubdirectory("cdsr-cdsrnp-").FullName;
        try
        {
            var data = Mixed();
            var trainer = new TrainerOptions { Epochs = 3, LearningRate = 3e-3, Patience = 0, Seed = 4, Cutoffs = [1, 5] , SelectMetric = "NDCG@5" };
            var config = Trainer.Configure("cdsrnp", Small, trainer, SequenceView.Mixed, data, Path.Combine(root, "data"));
            var full = Path.Combine(root, "full");
            new Trainer(config, data).Run(full);
            var resumed = Path.Combine(root, "resumed");
            Assert.That(new Trainer(config, data).Run(resumed, stopAfterEpoch: 1).Completed, Is.False);
            manual_seed(999);
            Assert.That(new Trainer(config, data).Run(resumed, resume: true).Completed, Is.True);
            List<JsonObject> Lines(string dir) => File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            var losses = (string dir) => Lines(dir).Where(o => o["loss"] is not null).Select(o => o["loss"]!.GetValue<double>()).ToList();
            Assert.That(losses(resumed), Is.EqualTo(losses(full)));
            Assert.That(Lines(full).First()["episodes_per_second"]!.GetValue<double>(), Is.GreaterThan(0));
            string Result(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "result.json")))!["test"]!.ToJsonString();
            Assert.That(Result(resumed), Is.EqualTo(Result(full)));
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }

    [Test]
    public void Invalid_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => (Small with { SupportSize = 0 }).Validate());
        Assert.That(e!.Message, Is.EqualTo("cdsrnp: support_size must be >= 1, got 0"));
        e = Assert.Throws<ArgumentException>(() => (Small with { Heads = 3 }).Validate());
        Assert.That(e!.Message, Does.Contain("heads must divide hidden_size 16"));
        var (parsed, unused) = OptionsJson.Apply(new CdsrNpOptions(), new Dictionary<string, string>
        {
            ["embedding"] = "shared_only", ["interest-adaptive"] = "false", ["support_pool"] = "all_users",
        }, "cdsrnp options");
        Assert.That(unused, Is.Empty);
        Assert.That(parsed, Is.EqualTo(new CdsrNpOptions { Embedding = CdsrNpEmbedding.SharedOnly, InterestAdaptive = false, SupportPool = CdsrNpSupportPool.AllUsers }));
    }
}
