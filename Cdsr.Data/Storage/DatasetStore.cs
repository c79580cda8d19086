using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdsr.Data.Evaluation;
using Cdsr.Data.Model;

namespace Cdsr.Data.Storage;

/// <summary>
/// Writes and reads a <see cref="CdsrDataset"/> as a folder:
/// <list type="bullet">
/// <item><c>manifest.json</c>: format "cdsr-dataset" and version, name, source format, time kind, config, domain names and
/// sizes, protocol, import notes, candidate settings, counts and the SHA-256 content hash;</item>
/// <item><c>users.parquet</c>: user_id (string), length (int32); row u = user u;</item>
/// <item><c>interactions.parquet</c>: user, domain, item (int32), timestamp (int64); users' runs in stored order;</item>
/// <item><c>items.parquet</c>: domain, item (int32), original_id, title, brand, categories (JSON array), description,
/// image_url (strings, null where unknown); domain A's items 1..|A| then B's;</item>
/// <item><c>splits.parquet</c>: user, target_index, history_end, part (0 train, 1 valid, 2 test), all int32;</item>
/// <item><c>candidates.parquet</c> (only for sampled candidate sets): instance, item (int32); 1 + N rows per
/// instance, target first.</item>
/// </list>
/// The content hash covers every logical value (not the Parquet bytes), so it checks a load against the write.
/// </summary>
public static class DatasetStore
{
    public const string ManifestFormat = "cdsr-dataset";
    public const int Version = 1;
    public const string ManifestFile = "manifest.json";

    /// <summary>Writes the dataset into <paramref name="directory"/> (created if needed; files replaced). The manifest
    /// is written last, so a folder with a manifest is complete. <paramref name="config"/> (e.g. the import's
    /// format, input and options) is kept verbatim under "config" for provenance; reading ignores it.</summary>
    /// <remarks>Everything is written into a staging folder beside <paramref name="directory"/> that then replaces it
    /// by renames, so a failed write leaves a previous dataset in place, untouched. An existing folder is replaced only
    /// when it holds nothing but a dataset's files (see <see cref="DatasetFiles"/>); anything else is an error.</remarks>
    public static void Write(CdsrDataset data, string directory, ParquetWriteOptions? options = null, JsonObject? config = null)
    {
        var target = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (Directory.Exists(target))
        {
            var foreign = Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName)
                .Where(n => !DatasetFiles.Contains(n!)).Take(3).ToArray();
            if (foreign.Length > 0)
                throw new IOException($"{target}: refusing to replace this folder with a dataset: it holds other files ({string.Join(", ", foreign)})");
        }
        var token = Guid.NewGuid().ToString("N")[..12];
        var staging = $"{target}.writing-{token}";
        try
        {
            WriteInto(data, staging, options, config);
            if (Directory.Exists(target))
            {
                var old = $"{target}.replaced-{token}";
                Directory.Move(target, old);
                Directory.Move(staging, target);
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The files a dataset folder may hold: what <see cref="Write"/> writes plus the scenario manifest.</summary>
    public static readonly IReadOnlySet<string> DatasetFiles = new HashSet<string>
    {
        ManifestFile, "users.parquet", "interactions.parquet", "items.parquet", "splits.parquet", "candidates.parquet", "scenario.json",
    };

    private static void WriteInto(CdsrDataset data, string directory, ParquetWriteOptions? options, JsonObject? config)
    {
        Directory.CreateDirectory(directory);
        var manifestPath = Path.Combine(directory, ManifestFile);

        int users = data.UserCount;
        var offsets = data.UserOffsets;
        var userIds = data.UserIds.ToArray();
        var lengths = new int[users];
        for (int u = 0; u < users; u++) lengths[u] = offsets[u + 1] - offsets[u];
        ParquetTable.Write(new Table(Column.Create("user_id", userIds!), Column.Create("length", lengths)), Path.Combine(directory, "users.parquet"), options);

        var inter = data.Interactions;
        var iu = new int[inter.Length];
        var id = new int[inter.Length];
        var ii = new int[inter.Length];
        var it = new long[inter.Length];
        for (int u = 0; u < users; u++)
            for (int k = offsets[u]; k < offsets[u + 1]; k++)
            {
                iu[k] = u;
                id[k] = (int)inter[k].Domain;
                ii[k] = inter[k].Item;
                it[k] = inter[k].Timestamp;
            }
        ParquetTable.Write(new Table(Column.Create("user", iu), Column.Create("domain", id), Column.Create("item", ii), Column.Create("timestamp", it)),
            Path.Combine(directory, "interactions.parquet"), options);

        ParquetTable.Write(ItemsTable(data), Path.Combine(directory, "items.parquet"), options);

        var inst = data.Instances;
        var su = new int[inst.Length];
        var st = new int[inst.Length];
        var sh = new int[inst.Length];
        var sp = new int[inst.Length];
        for (int k = 0; k < inst.Length; k++)
        {
            su[k] = inst[k].User;
            st[k] = inst[k].TargetIndex;
            sh[k] = inst[k].HistoryEnd;
            sp[k] = (int)inst[k].Part;
        }
        ParquetTable.Write(new Table(Column.Create("user", su), Column.Create("target_index", st), Column.Create("history_end", sh), Column.Create("part", sp)),
            Path.Combine(directory, "splits.parquet"), options);

        var candPath = Path.Combine(directory, "candidates.parquet");
        if (data.Candidates is { IsFullRanking: false } c)
        {
            var ci = new int[c.Items.Length];
            for (int r = 0; r < c.RowCount; r++) ci.AsSpan(r * c.RowLength, c.RowLength).Fill(c.InstanceIndices[r]);
            ParquetTable.Write(new Table(Column.Create("instance", ci), Column.Create("item", c.Items.ToArray())), candPath, options);
        }
        else if (File.Exists(candPath)) File.Delete(candPath);

        var manifest = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["version"] = Version,
            ["name"] = data.Name,
            ["source_format"] = data.SourceFormat,
            ["time_kind"] = data.TimeKind.ToString(),
            ["config"] = config?.DeepClone(),
            ["domains"] = new JsonArray(
                new JsonObject { ["name"] = data.DomainA.Name, ["items"] = data.DomainA.Count },
                new JsonObject { ["name"] = data.DomainB.Name, ["items"] = data.DomainB.Count }),
            ["protocol"] = new JsonObject
            {
                ["negatives"] = data.Protocol.Negatives,
                ["exclusion"] = data.Protocol.Exclusion.ToString(),
                ["description"] = data.Protocol.Description,
            },
            ["notes"] = new JsonArray(data.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["candidates"] = data.Candidates is { } cs
                ? new JsonObject
                {
                    ["negatives"] = cs.Negatives,
                    ["exclusion"] = cs.Exclusion.ToString(),
                    ["seed"] = cs.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["source"] = cs.Source,
                    ["rows"] = cs.RowCount,
                    ["pool"] = cs.Pool.ToString(),
                }
                : null,
            ["counts"] = new JsonObject
            {
                ["users"] = users,
                ["interactions"] = inter.Length,
                ["instances"] = inst.Length,
                ["candidate_rows"] = data.Candidates?.RowCount ?? 0,
            },
            ["content_hash"] = ContentHash(data),
        };
        File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Reads a folder written by <see cref="Write"/>; checks the format, version, counts and content hash.</summary>
    public static CdsrDataset Read(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath)) throw new CdsrDataException($"{manifestPath}: file not found (not a dataset folder written by 'cdsr data import')");
        JsonNode m;
        try
        {
            m = JsonNode.Parse(File.ReadAllText(manifestPath)) ?? throw new CdsrDataException($"{manifestPath}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new CdsrDataException(manifestPath, (e.LineNumber ?? 0) + 1, $"invalid JSON: {e.Message.Split('\n')[0]}");
        }
        string Str(JsonNode? n, string field) => n?.GetValue<string>() ?? throw new CdsrDataException($"{manifestPath}: missing field '{field}'");
        int Int(JsonNode? n, string field) => n?.GetValue<int>() ?? throw new CdsrDataException($"{manifestPath}: missing field '{field}'");
        try
        {
            if (Str(m["format"], "format") != ManifestFormat) throw new CdsrDataException($"{manifestPath}: format is '{m["format"]}', expected '{ManifestFormat}'");
            int version = Int(m["version"], "version");
            if (version != Version) throw new CdsrDataException($"{manifestPath}: version {version} is not supported (this build reads version {Version})");
            var timeKind = Enum.Parse<TimeKind>(Str(m["time_kind"], "time_kind"));
            var domains = m["domains"]?.AsArray() ?? throw new CdsrDataException($"{manifestPath}: missing field 'domains'");
            if (domains.Count != 2) throw new CdsrDataException($"{manifestPath}: expected 2 domains, got {domains.Count}");
            var p = m["protocol"] ?? throw new CdsrDataException($"{manifestPath}: missing field 'protocol'");
            var builder = new DatasetBuilder(Str(m["name"], "name"), Str(m["source_format"], "source_format"), timeKind)
            {
                Protocol = new EvaluationProtocol(Int(p["negatives"], "protocol.negatives"), Enum.Parse<NegativeExclusion>(Str(p["exclusion"], "protocol.exclusion")), Str(p["description"], "protocol.description")),
            };
            foreach (var n in m["notes"]?.AsArray() ?? []) builder.AddNote(n!.GetValue<string>());

            var (a, b) = ReadItems(Path.Combine(directory, "items.parquet"), Str(domains[0]!["name"], "domains[0].name"), Int(domains[0]!["items"], "domains[0].items"),
                Str(domains[1]!["name"], "domains[1].name"), Int(domains[1]!["items"], "domains[1].items"));
            builder.DomainA = a;
            builder.DomainB = b;

            var usersPath = Path.Combine(directory, "users.parquet");
            var ut = ParquetTable.Read(usersPath);
            var ids = ut.GetString("user_id");
            var lengths = ut.GetInt32("length");
            var itPath = Path.Combine(directory, "interactions.parquet");
            var t = ParquetTable.Read(itPath);
            var tu = t.GetInt32("user");
            var td = t.GetInt32("domain");
            var ti = t.GetInt32("item");
            var tt = t.GetInt64("timestamp");
            int row = 0;
            var seq = new List<Interaction>();
            for (int u = 0; u < ids.Length; u++)
            {
                seq.Clear();
                for (int k = 0; k < lengths[u]; k++, row++)
                {
                    if (row >= tu.Length || tu[row] != u) throw new CdsrDataException($"{itPath}: row {row}: expected user {u} ({lengths[u]} interactions per users.parquet)");
                    if (td[row] is not (0 or 1)) throw new CdsrDataException($"{itPath}: row {row}: domain {td[row]} is not 0 or 1");
                    seq.Add(new Interaction(tt[row], ti[row], (Domain)td[row]));
                }
                builder.AddUser(ids[u] ?? throw new CdsrDataException($"{usersPath}: row {u}: null user_id"), seq.ToArray());
            }
            if (row != tu.Length) throw new CdsrDataException($"{itPath}: {tu.Length} rows, users.parquet accounts for {row}");

            var sp = ParquetTable.Read(Path.Combine(directory, "splits.parquet"));
            var su = sp.GetInt32("user");
            var st = sp.GetInt32("target_index");
            var sh = sp.GetInt32("history_end");
            var part = sp.GetInt32("part");
            for (int k = 0; k < su.Length; k++) builder.AddInstance(new Instance(su[k], st[k], sh[k], (SplitPart)part[k]));

            if (m["candidates"] is JsonObject c)
            {
                int negatives = Int(c["negatives"], "candidates.negatives");
                int rows = Int(c["rows"], "candidates.rows");
                int[] instances, items = [];
                if (negatives > 0)
                {
                    // Rows of one instance are contiguous: 1 + negatives rows, the target first.
                    var candPath = Path.Combine(directory, "candidates.parquet");
                    var ct = ParquetTable.Read(candPath);
                    var cInst = ct.GetInt32("instance");
                    items = ct.GetInt32("item");
                    if (items.Length != (long)rows * (1 + negatives))
                        throw new CdsrDataException($"{candPath}: {items.Length} rows, expected {rows} x {1 + negatives}");
                    instances = new int[rows];
                    for (int r = 0; r < cInst.Length; r++)
                    {
                        if (r % (1 + negatives) == 0) instances[r / (1 + negatives)] = cInst[r];
                        else if (cInst[r] != cInst[r - 1]) throw new CdsrDataException($"{candPath}: row {r}: instance {cInst[r]} inside the rows of instance {cInst[r - 1]}");
                    }
                }
                else
                {
                    // Full ranking: every valid/test instance, in order (as CandidateSampler lists them).
                    instances = Enumerable.Range(0, su.Length).Where(k => part[k] != (int)SplitPart.Train).ToArray();
                    if (instances.Length != rows) throw new CdsrDataException($"{manifestPath}: candidates.rows is {rows}, but the split has {instances.Length} valid/test instances");
                }
                builder.Candidates = new CandidateSets(negatives, Enum.Parse<NegativeExclusion>(Str(c["exclusion"], "candidates.exclusion")),
                    ulong.Parse(Str(c["seed"], "candidates.seed"), System.Globalization.CultureInfo.InvariantCulture), Str(c["source"], "candidates.source"), instances, items,
                    c["pool"] is null ? CandidatePool.Domain : Enum.Parse<CandidatePool>(Str(c["pool"], "candidates.pool")));
            }
            var data = builder.Build();
            string expected = Str(m["content_hash"], "content_hash");
            string actual = ContentHash(data);
            if (actual != expected) throw new CdsrDataException($"{directory}: content hash {actual} does not match the manifest's {expected} (files changed after writing?)");
            return data;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or InvalidCastException)
        {
            throw new CdsrDataException($"{directory}: damaged dataset folder: {e.Message}");
        }
    }

    private static Table ItemsTable(CdsrDataset data)
    {
        int n = data.DomainA.Count + data.DomainB.Count;
        var dom = new int[n];
        var item = new int[n];
        var orig = new string?[n];
        var title = new string?[n];
        var brand = new string?[n];
        var cats = new string?[n];
        var desc = new string?[n];
        var img = new string?[n];
        int r = 0;
        foreach (var d in new[] { Domain.A, Domain.B })
        {
            var v = data.Vocabulary(d);
            for (int i = 1; i <= v.Count; i++, r++)
            {
                var x = v[i];
                dom[r] = (int)d;
                item[r] = i;
                orig[r] = x.OriginalId;
                title[r] = x.Title;
                brand[r] = x.Brand;
                cats[r] = x.Categories is null ? null : JsonSerializer.Serialize(x.Categories);
                desc[r] = x.Description;
                img[r] = x.ImageUrl;
            }
        }
        return new Table(Column.Create("domain", dom), Column.Create("item", item), Column.Create("original_id", orig), Column.Create("title", title),
            Column.Create("brand", brand), Column.Create("categories", cats), Column.Create("description", desc), Column.Create("image_url", img));
    }

    private static (DomainVocabulary A, DomainVocabulary B) ReadItems(string path, string nameA, int countA, string nameB, int countB)
    {
        var t = ParquetTable.Read(path);
        var dom = t.GetInt32("domain");
        var item = t.GetInt32("item");
        var orig = t.GetString("original_id");
        var title = t.GetString("title");
        var brand = t.GetString("brand");
        var cats = t.GetString("categories");
        var desc = t.GetString("description");
        var img = t.GetString("image_url");
        if (dom.Length != countA + countB) throw new CdsrDataException($"{path}: {dom.Length} rows, manifest says {countA} + {countB} items");
        var a = new ItemInfo[countA];
        var b = new ItemInfo[countB];
        for (int r = 0; r < dom.Length; r++)
        {
            int expectedDomain = r < countA ? 0 : 1;
            int expectedItem = r < countA ? r + 1 : r - countA + 1;
            if (dom[r] != expectedDomain || item[r] != expectedItem)
                throw new CdsrDataException($"{path}: row {r}: domain {dom[r]} item {item[r]}, expected domain {expectedDomain} item {expectedItem}");
            var info = new ItemInfo(orig[r], title[r], brand[r], cats[r] is null ? null : JsonSerializer.Deserialize<string[]>(cats[r]!), desc[r], img[r]);
            if (r < countA) a[r] = info; else b[r - countA] = info;
        }
        return (new DomainVocabulary(nameA, a), new DomainVocabulary(nameB, b));
    }

    /// <summary>SHA-256 (hex) over every logical value of the dataset, in a fixed order and little-endian layout:
    /// names, vocabularies, users, interactions, instances, protocol, candidates.</summary>
    public static string ContentHash(CdsrDataset data)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buf = new byte[8];
        void I64(long v) { System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buf, v); h.AppendData(buf, 0, 8); }
        void S(string? s)
        {
            if (s is null) { I64(-1); return; }
            var bytes = System.Text.Encoding.UTF8.GetBytes(s);
            I64(bytes.Length);
            h.AppendData(bytes);
        }
        S(data.Name); S(data.SourceFormat); I64((long)data.TimeKind);
        foreach (var d in new[] { Domain.A, Domain.B })
        {
            var v = data.Vocabulary(d);
            S(v.Name); I64(v.Count);
            foreach (var x in v.Items)
            {
                S(x.OriginalId); S(x.Title); S(x.Brand); S(x.Description); S(x.ImageUrl);
                I64(x.Categories?.Count ?? -1);
                foreach (var cat in x.Categories ?? []) S(cat);
            }
        }
        I64(data.UserCount);
        foreach (var u in data.UserIds) S(u);
        foreach (var o in data.UserOffsets) I64(o);
        foreach (var x in data.Interactions) { I64(x.Timestamp); I64(((long)x.Domain << 32) | (uint)x.Item); } // fields, not struct bytes (padding)
        I64(data.Instances.Length);
        foreach (var x in data.Instances) { I64(x.User); I64(x.TargetIndex); I64(x.HistoryEnd); I64((long)x.Part); }
        I64(data.Protocol.Negatives); I64((long)data.Protocol.Exclusion); S(data.Protocol.Description);
        foreach (var n in data.Notes) S(n);
        if (data.Candidates is { } c)
        {
            I64(c.Negatives); I64((long)c.Exclusion); I64((long)c.Seed); S(c.Source);
            if (c.Pool != CandidatePool.Domain) { S("pool"); I64((long)c.Pool); } // absent for the domain pool: hashes written before it existed still match
            foreach (var x in c.InstanceIndices) I64(x);
            h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.Items));
        }
        else I64(-2);
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
