using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrp.Keepalived;
using Vrrpd.Logging;

namespace Vrrpd.Host;

// Composition: configuration in, running routers out; the same path serves startup (from
// nothing) and SIGHUP reloads (from the running set).
internal sealed partial class VrrpHost
{
    private readonly ConfigLoadOptions _loadOptions;
    private readonly List<InterfaceHost?> _interfaces = [];
    private readonly Dictionary<string, InterfaceHost> _interfaceByName = new(StringComparer.Ordinal);
    private readonly List<UnicastChannel?> _unicast = [];
    private readonly Dictionary<string, UnicastChannel> _unicastByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouterHost> _routers = new(StringComparer.Ordinal);
    private readonly List<RouterHost> _routerList = [];
    private readonly List<SyncGroupHost> _groups = [];
    private readonly Dictionary<string, (InterfaceInfo Info, int Users)> _vmacs = new(StringComparer.Ordinal);
    private KeepalivedConfig _config = null!;
    private int[] _polledLinks = [];
    private AcceptModeFilter? _acceptFilter;
    private HashSet<IpAddr> _acceptFiltered = [];
    private readonly Lock _acceptFilterLock = new();

    public long Reloads { get; private set; }
    public DateTimeOffset? LastReload { get; private set; }

    /// <summary>What a new configuration changes: instances kept as they run, stopped, built.</summary>
    private sealed record Plan(HashSet<string> Keep, List<RouterHost> Stop, List<VrrpInstanceConfig> Build);

    // An instance is kept when its settings, its sync group's and the VMAC prefix it may depend
    // on are unchanged, and so is every instance of its group (a group moves together, so it is
    // rebuilt as a whole).
    private Plan PlanChanges(KeepalivedConfig config)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (VrrpInstanceConfig c in config.Instances)
        {
            if (!_routers.TryGetValue(c.Name, out RouterHost? old) || old.Config != c)
                continue;
            SyncGroupConfig? newGroup = c.SyncGroup is null ? null : config.FindSyncGroup(c.SyncGroup);
            if (old.Group?.Config != newGroup)
                continue;
            if (c.UseVmac && c.VmacName is null && _config.Global.VmacPrefix != config.Global.VmacPrefix)
                continue;
            keep.Add(c.Name);
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (SyncGroupConfig g in config.SyncGroups)
                changed |= DropGroup(g.Members.AsSpan());
            foreach (SyncGroupHost g in _groups)
                changed |= DropGroup(g.Config.Members.AsSpan());
        }
        var stop = _routerList.Where(r => !keep.Contains(r.Name)).ToList();
        var build = config.Instances.Where(c => !keep.Contains(c.Name)).ToList();
        return new Plan(keep, stop, build);

        bool DropGroup(ReadOnlySpan<string> members)
        {
            bool all = true;
            foreach (string m in members)
                all &= keep.Contains(m);
            if (all)
                return false;
            bool dropped = false;
            foreach (string m in members)
                dropped |= keep.Remove(m);
            return dropped;
        }
    }

    // Accept_Mode off (no_accept): every address of a non-owner instance that has it. The table
    // changes only when that set does. At startup with no such address, a table a previous run
    // left is removed off the startup path (running nft takes longer than vrrpd's own startup),
    // unless a reload has applied one meanwhile. Every nft run holds _acceptFilterLock.
    private void UpdateAcceptFilter(KeepalivedConfig config, bool startup)
    {
        VrrpInstanceConfig? first = null;
        var addresses = new HashSet<IpAddr>();
        foreach (VrrpInstanceConfig c in config.Instances.Where(c => !c.Accept && c.Priority != 255))
        {
            first ??= c;
            foreach (VirtualAddressConfig a in c.VirtualAddresses.Concat(c.ExcludedAddresses))
                addresses.Add(a.Address);
        }
        lock (_acceptFilterLock)
        {
            if (!startup && addresses.SetEquals(_acceptFiltered))
                return;
            _acceptFilter ??= AcceptModeFilter.FindNft() is string nft ? new AcceptModeFilter(nft) : null;
            if (_acceptFilter is null)
            {
                if (first is not null)
                    throw new HostConfigException(first.Location,
                        $"vrrp_instance {first.Name}: no_accept needs the nft command of nftables (apt-get install nftables): vrrpd drops traffic to the virtual addresses with its own table inet {AcceptModeFilter.TableName}");
            }
            else if (startup && addresses.Count == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => RemoveAcceptFilter(stale: true), null);
            }
            else
            {
                try
                {
                    _acceptFilter.Apply(addresses);
                }
                catch (InvalidOperationException e)
                {
                    if (first is not null)
                        throw new HostConfigException(first.Location, $"vrrp_instance {first.Name}: no_accept: {e.Message}");
                    Log.AcceptFilterFailed(_log, e.Message);
                    return; // the old set stands, so the next reload tries again
                }
                if (first is not null)
                    Log.AcceptFilterApplied(_log, addresses.Count, AcceptModeFilter.TableName);
            }
            _acceptFiltered = addresses;
        }
    }

    // At shutdown the table goes; a stale one (startup) goes only while nothing was applied.
    private void RemoveAcceptFilter(bool stale)
    {
        lock (_acceptFilterLock)
        {
            if (_acceptFilter is null || (stale ? _acceptFiltered.Count > 0 : _acceptFiltered.Count == 0))
                return;
            try
            {
                _acceptFilter.Remove();
                _acceptFiltered = [];
            }
            catch (InvalidOperationException e)
            {
                Log.AcceptFilterFailed(_log, e.Message);
            }
        }
    }

    private List<RouterHost> BuildAll(KeepalivedConfig config, Plan plan)
    {
        var built = new List<RouterHost>();
        try
        {
            foreach (VrrpInstanceConfig c in plan.Build)
            {
                SyncGroupConfig? group = c.SyncGroup is null ? null : config.FindSyncGroup(c.SyncGroup);
                built.Add(Build(c, group, config.Global));
            }
            foreach (SyncGroupConfig g in config.SyncGroups)
            {
                RouterHost[] members = [.. built.Where(r => g.Members.Contains(r.Name))];
                if (members.Length == 0)
                    continue;
                if (members.Length < 2)
                {
                    Log.SyncGroupTooSmall(_log, g.Name);
                    continue;
                }
                var host = new SyncGroupHost(g, new SyncGroup(g.Name, [.. members.Select(m => m.Router)]), members);
                foreach (RouterHost m in members)
                    m.Group = host;
            }
            return built;
        }
        catch
        {
            foreach (RouterHost r in built)
                Release(r);
            throw;
        }
    }

    private RouterHost Build(VrrpInstanceConfig c, SyncGroupConfig? group, GlobalDefs global)
    {
        foreach (string problem in InstanceOptions.Unsupported(c))
            throw new HostConfigException(c.Location, problem);
        IReadOnlyList<TrackerSpec> trackers = InstanceOptions.Trackers(c, group);
        var host = new RouterHost(c, [.. trackers]);
        try
        {
            InterfaceHost? iface = c.Interface is { } name ? AcquireInterface(host, name, c.Location) : null;
            host.Interface = iface;
            IpAddr primary = c.SourceAddress ?? PrimaryAddress(c, iface!);
            if (c.UseVmac)
                host.Vmac = AcquireVmac(c, iface!, c.VmacName ?? $"{global.VmacPrefix}.{c.VirtualRouterId}");

            VirtualRouterOptions options = InstanceOptions.ToRouterOptions(c, primary, trackers);
            try
            {
                host.Router = new VirtualRouter(options);
            }
            catch (ArgumentException e)
            {
                throw new HostConfigException(c.Location, $"vrrp_instance {c.Name}: {e.Message}");
            }
            foreach (string warning in host.Router.Warnings)
                Log.InstanceWarning(_log, warning);
            if (c.IsUnicast && !c.CheckUnicastSource)
                Log.UnicastSourceChecked(_log, c.Name);

            host.Source = primary;
            host.Destination = c.Family == IpFamily.IPv6 ? IpAddr.VrrpMulticastV6 : IpAddr.VrrpMulticastV4;
            host.DestinationMac = MacAddress.MulticastFor(host.Destination);
            host.SourceMac = host.Vmac is { } vmac && !c.VmacXmitBase ? vmac.Mac : iface?.Mac ?? default;
            host.Convention = c.V3Checksum;
            host.TracksOwnInterface = iface is not null && !c.DontTrackPrimary;
            host.ReportedPriority = host.Router.EffectivePriority;
            long slackTicks = Math.Min(VrrpTiming.FromCentiseconds(c.AdvertIntervalCentiseconds).Ticks / 16, TimeSpan.TicksPerMillisecond);
            host.TimerSlack = TimeSpan.FromTicks(slackTicks);

            var advert = host.Router.CreateAdvertisement(c.Priority);
            if (!c.IsUnicast && VrrpFrame.GetFrameLength(advert) > InterfaceHost.AdvertSlotBytes)
                throw new HostConfigException(c.Location, $"vrrp_instance {c.Name}: the advertisement ({VrrpFrame.GetFrameLength(advert)} bytes) does not fit a 1500-byte MTU");

            BuildAddresses(host, iface);
            if (c.IsUnicast)
                host.Unicast = AcquireUnicast(host, iface, primary);
            for (int i = 0; i < host.Trackers.Length; i++)
            {
                TrackerSpec t = host.Trackers[i];
                if (t.Kind != TrackerKind.Interface)
                    continue;
                InterfaceInfo info = _links.Find(t.Name) ?? throw new HostConfigException(c.Location, $"vrrp_instance {c.Name}: track_interface {t.Name}: no such interface");
                host.TrackerIfIndex[i] = info.Index;
            }
            return host;
        }
        catch (NetlinkException e)
        {
            Release(host);
            throw new HostConfigException(c.Location, $"vrrp_instance {c.Name}: {e.Message}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Release(host);
            throw new HostConfigException(c.Location, $"vrrp_instance {c.Name}: {e.Message}");
        }
        catch
        {
            Release(host);
            throw;
        }
    }

    private IpAddr PrimaryAddress(VrrpInstanceConfig c, InterfaceHost iface)
    {
        // RFC 5798 5.1.1.1 / 5.1.2.1: the interface's primary IPv4 address, its IPv6 link-local address.
        IpAddr? address = c.Family == IpFamily.IPv6 ? _addresses.GetIPv6LinkLocal(iface.Index) : _addresses.GetPrimaryIPv4(iface.Index);
        return address ?? throw new HostConfigException(c.Location, c.Family == IpFamily.IPv6
            ? $"vrrp_instance {c.Name}: interface {iface.Name} has no IPv6 link-local address to send advertisements from"
            : $"vrrp_instance {c.Name}: interface {iface.Name} has no IPv4 address to send advertisements from; add one or set mcast_src_ip / unicast_src_ip");
    }

    private void BuildAddresses(RouterHost host, InterfaceHost? iface)
    {
        VrrpInstanceConfig c = host.Config;
        var addresses = new List<VirtualAddress>();
        var names = new List<string>();
        var frames = new Dictionary<InterfaceHost, (List<byte[]> Frames, List<bool> Na)>();
        foreach (VirtualAddressConfig a in c.VirtualAddresses.Concat(c.ExcludedAddresses))
        {
            // The address goes on its own device, else on the VMAC, else on the instance's interface;
            // its gratuitous frames go out of the device (the VMAC's parent for the VMAC) from the MAC
            // that answers for it.
            InterfaceHost output;
            int ifIndex;
            string ifName;
            MacAddress mac;
            if (a.Device is { } device && device != c.Interface && (host.Vmac is null || device != host.Vmac.Name))
            {
                output = AcquireInterface(host, device, c.Location);
                (ifIndex, ifName, mac) = (output.Index, output.Name, output.Mac);
            }
            else if (host.Vmac is { } vmac)
            {
                output = iface!;
                (ifIndex, ifName, mac) = (vmac.Index, vmac.Name, vmac.Mac);
            }
            else
            {
                output = iface!;
                (ifIndex, ifName, mac) = (output.Index, output.Name, output.Mac);
            }
            addresses.Add(new VirtualAddress(ifIndex, a.Address, a.PrefixLength, (byte)a.Scope, a.Label, a.Broadcast ?? default));
            names.Add(ifName);
            bool na = a.Address.IsIPv6;
            byte[] frame = new byte[na ? NeighborAdvertisement.FrameLength : GratuitousArp.FrameLength];
            int length = na ? NeighborAdvertisement.Write(frame, mac, a.Address) : GratuitousArp.Write(frame, mac, a.Address);
            if (!frames.TryGetValue(output, out var list))
                frames[output] = list = ([], []);
            list.Frames.Add(frame[..length]);
            list.Na.Add(na);
        }
        host.Addresses = [.. addresses];
        host.AddressInterfaceNames = [.. names];
        host.Gratuitous = [.. frames.Select(f => new GratuitousSet(host, f.Key, [.. f.Value.Frames], [.. f.Value.Na]))];
        if (_addressScratch.Length < host.Addresses.Length * 2)
            Array.Resize(ref _addressScratch, host.Addresses.Length * 2);
    }

    private InterfaceHost AcquireInterface(RouterHost host, string name, SourceLocation location)
    {
        if (!_interfaceByName.TryGetValue(name, out InterfaceHost? iface))
        {
            InterfaceInfo info = _links.Find(name) ?? throw new HostConfigException(location, $"vrrp_instance {host.Name}: interface {name} does not exist");
            // The ring is set up off the loop: it costs the kernel an RCU grace period (12 ms).
            PacketSocket socket = PacketSocket.Open(info.Index, new PacketSocketOptions
            {
                ReceiveRingSlotBytes = PacketSocket.RingSlotBytesFor(info.Mtu),
                PrepareRingInBackground = true,
            });
            int slot = FreeSlot(_interfaces);
            iface = new InterfaceHost(info, socket, slot);
            _interfaces[slot] = iface;
            _interfaceByName[name] = iface;
            _epoll.Add(socket.Handle, TokenPacket | (uint)slot);
            if (socket.RingHandle is { } ringHandle)
                _epoll.Add(ringHandle, TokenPacket | (uint)slot);
            iface.LinkUp = !_monitor.TryGetLink(info.Index, out LinkState link) || link.IsOperational;
        }
        iface.Users++;
        host.InterfaceRefs.Add(iface);
        return iface;
    }

    private InterfaceInfo AcquireVmac(VrrpInstanceConfig c, InterfaceHost parent, string name)
    {
        if (_vmacs.TryGetValue(name, out var existing))
        {
            _vmacs[name] = (existing.Info, existing.Users + 1);
            return existing.Info;
        }
        InterfaceInfo vmac = _macvlans.Create(parent.Index, c.Family, c.VirtualRouterId, name);
        _vmacs[name] = (vmac, 1);
        Log.VmacCreated(_log, c.Name, vmac.Name, parent.Name, vmac.Mac.ToString());
        return vmac;
    }

    private UnicastChannel AcquireUnicast(RouterHost host, InterfaceHost? iface, IpAddr source)
    {
        VrrpInstanceConfig c = host.Config;
        string key = $"{iface?.Index ?? 0}|{source}|{string.Join(",", c.UnicastPeers.Select(p => p.ToString()).Order(StringComparer.Ordinal))}";
        if (!_unicastByKey.TryGetValue(key, out UnicastChannel? channel))
        {
            UnicastSocket socket = UnicastSocket.Open(iface?.Index ?? 0, source, c.UnicastPeers.AsSpan());
            int slot = FreeSlot(_unicast);
            channel = new UnicastChannel(socket, key, iface?.Name, slot);
            _unicast[slot] = channel;
            _unicastByKey[key] = channel;
            _epoll.Add(socket.Handle, TokenUnicast | (uint)slot);
        }
        channel.Users++;
        return channel;
    }

    private static int FreeSlot<T>(List<T?> slots) where T : class
    {
        int free = slots.IndexOf(null);
        if (free >= 0)
            return free;
        slots.Add(null);
        return slots.Count - 1;
    }

    // Startup: addresses tagged as ours (a previous run that died) and exact copies of ours go.
    private void RemoveLeftovers(List<RouterHost> built)
    {
        VirtualAddress[] all = [.. built.SelectMany(r => r.Addresses)];
        try
        {
            foreach (InterfaceAddress a in _addresses.RemoveLeftovers(all))
                Log.LeftoverRemoved(_log, a.Address.ToString(), a.PrefixLength, InterfaceName(a.IfIndex));
        }
        catch (NetlinkException e)
        {
            Log.LeftoverFailed(_log, e.Message);
        }
    }

    private string InterfaceName(int ifIndex)
    {
        foreach (InterfaceHost? iface in _interfaces)
        {
            if (iface?.Index == ifIndex)
                return iface.Name;
        }
        foreach (var (info, _) in _vmacs.Values)
        {
            if (info.Index == ifIndex)
                return info.Name;
        }
        return _links.Find(ifIndex)?.Name ?? $"ifindex {ifIndex}";
    }

    // Tables that route input to the router; done at start so a reload's old and new instance
    // never hold a VRID at once.
    private void Register(RouterHost r)
    {
        VrrpInstanceConfig c = r.Config;
        if (r.Unicast is { } channel)
            channel.Routers[c.Family, c.VirtualRouterId] = r;
        else
            r.Interface!.Routers[c.Family, c.VirtualRouterId] = r;
        _routers[r.Name] = r;
        if (!_routerList.Contains(r))
            _routerList.Add(r);
        if (r.Group is { } g && !_groups.Contains(g))
            _groups.Add(g);
    }

    private void StartRouters(List<RouterHost> routers, Instant now)
    {
        foreach (RouterHost r in routers)
            Register(r);
        foreach (RouterHost r in routers)
        {
            // The inputs the router starts from: link states and script results as they are now.
            if (r.TracksOwnInterface && _monitor.TryGetLink(r.Interface!.Index, out LinkState own))
                r.Router.SetInterfaceUp(now, own.IsOperational);
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                bool up = r.Trackers[i].Kind == TrackerKind.Interface
                    ? !_monitor.TryGetLink(r.TrackerIfIndex[i], out LinkState link) || link.IsOperational
                    : _scripts.IsUp(r.Trackers[i].Name);
                r.Router.SetTrackerState(now, i, up);
            }
            r.ReportedPriority = r.Router.EffectivePriority;
        }
        foreach (RouterHost r in routers)
        {
            r.Router.HandleStartup(now);
            Drain(r, now);
        }
    }

    // Stops one router: priority 0 if Master, addresses removed, stop notification.
    private void StopRouter(RouterHost r, Instant now)
    {
        if (!r.Router.IsRunning)
            return;
        r.Router.HandleShutdown(now);
        Drain(r, now);
    }

    // Gives back what the router holds and takes it out of every table.
    private void Release(RouterHost r)
    {
        r.Removed = true;
        _deadlines.Remove(r);
        VrrpInstanceConfig c = r.Config;
        if (r.Router is not null)
        {
            if (r.Unicast is { } channel && channel.Routers[c.Family, c.VirtualRouterId] == r)
                channel.Routers[c.Family, c.VirtualRouterId] = null;
            if (r.Interface is { } own && own.Routers[c.Family, c.VirtualRouterId] == r)
                own.Routers[c.Family, c.VirtualRouterId] = null;
        }
        if (_routers.TryGetValue(r.Name, out RouterHost? current) && current == r)
            _routers.Remove(r.Name);
        _routerList.Remove(r);
        if (r.Group is { } g && !g.Members.Any(m => !m.Removed))
            _groups.Remove(g);
        if (r.Unicast is { } u && --u.Users == 0)
        {
            _unicast[u.Slot] = null;
            _unicastByKey.Remove(u.Key);
            u.Dispose();
        }
        r.Unicast = null;
        if (r.Vmac is { } vmac && _vmacs.TryGetValue(vmac.Name, out var entry))
        {
            if (entry.Users > 1)
            {
                _vmacs[vmac.Name] = (entry.Info, entry.Users - 1);
            }
            else
            {
                _vmacs.Remove(vmac.Name);
                try
                {
                    _macvlans.Delete(entry.Info.Index);
                    Log.VmacDeleted(_log, vmac.Name);
                }
                catch (NetlinkException e)
                {
                    Log.VmacDeleteFailed(_log, vmac.Name, e.Message);
                }
            }
        }
        r.Vmac = null;
        foreach (InterfaceHost iface in r.InterfaceRefs)
        {
            if (--iface.Users > 0)
                continue;
            iface.FlushAdverts();
            iface.FlushGratuitous();
            _interfaces[iface.Slot] = null;
            _interfaceByName.Remove(iface.Name);
            _dirty.Remove(iface);
            iface.Dispose();
        }
        r.InterfaceRefs.Clear();
    }

    private void RefreshPolledLinks()
    {
        var indexes = new HashSet<int>();
        foreach (RouterHost r in _routerList)
        {
            if (r.TracksOwnInterface)
                indexes.Add(r.Interface!.Index);
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                if (r.Trackers[i].Kind == TrackerKind.Interface)
                    indexes.Add(r.TrackerIfIndex[i]);
            }
        }
        _polledLinks = [.. indexes.Order()];
        // Known from the start, so a later change updates an entry rather than adding one.
        foreach (int index in _polledLinks)
        {
            if (!_linkUp.ContainsKey(index))
                _linkUp[index] = !_monitor.TryGetLink(index, out LinkState link) || link.IsOperational;
        }
    }

    /// <summary>
    /// SIGHUP: reads the file again. A configuration with errors is refused (each error logged
    /// with file and line) and the running one keeps going. Otherwise unchanged instances keep
    /// running untouched, changed ones are rebuilt (the old one stopped first: priority 0 if
    /// Master, addresses removed), removed ones stop and new ones start.
    /// </summary>
    public bool Reload()
    {
        Log.ReloadRequested(_log, ConfigFile);
        SdNotify.Send("RELOADING=1\nMONOTONIC_USEC=" + (MonotonicClock.NowNanoseconds / 1000));
        try
        {
            ConfigLoadResult result = ConfigLoader.LoadFile(ConfigFile, _loadOptions);
            foreach (ConfigDiagnostic d in result.Diagnostics)
            {
                if (d.IsError)
                    Log.ConfigError(_log, d.ToString());
                else
                    Log.ConfigWarning(_log, d.ToString());
            }
            if (result.Config is not KeepalivedConfig config)
            {
                Log.ReloadRefused(_log, result.Errors.Count());
                return false;
            }
            return Apply(config);
        }
        finally
        {
            SdNotify.Send("READY=1");
        }
    }

    private bool Apply(KeepalivedConfig config)
    {
        Instant now = Now();
        Plan plan = PlanChanges(config);
        List<RouterHost> built;
        try
        {
            built = BuildAll(config, plan);
        }
        catch (HostConfigException e)
        {
            Log.ConfigError(_log, e.ToString());
            Log.ReloadRefused(_log, 1);
            return false;
        }
        try
        {
            UpdateAcceptFilter(config, startup: false);
        }
        catch (HostConfigException e)
        {
            foreach (RouterHost r in built)
                Release(r);
            Log.ConfigError(_log, e.ToString());
            Log.ReloadRefused(_log, 1);
            return false;
        }
        foreach (RouterHost r in plan.Stop)
            StopRouter(r, now);
        FlushOutputs();
        foreach (RouterHost r in plan.Stop)
            Release(r);
        _config = config;
        _scripts.Configure(config, (script, up) => _mailbox.Post(new TrackScriptMessage(script, up)));
        _notify.Configure(config);
        if (_startAt.IsFinite)
        {
            foreach (RouterHost r in built)
                Register(r);
        }
        else
        {
            StartRouters(built, now);
        }
        RefreshPolledLinks();
        _trimMemoryAt = now + TrimMemoryDelay;
        int added = built.Count(r => !plan.Stop.Any(s => s.Name == r.Name));
        Reloads++;
        LastReload = DateTimeOffset.UtcNow;
        Log.Reloaded(_log, plan.Keep.Count, built.Count - added, added, plan.Stop.Count(s => config.FindInstance(s.Name) is null));
        return true;
    }
}
