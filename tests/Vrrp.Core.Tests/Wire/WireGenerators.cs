using FsCheck;
using FsCheck.Fluent;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

/// <summary>A valid advertisement and the frame around it, in a form FsCheck can generate and print.</summary>
public sealed record AdvertCase(
    VrrpVersion Version, IpFamily Family, byte Vrid, byte Priority, ushort IntervalCentiseconds,
    VrrpAuthType AuthType, byte[] AuthData, byte[] AddressBytes, IpAddr Source, IpAddr Destination,
    ChecksumConvention Convention, MacAddress SourceMac, MacAddress DestinationMac, ushort Identification, uint FlowLabel)
{
    public VrrpAdvertisement Advertisement => new()
    {
        Version = Version,
        Family = Family,
        VirtualRouterId = Vrid,
        Priority = Priority,
        AdvertIntervalCentiseconds = IntervalCentiseconds,
        AuthType = AuthType,
        AuthData = AuthData,
        AddressBytes = AddressBytes,
    };

    /// <summary>The convention a receiver reports: VRRPv2 has only the message-only checksum, IPv6 only the pseudo-header one.</summary>
    public ChecksumConvention ReportedConvention =>
        Version == VrrpVersion.V2 ? ChecksumConvention.MessageOnly :
        Family == IpFamily.IPv6 ? ChecksumConvention.PseudoHeader : Convention;

    /// <summary>True where one checksum is valid in both conventions (see <see cref="PropertyTests"/>).</summary>
    public bool DualConvention => Version == VrrpVersion.V3 && Family == IpFamily.IPv4;

    public byte[] Frame()
    {
        byte[] frame = new byte[VrrpFrame.GetFrameLength(Advertisement)];
        int length = VrrpFrame.Write(frame, SourceMac, DestinationMac, Source, Destination, Advertisement, Convention, Identification, FlowLabel);
        return length == frame.Length ? frame : throw new InvalidOperationException("length mismatch");
    }

    public override string ToString() =>
        $"{Version} {Family} vrid {Vrid} prio {Priority} int {IntervalCentiseconds}cs auth {AuthType} {Convention} {Source}->{Destination} frame {Convert.ToHexString(Frame())}";
}

internal static class WireGenerators
{
    private static Gen<byte> Byte => Gen.Choose(0, 255).Select(b => (byte)b);

    private static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(Byte, length);

    public static Gen<MacAddress> Mac => Gen.Choose(0, int.MaxValue).Two().Select(t => MacAddress.FromValue(((ulong)(uint)t.Item1 << 16) ^ (uint)t.Item2));

    public static Gen<IpAddr> UnicastV4 => Gen.Choose(1, 223).SelectMany(first => Gen.Choose(0, 0xFFFFFF), (first, rest) => IpAddr.FromV4(((uint)first << 24) | (uint)rest));

    public static Gen<IpAddr> AnyV6 => Bytes(16).Select(b => IpAddr.FromBytes(b));

    public static Gen<IpAddr> LinkLocalV6 => Bytes(8).Select(low => IpAddr.FromBytes([0xfe, 0x80, 0, 0, 0, 0, 0, 0, .. low]));

    private static Gen<byte[]> Addresses(IpFamily family, int maxCount) =>
        Gen.Choose(1, maxCount).SelectMany(count => Bytes(count * family.AddressLength()));

    /// <summary>VRRPv2 over IPv4, with or without PASS authentication.</summary>
    public static Gen<AdvertCase> V2(int maxAddresses) =>
        from vrid in Gen.Choose(1, 255)
        from priority in Byte
        from seconds in Gen.Choose(1, 255)
        from pass in Gen.Elements(false, true)
        from password in Bytes(8)
        from addresses in Addresses(IpFamily.IPv4, maxAddresses)
        from source in UnicastV4
        from destination in Gen.OneOf(Gen.Constant(IpAddr.VrrpMulticastV4), UnicastV4)
        from macs in Mac.Two()
        from id in Gen.Choose(0, 0xFFFF)
        select new AdvertCase(VrrpVersion.V2, IpFamily.IPv4, (byte)vrid, priority, (ushort)(seconds * 100),
            pass ? VrrpAuthType.SimpleText : VrrpAuthType.None, pass ? password : new byte[8], addresses, source, destination,
            ChecksumConvention.MessageOnly, macs.Item1, macs.Item2, (ushort)id, 0);

    /// <summary>VRRPv3 over IPv4 in either checksum convention.</summary>
    public static Gen<AdvertCase> V3Ipv4(int maxAddresses) =>
        from vrid in Gen.Choose(1, 255)
        from priority in Byte
        from interval in Gen.Choose(1, VrrpAdvertisement.MaxIntervalV3)
        from convention in Gen.Elements(ChecksumConvention.PseudoHeader, ChecksumConvention.MessageOnly)
        from addresses in Addresses(IpFamily.IPv4, maxAddresses)
        from source in UnicastV4
        from destination in Gen.OneOf(Gen.Constant(IpAddr.VrrpMulticastV4), UnicastV4)
        from macs in Mac.Two()
        from id in Gen.Choose(0, 0xFFFF)
        select new AdvertCase(VrrpVersion.V3, IpFamily.IPv4, (byte)vrid, priority, (ushort)interval, VrrpAuthType.None, [],
            addresses, source, destination, convention, macs.Item1, macs.Item2, (ushort)id, 0);

    /// <summary>VRRPv3 over IPv6 from a link-local source, to the group or a unicast peer.</summary>
    public static Gen<AdvertCase> V3Ipv6(int maxAddresses) =>
        from vrid in Gen.Choose(1, 255)
        from priority in Byte
        from interval in Gen.Choose(1, VrrpAdvertisement.MaxIntervalV3)
        from addresses in Addresses(IpFamily.IPv6, maxAddresses)
        from source in LinkLocalV6
        from destination in Gen.OneOf(Gen.Constant(IpAddr.VrrpMulticastV6), LinkLocalV6, AnyV6)
        from macs in Mac.Two()
        from flowLabel in Gen.Choose(0, (int)Ipv6Header.MaxFlowLabel)
        select new AdvertCase(VrrpVersion.V3, IpFamily.IPv6, (byte)vrid, priority, (ushort)interval, VrrpAuthType.None, [],
            addresses, source, destination, ChecksumConvention.PseudoHeader, macs.Item1, macs.Item2, 0, (uint)flowLabel);

    public static Gen<AdvertCase> Any(int maxAddresses) => Gen.OneOf(V2(maxAddresses), V3Ipv4(maxAddresses), V3Ipv6(maxAddresses));
}
