using System.Globalization;
using System.Text;

namespace Cdsr.Data.Raw;

/// <summary>A syntax error in a Python literal; <see cref="Position"/> is the 0-based byte offset.</summary>
public sealed class PythonLiteralException(string message, int position)
    : FormatException($"{message} at byte {position}")
{
    public int Position { get; } = position;
}

/// <summary>
/// Parser for the Python literal syntax that <c>repr()</c> writes (what the 2014 Amazon metadata files hold: one
/// <c>{'asin': '...', ...}</c> per line, read by the dataset authors with <c>eval</c>). Handles dicts, lists,
/// tuples, sets, strings in single, double or triple quotes with u/b/r prefixes and every escape Python
/// defines except \N{name}, ints (with a Python 2 L suffix), floats, True/False/None.
/// Values map to: dict = Dictionary&lt;string, object?&gt; (string keys only), list/tuple/set = List&lt;object?&gt;,
/// str = string, int = long, float = double, bool = bool, None = null.
/// Python 2 byte strings write non-ASCII text as \xNN escapes of its UTF-8 bytes; an unprefixed string's \x
/// and octal escapes are therefore decoded as bytes and the result as UTF-8, falling back to code points
/// (Latin-1) when those bytes are not valid UTF-8. In u'' strings \xNN is the code point U+00NN.
/// </summary>
public static class PythonLiteral
{
    /// <summary>Parses one complete literal (surrounding whitespace allowed).</summary>
    public static object? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    /// <summary>Parses one complete literal from UTF-8 bytes.</summary>
    public static object? Parse(ReadOnlySpan<byte> utf8)
    {
        var p = new PythonLiteralParser(utf8);
        var v = p.ParseValue();
        p.ExpectEnd();
        return v;
    }
}

/// <summary>Cursor over UTF-8 bytes; see <see cref="PythonLiteral"/>. Throws <see cref="PythonLiteralException"/>.</summary>
internal ref struct PythonLiteralParser
{
    private const int MaxDepth = 200;
    private readonly ReadOnlySpan<byte> _s;
    private int _pos;
    private int _depth;

    public PythonLiteralParser(ReadOnlySpan<byte> s)
    {
        _s = s;
        _pos = 0;
        _depth = 0;
    }

    public int Position => _pos;

    public void ExpectEnd()
    {
        SkipWs();
        if (_pos != _s.Length) throw Error($"unexpected '{(char)_s[_pos]}' after the value");
    }

    /// <summary>True and consumes <paramref name="c"/> if it is the next non-blank byte.</summary>
    public bool TryConsume(byte c)
    {
        SkipWs();
        if (_pos < _s.Length && _s[_pos] == c) { _pos++; return true; }
        return false;
    }

    public void Expect(byte c)
    {
        if (!TryConsume(c)) throw Error(_pos < _s.Length ? $"expected '{(char)c}', found '{(char)_s[_pos]}'" : $"expected '{(char)c}', found end of line");
    }

    /// <summary>Consumes the ',' between container items; the error names the closing bracket too.</summary>
    public void ExpectSeparator(byte close)
    {
        if (TryConsume((byte)',')) return;
        throw Error(_pos < _s.Length ? $"expected ',' or '{(char)close}', found '{(char)_s[_pos]}'" : $"expected ',' or '{(char)close}', found end of line");
    }

    public object? ParseValue() => Value(materialize: true);

    /// <summary>Parses and discards a value (syntax still checked; strings are not built).</summary>
    public void SkipValue() => Value(materialize: false);

    /// <summary>Reads a string literal (the next value must be one).</summary>
    public string ParseString()
    {
        SkipWs();
        if (!AtStringStart()) throw Error("expected a string");
        return String(materialize: true)!;
    }

    /// <summary>True when the next value is a string literal.</summary>
    public bool PeekString()
    {
        SkipWs();
        return AtStringStart();
    }

    /// <summary>True (and consumed) when the next value is None.</summary>
    public bool TryConsumeNone()
    {
        SkipWs();
        if (_s[_pos..].StartsWith("None"u8) && !IsIdentChar(_pos + 4)) { _pos += 4; return true; }
        return false;
    }

    private object? Value(bool materialize)
    {
        SkipWs();
        if (_pos >= _s.Length) throw Error("expected a value, found end of line");
        byte c = _s[_pos];
        if (++_depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth}");
        try
        {
            switch (c)
            {
                case (byte)'{': return DictOrSet(materialize);
                case (byte)'[': _pos++; return Sequence((byte)']', materialize);
                case (byte)'(': _pos++; return Sequence((byte)')', materialize);
            }
            if (AtStringStart()) return String(materialize);
            if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return Number();
            if (Word("True"u8)) return true;
            if (Word("False"u8)) return false;
            if (Word("None"u8)) return null;
            throw Error($"unexpected '{(char)c}'");
        }
        finally
        {
            _depth--;
        }
    }

    private object? DictOrSet(bool materialize)
    {
        _pos++; // '{'
        if (TryConsume((byte)'}')) return materialize ? new Dictionary<string, object?>() : null;
        int keyPos = _pos;
        var first = Value(materialize);
        if (TryConsume((byte)':'))
        {
            var dict = materialize ? new Dictionary<string, object?>() : null;
            object? key = first;
            while (true)
            {
                var value = Value(materialize);
                if (dict is not null)
                {
                    if (key is not string k) throw new PythonLiteralException("dictionary key must be a string", keyPos);
                    dict[k] = value;
                }
                if (TryConsume((byte)'}')) return dict;
                ExpectSeparator((byte)'}');
                if (TryConsume((byte)'}')) return dict;
                SkipWs();
                keyPos = _pos;
                key = Value(materialize);
                Expect((byte)':');
            }
        }
        // A set literal: {a, b}
        var items = materialize ? new List<object?> { first } : null;
        while (true)
        {
            if (TryConsume((byte)'}')) return items;
            ExpectSeparator((byte)'}');
            if (TryConsume((byte)'}')) return items;
            var v = Value(materialize);
            items?.Add(v);
        }
    }

    private List<object?>? Sequence(byte close, bool materialize)
    {
        var items = materialize ? new List<object?>() : null;
        if (TryConsume(close)) return items;
        while (true)
        {
            var v = Value(materialize);
            items?.Add(v);
            if (TryConsume(close)) return items;
            ExpectSeparator(close);
            if (TryConsume(close)) return items;
        }
    }

    private object Number()
    {
        int start = _pos;
        if (_s[_pos] is (byte)'-' or (byte)'+') _pos++;
        bool isFloat = false;
        while (_pos < _s.Length)
        {
            byte c = _s[_pos];
            if (c >= '0' && c <= '9' || c == '_') _pos++;
            else if (c == '.') { isFloat = true; _pos++; }
            else if (c is (byte)'e' or (byte)'E')
            {
                isFloat = true;
                _pos++;
                if (_pos < _s.Length && _s[_pos] is (byte)'-' or (byte)'+') _pos++;
            }
            else break;
        }
        var text = Encoding.ASCII.GetString(_s[start.._pos]).Replace("_", "");
        if (_pos < _s.Length && _s[_pos] is (byte)'L' or (byte)'l' && !isFloat) _pos++; // Python 2 long
        if (IsIdentChar(_pos)) throw Error($"invalid number '{text}{(char)_s[_pos]}'");
        if (!isFloat && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new PythonLiteralException($"invalid number '{text}'", start);
    }

    private bool AtStringStart()
    {
        int p = _pos;
        for (int k = 0; k < 2 && p < _s.Length && _s[p] is (byte)'u' or (byte)'U' or (byte)'b' or (byte)'B' or (byte)'r' or (byte)'R'; k++) p++;
        return p < _s.Length && _s[p] is (byte)'\'' or (byte)'"';
    }

    private string? String(bool materialize)
    {
        int start = _pos;
        bool raw = false, unicode = false, bytes = false;
        while (_s[_pos] is not ((byte)'\'' or (byte)'"'))
        {
            switch (_s[_pos] | 0x20)
            {
                case 'r': raw = true; break;
                case 'u': unicode = true; break;
                case 'b': bytes = true; break;
            }
            _pos++;
        }
        byte q = _s[_pos];
        bool triple = _pos + 2 < _s.Length && _s[_pos + 1] == q && _s[_pos + 2] == q;
        _pos += triple ? 3 : 1;
        int bodyStart = _pos;
        // Find the end and note whether any escape occurs.
        bool escapes = false;
        while (true)
        {
            if (_pos >= _s.Length) throw new PythonLiteralException("unterminated string", start);
            byte c = _s[_pos];
            if (c == '\\') { escapes = true; _pos += 2; continue; }
            if (c == q && (!triple || (_pos + 2 < _s.Length && _s[_pos + 1] == q && _s[_pos + 2] == q))) break;
            if (!triple && c == '\n') throw new PythonLiteralException("line break inside a string", _pos);
            _pos++;
        }
        var body = _s[bodyStart.._pos];
        _pos += triple ? 3 : 1;
        if (!materialize) return null;
        if (!escapes || raw) return Decode(body, start);
        // \x and octal escapes: code points in u'' strings, bytes otherwise (Python 2 str holding UTF-8).
        var buf = Unescape(body, bodyStart, escapeIsByte: !unicode, allowUnicodeEscapes: !bytes);
        try
        {
            return StrictUtf8.GetString(buf);
        }
        catch (DecoderFallbackException) when (!unicode)
        {
            return StrictUtf8.GetString(Unescape(body, bodyStart, escapeIsByte: false, allowUnicodeEscapes: !bytes));
        }
        catch (DecoderFallbackException)
        {
            throw new PythonLiteralException("string is not valid UTF-8", start);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(ReadOnlySpan<byte> body, int at)
    {
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw new PythonLiteralException("string is not valid UTF-8", at);
        }
    }

    private static byte[] Unescape(ReadOnlySpan<byte> body, int offset, bool escapeIsByte, bool allowUnicodeEscapes)
    {
        var o = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            byte c = body[i];
            if (c != '\\') { o.Add(c); continue; }
            int at = offset + i;
            if (++i >= body.Length) throw new PythonLiteralException("string ends with a lone backslash", at);
            byte e = body[i];
            switch (e)
            {
                case (byte)'\n': break; // line continuation
                case (byte)'\\': case (byte)'\'': case (byte)'"': o.Add(e); break;
                case (byte)'a': o.Add(7); break;
                case (byte)'b': o.Add(8); break;
                case (byte)'f': o.Add(12); break;
                case (byte)'n': o.Add(10); break;
                case (byte)'r': o.Add(13); break;
                case (byte)'t': o.Add(9); break;
                case (byte)'v': o.Add(11); break;
                case (byte)'x':
                    {
                        int v = Hex(body, i + 1, 2, at);
                        i += 2;
                        AddCodeOrByte(o, v, escapeIsByte);
                        break;
                    }
                case >= (byte)'0' and <= (byte)'7':
                    {
                        int v = 0, n = 0;
                        while (n < 3 && i < body.Length && body[i] >= '0' && body[i] <= '7') { v = v * 8 + (body[i] - '0'); i++; n++; }
                        i--;
                        if (v > 0xFF && escapeIsByte) throw new PythonLiteralException("octal escape above \\377", at);
                        AddCodeOrByte(o, v, escapeIsByte);
                        break;
                    }
                case (byte)'u' or (byte)'U' when allowUnicodeEscapes:
                    {
                        int len = e == 'u' ? 4 : 8;
                        int v = Hex(body, i + 1, len, at);
                        i += len;
                        // A UTF-16 surrogate pair written as two \u escapes.
                        if (v is >= 0xD800 and <= 0xDBFF && i + 6 < body.Length + 0 && body[i + 1] == '\\' && body[i + 2] == 'u')
                        {
                            int lo = Hex(body, i + 3, 4, at);
                            if (lo is >= 0xDC00 and <= 0xDFFF)
                            {
                                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                                i += 6;
                            }
                        }
                        if (!Rune.IsValid(v)) throw new PythonLiteralException($"invalid code point U+{v:X4}", at);
                        Span<byte> tmp = stackalloc byte[4];
                        int w = new Rune(v).EncodeToUtf8(tmp);
                        for (int k = 0; k < w; k++) o.Add(tmp[k]);
                        break;
                    }
                case (byte)'N' when allowUnicodeEscapes:
                    throw new PythonLiteralException("\\N{name} escapes are not supported", at);
                default:
                    o.Add((byte)'\\'); // Python keeps unknown escapes verbatim
                    o.Add(e);
                    break;
            }
        }
        return o.ToArray();
    }

    private static void AddCodeOrByte(List<byte> o, int v, bool asByte)
    {
        if (asByte) { o.Add((byte)v); return; }
        Span<byte> tmp = stackalloc byte[4];
        int w = new Rune(v).EncodeToUtf8(tmp);
        for (int k = 0; k < w; k++) o.Add(tmp[k]);
    }

    private static int Hex(ReadOnlySpan<byte> s, int at, int len, int errorPos)
    {
        if (at + len > s.Length) throw new PythonLiteralException("truncated escape", errorPos);
        int v = 0;
        for (int k = 0; k < len; k++)
        {
            int d = HexDigit(s[at + k]);
            if (d < 0) throw new PythonLiteralException("invalid hex escape", errorPos);
            v = (v << 4) | d;
        }
        return v;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private bool Word(ReadOnlySpan<byte> w)
    {
        if (_s[_pos..].StartsWith(w) && !IsIdentChar(_pos + w.Length)) { _pos += w.Length; return true; }
        return false;
    }

    private bool IsIdentChar(int p) => p < _s.Length && (char.IsAsciiLetterOrDigit((char)_s[p]) || _s[p] == '_');

    private void SkipWs()
    {
        while (_pos < _s.Length && _s[_pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') _pos++;
    }

    private PythonLiteralException Error(string message) => new(message, _pos);
}
