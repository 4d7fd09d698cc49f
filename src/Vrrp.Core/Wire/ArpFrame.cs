using System.Buffers.Binary;

namespace Vrrp.Core.Wire;

/// <summary>ARP operations (RFC 826).</summary>
public enum ArpOperation : ushort
{
    /// <summary>Request.</summary>
    Request = 1,
    /// <summary>Reply.</summary>
    Reply = 2,
}

/// <summary>
/// A read-only view of an ARP packet (the Ethernet payload, RFC 826): <see cref="TryCreate"/>
/// checks that the 28 bytes of an Ethernet/IPv4 ARP packet are there.
/// </summary>
public readonly ref struct ArpPacket
{
    /// <summary>Byte offsets of the ARP fields for Ethernet and IPv4.</summary>
    public static class Field
    {
        /// <summary>Hardware type.</summary>
        public const int HardwareType = 0;
        /// <summary>Protocol type.</summary>
        public const int ProtocolType = 2;
        /// <summary>Hardware address length.</summary>
        public const int HardwareLength = 4;
        /// <summary>Protocol address length.</summary>
        public const int ProtocolLength = 5;
        /// <summary>Operation.</summary>
        public const int Operation = 6;
        /// <summary>Sender hardware address.</summary>
        public const int SenderMac = 8;
        /// <summary>Sender protocol address.</summary>
        public const int SenderAddress = 14;
        /// <summary>Target hardware address.</summary>
        public const int TargetMac = 18;
        /// <summary>Target protocol address.</summary>
        public const int TargetAddress = 24;
        /// <summary>Length of an Ethernet/IPv4 ARP packet.</summary>
        public const int Length = 28;
    }

    /// <summary>The ARP hardware type of Ethernet.</summary>
    public const ushort EthernetHardwareType = 1;

    private readonly ReadOnlySpan<byte> _buffer;

    private ArpPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>Wraps <paramref name="buffer"/> if it holds at least 28 bytes.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out ArpPacket packet)
    {
        packet = new ArpPacket(buffer);
        return buffer.Length >= Field.Length;
    }

    /// <summary>Hardware type.</summary>
    public ushort HardwareType => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.HardwareType..]);
    /// <summary>Protocol type (an EtherType).</summary>
    public ushort ProtocolType => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.ProtocolType..]);
    /// <summary>Hardware address length.</summary>
    public byte HardwareLength => _buffer[Field.HardwareLength];
    /// <summary>Protocol address length.</summary>
    public byte ProtocolLength => _buffer[Field.ProtocolLength];
    /// <summary>Operation (may be a value outside <see cref="ArpOperation"/>).</summary>
    public ArpOperation Operation => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer[Field.Operation..]);
    /// <summary>Sender hardware address.</summary>
    public MacAddress SenderMac => MacAddress.FromBytes(_buffer[Field.SenderMac..]);
    /// <summary>Sender protocol address.</summary>
    public IpAddr SenderAddress => IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(_buffer[Field.SenderAddress..]));
    /// <summary>Target hardware address.</summary>
    public MacAddress TargetMac => MacAddress.FromBytes(_buffer[Field.TargetMac..]);
    /// <summary>Target protocol address.</summary>
    public IpAddr TargetAddress => IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(_buffer[Field.TargetAddress..]));
}

/// <summary>An Ethernet frame carrying an Ethernet/IPv4 ARP packet, as a value (the "repr").</summary>
public readonly record struct ArpFrame
{
    /// <summary>Length of the frame without padding: 14 + 28.</summary>
    public const int Length = EthernetFrame.Field.HeaderLength + ArpPacket.Field.Length;

    /// <summary>Ethernet destination.</summary>
    public MacAddress EthernetDestination { get; init; }
    /// <summary>Ethernet source.</summary>
    public MacAddress EthernetSource { get; init; }
    /// <summary>Request or reply.</summary>
    public ArpOperation Operation { get; init; }
    /// <summary>Sender hardware address.</summary>
    public MacAddress SenderMac { get; init; }
    /// <summary>Sender IPv4 address.</summary>
    public IpAddr SenderAddress { get; init; }
    /// <summary>Target hardware address.</summary>
    public MacAddress TargetMac { get; init; }
    /// <summary>Target IPv4 address.</summary>
    public IpAddr TargetAddress { get; init; }

    /// <summary>True for an announcement: sender and target protocol addresses are the same (RFC 5227 3).</summary>
    public bool IsGratuitous => SenderAddress == TargetAddress;

    /// <summary>
    /// Parses an Ethernet frame carrying ARP for IPv4 over Ethernet, request or reply; trailing
    /// padding is ignored. Never throws.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> frame, out ArpFrame arp)
    {
        arp = default;
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame ethernet)) return ParseError.Truncated;
        if (ethernet.EtherType != EtherType.Arp) return ParseError.UnsupportedEtherType;
        if (!ArpPacket.TryCreate(ethernet.Payload, out ArpPacket packet)) return ParseError.Truncated;
        if (packet.HardwareType != ArpPacket.EthernetHardwareType || packet.ProtocolType != (ushort)EtherType.IPv4 ||
            packet.HardwareLength != MacAddress.Length || packet.ProtocolLength != 4 ||
            packet.Operation is not (ArpOperation.Request or ArpOperation.Reply))
        {
            return ParseError.BadArpFormat;
        }
        arp = new ArpFrame
        {
            EthernetDestination = ethernet.Destination,
            EthernetSource = ethernet.Source,
            Operation = packet.Operation,
            SenderMac = packet.SenderMac,
            SenderAddress = packet.SenderAddress,
            TargetMac = packet.TargetMac,
            TargetAddress = packet.TargetAddress,
        };
        return ParseError.None;
    }

    /// <summary>Writes the 42-byte frame; returns 42 (the NIC pads to 60).</summary>
    /// <exception cref="ArgumentException">The buffer is too small or an address is not IPv4.</exception>
    public int Emit(Span<byte> buffer)
    {
        if (buffer.Length < Length) ThrowHelper.BufferTooSmall(Length, buffer.Length);
        if (!SenderAddress.IsIPv4 || !TargetAddress.IsIPv4) ThrowHelper.Argument("ARP carries IPv4 addresses");
        EthernetFrame.WriteHeader(buffer, EthernetDestination, EthernetSource, EtherType.Arp);
        Span<byte> arp = buffer.Slice(EthernetFrame.Field.HeaderLength, ArpPacket.Field.Length);
        BinaryPrimitives.WriteUInt16BigEndian(arp[ArpPacket.Field.HardwareType..], ArpPacket.EthernetHardwareType);
        BinaryPrimitives.WriteUInt16BigEndian(arp[ArpPacket.Field.ProtocolType..], (ushort)EtherType.IPv4);
        arp[ArpPacket.Field.HardwareLength] = MacAddress.Length;
        arp[ArpPacket.Field.ProtocolLength] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[ArpPacket.Field.Operation..], (ushort)Operation);
        SenderMac.WriteTo(arp[ArpPacket.Field.SenderMac..]);
        SenderAddress.WriteTo(arp[ArpPacket.Field.SenderAddress..]);
        TargetMac.WriteTo(arp[ArpPacket.Field.TargetMac..]);
        TargetAddress.WriteTo(arp[ArpPacket.Field.TargetAddress..]);
        return Length;
    }
}

/// <summary>
/// Gratuitous ARP as keepalived sends it when it takes a virtual address (RFC 5798 6.4.2;
/// RFC 5227 3): a broadcast request whose sender and target are the virtual address, target
/// hardware address ff:ff:ff:ff:ff:ff.
/// </summary>
public static class GratuitousArp
{
    /// <summary>Length of the frame without padding.</summary>
    public const int FrameLength = ArpFrame.Length;

    /// <summary>The frame for <paramref name="address"/> owned by <paramref name="senderMac"/> (the interface or virtual MAC).</summary>
    public static ArpFrame Create(MacAddress senderMac, IpAddr address) => new()
    {
        EthernetDestination = MacAddress.Broadcast,
        EthernetSource = senderMac,
        Operation = ArpOperation.Request,
        SenderMac = senderMac,
        SenderAddress = address,
        TargetMac = MacAddress.Broadcast,
        TargetAddress = address,
    };

    /// <summary>Writes the 42-byte frame announcing <paramref name="address"/>; returns 42.</summary>
    /// <exception cref="ArgumentException">The buffer is too small or the address is not IPv4.</exception>
    public static int Write(Span<byte> buffer, MacAddress senderMac, IpAddr address) => Create(senderMac, address).Emit(buffer);

    /// <summary>
    /// Parses an ARP frame and accepts it only if it announces an address (sender address equals
    /// target address; request or reply). Never throws.
    /// </summary>
    public static ParseError TryParse(ReadOnlySpan<byte> frame, out ArpFrame arp)
    {
        ParseError error = ArpFrame.TryParse(frame, out arp);
        if (error == ParseError.None && !arp.IsGratuitous)
        {
            arp = default;
            return ParseError.NotGratuitousArp;
        }
        return error;
    }
}
