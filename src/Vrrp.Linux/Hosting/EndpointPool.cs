using Microsoft.Extensions.Logging;
using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// The sockets and VMAC interfaces routers share, counted by users: an interface's packet
/// socket is opened for its first router and closed with its last, likewise a unicast socket
/// (per interface, source and peer list) and a VMAC macvlan.
/// </summary>
internal sealed class EndpointPool(ILogger log, EventLoop loop, ReceivePath receiver, LinkManager links, MacvlanManager macvlans, NetlinkMonitor monitor)
{
    private readonly Dictionary<string, HostInterface> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnicastEndpoint> _unicast = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (InterfaceInfo Info, int Users)> _vmacs = new(StringComparer.Ordinal);

    /// <summary>Every open endpoint, as the receive path and output scheduler iterate them.</summary>
    public List<ReceiveEndpoint> Endpoints => receiver.Endpoints;

    public HostInterface AcquireInterface(HostedRouter host, string name)
    {
        if (!_interfaces.TryGetValue(name, out HostInterface? iface))
        {
            InterfaceInfo info = links.Find(name) ?? throw new HostBuildException(host.Name, $"interface {name} does not exist");
            // The ring is set up off the loop: it costs the kernel an RCU grace period (12 ms).
            PacketSocket socket = PacketSocket.Open(info.Index, new PacketSocketOptions
            {
                ReceiveRingSlotBytes = PacketSocket.RingSlotBytesFor(info.Mtu),
                PrepareRingInBackground = true,
            });
            iface = new HostInterface(receiver, info, socket);
            iface.Token = loop.Register(socket.Handle, iface);
            if (socket.RingHandle is { } ringHandle)
                loop.AddHandle(ringHandle, iface.Token);
            iface.LinkUp = !monitor.TryGetLink(info.Index, out LinkState link) || link.IsOperational;
            _interfaces[name] = iface;
            Endpoints.Add(iface);
        }
        iface.Users++;
        host.InterfaceRefs.Add(iface);
        return iface;
    }

    public UnicastEndpoint AcquireUnicast(HostedRouter host, HostInterface? iface, IpAddr source)
    {
        IReadOnlyList<IpAddr> peers = host.Definition.UnicastPeers;
        string key = $"{iface?.Index ?? 0}|{source}|{string.Join(",", peers.Select(p => p.ToString()).Order(StringComparer.Ordinal))}";
        if (!_unicast.TryGetValue(key, out UnicastEndpoint? endpoint))
        {
            UnicastSocket socket = UnicastSocket.Open(iface?.Index ?? 0, source, [.. peers]);
            endpoint = new UnicastEndpoint(receiver, socket, key, iface?.Name);
            endpoint.Token = loop.Register(socket.Handle, endpoint);
            _unicast[key] = endpoint;
            Endpoints.Add(endpoint);
        }
        endpoint.Users++;
        return endpoint;
    }

    public InterfaceInfo AcquireVmac(HostedRouter host, HostInterface parent, string name, IpFamily family)
    {
        if (_vmacs.TryGetValue(name, out var existing))
        {
            _vmacs[name] = (existing.Info, existing.Users + 1);
            return existing.Info;
        }
        InterfaceInfo vmac = macvlans.Create(parent.Index, family, host.Definition.Options.VirtualRouterId, name);
        _vmacs[name] = (vmac, 1);
        HostLog.VmacCreated(log, host.Name, vmac.Name, parent.Name, vmac.Mac.ToString());
        return vmac;
    }

    /// <summary>Gives back the router's unicast endpoint, VMAC and interfaces; each closes with its last user.</summary>
    public void Release(HostedRouter r, OutputScheduler output)
    {
        if (r.Unicast is { } u && --u.Users == 0)
        {
            _unicast.Remove(u.Key);
            Close(u);
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
                    macvlans.Delete(entry.Info.Index);
                    HostLog.VmacDeleted(log, vmac.Name);
                }
                catch (NetlinkException e)
                {
                    HostLog.VmacDeleteFailed(log, vmac.Name, e.Message);
                }
            }
        }
        r.Vmac = null;
        foreach (HostInterface iface in r.InterfaceRefs)
        {
            if (--iface.Users > 0)
                continue;
            output.Forget(iface);
            _interfaces.Remove(iface.Name);
            Close(iface);
        }
        r.InterfaceRefs.Clear();
    }

    private void Close(ReceiveEndpoint endpoint)
    {
        loop.Unregister(endpoint.Token);
        Endpoints.Remove(endpoint);
        endpoint.Dispose();
    }

    /// <summary>An interface's name for messages: ours, a VMAC's, or the kernel's.</summary>
    public string InterfaceName(int ifIndex)
    {
        foreach (HostInterface iface in _interfaces.Values)
        {
            if (iface.Index == ifIndex)
                return iface.Name;
        }
        foreach (var (info, _) in _vmacs.Values)
        {
            if (info.Index == ifIndex)
                return info.Name;
        }
        return links.Find(ifIndex)?.Name ?? $"ifindex {ifIndex}";
    }

    public void Dispose()
    {
        foreach (ReceiveEndpoint e in Endpoints)
            e.Dispose();
        Endpoints.Clear();
    }
}
