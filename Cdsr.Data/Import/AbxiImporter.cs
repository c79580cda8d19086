using System.Text.Json;
using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>
/// ABXI's Food–Kitchen release: <c>afk_50_preprocessed.txt</c> (<c>user item|unix_ts ...</c>, time order, at most 50
/// latest), <c>map_item_50.txt</c> (JSON <c>{ASIN: [id, domain]}</c>; Food = domain 0 with ids 1..|A|, Kitchen = 1 with
/// ids |A|+1..|A|+|B|), <c>map_user_50.txt</c> (JSON <c>{reviewerID: user}</c>) and <c>items.tsv</c>
/// (<c>id, domain, asin, title</c>; empty title where unknown). Split: per-user leave-one-out (last = test, second
/// last = valid, the prefix before is training). Protocol: 999 negatives of the target domain excluding every item
/// of the user.
/// </summary>
public sealed class AbxiImporter : IDatasetImporter
{
    public string Format => "abxi";
    public string Description => "ABXI Food-Kitchen (leave-one-out; 999 negatives, user's items excluded)";

    public CdsrDataset Import(string directory, ImportOptions options)
    {
        var (a, b) = ReadItems(new TextFile(directory, "map_item_50.txt"), new TextFile(directory, "items.tsv"));
        var users = ReadUsers(new TextFile(directory, "map_user_50.txt"));
        var builder = new DatasetBuilder(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), Format, TimeKind.UnixSeconds)
        {
            DomainA = new DomainVocabulary("Food", a),
            DomainB = new DomainVocabulary("Kitchen", b),
            Protocol = new EvaluationProtocol(999, NegativeExclusion.History, "ABXI: leave-one-out, 999 negatives of the target domain excluding the user's items; HR@5/10, NDCG@10, MRR per domain"),
        };
        var f = new TextFile(directory, "afk_50_preprocessed.txt");
        var seq = new List<Interaction>();
        foreach (var (line, text) in f.Lines())
        {
            var p = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length < 4) throw f.Error(line, $"expected a user and at least 3 item|timestamp pairs (train, valid, test), got {p.Length - 1} pairs");
            int user = f.Int(line, p[0], "user");
            if (!users.TryGetValue(user, out var reviewer)) throw f.Error(line, $"user {user} is not in map_user_50.txt");
            seq.Clear();
            for (int i = 1; i < p.Length; i++)
            {
                int bar = p[i].IndexOf('|');
                if (bar < 0) throw f.Error(line, $"pair {i}: expected item|unix_ts, got '{p[i]}'");
                int id = f.Int(line, p[i].AsSpan(0, bar), $"pair {i} item");
                long ts = f.Long(line, p[i].AsSpan(bar + 1), $"pair {i} timestamp");
                Interaction x;
                if (id >= 1 && id <= a.Length) x = new Interaction(ts, id, Domain.A);
                else if (id > a.Length && id <= a.Length + b.Length) x = new Interaction(ts, id - a.Length, Domain.B);
                else throw f.Error(line, $"pair {i}: item id {id} outside 1..{a.Length + b.Length}");
                if (seq.Count > 0 && ts < seq[^1].Timestamp) throw f.Error(line, $"pair {i}: timestamp {ts} before the previous {seq[^1].Timestamp} (expected time order)");
                seq.Add(x);
            }
            if (builder.FindUser(reviewer) >= 0) throw f.Error(line, $"user {user} ({reviewer}) listed twice");
            int u = builder.AddUser(reviewer, seq.ToArray());
            int n = seq.Count;
            builder.AddInstance(new Instance(u, n - 3, n - 3, SplitPart.Train));
            builder.AddInstance(new Instance(u, n - 2, n - 2, SplitPart.Valid));
            builder.AddInstance(new Instance(u, n - 1, n - 1, SplitPart.Test));
        }
        return builder.Build();
    }

    private static (ItemInfo[] A, ItemInfo[] B) ReadItems(TextFile map, TextFile tsv)
    {
        var byId = new Dictionary<int, (string Asin, int Domain)>();
        using (var doc = JsonFile.Parse(map))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw map.Error(1, "expected a JSON object {ASIN: [id, domain]}");
            foreach (var e in doc.RootElement.EnumerateObject())
            {
                var v = e.Value;
                if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2 || !v[0].TryGetInt32(out int id) || !v[1].TryGetInt32(out int dom) || dom is not (0 or 1))
                    throw map.Error(JsonFile.LineOf(map, e.Name), $"item '{e.Name}': expected [id, domain] with domain 0 or 1, got {v.GetRawText()}");
                if (!byId.TryAdd(id, (e.Name, dom)))
                    throw map.Error(JsonFile.LineOf(map, e.Name), $"item '{e.Name}': id {id} already used by '{byId[id].Asin}'");
            }
        }
        int sizeA = byId.Count(kv => kv.Value.Domain == 0), sizeB = byId.Count - sizeA;
        var titles = new Dictionary<int, string>();
        foreach (var (line, text) in tsv.Lines())
        {
            if (line == 1)
            {
                if (!text.StartsWith("id\tdomain\tasin", StringComparison.Ordinal)) throw tsv.Error(line, $"expected header 'id<TAB>domain<TAB>asin<TAB>title', got '{text}'");
                continue;
            }
            var p = text.Split('\t', 4);
            if (p.Length < 3) throw tsv.Error(line, $"expected id, domain, asin, title separated by TAB, got {p.Length} fields");
            int id = tsv.Int(line, p[0], "id");
            int dom = tsv.Int(line, p[1], "domain");
            if (!byId.TryGetValue(id, out var m)) throw tsv.Error(line, $"id {id} is not in map_item_50.txt");
            if (m.Asin != p[2] || m.Domain != dom) throw tsv.Error(line, $"id {id}: asin/domain '{p[2]}'/{dom} disagree with map_item_50.txt ('{m.Asin}'/{m.Domain})");
            if (p.Length == 4 && p[3].Length > 0) titles[id] = p[3];
        }
        var a = new ItemInfo[sizeA];
        var b = new ItemInfo[sizeB];
        foreach (var (id, (asin, dom)) in byId)
        {
            bool ok = dom == 0 ? id >= 1 && id <= sizeA : id > sizeA && id <= sizeA + sizeB;
            if (!ok) throw map.Error(JsonFile.LineOf(map, asin), $"item '{asin}': id {id} of domain {dom} outside {(dom == 0 ? $"1..{sizeA}" : $"{sizeA + 1}..{sizeA + sizeB}")} (Food ids first, then Kitchen)");
            var info = new ItemInfo(asin, titles.GetValueOrDefault(id));
            if (dom == 0) a[id - 1] = info;
            else b[id - sizeA - 1] = info;
        }
        return (a, b);
    }

    private static Dictionary<int, string> ReadUsers(TextFile f)
    {
        var users = new Dictionary<int, string>();
        using var doc = JsonFile.Parse(f);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw f.Error(1, "expected a JSON object {reviewerID: user}");
        foreach (var e in doc.RootElement.EnumerateObject())
        {
            if (!e.Value.TryGetInt32(out int id)) throw f.Error(JsonFile.LineOf(f, e.Name), $"user '{e.Name}': expected an integer id, got {e.Value.GetRawText()}");
            if (!users.TryAdd(id, e.Name)) throw f.Error(JsonFile.LineOf(f, e.Name), $"user '{e.Name}': id {id} already used by '{users[id]}'");
        }
        return users;
    }
}
