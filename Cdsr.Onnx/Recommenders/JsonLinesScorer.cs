using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cdsr.Onnx.Recommenders;

/// <summary>
/// Scores JSON lines with an <see cref="OnnxRecommender"/> (what <c>cdsr score</c> runs). One request per line:
/// <code>
/// {"user": "u1", "history": [12, 7, 431], "candidates": [5, 9, 77]}
/// </code>
/// <c>user</c> is optional and echoed as given (any JSON value); <c>history</c> holds item ids oldest first (empty
/// allowed; longer than the model's length keeps the most recent); <c>candidates</c> is optional when shared
/// candidates are given (<see cref="SharedCandidates"/>: a list, or every item). Blank lines are skipped. One answer per
/// request, in input order, candidates sorted by descending score (ties: lower id first), at most <see cref="Top"/>:
/// <code>
/// {"user": "u1", "top": [{"item": 77, "score": 3.25}, {"item": 5, "score": 1.5}]}
/// </code>
/// Ids are the dataset's integer item ids; when the file carries an external id vocabulary (cdsr.item_ids), a request
/// may also name items by external id (JSON strings, e.g. ASINs) and every answer entry adds <c>"id"</c>.
/// A malformed line, a missing or mistyped field or an unknown item id stops scoring with an
/// <see cref="OnnxRecommenderException"/> naming the line, the field and the id; answers to earlier lines have been written.
/// </summary>
public sealed class JsonLinesScorer(OnnxRecommender model)
{
    /// <summary>Answers per request (at most the number of candidates).</summary>
    public int Top { get; init; } = 10;
    /// <summary>Candidates for requests without their own; null = each line must carry "candidates".</summary>
    public long[]? SharedCandidates { get; init; }
    /// <summary>Scored rows per ONNX Runtime call are limited so that rows x candidates stays under this.</summary>
    public long MaxBatchElements { get; init; } = 1 << 18;
    /// <summary>Answer (and flush) every request as soon as it is read, for a client that sends one line and waits for
    /// its answer; off by default, where consecutive requests with as many candidates share one ONNX Runtime call.</summary>
    public bool AnswerEachLine { get; init; }

    private sealed record Request(int Line, JsonNode? User, long[] History, long[] Candidates);

    /// <summary>Every item id of the model, 1..item_count.</summary>
    public static long[] AllItems(OnnxRecommender model)
    {
        var ids = new long[model.ItemCount];
        for (int i = 0; i < ids.Length; i++) ids[i] = i + 1;
        return ids;
    }

    /// <summary>Reads requests from <paramref name="input"/> to its end and writes answers to <paramref name="output"/>; returns the count.</summary>
    public int Run(TextReader input, TextWriter output)
    {
        if (Top < 1) throw new ArgumentOutOfRangeException(nameof(Top), Top, "top must be >= 1");
        if (SharedCandidates is { } shared)
            foreach (var id in shared) model.CheckId(id, "--candidates", "candidates", allowPadding: false);
        var batch = new List<Request>();
        int count = 0, lineNo = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Request request;
            try
            {
                request = Parse(line, lineNo);
            }
            catch (OnnxRecommenderException)
            {
                // Answer every earlier request before reporting the bad line, as documented.
                Flush(batch, output);
                output.Flush();
                throw;
            }
            if (batch.Count > 0 && (batch[0].Candidates.Length != request.Candidates.Length ||
                                    (long)(batch.Count + 1) * request.Candidates.Length > MaxBatchElements))
            {
                count += Flush(batch, output);
            }
            batch.Add(request);
            if (AnswerEachLine)
            {
                count += Flush(batch, output);
                output.Flush();
            }
        }
        count += Flush(batch, output);
        output.Flush();
        return count;
    }

    private Request Parse(string line, int lineNo)
    {
        string where = $"line {lineNo}";
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException e)
        {
            throw new OnnxRecommenderException($"{where}: invalid JSON: {e.Message.Split('\n')[0]}");
        }
        if (node is not JsonObject o) throw new OnnxRecommenderException($"{where}: expected a JSON object {{\"user\", \"history\", \"candidates\"}}");
        foreach (var (key, _) in o)
            if (key is not ("user" or "history" or "candidates"))
                throw new OnnxRecommenderException($"{where}: unknown field '{key}' (expected user, history, candidates)");
        var history = Ids(o["history"], where, "history", required: true)!;
        var candidates = Ids(o["candidates"], where, "candidates", required: false) ?? SharedCandidates
            ?? throw new OnnxRecommenderException($"{where}: field 'candidates' is missing and no shared candidates were given (--candidates)");
        if (candidates.Length == 0) throw new OnnxRecommenderException($"{where}: candidates: the list is empty");
        foreach (var id in history) model.CheckId(id, where, "history", allowPadding: false);
        foreach (var id in candidates) model.CheckId(id, where, "candidates", allowPadding: false);
        return new Request(lineNo, o["user"]?.DeepClone(), history, candidates);
    }

    private long[]? Ids(JsonNode? node, string where, string field, bool required)
    {
        if (node is null)
            return required ? throw new OnnxRecommenderException($"{where}: field '{field}' is missing") : null;
        if (node is not JsonArray a) throw new OnnxRecommenderException($"{where}: {field}: expected an array of item ids, got {node.ToJsonString()}");
        var ids = new long[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var id)) ids[i] = id;
            else if (a[i] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String) ids[i] = model.Resolve(sv.GetValue<string>(), where, $"{field}[{i}]");
            else throw new OnnxRecommenderException($"{where}: {field}[{i}]: expected an integer item id, got {a[i]?.ToJsonString() ?? "null"}");
        }
        return ids;
    }

    private int Flush(List<Request> batch, TextWriter output)
    {
        if (batch.Count == 0) return 0;
        int B = batch.Count, C = batch[0].Candidates.Length, L = model.MaxLength;
        var histories = new long[B * L];
        var candidates = new long[B * C];
        for (int r = 0; r < B; r++)
        {
            model.PadHistory(batch[r].History, histories.AsSpan(r * L, L), $"line {batch[r].Line}");
            batch[r].Candidates.CopyTo(candidates, r * C);
        }
        var scores = model.Score(histories, candidates, B, C);
        int k = Math.Min(Top, C);
        var order = new int[C];
        for (int r = 0; r < B; r++)
        {
            var row = scores.AsSpan(r * C, C);
            var ids = batch[r].Candidates;
            for (int i = 0; i < C; i++) order[i] = i;
            var rowCopy = row.ToArray();
            Array.Sort(order, (x, y) => rowCopy[y].CompareTo(rowCopy[x]) is var c && c != 0 ? c : ids[x].CompareTo(ids[y]));
            var top = new JsonArray();
            for (int i = 0; i < k; i++)
            {
                var entry = new JsonObject { ["item"] = ids[order[i]] };
                if (model.ExternalIds is { } external) entry["id"] = external[(int)ids[order[i]] - 1];
                entry["score"] = rowCopy[order[i]];
                top.Add(entry);
            }
            var answer = new JsonObject();
            if (batch[r].User is { } user) answer["user"] = user;
            answer["top"] = top;
            output.WriteLine(answer.ToJsonString());
        }
        batch.Clear();
        return B;
    }
}
