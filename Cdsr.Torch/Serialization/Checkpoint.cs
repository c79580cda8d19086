using System.Globalization;
using Cdsr.Torch.Optimizers;
using static Cdsr.Torch.torch;

namespace Cdsr.Torch.Serialization;

/// <summary>
/// A training checkpoint in one safetensors file: everything needed to resume a run bit-identically.
/// <code>
/// tensors   model.{name}        the module's parameters and buffers (its state_dict)
///           optim.{key}         the optimizer's state_dict (step counts, moments, hyper-parameters), if given
///           rng.cpu             uint8 [n]: libtorch's default CPU generator state (dropout, sampling)
/// metadata  format = cdsr.checkpoint, version = 1 (the signature and layout version checked on load)
///           scheduler.last_epoch   when a scheduler was given
///           any caller metadata (keys without the reserved prefixes)
/// </code>
/// </summary>
public static class Checkpoint
{
    public const string Format = "cdsr.checkpoint";
    public const int Version = 1;

    private const string ModelPrefix = "model.", OptimPrefix = "optim.", RngKey = "rng.cpu";
    private const string FormatKey = "format", VersionKey = "version", EpochKey = "scheduler.last_epoch";

    /// <summary>Writes <paramref name="module"/> (and the optional optimizer, scheduler, RNG state and metadata) to
    /// <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, nn.Module module, Optimizer? optimizer = null, LRScheduler? scheduler = null,
        bool include_rng = true, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                if (IsReserved(k)) throw new ArgumentException($"checkpoint metadata key '{k}' is reserved", nameof(metadata));
                meta[k] = v;
            }
        meta[FormatKey] = Format;
        meta[VersionKey] = Version.ToString(CultureInfo.InvariantCulture);
        if (scheduler is not null) meta[EpochKey] = scheduler.last_epoch.ToString(CultureInfo.InvariantCulture);

        using var scope = NewDisposeScope(); // owns the optimizer copies and the RNG tensor, not the module's tensors
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, t) in module.state_dict()) tensors[ModelPrefix + k] = t;
        if (optimizer is not null)
            foreach (var (k, t) in optimizer.state_dict()) tensors[OptimPrefix + k] = t;
        if (include_rng) tensors[RngKey] = tensor(get_rng_state());
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Restores what <see cref="Save"/> wrote into <paramref name="module"/> (strictly: every key must match) and, when
    /// given, <paramref name="optimizer"/> and <paramref name="scheduler"/>; restores the RNG state when the file has
    /// one and <paramref name="restore_rng"/>. The file, its signature and the presence of every requested part are
    /// checked before anything changes; the module and the optimizer each reject a mismatch without changing
    /// themselves, but a module already loaded stays loaded if the optimizer's state then does not fit.
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, nn.Module module, Optimizer? optimizer = null,
        LRScheduler? scheduler = null, bool restore_rng = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var scope = NewDisposeScope();
        var (tensors, meta) = SafeTensors.LoadWithMetadata(path);
        if (!meta.TryGetValue(FormatKey, out var format) || format != Format)
            throw new SafeTensorsFormatException(path, $"not a checkpoint: metadata 'format' is {(format is null ? "absent" : $"'{format}'")}, expected '{Format}'");
        if (!meta.TryGetValue(VersionKey, out var version) || version != Version.ToString(CultureInfo.InvariantCulture))
            throw new SafeTensorsFormatException(path, $"checkpoint version {(version ?? "absent")} is not supported (this build reads version {Version})");

        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optim = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor? rng = null;
        foreach (var (k, t) in tensors)
        {
            if (k.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[k[ModelPrefix.Length..]] = t;
            else if (k.StartsWith(OptimPrefix, StringComparison.Ordinal)) optim[k[OptimPrefix.Length..]] = t;
            else if (k == RngKey) rng = t;
            else throw new SafeTensorsFormatException(path, $"unknown checkpoint entry '{k}'");
        }
        if (optimizer is not null && optim.Count == 0) throw new SafeTensorsFormatException(path, "the checkpoint holds no optimizer state");
        int? epoch = null;
        if (scheduler is not null)
        {
            if (!meta.TryGetValue(EpochKey, out var e) || !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                throw new SafeTensorsFormatException(path, $"the checkpoint holds no valid '{EpochKey}' for the scheduler");
            epoch = parsed;
        }
        if (rng is not null && rng.dtype != ScalarType.Byte)
            throw new SafeTensorsFormatException(path, $"'{RngKey}' is {rng.dtype}, expected uint8");

        try
        {
            module.load_state_dict(model, strict: true);
        }
        catch (ArgumentException e)
        {
            throw new SafeTensorsFormatException(path, e.Message);
        }
        if (optimizer is not null)
        {
            try
            {
                optimizer.load_state_dict(optim);
            }
            catch (ArgumentException e)
            {
                throw new SafeTensorsFormatException(path, e.Message);
            }
        }
        if (epoch is int ep) scheduler!.last_epoch = ep;
        if (rng is not null && restore_rng) set_rng_state(rng.data<byte>());
        return meta;
    }

    private static bool IsReserved(string key) => key is FormatKey or VersionKey || key.StartsWith("scheduler.", StringComparison.Ordinal);
}
