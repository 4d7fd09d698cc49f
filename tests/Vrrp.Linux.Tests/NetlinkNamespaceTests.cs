using System.Diagnostics;
using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests;

public class NetlinkNamespaceTests
{
    private static (NetnsLab Lab, Node A, string PeerNs) OneLink()
    {
        var lab = new NetnsLab();
        try
        {
            string a = lab.AddNamespace("a");
            string peer = lab.AddNamespace("peer");
            lab.AddVeth(a, "eth0", peer, "eth0");
            NetnsLab.Ip($"-n {a} addr add 10.1.0.1/24 dev eth0");
            return (lab, new Node(a), peer);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [Fact]
    public void InterfaceLookupReportsIndexMacMtuAndFlags()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            string shown = a.Ip("-o link show dev eth0");
            Assert.StartsWith($"{a.IfIndex}: eth0", shown, StringComparison.Ordinal);
            Assert.Contains($"link/ether {a.Mac}", shown, StringComparison.Ordinal);
            Assert.Equal(1500, a.Interface.Mtu);
            Assert.Equal("veth", a.Interface.Kind);
            Assert.True(a.Interface.State.IsAdminUp);
            Assert.Equal(a.IfIndex, a.Links.Find(a.IfIndex)?.Index);
            Assert.Null(a.Links.Find("nosuchif0"));
            Assert.Contains(a.Links.List(), i => i.Name == "lo");
            NetlinkException e = Assert.Throws<NetlinkException>(() => a.Links.Get("nosuchif0"));
            Assert.Equal(Errno.ENODEV, e.Errno);
        }
    }

    [Fact]
    public void VipsAreAddedAndRemovedVisiblyInIpAddr()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            var v4 = new VirtualAddress(a.IfIndex, IpAddr.Parse("10.1.0.100"), Label: "eth0:vip");
            var v4Prefix = new VirtualAddress(a.IfIndex, IpAddr.Parse("10.1.0.101"), 24);
            var v6 = new VirtualAddress(a.IfIndex, IpAddr.Parse("fd00:1::100"));
            a.Addresses.Add(v4);
            a.Addresses.Add(v4Prefix);
            a.Addresses.Add(v6);

            string shown = a.Ip("addr show dev eth0");
            Assert.Contains("inet 10.1.0.100/32 scope global eth0:vip", shown, StringComparison.Ordinal);
            Assert.Contains("inet 10.1.0.101/24 scope global secondary eth0", shown, StringComparison.Ordinal);
            Assert.Matches(@"inet6 fd00:1::100/128 scope global nodad deprecated", shown);
            List<InterfaceAddress> listed = a.Addresses.List(a.IfIndex);
            Assert.Equal(3, listed.Count(x => x.Protocol == AddressManager.ProtocolTag));
            Assert.Equal(IpAddr.Parse("10.1.0.1"), a.Addresses.GetPrimaryIPv4(a.IfIndex));

            NetlinkException e = Assert.Throws<NetlinkException>(() => a.Addresses.Add(v4));
            Assert.Equal(Errno.EEXIST, e.Errno);
            Assert.StartsWith($"RTM_NEWADDR 10.1.0.100/32 dev ifindex {a.IfIndex}: File exists (EEXIST)", e.Message, StringComparison.Ordinal);

            a.Addresses.Remove(v4);
            a.Addresses.Remove(v4Prefix);
            a.Addresses.Remove(v6);
            shown = a.Ip("addr show dev eth0");
            Assert.DoesNotContain("10.1.0.100", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("10.1.0.101", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("fd00:1::100", shown, StringComparison.Ordinal);
            Assert.Equal(Errno.EADDRNOTAVAIL, Assert.Throws<NetlinkException>(() => a.Addresses.Remove(v4)).Errno);
        }
    }

    [Fact]
    public void BatchAdds255VipsInFewCallsAndReportsEachResult()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            var vips = new VirtualAddress[255];
            for (int i = 0; i < vips.Length; i++) vips[i] = new VirtualAddress(a.IfIndex, IpAddr.FromV4(0x0A020000u + (uint)i + 1));
            a.Addresses.Add(vips[7]); // already there: EEXIST for that one only
            var errnos = new int[vips.Length];

            var clock = Stopwatch.StartNew();
            int failures = a.Addresses.Add(vips, errnos);
            clock.Stop();

            Assert.Equal(1, failures);
            Assert.Equal(Errno.EEXIST, errnos[7]);
            Assert.Equal(254, errnos.Count(e => e == 0));
            Assert.Equal(255, a.Addresses.List(a.IfIndex, IpFamily.IPv4).Count(x => x.Protocol == AddressManager.ProtocolTag));
            Assert.True(clock.ElapsedMilliseconds < 1000, $"255 adds took {clock.ElapsedMilliseconds} ms");

            Assert.Equal(0, a.Addresses.Remove(vips, errnos));
            Assert.DoesNotContain(a.Addresses.List(a.IfIndex), x => x.Protocol == AddressManager.ProtocolTag);

            // A failover moves the VIPs without allocating.
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            int addFailures = a.Addresses.Add(vips, errnos);
            int removeFailures = a.Addresses.Remove(vips, errnos);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.Equal((0, 0, 0L), (addFailures, removeFailures, allocated));
        }
    }

    [Fact]
    public void LeftoversOfAPreviousRunAreRemovedAndOthersKept()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            a.Addresses.Add(new VirtualAddress(a.IfIndex, IpAddr.Parse("10.1.0.50")));        // ours: tagged
            a.Ip("addr add 10.1.0.60/32 dev eth0");                                              // configured VIP added by hand
            a.Ip("addr add 10.1.0.70/32 dev eth0");                                              // someone else's
            var configured = new[] { new VirtualAddress(a.IfIndex, IpAddr.Parse("10.1.0.60")) };

            List<InterfaceAddress> removed = a.Addresses.RemoveLeftovers(configured);

            Assert.Equal(["10.1.0.50", "10.1.0.60"], removed.Select(r => r.Address.ToString()).Order());
            string shown = a.Ip("addr show dev eth0");
            Assert.DoesNotContain("10.1.0.50", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("10.1.0.60", shown, StringComparison.Ordinal);
            Assert.Contains("10.1.0.70/32", shown, StringComparison.Ordinal);
            Assert.Contains("10.1.0.1/24", shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LinkLocalAddressIsFound()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            IpAddr? ll = a.Addresses.GetIPv6LinkLocal(a.IfIndex);
            Assert.NotNull(ll);
            Assert.True(ll.Value.IsIPv6LinkLocal);
            Assert.Contains($"inet6 {ll.Value}/64 scope link", a.Ip("addr show dev eth0"), StringComparison.Ordinal);
        }
    }

    private static NetlinkEvent Next(NetlinkMonitor monitor, Func<NetlinkEvent, bool> match, TimeSpan timeout, out TimeSpan waited, int pollIndex = 0)
    {
        using var epoll = new Epoll();
        epoll.Add(monitor.Handle, 1);
        var events = new EpollEvent[2];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            while (monitor.TryRead(out NetlinkEvent e))
            {
                if (match(e))
                {
                    waited = clock.Elapsed;
                    return e;
                }
            }
            // As the event loop does for tracked interfaces: read their flags every 20 ms.
            if (epoll.Wait(events, 20) == 0 && pollIndex != 0) monitor.PollLinks([pollIndex]);
        }
        throw new TimeoutException("no matching netlink event");
    }

    [Fact]
    public void AdminDownAndCarrierLossReachTheMonitorWithin100Milliseconds()
    {
        (NetnsLab lab, Node a, string peerNs) = OneLink();
        using (lab) using (a)
        {
            using NetlinkMonitor monitor = NetworkNamespace.Run(a.Namespace, () => NetlinkMonitor.Open());
            Assert.True(monitor.TryGetLink(a.IfIndex, out LinkState initial) && initial.IsOperational);
            while (monitor.TryRead(out _)) { }

            // Admin down with ip(8): measured from the moment the command returns.
            a.Ip("link set eth0 down");
            NetlinkEvent down = Next(monitor, e => e.Kind == NetlinkEventKind.LinkChanged && e.Link.Index == a.IfIndex && !e.Link.IsAdminUp, TimeSpan.FromSeconds(2), out TimeSpan t1);
            Assert.False(down.Link.IsOperational);
            Assert.True(t1 < TimeSpan.FromMilliseconds(100), $"admin down seen after {t1.TotalMilliseconds} ms");
            a.Ip("link set eth0 up");
            Next(monitor, e => e.Kind == NetlinkEventKind.LinkChanged && e.Link.Index == a.IfIndex && e.Link.IsOperational, TimeSpan.FromSeconds(2), out _);

            // Carrier loss: the far end of the veth goes down, through netlink in its namespace,
            // timed from the request to our event. The kernel's own notification can lag up to
            // a second (linkwatch ran for the "up" just before), so the link is polled as the
            // daemon polls its tracked interfaces.
            using NetlinkSocket peerNetlink = NetworkNamespace.Run(peerNs, () => NetlinkSocket.Open());
            var peerLinks = new LinkManager(peerNetlink);
            int peerIndex = peerLinks.Get("eth0").Index;
            var clock = Stopwatch.StartNew();
            peerLinks.SetUp(peerIndex, false);
            NetlinkEvent lost = Next(monitor, e => e.Kind == NetlinkEventKind.LinkChanged && e.Link.Index == a.IfIndex && !e.Link.HasCarrier, TimeSpan.FromSeconds(2), out _, a.IfIndex);
            TimeSpan carrier = clock.Elapsed;
            Assert.True(lost.Link.IsAdminUp);
            Assert.False(lost.Link.IsOperational);
            Assert.True(carrier < TimeSpan.FromMilliseconds(100), $"carrier loss seen after {carrier.TotalMilliseconds} ms");
            Assert.True(monitor.TryGetLink(a.IfIndex, out LinkState now) && !now.HasCarrier);

            peerLinks.SetUp(peerIndex, true);
            Next(monitor, e => e.Kind == NetlinkEventKind.LinkChanged && e.Link.Index == a.IfIndex && e.Link.IsOperational, TimeSpan.FromSeconds(2), out _);
        }
    }

    [Fact]
    public void PollingTrackedLinksAndReadingEventsAllocateNothing()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            using NetlinkMonitor monitor = NetworkNamespace.Run(a.Namespace, () => NetlinkMonitor.Open());
            Span<int> tracked = [a.IfIndex, 1];
            for (int i = 0; i < 3; i++) { monitor.PollLinks(tracked); while (monitor.TryRead(out _)) { } }
            long before = GC.GetAllocatedBytesForCurrentThread();
            int changed = 0;
            for (int i = 0; i < 200; i++)
            {
                changed += monitor.PollLinks(tracked);
                while (monitor.TryRead(out _)) { }
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal((0, 0L), (changed, allocated));
        }
    }

    [Fact]
    public void VipDeletedByHandIsReportedAndCanBePutBack()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            using NetlinkMonitor monitor = NetworkNamespace.Run(a.Namespace, () => NetlinkMonitor.Open());
            var vip = new VirtualAddress(a.IfIndex, IpAddr.Parse("10.1.0.200"));
            a.Addresses.Add(vip);
            Next(monitor, e => e.Kind == NetlinkEventKind.AddressAdded && e.Address.Address == vip.Address, TimeSpan.FromSeconds(2), out _);
            Assert.True(monitor.HasAddress(a.IfIndex, vip.Address, 32));

            a.Ip("addr del 10.1.0.200/32 dev eth0");
            NetlinkEvent removed = Next(monitor, e => e.Kind == NetlinkEventKind.AddressRemoved, TimeSpan.FromSeconds(2), out _);
            Assert.Equal(vip.Address, removed.Address.Address);
            Assert.Equal(a.IfIndex, removed.Address.IfIndex);
            Assert.False(monitor.HasAddress(a.IfIndex, vip.Address, 32));

            a.Addresses.Add(vip); // what the daemon does while Master
            Next(monitor, e => e.Kind == NetlinkEventKind.AddressAdded && e.Address.Address == vip.Address, TimeSpan.FromSeconds(2), out _);
            Assert.Contains("10.1.0.200/32", a.Ip("addr show dev eth0"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OverflowTriggersAResyncThatMissesNothing()
    {
        (NetnsLab lab, Node a, _) = OneLink();
        using (lab) using (a)
        {
            // The smallest buffer the kernel allows; 200 notifications cannot fit.
            using NetlinkMonitor monitor = NetworkNamespace.Run(a.Namespace, () => NetlinkMonitor.Open(receiveBufferBytes: 1));
            var vips = new VirtualAddress[200];
            for (int i = 0; i < vips.Length; i++) vips[i] = new VirtualAddress(a.IfIndex, IpAddr.FromV4(0x0A030000u + (uint)i + 1));
            Assert.Equal(0, a.Addresses.Add(vips, new int[vips.Length]));
            a.Ip("link set eth0 down");

            var added = new HashSet<IpAddr>();
            bool resynced = false, sawDown = false;
            while (monitor.TryRead(out NetlinkEvent e))
            {
                resynced |= e.Kind == NetlinkEventKind.Resynchronized;
                if (e.Kind == NetlinkEventKind.AddressAdded) added.Add(e.Address.Address);
                sawDown |= e.Kind == NetlinkEventKind.LinkChanged && e.Link.Index == a.IfIndex && !e.Link.IsAdminUp;
            }
            Assert.True(resynced, "no ENOBUFS was provoked");
            Assert.Equal(1, monitor.Overflows);
            Assert.True(sawDown);
            Assert.All(vips, v => Assert.Contains(v.Address, added));
            Assert.All(vips, v => Assert.True(monitor.HasAddress(a.IfIndex, v.Address, 32)));
        }
    }
}
