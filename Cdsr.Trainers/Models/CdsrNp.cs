using Cdsr.Data;
using Cdsr.Data.Evaluation;
using Cdsr.Trainers.Layers;
using TorchSharp.Modules;
using Cdsr.Trainers.Data;
using Cdsr.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Models;

/// <summary>Item representations of <see cref="CdsrNp"/> (the paper's Table 5 "one embedding" ablation).</summary>
public enum CdsrNpEmbedding
{
    /// <summary>Domain-specific tables V_A, V_B with their encoder, and the shared table V-bar with its own (the paper).</summary>
    SpecificAndShared = 0,
    /// <summary>Only V-bar and one encoder for both domains' sequences (ablation).</summary>
    SharedOnly = 1,
}

/// <summary>Where CDSRNP's support samples come from (the paper's Table 5 "all user" ablation).</summary>
public enum CdsrNpSupportPool
{
    /// <summary>Training instances of overlapped users, whose sequence spans both domains (the paper).</summary>
    Overlapped = 0,
    /// <summary>Training instances of every user (ablation).</summary>
    AllUsers = 1,
}

/// <summary>Which positions of a training instance become CDSRNP samples.</summary>
public enum CdsrNpTrainSamples
{
    /// <summary>One positive sample per training instance: its target (the paper; AMID's code, one sample per row).</summary>
    Final = 0,
    /// <summary>Also every earlier item of the target's domain in the instance's sequence, with the history it had then
    /// (not in the paper): the next-item supervision SASRec gets from one sequence, about 8x the samples on AMID
    /// Cloth–Sport. See <see cref="CdsrNpSamples"/>.</summary>
    AllPrefixes = 1,
}

/// <summary>Hyper-parameters of <see cref="CdsrNp"/>; paper values from Sec. 4.2.3, the rest chosen where the paper is
/// silent (said so per option). The paper trains with <c>learning_rate=2e-5</c> (Cloth–Sport; 1e-5 Phone–Elec) for
/// 50 epochs. Here that rate was still at chance after 3 epochs on AMID Cloth–Sport K_u = 25%, so
/// <c>scripts/cdsrnp.sh</c> uses <c>learning_rate=3e-4</c>, up to 15 epochs, patience 3. That rate was chosen on
/// validation NDCG@10 (seed 1) against 1e-3: 5.53% at epoch 9 against 5.13% at epoch 3. It also sets <c>l2=0</c>
/// with the trainer's <c>weight_decay=2e-5</c>, which is the same lambda term (see <see cref="L2"/>).</summary>
public sealed record CdsrNpOptions : ISequentialModelOptions
{
    /// <summary>Latent dimension D of embeddings, encoders, MLPs, r and z (paper: 128).</summary>
    public int HiddenSize { get; init; } = 128;
    /// <summary>Per-domain sequence length T: the most recent T items of each domain are encoded (paper: one of 15, 25, 35, 45;
    /// 15 keeps the whole longer domain of 88% of AMID Cloth–Sport training histories, median 7, and costs least).</summary>
    public int DomainLength { get; init; } = 15;
    /// <summary>Mixed history the model receives (the contract's L) before it splits it by domain; generous so that T items of
    /// each domain survive (not in the paper).</summary>
    public int MaxLength { get; init; } = 100;
    /// <summary>Attention heads of each masked self-attention encoder (paper: one self-attention layer; heads unstated, 1).</summary>
    public int Heads { get; init; } = 1;
    /// <summary>Dropout on embeddings and inside the encoders (paper: unstated; 0.2).</summary>
    public double Dropout { get; init; } = 0.2;
    /// <summary>LayerNorm epsilon of the encoders (SASRec's 1e-8).</summary>
    public double LayerNormEps { get; init; } = 1e-8;
    /// <summary>Support samples per episode and in the fixed inference support set (paper: 10/20/30/40, default 20).</summary>
    public int SupportSize { get; init; } = 20;
    /// <summary>Positive query samples per episode; each gets one sampled negative, so the query set is twice this (paper: 20 = 10 + 10).</summary>
    public int QueryPositives { get; init; } = 10;
    /// <summary>Weight of KL(q(z_q|Q) || q(z_s|S)) in the loss (paper: 1).</summary>
    public double KlWeight { get; init; } = 1.0;
    /// <summary>lambda of the lambda * ||Theta||^2 term of the loss (paper: 1e-5). With Adam, <c>l2=0</c> plus the trainer's
    /// <c>weight_decay=2e-5</c> gives the same gradient (except when clipping triggers). CdsrNpTrainingBenchmark compares
    /// their cost; its only run (2026-12-02, beside a training run) could not tell them apart: 116 vs 134 ms, 99.9% CIs overlapping.</summary>
    public double L2 { get; init; } = 1e-5;
    /// <summary>specific_and_shared (paper) or shared_only (ablation "one embedding").</summary>
    public CdsrNpEmbedding Embedding { get; init; } = CdsrNpEmbedding.SpecificAndShared;
    /// <summary>Interest adaptive layer f_s = Attention(f W_Q, F_S W_K, F_S W_V) (paper: on; off = ablation "no adaptive layer").</summary>
    public bool InterestAdaptive { get; init; } = true;
    /// <summary>overlapped (paper) or all_users (ablation "all user").</summary>
    public CdsrNpSupportPool SupportPool { get; init; } = CdsrNpSupportPool.Overlapped;
    /// <summary>final (paper: one sample per training instance) or all_prefixes (every target-domain position; not in the paper).
    /// Measured once (AMID K_u = 25%, seed 1, lr 3e-4, 2026-12-02): 5,771 episodes per epoch instead of 731, and slower
    /// learning per episode: validation NDCG@10 peaked at 2.69% in epoch 4 (patience 2 stopped it after epoch 6), where
    /// final samples reach 5.53% in epoch 9.</summary>
    public CdsrNpTrainSamples TrainSamples { get; init; } = CdsrNpTrainSamples.Final;
    /// <summary>Seed of the fixed inference support set (a sample of the support pool drawn once, kept in the checkpoint).
    /// Inference feeds the decoder mu_s, the mean of q(z_s | S), instead of a sampled z_s, so scores are deterministic.</summary>
    public long InferenceSupportSeed { get; init; } = 42;

    public void Validate()
    {
        if (HiddenSize < 1) throw new ArgumentException($"cdsrnp: hidden_size must be >= 1, got {HiddenSize}");
        if (DomainLength < 1) throw new ArgumentException($"cdsrnp: domain_length must be >= 1, got {DomainLength}");
        if (MaxLength < 1) throw new ArgumentException($"cdsrnp: max_length must be >= 1, got {MaxLength}");
        if (Heads < 1 || HiddenSize % Heads != 0) throw new ArgumentException($"cdsrnp: heads must divide hidden_size {HiddenSize}, got {Heads}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"cdsrnp: dropout must be in [0, 1), got {Dropout}");
        if (!(LayerNormEps > 0)) throw new ArgumentException($"cdsrnp: layer_norm_eps must be > 0, got {LayerNormEps}");
        if (SupportSize < 1) throw new ArgumentException($"cdsrnp: support_size must be >= 1, got {SupportSize}");
        if (QueryPositives < 1) throw new ArgumentException($"cdsrnp: query_positives must be >= 1, got {QueryPositives}");
        if (!(KlWeight >= 0)) throw new ArgumentException($"cdsrnp: kl_weight must be >= 0, got {KlWeight}");
        if (!(L2 >= 0)) throw new ArgumentException($"cdsrnp: l2 must be >= 0, got {L2}");
        if (!Enum.IsDefined(Embedding)) throw new ArgumentException($"cdsrnp: unknown embedding {Embedding}");
        if (!Enum.IsDefined(SupportPool)) throw new ArgumentException($"cdsrnp: unknown support_pool {SupportPool}");
        if (!Enum.IsDefined(TrainSamples)) throw new ArgumentException($"cdsrnp: unknown train_samples {TrainSamples}");
    }
}

/// <summary>
/// CDSRNP: Cross-Domain Sequential Recommendation with Neural Processes (Li et al., arXiv 2410.13588), Sec. 3.
/// <code>
/// X_A, X_B  = the most recent T items of each domain, split from the mixed history by the item-&gt;domain buffer
/// E_spec^A  = V_A[X_A] + P_A,  E_shared^A = V[X_A] + P    (B alike; V_A and V_B are one table over shared ids,
///                                                          whose disjoint domain ranges make it exactly V_A | V_B)
/// X_spec^A  = Enc_spec(E_spec^A), X_shared^A = Enc_shared(E_shared^A)        (Eq. 7; padding positions zeroed)
/// F_A = MLP_A([X_spec^A + X_shared^A]), F_B alike, F = MLP([F_A + F_B + X_spec^A + X_shared^A + X_spec^B + X_shared^B])
/// f   = mean of F over positions where A or B has an item                     (Eq. 8-9; "+" = concatenation here)
/// r   = MLP_r([f + V[v] + y]);  r_s, r_q = means over support / query samples (Eq. 10-11)
/// r^  = ReLU(W_r r), mu = W_mu r^, log sigma = W_sigma r^, z = mu + eps * sigma (Eq. 12)
/// L_KL = KL(N(mu_q, sigma_q) || N(mu_s, sigma_s)), summed over D              (Eq. 13)
/// f_s = softmax((f W_Q)(F_S W_K)^T / sqrt(D)) (F_S W_V)                       (Eq. 14, F_S = the support samples' f)
/// d   = MLP_d([f + f_s + z]), z = z_q in training, mu_s in inference         (Eq. 15)
/// y^  = sigmoid(MLP_o([d + V[v]]))                                            (Eq. 16)
/// L   = mean over the query of (y^ - y)^2 + kl_weight * L_KL + l2 * ||Theta||^2 (Eq. 17-18)
/// </code>
/// Encoders are one pre-LN causal self-attention block (SASRec's) with a final LayerNorm; every MLP is
/// Linear(in, D) - ReLU - Linear(D, out). Training runs on <see cref="CdsrNpEpisode"/>s (<see cref="IEpisodicModel"/>);
/// <see cref="Score"/> uses the fixed inference support set held in buffers (<c>support_histories</c>,
/// <c>support_items</c>) and returns the logit of y^ (monotone in y^, without sigmoid saturation ties).
/// <see cref="Attach"/> must run before training or scoring a fresh model; a model loaded from a checkpoint has its
/// buffers back.
/// </summary>
public sealed class CdsrNp : SequentialRecommender, IEpisodicModel
{
    private readonly Embedding? item_specific;       // V_A | V_B over shared ids [N+1, D]
    private readonly Embedding item_shared;          // V-bar [N+1, D]
    private readonly Embedding? position_a, position_b;
    private readonly Embedding position_shared;      // P_A, P_B, P [T, D]
    private readonly CounterDropout dropout;
    private readonly TransformerStack? specific_encoder;
    private readonly LayerNorm? specific_norm;
    private readonly TransformerStack shared_encoder;
    private readonly LayerNorm shared_norm;
    private readonly Sequential mlp_a, mlp_b, mlp_fuse, mlp_r, mlp_d;
    private readonly Linear w_r, w_mu, w_sigma;
    private readonly Linear? w_q, w_k, w_v;
    private readonly Linear out_user, out_item, out_final; // MLP_o with its first layer split over [d | V[v]]
    private readonly Tensor item_domain;             // int64 [N+1]: 0 padding, 1 = domain A, 2 = domain B
    private readonly Tensor support_histories;       // int64 [S, L]
    private readonly Tensor support_items;           // int64 [S]
    private CdsrNpSamples? samples;
    private bool mapped;                             // item_domain known to be filled (by Attach or a loaded checkpoint)

    public CdsrNp(CdsrNpOptions options, int itemCount) : base(nameof(CdsrNp), itemCount, options.MaxLength)
    {
        options.Validate();
        Options = options;
        long d = options.HiddenSize, t = options.DomainLength;
        bool specific = options.Embedding == CdsrNpEmbedding.SpecificAndShared;
        item_shared = nn.Embedding(itemCount + 1L, d, padding_idx: 0);
        position_shared = nn.Embedding(t, d);
        if (specific)
        {
            item_specific = nn.Embedding(itemCount + 1L, d, padding_idx: 0);
            position_a = nn.Embedding(t, d);
            position_b = nn.Embedding(t, d);
            (specific_encoder, specific_norm) = Encoder(options);
        }
        (shared_encoder, shared_norm) = Encoder(options);
        dropout = new CounterDropout(options.Dropout);
        long views = specific ? 2 : 1;                                   // X per domain: spec + shared, or shared
        mlp_a = Mlp(views * d, d);
        mlp_b = Mlp(views * d, d);
        mlp_fuse = Mlp((2 + 2 * views) * d, d);
        mlp_r = Mlp(2 * d + 1, d);
        w_r = nn.Linear(d, d);
        w_mu = nn.Linear(d, d);
        w_sigma = nn.Linear(d, d);
        if (options.InterestAdaptive)
        {
            w_q = nn.Linear(d, d, hasBias: false);
            w_k = nn.Linear(d, d, hasBias: false);
            w_v = nn.Linear(d, d, hasBias: false);
        }
        mlp_d = Mlp((options.InterestAdaptive ? 3 : 2) * d, d);
        out_user = nn.Linear(d, d);
        out_item = nn.Linear(d, d, hasBias: false);
        out_final = nn.Linear(d, 1);
        RegisterComponents();
        register_buffer(nameof(item_domain), item_domain = zeros([itemCount + 1L], ScalarType.Int64));
        register_buffer(nameof(support_histories), support_histories = zeros([options.SupportSize, options.MaxLength], ScalarType.Int64));
        register_buffer(nameof(support_items), support_items = zeros([options.SupportSize], ScalarType.Int64));
        using (no_grad())
        using (NewDisposeScope()) // TorchSharp's init_ functions return a second wrapper of each tensor: disposed here
        {
            // PyTorch's defaults throughout (the paper is silent): embeddings N(0, 1), padding rows zero. A smaller scale makes
            // lambda ||Theta||^2 under Adam (which moves every row by ~lr per step) erase rarely seen items within a few epochs.
            foreach (var e in new[] { item_specific, item_shared, position_a, position_b, position_shared })
                e?.weight!.normal_(0, 1.0);
            item_shared.weight!.select(0, 0).zero_();
            item_specific?.weight!.select(0, 0).zero_();
        }
    }

    public CdsrNpOptions Options { get; }

    private static (TransformerStack, LayerNorm) Encoder(CdsrNpOptions o)
    {
        return (new TransformerStack(1, () => new TransformerBlock(o.HiddenSize, o.Heads, o.HiddenSize, o.Dropout, o.LayerNormEps)),
            nn.LayerNorm(o.HiddenSize, o.LayerNormEps));
    }

    /// <summary>Linear(input, output) - ReLU - Linear(output, output).</summary>
    private static Sequential Mlp(long input, long output) => nn.Sequential(nn.Linear(input, output), nn.ReLU(), nn.Linear(output, output));

    // ---- IEpisodicModel ----

    /// <summary>Reads the training samples, fills the item-&gt;domain buffer and draws the fixed inference support set.</summary>
    public void Attach(SequenceData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ItemCount != ItemCount) throw new ArgumentException($"CdsrNp: the model has {ItemCount} items, the data {data.ItemCount}");
        if (data.MaxLength != MaxLength) throw new ArgumentException($"CdsrNp: the model reads histories of {MaxLength} items, the data cuts them to {data.MaxLength}");
        if (data.View != SequenceView.Mixed)
            throw new ArgumentException($"CdsrNp reads both domains' sequences: train it on the mixed view (--domain mixed), not view {data.View.Name()}");
        var s = new CdsrNpSamples(data, Options.SupportPool, Options.TrainSamples);
        if (s.Pool.Count < Options.SupportSize)
            throw new CdsrDataException($"dataset {data.Dataset.Name}: the support pool ({Options.SupportPool}) has {s.Pool.Count} samples, fewer than support_size {Options.SupportSize}");
        int countA = data.Dataset.DomainA.Count;
        var domains = new long[ItemCount + 1];
        for (int i = 1; i <= ItemCount; i++) domains[i] = i <= countA ? 1 : 2;
        var rng = new SplitMix64(unchecked((ulong)Options.InferenceSupportSeed));
        var support = s.DrawSupport(ref rng, Options.SupportSize);
        using var scope = NewDisposeScope();
        var (histories, items) = s.Tensors(support);
        using (no_grad())
        {
            item_domain.copy_(tensor(domains, [ItemCount + 1L]));
            support_histories.copy_(histories);
            support_items.copy_(items);
        }
        samples = s;
        mapped = true;
    }

    /// <summary>Refuses to score with an empty item-&gt;domain map (a fresh model neither attached nor loaded would
    /// silently read every history as padding). One host read, on the first call only.</summary>
    private void CheckMapped()
    {
        if (mapped) return;
        using (no_grad())
        using (var max = item_domain.max())
            if (max.item<long>() == 0)
                throw new InvalidOperationException("CdsrNp: the item->domain map is empty: call Attach(data) or load a checkpoint before scoring");
        mapped = true;
    }

    public int EpisodeCount => Samples.EpisodeCount(Options.QueryPositives);

    public IEnumerable<IEpisode> Episodes(ulong seed, int epoch) => Samples.Episodes(seed, epoch, Options.QueryPositives, Options.SupportSize);

    /// <summary>The training samples read by <see cref="Attach"/>.</summary>
    public CdsrNpSamples Samples => samples ?? throw new InvalidOperationException("CdsrNp: call Attach(data) before training");

    /// <summary>MSE over the query + kl_weight * KL(q(z_q|Q) || q(z_s|S)) + l2 * ||Theta||^2 (Eq. 18).</summary>
    public Tensor EpisodeLoss(IEpisode episode)
    {
        var e = episode as CdsrNpEpisode ?? throw new ArgumentException($"CdsrNp: expected a {nameof(CdsrNpEpisode)}, got {episode?.GetType().Name}");
        using var scope = NewDisposeScope();
        long q = e.QueryPositives.size(0), s = e.SupportItems.size(0);
        // One encoder pass and one lookup of V-bar for the whole episode (each lookup's backward is a dense [N+1, D] gradient).
        var f = Features(cat([e.QueryHistories, e.SupportHistories])).f;            // [Q + S, D]
        var (fq, fs) = (f.narrow(0, 0, q), f.narrow(0, q, s));                       // [Q, D], [S, D]
        var v = item_shared.forward(cat([e.QueryPositives, e.QueryNegatives, e.SupportItems])); // [2Q + S, D]
        var (vq, vs) = (v.narrow(0, 0, 2 * q), v.narrow(0, 2 * q, s));               // [2Q, D], [S, D]
        var labels = cat([ones([q]), zeros([q])]);                                   // [2Q]
        var fq2 = cat([fq, fq]);                                                     // [2Q, D]
        var (muQ, logSigmaQ) = Latent(Represent(fq2, vq, labels).mean([0L]));           // [D], [D]
        var (muS, logSigmaS) = Latent(Represent(fs, vs, ones([s])).mean([0L]));
        var zq = muQ + randn(muQ.shape) * logSigmaQ.exp();                           // [D]
        var kl = KlDivergence(muQ, logSigmaQ, muS, logSigmaS);                       // []
        var user = Decode(fq, fs, zq);                                               // [Q, D]
        var logits = Logits(cat([user, user]), vq);                                  // [2Q]
        var loss = nn.functional.mse_loss(logits.sigmoid(), labels) + kl * Options.KlWeight;
        if (Options.L2 > 0)
        {
            var l2 = zeros([]);
            foreach (var p in parameters()) l2 = l2 + p.square().sum();
            loss = loss + l2 * Options.L2;
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>KL(N(mu_q, sigma_q^2) || N(mu_p, sigma_p^2)) of diagonal Gaussians given log sigma, summed over the last dim:
    /// [*, D] -&gt; [*].</summary>
    public static Tensor KlDivergence(Tensor muQ, Tensor logSigmaQ, Tensor muP, Tensor logSigmaP)
    {
        using var scope = NewDisposeScope();
        return Gaussian.KlDivergence(muQ, logSigmaQ * 2.0, muP, logSigmaP * 2.0).MoveToOuterDisposeScope();
    }

    // ---- SequentialRecommender ----

    /// <summary>Mixed histories [B, L] -&gt; fused per-position representations F [B, T, D] (T = domain_length, not L).</summary>
    public override Tensor Encode(Tensor items) => Features(items).F;

    /// <summary>Shared embeddings V-bar: [*] -&gt; [*, D].</summary>
    public override Tensor ItemEmbeddings(Tensor items) => item_shared.forward(items);

    public override Tensor Loss(TrainBatch batch) =>
        throw new NotSupportedException("CdsrNp trains on support/query episodes (IEpisodicModel.EpisodeLoss), not on next-item batches");

    /// <summary>histories [B, L]; candidates [B, C] or [C] -&gt; logits of y^ [B, C], decoded with the fixed inference
    /// support set and mu_s (<see cref="InferenceSupport"/>).</summary>
    public override Tensor Score(Tensor histories, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        // The support set depends on the weights only: the ONNX export computes it once and holds F_S and mu_s as
        // constants (Cdsr.Onnx's CdsrNpOnnx) instead of re-encoding the support histories on every call.
        var (supportF, supportMu) = InferenceSupport();
        return Score(histories, candidates, supportF, supportMu).MoveToOuterDisposeScope();
    }

    /// <summary>The fixed inference support set's representations under the current weights: (F_S [S, D], mu_s [D]).
    /// <see cref="Score(Tensor, Tensor)"/> recomputes them on every eager call (S sequences, negligible beside the
    /// candidates), so they always match the weights; an ONNX export holds them as constants.</summary>
    public (Tensor SupportF, Tensor SupportMu) InferenceSupport()
    {
        using var scope = NewDisposeScope();
        long s = support_items.size(0);
        var fs = Features(support_histories).f;                                      // [S, D]
        var mu = Latent(Represent(fs, item_shared.forward(support_items), ones([s])).mean([0L])).Mu; // [D]
        return (fs.MoveToOuterDisposeScope(), mu.MoveToOuterDisposeScope());
    }

    /// <summary>Score with given support representations: histories [B, L], candidates [B, C] or [C], F_S [S, D], mu_s [D]
    /// -&gt; logits [B, C].</summary>
    public Tensor Score(Tensor histories, Tensor candidates, Tensor supportF, Tensor supportMu)
    {
        if (histories.dim() != 2 || histories.size(1) != MaxLength)
            throw new ArgumentException($"CdsrNp.Score: histories must be [B, {MaxLength}], got [{string.Join(", ", histories.shape)}]");
        if (candidates.dim() is not (1 or 2))
            throw new ArgumentException($"CdsrNp.Score: candidates must be [B, C] or [C], got [{string.Join(", ", candidates.shape)}]");
        CheckMapped();
        using var scope = NewDisposeScope();
        long b = histories.size(0);
        var f = Features(histories).f;                                               // [B, D]
        var user = out_user.forward(Decode(f, supportF, supportMu));                 // [B, D]
        Tensor item;                                                                 // [C, D] or [B, C, D]
        if (candidates.dim() == 2 && candidates.numel() > ItemCount + 1L)
            item = out_item.forward(item_shared.weight).index_select(0, candidates.reshape(-1)).view(b, candidates.size(1), -1);
        else
            item = out_item.forward(item_shared.forward(candidates));
        var hidden = (user.unsqueeze(1) + item).relu();                              // [B, C, D]
        return out_final.forward(hidden).squeeze(-1).MoveToOuterDisposeScope();      // [B, C]
    }

    // ---- blocks ----

    /// <summary>Splits mixed histories [B, L] into each domain's most recent T items, left-padded: (A [B, T], B [B, T]).</summary>
    public (Tensor A, Tensor B) SplitDomains(Tensor histories) => (DomainItems(histories, 1), DomainItems(histories, 2));

    /// <summary>The most recent T items of domain <paramref name="code"/> (1 = A, 2 = B) of mixed histories [B, L], left-padded
    /// [B, T]. Pure tensor code: slot j takes the item whose rank from the end among that domain's items is T - j.</summary>
    private Tensor DomainItems(Tensor histories, long code)
    {
        using var scope = NewDisposeScope();
        long t = Options.DomainLength;
        var mask = item_domain.index_select(0, histories.reshape(-1)).view(histories.shape).eq(code);  // [B, L]
        var rank = mask.to(ScalarType.Int64).flip(1).cumsum(1).flip(1);                               // [B, L] 1 = most recent
        var want = arange(t, 0, -1).view(1, t, 1);                                                      // [1, T, 1]
        var match = rank.unsqueeze(1).eq(want).logical_and(mask.unsqueeze(1));                        // [B, T, L]
        return (match.to(ScalarType.Int64) * histories.unsqueeze(1)).sum(-1).MoveToOuterDisposeScope(); // [B, T]
    }

    /// <summary>Mixed histories [B, L] -&gt; (F [B, T, D], f [B, D]) (Eq. 6-9).</summary>
    private (Tensor F, Tensor f) Features(Tensor histories)
    {
        using var scope = NewDisposeScope();
        long n = histories.size(0), t = Options.DomainLength;
        var a = DomainItems(histories, 1);                                           // [B, T]
        var bItems = DomainItems(histories, 2);                                      // [B, T]
        var both = cat([a, bItems]);                                                 // [2B, T]: A rows, then B rows
        var padding = both.eq(0.0);                                                  // [2B, T]
        var positions = arange(t);                                                   // [T]
        var shared = Run(shared_encoder, shared_norm, item_shared.forward(both) + position_shared.forward(positions), padding); // [2B, T, D]
        var (sharedA, sharedB) = (shared.narrow(0, 0, n), shared.narrow(0, n, n));
        Tensor fa, fb, fused;
        if (item_specific is not null)
        {
            var pos = cat([position_a!.forward(positions).unsqueeze(0).expand(n, -1, -1), position_b!.forward(positions).unsqueeze(0).expand(n, -1, -1)]);
            var spec = Run(specific_encoder!, specific_norm!, item_specific.forward(both) + pos, padding); // [2B, T, D]
            var (specA, specB) = (spec.narrow(0, 0, n), spec.narrow(0, n, n));
            fa = mlp_a.forward(cat([specA, sharedA], -1));                           // [B, T, D]
            fb = mlp_b.forward(cat([specB, sharedB], -1));
            fused = mlp_fuse.forward(cat([fa, fb, specA, sharedA, specB, sharedB], -1)); // [B, T, D]
        }
        else
        {
            fa = mlp_a.forward(sharedA);
            fb = mlp_b.forward(sharedB);
            fused = mlp_fuse.forward(cat([fa, fb, sharedA, sharedB], -1));
        }
        var valid = a.ne(0.0).logical_or(bItems.ne(0.0)).to(ScalarType.Float32).unsqueeze(2); // [B, T, 1]
        var f = (fused * valid).sum(1) / valid.sum(1).clamp_min(1.0);                // [B, D]
        return (fused.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    /// <summary>One masked self-attention encoder over embeddings [n, T, D]; padding positions are zero in and out.</summary>
    private Tensor Run(TransformerStack encoder, LayerNorm norm, Tensor embeddings, Tensor padding)
    {
        using var scope = NewDisposeScope();
        var keep = padding.logical_not().unsqueeze(2).to(ScalarType.Float32);       // [n, T, 1]
        var x = dropout.forward(embeddings) * keep;                                  // [n, T, D]
        x = encoder.forward(x, Masks.Causal(embeddings.size(1), embeddings.device), padding) * keep;
        return (norm.forward(x) * keep).MoveToOuterDisposeScope();                  // [n, T, D]
    }

    /// <summary>r = MLP_r([f + V[v] + y]): f [n, D], candidate embeddings V[v] [n, D], labels [n] -&gt; [n, D] (Eq. 10).</summary>
    private Tensor Represent(Tensor f, Tensor candidates, Tensor labels) => mlp_r.forward(cat([f, candidates, labels.unsqueeze(1)], -1));

    /// <summary>r [D] -&gt; (mu [D], log sigma [D]) (Eq. 12). log sigma is clamped to [-10, 10] as a numerical guard.</summary>
    private (Tensor Mu, Tensor LogSigma) Latent(Tensor r)
    {
        var hidden = w_r.forward(r).relu();
        return (w_mu.forward(hidden), w_sigma.forward(hidden).clamp(-10.0, 10.0));
    }

    /// <summary>d = MLP_d([f + f_s + z]) (Eq. 14-15): f [n, D], support f [S, D], z [D] -&gt; [n, D].</summary>
    private Tensor Decode(Tensor f, Tensor supportF, Tensor z)
    {
        var parts = new List<Tensor> { f };
        if (w_q is not null)
        {
            var attended = nn.functional.scaled_dot_product_attention(w_q.forward(f).unsqueeze(0), w_k!.forward(supportF).unsqueeze(0),
                w_v!.forward(supportF).unsqueeze(0));                                // [1, n, D]
            parts.Add(attended.squeeze(0));
        }
        // z [D] repeated for each of the n rows by broadcasting against f (exactly 0 + z).
        parts.Add((f - f) + z);
        return mlp_d.forward(cat(parts, -1));
    }

    /// <summary>Logits of MLP_o([d + V[v]]) (Eq. 16): d [n, D], candidate embeddings V[v] [n, D] -&gt; [n].</summary>
    private Tensor Logits(Tensor d, Tensor candidates) =>
        out_final.forward((out_user.forward(d) + out_item.forward(candidates)).relu()).squeeze(-1);
}
