using System.Globalization;
using System.Text;

namespace Cdsr.Semantics.Onnx;

/// <summary>BERT tokenizer settings; defaults match uncased sentence-transformers models (e.g. all-MiniLM-L6-v2).</summary>
public sealed record WordPieceOptions
{
    /// <summary>Lower-case and strip accents before splitting (BERT "uncased").</summary>
    public bool Lowercase { get; init; } = true;
    /// <summary>Sequence length cap including [CLS] and [SEP] (sentence-transformers' max_seq_length; 256 for MiniLM).</summary>
    public int MaxTokens { get; init; } = 256;
    /// <summary>Words longer than this become [UNK] (BERT's 100).</summary>
    public int MaxCharsPerWord { get; init; } = 100;

    public void Validate()
    {
        if (MaxTokens < 3) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "at least 3 ([CLS], one token, [SEP])");
        if (MaxCharsPerWord < 1) throw new ArgumentOutOfRangeException(nameof(MaxCharsPerWord), MaxCharsPerWord, "at least 1");
    }
}

/// <summary>
/// BERT's WordPiece tokenizer over a <c>vocab.txt</c> (one token per line, id = line number from 0):
/// <list type="number">
/// <item>clean: drop NUL, U+FFFD and control characters, map whitespace to spaces, put spaces around CJK ideographs;</item>
/// <item>if lower-casing: lower-case, decompose (NFD) and drop combining marks (accents);</item>
/// <item>split on whitespace, then split every punctuation character (Unicode P* or ASCII symbol) into its own word;</item>
/// <item>WordPiece: each word is matched greedily longest-prefix-first against the vocabulary, continuation pieces
/// carrying the "##" prefix; a word that cannot be matched completely becomes [UNK].</item>
/// </list>
/// <see cref="Encode"/> wraps the pieces in [CLS] ... [SEP] and truncates to <see cref="WordPieceOptions.MaxTokens"/>.
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly Dictionary<string, int> _vocab;
    private readonly WordPieceOptions _options;

    public WordPieceTokenizer(IReadOnlyList<string> vocabulary, WordPieceOptions? options = null, string source = "vocabulary")
    {
        _options = options ?? new WordPieceOptions();
        _options.Validate();
        _vocab = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            if (vocabulary[i].Length == 0) continue;
            if (!_vocab.TryAdd(vocabulary[i], i)) throw new SemanticsException($"{source}:{i + 1}: token '{vocabulary[i]}' repeats line {_vocab[vocabulary[i]] + 1}");
        }
        int Need(string t) => _vocab.TryGetValue(t, out int id) ? id : throw new SemanticsException($"{source}: special token {t} is missing");
        Pad = Need("[PAD]"); Unk = Need("[UNK]"); Cls = Need("[CLS]"); Sep = Need("[SEP]");
    }

    /// <summary>Reads <c>vocab.txt</c>.</summary>
    public static WordPieceTokenizer FromFile(string path, WordPieceOptions? options = null)
    {
        if (!File.Exists(path)) throw new SemanticsException($"vocabulary file '{path}' does not exist");
        return new WordPieceTokenizer(File.ReadAllLines(path, Encoding.UTF8).Select(l => l.TrimEnd('\r')).ToArray(), options, path);
    }

    public int Pad { get; }
    public int Unk { get; }
    public int Cls { get; }
    public int Sep { get; }
    public int VocabularySize => _vocab.Count;
    public WordPieceOptions Options => _options;

    /// <summary>Words after cleaning, case folding and punctuation splitting (before WordPiece).</summary>
    public List<string> BasicTokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch == '\0' || ch == '\uFFFD') continue;
            if (char.IsWhiteSpace(ch)) { sb.Append(' '); continue; }
            if (char.IsControl(ch)) continue;
            if (IsCjk(ch)) { sb.Append(' ').Append(ch).Append(' '); continue; }
            sb.Append(ch);
        }
        string s = sb.ToString();
        if (_options.Lowercase)
        {
            s = s.ToLowerInvariant();
            try { s = s.Normalize(NormalizationForm.FormD); } catch (PlatformNotSupportedException) { }
            var t = new StringBuilder(s.Length);
            foreach (var ch in s)
            {
                if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
                int k = AccentedLatin.IndexOf(ch);
                t.Append(k >= 0 ? BaseLatin[k] : ch);
            }
            s = t.ToString();
        }
        var words = new List<string>();
        foreach (var w in s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int start = 0;
            for (int i = 0; i < w.Length; i++)
            {
                if (!IsPunctuation(w[i])) continue;
                if (i > start) words.Add(w[start..i]);
                words.Add(w[i].ToString());
                start = i + 1;
            }
            if (start < w.Length) words.Add(w[start..]);
        }
        return words;
    }

    /// <summary>WordPiece pieces of one word (["[UNK]"] when it cannot be matched).</summary>
    public List<string> Pieces(string word)
    {
        var r = new List<string>();
        if (word.Length > _options.MaxCharsPerWord) { r.Add("[UNK]"); return r; }
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length;
            string? found = null;
            while (start < end)
            {
                string sub = (start > 0 ? "##" : "") + word[start..end];
                if (_vocab.ContainsKey(sub)) { found = sub; break; }
                end--;
            }
            if (found is null) return ["[UNK]"];
            r.Add(found);
            start = end;
        }
        return r;
    }

    /// <summary>Token ids: [CLS], the pieces of every word, [SEP]; truncated to MaxTokens (keeping [SEP]).</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int> { Cls };
        foreach (var w in BasicTokens(text))
        {
            foreach (var p in Pieces(w))
            {
                if (ids.Count >= _options.MaxTokens - 1) goto done;
                ids.Add(_vocab[p]);
            }
        }
    done:
        ids.Add(Sep);
        return ids.ToArray();
    }

    /// <summary>A padded batch: input ids, attention mask (1 = token, 0 = padding) and token type ids (all 0), each
    /// [B, L] row-major with L the longest encoding of the batch.</summary>
    public (long[] Ids, long[] Mask, long[] Types, int Length) EncodeBatch(IReadOnlyList<string> texts)
    {
        var enc = texts.Select(Encode).ToArray();
        int len = enc.Length == 0 ? 0 : enc.Max(e => e.Length);
        var ids = new long[texts.Count * len];
        var mask = new long[texts.Count * len];
        Array.Fill(ids, Pad);
        for (int b = 0; b < enc.Length; b++)
            for (int t = 0; t < enc[b].Length; t++) { ids[b * len + t] = enc[b][t]; mask[b * len + t] = 1; }
        return (ids, mask, new long[texts.Count * len], len);
    }

    // Latin letters U+00C0..U+024F whose canonical decomposition is an ASCII letter plus combining marks, and those
    // letters: accent stripping that also works where the runtime cannot normalise (InvariantGlobalization).
    private const string AccentedLatin = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ";
    private const string BaseLatin = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy";

    private static bool IsPunctuation(char c) =>
        (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) ||
        char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static bool IsCjk(char c) =>
        (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF);
}
