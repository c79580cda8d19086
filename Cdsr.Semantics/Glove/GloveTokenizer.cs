using System.Globalization;
using System.Text;

namespace Cdsr.Semantics.Glove;

/// <summary>
/// The tokeniser used with GloVe 6B (whose vocabulary is lower-cased Wikipedia + Gigaword text tokenised by the
/// Stanford tokenizer):
/// <list type="number">
/// <item>lower-case (invariant culture);</item>
/// <item>split into maximal runs of letters and digits; every other character separates tokens and is dropped
/// (punctuation carries little meaning in titles and SIF would weight it near zero anyway);</item>
/// <item>a run joined to the next by '-' or '.' with no space ("stainless-steel", "2.5") is kept as one token when
/// that form is in the vocabulary, else its parts are used;</item>
/// <item>a possessive "'s" after a word becomes the GloVe token "'s"; "n't" likewise (other apostrophes split).</item>
/// <item>a word missing from the vocabulary (brand coinages such as "frothpro", "foodsaver") is split by
/// <see cref="Pieces"/> into known pieces of at least <see cref="MinPiece"/> letters that cover as many of its
/// characters as possible ("froth" + "pro"); a word with no such piece is dropped.</item>
/// </list>
/// The packaged vocabulary holds no digits-only or punctuation tokens, so numbers and "'s" are dropped by lookup.
/// </summary>
public sealed class GloveTokenizer(Func<string, bool> inVocabulary)
{
    /// <summary>Shortest vocabulary piece used to split an unknown word.</summary>
    public const int MinPiece = 3;

    /// <summary>Tokens of <paramref name="text"/> that are in the vocabulary, unknown words replaced by their pieces.</summary>
    public List<string> KnownTokens(string text)
    {
        var r = new List<string>();
        foreach (var t in Tokenize(text))
        {
            if (inVocabulary(t)) r.Add(t);
            else r.AddRange(Pieces(t));
        }
        return r;
    }

    /// <summary>
    /// Splits an unknown word into vocabulary pieces of at least <see cref="MinPiece"/> characters, maximising the
    /// characters covered (ties: fewer pieces, then the earliest split), by dynamic programming over prefixes.
    /// Letters between pieces that no piece covers are skipped. Returns no pieces when none is found.
    /// </summary>
    public List<string> Pieces(string word)
    {
        int n = word.Length;
        var result = new List<string>();
        if (n < MinPiece * 2 - 1 || n > 64) return result;
        var cover = new int[n + 1]; var count = new int[n + 1]; var from = new int[n + 1]; var piece = new bool[n + 1];
        for (int i = 1; i <= n; i++)
        {
            cover[i] = cover[i - 1]; count[i] = count[i - 1]; from[i] = i - 1; piece[i] = false; // skip character i-1
            for (int j = Math.Max(0, i - 24); j <= i - MinPiece; j++)
            {
                if (!inVocabulary(word[j..i])) continue;
                int c = cover[j] + (i - j), k = count[j] + 1;
                if (c > cover[i] || (c == cover[i] && k < count[i])) { cover[i] = c; count[i] = k; from[i] = j; piece[i] = true; }
            }
        }
        for (int i = n; i > 0; i = from[i]) if (piece[i]) result.Add(word[from[i]..i]);
        result.Reverse();
        return result;
    }

    public List<string> Tokenize(string text)
    {
        var raw = new List<(string Word, char Joiner)>(); // joiner = the character right after the word ('-', '.', '\'' or ' ')
        var sb = new StringBuilder();
        string lower = text.ToLowerInvariant();
        for (int i = 0; i <= lower.Length; i++)
        {
            char c = i < lower.Length ? lower[i] : ' ';
            if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark && sb.Length > 0)
            {
                sb.Append(c);
                continue;
            }
            if (sb.Length > 0)
            {
                bool joinedNext = i + 1 < lower.Length && char.IsLetterOrDigit(lower[i + 1]);
                char joiner = (c is '-' or '.' or '\'' or '\u2019') && joinedNext ? (c == '\u2019' ? '\'' : c) : ' ';
                raw.Add((sb.ToString(), joiner));
                sb.Clear();
            }
        }
        var tokens = new List<string>(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            var (w, j) = raw[i];
            if (j == '\'' && i + 1 < raw.Count)
            {
                var next = raw[i + 1].Word;
                if (next == "s") { tokens.Add(w); tokens.Add("'s"); i++; continue; }
                if (next == "t" && w.EndsWith('n') && w.Length > 1) { tokens.Add(w[..^1]); tokens.Add("n't"); i++; continue; }
            }
            if (j is '-' or '.')
            {
                // longest joined compound starting here that the vocabulary knows
                int end = i; string joined = w, best = w; int bestEnd = i;
                while (end + 1 < raw.Count && raw[end].Joiner is '-' or '.')
                {
                    joined = joined + raw[end].Joiner + raw[end + 1].Word;
                    end++;
                    if (inVocabulary(joined)) { best = joined; bestEnd = end; }
                }
                tokens.Add(best);
                i = bestEnd;
                continue;
            }
            tokens.Add(w);
        }
        return tokens;
    }
}
