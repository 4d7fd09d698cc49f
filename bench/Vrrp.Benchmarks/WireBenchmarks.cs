using BenchmarkDotNet.Attributes;
using Vrrp.Core.Wire;

namespace Vrrp.Benchmarks;

/// <summary>
/// The per-packet work of the codec for the common case, a VRRPv3 IPv4 advertisement with one
/// address: parse and validate, emit, and the checksum, as the message alone and as a whole frame.
/// </summary>
[MemoryDiagnoser]
public class WireBenchmarks
{
    private static readonly IpAddr Source = IpAddr.Parse("192.168.1.2");
    private static readonly IpAddr Group = IpAddr.VrrpMulticastV4;
    private static readonly MacAddress SourceMac = MacAddress.VirtualRouter(IpFamily.IPv4, 4);
    private static readonly MacAddress GroupMac = MacAddress.MulticastFor(IpAddr.VrrpMulticastV4);

    private readonly byte[] _addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("192.168.1.4")]);
    private readonly byte[] _message = new byte[12];
    private readonly byte[] _frame = new byte[46];
    private readonly byte[] _output = new byte[64];

    private VrrpAdvertisement Advert => new()
    {
        Version = VrrpVersion.V3,
        Family = IpFamily.IPv4,
        VirtualRouterId = 4,
        Priority = 245,
        AdvertIntervalCentiseconds = 100,
        AddressBytes = _addresses,
    };

    [GlobalSetup]
    public void Setup()
    {
        Advert.Emit(_message, Source, Group);
        VrrpFrame.Write(_frame, SourceMac, GroupMac, Source, Group, Advert);
        if (VrrpFrame.TryParse(_frame, out _) != ParseError.None) throw new InvalidOperationException("benchmark frame does not parse");
    }

    [Benchmark]
    public int ParseAdvertisement()
    {
        ParseError error = VrrpAdvertisement.TryParse(_message, Source, Group, out VrrpAdvertisement advert, out _);
        return error == ParseError.None ? advert.Priority : -1;
    }

    [Benchmark]
    public int ParseFrame()
    {
        ParseError error = VrrpFrame.TryParse(_frame, out ReceivedAdvertisement received);
        return error == ParseError.None ? received.Advertisement.Priority : -1;
    }

    [Benchmark]
    public int EmitAdvertisement() => Advert.Emit(_output, Source, Group);

    [Benchmark]
    public int WriteFrame() => VrrpFrame.Write(_output, SourceMac, GroupMac, Source, Group, Advert);

    [Benchmark]
    public bool VerifyChecksum() =>
        Checksum.Verify(_message, Checksum.PseudoHeader(Source, Group, Checksum.VrrpProtocol, _message.Length));
}
