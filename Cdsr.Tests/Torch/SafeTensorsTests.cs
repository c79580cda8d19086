using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using Cdsr.Trainers.Serialization;
using static TorchSharp.torch;

namespace Cdsr.Tests.Torch;

public class SafeTensorsTests
{
    private string dir = "";

    [SetUp]
    public void MakeDir()
    {
        dir = Path.Combine(Path.GetTempPath(), "cdsr-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
    }

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    /// <summary>Builds a file byte by byte: length, header text, data.</summary>
    private string WriteRaw(string header, byte[] data, long? declaredLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(declaredLength ?? h.Length));
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        var path = Path.Combine(dir, "raw.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    [Test]
    public void ReadsAHandBuiltFile()
    {
        var data = Floats(1.5f, -2f, 0.25f).Concat(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }).ToArray();
        var path = WriteRaw("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"n":{"dtype":"I64","shape":[],"data_offsets":[12,20]}}  """, data);
        using var scope = NewDisposeScope();
        var (tensors, meta) = SafeTensors.LoadWithMetadata(path);
        Assert.That(tensors.Keys, Is.EquivalentTo(new[] { "w", "n" }));
        Assert.That(tensors["w"].data<float>().ToArray(), Is.EqualTo(new[] { 1.5f, -2f, 0.25f }));
        Assert.That(tensors["n"].shape, Is.Empty);
        Assert.That(tensors["n"].item<long>(), Is.EqualTo(7));
        Assert.That(meta["format"], Is.EqualTo("pt"));
    }

    [Test]
    public void WrittenBytesFollowTheFormat()
    {
        var path = Path.Combine(dir, "out.safetensors");
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 });
        using var b = tensor(new long[] { -1, 9 });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, new Dictionary<string, string> { ["k"] = "v" });

        // Decode by hand, independently of the reader.
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That((8 + n) % 8, Is.EqualTo(0), "data starts 8-byte aligned");
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, n));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("__metadata__").GetProperty("k").GetString(), Is.EqualTo("v"));
        Assert.That(root.GetProperty("a").GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(root.GetProperty("a").GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), Is.EqualTo(new long[] { 2, 3 }));
        var offA = root.GetProperty("a").GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var offB = root.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        Assert.That(offB, Is.EqualTo(new[] { 0, 16 }), "8-byte elements come first");
        Assert.That(offA, Is.EqualTo(new[] { 16, 40 }));
        Assert.That(bytes.Length, Is.EqualTo(8 + n + 40));
        var d = 8 + n;
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(d)), Is.EqualTo(-1));
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(d + 16 + 4 * 5)), Is.EqualTo(6f));
    }

    // TorchSharp 0.107's data<T>().ToArray() throws on 0-d and empty tensors: read them flattened.
    private static double[] Values(Tensor t) => t.numel() == 0 ? [] : t.to(ScalarType.Float64).flatten().data<double>().ToArray();

    [Test]
    public void RoundTripsEveryDtypeAndOddShapes()
    {
        using var scope = NewDisposeScope();
        var src = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 4),
            ["f64"] = randn(new long[] { 2, 2 }, ScalarType.Float64),
            ["f16"] = randn(5).to(ScalarType.Float16),
            ["bf16"] = randn(5).to(ScalarType.BFloat16),
            ["i64"] = tensor(new long[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = tensor(new[] { -3, 4 }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.5, ScalarType.Float32),
            ["empty"] = zeros(0, 3),
            ["view"] = randn(4, 4).to(ScalarType.Float64),
        };
        var path = Path.Combine(dir, "all.safetensors");
        SafeTensors.Save(path, src);
        var back = SafeTensors.Load(path);
        Assert.That(back.Keys, Is.EquivalentTo(src.Keys));
        foreach (var (name, t) in src)
        {
            Assert.That(back[name].dtype, Is.EqualTo(t.dtype), name);
            Assert.That(back[name].shape, Is.EqualTo(t.shape), name);
            Assert.That(Values(back[name]), Is.EqualTo(Values(t)), name);
        }
    }

    private static IEnumerable<TestCaseData> Corrupt()
    {
        var ok = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var eight = new byte[8];
        yield return new TestCaseData("", new byte[0], null, "header length 0 is too short").SetName("EmptyHeader");
        yield return new TestCaseData(ok, eight, 200L * 1024 * 1024, "exceeds the limit").SetName("HugeHeaderLength");
        yield return new TestCaseData(ok, eight, 4000L, "runs past the end of the file").SetName("HeaderPastEof");
        yield return new TestCaseData("{\"w\":", eight, null, "not valid JSON").SetName("BadJson");
        yield return new TestCaseData("[1,2]", eight, null, "expected an object").SetName("HeaderNotObject");
        yield return new TestCaseData(ok.Replace("F32", "U64"), eight, null, "unknown or unsupported dtype 'U64'").SetName("UnknownDtype");
        yield return new TestCaseData(ok.Replace("[0,8]", "[0,12]"), new byte[12], null, "needs 8 bytes but data_offsets [0, 12] hold 12").SetName("SizeMismatch");
        yield return new TestCaseData(ok.Replace("[0,8]", "[8,16]"), new byte[16], null, "gap in the data: bytes [0, 8)").SetName("Gap");
        yield return new TestCaseData(ok.Replace("[0,8]", "[0,8]"), new byte[12], null, "4 trailing byte(s)").SetName("TrailingGarbage");
        yield return new TestCaseData(ok.Replace("[0,8]", "[4,12]"), eight, null, "gap in the data").SetName("OutOfRangeStart");
        yield return new TestCaseData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
            new byte[12], null, "overlaps").SetName("Overlap");
        yield return new TestCaseData("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", eight, null, "runs past the end of the data area").SetName("PastData");
        yield return new TestCaseData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""",
            eight, null, "names 'w' twice").SetName("DuplicateName");
        yield return new TestCaseData(ok.Replace("[2]", "[-2]"), eight, null, "expected non-negative integers").SetName("NegativeShape");
        yield return new TestCaseData(ok.Replace("[0,8]", "[8,0]"), eight, null, "end before they begin").SetName("ReversedOffsets");
        yield return new TestCaseData("""{"__metadata__":{"k":1},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", eight, null,
            "metadata 'k' is a JSON Number, expected a string").SetName("MetadataNotString");
        yield return new TestCaseData(ok.Replace("\"shape\"", "\"eval\":\"x\",\"shape\""), eight, null, "unknown field 'eval'").SetName("UnknownField");
        yield return new TestCaseData("""{"w":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}""", new byte[] { 1, 5 }, null, "BOOL element 1 is 5").SetName("BadBool");
    }

    [TestCaseSource(nameof(Corrupt))]
    public void CorruptFilesAreRejectedNamingFileAndProblem(string header, byte[] data, long? declared, string expected)
    {
        var path = WriteRaw(header, data, declared);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.That(ex!.Message, Does.StartWith(path + ": "));
        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before), "no tensor may be left behind by a failed load");
    }

    [Test]
    public void FileShorterThanTheLengthFieldIsRejected()
    {
        var path = Path.Combine(dir, "short.safetensors");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.ReadHeader(path));
        Assert.That(ex!.Message, Is.EqualTo(path + ": file is 3 bytes, shorter than the 8-byte header length"));
    }

    [Test]
    public void MissingFileIsReportedByName()
    {
        var path = Path.Combine(dir, "nope.safetensors");
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.That(ex!.Message, Does.StartWith(path).And.Contain("cannot open"));
    }

    [Test]
    public void SaveReplacesAtomicallyAndAFailedSaveKeepsTheOldFile()
    {
        var path = Path.Combine(dir, "m.safetensors");
        using var a = tensor(new float[] { 1, 2 });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = a });
        using var b = tensor(new float[] { 3, 4, 5 });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = b });
        using (var scope = NewDisposeScope()) Assert.That(SafeTensors.Load(path)["a"].data<float>().ToArray(), Is.EqualTo(new float[] { 3, 4, 5 }));

        var gone = tensor(new float[] { 9 });
        gone.Dispose();
        Assert.Throws<ObjectDisposedException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = b, ["z"] = gone }));
        using (var scope = NewDisposeScope()) Assert.That(SafeTensors.Load(path)["a"].data<float>().ToArray(), Is.EqualTo(new float[] { 3, 4, 5 }));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "m.safetensors" }), "no temporary file is left behind");

        Assert.That(Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["__metadata__"] = b }))!.Message,
            Does.Contain("reserved"));
    }
}
