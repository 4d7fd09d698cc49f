using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

/// <summary>
/// Properties of the codec over generated advertisements (VRRPv2/IPv4 with and without PASS,
/// VRRPv3/IPv4 in both checksum conventions, VRRPv3/IPv6) and over arbitrary bytes.
/// </summary>
public class PropertyTests
{
    [Property(MaxTest = 300)]
    public Property Parse_of_emit_is_identity_v2() => RoundTrip(WireGenerators.V2(40));

    [Property(MaxTest = 300)]
    public Property Parse_of_emit_is_identity_v3_ipv4() => RoundTrip(WireGenerators.V3Ipv4(40));

    [Property(MaxTest = 300)]
    public Property Parse_of_emit_is_identity_v3_ipv6() => RoundTrip(WireGenerators.V3Ipv6(20));

    private static Property RoundTrip(Gen<AdvertCase> cases) => Prop.ForAll(cases.ToArbitrary(), c =>
    {
        byte[] frame = c.Frame();
        Assert.Equal(ParseError.None, VrrpFrame.TryParse(frame, out ReceivedAdvertisement received));
        Assert.True(received.Advertisement.ContentEquals(c.Advertisement));
        Assert.Equal(c.SourceMac, received.SourceMac);
        Assert.Equal(c.DestinationMac, received.DestinationMac);
        Assert.Equal(c.Source, received.Source);
        Assert.Equal(c.Destination, received.Destination);
        Assert.Equal(255, received.HopLimit);
        // A message-only checksum also verifies with the pseudo-header when the pseudo-header sums
        // to zero in one's complement (1 case in 65535); the receiver then reports PseudoHeader.
        ushort pseudo = Checksum.Fold(Checksum.PseudoHeader(c.Source, c.Destination, Checksum.VrrpProtocol, c.Advertisement.BufferLength));
        bool ambiguous = c.DualConvention && pseudo is 0 or 0xFFFF;
        Assert.True(received.Convention == c.ReportedConvention || ambiguous);

        // Re-emitting what was parsed gives the same bytes.
        byte[] again = new byte[frame.Length];
        VrrpFrame.Write(again, received.SourceMac, received.DestinationMac, received.Source, received.Destination,
            received.Advertisement, c.Convention, c.Identification, c.FlowLabel);
        Assert.Equal(frame, again);
    });

    [Property(MaxTest = 100)]
    public Property Every_truncation_is_rejected() => Prop.ForAll(WireGenerators.Any(8).ToArbitrary(), c =>
    {
        byte[] frame = c.Frame();
        for (int length = 0; length < frame.Length; length++)
        {
            ParseError error = VrrpFrame.TryParse(frame.AsSpan(0, length), out _);
            Assert.True(error != ParseError.None, $"a frame cut to {length} of {frame.Length} bytes was accepted");
            // The IP packet alone, cut short, is rejected too.
            if (length >= EthernetFrame.Field.HeaderLength)
                Assert.NotEqual(ParseError.None, VrrpFrame.TryParseIpPacket(frame.AsSpan(EthernetFrame.Field.HeaderLength, length - EthernetFrame.Field.HeaderLength), out _));
        }
    });

    /// <summary>
    /// Every single-bit flip is rejected, except in fields no checksum covers, which are skipped:
    /// the Ethernet MAC addresses (only the FCS, checked by the NIC, protects them) and, for IPv6,
    /// the traffic class and flow label (IPv6 has no header checksum and the pseudo-header leaves
    /// them out). VRRPv3 over IPv4 has a genuine ambiguity: a receiver must accept both checksum
    /// conventions, so a flip that changes the message's sum by exactly the pseudo-header's sum
    /// yields a checksum valid in the other convention and cannot be detected by anyone. For that
    /// case the property is "rejected, or accepted with the other convention than emitted".
    /// </summary>
    [Property(MaxTest = 150)]
    public Property Every_single_bit_flip_is_rejected() => Prop.ForAll(WireGenerators.Any(8).ToArbitrary(), c =>
    {
        byte[] frame = c.Frame();
        for (int bit = 0; bit < frame.Length * 8; bit++)
        {
            if (!CoveredByACheck(c, bit)) continue;
            frame[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            ParseError error = VrrpFrame.TryParse(frame, out ReceivedAdvertisement received);
            if (error == ParseError.None)
            {
                Assert.True(c.DualConvention && received.Convention != c.Convention,
                    $"flip of bit {bit} (byte {bit / 8}) was accepted: {Convert.ToHexString(frame)}");
            }
            frame[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        }
    });

    private static bool CoveredByACheck(AdvertCase c, int bit)
    {
        const int macBits = 12 * 8;
        if (bit < macBits) return false;
        // IPv6 first word: version (4 bits, checked), then traffic class and flow label (28 bits, unchecked).
        int ipv6FirstWord = EthernetFrame.Field.HeaderLength * 8;
        return !(c.Family == IpFamily.IPv6 && bit >= ipv6FirstWord + 4 && bit < ipv6FirstWord + 32);
    }

    [Property(MaxTest = 100)]
    public Property Every_truncation_and_bit_flip_of_a_neighbor_advertisement_is_rejected() =>
        Prop.ForAll(WireGenerators.Mac.ToArbitrary(), WireGenerators.AnyV6.Where(a => !a.IsMulticast).ToArbitrary(), (mac, address) =>
        {
            byte[] frame = new byte[NeighborAdvertisement.FrameLength];
            NeighborAdvertisement.Write(frame, mac, address);
            Assert.Equal(ParseError.None, NeighborAdvertisement.TryParse(frame, out NeighborAdvertisementFrame parsed));
            Assert.Equal(NeighborAdvertisement.Create(mac, address), parsed);
            for (int length = 0; length < frame.Length; length++)
                Assert.NotEqual(ParseError.None, NeighborAdvertisement.TryParse(frame.AsSpan(0, length), out _));
            // Same exclusions as for VRRP: MACs, traffic class, flow label.
            for (int bit = 12 * 8; bit < frame.Length * 8; bit++)
            {
                if (bit >= 14 * 8 + 4 && bit < 14 * 8 + 32) continue;
                frame[bit / 8] ^= (byte)(0x80 >> (bit % 8));
                Assert.True(NeighborAdvertisement.TryParse(frame, out _) != ParseError.None, $"flip of bit {bit} was accepted");
                frame[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            }
        });

    [Property(MaxTest = 100)]
    public Property Gratuitous_arp_round_trips() =>
        Prop.ForAll(WireGenerators.Mac.ToArbitrary(), WireGenerators.UnicastV4.ToArbitrary(), (mac, address) =>
        {
            // ARP has no checksum, so only the round trip and truncation are properties of it.
            byte[] frame = new byte[GratuitousArp.FrameLength];
            GratuitousArp.Write(frame, mac, address);
            Assert.Equal(ParseError.None, GratuitousArp.TryParse(frame, out ArpFrame parsed));
            Assert.Equal(GratuitousArp.Create(mac, address), parsed);
            for (int length = 0; length < frame.Length; length++)
                Assert.Equal(ParseError.Truncated, GratuitousArp.TryParse(frame.AsSpan(0, length), out _));
        });

    [Property(MaxTest = 2000)]
    public void Random_bytes_never_throw(byte[] bytes, uint v4, bool v6)
    {
        IpAddr source = v6 ? IpAddr.FromV6(0xfe80_0000_0000_0000, v4) : IpAddr.FromV4(v4);
        ParseEverything(bytes, source, v6 ? IpAddr.VrrpMulticastV6 : IpAddr.VrrpMulticastV4);
    }

    /// <summary>Random bytes behind valid Ethernet and IP headers reach the deeper checks.</summary>
    [Property(MaxTest = 2000)]
    public Property Random_payloads_behind_valid_headers_never_throw() =>
        Prop.ForAll(WireGenerators.Any(4).ToArbitrary(), ArbMap.Default.ArbFor<byte[]>(), ArbMap.Default.ArbFor<int>(), (c, noise, seed) =>
        {
            byte[] frame = c.Frame();
            var random = new Random(seed);
            // Overwrite a few random bytes after the IP header, keep or break the length.
            int ipHeader = EthernetFrame.Field.HeaderLength + (c.Family == IpFamily.IPv6 ? 40 : 20);
            for (int i = 0; i < noise.Length && i < 8; i++)
                frame[random.Next(ipHeader, frame.Length)] = noise[i];
            ParseEverything(frame, c.Source, c.Destination);
            ParseEverything([.. frame, .. noise], c.Source, c.Destination);
            ParseEverything(frame.AsSpan(0, random.Next(frame.Length)).ToArray(), c.Source, c.Destination);
        });

    private static void ParseEverything(byte[] bytes, IpAddr source, IpAddr destination)
    {
        VrrpFrame.TryParse(bytes, out _);
        VrrpFrame.TryParseIpPacket(bytes, out _);
        ArpFrame.TryParse(bytes, out _);
        GratuitousArp.TryParse(bytes, out _);
        NeighborAdvertisement.TryParse(bytes, out _);
        if (bytes.Length > EthernetFrame.Field.HeaderLength) VrrpFrame.TryParseIpPacket(bytes.AsSpan(EthernetFrame.Field.HeaderLength), out _);
        foreach (IpAddr src in new[] { source, IpAddr.Parse("10.0.0.1"), IpAddr.Parse("fe80::1"), default })
        {
            if (VrrpAdvertisement.TryParse(bytes, src, destination.Family == src.Family ? destination : src, out VrrpAdvertisement advert, out _) == ParseError.None)
            {
                Authentication.Check(advert, VrrpAuthType.SimpleText, "secret1"u8);
                for (int i = 0; i < advert.AddressCount; i++) advert.GetAddress(i);
            }
        }
    }
}
