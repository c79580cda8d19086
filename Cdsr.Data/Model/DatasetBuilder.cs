using Cdsr.Data.Evaluation;

namespace Cdsr.Data.Model;

/// <summary>Accumulates users, interactions and instances; <see cref="Build"/> validates and freezes them.
/// Importers and generators use it so every dataset passes the same checks.</summary>
public sealed class DatasetBuilder
{
    private readonly List<string> _userIds = [];
    private readonly Dictionary<string, int> _userIndex = new(StringComparer.Ordinal);
    private readonly List<int> _offsets = [0];
    private readonly List<Interaction> _interactions = [];
    private readonly List<Instance> _instances = [];
    private readonly List<string> _notes = [];

    public DatasetBuilder(string name, string sourceFormat, TimeKind timeKind)
    {
        Name = name;
        SourceFormat = sourceFormat;
        TimeKind = timeKind;
    }

    public string Name { get; }
    public string SourceFormat { get; }
    public TimeKind TimeKind { get; }
    public DomainVocabulary? DomainA { get; set; }
    public DomainVocabulary? DomainB { get; set; }
    public EvaluationProtocol Protocol { get; set; } = EvaluationProtocol.Sampled999TargetOnly;
    public CandidateSets? Candidates { get; set; }

    public int UserCount => _userIds.Count;

    /// <summary>Adds a user and its time-ordered interactions; returns the user index. A duplicate id throws.</summary>
    public int AddUser(string userId, ReadOnlySpan<Interaction> interactions)
    {
        if (!_userIndex.TryAdd(userId, _userIds.Count)) throw new CdsrDataException($"dataset {Name}: duplicate user id '{userId}'");
        if (interactions.Length == 0) throw new CdsrDataException($"dataset {Name}: user '{userId}' has an empty sequence");
        _userIds.Add(userId);
        foreach (var x in interactions) _interactions.Add(x);
        _offsets.Add(_interactions.Count);
        return _userIds.Count - 1;
    }

    /// <summary>Index of a user already added, or -1.</summary>
    public int FindUser(string userId) => _userIndex.TryGetValue(userId, out var u) ? u : -1;

    /// <summary>The interactions of user <paramref name="user"/> added so far.</summary>
    public ReadOnlySpan<Interaction> Sequence(int user) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_interactions)[_offsets[user].._offsets[user + 1]];

    public int SequenceLength(int user) => _offsets[user + 1] - _offsets[user];

    public void AddInstance(Instance instance) => _instances.Add(instance);

    /// <summary>Adds an import finding that is not an error but must be reported.</summary>
    public void AddNote(string note) => _notes.Add(note);

    public CdsrDataset Build()
    {
        var a = DomainA ?? throw new CdsrDataException($"dataset {Name}: domain A vocabulary not set");
        var b = DomainB ?? throw new CdsrDataException($"dataset {Name}: domain B vocabulary not set");
        return new CdsrDataset(Name, SourceFormat, TimeKind, a, b, [.. _userIds], [.. _offsets], [.. _interactions],
            [.. _instances], Protocol, [.. _notes], Candidates);
    }
}
