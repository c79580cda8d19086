using System.Text.Json;
using System.Text.Json.Nodes;
using Cdsr.Data.Storage;
using Cdsr.Semantics.Embeddings;

namespace Cdsr.Semantics.Features;

/// <summary>Per-item vectors keyed by domain name and item id (the ASIN for Amazon data): row i of
/// <see cref="Vectors"/> belongs to (<see cref="Domains"/>[i], <see cref="ItemIds"/>[i]).</summary>
public sealed record ItemFeatures(IReadOnlyList<string> Domains, IReadOnlyList<string> ItemIds, EmbeddingMatrix Vectors)
{
    /// <summary>Row of (domain, item id), or -1.</summary>
    public int Find(string domain, string itemId)
    {
        _index ??= Enumerable.Range(0, ItemIds.Count).ToDictionary(i => (Domains[i], ItemIds[i]));
        return _index.TryGetValue((domain, itemId), out var r) ? r : -1;
    }

    private Dictionary<(string, string), int>? _index;
}

/// <summary>
/// Reads and writes <see cref="ItemFeatures"/> as Parquet (through <see cref="ParquetTable"/>, atomic), one row per item:
/// <c>domain</c> (string), <c>item_id</c> (string), then <c>v0 .. v{D-1}</c> (float). A plain layout any Parquet reader
/// understands, so features computed elsewhere (e.g. CLIP image vectors on a GPU box, written with pandas) plug in.
/// An optional JSON sidecar (<c>file.parquet.json</c>) records provider, model and coverage.
/// </summary>
public static class ItemFeatureFile
{
    public static void Write(string path, ItemFeatures f)
    {
        int n = f.ItemIds.Count, d = f.Vectors.Dims;
        if (f.Domains.Count != n || f.Vectors.Rows != n)
            throw new ArgumentException($"{path}: {f.Domains.Count} domains, {n} item ids and {f.Vectors.Rows} vectors must agree");
        var seen = new HashSet<(string, string)>();
        for (int i = 0; i < n; i++)
        {
            if (string.IsNullOrEmpty(f.Domains[i]) || string.IsNullOrEmpty(f.ItemIds[i]))
                throw new ArgumentException($"{path}: row {i} has an empty domain or item id");
            if (!seen.Add((f.Domains[i], f.ItemIds[i]))) throw new ArgumentException($"{path}: item ({f.Domains[i]}, {f.ItemIds[i]}) appears twice (row {i})");
        }
        var cols = new List<Column> { Column.Create("domain", f.Domains.ToArray<string?>()), Column.Create("item_id", f.ItemIds.ToArray<string?>()) };
        for (int j = 0; j < d; j++)
        {
            var c = new float[n];
            for (int i = 0; i < n; i++) c[i] = f.Vectors.Data[i * d + j];
            cols.Add(Column.Create($"v{j}", c));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        ParquetTable.Write(new Table(cols), path);
    }

    public static ItemFeatures Read(string path)
    {
        var t = ParquetTable.Read(path);
        string[] Need(string name)
        {
            if (!t.Contains(name)) throw new InvalidDataException($"{path}: no column '{name}' (expected domain, item_id, v0..v{{D-1}})");
            if (t[name] is not StringColumn s) throw new InvalidDataException($"{path}: column '{name}' is {t[name].Type}, expected String");
            return s.Values.Select((v, i) => v ?? throw new InvalidDataException($"{path}: row {i}: column '{name}' is null")).ToArray();
        }
        var domains = Need("domain");
        var ids = Need("item_id");
        int d = 0;
        while (t.Contains($"v{d}")) d++;
        if (d == 0) throw new InvalidDataException($"{path}: no vector columns (v0, v1, ...)");
        if (t.ColumnCount != d + 2)
        {
            var extra = t.ColumnNames.Where(c => c is not ("domain" or "item_id") && !(c.StartsWith('v') && int.TryParse(c[1..], out var k) && k < d)).ToArray();
            throw new InvalidDataException($"{path}: unexpected column(s) {string.Join(", ", extra)} (vector columns must be v0..v{d - 1} without gaps)");
        }
        int n = t.RowCount;
        var data = new float[n * d];
        for (int j = 0; j < d; j++)
        {
            var col = t[$"v{j}"];
            float[] vals = col switch
            {
                SingleColumn s => s.Values,
                DoubleColumn x => x.Values.Select(v => (float)v).ToArray(),
                _ => throw new InvalidDataException($"{path}: column 'v{j}' is {col.Type}, expected Single or Double"),
            };
            for (int i = 0; i < n; i++)
            {
                if (!float.IsFinite(vals[i])) throw new InvalidDataException($"{path}: row {i} ({domains[i]}, {ids[i]}): v{j} is {vals[i]}");
                data[i * d + j] = vals[i];
            }
        }
        var seen = new Dictionary<(string, string), int>();
        for (int i = 0; i < n; i++)
            if (!seen.TryAdd((domains[i], ids[i]), i)) throw new InvalidDataException($"{path}: item ({domains[i]}, {ids[i]}) on rows {seen[(domains[i], ids[i])]} and {i}");
        return new ItemFeatures(domains, ids, new EmbeddingMatrix(data, n, d));
    }

    /// <summary>The sidecar path of a feature file.</summary>
    public static string SidecarPath(string path) => path + ".json";

    /// <summary>Writes the JSON sidecar atomically.</summary>
    public static void WriteSidecar(string path, JsonObject info)
    {
        var side = SidecarPath(path);
        var tmp = $"{side}.tmp-{Environment.ProcessId}";
        File.WriteAllText(tmp, info.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        File.Move(tmp, side, overwrite: true);
    }
}
