using System.Diagnostics;
using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>One namespace of a lab seen from Vrrp.Linux: its netlink socket and interface.</summary>
internal sealed class Node : IDisposable
{
    public Node(string ns, string interfaceName = "eth0")
    {
        Namespace = ns;
        Netlink = NetworkNamespace.Run(ns, () => NetlinkSocket.Open());
        Links = new LinkManager(Netlink);
        Addresses = new AddressManager(Netlink);
        Interface = Links.Get(interfaceName);
    }

    public string Namespace { get; }
    public NetlinkSocket Netlink { get; }
    public LinkManager Links { get; }
    public AddressManager Addresses { get; }
    public InterfaceInfo Interface { get; private set; }
    public int IfIndex => Interface.Index;
    public MacAddress Mac => Interface.Mac;

    public PacketSocket OpenPacketSocket(PacketSocketOptions? options = null) =>
        NetworkNamespace.Run(Namespace, () => PacketSocket.Open(IfIndex, options));

    public string Ip(string arguments) => NetnsLab.Ip($"-n {Namespace} {arguments}");

    public void Dispose() => Netlink.Dispose();

    /// <summary>Namespaces a (10.0.0.1/24) and b (10.0.0.2/24) on one bridge, their eth0 up.</summary>
    public static (NetnsLab Lab, Node A, Node B) TwoOnABridge()
    {
        var lab = new NetnsLab();
        try
        {
            string[] ns = lab.AddLan("eth0", "a", "b");
            NetnsLab.Ip($"-n {ns[0]} addr add 10.0.0.1/24 dev eth0");
            NetnsLab.Ip($"-n {ns[1]} addr add 10.0.0.2/24 dev eth0");
            return (lab, new Node(ns[0]), new Node(ns[1]));
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }
}

internal static class Wait
{
    /// <summary>Receives on <paramref name="socket"/> until <paramref name="enough"/> says so or <paramref name="timeout"/> passes; returns the frames.</summary>
    public static List<byte[]> Receive(PacketSocket socket, Func<List<byte[]>, bool> enough, TimeSpan timeout)
    {
        var frames = new List<byte[]>();
        using var epoll = new Epoll();
        using var batch = new FrameBatch(32);
        epoll.Add(socket.Handle, 1);
        var events = new EpollEvent[4];
        var clock = Stopwatch.StartNew();
        while (!enough(frames) && clock.Elapsed < timeout)
        {
            epoll.Wait(events, (int)Math.Max(1, (timeout - clock.Elapsed).TotalMilliseconds));
            while (socket.Receive(batch) > 0)
                for (int i = 0; i < batch.Count; i++) frames.Add(batch[i].ToArray());
        }
        return frames;
    }

    /// <summary>Everything that arrives within <paramref name="window"/>.</summary>
    public static List<byte[]> Drain(PacketSocket socket, TimeSpan window) => Receive(socket, _ => false, window);
}
