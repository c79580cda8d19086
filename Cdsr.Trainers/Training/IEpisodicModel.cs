using Cdsr.Trainers.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Training;

/// <summary>One unit of episodic training (e.g. a meta-learning episode: a support set and a query set). It owns its
/// tensors.</summary>
public interface IEpisode : IDisposable
{
    /// <summary>Labelled samples the episode's loss is computed over (its query set), for throughput reports.</summary>
    int Samples { get; }
}

/// <summary>
/// A model that trains on its own episodes instead of <see cref="SequenceData.TrainBatches"/> (CDSRNP's support/query
/// episodes). The <see cref="Trainer"/> keeps everything else (optimizer step, clipping, validation, checkpoints):
/// <list type="number">
/// <item><see cref="Attach"/> once after the model is built and before a checkpoint is restored: the model reads what it
/// needs from the training data (sample tables, and any data-derived buffers, which checkpoints then carry);</item>
/// <item>per epoch, <see cref="Episodes"/> replaces the batches and <see cref="EpisodeLoss"/> replaces
/// <see cref="Models.SequentialRecommender.Loss"/>.</item>
/// </list>
/// Episodes must depend on (seed, epoch) only — the host-side sampling stream is derived from them, as
/// <see cref="SequenceData.TrainBatches"/> does — so a resumed run replays an epoch's episodes exactly; random draws
/// inside the loss (dropout, reparameterisation noise) use libtorch's generator, whose state the checkpoint holds.
/// </summary>
public interface IEpisodicModel
{
    /// <summary>Prepares the model for <paramref name="data"/> (its view and maximum length).</summary>
    void Attach(SequenceData data);

    /// <summary>Episodes of one epoch (for progress reports); valid after <see cref="Attach"/>.</summary>
    int EpisodeCount { get; }

    /// <summary>The episodes of epoch <paramref name="epoch"/> (1-based), drawn from (<paramref name="seed"/>, epoch) only.</summary>
    IEnumerable<IEpisode> Episodes(ulong seed, int epoch);

    /// <summary>Scalar training loss of one episode.</summary>
    Tensor EpisodeLoss(IEpisode episode);
}
