using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>
/// Writes netlink messages (<c>nlmsghdr</c>, a fixed family header, <c>rtattr</c> attributes,
/// nested attributes) into a caller's span, in host byte order as the kernel expects, each
/// piece aligned to 4 bytes. Several messages can follow each other in one buffer and be sent
/// in one call. Running out of room is a programming error and throws.
/// </summary>
public ref struct NetlinkWriter
{
    /// <summary>Netlink alignment (NLMSG_ALIGNTO, RTA_ALIGNTO).</summary>
    public const int Alignment = 4;

    private readonly Span<byte> _buffer;
    private int _position;
    private int _messageStart;

    /// <summary>A writer over <paramref name="buffer"/>, starting at its beginning.</summary>
    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _messageStart = -1;
    }

    /// <summary>Bytes written so far (whole messages once <see cref="EndMessage"/> was called).</summary>
    public readonly int Length => _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>Rounds a length up to the netlink alignment.</summary>
    public static int Align(int length) => (length + Alignment - 1) & ~(Alignment - 1);

    /// <summary>Starts a message; its length is filled in by <see cref="EndMessage"/>.</summary>
    public void BeginMessage(ushort type, ushort flags, uint sequence)
    {
        if (_messageStart >= 0) throw new InvalidOperationException("The previous netlink message was not ended.");
        _messageStart = _position;
        NlMsgHdr header = new() { Type = type, Flags = flags, Sequence = sequence };
        WriteStruct(header);
    }

    /// <summary>Writes the family header (<c>ifaddrmsg</c>, <c>ifinfomsg</c>, ...) that follows <c>nlmsghdr</c>.</summary>
    public void WriteHeader<T>(in T header) where T : unmanaged => WriteStruct(header);

    /// <summary>Ends the current message: sets <c>nlmsg_len</c>.</summary>
    public void EndMessage()
    {
        if (_messageStart < 0) throw new InvalidOperationException("No netlink message was begun.");
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_messageStart..], (uint)(_position - _messageStart));
        _messageStart = -1;
    }

    /// <summary>Writes an attribute with a raw value.</summary>
    public void WriteAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        int length = 4 + value.Length;
        Span<byte> room = Reserve(Align(length));
        MemoryMarshal.Write(room, (ushort)length);
        MemoryMarshal.Write(room[2..], type);
        value.CopyTo(room[4..]);
        room[length..].Clear();
    }

    /// <summary>Writes a u8 attribute.</summary>
    public void WriteAttribute(ushort type, byte value) => WriteAttribute(type, [value]);

    /// <summary>Writes a u32 attribute (host order).</summary>
    public void WriteAttribute(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        MemoryMarshal.Write(bytes, value);
        WriteAttribute(type, bytes);
    }

    /// <summary>Writes an address attribute (network order, 4 or 16 bytes).</summary>
    public void WriteAttribute(ushort type, IpAddr address)
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteAttribute(type, bytes[..address.WriteTo(bytes)]);
    }

    /// <summary>Writes a NUL-terminated string attribute (interface names, labels, kinds).</summary>
    public void WriteAttribute(ushort type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length) + 1];
        int n = Encoding.UTF8.GetBytes(value, bytes);
        bytes[n] = 0;
        WriteAttribute(type, bytes[..(n + 1)]);
    }

    /// <summary>Opens a nested attribute; pass the result to <see cref="EndNested"/> after its children.</summary>
    public int BeginNested(ushort type)
    {
        int start = _position;
        Span<byte> room = Reserve(4);
        MemoryMarshal.Write(room[2..], type);
        return start;
    }

    /// <summary>Closes a nested attribute begun at <paramref name="start"/>.</summary>
    public void EndNested(int start) => MemoryMarshal.Write(_buffer[start..], (ushort)(_position - start));

    private void WriteStruct<T>(in T value) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> room = Reserve(Align(size));
        MemoryMarshal.Write(room, in value);
        room[size..].Clear();
    }

    private Span<byte> Reserve(int length)
    {
        if (_position + length > _buffer.Length)
            throw new InvalidOperationException($"Netlink buffer of {_buffer.Length} bytes is full ({_position + length} needed).");
        Span<byte> room = _buffer.Slice(_position, length);
        _position += length;
        return room;
    }
}
