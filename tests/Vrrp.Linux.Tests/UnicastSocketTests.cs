using Vrrp.Core.Wire;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

public class UnicastSocketTests
{
    private static byte[] Message(IpAddr source, IpAddr destination, byte vrid)
    {
        Span<byte> vip = stackalloc byte[16];
        int n = (source.IsIPv4 ? IpAddr.Parse("10.0.0.100") : IpAddr.Parse("fd00::100")).WriteTo(vip);
        var advert = new VrrpAdvertisement
        {
            Version = VrrpVersion.V3, Family = source.Family, VirtualRouterId = vrid, Priority = 150,
            AdvertIntervalCentiseconds = 100, AddressBytes = vip[..n],
        };
        var buffer = new byte[advert.BufferLength];
        advert.Emit(buffer, source, destination);
        return buffer;
    }

    private static int ReceiveOne(UnicastSocket socket, Span<byte> buffer, TimeSpan timeout)
    {
        using var epoll = new Epoll();
        epoll.Add(socket.Handle, 1);
        var events = new EpollEvent[1];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            int n = socket.Receive(buffer);
            if (n > 0) return n;
            epoll.Wait(events, 50);
        }
        return 0;
    }

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.2", "10.0.0.3")]
    [InlineData("fd00::1", "fd00::2", "fd00::3")]
    public void PeersExchangeAdvertsAndStrangersAreDropped(string a, string b, string stranger)
    {
        using var lab = new NetnsLab();
        string[] ns = lab.AddLan("eth0", "a", "b", "c");
        string prefix = a.Contains(':', StringComparison.Ordinal) ? "/64 nodad" : "/24";
        NetnsLab.Ip($"-n {ns[0]} addr add {a}{prefix} dev eth0");
        NetnsLab.Ip($"-n {ns[1]} addr add {b}{prefix} dev eth0");
        NetnsLab.Ip($"-n {ns[2]} addr add {stranger}{prefix} dev eth0");
        using var na = new Node(ns[0]);
        using var nb = new Node(ns[1]);
        using var nc = new Node(ns[2]);
        IpAddr ipA = IpAddr.Parse(a), ipB = IpAddr.Parse(b), ipC = IpAddr.Parse(stranger);
        using UnicastSocket sa = NetworkNamespace.Run(ns[0], () => UnicastSocket.Open(na.IfIndex, ipA, [ipB]));
        using UnicastSocket sb = NetworkNamespace.Run(ns[1], () => UnicastSocket.Open(nb.IfIndex, ipB, [ipA]));
        using UnicastSocket sc = NetworkNamespace.Run(ns[2], () => UnicastSocket.Open(nc.IfIndex, ipC, [ipB]));

        Assert.Equal(0, sc.Send(0, Message(ipC, ipB, 9)));  // not B's peer
        Assert.Equal(0, sa.Send(0, Message(ipA, ipB, 4)));
        var buffer = new byte[2048];
        int n = ReceiveOne(sb, buffer, TimeSpan.FromSeconds(5));
        Assert.True(n > 0, "B received nothing from its peer");
        // IPv6 link-local sources are what RFC 5798 5.1.2.1 asks for multicast; unicast peers
        // use global ones, which the parser reports as SourceNotLinkLocal and keepalived accepts.
        ParseError error = VrrpFrame.TryParseIpPacket(buffer.AsSpan(0, n), out ReceivedAdvertisement received);
        Assert.True(error is ParseError.None or ParseError.SourceNotLinkLocal, $"parse: {error}");
        if (error == ParseError.None)
        {
            Assert.Equal(ipA, received.Source);
            Assert.Equal(ipB, received.Destination);
            Assert.Equal(4, received.Advertisement.VirtualRouterId);
        }
        Assert.Equal(255, ipA.IsIPv4 ? buffer[8] : buffer[7]);           // TTL / hop limit as sent
        Assert.Equal(ipA, IpAddr.Read(ipA.Family, buffer.AsSpan(ipA.IsIPv4 ? 12 : 8)));
        Assert.Equal(ipB, IpAddr.Read(ipA.Family, buffer.AsSpan(ipA.IsIPv4 ? 16 : 24)));
        if (ipA.IsIPv4) Assert.Equal(0xC0, buffer[1]);                    // TOS CS6

        // B answers A.
        Assert.Equal(0, sb.Send(0, Message(ipB, ipA, 4)));
        Assert.True(ReceiveOne(sa, buffer, TimeSpan.FromSeconds(5)) > 0);
        Thread.Sleep(50);
        Assert.Equal(0, sb.Receive(buffer)); // the stranger's packet is dropped, whenever it came
        Assert.Equal(1, sb.Statistics.PacketsReceived);
        Assert.Equal(1, sb.Statistics.UnknownSource);
    }
}
