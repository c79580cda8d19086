using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Serialization;

/// <summary>
/// A training checkpoint in one safetensors file: everything needed to resume a run bit-identically.
/// <code>
/// tensors   model.{name}        the module's parameters and buffers (its state_dict)
///           optim.{key}         the optimizer's state (<see cref="OptimizerStateDict"/>: PyTorch's state_dict keys), if given
///           rng.cpu             uint8 [n]: libtorch's default CPU generator state (dropout, sampling)
/// metadata  format = cdsr.checkpoint, version = 1 (the signature and layout version checked on load)
///           scheduler.last_epoch   when a scheduler was given
///           any caller metadata (keys without the reserved prefixes)
/// </code>
/// The layout is the one the project's own libtorch 1.13 binding wrote, so checkpoints of earlier runs load when their
/// tensors match the model (<c>CheckpointTests</c> loads one written by that engine).
/// </summary>
public static class Checkpoint
{
    public const string Format = "cdsr.checkpoint";
    public const int Version = 1;

    private const string ModelPrefix = "model.", OptimPrefix = "optim.", RngKey = "rng.cpu";
    private const string FormatKey = "format", VersionKey = "version";

    /// <summary>Writes <paramref name="module"/> (and the optional optimizer, RNG state and metadata) to
    /// <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, nn.Module module, optim.Optimizer? optimizer = null,
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

        using var scope = NewDisposeScope(); // owns the optimizer copies and the RNG tensor, not the module's tensors
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, t) in module.state_dict()) tensors[ModelPrefix + k] = t;
        if (optimizer is not null)
            foreach (var (k, t) in OptimizerStateDict.Save(optimizer)) tensors[OptimPrefix + k] = t;
        if (include_rng) tensors[RngKey] = random.get_rng_state();
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Restores what <see cref="Save"/> wrote into <paramref name="module"/> (strictly: every key must match) and, when
    /// given, <paramref name="optimizer"/>; restores the RNG state when the file has
    /// one and <paramref name="restore_rng"/>. The file, its signature and the presence of every requested part are
    /// checked before anything changes; the module and the optimizer each reject a mismatch without changing
    /// themselves, but a module already loaded stays loaded if the optimizer's state then does not fit.
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, nn.Module module, optim.Optimizer? optimizer = null,
        bool restore_rng = true)
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
        if (rng is not null && rng.dtype != ScalarType.Byte)
            throw new SafeTensorsFormatException(path, $"'{RngKey}' is {rng.dtype}, expected uint8");

        try
        {
            LoadStrict(module, model);
        }
        catch (ArgumentException e)
        {
            throw new SafeTensorsFormatException(path, e.Message);
        }
        if (optimizer is not null)
        {
            try
            {
                OptimizerStateDict.Load(optimizer, optim);
            }
            catch (ArgumentException e)
            {
                throw new SafeTensorsFormatException(path, e.Message);
            }
        }
        if (rng is not null && restore_rng) random.set_rng_state(rng);
        return meta;
    }

    private static bool IsReserved(string key) => key is FormatKey or VersionKey || key.StartsWith("scheduler.", StringComparison.Ordinal);

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="module"/>'s state_dict after checking everything first: the
    /// same keys (missing and unexpected ones named), and each tensor's shape and dtype; all problems in one message and
    /// nothing copied on error. (TorchSharp 0.107's strict load_state_dict says only that the dictionaries differ.)
    /// </summary>
    public static void LoadStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> source)
    {
        var target = module.state_dict();
        var problems = new List<string>();
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0) problems.Add($"missing {Names(missing)}");
        if (unexpected.Count > 0) problems.Add($"unexpected {Names(unexpected)}");
        foreach (var (k, t) in target)
        {
            if (!source.TryGetValue(k, out var s)) continue;
            if (!s.shape.SequenceEqual(t.shape))
                problems.Add($"'{k}' has shape [{string.Join(", ", s.shape)}], the model's is [{string.Join(", ", t.shape)}]");
            else if (s.dtype != t.dtype) problems.Add($"'{k}' is {s.dtype}, the model's is {t.dtype}");
        }
        if (problems.Count > 0) throw new ArgumentException($"state_dict does not fit {module.GetName()}: {string.Join("; ", problems)}");
        using (no_grad())
            foreach (var (k, t) in target) t.copy_(source[k]);

        static string Names(List<string> keys) =>
            string.Join(", ", keys.Take(5).Select(k => $"'{k}'")) + (keys.Count > 5 ? $" and {keys.Count - 5} more" : "");
    }
}
