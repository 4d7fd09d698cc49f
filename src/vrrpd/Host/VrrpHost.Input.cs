using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Keepalived;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrpd.Logging;

namespace Vrrpd.Host;

// Input: frames, unicast packets, netlink events, mailbox messages.
internal sealed partial class VrrpHost
{
    private const int MaxReceiveBatches = 64;
    private static readonly TimeSpan ReceivePause = TimeSpan.FromMicroseconds(500);

    private readonly Dictionary<int, bool> _linkUp = [];

    // Frames that arrive close together (hundreds of Masters' adverts sent in one burst) would
    // wake the loop for each few of them: the sender's kernel delivers them one by one, and a
    // woken reader drains the queue faster than it fills. So when the socket becomes readable
    // again within ReceivePause of the last read, it is muted for ReceivePause and read then,
    // a burst at a time; an advert is handled at most ReceivePause late, and never after a due
    // timer (ReceiveBeforeTimers reads muted sockets too). Lone frames (a few routers) are read
    // at once, as before. The muting also spares the sender's kernel the wake-ups.
    private void OnPacketsReadable(InterfaceHost iface)
    {
        Instant now = Now();
        bool dense = now - iface.LastReadAt < ReceivePause;
        iface.LastReadAt = now;
        ReceivePackets(iface);
        if (dense && !iface.ReceivingMuted)
        {
            WatchPackets(iface, EpollEvents.None);
            iface.ReceivingMuted = true;
            iface.ResumeReceivingAt = now + ReceivePause;
        }
    }

    // A muted socket is read when its pause ends; while frames keep coming it stays muted for
    // another pause, otherwise epoll watches it again.
    private void ResumeReceiving(Instant now)
    {
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is null || iface.ResumeReceivingAt > now)
                continue;
            iface.LastReadAt = now;
            if (ReceivePackets(iface) > 0)
            {
                iface.ResumeReceivingAt = now + ReceivePause;
                continue;
            }
            WatchPackets(iface, EpollEvents.In);
            iface.ReceivingMuted = false;
            iface.ResumeReceivingAt = Instant.Never;
        }
    }

    private void WatchPackets(InterfaceHost iface, EpollEvents events)
    {
        _epoll.Modify(iface.Socket.Handle, TokenPacket | (uint)iface.Slot, events);
        if (iface.Socket.RingHandle is { } ringHandle)
            _epoll.Modify(ringHandle, TokenPacket | (uint)iface.Slot, events);
    }

    // Everything queued is read before the deadlines run: after a stall of the process (CPU
    // starvation, a debugger, swapping) hundreds of routers' Master_Down timers are due at once
    // while their Masters' adverts wait in the socket, and reading only one batch would declare
    // every Master down whose advert lies beyond it. Bounded all the same (MaxReceiveBatches
    // batches of 64, a socket buffer's worth), so a flood still lets the deadlines run; epoll is
    // level-triggered, so what is left comes next iteration.
    private int ReceivePackets(InterfaceHost iface)
    {
        iface.ReadInIteration = _iteration;
        int total = 0;
        for (int batch = 0; batch < MaxReceiveBatches; batch++)
        {
            int n = iface.Socket.Receive(_receive);
            if (n == 0)
                break;
            ReceiveBatch(iface, n);
            total += n;
            if (n < _receive.Capacity)
                break; // a short batch: the queue is empty
        }
        return total;
    }

    private void ReceiveBatch(InterfaceHost iface, int n)
    {
        Instant now = Now();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> frame = _receive[i];
            ParseError error = VrrpFrame.TryParse(frame, out ReceivedAdvertisement received);
            if (error != ParseError.None)
            {
                iface.ParseErrors[(int)error]++;
                if (iface.ParseLog.ShouldLog((int)error, now, out long suppressed))
                    Log.FrameRejected(_log, iface.Name, SourceOf(frame), error.ToString(), suppressed);
                continue;
            }
            RouterHost? r = iface.Routers[received.Advertisement.Family, received.Advertisement.VirtualRouterId];
            if (r is null)
            {
                iface.OtherVirtualRouter++;
                continue;
            }
            Deliver(r, now, received.Advertisement, received.Source);
        }
    }

    private void ReceiveUnicast(UnicastChannel channel)
    {
        channel.ReadInIteration = _iteration;
        Instant now = Now();
        for (int count = 0; count < _receive.Capacity * MaxReceiveBatches; count++)
        {
            int length = channel.Socket.Receive(_packet);
            if (length == 0)
                return;
            ReadOnlySpan<byte> packet = _packet.AsSpan(0, length);
            ParseError error = VrrpFrame.TryParseIpPacket(packet, out ReceivedAdvertisement received);
            if (error != ParseError.None)
            {
                channel.ParseErrors[(int)error]++;
                if (channel.ParseLog.ShouldLog((int)error, now, out long suppressed))
                    Log.PacketRejected(_log, channel.InterfaceName ?? "unicast", error.ToString(), suppressed);
                continue;
            }
            RouterHost? r = channel.Routers[received.Advertisement.Family, received.Advertisement.VirtualRouterId];
            if (r is null)
            {
                channel.OtherVirtualRouter++;
                continue;
            }
            Deliver(r, now, received.Advertisement, received.Source);
        }
    }

    // A Master_Down timer must not fire while its Master's advert waits unread. Epoll does not
    // always say what is readable: a wait interrupted by a signal (the runtime handles SIGCONT,
    // so a stopped and continued daemon wakes with no events) returns none. So when a router's
    // deadline is due, every socket not read in this iteration is read first.
    private void ReceiveBeforeTimers()
    {
        if (_deadlines.Earliest > Now())
            return;
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is not null && iface.ReadInIteration != _iteration)
                ReceivePackets(iface);
        }
        foreach (UnicastChannel? channel in _unicast)
        {
            if (channel is not null && channel.ReadInIteration != _iteration)
                ReceiveUnicast(channel);
        }
    }

    private void Deliver(RouterHost r, Instant now, in VrrpAdvertisement advert, IpAddr source)
    {
        RejectReason reason = r.Router.HandleAdvertisement(now, in advert, source);
        if (reason != RejectReason.None && r.RejectLog.ShouldLog((int)reason, now, out long suppressed))
        {
            // In Fault or before startup keepalived ignores adverts without a word; count them quietly.
            if (reason == RejectReason.NotActive)
                Log.AdvertIgnored(_log, r.Name, source.ToString(), suppressed);
            else
                Log.AdvertRejected(_log, r.Name, source.ToString(), reason.ToString(), suppressed);
        }
        Drain(r, now);
    }

    // The Ethernet source, for the log line of a frame too broken to say more.
    private static string SourceOf(ReadOnlySpan<byte> frame) =>
        frame.Length >= 12 ? MacAddress.FromBytes(frame[6..12]).ToString() : "?";

    private void LogSuppressedSummaries(Instant now)
    {
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface is null)
                continue;
            for (int reason = 1; reason < iface.ParseLog.Reasons; reason++)
            {
                if (iface.ParseLog.TryTakeSummary(reason, now, out long suppressed))
                    Log.FramesSuppressed(_log, iface.Name, suppressed, ((ParseError)reason).ToString());
            }
        }
        foreach (UnicastChannel? channel in _unicast)
        {
            if (channel is null)
                continue;
            for (int reason = 1; reason < channel.ParseLog.Reasons; reason++)
            {
                if (channel.ParseLog.TryTakeSummary(reason, now, out long suppressed))
                    Log.FramesSuppressed(_log, channel.InterfaceName ?? "unicast", suppressed, ((ParseError)reason).ToString());
            }
        }
        foreach (RouterHost r in _routerList)
        {
            for (int reason = 1; reason < r.RejectLog.Reasons; reason++)
            {
                if (r.RejectLog.TryTakeSummary(reason, now, out long suppressed))
                    Log.AdvertsSuppressed(_log, r.Name, suppressed, ((RejectReason)reason).ToString());
            }
        }
    }

    private void ProcessNetlink(Instant now)
    {
        try
        {
            while (_monitor.TryRead(out NetlinkEvent e))
            {
                switch (e.Kind)
                {
                    case NetlinkEventKind.LinkChanged:
                        OnLink(e.Link.Index, e.Link.IsOperational, now);
                        break;
                    case NetlinkEventKind.LinkRemoved:
                        OnLink(e.Link.Index, false, now);
                        break;
                    case NetlinkEventKind.AddressRemoved:
                        OnAddressRemoved(e.Address);
                        break;
                    case NetlinkEventKind.Resynchronized:
                        Log.NetlinkResynchronized(_log, _monitor.Overflows);
                        break;
                }
            }
        }
        catch (NetlinkException e)
        {
            Log.NetlinkError(_log, e.Message);
        }
    }

    // Carrier or admin state of a link changed: Fault or recovery for the routers on it or
    // tracking it (keepalived: an instance's interface going down means FAULT).
    private void OnLink(int ifIndex, bool up, Instant now)
    {
        bool known = _linkUp.TryGetValue(ifIndex, out bool before);
        if (known && before == up)
            return;
        _linkUp[ifIndex] = up;
        bool relevant = Array.IndexOf(_polledLinks, ifIndex) >= 0;
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface?.Index == ifIndex)
            {
                iface.LinkUp = up;
                relevant = true;
            }
        }
        if (relevant && (known || !up))
            Log.LinkChanged(_log, InterfaceName(ifIndex), up ? "up" : "down");
        foreach (RouterHost r in _routerList)
        {
            bool touched = false;
            if (r.TracksOwnInterface && r.Interface!.Index == ifIndex)
            {
                r.Router.SetInterfaceUp(now, up);
                touched = true;
            }
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                if (r.Trackers[i].Kind == TrackerKind.Interface && r.TrackerIfIndex[i] == ifIndex)
                {
                    r.Router.SetTrackerState(now, i, up);
                    touched = true;
                }
            }
            if (touched)
                Drain(r, now);
        }
    }

    // A virtual address removed while its instance is Master was removed by someone else: put it back.
    private void OnAddressRemoved(in InterfaceAddress removed)
    {
        foreach (RouterHost r in _routerList)
        {
            if (!r.AddressesInstalled || r.Router.State != RouterState.Master)
                continue;
            if (!r.Owns(removed.IfIndex, removed.Address, removed.PrefixLength, out int index))
                continue;
            try
            {
                _addresses.Add(r.Addresses[index]);
                Log.AddressRestored(_log, r.Name, removed.Address.ToString(), removed.PrefixLength, r.AddressInterfaceNames[index]);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
            {
                // Already back (our own add raced the event).
            }
            catch (NetlinkException e)
            {
                Log.AddressFailed(_log, r.Name, e.Message);
            }
        }
    }

    private void ProcessMailbox()
    {
        while (_mailbox.TryTake(out LoopMessage message))
        {
            switch (message)
            {
                case StopMessage stop:
                    Log.StopRequested(_log, stop.Signal);
                    StopRequested = true;
                    break;
                case ReloadMessage:
                    Reload();
                    break;
                case TrackScriptMessage script:
                    OnScript(script.Script, script.Up);
                    break;
                case RuntimeRequest request:
                    request.Reply.TrySetResult(Runtime());
                    break;
                case StatusRequest request:
                    try
                    {
                        request.Reply.TrySetResult(Snapshot());
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        request.Reply.TrySetException(e);
                    }
                    break;
            }
        }
    }

    private void OnScript(string script, bool up)
    {
        Instant now = Now();
        Log.ScriptChanged(_log, script, up ? "succeeded" : "failed");
        foreach (RouterHost r in _routerList)
        {
            bool touched = false;
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                if (r.Trackers[i].Kind == TrackerKind.Script && r.Trackers[i].Name == script)
                {
                    r.Router.SetTrackerState(now, i, up);
                    touched = true;
                }
            }
            if (touched)
                Drain(r, now);
        }
    }
}
