using System.Buffers.Binary;
using System.Text;
using Vrrp.Core.Wire;

namespace Vrrpd.Commands;

/// <summary>What <c>vrrpd inspect</c> reports about one frame.</summary>
internal enum FrameKind
{
    /// <summary>IPv4 protocol or IPv6 next header 112.</summary>
    Vrrp,
    /// <summary>ARP announcing an address (sender IP == target IP).</summary>
    GratuitousArp,
    /// <summary>ARP that is malformed (a well-formed ordinary ARP is <see cref="Other"/>).</summary>
    Arp,
    /// <summary>ICMPv6 neighbour advertisement.</summary>
    NeighborAdvertisement,
    /// <summary>A frame vrrpd cannot look into: an unsupported link type or encapsulation (listed with the reason).</summary>
    Unreadable,
    /// <summary>Anything else; counted, not listed.</summary>
    Other,
}

/// <summary>
/// One frame decoded for an operator: for VRRP, the fields and either the verdict of the same
/// checks the daemon applies or the exact <see cref="ParseError"/> it would be dropped for. Checks
/// that need a configuration (VRID, authentication password, version) are not applied.
/// </summary>
internal sealed class FrameReport
{
    public required CaptureRecord Record { get; init; }
    public FrameKind Kind { get; set; } = FrameKind.Other;
    public ParseError Error { get; set; }
    public bool Valid => Error == ParseError.None;
    public MacAddress? SourceMac { get; set; }
    public MacAddress? DestinationMac { get; set; }
    public IpAddr? Source { get; set; }
    public IpAddr? Destination { get; set; }
    public int? HopLimit { get; set; }
    public int? Version { get; set; }
    public int? Vrid { get; set; }
    public int? Priority { get; set; }
    public int? IntervalCentiseconds { get; set; }
    public List<IpAddr> Addresses { get; } = [];
    public ChecksumConvention? Convention { get; set; }
    public VrrpAuthType? AuthType { get; set; }
    public string? Password { get; set; }
    public ArpOperation? ArpOperation { get; set; }
    public MacAddress? TargetMac { get; set; }
    public NeighborAdvertisementFlags? Flags { get; set; }

    /// <summary>For an unreadable encapsulation, the EtherType that carries it.</summary>
    public ushort? CarrierEtherType { get; set; }

    /// <summary>Decodes a captured frame of the given link type.</summary>
    public static FrameReport Decode(CaptureRecord record)
    {
        FrameReport report = new() { Record = record };
        byte[]? frame = ToEthernet(record.LinkType, record.Data, out bool hasDestinationMac);
        if (frame is null)
        {
            (report.Kind, report.Error) = (FrameKind.Unreadable, ParseError.UnsupportedLinkType);
            return report;
        }
        if (frame.Length < EthernetFrame.Field.HeaderLength) return report;

        var etherType = (EtherType)BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(EthernetFrame.Field.EtherType));
        if (VrrpFrame.TryParse(frame, out _) == ParseError.UnsupportedEncapsulation)
        {
            (report.Kind, report.Error, report.CarrierEtherType) = (FrameKind.Unreadable, ParseError.UnsupportedEncapsulation, (ushort)etherType);
            report.SourceMac = MacAddress.FromBytes(frame.AsSpan(EthernetFrame.Field.Source));
            return report;
        }
        ReadOnlySpan<byte> ip = frame.AsSpan(EthernetFrame.Field.HeaderLength);
        switch (etherType)
        {
            case EtherType.IPv4 when ip.Length >= Ipv4Packet.Field.MinHeaderLength && ip[Ipv4Packet.Field.Protocol] == Checksum.VrrpProtocol:
            case EtherType.IPv6 when ip.Length >= Ipv6Packet.Field.HeaderLength && ip[Ipv6Packet.Field.NextHeader] == Checksum.VrrpProtocol:
                report.DecodeVrrp(frame, etherType);
                break;
            case EtherType.IPv6 when ip.Length > Ipv6Packet.Field.HeaderLength && ip[Ipv6Packet.Field.NextHeader] == Checksum.Icmpv6Protocol &&
                                     ip[Ipv6Packet.Field.HeaderLength] == NeighborAdvertisementPacket.NeighborAdvertisementType:
                report.DecodeNeighborAdvertisement(frame);
                break;
            case EtherType.Arp:
                report.DecodeArp(frame);
                break;
        }
        if (report.Kind != FrameKind.Other)
        {
            report.SourceMac = MacAddress.FromBytes(frame.AsSpan(EthernetFrame.Field.Source));
            report.DestinationMac = hasDestinationMac ? MacAddress.FromBytes(frame) : null;
        }
        return report;
    }

    // Ethernet as is (one VLAN tag removed); Linux cooked captures (tcpdump -i any) rebuilt as
    // Ethernet with the source MAC they carry and no destination. Null for other link types.
    private static byte[]? ToEthernet(uint linkType, byte[] data, out bool hasDestinationMac)
    {
        const uint ethernet = 1, linuxSll = 113, linuxSll2 = 276;
        hasDestinationMac = linkType == ethernet;
        switch (linkType)
        {
            case ethernet:
                if (data.Length >= 18 && BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(12)) is 0x8100 or 0x88A8)
                    return [.. data.AsSpan(0, 12), .. data.AsSpan(16)];
                return data;
            case linuxSll when data.Length >= 16:
                return Cooked(data.AsSpan(6, 8), BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4)), data.AsSpan(14, 2), data.AsSpan(16));
            case linuxSll2 when data.Length >= 20:
                return Cooked(data.AsSpan(12, 8), data[11], data.AsSpan(0, 2), data.AsSpan(20));
            default:
                return null;
        }

        static byte[] Cooked(ReadOnlySpan<byte> address, int addressLength, ReadOnlySpan<byte> protocol, ReadOnlySpan<byte> payload)
        {
            byte[] frame = new byte[EthernetFrame.Field.HeaderLength + payload.Length];
            if (addressLength == MacAddress.Length) address[..MacAddress.Length].CopyTo(frame.AsSpan(EthernetFrame.Field.Source));
            protocol.CopyTo(frame.AsSpan(EthernetFrame.Field.EtherType));
            payload.CopyTo(frame.AsSpan(EthernetFrame.Field.HeaderLength));
            return frame;
        }
    }

    private void DecodeVrrp(byte[] frame, EtherType etherType)
    {
        Kind = FrameKind.Vrrp;
        Error = VrrpFrame.TryParse(frame, out ReceivedAdvertisement received);
        if (Error == ParseError.None)
        {
            VrrpAdvertisement advert = received.Advertisement;
            (Source, Destination, HopLimit, Convention) = (received.Source, received.Destination, received.HopLimit, received.Convention);
            (Version, Vrid, Priority, IntervalCentiseconds) = ((int)advert.Version, advert.VirtualRouterId, advert.Priority, advert.AdvertIntervalCentiseconds);
            for (int i = 0; i < advert.AddressCount; i++) Addresses.Add(advert.GetAddress(i));
            if (advert.Version == VrrpVersion.V2)
            {
                AuthType = advert.AuthType;
                if (advert.AuthType == VrrpAuthType.SimpleText) Password = Printable(advert.AuthData);
            }
            return;
        }

        // Rejected: show what the headers say, without trusting them, next to the reason.
        ReadOnlySpan<byte> ip = frame.AsSpan(EthernetFrame.Field.HeaderLength);
        IpFamily family;
        int vrrpStart;
        if (etherType == EtherType.IPv6)
        {
            (family, vrrpStart) = (IpFamily.IPv6, Ipv6Packet.Field.HeaderLength);
            Source = IpAddr.FromBytes(ip.Slice(Ipv6Packet.Field.Source, 16));
            Destination = IpAddr.FromBytes(ip.Slice(Ipv6Packet.Field.Destination, 16));
            HopLimit = ip[Ipv6Packet.Field.HopLimit];
        }
        else
        {
            (family, vrrpStart) = (IpFamily.IPv4, Math.Max(Ipv4Packet.Field.MinHeaderLength, (ip[0] & 0x0F) * 4));
            Source = IpAddr.FromBytes(ip.Slice(Ipv4Packet.Field.Source, 4));
            Destination = IpAddr.FromBytes(ip.Slice(Ipv4Packet.Field.Destination, 4));
            HopLimit = ip[Ipv4Packet.Field.TimeToLive];
        }
        if (ip.Length < vrrpStart || !VrrpPacket.TryCreate(ip[vrrpStart..], out VrrpPacket packet)) return;
        (Version, Vrid, Priority) = (packet.Version, packet.VirtualRouterId, packet.Priority);
        IntervalCentiseconds = packet.Version == 2 ? packet.AdvertIntervalSeconds * 100 : packet.AdvertIntervalCentiseconds;
        int length = family.AddressLength();
        ReadOnlySpan<byte> addresses = packet.Buffer[VrrpPacket.Field.Addresses..];
        for (int i = 0; i < packet.AddressCount && (i + 1) * length <= addresses.Length; i++)
            Addresses.Add(IpAddr.FromBytes(addresses.Slice(i * length, length)));
    }

    private void DecodeArp(byte[] frame)
    {
        Error = ArpFrame.TryParse(frame, out ArpFrame arp);
        if (Error != ParseError.None)
        {
            Kind = FrameKind.Arp;
            return;
        }
        // An ordinary who-has or reply is not the VRRP router's business.
        if (!arp.IsGratuitous) return;
        Kind = FrameKind.GratuitousArp;
        (ArpOperation, Source, TargetMac) = (arp.Operation, arp.SenderAddress, arp.SenderMac);
        Addresses.Add(arp.SenderAddress);
    }

    private void DecodeNeighborAdvertisement(byte[] frame)
    {
        Kind = FrameKind.NeighborAdvertisement;
        Error = NeighborAdvertisement.TryParse(frame, out NeighborAdvertisementFrame na);
        if (Error == ParseError.None)
        {
            (Source, Destination, HopLimit, Flags, TargetMac) = (na.Source, na.Destination, na.HopLimit, na.Flags, na.TargetMac);
            Addresses.Add(na.Target);
            return;
        }
        ReadOnlySpan<byte> ip = frame.AsSpan(EthernetFrame.Field.HeaderLength);
        Source = IpAddr.FromBytes(ip.Slice(Ipv6Packet.Field.Source, 16));
        Destination = IpAddr.FromBytes(ip.Slice(Ipv6Packet.Field.Destination, 16));
        HopLimit = ip[Ipv6Packet.Field.HopLimit];
        int target = Ipv6Packet.Field.HeaderLength + NeighborAdvertisementPacket.Field.Target;
        if (ip.Length >= target + 16) Addresses.Add(IpAddr.FromBytes(ip.Slice(target, 16)));
    }

    // The password as keepalived configured it: up to the first NUL, non-printable bytes escaped.
    private static string Printable(ReadOnlySpan<byte> data)
    {
        int end = data.IndexOf((byte)0);
        StringBuilder text = new();
        foreach (byte b in end < 0 ? data : data[..end])
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:x2}");
        return text.ToString();
    }
}
