using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using Vrrp.Linux;
using Vrrpd.Logging;

namespace Vrrpd.Host;

// Carrying out what the routers ask for, in the order VirtualRouter documents: within one
// iteration every advertisement goes out first (one sendmmsg per interface), then every address
// change (one netlink batch per run of adds or removes), then the gratuitous frames.
internal sealed partial class VrrpHost
{
    private readonly List<(RouterHost Router, bool Add)> _addressOps = new(64);
    private readonly List<InterfaceHost> _dirty = new(8);
    private VirtualAddress[] _addressScratch = new VirtualAddress[64];
    private int[] _errnoScratch = new int[64];
    private const int MaxGratuitousYields = 64;
    private int _gratuitousYields;

    // Drains the router's actions (and, for a sync group, every member's: one member's input
    // moves the others) and puts them back in the deadline heap.
    private void Drain(RouterHost r, Instant now)
    {
        if (r.Group is { } group)
        {
            foreach (RouterHost member in group.Members)
                DrainOne(member, now);
            while (group.Group.TryPollTransition(out SyncGroupTransition t))
            {
                Log.GroupEntered(_log, group.Config.Name, StateText(t.To), t.Cause);
                _notify.GroupChanged(group.Config, t.To);
            }
        }
        else
        {
            DrainOne(r, now);
        }
    }

    private void DrainOne(RouterHost r, Instant now)
    {
        VirtualRouter router = r.Router;
        while (router.TryPollAction(out RouterAction action))
        {
            switch (action.Kind)
            {
                case RouterActionKind.SendAdvertisement:
                    SendAdvertisement(r, action.Priority);
                    break;
                case RouterActionKind.AddAddresses:
                    _addressOps.Add((r, true));
                    r.AddressesInstalled = true;
                    break;
                case RouterActionKind.RemoveAddresses:
                    _addressOps.Add((r, false));
                    r.AddressesInstalled = false;
                    break;
                case RouterActionKind.SendGratuitous:
                    // Queued only: FlushOutputs sends them after every advertisement and address change.
                    foreach (GratuitousSet set in r.Gratuitous)
                        set.Output.EnqueueGratuitous(set, action.Repeat, now);
                    break;
                case RouterActionKind.StateChanged:
                    OnStateChanged(r, action);
                    break;
                case RouterActionKind.AddressListMismatch:
                    Log.AddressListMismatch(_log, r.Name, action.Source.ToString());
                    break;
            }
        }
        byte priority = router.EffectivePriority;
        if (priority != r.ReportedPriority)
        {
            Log.PriorityChanged(_log, r.Name, r.ReportedPriority, priority);
            r.ReportedPriority = priority;
            if (r.Config.NotifyPriorityChanges && router.IsRunning)
                _notify.PriorityChanged(r.Config, router.State, priority);
        }
        if (!r.Removed)
            _deadlines.Update(r, router.PollTimeout());
    }

    private void SendAdvertisement(RouterHost r, byte priority)
    {
        VrrpAdvertisement advert = r.Router.CreateAdvertisement(priority);
        if (r.Unicast is { } channel)
        {
            // The VRRPv3 checksum covers each peer's address (pseudo-header), so one message per peer.
            ReadOnlySpan<IpAddr> peers = channel.Socket.Peers;
            for (int i = 0; i < peers.Length; i++)
            {
                int length = advert.Emit(_packet, r.Source, peers[i], r.Convention);
                channel.Socket.Send(i, _packet.AsSpan(0, length));
            }
            return;
        }
        InterfaceHost iface = r.Interface!;
        FrameBatch batch = iface.Adverts;
        if (batch.Count == batch.Capacity)
            iface.FlushAdverts();
        ushort id = iface.NextIpId++;
        int written = VrrpFrame.Write(batch.NextSlot(), r.SourceMac, r.DestinationMac, r.Source, r.Destination, advert, r.Convention, id);
        batch.Commit(written);
        MarkDirty(iface);
    }

    private void MarkDirty(InterfaceHost iface)
    {
        if (!_dirty.Contains(iface))
            _dirty.Add(iface);
    }

    // Advertisements first, then addresses, then the gratuitous frames due. Those are the bulk of
    // a mass takeover (vrrp_garp_master_repeat 5: 1,275 frames for 255 instances, each also handled
    // by every host on the LAN in the sender's softirq), so with yieldToDueRouters they wait while
    // other routers' timers are already due: instances whose Master_Down fired while this batch
    // was being carried out send their advertisement and add their addresses first. Bounded, so
    // a loop that cannot keep up still sends them.
    private void FlushOutputs(bool yieldToDueRouters = false)
    {
        foreach (InterfaceHost iface in _dirty)
            iface.FlushAdverts();
        _dirty.Clear();
        FlushAddressOps();
        Instant now = Now();
        if (yieldToDueRouters && _deadlines.Earliest <= now && _gratuitousYields < MaxGratuitousYields)
        {
            _gratuitousYields++;
            return;
        }
        _gratuitousYields = 0;
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is null || iface.NextGratuitousAt > now)
                continue;
            iface.PumpGratuitous(now, _config.Global.GarpInterval, _config.Global.GnaInterval);
            iface.FlushGratuitous();
        }
    }

    private void FlushAddressOps()
    {
        int start = 0;
        while (start < _addressOps.Count)
        {
            bool add = _addressOps[start].Add;
            int end = start, count = 0;
            while (end < _addressOps.Count && _addressOps[end].Add == add)
                count += _addressOps[end++].Router.Addresses.Length;
            if (_addressScratch.Length < count)
                Array.Resize(ref _addressScratch, count);
            if (_errnoScratch.Length < count)
                Array.Resize(ref _errnoScratch, count);
            int n = 0;
            for (int i = start; i < end; i++)
            {
                RouterHost owner = _addressOps[i].Router;
                owner.Addresses.CopyTo(_addressScratch, n);
                n += owner.Addresses.Length;
            }
            ReadOnlySpan<VirtualAddress> batch = _addressScratch.AsSpan(0, n);
            Span<int> errnos = _errnoScratch.AsSpan(0, n);
            int failed = add ? _addresses.Add(batch, errnos) : _addresses.Remove(batch, errnos);
            if (failed > 0)
                ReportAddressFailures(start, end, add);
            start = end;
        }
        _addressOps.Clear();
    }

    private void ReportAddressFailures(int start, int end, bool add)
    {
        int n = 0;
        for (int i = start; i < end; i++)
        {
            RouterHost owner = _addressOps[i].Router;
            for (int j = 0; j < owner.Addresses.Length; j++, n++)
            {
                int errno = _errnoScratch[n];
                // Already there when adding, already gone when removing: the goal is reached.
                if (errno == 0 || errno == (add ? Errno.EEXIST : Errno.EADDRNOTAVAIL))
                    continue;
                Log.AddressFailed(_log, owner.Name, AddressManager.Error(owner.Addresses[j], add, errno, owner.AddressInterfaceNames[j]).Message);
            }
        }
    }

    private void OnStateChanged(RouterHost r, in RouterAction action)
    {
        if (action.To == RouterState.Initialize)
            Log.InstanceStopped(_log, r.Name, StateText(action.From));
        else
            Log.StateEntered(_log, r.Name, StateText(action.To), ReasonText(r, action.Reason));
        _notify.InstanceChanged(r.Config, action.To, r.Router.EffectivePriority);
    }

    internal static string StateText(RouterState state) => state switch
    {
        RouterState.Master => "MASTER",
        RouterState.Backup => "BACKUP",
        RouterState.Fault => "FAULT",
        _ => "INIT",
    };

    private static string ReasonText(RouterHost r, StateChangeReason reason) => reason switch
    {
        StateChangeReason.Startup => "init",
        StateChangeReason.AddressOwner => "address owner",
        StateChangeReason.InitialStateMaster => "state MASTER configured",
        StateChangeReason.MasterDown => $"no advertisement for {r.Router.MasterDownInterval.TotalMilliseconds:0.#} ms",
        StateChangeReason.MasterReleased => "master sent priority 0",
        StateChangeReason.Preempted => "preempting a lower-priority master",
        StateChangeReason.HigherPriority => $"higher priority {r.Router.MasterPriority} from {r.Router.MasterAddress}",
        StateChangeReason.HigherAddress => $"equal priority from higher address {r.Router.MasterAddress}",
        StateChangeReason.InterfaceDown => $"interface {r.Config.Interface} down",
        StateChangeReason.InterfaceUp => $"interface {r.Config.Interface} up",
        StateChangeReason.TrackerFailed => $"tracker failed: {FailedTrackers(r)}",
        StateChangeReason.TrackerRecovered => "trackers recovered",
        StateChangeReason.SyncGroup => $"sync group {r.Group?.Config.Name}",
        StateChangeReason.Shutdown => "shutdown",
        _ => reason.ToString(),
    };

    private static string FailedTrackers(RouterHost r)
    {
        var failed = new List<string>();
        for (int i = 0; i < r.Trackers.Length; i++)
        {
            TrackerSpec t = r.Trackers[i];
            if (t.Weight == 0 && r.Router.IsTrackerUp(i) == t.Reverse)
                failed.Add(t.Kind == TrackerKind.Interface ? $"interface {t.Name}" : $"script {t.Name}");
        }
        return failed.Count == 0 ? "?" : string.Join(", ", failed);
    }
}
