using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Linux.Hosting;

/// <summary>Copies the host's state into <see cref="HostStatus"/> records, on the loop thread.</summary>
internal static class StatusView
{
    public static HostStatus Snapshot(VrrpHost host, RouterSet routers, List<ReceiveEndpoint> endpoints, DateTimeOffset wallClockAtZero, bool startupPending)
    {
        RuntimeStatus runtime = Runtime(host.Iterations);
        Instant now = EventLoop.Now();
        DateTimeOffset wallNow = DateTimeOffset.UtcNow;
        var instances = routers.All.Select(r => Describe(r, host.StartedAt, wallClockAtZero, startupPending)).ToList();
        var interfaces = new List<InterfaceStatus>();
        var unicast = new List<UnicastStatus>();
        foreach (ReceiveEndpoint e in endpoints)
        {
            if (e is HostInterface iface)
                interfaces.Add(Describe(iface));
            else if (e is UnicastEndpoint u)
                unicast.Add(Describe(u));
        }
        var groups = routers.Groups.Select(g => new SyncGroupStatus(g.Definition.Name, StateWords.State(g.Group.State), [.. g.Definition.Members])).ToList();
        return new HostStatus(host.StartedAt, wallNow, host.Reloads, host.LastReload, instances, interfaces, unicast, groups, runtime);
    }

    public static RuntimeStatus Runtime(long iterations) =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: true), iterations);

    private static InterfaceStatus Describe(HostInterface iface)
    {
        iface.Socket.RefreshKernelStatistics();
        PacketSocketStatistics s = iface.Socket.Statistics;
        return new InterfaceStatus
        {
            Name = iface.Name,
            Index = iface.Index,
            Mac = iface.Mac.ToString(),
            LinkUp = iface.LinkUp,
            FramesReceived = s.FramesReceived,
            FramesSent = s.FramesSent,
            SendErrors = s.SendErrors,
            ReceiveErrors = s.ReceiveErrors,
            KernelDrops = s.KernelDrops,
            OtherVirtualRouter = iface.OtherVirtualRouter,
            Receive = iface.Socket.HasReceiveRing ? "ring" : "socket buffer",
            ReceiveRingError = iface.Socket.RingSetupError,
            ParseErrors = ParseErrorCounts(iface.ParseErrors),
        };
    }

    private static UnicastStatus Describe(UnicastEndpoint u)
    {
        UnicastSocketStatistics s = u.Socket.Statistics;
        return new UnicastStatus
        {
            Interface = u.InterfaceName,
            Source = u.Socket.Source.ToString(),
            Peers = [.. u.Socket.Peers.ToArray().Select(p => p.ToString())],
            PacketsReceived = s.PacketsReceived,
            UnknownSource = s.UnknownSource,
            PacketsSent = s.PacketsSent,
            SendErrors = s.SendErrors,
            OtherVirtualRouter = u.OtherVirtualRouter,
            ParseErrors = ParseErrorCounts(u.ParseErrors),
        };
    }

    private static KeyValuePair<string, long>[] ParseErrorCounts(long[] counts)
    {
        var result = new List<KeyValuePair<string, long>>();
        for (int i = 1; i < counts.Length; i++)
            result.Add(new(((ParseError)i).ToString(), counts[i]));
        return [.. result];
    }

    private static InstanceStatus Describe(HostedRouter r, DateTimeOffset startedAt, DateTimeOffset wallClockAtZero, bool startupPending)
    {
        VirtualRouter router = r.Router;
        VirtualRouterOptions o = router.Options;
        RouterDefinition d = r.Definition;
        RouterCounters counters = router.Counters;
        var rejected = new List<KeyValuePair<string, long>>();
        for (int i = 1; i < StatusCounters.RejectReasonCount; i++)
            rejected.Add(new(((RejectReason)i).ToString(), counters.Rejected((RejectReason)i)));
        var trackers = new List<TrackerStatus>();
        for (int i = 0; i < r.Trackers.Length; i++)
        {
            TrackerDefinition t = r.Trackers[i];
            trackers.Add(new TrackerStatus(t.KindText, t.Name, t.Weight, t.Reverse, router.IsTrackerUp(i),
                t.Input == TrackerInput.Value ? router.TrackerValue(i) : null));
        }
        bool running = router.IsRunning;
        IReadOnlyList<VirtualAddressDefinition> addresses = d.Addresses.Count > 0 ? d.Addresses : [.. o.VirtualAddresses.Select(a => new VirtualAddressDefinition(a))];
        return new InstanceStatus
        {
            Name = r.Name,
            Interface = d.Interface,
            Vrid = o.VirtualRouterId,
            Version = (int)o.Version,
            Family = o.Family == IpFamily.IPv6 ? "IPv6" : "IPv4",
            Priority = o.Priority,
            EffectivePriority = router.EffectivePriority,
            State = StateWords.State(router.State),
            Since = running ? wallClockAtZero + router.StateSince.SinceZero : startedAt,
            Reason = running ? StateWords.Reason(r, router.StateReason) : startupPending ? "startup delay" : "not running",
            Master = router.MasterAddress.Family == IpFamily.None ? null : router.MasterAddress.ToString(),
            MasterPriority = router.MasterPriority,
            IsMasterSelf = router.State == RouterState.Master,
            AdvertIntervalCentiseconds = o.AdvertIntervalCentiseconds,
            MasterAdvertIntervalCentiseconds = router.MasterAdvertIntervalCentiseconds,
            MasterDownIntervalMilliseconds = router.MasterDownInterval.TotalMilliseconds,
            Preempt = router.EffectivePreempt,
            PreemptDelaySeconds = router.EffectivePreemptDelay.TotalSeconds,
            Accept = o.AcceptMode,
            SourceAddress = r.Source.ToString(),
            VirtualMac = MacAddress.VirtualRouter(o.Family, o.VirtualRouterId).ToString(),
            Vmac = r.Vmac?.Name,
            Checksum = o.Version == VrrpVersion.V2 ? "message" : d.Checksum == ChecksumConvention.MessageOnly ? "message only (RFC 9568)" : "with pseudo-header (RFC 5798)",
            Authentication = o.AuthType == VrrpAuthType.SimpleText,
            UnicastPeers = [.. d.UnicastPeers.Select(p => p.ToString())],
            Addresses = [.. addresses.Where(a => a.Advertised).Select(a => a.ToString())],
            ExcludedAddresses = [.. addresses.Where(a => !a.Advertised).Select(a => a.ToString())],
            AddressesInstalled = r.AddressesInstalled,
            Routes = r.Routing.RouteText,
            Rules = r.Routing.RuleText,
            SyncGroup = r.Group?.Definition.Name,
            Trackers = trackers,
            Counters = new RouterCountersStatus
            {
                AdvertisementsSent = counters.AdvertisementsSent,
                PriorityZeroSent = counters.PriorityZeroSent,
                AdvertisementsReceived = counters.AdvertisementsReceived,
                PriorityZeroReceived = counters.PriorityZeroReceived,
                LowerPriorityDiscarded = counters.LowerPriorityDiscarded,
                LowerPriorityAnswered = counters.LowerPriorityAnswered,
                AddressListMismatches = counters.AddressListMismatches,
                BecameMaster = counters.BecameMaster,
                ReleasedMaster = counters.ReleasedMaster,
                EnteredFault = counters.EnteredFault,
                HeldBySyncGroup = counters.HeldBySyncGroup,
                Rejected = rejected,
            },
        };
    }
}
