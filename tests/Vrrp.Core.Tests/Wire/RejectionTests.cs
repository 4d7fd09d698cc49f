using System.Buffers.Binary;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

/// <summary>
/// Each receive check on its own: a valid keepalived frame with one field changed (and the
/// checksums that cover it recomputed, so the intended check is the one that fires).
/// </summary>
public class RejectionTests
{
    private const int Ip = 14; // start of the IP header in a frame
    private static byte[] V2 => Vectors.Frame("keepalived-v2-vrid4.pcap", 0);
    private static byte[] V3 => Vectors.Frame("keepalived-v3-ipv4-2vips.pcap", 0);
    private static byte[] V6 => Vectors.Frame("keepalived-v3-ipv6.pcap", 0);

    private static ParseError Parse(byte[] frame) => VrrpFrame.TryParse(frame, out _);

    private static byte[] FixIpv4HeaderChecksum(byte[] frame)
    {
        Span<byte> header = frame.AsSpan(Ip, (frame[Ip] & 0xF) * 4);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], Checksum.Compute(header));
        return frame;
    }

    // Recomputes the VRRP checksum in the convention the frame was sent with.
    private static byte[] FixVrrpChecksum(byte[] frame)
    {
        bool v6 = frame[Ip] >> 4 == 6;
        int start = Ip + (v6 ? 40 : 20);
        Span<byte> message = frame.AsSpan(start);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], 0);
        ulong pseudo = 0;
        if (message[0] >> 4 == 3)
        {
            IpAddr source = v6 ? IpAddr.FromBytes(frame.AsSpan(Ip + 8, 16)) : IpAddr.FromBytes(frame.AsSpan(Ip + 12, 4));
            IpAddr destination = v6 ? IpAddr.FromBytes(frame.AsSpan(Ip + 24, 16)) : IpAddr.FromBytes(frame.AsSpan(Ip + 16, 4));
            pseudo = Checksum.PseudoHeader(source, destination, Checksum.VrrpProtocol, message.Length);
        }
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], Checksum.Compute(message, pseudo));
        return frame;
    }

    private static byte[] With(byte[] frame, int offset, byte value)
    {
        frame[offset] = value;
        return frame;
    }

    [Fact]
    public void Accepts_ethernet_padding_and_ipv4_options()
    {
        Assert.Equal(ParseError.None, Parse([.. V2, .. new byte[18]]));
        Assert.Equal(ParseError.None, Parse([.. V6, .. new byte[7]]));

        // A 4-byte IPv4 option (NOP x4): IHL 6, total length + 4.
        byte[] v2 = V2;
        byte[] withOption = [.. v2[..(Ip + 20)], 1, 1, 1, 1, .. v2[(Ip + 20)..]];
        withOption[Ip] = 0x46;
        BinaryPrimitives.WriteUInt16BigEndian(withOption.AsSpan(Ip + 2), 44);
        Assert.Equal(ParseError.None, Parse(FixIpv4HeaderChecksum(withOption)));
    }

    [Fact]
    public void Ethernet_and_ip_header_checks()
    {
        Assert.Equal(ParseError.Truncated, Parse(V2[..13]));
        Assert.Equal(ParseError.Truncated, Parse(V2[..14]));
        Assert.Equal(ParseError.Truncated, Parse(V2[..(Ip + 19)]));
        Assert.Equal(ParseError.Truncated, Parse(V6[..(Ip + 39)]));
        Assert.Equal(ParseError.UnsupportedEtherType, Parse(With(V2, 13, 0x06)));
        Assert.Equal(ParseError.BadIpVersion, Parse(With(With(V2, 12, 0x86), 13, 0xdd)));
        Assert.Equal(ParseError.BadIpVersion, Parse(With(V2, Ip, 0x55)));
        Assert.Equal(ParseError.BadIpHeaderLength, Parse(With(V2, Ip, 0x44)));
        Assert.Equal(ParseError.BadIpHeaderLength, Parse(With(V2, Ip, 0x4f)));
        Assert.Equal(ParseError.BadIpHeaderChecksum, Parse(With(V2, Ip + 5, 0x07)));
        Assert.Equal(ParseError.IpLengthMismatch, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 3, 41))));
        Assert.Equal(ParseError.IpLengthMismatch, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 3, 19))));
        Assert.Equal(ParseError.IpLengthMismatch, Parse(With(V6, Ip + 5, 41)));
        Assert.Equal(ParseError.Fragmented, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 6, 0x20))));
        Assert.Equal(ParseError.Fragmented, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 7, 0x01))));
        Assert.Equal(ParseError.None, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 6, 0x40)))); // Don't Fragment is fine
        Assert.Equal(ParseError.NotVrrp, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 9, 17))));
        Assert.Equal(ParseError.NotVrrp, Parse(With(V6, Ip + 6, 0))); // a hop-by-hop header is not followed
        Assert.Equal(ParseError.BadTtl, Parse(FixIpv4HeaderChecksum(With(V2, Ip + 8, 64))));
        Assert.Equal(ParseError.BadTtl, Parse(With(V6, Ip + 7, 254)));
    }

    // A VRRPv2 frame with bytes appended inside the IP packet (its length and checksums fixed).
    private static byte[] WithTrailer(byte[] frame, int bytes, byte authType)
    {
        byte[] longer = [.. frame, .. Enumerable.Range(1, bytes).Select(i => (byte)i)];
        longer[Ip + 20 + 4] = authType;
        BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(Ip + 2), (ushort)(longer.Length - Ip));
        return FixVrrpChecksum(FixIpv4HeaderChecksum(longer));
    }

    [Fact]
    public void Unknown_auth_type_and_a_trailer_have_reasons_of_their_own()
    {
        // Cisco's VRRPv2 MD5 authentication: type 254 and a 30-byte trailer after the addresses.
        Assert.Equal(ParseError.UnsupportedAuthType, Parse(WithTrailer(V2, 30, 254)));
        Assert.Equal(ParseError.UnsupportedAuthType, Parse(FixVrrpChecksum(With(V2, Ip + 20 + 4, 3))));
        // Types 1 (simple text) and 2 (IP AH) are RFC 2338's, still named by RFC 3768 5.3.6.
        Assert.Equal(ParseError.None, Parse(FixVrrpChecksum(With(V2, Ip + 20 + 4, 2))));
        Assert.Equal(ParseError.TrailingData, Parse(WithTrailer(V2, 4, 0)));
    }

    [Fact]
    public void Unspecified_source_is_refused()
    {
        byte[] frame = V2;
        frame.AsSpan(Ip + 12, 4).Clear();
        Assert.Equal(ParseError.ZeroSourceAddress, Parse(FixVrrpChecksum(FixIpv4HeaderChecksum(frame))));
        byte[] v6 = V6;
        v6.AsSpan(Ip + 8, 16).Clear();
        IpAddr.Parse("2001:db8::2").WriteTo(v6.AsSpan(Ip + 24));
        Assert.Equal(ParseError.ZeroSourceAddress, Parse(FixVrrpChecksum(v6)));
    }

    [Theory]
    [InlineData(0x88, 0xE7)] // 802.1ah PBB
    [InlineData(0x81, 0x00)] // 802.1Q
    [InlineData(0x88, 0xA8)] // 802.1ad
    [InlineData(0x88, 0x47)] // MPLS
    public void Encapsulations_not_read_are_named(byte high, byte low) =>
        Assert.Equal(ParseError.UnsupportedEncapsulation, Parse(With(With(V2, 12, high), 13, low)));

    [Fact]
    public void Ipv6_source_must_be_link_local()
    {
        byte[] frame = V6;
        IpAddr.Parse("2001:db8::1").WriteTo(frame.AsSpan(Ip + 8));
        Assert.Equal(ParseError.SourceNotLinkLocal, Parse(FixVrrpChecksum(frame)));
    }

    [Fact]
    public void Ipv6_unicast_advert_may_come_from_a_global_address()
    {
        // keepalived unicast_peer with global addresses: the link-local rule is for ff02::12.
        byte[] frame = V6;
        IpAddr.Parse("2001:db8::1").WriteTo(frame.AsSpan(Ip + 8));
        IpAddr.Parse("2001:db8::2").WriteTo(frame.AsSpan(Ip + 24));
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(FixVrrpChecksum(frame), out ReceivedAdvertisement received));
        Assert.Equal(IpAddr.Parse("2001:db8::1"), received.Source);
    }

    [Fact]
    public void Vrrp_header_checks()
    {
        int v4 = Ip + 20, v6 = Ip + 40;
        Assert.Equal(ParseError.BadVersion, Parse(FixVrrpChecksum(With(V3, v4, 0x41))));
        Assert.Equal(ParseError.BadVersion, Parse(FixVrrpChecksum(With(V3, v4, 0x11))));
        Assert.Equal(ParseError.VersionFamilyMismatch, Parse(FixVrrpChecksum(With(V6, v6, 0x21))));
        Assert.Equal(ParseError.BadType, Parse(FixVrrpChecksum(With(V3, v4, 0x32))));
        Assert.Equal(ParseError.BadChecksum, Parse(With(V3, v4 + 7, 0x6b)));
        Assert.Equal(ParseError.BadChecksum, Parse(With(V2, v4 + 7, 0x4d)));
        Assert.Equal(ParseError.BadChecksum, Parse(With(V6, v6 + 7, 0x5b)));
        Assert.Equal(ParseError.AddressCountMismatch, Parse(FixVrrpChecksum(With(V3, v4 + 3, 3))));
        Assert.Equal(ParseError.TrailingData, Parse(FixVrrpChecksum(With(V3, v4 + 3, 1))));
        Assert.Equal(ParseError.AddressCountMismatch, Parse(FixVrrpChecksum(With(V2, v4 + 3, 2))));
        Assert.Equal(ParseError.NoAddresses, Parse(FixVrrpChecksum(With(V3, v4 + 3, 0))));
        Assert.Equal(ParseError.ZeroAdvertInterval, Parse(FixVrrpChecksum(With(V3, v4 + 5, 0))));
        Assert.Equal(ParseError.ZeroAdvertInterval, Parse(FixVrrpChecksum(With(V2, v4 + 5, 0))));
        Assert.Equal(ParseError.ZeroAdvertInterval, Parse(FixVrrpChecksum(With(With(V6, v6 + 4, 0), v6 + 5, 0))));

        // The message alone needs the addresses of one family it came with.
        byte[] message = V3[v4..];
        Assert.Equal(ParseError.None, VrrpAdvertisement.TryParse(message, IpAddr.Parse("10.99.0.11"), IpAddr.VrrpMulticastV4, out _, out _));
        Assert.Equal(ParseError.BadIpVersion, VrrpAdvertisement.TryParse(message, default, default, out _, out _));
        Assert.Equal(ParseError.BadIpVersion, VrrpAdvertisement.TryParse(message, IpAddr.Parse("10.99.0.11"), IpAddr.VrrpMulticastV6, out _, out _));
    }

    [Fact]
    public void V3_ipv4_accepts_both_checksum_conventions_and_says_which()
    {
        byte[] addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("192.168.1.4")]);
        var advert = new VrrpAdvertisement
        {
            Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = 4, Priority = 245,
            AdvertIntervalCentiseconds = 100, AddressBytes = addresses,
        };
        IpAddr source = IpAddr.Parse("192.168.1.2");
        foreach (ChecksumConvention convention in new[] { ChecksumConvention.PseudoHeader, ChecksumConvention.MessageOnly })
        {
            byte[] frame = new byte[VrrpFrame.GetFrameLength(advert)];
            VrrpFrame.Write(frame, MacAddress.VirtualRouter(IpFamily.IPv4, 4), MacAddress.MulticastFor(IpAddr.VrrpMulticastV4),
                source, IpAddr.VrrpMulticastV4, advert, convention);
            Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
            Assert.Equal(convention, received.Convention);
            Assert.True(received.Advertisement.ContentEquals(advert));
        }
    }

    [Fact]
    public void Unicast_pseudo_header_uses_the_real_destination()
    {
        // keepalived's unicast frame checks against 10.99.0.100; claiming the group instead fails.
        byte[] frame = Vectors.Frame("keepalived-v3-ipv4-unicast.pcap", 0);
        Assert.Equal(ParseError.None, Parse(frame));
        IpAddr.Parse("224.0.0.18").WriteTo(frame.AsSpan(Ip + 16));
        Assert.Equal(ParseError.BadChecksum, Parse(FixIpv4HeaderChecksum(frame)));
    }

    [Fact]
    public void Emit_refuses_what_cannot_be_sent()
    {
        static int Write(int bufferLength, string source, string destination, uint flowLabel = 0)
        {
            byte[] addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("192.168.1.4")]);
            var advert = new VrrpAdvertisement
            {
                Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = 4, Priority = 245,
                AdvertIntervalCentiseconds = 100, AddressBytes = addresses,
            };
            return VrrpFrame.Write(new byte[bufferLength], default, default, IpAddr.Parse(source), IpAddr.Parse(destination), advert, ipv6FlowLabel: flowLabel);
        }

        Assert.Equal(46, Write(46, "10.0.0.1", "224.0.0.18"));
        Assert.Throws<ArgumentException>(() => Write(45, "10.0.0.1", "224.0.0.18"));
        Assert.Throws<ArgumentException>(() => Write(100, "fe80::1", "ff02::12"));
        Assert.Throws<ArgumentException>(() => Write(100, "10.0.0.1", "ff02::12"));
        Assert.Throws<ArgumentException>(() => GratuitousArp.Write(new byte[41], default, IpAddr.Parse("10.0.0.1")));
        Assert.Throws<ArgumentException>(() => GratuitousArp.Write(new byte[42], default, IpAddr.Parse("fe80::1")));
        Assert.Throws<ArgumentException>(() => NeighborAdvertisement.Write(new byte[86], default, IpAddr.Parse("10.0.0.1")));
        Assert.Throws<ArgumentException>(() => EmitAdvert(VrrpVersion.V2, IpFamily.IPv6, 100));
        Assert.Throws<ArgumentException>(() => EmitAdvert((VrrpVersion)4, IpFamily.IPv4, 100));
        Assert.Throws<ArgumentException>(() => EmitAdvert(VrrpVersion.V2, IpFamily.IPv4, 150)); // v2 carries whole seconds
        Assert.Throws<ArgumentException>(() => EmitAdvert(VrrpVersion.V3, IpFamily.IPv4, 4096)); // 12 bits
        Assert.Throws<ArgumentException>(() => EmitAdvert(VrrpVersion.V3, IpFamily.IPv6, 0));
        Assert.Throws<ArgumentException>(() => EmitAdvert(VrrpVersion.V2, IpFamily.IPv4, 0));
        Assert.Equal(20, EmitAdvert(VrrpVersion.V2, IpFamily.IPv4, 25500));
        Assert.Equal(12, EmitAdvert(VrrpVersion.V3, IpFamily.IPv4, 4095));
        Assert.Throws<ArgumentException>(() => new Ipv6Header
        {
            Source = IpAddr.Parse("fe80::1"), Destination = IpAddr.Parse("ff02::12"), FlowLabel = 1 << 20,
        }.Emit(new byte[40]));
    }

    private static int EmitAdvert(VrrpVersion version, IpFamily family, ushort interval)
    {
        byte[] addresses = new byte[family.AddressLength()];
        var advert = new VrrpAdvertisement
        {
            Version = version, Family = family, VirtualRouterId = 1, Priority = 100,
            AdvertIntervalCentiseconds = interval, AddressBytes = addresses,
        };
        IpAddr source = family == IpFamily.IPv4 ? IpAddr.Parse("10.0.0.1") : IpAddr.Parse("fe80::1");
        IpAddr destination = family == IpFamily.IPv4 ? IpAddr.VrrpMulticastV4 : IpAddr.VrrpMulticastV6;
        return advert.Emit(new byte[64], source, destination);
    }

    [Fact]
    public void Arp_checks()
    {
        byte[] Garp() => Vectors.Frame("keepalived-garp.pcap", 0);
        Assert.Equal(ParseError.None, GratuitousArp.TryParse([.. Garp(), .. new byte[18]], out _));
        Assert.Equal(ParseError.Truncated, GratuitousArp.TryParse(Garp()[..41], out _));
        Assert.Equal(ParseError.UnsupportedEtherType, GratuitousArp.TryParse(With(Garp(), 13, 0x00), out _));
        Assert.Equal(ParseError.BadArpFormat, GratuitousArp.TryParse(With(Garp(), Ip + 1, 6), out _));
        Assert.Equal(ParseError.BadArpFormat, GratuitousArp.TryParse(With(Garp(), Ip + 5, 16), out _));
        Assert.Equal(ParseError.BadArpFormat, GratuitousArp.TryParse(With(Garp(), Ip + 7, 3), out _));
        Assert.Equal(ParseError.None, GratuitousArp.TryParse(With(Garp(), Ip + 7, 2), out ArpFrame reply));
        Assert.Equal(ArpOperation.Reply, reply.Operation);

        byte[] request = With(Garp(), Ip + 27, 1); // who-has 192.168.1.1 tell 192.168.1.4
        Assert.Equal(ParseError.NotGratuitousArp, GratuitousArp.TryParse(request, out _));
        Assert.Equal(ParseError.None, ArpFrame.TryParse(request, out ArpFrame plain));
        Assert.False(plain.IsGratuitous);
    }

    [Fact]
    public void Neighbor_advertisement_checks()
    {
        const int icmp = Ip + 40;
        byte[] Na() => Vectors.Frame("keepalived-unsolicited-na.pcap", 1);
        static ParseError ParseNa(byte[] frame) => NeighborAdvertisement.TryParse(frame, out _);
        static byte[] FixIcmpChecksum(byte[] frame)
        {
            Span<byte> message = frame.AsSpan(icmp);
            BinaryPrimitives.WriteUInt16BigEndian(message[2..], 0);
            ulong pseudo = Checksum.PseudoHeaderV6(IpAddr.FromBytes(frame.AsSpan(Ip + 8, 16)), IpAddr.FromBytes(frame.AsSpan(Ip + 24, 16)), 58, message.Length);
            BinaryPrimitives.WriteUInt16BigEndian(message[2..], Checksum.Compute(message, pseudo));
            return frame;
        }

        Assert.Equal(ParseError.None, ParseNa([.. Na(), .. new byte[4]]));
        Assert.Equal(ParseError.UnsupportedEtherType, ParseNa(V2));
        Assert.Equal(ParseError.NotNeighborAdvertisement, ParseNa(V6));
        Assert.Equal(ParseError.IpLengthMismatch, ParseNa(Na()[..^1]));
        Assert.Equal(ParseError.NotNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp, 135))));
        Assert.Equal(ParseError.NotNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp + 1, 1))));
        Assert.Equal(ParseError.BadTtl, ParseNa(With(Na(), Ip + 7, 64)));
        Assert.Equal(ParseError.BadChecksum, ParseNa(With(Na(), icmp + 5, 1)));
        Assert.Equal(ParseError.BadNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp + 4, 0x60)))); // Solicited to ff02::1
        Assert.Equal(ParseError.BadNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp + 8, 0xff)))); // multicast target
        Assert.Equal(ParseError.BadNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp + 25, 0)))); // option length 0
        Assert.Equal(ParseError.BadNeighborAdvertisement, ParseNa(FixIcmpChecksum(With(Na(), icmp + 25, 2)))); // option past the end

        // Without the option (32 -> 24 bytes of ICMPv6) it is still an advertisement, with no MAC.
        byte[] bare = Na()[..(icmp + 24)];
        bare[Ip + 5] = 24;
        Assert.Equal(ParseError.None, NeighborAdvertisement.TryParse(FixIcmpChecksum(bare), out NeighborAdvertisementFrame na));
        Assert.Null(na.TargetMac);
        Assert.Equal(NeighborAdvertisementFlags.Override, na.Flags);
    }
}
