using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cdsr.Semantics.Caching;

/// <summary>The identity of one cached artefact: SHA-256 over provider, model, prompt template version and the SHA-256
/// of the exact input. Any change to one of them is a different key, so a changed prompt invalidates only what it
/// touches and nothing is paid for twice.</summary>
public readonly record struct CacheKey(string Provider, string Hex)
{
    public static CacheKey Create(string provider, string model, string templateKey, string input)
    {
        var inputHash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        var text = $"cdsr-semantic-cache/1\n{provider}\n{model}\n{templateKey}\n{Convert.ToHexStringLower(inputHash)}";
        return new CacheKey(provider, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
    }
}

/// <summary>
/// A content-addressed disk cache for embeddings and chat responses. One file per entry,
/// <c>root/&lt;provider&gt;/&lt;2 hex&gt;/&lt;64 hex&gt;.entry</c>, laid out as (little-endian):
/// <code>
///  0  8 bytes   magic "CDSRSC1\0"
///  8  32 bytes  the key (raw SHA-256)
/// 40  int64     payload length L
/// 48  L bytes   payload
/// .   32 bytes  SHA-256 of key bytes + payload
/// </code>
/// Entries are written to a temporary file and renamed into place (atomic on one file system), so a reader sees a
/// whole entry or none. A read that finds a bad magic, key, length or hash counts the entry as corrupt, deletes it and
/// reports a miss, so the caller recomputes it. Nothing secret is ever written: keys hash the input, payloads are
/// model outputs.
/// </summary>
public sealed class SemanticCache
{
    private static ReadOnlySpan<byte> Magic => "CDSRSC1\0"u8;
    private long _hits, _misses, _corrupt, _writes;

    public SemanticCache(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The default location: <c>$CDSR_CACHE/semantic</c> or <c>~/.cache/cdsr/semantic</c>.</summary>
    public static SemanticCache Default() => new(Path.Combine(Glove.GloveStore.CacheDirectory, "semantic"));

    public string Root { get; }
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    /// <summary>Entries found damaged (and deleted) since this object was made.</summary>
    public long Corrupt => Interlocked.Read(ref _corrupt);
    public long Writes => Interlocked.Read(ref _writes);

    public string PathOf(CacheKey key)
    {
        foreach (char c in key.Provider)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) throw new ArgumentException($"provider name '{key.Provider}' may hold only letters, digits, '-', '_' and '.'");
        return Path.Combine(Root, key.Provider, key.Hex[..2], key.Hex + ".entry");
    }

    public bool TryGet(CacheKey key, out byte[] payload)
    {
        payload = [];
        var path = PathOf(key);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { Interlocked.Increment(ref _misses); return false; }
        catch (DirectoryNotFoundException) { Interlocked.Increment(ref _misses); return false; }
        var keyBytes = Convert.FromHexString(key.Hex);
        bool ok = bytes.Length >= 8 + 32 + 8 + 32 && bytes.AsSpan(0, 8).SequenceEqual(Magic) && bytes.AsSpan(8, 32).SequenceEqual(keyBytes);
        long len = ok ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(40)) : -1;
        ok = ok && len >= 0 && len == bytes.Length - 48 - 32;
        if (ok)
        {
            var hash = SHA256.HashData(Concat(keyBytes, bytes.AsSpan(48, (int)len)));
            ok = hash.AsSpan().SequenceEqual(bytes.AsSpan(48 + (int)len, 32));
        }
        if (!ok)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _misses);
            try { File.Delete(path); } catch (IOException) { }
            return false;
        }
        payload = bytes.AsSpan(48, (int)len).ToArray();
        Interlocked.Increment(ref _hits);
        return true;
    }

    public void Put(CacheKey key, ReadOnlySpan<byte> payload)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var keyBytes = Convert.FromHexString(key.Hex);
        var bytes = new byte[48 + payload.Length + 32];
        Magic.CopyTo(bytes);
        keyBytes.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), payload.Length);
        payload.CopyTo(bytes.AsSpan(48));
        SHA256.HashData(Concat(keyBytes, payload)).CopyTo(bytes.AsSpan(48 + payload.Length));
        var tmp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        finally { if (File.Exists(tmp)) File.Delete(tmp); }
        Interlocked.Increment(ref _writes);
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r); b.CopyTo(r.AsSpan(a.Length));
        return r;
    }
}
