using System.Runtime.InteropServices;
using Cdsr.Data.Raw.Native;

namespace Cdsr.Data.Raw;

/// <summary>
/// Read-only gzip decompression over zlib that, unlike GZipStream, reports a truncated or corrupt file:
/// every member must end with Z_STREAM_END (zlib then has checked its CRC32 and length); concatenated
/// members are decoded one after another. Errors are <see cref="InvalidDataException"/>.
/// </summary>
public sealed unsafe class GzipDecompressStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly InflateHandle _z;
    private readonly byte[] _in;
    private readonly GCHandle _pin;
    private bool _memberDone;   // last inflate returned Z_STREAM_END
    private bool _innerEof;
    private bool _finished;

    public GzipDecompressStream(Stream inner, bool leaveOpen = false, int bufferSize = 1 << 16)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _leaveOpen = leaveOpen;
        _z = InflateHandle.Create();
        _in = new byte[bufferSize];
        _pin = GCHandle.Alloc(_in, GCHandleType.Pinned);
    }

    /// <summary>True when <paramref name="head"/> starts with the gzip magic bytes 1f 8b.</summary>
    public static bool HasGzipMagic(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    /// <summary>Decompressed bytes produced so far.</summary>
    public long BytesDecompressed { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_finished || buffer.IsEmpty) return 0;
        ZStream* z = _z.Stream;
        fixed (byte* outp = buffer)
        {
            while (true)
            {
                if (z->AvailIn == 0 && !_innerEof)
                {
                    int n = _inner.Read(_in, 0, _in.Length);
                    if (n == 0) _innerEof = true;
                    z->NextIn = (byte*)_pin.AddrOfPinnedObject();
                    z->AvailIn = (uint)n;
                }
                if (_memberDone)
                {
                    if (z->AvailIn == 0 && _innerEof) { _finished = true; return 0; }
                    // Another member follows (concatenated gzip): start it.
                    ZLibNative.inflateReset(z);
                    _memberDone = false;
                }
                if (z->AvailIn == 0 && _innerEof)
                    throw new InvalidDataException(
                        $"truncated gzip stream: input ended inside a compressed member after {BytesDecompressed} decompressed bytes");

                z->NextOut = outp;
                z->AvailOut = (uint)buffer.Length;
                int rc = ZLibNative.inflate(z, ZLibNative.Z_NO_FLUSH);
                int produced = buffer.Length - (int)z->AvailOut;
                BytesDecompressed += produced;
                if (rc == ZLibNative.Z_STREAM_END) _memberDone = true;
                else if (rc != ZLibNative.Z_OK && rc != ZLibNative.Z_BUF_ERROR)
                {
                    string msg = z->Msg == null ? $"zlib error {rc}" : Marshal.PtrToStringUTF8((IntPtr)z->Msg) ?? $"zlib error {rc}";
                    throw new InvalidDataException($"corrupt gzip stream after {BytesDecompressed} decompressed bytes: {msg}");
                }
                if (produced > 0) return produced;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _z.Dispose();
            if (_pin.IsAllocated) _pin.Free();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
