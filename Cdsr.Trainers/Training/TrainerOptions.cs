namespace Cdsr.Trainers.Training;

/// <summary>Optimizer of a training run.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma &amp; Ba) with L2 weight decay added to the gradient.</summary>
    Adam = 0,
    /// <summary>AdamW (decoupled weight decay).</summary>
    AdamW = 1,
}

/// <summary>Which positions of a training sequence are next-item targets.</summary>
public enum TrainTargets
{
    /// <summary>Every position predicts the next item (SASRec's and GRU4Rec's papers).</summary>
    All = 0,
    /// <summary>Only the final position of each training sequence. Where the stored sequence ends at the instance's
    /// target, as in AMID's single-domain views, that is the instance's own target: how AMID's code trains the SASRec and
    /// GRU4Rec rows of CDSRNP's Table 2, and how CDSRNP forms its samples. With "everything else" histories (a mixed
    /// view of a cross-domain row) it is the last stored item, which may follow the target.</summary>
    Last = 1,
}

/// <summary>How a model is trained and selected. Defaults follow SASRec's paper (Adam, lr 1e-3, batch 128) with
/// early stopping on validation NDCG@10 as the CDSR papers select models.</summary>
public sealed record TrainerOptions
{
    /// <summary>Maximum training epochs (SASRec's code: 200; early stopping usually ends sooner).</summary>
    public int Epochs { get; init; } = 200;
    /// <summary>Sequences per batch (SASRec: 128).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Learning rate (SASRec: 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Weight decay: L2 for Adam, decoupled for AdamW (SASRec: 0).</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>adam or adam_w.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Clip the global gradient L2 norm to this value; 0 = no clipping.</summary>
    public double ClipGradNorm { get; init; } = 5.0;
    /// <summary>Evaluate on the validation split every this many epochs (and after the last one).</summary>
    public int EvalEvery { get; init; } = 1;
    /// <summary>Stop after this many validations without improvement of <see cref="SelectMetric"/>; 0 = never stop early.</summary>
    public int Patience { get; init; } = 10;
    /// <summary>Overall validation metric that selects the best checkpoint (HR@K, NDCG@K or MRR; K among <see cref="Cutoffs"/>).</summary>
    public string SelectMetric { get; init; } = "NDCG@10";
    /// <summary>Cut-offs K of the reported HR@K and NDCG@K.</summary>
    public int[] Cutoffs { get; init; } = [1, 5, 10];
    /// <summary>Seed of parameter initialisation, shuffling, negative sampling and dropout.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>Instances scored per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 256;
    /// <summary>all (default) or last: which positions of a training sequence are targets (<see cref="TrainTargets"/>);
    /// models with their own episodes (CDSRNP) ignore it.</summary>
    public TrainTargets TrainTargets { get; init; } = TrainTargets.All;
    /// <summary>Diagnostic only (default off): also evaluate the test split after every validation, log it as
    /// "test_trace" in metrics.jsonl and write each metric's maximum over epochs to result.json. It is never used for
    /// selection; it measures how optimistic the "best epoch on the test file" figure that AMID's and CDSRNP's code
    /// report is, next to the validation-selected test figure.</summary>
    public bool TraceTest { get; init; }

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"trainer: epochs must be >= 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"trainer: batch_size must be >= 1, got {BatchSize}");
        if (!(LearningRate > 0)) throw new ArgumentException($"trainer: learning_rate must be > 0, got {LearningRate}");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"trainer: weight_decay must be >= 0, got {WeightDecay}");
        if (!(ClipGradNorm >= 0)) throw new ArgumentException($"trainer: clip_grad_norm must be >= 0, got {ClipGradNorm}");
        if (EvalEvery < 1) throw new ArgumentException($"trainer: eval_every must be >= 1, got {EvalEvery}");
        if (Patience < 0) throw new ArgumentException($"trainer: patience must be >= 0, got {Patience}");
        if (EvalBatchSize < 1) throw new ArgumentException($"trainer: eval_batch_size must be >= 1, got {EvalBatchSize}");
        if (Cutoffs.Length == 0 || Cutoffs.Any(k => k < 1)) throw new ArgumentException($"trainer: cutoffs must be positive, got [{string.Join(", ", Cutoffs)}]");
        var known = Cutoffs.SelectMany(k => new[] { $"HR@{k}", $"NDCG@{k}" }).Append("MRR");
        if (!known.Contains(SelectMetric))
            throw new ArgumentException($"trainer: select_metric '{SelectMetric}' is not reported; expected one of {string.Join(", ", known)}");
    }
}
