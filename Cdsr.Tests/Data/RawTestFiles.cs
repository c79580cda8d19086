using System.IO.Compression;
using System.Text;

namespace Cdsr.Tests.Data;

/// <summary>Writes test inputs as plain text or gzip into a per-test temporary directory.</summary>
internal sealed class RawTestFiles : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "cdsr-raw-" + Guid.NewGuid().ToString("N"));

    public RawTestFiles() => Directory.CreateDirectory(Dir);

    /// <summary>Writes the lines (joined by \n) and returns the path; gzip when <paramref name="gzip"/>.</summary>
    public string Write(string name, IEnumerable<string> lines, bool gzip = false)
    {
        string path = Path.Combine(Dir, name);
        byte[] text = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        if (!gzip) { File.WriteAllBytes(path, text); return path; }
        using var f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        gz.Write(text);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
