using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cdsr.Trainers.Models;

/// <summary>One trainable model: its name, default options and a factory.</summary>
public sealed class ModelSpec
{
    private readonly Func<ISequentialModelOptions, int, SequentialRecommender> _create;

    internal ModelSpec(string name, string description, ISequentialModelOptions defaults, Func<ISequentialModelOptions, int, SequentialRecommender> create)
    {
        Name = name;
        Description = description;
        Defaults = defaults;
        _create = create;
    }

    /// <summary>Command-line name (lower case), e.g. "sasrec".</summary>
    public string Name { get; }
    public string Description { get; }
    /// <summary>The options record with every paper default.</summary>
    public ISequentialModelOptions Defaults { get; }
    public Type OptionsType => Defaults.GetType();

    /// <summary>Builds the model for a vocabulary of <paramref name="itemCount"/> items (validates the options first).</summary>
    public SequentialRecommender Create(ISequentialModelOptions options, int itemCount)
    {
        if (options.GetType() != OptionsType) throw new ArgumentException($"{Name} takes {OptionsType.Name}, got {options.GetType().Name}");
        options.Validate();
        return _create(options, itemCount);
    }

    /// <summary>Options from JSON (unknown keys are an error), or the defaults when <paramref name="json"/> is null.</summary>
    public ISequentialModelOptions ReadOptions(JsonObject? json) =>
        json is null ? Defaults : OptionsJson.Read<ISequentialModelOptions>(json, OptionsType, $"{Name} options");
}

/// <summary>The models <c>cdsr train --model</c> knows. A new model adds one line to <see cref="All"/>.</summary>
public static class ModelCatalog
{
    public static readonly IReadOnlyList<ModelSpec> All =
    [
        new("sasrec", "SASRec (Kang & McAuley 2018): causal self-attention", new SasRecOptions(), (o, n) => new SasRec((SasRecOptions)o, n)),
        new("gru4rec", "GRU4Rec (Hidasi et al. 2016): GRU over the sequence", new Gru4RecOptions(), (o, n) => new Gru4Rec((Gru4RecOptions)o, n)),
        new("cdsrnp", "CDSRNP (Li et al. 2024): neural-process meta-learning over overlapped users' support sets", new CdsrNpOptions(), (o, n) => new CdsrNp((CdsrNpOptions)o, n)),
    ];

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    public static ModelSpec Get(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown model '{name}': expected one of {string.Join(", ", Names)}");
}

/// <summary>
/// Options records as JSON (snake_case keys, enums as snake_case strings) and key=value overrides from the command
/// line. Reading is strict: an unknown key or a value of the wrong type is an error naming the key.
/// </summary>
public static class OptionsJson
{
    public static readonly JsonSerializerOptions Settings = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        WriteIndented = true,
    };

    public static JsonObject Write(object options) =>
        JsonSerializer.SerializeToNode(options, options.GetType(), Settings)!.AsObject();

    public static T Read<T>(JsonObject json, Type type, string what)
    {
        try
        {
            return (T)(json.Deserialize(type, Settings) ?? throw new JsonException("null"));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{what}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// Applies <c>key=value</c> overrides to <paramref name="options"/>: keys are the snake_case option names (dashes
    /// allowed for underscores, case-insensitive); values are parsed as the option's type. Returns a new record and the
    /// overrides no key of this record matched (the caller decides whether they belong elsewhere or are an error).
    /// </summary>
    public static (T Options, Dictionary<string, string> Unused) Apply<T>(T options, IReadOnlyDictionary<string, string> overrides, string what) where T : notnull
    {
        var json = Write(options);
        var unused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in overrides)
        {
            var key = rawKey.Trim().Replace('-', '_').ToLowerInvariant();
            if (!json.ContainsKey(key)) { unused[rawKey] = value; continue; }
            json[key] = ParseLike(json[key], value, key, what);
        }
        return (Read<T>(json, options.GetType(), what), unused);
    }

    private static JsonNode? ParseLike(JsonNode? current, string value, string key, string what)
    {
        var kind = current?.GetValueKind() ?? JsonValueKind.String;
        try
        {
            return kind switch
            {
                JsonValueKind.Number => JsonNode.Parse(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                    .ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                JsonValueKind.True or JsonValueKind.False => JsonValue.Create(bool.Parse(value)),
                JsonValueKind.Array => new JsonArray(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(v => (JsonNode?)JsonValue.Create(int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
                _ => JsonValue.Create(value),
            };
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{what}: '{key}={value}': the value is not a {kind.ToString().ToLowerInvariant()}");
        }
    }
}
