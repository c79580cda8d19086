using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>
/// C2DSR's release (Food–Kitchen): <c>Alist.txt</c> / <c>Blist.txt</c> (<c>original_index TAB ASIN TAB id</c>, ids
/// 0-based per domain), <c>userlist.txt</c> (<c>reviewerID TAB user</c>), <c>validdata_new.txt</c> and
/// <c>testdata_new.txt</c> (<c>user TAB sequence_index TAB item|unix_ts|date| TAB ...</c>, domain B ids offset by
/// |A|). Each line is one user; sorted by timestamp (stable), the last item is the target and the rest the history.
/// There is no training file in this release. Protocol: 999 negatives of the target domain, target excluded.
/// </summary>
public sealed class C2dsrImporter : IDatasetImporter
{
    public string Format => "c2dsr";
    public string Description => "C2DSR Food-Kitchen (valid/test users; 999 negatives, target excluded)";

    public CdsrDataset Import(string directory, ImportOptions options)
    {
        var a = ReadList(new TextFile(directory, "Alist.txt"));
        var b = ReadList(new TextFile(directory, "Blist.txt"));
        var users = ReadUsers(new TextFile(directory, "userlist.txt"));
        var builder = new DatasetBuilder(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), Format, TimeKind.UnixSeconds)
        {
            DomainA = new DomainVocabulary("Food", a),
            DomainB = new DomainVocabulary("Kitchen", b),
            Protocol = new EvaluationProtocol(999, NegativeExclusion.Target, "C2DSR: 999 negatives of the target domain, target excluded; MRR, NDCG@5/10, HR@1/5/10"),
        };
        ReadSequences(new TextFile(directory, "validdata_new.txt"), SplitPart.Valid, a.Length, b.Length, users, builder);
        ReadSequences(new TextFile(directory, "testdata_new.txt"), SplitPart.Test, a.Length, b.Length, users, builder);
        builder.AddNote("c2dsr: the release has no training file; only valid/test instances are imported");
        return builder.Build();
    }

    private static ItemInfo[] ReadList(TextFile f)
    {
        var byId = new Dictionary<int, (string Asin, long Line)>();
        foreach (var (line, text) in f.Lines())
        {
            var p = f.Fields(line, text, '\t', 3);
            f.Int(line, p[0], "original_index");
            int id = f.Int(line, p[2], "id");
            if (id < 0) throw f.Error(line, $"id: expected >= 0, got {id}");
            if (p[1].Length == 0) throw f.Error(line, "ASIN: empty");
            if (!byId.TryAdd(id, (p[1], line))) throw f.Error(line, $"duplicate item id {id} (first on line {byId[id].Line})");
        }
        var items = new ItemInfo[byId.Count];
        for (int id = 0; id < items.Length; id++)
        {
            if (!byId.TryGetValue(id, out var e)) throw f.Error(1, $"item ids are not dense: id {id} missing among {byId.Count} items");
            items[id] = new ItemInfo(e.Asin);
        }
        return items;
    }

    private static Dictionary<int, string> ReadUsers(TextFile f)
    {
        var users = new Dictionary<int, string>();
        foreach (var (line, text) in f.Lines())
        {
            var p = f.Fields(line, text, '\t', 2);
            int id = f.Int(line, p[1], "user");
            if (!users.TryAdd(id, p[0])) throw f.Error(line, $"duplicate user id {id}");
        }
        return users;
    }

    private static void ReadSequences(TextFile f, SplitPart part, int sizeA, int sizeB, Dictionary<int, string> users, DatasetBuilder builder)
    {
        var seq = new List<Interaction>();
        foreach (var (line, text) in f.Lines())
        {
            var p = text.Split('\t');
            int last = p.Length;
            while (last > 0 && p[last - 1].Length == 0) last--; // tolerate a trailing TAB
            if (last < 3) throw f.Error(line, $"expected user, sequence_index and at least one item, got {last} fields");
            int user = f.Int(line, p[0], "user");
            f.Int(line, p[1], "sequence_index");
            if (!users.TryGetValue(user, out var reviewer)) throw f.Error(line, $"user {user} is not in userlist.txt");
            seq.Clear();
            for (int i = 2; i < last; i++)
            {
                var t = p[i].Split('|');
                if (t.Length < 2) throw f.Error(line, $"field {i + 1}: expected item|unix_ts|date|, got '{p[i]}'");
                int id = f.Int(line, t[0], $"field {i + 1} item");
                long ts = f.Long(line, t[1], $"field {i + 1} timestamp");
                if (id >= 0 && id < sizeA) seq.Add(new Interaction(ts, id + 1, Domain.A));
                else if (id >= sizeA && id < sizeA + sizeB) seq.Add(new Interaction(ts, id - sizeA + 1, Domain.B));
                else throw f.Error(line, $"field {i + 1}: item id {id} outside 0..{sizeA + sizeB - 1} (Food 0..{sizeA - 1}, Kitchen {sizeA}..{sizeA + sizeB - 1})");
            }
            // Stable sort by time: ties keep file order, as the source's sort does.
            var sorted = seq.Select((x, i) => (x, i)).OrderBy(e => e.x.Timestamp).ThenBy(e => e.i).Select(e => e.x).ToArray();
            if (builder.FindUser(reviewer) >= 0) throw f.Error(line, $"user {user} ({reviewer}) already has a sequence");
            int u = builder.AddUser(reviewer, sorted);
            builder.AddInstance(new Instance(u, sorted.Length - 1, sorted.Length - 1, part));
        }
    }
}
