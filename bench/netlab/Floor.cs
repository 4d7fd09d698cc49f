using System.Globalization;
using Vrrp.Core.Wire;
using Vrrp.Linux;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// The floor of the lab: what the kernel charges for the same traffic with next to no daemon.
/// <c>netlab floor master N CS</c> (in r1) writes N adverts once and sends all of them with one
/// sendmmsg every CS centiseconds on an absolute timerfd schedule; <c>netlab floor backup</c>
/// (in r2) receives them through the same BPF filter and receive ring as vrrpd and parses each (optionally
/// pausing after each drain, to see what coalesced wake-ups would save). No state
/// machine, no VIPs, no failover: the CPU rows it yields bound from below what any daemon can
/// reach on this path (without IRQ time accounting, the softirq work of delivering a frame
/// through veth and bridge is charged to the sender).
/// </summary>
internal static class Floor
{
    public static int Run(string[] args)
    {
        if (args is ["master", var n, var cs])
            return Master(int.Parse(n, CultureInfo.InvariantCulture), int.Parse(cs, CultureInfo.InvariantCulture));
        if (args is ["backup"])
            return Backup(0);
        if (args is ["backup", var pause])
            return Backup(int.Parse(pause, CultureInfo.InvariantCulture));
        Console.Error.WriteLine("usage: netlab floor master N CENTISECONDS | netlab floor backup [PAUSE-MICROSECONDS]");
        return 2;
    }

    private static int Master(int routers, int centiseconds)
    {
        using var netlink = Vrrp.Linux.Netlink.NetlinkSocket.Open();
        InterfaceInfo eth0 = new LinkManager(netlink).Get("eth0");
        using PacketSocket socket = PacketSocket.Open(eth0.Index, new PacketSocketOptions { JoinIPv4Group = false, JoinIPv6Group = false });
        using var batch = new FrameBatch(routers, 128);
        IpAddr source = IpAddr.Parse(BenchLab.R1Address);
        Span<byte> vip = stackalloc byte[4];
        for (int vrid = 1; vrid <= routers; vrid++)
        {
            KeepalivedConfig.Vip(vrid).WriteTo(vip);
            var advert = new VrrpAdvertisement
            {
                Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = (byte)vrid,
                Priority = KeepalivedConfig.R1Priority, AdvertIntervalCentiseconds = (ushort)centiseconds, AddressBytes = vip,
            };
            batch.Commit(VrrpFrame.Write(batch.NextSlot(), MacAddress.VirtualRouter(IpFamily.IPv4, (byte)vrid), PacketSocket.VrrpGroupMacV4,
                source, IpAddr.VrrpMulticastV4, advert));
        }
        using var timer = new TimerFd();
        using var epoll = new Epoll();
        epoll.Add(timer.Handle, 1);
        Span<EpollEvent> ready = stackalloc EpollEvent[1];
        long period = centiseconds * 10_000_000L;
        long next = MonotonicClock.NowNanoseconds;
        while (true)
        {
            socket.Send(batch);
            next += period;
            timer.ArmAt(next);
            while (epoll.Wait(ready, -1) == 0) { }
            timer.Acknowledge();
        }
    }

    // With a pause, the receiver sleeps that long after each drain before it waits for frames
    // again: wake-ups are coalesced, at the price of reading frames up to the pause late.
    private static int Backup(int pauseMicroseconds)
    {
        using var pause = new TimerFd();
        using var pauseEpoll = new Epoll();
        pauseEpoll.Add(pause.Handle, 1);
        using var netlink = Vrrp.Linux.Netlink.NetlinkSocket.Open();
        InterfaceInfo eth0 = new LinkManager(netlink).Get("eth0");
        using PacketSocket socket = PacketSocket.Open(eth0.Index);
        using var batch = new FrameBatch(64, 2048);
        using var epoll = new Epoll();
        epoll.Add(socket.Handle, 1);
        Span<EpollEvent> ready = stackalloc EpollEvent[1];
        long valid = 0;
        while (true)
        {
            if (epoll.Wait(ready, -1) == 0) continue;
            while (socket.Receive(batch) > 0)
                for (int i = 0; i < batch.Count; i++)
                    if (VrrpFrame.TryParse(batch[i], out _) == ParseError.None) valid++;
            if (valid < 0) return 1;
            if (pauseMicroseconds > 0)
            {
                pause.ArmAt(MonotonicClock.NowNanoseconds + pauseMicroseconds * 1000L);
                while (pauseEpoll.Wait(ready, -1) == 0) { }
                pause.Acknowledge();
            }
        }
    }
}
