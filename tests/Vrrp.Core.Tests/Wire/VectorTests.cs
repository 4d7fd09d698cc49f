using System.Buffers.Binary;
using System.Text;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

/// <summary>
/// Every frame keepalived 2.2.7 sent in ../shared/vectors: parsed, its fields checked against
/// what Wireshark decoded (vectors-decoded.txt, written out here), and re-emitted byte for byte.
/// </summary>
public class VectorTests
{
    private static readonly MacAddress Keepalived = MacAddress.Parse("ba:6e:9b:2b:22:3d");
    private static readonly MacAddress VrrpGroupV4 = MacAddress.Parse("01:00:5e:00:00:12");
    private static readonly MacAddress VrrpGroupV6 = MacAddress.Parse("33:33:00:00:00:12");

    [Fact]
    public void Every_vector_is_covered_by_a_test_below()
    {
        // Guards against a vector added to the file but not checked here.
        string[] expected =
        [
            "keepalived-garp.pcap", "keepalived-unsolicited-na.pcap", "keepalived-v2-auth-pass.pcap", "keepalived-v2-vrid4.pcap",
            "keepalived-v3-ipv4-2vips.pcap", "keepalived-v3-ipv4-unicast.pcap", "keepalived-v3-ipv6.pcap",
        ];
        Assert.Equal(expected, Vectors.All.Keys.Select(k => k.File).Distinct().Order());
        Assert.Equal(14, Vectors.All.Count);
    }

    [Theory]
    [InlineData(0, 0x0001, 0xd024)]
    [InlineData(1, 0x0002, 0xd023)]
    public void V2_no_authentication(int index, ushort identification, ushort headerChecksum)
    {
        byte[] frame = Vectors.Frame("keepalived-v2-vrid4.pcap", index);
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        AssertIpv4(frame, totalLength: 40, identification, headerChecksum);
        AssertFrame(received, Keepalived, VrrpGroupV4, "10.99.0.11", "224.0.0.18");
        VrrpAdvertisement advert = received.Advertisement;
        Assert.Equal(VrrpVersion.V2, advert.Version);
        Assert.Equal(4, advert.VirtualRouterId);
        Assert.Equal(245, advert.Priority);
        Assert.Equal(1, advert.AddressCount);
        Assert.Equal(VrrpAuthType.None, advert.AuthType);
        Assert.Equal(100, advert.AdvertIntervalCentiseconds); // Adver Int: 1 (second)
        Assert.Equal(0x284c, VrrpChecksum(frame, ipHeader: 20));
        Assert.Equal(IpAddr.Parse("192.168.1.4"), advert.GetAddress(0));
        Assert.Equal(ChecksumConvention.MessageOnly, received.Convention);
        Assert.Equal(ParseError.None, Authentication.Check(advert, VrrpAuthType.None, default));
        Assert.Equal(ParseError.AuthTypeMismatch, Authentication.Check(advert, VrrpAuthType.SimpleText, "secret1"u8));
        AssertReemits(frame, received, identification);
    }

    [Theory]
    [InlineData(0, 0x0001, 0xd024)]
    [InlineData(1, 0x0002, 0xd023)]
    public void V2_simple_text_authentication(int index, ushort identification, ushort headerChecksum)
    {
        byte[] frame = Vectors.Frame("keepalived-v2-auth-pass.pcap", index);
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        AssertIpv4(frame, totalLength: 40, identification, headerChecksum);
        AssertFrame(received, Keepalived, VrrpGroupV4, "10.99.0.11", "224.0.0.18");
        VrrpAdvertisement advert = received.Advertisement;
        Assert.Equal(VrrpVersion.V2, advert.Version);
        Assert.Equal(4, advert.VirtualRouterId);
        Assert.Equal(245, advert.Priority);
        Assert.Equal(1, advert.AddressCount);
        Assert.Equal(VrrpAuthType.SimpleText, advert.AuthType);
        Assert.Equal(100, advert.AdvertIntervalCentiseconds);
        Assert.Equal(0xb9ff, VrrpChecksum(frame, ipHeader: 20));
        Assert.Equal(IpAddr.Parse("192.168.1.4"), advert.GetAddress(0));
        Assert.Equal("secret1", Encoding.ASCII.GetString(advert.AuthData).TrimEnd('\0')); // Authentication String: secret1
        Assert.Equal(Authentication.PasswordData("secret1"), advert.AuthData.ToArray());
        Assert.Equal(ParseError.None, Authentication.Check(advert, VrrpAuthType.SimpleText, "secret1"u8));
        Assert.Equal(ParseError.AuthMismatch, Authentication.Check(advert, VrrpAuthType.SimpleText, "secret2"u8));
        Assert.Equal(ParseError.AuthMismatch, Authentication.Check(advert, VrrpAuthType.SimpleText, "secret"u8));
        Assert.Equal(ParseError.AuthTypeMismatch, Authentication.Check(advert, VrrpAuthType.None, default));
        AssertReemits(frame, received, identification);
    }

    [Theory]
    [InlineData(0, 0x0001, 0xd028)]
    [InlineData(1, 0x0002, 0xd027)]
    public void V3_ipv4_two_addresses(int index, ushort identification, ushort headerChecksum)
    {
        byte[] frame = Vectors.Frame("keepalived-v3-ipv4-2vips.pcap", index);
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        AssertIpv4(frame, totalLength: 36, identification, headerChecksum);
        AssertFrame(received, Keepalived, VrrpGroupV4, "10.99.0.11", "224.0.0.18");
        VrrpAdvertisement advert = received.Advertisement;
        Assert.Equal(VrrpVersion.V3, advert.Version);
        Assert.Equal(51, advert.VirtualRouterId);
        Assert.Equal(200, advert.Priority);
        Assert.Equal(2, advert.AddressCount);
        Assert.Equal(50, advert.AdvertIntervalCentiseconds);
        Assert.Equal(0x046a, VrrpChecksum(frame, ipHeader: 20));
        Assert.Equal(IpAddr.Parse("10.99.1.51"), advert.GetAddress(0));
        Assert.Equal(IpAddr.Parse("10.99.1.52"), advert.GetAddress(1));
        Assert.Equal(ChecksumConvention.PseudoHeader, received.Convention);
        Assert.Equal(ParseError.None, Authentication.Check(advert, VrrpAuthType.None, default));
        AssertReemits(frame, received, identification);
    }

    [Theory]
    [InlineData(0, 0x0001, 0xa578)]
    [InlineData(1, 0x0002, 0xa577)]
    public void V3_ipv4_unicast(int index, ushort identification, ushort headerChecksum)
    {
        byte[] frame = Vectors.Frame("keepalived-v3-ipv4-unicast.pcap", index);
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        AssertIpv4(frame, totalLength: 32, identification, headerChecksum);
        AssertFrame(received, Keepalived, MacAddress.Parse("ba:c8:6d:2c:ef:8c"), "10.99.0.11", "10.99.0.100");
        VrrpAdvertisement advert = received.Advertisement;
        Assert.Equal(VrrpVersion.V3, advert.Version);
        Assert.Equal(52, advert.VirtualRouterId);
        Assert.Equal(150, advert.Priority);
        Assert.Equal(1, advert.AddressCount);
        Assert.Equal(100, advert.AdvertIntervalCentiseconds);
        Assert.Equal(0x1716, VrrpChecksum(frame, ipHeader: 20));
        Assert.Equal(IpAddr.Parse("10.99.1.60"), advert.GetAddress(0));
        // The pseudo-header holds the unicast peer, not the group.
        Assert.Equal(ChecksumConvention.PseudoHeader, received.Convention);
        AssertReemits(frame, received, identification);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void V3_ipv6(int index)
    {
        byte[] frame = Vectors.Frame("keepalived-v3-ipv6.pcap", index);
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        Assert.True(Ipv6Packet.TryCreate(frame.AsSpan(14), out Ipv6Packet ip));
        Assert.Equal(6, ip.Version);
        Assert.Equal(0xc0, ip.TrafficClass); // DSCP CS6
        Assert.Equal(0x6af44u, ip.FlowLabel);
        Assert.Equal(40, ip.PayloadLength);
        Assert.Equal(112, ip.NextHeader);
        AssertFrame(received, Keepalived, VrrpGroupV6, "fe80::b86e:9bff:fe2b:223d", "ff02::12");
        VrrpAdvertisement advert = received.Advertisement;
        Assert.Equal(VrrpVersion.V3, advert.Version);
        Assert.Equal(IpFamily.IPv6, advert.Family);
        Assert.Equal(61, advert.VirtualRouterId);
        Assert.Equal(180, advert.Priority);
        Assert.Equal(2, advert.AddressCount);
        Assert.Equal(100, advert.AdvertIntervalCentiseconds);
        Assert.Equal(0x7a5a, VrrpChecksum(frame, ipHeader: 40));
        Assert.Equal(IpAddr.Parse("fe80::61"), advert.GetAddress(0));
        Assert.Equal(IpAddr.Parse("2001:db8::61"), advert.GetAddress(1));
        Assert.Equal(ChecksumConvention.PseudoHeader, received.Convention);
        AssertReemits(frame, received, ipv6FlowLabel: 0x6af44);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Gratuitous_arp(int index)
    {
        byte[] frame = Vectors.Frame("keepalived-garp.pcap", index);
        Assert.Equal(ParseError.None, GratuitousArp.TryParse(frame, out ArpFrame arp));
        Assert.Equal(MacAddress.Broadcast, arp.EthernetDestination);
        Assert.Equal(Keepalived, arp.EthernetSource);
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(Keepalived, arp.SenderMac);
        Assert.Equal(IpAddr.Parse("192.168.1.4"), arp.SenderAddress);
        Assert.Equal(MacAddress.Broadcast, arp.TargetMac);
        Assert.Equal(IpAddr.Parse("192.168.1.4"), arp.TargetAddress);
        Assert.True(arp.IsGratuitous);
        Assert.Equal(GratuitousArp.Create(Keepalived, IpAddr.Parse("192.168.1.4")), arp);

        byte[] emitted = new byte[GratuitousArp.FrameLength];
        Assert.Equal(42, GratuitousArp.Write(emitted, Keepalived, IpAddr.Parse("192.168.1.4")));
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(emitted));
    }

    [Theory]
    [InlineData(0, "fe80::61", 0xe104)]
    [InlineData(1, "2001:db8::61", 0x8294)]
    public void Unsolicited_neighbor_advertisement(int index, string address, ushort checksum)
    {
        byte[] frame = Vectors.Frame("keepalived-unsolicited-na.pcap", index);
        IpAddr vip = IpAddr.Parse(address);
        Assert.Equal(ParseError.None, NeighborAdvertisement.TryParse(frame, out NeighborAdvertisementFrame na));
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), na.EthernetDestination);
        Assert.Equal(Keepalived, na.EthernetSource);
        Assert.Equal(vip, na.Source);
        Assert.Equal(IpAddr.Parse("ff02::1"), na.Destination);
        Assert.Equal(255, na.HopLimit);
        Assert.True(Ipv6Packet.TryCreate(frame.AsSpan(14), out Ipv6Packet ip));
        Assert.Equal(0, ip.TrafficClass);
        Assert.Equal(0u, ip.FlowLabel);
        Assert.Equal(32, ip.PayloadLength);
        Assert.Equal(58, ip.NextHeader);
        Assert.True(NeighborAdvertisementPacket.TryCreate(frame.AsSpan(54), out NeighborAdvertisementPacket packet));
        Assert.Equal(136, packet.Type);
        Assert.Equal(0, packet.Code);
        Assert.Equal(checksum, packet.Checksum);
        Assert.Equal(NeighborAdvertisementFlags.Override, na.Flags); // Flags: 0x20000000, Override
        Assert.Equal(vip, na.Target);
        Assert.Equal(Keepalived, na.TargetMac);

        byte[] emitted = new byte[NeighborAdvertisement.FrameLength];
        Assert.Equal(86, NeighborAdvertisement.Write(emitted, Keepalived, vip));
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(emitted));
        Assert.Equal(na, NeighborAdvertisement.Create(Keepalived, vip));
    }

    private static void AssertFrame(in ReceivedAdvertisement received, MacAddress sourceMac, MacAddress destinationMac, string source, string destination)
    {
        Assert.Equal(sourceMac, received.SourceMac);
        Assert.Equal(destinationMac, received.DestinationMac);
        Assert.Equal(IpAddr.Parse(source), received.Source);
        Assert.Equal(IpAddr.Parse(destination), received.Destination);
        Assert.Equal(255, received.HopLimit);
    }

    private static void AssertIpv4(byte[] frame, int totalLength, ushort identification, ushort headerChecksum)
    {
        Assert.True(Ipv4Packet.TryCreate(frame.AsSpan(14), out Ipv4Packet ip));
        Assert.Equal(4, ip.Version);
        Assert.Equal(20, ip.HeaderLength);
        Assert.Equal(0xc0, ip.TypeOfService); // DSCP CS6, not ECN-capable
        Assert.Equal(totalLength, ip.TotalLength);
        Assert.Equal(identification, ip.Identification);
        Assert.Equal(0, ip.FlagsAndFragmentOffset);
        Assert.Equal(255, ip.TimeToLive);
        Assert.Equal(112, ip.Protocol);
        Assert.Equal(headerChecksum, ip.HeaderChecksum);
    }

    private static ushort VrrpChecksum(byte[] frame, int ipHeader) =>
        BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14 + ipHeader + VrrpPacket.Field.Checksum));

    private static void AssertReemits(byte[] frame, in ReceivedAdvertisement received, ushort ipv4Identification = 0, uint ipv6FlowLabel = 0)
    {
        byte[] emitted = new byte[VrrpFrame.GetFrameLength(received.Advertisement)];
        int length = VrrpFrame.Write(emitted, received.SourceMac, received.DestinationMac, received.Source, received.Destination,
            received.Advertisement, received.Convention, ipv4Identification, ipv6FlowLabel);
        Assert.Equal(frame.Length, length);
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(emitted));

        // The IP packet alone, as a raw IPv4 socket delivers it, parses to the same advertisement.
        Assert.Equal(ParseError.None, VrrpFrame.TryParseIpPacket(frame.AsSpan(14), out ReceivedAdvertisement fromIp));
        Assert.True(fromIp.Advertisement.ContentEquals(received.Advertisement));
        Assert.Equal(default, fromIp.SourceMac);
        Assert.Equal(default, fromIp.DestinationMac);
    }
}
