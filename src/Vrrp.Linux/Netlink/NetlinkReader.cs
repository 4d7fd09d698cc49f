using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>One netlink message of a received datagram.</summary>
public readonly ref struct NetlinkMessage
{
    /// <summary>A message over <paramref name="payload"/> (the bytes after <c>nlmsghdr</c>).</summary>
    public NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Payload = payload;
    }

    /// <summary><c>nlmsg_type</c> (RTM_NEWADDR, NLMSG_ERROR, ...).</summary>
    public ushort Type { get; }
    /// <summary><c>nlmsg_flags</c>.</summary>
    public ushort Flags { get; }
    /// <summary><c>nlmsg_seq</c>: the request's sequence number, 0 for notifications.</summary>
    public uint Sequence { get; }
    /// <summary><c>nlmsg_pid</c>.</summary>
    public uint PortId { get; }
    /// <summary>The bytes after the header.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Reads the fixed family header at the start of the payload; false if the payload is shorter.</summary>
    public bool TryReadHeader<T>(out T header) where T : unmanaged
    {
        if (Payload.Length < Unsafe.SizeOf<T>())
        {
            header = default;
            return false;
        }
        header = MemoryMarshal.Read<T>(Payload);
        return true;
    }

    /// <summary>The attributes after a fixed header of <paramref name="headerSize"/> bytes.</summary>
    public NetlinkAttributeReader Attributes(int headerSize) =>
        new(Payload.Length >= NetlinkWriter.Align(headerSize) ? Payload[NetlinkWriter.Align(headerSize)..] : default);
}

/// <summary>
/// Iterates the messages of a datagram. Never throws: a length that does not fit ends the
/// iteration with <see cref="IsMalformed"/> set.
/// </summary>
public ref struct NetlinkMessageReader
{
    private const int HeaderLength = 16;
    private ReadOnlySpan<byte> _rest;

    /// <summary>A reader over one received datagram.</summary>
    public NetlinkMessageReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    /// <summary>True if the datagram ended in the middle of a message.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Reads the next message; false at the end.</summary>
    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_rest.IsEmpty) return false;
        if (_rest.Length < HeaderLength) return Malformed();
        NlMsgHdr header = MemoryMarshal.Read<NlMsgHdr>(_rest);
        if (header.Length < HeaderLength || header.Length > (uint)_rest.Length) return Malformed();
        message = new NetlinkMessage(header.Type, header.Flags, header.Sequence, header.PortId, _rest[HeaderLength..(int)header.Length]);
        int next = NetlinkWriter.Align((int)header.Length);
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }

    private bool Malformed()
    {
        IsMalformed = true;
        _rest = default;
        return false;
    }
}

/// <summary>One attribute (<c>rtattr</c> / <c>nlattr</c>).</summary>
public readonly ref struct NetlinkAttribute
{
    /// <summary>An attribute of <paramref name="type"/> (flags included) over <paramref name="value"/>.</summary>
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        RawType = type;
        Value = value;
    }

    /// <summary>The type as on the wire, with NLA_F_NESTED / NLA_F_NET_BYTEORDER.</summary>
    public ushort RawType { get; }

    /// <summary>The type without flag bits.</summary>
    public ushort Type => (ushort)(RawType & Nl.NLA_TYPE_MASK);

    /// <summary>The value bytes (without padding).</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The value as u8 (0 if empty).</summary>
    public byte AsByte() => Value.IsEmpty ? (byte)0 : Value[0];

    /// <summary>The value as a host-order u32 (0 if shorter).</summary>
    public uint AsUInt32() => Value.Length >= 4 ? MemoryMarshal.Read<uint>(Value) : 0;

    /// <summary>The value as an address, if it is 4 or 16 bytes.</summary>
    public bool TryGetAddress(out IpAddr address)
    {
        if (Value.Length is 4 or 16)
        {
            address = IpAddr.FromBytes(Value);
            return true;
        }
        address = default;
        return false;
    }

    /// <summary>The value as a string, up to the first NUL (allocates; names and labels only).</summary>
    public string AsString()
    {
        int end = Value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? Value[..end] : Value);
    }

    /// <summary>The attributes nested in this one.</summary>
    public NetlinkAttributeReader Nested() => new(Value);
}

/// <summary>Iterates attributes; a length that does not fit ends the iteration with <see cref="IsMalformed"/> set.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>A reader over a run of attributes.</summary>
    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    /// <summary>True if the run ended in the middle of an attribute.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Reads the next attribute; false at the end.</summary>
    public bool TryRead(out NetlinkAttribute attribute)
    {
        attribute = default;
        if (_rest.Length < 4)
        {
            IsMalformed = !_rest.IsEmpty;
            _rest = default;
            return false;
        }
        ushort length = MemoryMarshal.Read<ushort>(_rest);
        ushort type = MemoryMarshal.Read<ushort>(_rest[2..]);
        if (length < 4 || length > _rest.Length)
        {
            IsMalformed = true;
            _rest = default;
            return false;
        }
        attribute = new NetlinkAttribute(type, _rest[4..length]);
        int next = NetlinkWriter.Align(length);
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }
}
