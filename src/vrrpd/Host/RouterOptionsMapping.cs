using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrpd.Config;

namespace Vrrpd.Host;

/// <summary>What a router tracks: an interface's link or a track script's result.</summary>
internal enum TrackerKind : byte
{
    Interface,
    Script,
}

/// <summary>One tracker of an instance, in the order of <see cref="VirtualRouterOptions.Trackers"/>.</summary>
internal sealed record TrackerSpec(TrackerKind Kind, string Name, int Weight, bool Reverse)
{
    public TrackerOptions ToOptions() => new($"{(Kind == TrackerKind.Interface ? "interface" : "script")} {Name}", Weight, Reverse);
}

/// <summary>
/// keepalived configuration to <see cref="VirtualRouterOptions"/>. The configuration carries
/// keepalived's defaults, which differ from the options' own (VRRPv2 rather than 3, accept on,
/// garp_lower_prio_repeat 5 rather than 0), so every field is set here explicitly.
/// </summary>
internal static class RouterOptionsMapping
{
    public static VirtualRouterOptions Map(VrrpInstanceConfig c, IpAddr primaryAddress, IReadOnlyList<TrackerSpec> trackers) => new()
    {
        Name = c.Name,
        VirtualRouterId = c.VirtualRouterId,
        Version = c.Version,
        Priority = c.Priority,
        AdvertIntervalCentiseconds = checked((ushort)c.AdvertIntervalCentiseconds),
        Preempt = c.Preempt,
        PreemptDelay = c.PreemptDelay,
        InitialState = c.InitialState == InitialState.Master ? RouterState.Master : RouterState.Backup,
        AcceptMode = c.Accept,
        VirtualAddresses = [.. c.VirtualAddresses.Select(a => a.Address)],
        PrimaryAddress = primaryAddress,
        Unicast = c.IsUnicast,
        AuthType = c.AuthPassword is null ? VrrpAuthType.None : VrrpAuthType.SimpleText,
        AuthPassword = c.AuthPassword,
        GarpMasterDelay = c.Garp.MasterDelay,
        GarpMasterRepeat = c.Garp.MasterRepeat,
        GarpMasterRefresh = c.Garp.MasterRefresh,
        GarpMasterRefreshRepeat = c.Garp.MasterRefreshRepeat,
        GarpLowerPriorityRepeat = c.Garp.LowerPriorityRepeat,
        GarpLowerPriorityDelay = c.Garp.LowerPriorityDelay,
        LowerPriorityNoAdvert = c.LowerPriorityNoAdvert,
        HigherPrioritySendAdvert = c.HigherPrioritySendAdvert,
        DownTimerAdverts = c.DownTimerAdverts,
        // RFC 5798 7.1: a differing list MAY be verified; vrrpd accepts and counts it unless
        // strict_address_check (keepalived always drops it; skip_check_adv_addr changes nothing here).
        StrictAddressCheck = c.StrictAddressCheck,
        Trackers = [.. trackers.Select(t => t.ToOptions())],
    };

    /// <summary>
    /// The instance's trackers: its own track_interface and track_script entries, then its sync
    /// group's (keepalived applies a group's tracking to every member; without
    /// sync_group_tracking_weight a failure means FAULT, so the weight becomes 0).
    /// </summary>
    public static List<TrackerSpec> Trackers(VrrpInstanceConfig c, SyncGroupConfig? group)
    {
        var result = new List<TrackerSpec>();
        foreach (TrackedInterfaceConfig t in c.TrackInterfaces)
            result.Add(new TrackerSpec(TrackerKind.Interface, t.Interface, t.Weight, t.Reverse));
        foreach (TrackedScriptConfig t in c.TrackScripts)
            result.Add(new TrackerSpec(TrackerKind.Script, t.Script, t.Weight, t.Reverse));
        if (group is null)
            return result;
        foreach (TrackedInterfaceConfig t in group.TrackInterfaces)
        {
            if (t.Interface != c.Interface && !result.Any(r => r.Kind == TrackerKind.Interface && r.Name == t.Interface))
                result.Add(new TrackerSpec(TrackerKind.Interface, t.Interface, group.TrackingWeight ? t.Weight : 0, t.Reverse));
        }
        foreach (TrackedScriptConfig t in group.TrackScripts)
        {
            if (!result.Any(r => r.Kind == TrackerKind.Script && r.Name == t.Script))
                result.Add(new TrackerSpec(TrackerKind.Script, t.Script, group.TrackingWeight ? t.Weight : 0, t.Reverse));
        }
        return result;
    }

    /// <summary>Settings the configuration accepts that the daemon cannot honour: each is refused with its reason.</summary>
    public static IEnumerable<string> Unsupported(VrrpInstanceConfig c)
    {
        foreach (VirtualAddressConfig a in c.VirtualAddresses.Concat(c.ExcludedAddresses))
        {
            // The address manager adds IPv6 addresses with IFA_F_NODAD and nothing else.
            AddressFlags other = a.Flags & ~AddressFlags.NoDad;
            if (other != AddressFlags.None)
                yield return $"vrrp_instance {c.Name}: virtual address {a.Address}: the flags {other} are not supported by vrrpd (only nodad)";
        }
        if (c.Interface is null)
        {
            foreach (VirtualAddressConfig a in c.VirtualAddresses.Concat(c.ExcludedAddresses))
            {
                if (a.Device is null)
                    yield return $"vrrp_instance {c.Name} has no interface, so virtual address {a.Address} needs 'dev IFNAME'";
            }
        }
    }
}
