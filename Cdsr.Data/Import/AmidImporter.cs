using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Data.Import;

/// <summary>
/// AMID's Cloth–Sport open-world release (CDSRNP's setting): <c>cloth_sport_train{25|75}.csv</c> and
/// <c>cloth_sport_test.csv</c>, header <c>user_id,seq_d1,seq_d2,domain_id</c>, where seq_d1 (Cloth) and seq_d2
/// (Sport) are JSON lists in time order. A row is one instance: its target is the last item of the
/// <c>domain_id</c> sequence (0 = Cloth, 1 = Sport) and its history is everything else. The lists carry no clock
/// and no order across domains (<see cref="TimeKind.PerDomainOrdinal"/>): a user's sequence stores Cloth then
/// Sport, each timestamped by its position. A user's rows must agree on the sequences (across files too).
/// The release has one id space, but some ids occur in both domains; each domain gets its own vocabulary of the
/// ids seen in its lists and the conflicts are reported in <see cref="CdsrDataset.Notes"/>. There is no validation
/// file: a seeded share of the training users (all their rows) becomes the validation part.
/// Protocol: 999 negatives of the target domain (exclusion not stated by the release; target only by default).
/// </summary>
public sealed class AmidImporter : IDatasetImporter
{
    public string Format => "amid";
    public string Description => "AMID Cloth-Sport open world (train25/75 + test; 999 negatives)";

    private sealed record Row(TextFile File, long Line, string User, int[] D1, int[] D2, Domain Target);

    public CdsrDataset Import(string directory, ImportOptions options)
    {
        var train = ReadRows(new TextFile(directory, $"cloth_sport_train{options.AmidKu}.csv"));
        var test = ReadRows(new TextFile(directory, "cloth_sport_test.csv"));

        var cloth = new SortedSet<int>();
        var sport = new SortedSet<int>();
        foreach (var r in train.Concat(test))
        {
            cloth.UnionWith(r.D1);
            sport.UnionWith(r.D2);
        }
        var conflicts = cloth.Intersect(sport).ToArray();
        var clothIds = Index(cloth);
        var sportIds = Index(sport);

        var builder = new DatasetBuilder(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)) + $"-ku{options.AmidKu}", Format, TimeKind.PerDomainOrdinal)
        {
            DomainA = new DomainVocabulary("Cloth", cloth.Select(id => new ItemInfo(id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
            DomainB = new DomainVocabulary("Sport", sport.Select(id => new ItemInfo(id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
            Protocol = new EvaluationProtocol(999, NegativeExclusion.Target, "CDSRNP/AMID: 999 negatives of the target domain; NDCG@10, HR@10"),
        };
        if (conflicts.Length > 0)
            builder.AddNote($"amid: {conflicts.Length} item ids occur in both a Cloth and a Sport list (e.g. {string.Join(", ", conflicts.Take(5))}); each domain keeps its own item for them");
        builder.AddNote("amid: the _DR files (ob_label) are not imported");

        var firstRow = new Dictionary<string, Row>(StringComparer.Ordinal);
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int UserOf(Row r)
        {
            if (firstRow.TryGetValue(r.User, out var first))
            {
                if (!first.D1.AsSpan().SequenceEqual(r.D1) || !first.D2.AsSpan().SequenceEqual(r.D2))
                    throw r.File.Error(r.Line, $"user {r.User}: sequences differ from the user's row at {first.File.Path}:{first.Line}");
                return userIndex[r.User];
            }
            firstRow[r.User] = r;
            var seq = new Interaction[r.D1.Length + r.D2.Length];
            for (int i = 0; i < r.D1.Length; i++) seq[i] = new Interaction(i, clothIds[r.D1[i]], Domain.A);
            for (int i = 0; i < r.D2.Length; i++) seq[r.D1.Length + i] = new Interaction(i, sportIds[r.D2[i]], Domain.B);
            int u = builder.AddUser(r.User, seq);
            userIndex[r.User] = u;
            return u;
        }

        // Validation users: a seeded share of the distinct training users, in order of first appearance.
        var trainUsers = train.Select(r => r.User).Distinct().ToArray();
        var rng = new SplitMix64(SplitMix64.Derive(options.Seed, 0x414D4944UL));
        rng.Shuffle(trainUsers.AsSpan());
        var validUsers = trainUsers.Take((int)Math.Round(trainUsers.Length * options.AmidValidFraction)).ToHashSet(StringComparer.Ordinal);

        foreach (var r in train) AddInstance(r, validUsers.Contains(r.User) ? SplitPart.Valid : SplitPart.Train);
        foreach (var r in test) AddInstance(r, SplitPart.Test);
        return builder.Build();

        void AddInstance(Row r, SplitPart part)
        {
            int u = UserOf(r);
            int len = r.D1.Length + r.D2.Length;
            int target = r.Target == Domain.A ? r.D1.Length - 1 : len - 1;
            builder.AddInstance(new Instance(u, target, len, part));
        }
    }

    private static Dictionary<int, int> Index(SortedSet<int> ids)
    {
        var map = new Dictionary<int, int>(ids.Count);
        int k = 1;
        foreach (var id in ids) map[id] = k++;
        return map;
    }

    private static List<Row> ReadRows(TextFile f)
    {
        var rows = new List<Row>();
        int cUser = -1, cD1 = -1, cD2 = -1, cDom = -1;
        foreach (var (line, text) in f.Lines())
        {
            var fields = SplitCsv(f, line, text);
            if (line == 1)
            {
                cUser = fields.IndexOf("user_id"); cD1 = fields.IndexOf("seq_d1"); cD2 = fields.IndexOf("seq_d2"); cDom = fields.IndexOf("domain_id");
                if (cUser < 0 || cD1 < 0 || cD2 < 0 || cDom < 0) throw f.Error(line, $"expected header with user_id, seq_d1, seq_d2, domain_id, got '{text}'");
                continue;
            }
            if (cUser < 0) throw f.Error(line, "missing header line");
            int needed = Math.Max(Math.Max(cUser, cD1), Math.Max(cD2, cDom)) + 1;
            if (fields.Count < needed) throw f.Error(line, $"expected {needed} fields as in the header, got {fields.Count}");
            string user = fields[cUser].Trim();
            if (user.Length == 0) throw f.Error(line, "user_id: empty");
            f.Long(line, user, "user_id");
            var d1 = ParseList(f, line, fields[cD1], "seq_d1");
            var d2 = ParseList(f, line, fields[cD2], "seq_d2");
            int dom = f.Int(line, fields[cDom], "domain_id");
            if (dom is not (0 or 1)) throw f.Error(line, $"domain_id: expected 0 (Cloth) or 1 (Sport), got {dom}");
            if ((dom == 0 ? d1 : d2).Length == 0) throw f.Error(line, $"domain_id {dom}: the target domain's list is empty, so the row has no target");
            rows.Add(new Row(f, line, user, d1, d2, dom == 0 ? Domain.A : Domain.B));
        }
        return rows;
    }

    private static int[] ParseList(TextFile f, long line, string text, string field)
    {
        var t = text.Trim();
        if (t.Length < 2 || t[0] != '[' || t[^1] != ']') throw f.Error(line, $"{field}: expected a JSON list like [1, 2], got '{text}'");
        var inner = t.AsSpan(1, t.Length - 2).Trim();
        if (inner.Length == 0) return [];
        var parts = inner.ToString().Split(',');
        var r = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++) r[i] = f.Int(line, parts[i], $"{field} element {i + 1}");
        return r;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines).</summary>
    private static List<string> SplitCsv(TextFile f, long line, string text)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        int i = 0;
        while (true)
        {
            sb.Clear();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw f.Error(line, "unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                if (i < text.Length && text[i] != ',') throw f.Error(line, $"column {i + 1}: expected ',' after a quoted field");
            }
            else
            {
                while (i < text.Length && text[i] != ',') sb.Append(text[i++]);
            }
            fields.Add(sb.ToString());
            if (i >= text.Length) break;
            i++; // skip ','
        }
        return fields;
    }
}
