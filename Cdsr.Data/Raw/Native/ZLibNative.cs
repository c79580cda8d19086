using System.Runtime.InteropServices;

namespace Cdsr.Data.Raw.Native;

/// <summary>
/// The few zlib calls <see cref="GzipDecompressStream"/> needs, from the system's libz.so.1 (zlib1g, a
/// required package on Debian). Used instead of System.IO.Compression.GZipStream because GZipStream ends
/// silently on a truncated file, while inflate() tells a complete member (Z_STREAM_END, CRC32 and length
/// verified) from input that stopped early.
/// </summary>
internal static unsafe partial class ZLibNative
{
    private const string Lib = "libz.so.1";

    public const int Z_OK = 0, Z_STREAM_END = 1, Z_NEED_DICT = 2, Z_BUF_ERROR = -5, Z_DATA_ERROR = -3, Z_MEM_ERROR = -4;
    public const int Z_NO_FLUSH = 0;

    /// <summary>windowBits 15 + 16: decode a gzip wrapper (header, deflate data, CRC32/ISIZE trailer).</summary>
    public const int GzipWindowBits = 15 + 16;

    [LibraryImport(Lib, EntryPoint = "inflateInit2_")]
    public static partial int inflateInit2_(ZStream* strm, int windowBits, byte* version, int streamSize);

    [LibraryImport(Lib, EntryPoint = "inflate")]
    public static partial int inflate(ZStream* strm, int flush);

    [LibraryImport(Lib, EntryPoint = "inflateReset")]
    public static partial int inflateReset(ZStream* strm);

    [LibraryImport(Lib, EntryPoint = "inflateEnd")]
    public static partial int inflateEnd(ZStream* strm);
}

/// <summary>
/// z_stream from zlib.h on LP64 (112 bytes). zlib keeps a pointer to it in its internal state, so it lives in
/// native memory, never on the managed heap.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZStream
{
    public byte* NextIn;
    public uint AvailIn;
    public nuint TotalIn;
    public byte* NextOut;
    public uint AvailOut;
    public nuint TotalOut;
    public byte* Msg;
    public IntPtr State;
    public IntPtr ZAlloc;
    public IntPtr ZFree;
    public IntPtr Opaque;
    public int DataType;
    public nuint Adler;
    public nuint Reserved;
}

/// <summary>Owns a native z_stream initialised for inflate; releases it with inflateEnd.</summary>
internal sealed unsafe class InflateHandle : SafeHandle
{
    public InflateHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public ZStream* Stream => (ZStream*)handle;

    public static InflateHandle Create()
    {
        var h = new InflateHandle();
        var z = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        ReadOnlySpan<byte> version = "1.2.13\0"u8; // zlib only checks that the major version matches
        int rc;
        fixed (byte* v = version)
            rc = ZLibNative.inflateInit2_(z, ZLibNative.GzipWindowBits, v, sizeof(ZStream));
        if (rc != ZLibNative.Z_OK)
        {
            NativeMemory.Free(z);
            throw new InvalidOperationException($"zlib inflateInit2 failed with code {rc}");
        }
        h.SetHandle((IntPtr)z);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        ZLibNative.inflateEnd((ZStream*)handle);
        NativeMemory.Free((void*)handle);
        return true;
    }
}
