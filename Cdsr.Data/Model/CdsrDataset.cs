using Cdsr.Data.Evaluation;

namespace Cdsr.Data.Model;

/// <summary>
/// A two-domain sequential recommendation dataset, stored once:
/// <list type="bullet">
/// <item>two item vocabularies (dense ids 1..n per domain, 0 = padding) and a shared id space where B follows A;</item>
/// <item>users, each owning a time-ordered run of <see cref="Interaction"/>s in one flat array
/// (<c>Interactions[UserOffsets[u] .. UserOffsets[u+1])</c>); mixed and per-domain sequences are views of it;</item>
/// <item>the split as <see cref="Instance"/>s (user, target position, history end, part) over those runs;</item>
/// <item>the evaluation protocol of the source, and optionally the evaluation candidate sets.</item>
/// </list>
/// Constructed through <see cref="DatasetBuilder"/>, which validates everything (<see cref="CdsrDataException"/>).
/// </summary>
public sealed class CdsrDataset
{
    private readonly DomainVocabulary _a, _b;
    private readonly string[] _userIds;
    private readonly int[] _offsets;          // [Users + 1]
    private readonly Interaction[] _interactions;
    private readonly Instance[] _instances;

    internal CdsrDataset(string name, string sourceFormat, TimeKind timeKind, DomainVocabulary a, DomainVocabulary b,
        string[] userIds, int[] offsets, Interaction[] interactions, Instance[] instances, EvaluationProtocol protocol,
        IReadOnlyList<string> notes, CandidateSets? candidates)
    {
        Name = name;
        SourceFormat = sourceFormat;
        TimeKind = timeKind;
        _a = a;
        _b = b;
        _userIds = userIds;
        _offsets = offsets;
        _interactions = interactions;
        _instances = instances;
        Protocol = protocol;
        Notes = notes;
        Candidates = candidates;
        Validate();
    }

    /// <summary>Dataset name (e.g. "abxi-food-kitchen").</summary>
    public string Name { get; }
    /// <summary>The importer format it came from (c2dsr, amid, abxi, llmcdsr, synthetic, ...).</summary>
    public string SourceFormat { get; }
    public TimeKind TimeKind { get; }
    public EvaluationProtocol Protocol { get; }
    /// <summary>Findings of the import that are not errors but must not be hidden (e.g. AMID's id conflicts).</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>Evaluation candidates of the valid/test instances, when built or imported.</summary>
    public CandidateSets? Candidates { get; }

    public DomainVocabulary DomainA => _a;
    public DomainVocabulary DomainB => _b;
    public DomainVocabulary Vocabulary(Domain d) => d == Domain.A ? _a : _b;

    public int UserCount => _userIds.Length;
    public int InteractionCount => _interactions.Length;
    public ReadOnlySpan<string> UserIds => _userIds;
    public ReadOnlySpan<int> UserOffsets => _offsets;
    public ReadOnlySpan<Interaction> Interactions => _interactions;
    public ReadOnlySpan<Instance> Instances => _instances;

    /// <summary>Total items of both domains (shared ids 1..SharedItemCount).</summary>
    public int SharedItemCount => _a.Count + _b.Count;

    /// <summary>Shared id of a domain item: A keeps its id, B is offset by |A|. 0 stays padding.</summary>
    public int SharedId(Domain domain, int item) => item == 0 ? 0 : domain == Domain.A ? item : _a.Count + item;

    /// <summary>Inverse of <see cref="SharedId"/>.</summary>
    public (Domain Domain, int Item) FromSharedId(int shared)
    {
        if (shared <= 0 || shared > SharedItemCount) throw new ArgumentOutOfRangeException(nameof(shared), $"shared id {shared} outside 1..{SharedItemCount}");
        return shared <= _a.Count ? (Domain.A, shared) : (Domain.B, shared - _a.Count);
    }

    /// <summary>The user's interactions of both domains in time order (a span of the stored array).</summary>
    public ReadOnlySpan<Interaction> Sequence(int user) => _interactions.AsSpan(_offsets[user], _offsets[user + 1] - _offsets[user]);

    /// <summary>The user's interactions of one domain (a filtering view).</summary>
    public DomainSequence Sequence(int user, Domain domain) => new(Sequence(user), domain);

    public Interaction Target(in Instance x) => Sequence(x.User)[x.TargetIndex];

    public HistoryView History(in Instance x)
    {
        var s = Sequence(x.User);
        return new HistoryView(s[..x.TargetIndex], s[(x.TargetIndex + 1)..Math.Max(x.TargetIndex + 1, x.HistoryEnd)]);
    }

    /// <summary>Indices into <see cref="Instances"/> of one part, in order.</summary>
    public int[] InstancesOf(SplitPart part)
    {
        var r = new List<int>();
        for (int i = 0; i < _instances.Length; i++) if (_instances[i].Part == part) r.Add(i);
        return r.ToArray();
    }

    /// <summary>The same dataset with <paramref name="candidates"/> attached (arrays are shared, not copied).</summary>
    public CdsrDataset WithCandidates(CandidateSets? candidates) =>
        new(Name, SourceFormat, TimeKind, _a, _b, _userIds, _offsets, _interactions, _instances, Protocol, Notes, candidates);

    private void Validate()
    {
        _a.Validate();
        _b.Validate();
        if (_offsets.Length != _userIds.Length + 1 || _offsets[0] != 0 || _offsets[^1] != _interactions.Length)
            throw new CdsrDataException($"dataset {Name}: user offsets do not cover the {_interactions.Length} interactions");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int u = 0; u < _userIds.Length; u++)
        {
            if (!seen.Add(_userIds[u])) throw new CdsrDataException($"dataset {Name}: duplicate user id '{_userIds[u]}'");
            var s = Sequence(u);
            if (s.Length == 0) throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' has an empty sequence");
            long lastA = long.MinValue, lastB = long.MinValue, last = long.MinValue;
            bool sawB = false;
            for (int i = 0; i < s.Length; i++)
            {
                var x = s[i];
                var vocab = Vocabulary(x.Domain);
                if (x.Domain is not (Domain.A or Domain.B))
                    throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' position {i}: unknown domain {(int)x.Domain}");
                if (x.Item < 1 || x.Item > vocab.Count)
                    throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' position {i}: unknown item {x.Item} of domain {vocab.Name} (ids 1..{vocab.Count})");
                if (TimeKind == TimeKind.PerDomainOrdinal)
                {
                    ref long l = ref x.Domain == Domain.A ? ref lastA : ref lastB;
                    if (x.Timestamp < l) throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' position {i}: {vocab.Name} interactions out of order");
                    l = x.Timestamp;
                    if (x.Domain == Domain.B) sawB = true;
                    else if (sawB) throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' position {i}: per-domain ordering expects every {_a.Name} interaction before the {_b.Name} ones");
                }
                else
                {
                    if (x.Timestamp < last) throw new CdsrDataException($"dataset {Name}: user '{_userIds[u]}' position {i}: timestamp {x.Timestamp} before the previous {last}");
                    last = x.Timestamp;
                }
            }
        }
        for (int k = 0; k < _instances.Length; k++)
        {
            var x = _instances[k];
            if ((uint)x.User >= (uint)_userIds.Length) throw new CdsrDataException($"dataset {Name}: instance {k}: unknown user index {x.User}");
            int len = _offsets[x.User + 1] - _offsets[x.User];
            if ((uint)x.TargetIndex >= (uint)len)
                throw new CdsrDataException($"dataset {Name}: instance {k} (user '{_userIds[x.User]}'): target position {x.TargetIndex} outside its sequence of {len}");
            if (x.HistoryEnd < x.TargetIndex || x.HistoryEnd > len)
                throw new CdsrDataException($"dataset {Name}: instance {k} (user '{_userIds[x.User]}'): history end {x.HistoryEnd} outside {x.TargetIndex}..{len}");
            if (x.Part is not (SplitPart.Train or SplitPart.Valid or SplitPart.Test))
                throw new CdsrDataException($"dataset {Name}: instance {k}: unknown split part {(int)x.Part}");
        }
        Candidates?.Validate(this);
    }
}
