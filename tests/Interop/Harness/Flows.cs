namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// The sequence most scenarios share, for r1 (higher priority, preempting) and r2 on one LAN:
/// election, failover on a link cut, preemption back, handover on SIGTERM through priority 0.
/// Every step asserts one master, the virtual addresses on it alone, the host reaching the
/// virtual address at the master's MAC, and the takeover time read off the capture.
/// </summary>
internal static class Flows
{
    /// <summary>The address a router's advertisements come from: its link-local address for IPv6 (RFC 5798 5.1.2.1).</summary>
    public static string AdvertSource(Peer router, InstanceSpec spec) => spec.IsIpv6 ? router.LinkLocal : router.Address;

    /// <summary>How long a start may take to converge: the lower router's Master_Down_Interval twice over, plus process start-up.</summary>
    public static TimeSpan ConvergeTimeout(InstanceSpec low) =>
        2 * Timing.MasterDown(low.Version, low.AdvertSeconds, low.Priority) + TimeSpan.FromSeconds(8);

    /// <summary>Starts both routers and waits until <paramref name="master"/> is the only master; asserts the addresses and the host's reach.</summary>
    public static void Elect(InteropLab lab, Peer master, InstanceSpec masterSpec, Peer backup, InstanceSpec backupSpec, string hostTarget)
    {
        backup.Start(backupSpec);
        master.Start(masterSpec);
        TimeSpan took = lab.WaitForSingleMaster(master, ConvergeTimeout(backupSpec));
        lab.WaitForState(backup, PeerState.Backup, TimeSpan.FromSeconds(5));
        lab.Row.Figures.Add($"elected in {took.TotalSeconds:0.0} s");
        lab.AssertVipOnlyOn(master, [.. masterSpec.VipAddresses]);
        lab.AssertHostReaches(hostTarget, master);
    }

    /// <summary>
    /// The whole sequence. <paramref name="high"/> runs on r1, <paramref name="low"/> on r2;
    /// <paramref name="hostTarget"/> is the virtual address the host pings.
    /// </summary>
    public static void FailoverCycle(InteropLab lab, InstanceSpec high, InstanceSpec low, string hostTarget)
    {
        Peer r1 = lab[0], r2 = lab[1];
        string[] vips = [.. high.VipAddresses];
        TimeSpan downLow = Timing.MasterDown(low.Version, low.AdvertSeconds, low.Priority);
        TimeSpan downHigh = Timing.MasterDown(high.Version, high.AdvertSeconds, high.Priority);
        TimeSpan slack = TimeSpan.FromSeconds(5);

        Elect(lab, r1, high, r2, low, hostTarget);

        // Link cut: r1 loses carrier and goes to Fault, r2 takes over once r1 falls silent.
        DateTime cut = lab.CutLink(r1);
        lab.WaitForSingleMaster(r2, downLow + slack);
        lab.WaitForState(r1, PeerState.Fault, slack);
        lab.AssertVipOnlyOn(r2, vips);
        lab.AssertHostReaches(hostTarget, r2);

        // Link back: r1 comes back as Backup, preempts r2 (lower priority) after its own Master_Down_Interval.
        DateTime restored = lab.RestoreLink(r1);
        lab.WaitForSingleMaster(r1, downHigh + slack);
        lab.WaitForState(r2, PeerState.Backup, slack);
        lab.AssertVipOnlyOn(r1, vips);
        lab.AssertHostReaches(hostTarget, r1);

        // SIGTERM: r1 sends priority 0 and removes its addresses; r2 takes over after Skew_Time.
        DateTime stop = InteropLab.Mark();
        r1.Stop();
        lab.WaitForSingleMaster(r2, slack);
        lab.AssertVipOnlyOn(r2, vips);
        lab.AssertHostReaches(hostTarget, r2);
        r2.Stop();
        Assert.False(vips.Any(r2.HoldsVip), $"{r2} left a virtual address behind after SIGTERM\n{lab.Describe()}");

        WireLog wire = lab.Wire();
        string s1 = AdvertSource(r1, high), s2 = AdvertSource(r2, low);
        lab.AssertTakeover("link cut", wire.SilentTakeover(s1, s2, cut), downLow);
        // Unicast advertisements need ARP: r1's entry for r2 went INCOMPLETE when r1 sent its
        // priority 0 into the dead link, and the kernel retries only after retrans_time (1 s).
        TimeSpan arpRetry = high.UnicastPeers.Count > 0 ? TimeSpan.FromSeconds(1) : TimeSpan.Zero;
        lab.AssertTakeover(arpRetry > TimeSpan.Zero ? "preempt (from link up, + 1 s ARP retry)" : "preempt (from link up)",
            wire.FirstAdvert(s1, restored, f => f.Priority == high.Priority).Time - restored, downHigh + arpRetry);
        lab.AssertTakeover("SIGTERM", wire.PriorityZeroTakeover(s1, s2, stop), Timing.Skew(low.Version, low.AdvertSeconds, low.Priority));
        AssertAdverts(wire, high, s1);
        AssertAdverts(wire, low, s2);
    }

    /// <summary>Every advertisement from <paramref name="source"/> is valid and says what <paramref name="spec"/> configured.</summary>
    public static void AssertAdverts(WireLog wire, InstanceSpec spec, string source)
    {
        var adverts = wire.Adverts(source).ToList();
        Assert.NotEmpty(adverts);
        foreach (WireFrame f in adverts)
        {
            Assert.True(f.Valid, $"invalid advertisement from {source}: {f}");
            Assert.Equal(spec.Version, f.Version);
            Assert.Equal(spec.Vrid, f.Vrid);
            Assert.True(f.Priority == spec.Priority || f.Priority == 0, $"advertisement from {source} with priority {f.Priority}, configured {spec.Priority}: {f}");
            Assert.Equal((int)Math.Round(spec.AdvertSeconds * 100), f.IntervalCs);
            Assert.True(spec.VipAddresses.Count() == f.Addresses.Count && spec.VipAddresses.All(v => f.Addresses.Any(a => Vrrp.Lab.NetnsLab.SameAddress(a, v))),
                $"advertisement from {source} lists [{string.Join(", ", f.Addresses)}], configured [{string.Join(", ", spec.VipAddresses)}]");
            Assert.Equal(spec.Version == 2 ? (spec.AuthPass is null ? null : "pass") : null, f.AuthType is "none" ? null : f.AuthType);
            if (spec.AuthPass is not null)
                Assert.Equal(spec.AuthPass, f.AuthPass);
        }
    }
}
