using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// Builds a <see cref="HostedRouter"/> from its definition: acquires its interfaces, unicast
/// socket and VMAC, resolves its source address, creates the <see cref="VirtualRouter"/>, and
/// prepares everything its actions need (addresses for netlink, gratuitous frames). What it
/// acquired is given back if any step fails.
/// </summary>
internal sealed class RouterBuilder(ILogger log, EndpointPool pool, AddressManager addresses, LinkManager links, OutputScheduler output)
{
    /// <exception cref="HostBuildException">The router cannot run as defined.</exception>
    public HostedRouter Build(RouterDefinition definition)
    {
        var host = new HostedRouter(definition);
        string name = definition.Name;
        try
        {
            VirtualRouterOptions given = definition.Options;
            IpFamily family = given.VirtualAddresses is { Count: > 0 } vips ? vips[0].Family
                : given.PrimaryAddress.Family != IpFamily.None ? given.PrimaryAddress.Family : IpFamily.IPv4;
            HostInterface? iface = definition.Interface is { } ifName ? pool.AcquireInterface(host, ifName) : null;
            host.Interface = iface;
            bool unicast = definition.UnicastPeers.Count > 0;
            IpAddr primary = given.PrimaryAddress.Family != IpFamily.None ? given.PrimaryAddress
                : iface is not null ? PrimaryAddress(name, family, iface)
                : throw new HostBuildException(name, "a router without an interface needs its source address (PrimaryAddress)");
            if (definition.Vmac is { } vmac)
                host.Vmac = pool.AcquireVmac(host, iface ?? throw new HostBuildException(name, "use_vmac needs an interface"), vmac.Name, family);

            VirtualRouterOptions options = given with
            {
                PrimaryAddress = primary,
                Unicast = unicast,
                Trackers = [.. host.Trackers.Select(t => t.ToOptions())],
            };
            try
            {
                host.Router = new VirtualRouter(options);
            }
            catch (ArgumentException e)
            {
                throw new HostBuildException(name, e.Message);
            }
            foreach (string warning in host.Router.Warnings)
                HostLog.InstanceWarning(log, warning);
            if (unicast && !definition.CheckUnicastSource)
                HostLog.UnicastSourceChecked(log, name);

            host.Source = primary;
            host.Destination = family == IpFamily.IPv6 ? IpAddr.VrrpMulticastV6 : IpAddr.VrrpMulticastV4;
            host.DestinationMac = MacAddress.MulticastFor(host.Destination);
            host.SourceMac = host.Vmac is { } mac && !definition.Vmac!.TransmitOnParent ? mac.Mac : iface?.Mac ?? default;
            host.TracksOwnInterface = iface is not null && definition.TrackInterface;
            host.ReportedPriority = host.Router.EffectivePriority;
            long slackTicks = Math.Min(VrrpTiming.FromCentiseconds(options.AdvertIntervalCentiseconds).Ticks / 16, TimeSpan.TicksPerMillisecond);
            host.TimerSlack = TimeSpan.FromTicks(slackTicks);

            VrrpAdvertisement advert = host.Router.CreateAdvertisement(options.Priority);
            if (!unicast && VrrpFrame.GetFrameLength(advert) > HostInterface.AdvertSlotBytes)
                throw new HostBuildException(name, $"the advertisement ({VrrpFrame.GetFrameLength(advert)} bytes) does not fit a 1500-byte MTU");

            BuildAddresses(host, iface);
            host.Routing = HostedRouting.Build(definition, links);
            if (unicast)
                host.Unicast = pool.AcquireUnicast(host, iface, primary);
            for (int i = 0; i < host.Trackers.Length; i++)
            {
                TrackerDefinition t = host.Trackers[i];
                if (t.Source != TrackerSource.Interface)
                    continue;
                InterfaceInfo info = links.Find(t.Name) ?? throw new HostBuildException(name, $"track_interface {t.Name}: no such interface");
                host.TrackerIfIndex[i] = info.Index;
            }
            return host;
        }
        catch (Exception e) when (e is NetlinkException or Win32Exception)
        {
            pool.Release(host, output);
            throw new HostBuildException(name, e.Message);
        }
        catch
        {
            pool.Release(host, output);
            throw;
        }
    }

    private IpAddr PrimaryAddress(string name, IpFamily family, HostInterface iface)
    {
        // RFC 5798 5.1.1.1 / 5.1.2.1: the interface's primary IPv4 address, its IPv6 link-local address.
        IpAddr? address = family == IpFamily.IPv6 ? addresses.GetIPv6LinkLocal(iface.Index) : addresses.GetPrimaryIPv4(iface.Index);
        return address ?? throw new HostBuildException(name, family == IpFamily.IPv6
            ? $"interface {iface.Name} has no IPv6 link-local address to send advertisements from"
            : $"interface {iface.Name} has no IPv4 address to send advertisements from; add one or set mcast_src_ip / unicast_src_ip");
    }

    // The addresses as the definition gives them, else the advertised ones as host routes.
    private static IReadOnlyList<VirtualAddressDefinition> AddressesOf(RouterDefinition d)
    {
        if (d.Addresses.Count == 0)
            return [.. d.Options.VirtualAddresses.Select(a => new VirtualAddressDefinition(a))];
        IpAddr[] advertised = [.. d.Addresses.Where(a => a.Advertised).Select(a => a.Address)];
        if (!advertised.SequenceEqual(d.Options.VirtualAddresses))
            throw new HostBuildException(d.Name, "the advertised Addresses must be the options' VirtualAddresses, in order");
        return d.Addresses;
    }

    private void BuildAddresses(HostedRouter host, HostInterface? iface)
    {
        RouterDefinition d = host.Definition;
        var result = new List<VirtualAddress>();
        var names = new List<string>();
        var frames = new Dictionary<HostInterface, (List<byte[]> Frames, List<bool> Na)>();
        foreach (VirtualAddressDefinition a in AddressesOf(d))
        {
            // The address goes on its own device, else on the VMAC, else on the router's interface;
            // its gratuitous frames go out of the device (the VMAC's parent for the VMAC) from the MAC
            // that answers for it.
            HostInterface outgoing;
            int ifIndex;
            string ifName;
            MacAddress mac;
            if (a.Device is { } device && device != d.Interface && (host.Vmac is null || device != host.Vmac.Name))
            {
                outgoing = pool.AcquireInterface(host, device);
                (ifIndex, ifName, mac) = (outgoing.Index, outgoing.Name, outgoing.Mac);
            }
            else if (host.Vmac is { } vmac)
            {
                outgoing = iface!;
                (ifIndex, ifName, mac) = (vmac.Index, vmac.Name, vmac.Mac);
            }
            else
            {
                outgoing = iface ?? throw new HostBuildException(host.Name, $"has no interface, so virtual address {a.Address} needs a device");
                (ifIndex, ifName, mac) = (outgoing.Index, outgoing.Name, outgoing.Mac);
            }
            result.Add(new VirtualAddress(ifIndex, a.Address, a.EffectivePrefixLength, a.Scope, a.Label, a.Broadcast));
            names.Add(ifName);
            bool na = a.Address.IsIPv6;
            byte[] frame = new byte[na ? NeighborAdvertisement.FrameLength : GratuitousArp.FrameLength];
            int length = na ? NeighborAdvertisement.Write(frame, mac, a.Address) : GratuitousArp.Write(frame, mac, a.Address);
            if (!frames.TryGetValue(outgoing, out var list))
                frames[outgoing] = list = ([], []);
            list.Frames.Add(frame[..length]);
            list.Na.Add(na);
        }
        host.Addresses = [.. result];
        host.AddressInterfaceNames = [.. names];
        host.Gratuitous = [.. frames.Select(f => new GratuitousSet(host, f.Key, [.. f.Value.Frames], [.. f.Value.Na]))];
        output.Reserve(host.Addresses.Length);
    }
}
