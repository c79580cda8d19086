using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>
/// LLMCDSR's Food–Kitchen release: <c>num.txt</c> (|A|, |B|), <c>instance_num.txt</c> (training users: A-only,
/// B-only, overlapped), <c>train_A.txt</c>, <c>train_B.txt</c>, <c>train_overlap.txt</c>, <c>valid.txt</c>,
/// <c>test.txt</c> (<c>user TAB i1,i2,...</c>, time order, 0-based ids with B offset by |A|), <c>items_A.tsv</c> /
/// <c>items_B.tsv</c> (<c>id, asin, title</c>, 0-based per domain). The user numbers restart in every file, so a
/// user's id here is <c>file/user</c>. Training lines are whole training sequences (one instance: the last item
/// after its prefix); in valid/test the last item is the target. Order without clock: timestamps are positions.
/// Protocol: 999 negatives of the target domain, target excluded.
/// </summary>
public sealed class LlmcdsrImporter : IDatasetImporter
{
    public string Format => "llmcdsr";
    public string Description => "LLMCDSR Food-Kitchen (train A/B/overlap, valid, test; 999 negatives, target excluded)";

    public CdsrDataset Import(string directory, ImportOptions options)
    {
        var num = new TextFile(directory, "num.txt");
        var counts = ReadInts(num, 2);
        int sizeA = counts[0], sizeB = counts[1];
        var instanceNum = new TextFile(directory, "instance_num.txt");
        var expectedUsers = ReadInts(instanceNum, 3);
        var missing = new List<string>();
        var builder = new DatasetBuilder(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), Format, TimeKind.Ordinal)
        {
            DomainA = new DomainVocabulary("Food", ReadItems(new TextFile(directory, "items_A.tsv"), sizeA, missing)),
            DomainB = new DomainVocabulary("Kitchen", ReadItems(new TextFile(directory, "items_B.tsv"), sizeB, missing)),
            Protocol = new EvaluationProtocol(999, NegativeExclusion.Target, "LLMCDSR: 999 negatives of the target domain, target excluded; HR@1/3/5/10, NDCG@1/3/5/10 per domain"),
        };
        foreach (var m in missing) builder.AddNote(m);
        string[] trainFiles = ["train_A.txt", "train_B.txt", "train_overlap.txt"];
        Domain?[] only = [Domain.A, Domain.B, null];
        for (int k = 0; k < 3; k++)
        {
            int n = ReadSequences(new TextFile(directory, trainFiles[k]), SplitPart.Train, only[k], sizeA, sizeB, builder);
            if (n != expectedUsers[k])
                throw instanceNum.Error(k + 1, $"{trainFiles[k]} has {n} users, instance_num.txt says {expectedUsers[k]}");
        }
        ReadSequences(new TextFile(directory, "valid.txt"), SplitPart.Valid, null, sizeA, sizeB, builder);
        ReadSequences(new TextFile(directory, "test.txt"), SplitPart.Test, null, sizeA, sizeB, builder);
        return builder.Build();
    }

    private static int[] ReadInts(TextFile f, int count)
    {
        var r = new List<int>();
        foreach (var (line, text) in f.Lines())
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (r.Count == count) throw f.Error(line, $"expected {count} numbers, found more");
            int v = f.Int(line, text, "count");
            if (v < 0) throw f.Error(line, $"count: expected >= 0, got {v}");
            r.Add(v);
        }
        if (r.Count != count) throw f.Error(r.Count + 1, $"expected {count} numbers, found {r.Count}");
        return [.. r];
    }

    /// <summary>Reads an item table; ids of 0..size-1 that it does not list get no side information, and are
    /// reported (count and first ids) in <paramref name="missing"/> rather than passed over in silence.</summary>
    private static ItemInfo[] ReadItems(TextFile f, int size, List<string> missing)
    {
        var items = new ItemInfo?[size];
        foreach (var (line, text) in f.Lines())
        {
            if (line == 1)
            {
                if (!text.StartsWith("id\tasin", StringComparison.Ordinal)) throw f.Error(line, $"expected header 'id<TAB>asin<TAB>title', got '{text}'");
                continue;
            }
            var p = text.Split('\t', 3);
            if (p.Length < 2) throw f.Error(line, $"expected id, asin, title separated by TAB, got {p.Length} fields");
            int id = f.Int(line, p[0], "id");
            if (id < 0 || id >= size) throw f.Error(line, $"id {id} outside 0..{size - 1} (num.txt)");
            if (items[id] is not null) throw f.Error(line, $"duplicate id {id}");
            items[id] = new ItemInfo(p[1], p.Length == 3 && p[2].Length > 0 ? p[2] : null);
        }
        var absent = Enumerable.Range(0, size).Where(i => items[i] is null).ToArray();
        if (absent.Length > 0)
            missing.Add($"llmcdsr: {f.Name} lists no row for {absent.Length} of {size} item ids (e.g. {string.Join(", ", absent.Take(5))}); they have no ASIN or title");
        for (int i = 0; i < size; i++) items[i] ??= ItemInfo.Empty;
        return items!;
    }

    private static int ReadSequences(TextFile f, SplitPart part, Domain? only, int sizeA, int sizeB, DatasetBuilder builder)
    {
        string prefix = Path.GetFileNameWithoutExtension(f.Name);
        int users = 0;
        var seq = new List<Interaction>();
        foreach (var (line, text) in f.Lines())
        {
            var p = f.Fields(line, text, '\t', 2);
            int user = f.Int(line, p[0], "user");
            seq.Clear();
            var ids = p[1].Split(',');
            if (p[1].Length == 0) throw f.Error(line, "empty item list");
            for (int i = 0; i < ids.Length; i++)
            {
                int id = f.Int(line, ids[i], $"item {i + 1}");
                Interaction x;
                if (id >= 0 && id < sizeA) x = new Interaction(i, id + 1, Domain.A);
                else if (id >= sizeA && id < sizeA + sizeB) x = new Interaction(i, id - sizeA + 1, Domain.B);
                else throw f.Error(line, $"item {i + 1}: id {id} outside 0..{sizeA + sizeB - 1}");
                if (only is { } d && x.Domain != d) throw f.Error(line, $"item {i + 1}: id {id} is not a {(d == Domain.A ? "Food" : "Kitchen")} item, but {f.Name} holds single-domain users");
                seq.Add(x);
            }
            string key = $"{prefix}/{user}";
            if (builder.FindUser(key) >= 0) throw f.Error(line, $"user {user} listed twice");
            int u = builder.AddUser(key, seq.ToArray());
            builder.AddInstance(new Instance(u, seq.Count - 1, seq.Count - 1, part));
            users++;
        }
        return users;
    }
}
