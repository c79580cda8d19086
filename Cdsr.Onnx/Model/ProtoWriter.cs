using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Cdsr.Onnx.Model;

/// <summary>
/// A minimal Protocol Buffers wire-format encoder (enough for the ONNX schema subset in
/// <see cref="OnnxSerializer"/>). Wire types used: 0 = varint (int32/int64/enum, negative values as
/// 10-byte two's complement), 2 = length-delimited (string, bytes, embedded message), 5 = fixed32 (float).
/// A field is written as tag = (field_number &lt;&lt; 3) | wire_type, then its payload. Embedded messages are
/// encoded into their own buffer first so their byte length can precede them.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buf = new();

    public ReadOnlySpan<byte> Written => _buf.WrittenSpan;

    private void Varint(ulong v)
    {
        Span<byte> s = _buf.GetSpan(10);
        int n = 0;
        while (v >= 0x80) { s[n++] = (byte)(v | 0x80); v >>= 7; }
        s[n++] = (byte)v;
        _buf.Advance(n);
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    /// <summary>int32/int64/enum field (wire type 0).</summary>
    public void Int(int field, long value) { Tag(field, 0); Varint(unchecked((ulong)value)); }

    /// <summary>float field (wire type 5, little-endian IEEE 754).</summary>
    public void Float(int field, float value)
    {
        Tag(field, 5);
        BinaryPrimitives.WriteSingleLittleEndian(_buf.GetSpan(4), value);
        _buf.Advance(4);
    }

    /// <summary>bytes field (wire type 2).</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        value.CopyTo(_buf.GetSpan(value.Length));
        _buf.Advance(value.Length);
    }

    /// <summary>string field (wire type 2, UTF-8). Null writes nothing (proto2 "absent").</summary>
    public void String(int field, string? value)
    {
        if (value is null) return;
        Bytes(field, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Embedded message field (wire type 2): <paramref name="body"/> writes the message's fields.</summary>
    public void Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        Bytes(field, inner.Written);
    }
}
