using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Cdsr.Trainers.Serialization;

/// <summary>A safetensors file that is malformed or cannot be read; the message names the file and the problem.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    public SafeTensorsFormatException(string path, string problem) : base($"{path}: {problem}")
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }
    public string Problem { get; }
}

/// <summary>
/// Reads and writes the safetensors format (Hugging Face): plain tensors and a string map, nothing executable.
/// <code>
/// bytes [0, 8)        N, the header length, unsigned 64-bit little-endian
/// bytes [8, 8 + N)    UTF-8 JSON object: { "name": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ...,
///                     "__metadata__": { "key": "value", ... } (optional) }, padded with spaces to a multiple of 8
/// bytes [8 + N, EOF)  the data: each tensor row-major little-endian at [8 + N + begin, 8 + N + end)
/// </code>
/// The reader is strict: the tensors must tile the data area exactly (no gap, no overlap, nothing after the last),
/// each byte range must match its dtype and shape, and unknown dtypes, duplicate names and headers over
/// <see cref="MaxHeaderBytes"/> are rejected. The writer writes a temporary file beside the target and renames it,
/// so a reader never sees a half-written file.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private const string MetadataKey = "__metadata__";

    private static readonly (string Name, ScalarType Type)[] DTypes =
    {
        ("BOOL", ScalarType.Bool), ("U8", ScalarType.Byte), ("I8", ScalarType.Int8), ("I16", ScalarType.Int16),
        ("I32", ScalarType.Int32), ("I64", ScalarType.Int64), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("F32", ScalarType.Float32), ("F64", ScalarType.Float64),
    };

    private static long ElementSize(ScalarType t) => t switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentException($"dtype {t} has no safetensors name"),
    };

    private static string DTypeName(ScalarType t)
    {
        foreach (var (n, s) in DTypes)
            if (s == t) return n;
        throw new ArgumentException($"dtype {t} has no safetensors name");
    }

    /// <summary>One tensor's entry in a file's header.</summary>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>A file's validated header: its tensor entries (in data order) and metadata.</summary>
    public sealed record Header(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    // ---------------------------------------------------------------------------------------------- write

    /// <summary>Writes <paramref name="tensors"/> (and optional string <paramref name="metadata"/>) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing needs a little-endian machine");
        // Larger elements first, then by name: every tensor starts aligned to its element size.
        foreach (var (name, t) in tensors)
            if (t is not null && t.IsInvalid) throw new ObjectDisposedException($"tensors[\"{name}\"]", $"tensor '{name}' is disposed");
        var order = tensors.OrderByDescending(kv => ElementSize(kv.Value.dtype)).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var entries = new List<(string Name, Tensor T, ScalarType DType, long Bytes)>();
        foreach (var (name, t) in order)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a tensor name is empty", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
            ArgumentNullException.ThrowIfNull(t, $"tensors[\"{name}\"]");
            var dt = t.dtype;
            DTypeName(dt);
            entries.Add((name, t, dt, checked(t.numel() * ElementSize(dt))));
        }

        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    w.WriteString(k, v ?? throw new ArgumentException($"metadata value of '{k}' is null", nameof(metadata)));
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t, dt, bytes) in entries)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", DTypeName(dt));
                w.WriteStartArray("shape");
                foreach (var s in t.shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var header = json.ToArray();
        var padded = (header.Length + 7) / 8 * 8;

        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
                fs.Write(len);
                fs.Write(header);
                for (var i = header.Length; i < padded; i++) fs.WriteByte((byte)' ');
                foreach (var (_, t, dt, bytes) in entries) WriteTensor(fs, t, dt, bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    private static void WriteTensor(Stream s, Tensor t, ScalarType dt, long bytes)
    {
        if (bytes == 0) return;
        if (bytes > int.MaxValue) throw new ArgumentException($"a tensor of {bytes} bytes is larger than this writer supports (2 GiB)");
        using var host = t.detach().cpu().contiguous();
        s.Write(host.bytes);
    }

    // ---------------------------------------------------------------------------------------------- read

    /// <summary>Reads every tensor of <paramref name="path"/> (onto <paramref name="device"/>, default CPU).
    /// The tensors join the current dispose scope, if any.</summary>
    public static Dictionary<string, Tensor> Load(string path, Device? device = null) => LoadWithMetadata(path, device).Tensors;

    /// <summary>Reads every tensor of <paramref name="path"/> and the file's metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine");
        using var fs = OpenRead(path);
        var header = ReadHeader(fs, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in header.Entries) result[e.Name] = ReadTensor(fs, path, header.DataStart, e, device ?? CPU);
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return (result, header.Metadata);
    }

    /// <summary>Reads and validates only the header of <paramref name="path"/>.</summary>
    public static Header ReadHeader(string path)
    {
        using var fs = OpenRead(path);
        return ReadHeader(fs, path);
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SafeTensorsFormatException(path, $"cannot open: {e.Message}");
        }
    }

    private static Header ReadHeader(FileStream fs, string path)
    {
        SafeTensorsFormatException Bad(string problem) => new(path, problem);
        var fileLength = fs.Length;
        if (fileLength < 8) throw Bad($"file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lenBytes = stackalloc byte[8];
        fs.ReadExactly(lenBytes);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (n > (ulong)MaxHeaderBytes) throw Bad($"header length {n} exceeds the limit of {MaxHeaderBytes} bytes");
        if (n < 2) throw Bad($"header length {n} is too short for a JSON object");
        if ((long)n > fileLength - 8) throw Bad($"header length {n} runs past the end of the file ({fileLength} bytes)");
        var headerBytes = new byte[n];
        fs.ReadExactly(headerBytes);
        var dataStart = 8 + (long)n;
        var dataLength = fileLength - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Bad($"header is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad($"header is a JSON {doc.RootElement.ValueKind}, expected an object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(prop.Name)) throw Bad($"header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad($"'{MetadataKey}' is a JSON {prop.Value.ValueKind}, expected an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad($"metadata '{m.Name}' is a JSON {m.Value.ValueKind}, expected a string");
                        if (!metadata.TryAdd(m.Name, m.Value.GetString()!)) throw Bad($"metadata names '{m.Name}' twice");
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, Bad));
            }

            // The tensors must tile [0, dataLength) exactly.
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            foreach (var e in entries)
            {
                if (e.Begin < expected) throw Bad($"tensor '{e.Name}' data [{e.Begin}, {e.End}) overlaps the previous tensor's (which ends at {expected})");
                if (e.Begin > expected) throw Bad($"gap in the data: bytes [{expected}, {e.Begin}) before tensor '{e.Name}' belong to no tensor");
                if (e.End > dataLength) throw Bad($"tensor '{e.Name}' data [{e.Begin}, {e.End}) runs past the end of the data area ({dataLength} bytes)");
                expected = e.End;
            }
            if (expected != dataLength) throw Bad($"{dataLength - expected} trailing byte(s) after the last tensor's data (data area is {dataLength} bytes, tensors cover {expected})");
            return new Header(entries, metadata, dataStart);
        }
    }

    private static Entry ParseEntry(JsonProperty prop, Func<string, SafeTensorsFormatException> bad)
    {
        var name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw bad($"tensor '{name}' is a JSON {v.ValueKind}, expected an object");
        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var f in v.EnumerateObject())
        {
            switch (f.Name)
            {
                case "dtype":
                    if (dtype is not null) throw bad($"tensor '{name}' names 'dtype' twice");
                    if (f.Value.ValueKind != JsonValueKind.String) throw bad($"tensor '{name}': 'dtype' is not a string");
                    dtype = f.Value.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw bad($"tensor '{name}' names 'shape' twice");
                    shape = ReadInts(f.Value, name, "shape", bad);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw bad($"tensor '{name}' names 'data_offsets' twice");
                    offsets = ReadInts(f.Value, name, "data_offsets", bad);
                    break;
                default:
                    throw bad($"tensor '{name}' has unknown field '{f.Name}'");
            }
        }
        if (dtype is null) throw bad($"tensor '{name}' has no 'dtype'");
        if (shape is null) throw bad($"tensor '{name}' has no 'shape'");
        if (offsets is null) throw bad($"tensor '{name}' has no 'data_offsets'");
        var match = DTypes.Where(d => d.Name == dtype).ToList();
        if (match.Count == 0) throw bad($"tensor '{name}' has unknown or unsupported dtype '{dtype}' (supported: {string.Join(", ", DTypes.Select(d => d.Name))})");
        var type = match[0].Type;
        if (offsets.Length != 2) throw bad($"tensor '{name}': 'data_offsets' has {offsets.Length} numbers, expected 2");
        if (offsets[0] > offsets[1]) throw bad($"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] end before they begin");
        long bytes;
        try
        {
            long count = 1;
            foreach (var s in shape) count = checked(count * s);
            bytes = checked(count * ElementSize(type));
        }
        catch (OverflowException)
        {
            throw bad($"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
        }
        if (offsets[1] - offsets[0] != bytes)
            throw bad($"tensor '{name}': {dtype} shape [{string.Join(", ", shape)}] needs {bytes} bytes but data_offsets [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]}");
        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadInts(JsonElement e, string name, string field, Func<string, SafeTensorsFormatException> bad)
    {
        if (e.ValueKind != JsonValueKind.Array) throw bad($"tensor '{name}': '{field}' is not an array");
        var list = new List<long>();
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out var v) || v < 0)
                throw bad($"tensor '{name}': '{field}' holds {x.GetRawText()}, expected non-negative integers");
            list.Add(v);
        }
        return list.ToArray();
    }

    private static Tensor ReadTensor(FileStream fs, string path, long dataStart, Entry e, Device device)
    {
        var bytes = e.End - e.Begin;
        if (bytes > int.MaxValue) throw new SafeTensorsFormatException(path, $"tensor '{e.Name}' of {bytes} bytes is larger than this reader supports (2 GiB)");
        var buf = ArrayPool<byte>.Shared.Rent((int)Math.Max(bytes, 1));
        try
        {
            fs.Position = dataStart + e.Begin;
            fs.ReadExactly(buf, 0, (int)bytes);
            if (e.DType == ScalarType.Bool)
                for (var i = 0; i < bytes; i++)
                    if (buf[i] > 1) throw new SafeTensorsFormatException(path, $"tensor '{e.Name}': BOOL element {i} is {buf[i]}, expected 0 or 1");
            var t = empty(e.Shape, e.DType);
            if (bytes > 0) t.bytes = buf.AsSpan(0, (int)bytes);
            if (device.type == DeviceType.CPU) return t;
            using (t) return t.to(device);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }
}
