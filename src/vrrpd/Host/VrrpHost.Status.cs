using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux;
using Vrrp.Keepalived;
using Vrrpd.Control;

namespace Vrrpd.Host;

// The status snapshot, taken on the loop thread (the only one that may read router state).
internal sealed partial class VrrpHost
{
    public StatusSnapshot Snapshot()
    {
        RuntimeStatus runtime = Runtime();
        Instant now = Now();
        DateTimeOffset wallNow = DateTimeOffset.UtcNow;
        var instances = _routerList.Select(r => Describe(r, now, wallNow)).ToList();
        var interfaces = new List<InterfaceStatus>();
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is null)
                continue;
            iface.Socket.RefreshKernelStatistics();
            PacketSocketStatistics s = iface.Socket.Statistics;
            interfaces.Add(new InterfaceStatus
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
            });
        }
        var unicast = new List<UnicastStatus>();
        foreach (UnicastChannel? channel in _unicast)
        {
            if (channel is null)
                continue;
            UnicastSocketStatistics s = channel.Socket.Statistics;
            unicast.Add(new UnicastStatus
            {
                Interface = channel.InterfaceName,
                Source = channel.Socket.Source.ToString(),
                Peers = [.. channel.Socket.Peers.ToArray().Select(p => p.ToString())],
                PacketsReceived = s.PacketsReceived,
                UnknownSource = s.UnknownSource,
                PacketsSent = s.PacketsSent,
                SendErrors = s.SendErrors,
                OtherVirtualRouter = channel.OtherVirtualRouter,
                ParseErrors = ParseErrorCounts(channel.ParseErrors),
            });
        }
        var groups = _groups.Select(g => new SyncGroupStatus(g.Config.Name, StateText(g.Group.State), [.. g.Config.Members])).ToList();
        return new StatusSnapshot(Environment.ProcessId, ConfigFile, StartedAt, wallNow, Reloads, LastReload, instances, interfaces, unicast, groups, runtime);
    }

    public RuntimeStatus Runtime() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: true), Iterations);

    private static KeyValuePair<string, long>[] ParseErrorCounts(long[] counts)
    {
        var result = new List<KeyValuePair<string, long>>();
        for (int i = 1; i < counts.Length; i++)
            result.Add(new(((ParseError)i).ToString(), counts[i]));
        return [.. result];
    }

    private InstanceStatus Describe(RouterHost r, Instant now, DateTimeOffset wallNow)
    {
        VirtualRouter router = r.Router;
        VrrpInstanceConfig c = r.Config;
        RouterCounters counters = router.Counters;
        var rejected = new List<KeyValuePair<string, long>>();
        for (int i = 1; i < StatusCounters.RejectReasonCount; i++)
            rejected.Add(new(((RejectReason)i).ToString(), counters.Rejected((RejectReason)i)));
        var trackers = new List<TrackerStatus>();
        for (int i = 0; i < r.Trackers.Length; i++)
        {
            TrackerSpec t = r.Trackers[i];
            trackers.Add(new TrackerStatus(t.Kind == TrackerKind.Interface ? "interface" : "script", t.Name, t.Weight, t.Reverse, router.IsTrackerUp(i)));
        }
        bool running = router.IsRunning;
        bool master = router.State == RouterState.Master;
        return new InstanceStatus
        {
            Name = r.Name,
            Interface = c.Interface,
            Vrid = c.VirtualRouterId,
            Version = (int)c.Version,
            Family = c.Family == IpFamily.IPv6 ? "IPv6" : "IPv4",
            Priority = c.Priority,
            EffectivePriority = router.EffectivePriority,
            State = StateText(router.State),
            Since = running ? _wallClockAtZero + router.StateSince.SinceZero : StartedAt,
            Reason = running ? ReasonText(r, router.StateReason) : _startAt.IsFinite ? "startup delay" : "not running",
            Master = router.MasterAddress.Family == IpFamily.None ? null : router.MasterAddress.ToString(),
            MasterPriority = router.MasterPriority,
            IsMasterSelf = master,
            AdvertIntervalCentiseconds = c.AdvertIntervalCentiseconds,
            MasterAdvertIntervalCentiseconds = router.MasterAdvertIntervalCentiseconds,
            MasterDownIntervalMilliseconds = router.MasterDownInterval.TotalMilliseconds,
            Preempt = router.EffectivePreempt,
            PreemptDelaySeconds = router.EffectivePreemptDelay.TotalSeconds,
            Accept = c.Accept,
            SourceAddress = r.Source.ToString(),
            VirtualMac = MacAddress.VirtualRouter(c.Family, c.VirtualRouterId).ToString(),
            Vmac = r.Vmac?.Name,
            Checksum = c.Version == VrrpVersion.V2 ? "message" : c.V3Checksum == ChecksumConvention.MessageOnly ? "message only (RFC 9568)" : "with pseudo-header (RFC 5798)",
            Authentication = c.AuthPassword is not null,
            UnicastPeers = [.. c.UnicastPeers.Select(p => p.ToString())],
            Addresses = [.. c.VirtualAddresses.Select(a => a.ToString())],
            ExcludedAddresses = [.. c.ExcludedAddresses.Select(a => a.ToString())],
            AddressesInstalled = r.AddressesInstalled,
            SyncGroup = r.Group?.Config.Name,
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
