using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>
/// keepalived's completion of a vrrp_instance (vrrp_complete_instance): defaults that depend on
/// other settings, fix-ups keepalived applies with a message (warnings here, same fix-up), and
/// the checks that stop it (errors here). The fix-ups of the router's own options are
/// <see cref="VirtualRouterOptions.Normalize"/>'s; here they are reported at their keyword.
/// </summary>
internal static partial class InstanceReader
{
    private const long Second = ValueReader.MicrosPerSecond;
    private const long Centisecond = 10_000;
    private const int AssumedMtu = 1500; // keepalived's DEFAULT_MTU; the real MTU is only known at run time

    /// <summary>Sync group membership as an instance sees it.</summary>
    public readonly record struct Membership(string Group, bool TrackingWeight, bool? NotifyPriorityChanges);

    public static VrrpInstanceConfig? Complete(State s, GlobalDefs global, IReadOnlyDictionary<string, VrrpScriptConfig> scripts, Membership? membership)
    {
        DiagnosticBag d = s.Values.Diagnostics;
        string name = s.Name;
        bool ok = true;
        bool strict = s.StrictMode ?? global.Strict;
        string strictWhy = s.StrictMode is null ? "vrrp_strict" : "strict mode";

        // A setting given with a bad value has its error already; only a missing one is reported here.
        if (s.VirtualRouterId is null)
        {
            if (!s.Seen.ContainsKey("virtual_router_id"))
                d.Error(s.Location, $"vrrp_instance {name} has no virtual_router_id (1..255)");
            ok = false;
        }

        IpFamily family = s.Family == IpFamily.None ? IpFamily.IPv4 : s.Family;
        VrrpVersion version;
        if (s.Version is VrrpVersion configured)
        {
            version = configured;
            if (configured == VrrpVersion.V2 && family == IpFamily.IPv6)
            {
                // keepalived runs a non-standard VRRPv2 over IPv6 when 'version 2' comes before the
                // addresses; vrrpd follows RFC 3768, which is IPv4 only.
                d.Error(s.At("version"), $"vrrp_instance {name}: version 2 cannot be used with IPv6 addresses (VRRPv2, RFC 3768, is IPv4 only); use version 3");
                ok = false;
            }
        }
        else
        {
            version = family == IpFamily.IPv6 ? VrrpVersion.V3 : global.DefaultVersion;
        }

        if (s.Vips.Count == 0 && s.VipEntries > 0)
        {
            ok = false; // every address had an error of its own
        }
        else if (s.Vips.Count == 0)
        {
            if (version == VrrpVersion.V3 || strict)
            {
                d.Error(s.Location, $"vrrp_instance {name} has no virtual_ipaddress; {(strict ? strictWhy : "VRRPv3")} needs at least one");
                ok = false;
            }
            else
            {
                d.Warning(s.Location, $"vrrp_instance {name} has no virtual_ipaddress; at least one is sensible");
            }
        }

        // keepalived: no priority means 255 (address owner) for state MASTER, 100 otherwise;
        // no state means MASTER for the address owner, BACKUP otherwise.
        byte priority = s.Priority ?? (s.InitialState == InitialState.Master ? VirtualRouterOptions.OwnerPriority : VirtualRouterOptions.DefaultPriority);
        if (s.Priority is null && s.InitialState == InitialState.Master)
            d.Warning(s.At("state"), $"vrrp_instance {name}: state MASTER without priority means priority 255 (address owner), as in keepalived");
        bool owner = VirtualRouterOptions.IsOwnerPriority(priority);
        InitialState state = s.InitialState ?? (owner ? InitialState.Master : InitialState.Backup);
        if (strict && s.InitialState is not null && (state == InitialState.Master) != owner)
        {
            state = owner ? InitialState.Master : InitialState.Backup;
            d.Warning(s.At("state"), $"vrrp_instance {name}: with {strictWhy}, state MASTER goes with priority 255 only; starting as {state.ToString().ToUpperInvariant()}, as keepalived does");
        }

        string? password = null;
        if (s.AuthType == "PASS")
        {
            SourceLocation at = s.AuthNode!.Location;
            if (strict)
                d.Warning(at, $"vrrp_instance {name}: {strictWhy} allows no authentication; it is ignored, as keepalived does");
            else if (s.AuthPassword is null)
                d.Warning(at, $"vrrp_instance {name}: auth_type PASS without auth_pass; authentication is ignored, as keepalived does");
            else
                password = s.AuthPassword; // VRRPv3 has none: Normalize drops it
        }
        else if (s.AuthNode is not null && s.AuthType is null && s.AuthPassword is not null)
        {
            d.Warning(s.AuthNode.Location, $"vrrp_instance {name}: auth_pass without auth_type; authentication is off");
        }

        if (strict && s.Peers.Count > 0)
        {
            d.Error(s.Peers[0].Node.Location, $"vrrp_instance {name}: {strictWhy} does not allow unicast_peer");
            ok = false;
        }
        if (s.UnicastConfigured && s.Peers.Count == 0)
            d.Warning(s.Location, $"vrrp_instance {name} sets unicast options but has no unicast_peer; it uses multicast, as keepalived does");

        bool useVmac = s.UseVmac;
        if (s.Interface is null)
        {
            if (s.Seen.ContainsKey("interface"))
            {
                ok = false;
            }
            else if (s.Peers.Count == 0)
            {
                d.Error(s.Location, $"vrrp_instance {name} has no interface (it may be left out only with unicast_peer and unicast_src_ip)");
                ok = false;
            }
            else if (s.SourceAddress is not IpAddr source)
            {
                d.Error(s.Location, $"vrrp_instance {name}: a unicast instance without interface needs unicast_src_ip");
                ok = false;
            }
            else if (source.IsIPv6LinkLocal)
            {
                d.Error(s.At("unicast_src_ip"), $"vrrp_instance {name}: without an interface, unicast_src_ip cannot be link-local");
                ok = false;
            }
            if (useVmac)
            {
                d.Warning(s.At("use_vmac"), $"vrrp_instance {name}: use_vmac needs an interface; ignored, as keepalived does");
                useVmac = false;
            }
        }

        List<(VirtualAddressConfig Address, ConfigNode Node)> vips = s.Vips, excluded = s.ExcludedVips;
        int maxAddresses = MaxAdvertisedAddresses(family, version);
        if (vips.Count > maxAddresses)
        {
            // keepalived keeps one fewer than fit (it moves from the max-th on); peers compare the
            // address count, so vrrpd does the same.
            int keep = maxAddresses - 1;
            d.Warning(vips[keep].Node.Location, $"vrrp_instance {name}: {vips.Count} virtual addresses do not fit in one advertisement " +
                $"(at most {maxAddresses} with a {AssumedMtu}-byte MTU); addresses from here on are added but not advertised, as keepalived does");
            excluded = [.. vips.Skip(keep), .. excluded];
            vips = vips.Take(keep).ToList();
        }

        // Accept_Mode (RFC 5798 6.1): on unless strict (keepalived's default); the owner always accepts.
        bool accept = s.Accept ?? (owner || !strict);
        if (accept && !owner && strict && version == VrrpVersion.V2)
        {
            if (s.Accept == true)
                d.Warning(s.At("accept"), $"vrrp_instance {name}: accept mode does not exist in VRRPv2 (RFC 3768) and {strictWhy} turns it off, as keepalived does");
            accept = false;
        }

        GarpSettings garp = CompleteGarp(s, global.Garp, strict, strictWhy);
        bool lowerPrioNoAdvert = StrictBool(s, "lower_prio_no_advert", s.LowerPrioNoAdvert, global.LowerPriorityNoAdvert, strict, strictValue: true, strictWhy);
        bool higherPrioSendAdvert = StrictBool(s, "higher_prio_send_advert", s.HigherPrioSendAdvert, global.HigherPrioritySendAdvert, strict, strictValue: false, strictWhy);
        int advertCentiseconds = AdvertInterval(s, version);

        bool xmitBase = s.VmacXmitBase;
        if (useVmac)
        {
            if (s.Peers.Count > 0 && !xmitBase)
            {
                d.Warning(s.At("use_vmac"), $"vrrp_instance {name}: unicast with use_vmac needs vmac_xmit_base; set, as keepalived does");
                xmitBase = true;
            }
            if (strict && xmitBase)
            {
                d.Warning(s.At("vmac_xmit_base"), $"vrrp_instance {name}: {strictWhy} does not allow vmac_xmit_base; ignored, as keepalived does");
                xmitBase = false;
            }
        }
        else if (xmitBase)
        {
            d.Warning(s.At("vmac_xmit_base"), $"vrrp_instance {name}: vmac_xmit_base applies only with use_vmac; ignored, as keepalived does");
            xmitBase = false;
        }

        bool syncWithoutWeights = membership is { TrackingWeight: false };
        string? weightsDropped = syncWithoutWeights ? $"a member of sync group {membership!.Value.Group}" : owner ? "the address owner (priority 255)" : null;
        List<TrackedInterfaceConfig> trackInterfaces = CompleteTrackInterfaces(s, syncWithoutWeights, weightsDropped);
        List<TrackedScriptConfig> trackScripts = ResolveTrackScripts(s.Values, s.TrackScripts, scripts, weightsDropped, $"vrrp_instance {name}", ref ok);

        var instance = new VrrpInstanceConfig
        {
            Name = name,
            Location = s.Location,
            InitialState = state,
            Interface = s.Interface,
            VirtualRouterId = s.VirtualRouterId ?? 0,
            Priority = priority,
            Version = version,
            Family = family,
            AdvertIntervalCentiseconds = advertCentiseconds,
            Preempt = !s.NoPreempt,
            PreemptDelay = TimeSpan.FromMicroseconds(s.PreemptDelayMicros),
            Garp = garp,
            LowerPriorityNoAdvert = lowerPrioNoAdvert,
            HigherPrioritySendAdvert = higherPrioSendAdvert,
            DownTimerAdverts = (int)(s.DownTimerAdverts ?? (uint)global.DownTimerAdverts),
            VirtualAddresses = vips.Select(v => v.Address).ToEquatableArray(),
            ExcludedAddresses = excluded.Select(v => v.Address).ToEquatableArray(),
            TrackInterfaces = trackInterfaces.ToEquatableArray(),
            TrackScripts = trackScripts.ToEquatableArray(),
            SourceAddress = s.SourceAddress,
            UnicastPeers = s.Peers.Select(p => p.Peer).ToEquatableArray(),
            CheckUnicastSource = s.CheckUnicastSource || global.CheckUnicastSource,
            UseVmac = useVmac,
            VmacName = useVmac ? s.VmacName : null,
            VmacXmitBase = xmitBase,
            AuthPassword = password,
            Accept = accept,
            DontTrackPrimary = s.DontTrackPrimary,
            SkipCheckAdvertAddresses = s.SkipCheckAdvAddr ?? global.SkipCheckAdvertAddresses,
            StrictAddressCheck = s.StrictAddressCheck,
            StrictMode = strict,
            V3Checksum = s.V3ChecksumAsV2 ? ChecksumConvention.MessageOnly : ChecksumConvention.PseudoHeader,
            NotifyPriorityChanges = s.NotifyPriorityChanges ?? membership?.NotifyPriorityChanges ?? global.NotifyPriorityChanges,
            Notify = s.Notify,
            SyncGroup = membership?.Group,
            VirtualRoutes = s.Routes.Select(r => r.Route).ToEquatableArray(),
            VirtualRules = s.Rules.Select(r => r.Rule).ToEquatableArray(),
        };
        // Normalized even when there are errors, so that one run reports every finding.
        instance = Normalize(s, instance, strict, strictWhy);
        return ok ? instance : null;
    }

    // keepalived's corrections of the router's options are made by VirtualRouterOptions.Normalize
    // alone: here each is reported at the keyword it is about and taken into the model. Strict
    // mode, which the options do not know, comes after them, as in keepalived.
    private static VrrpInstanceConfig Normalize(State s, VrrpInstanceConfig instance, bool strict, string strictWhy)
    {
        NormalizedOptions normalized = InstanceOptions.ToRouterOptions(instance, default, InstanceOptions.Trackers(instance, null)).Normalize();
        foreach (OptionsWarning warning in normalized.Warnings)
            s.Values.Diagnostics.Warning(LocationOf(s, warning.Option), $"vrrp_instance {s.Name}: {warning.Message}");
        VirtualRouterOptions options = normalized.Options;
        TimeSpan preemptDelay = options.PreemptDelay;
        if (preemptDelay > TimeSpan.Zero && strict)
        {
            s.Values.Diagnostics.Warning(s.At("preempt_delay"), $"vrrp_instance {s.Name}: {strictWhy} does not allow preempt_delay; ignored, as keepalived does");
            preemptDelay = TimeSpan.Zero;
        }
        return instance with { Preempt = options.Preempt, PreemptDelay = preemptDelay, AuthPassword = options.AuthPassword };
    }

    // The line a warning of VirtualRouterOptions.Normalize is about.
    private static SourceLocation LocationOf(State s, string option) => option switch
    {
        nameof(VirtualRouterOptions.Preempt) => s.At("nopreempt"),
        nameof(VirtualRouterOptions.PreemptDelay) => s.At("preempt_delay"),
        nameof(VirtualRouterOptions.AuthType) or nameof(VirtualRouterOptions.AuthPassword) => s.AuthNode?.Location ?? s.Location,
        nameof(VirtualRouterOptions.VirtualAddresses) when s.Vips.Count > 0 => s.Vips[0].Node.Location,
        _ => s.Location,
    };

    // keepalived: (MTU - Ethernet, IP, VRRP headers [+ VRRPv2 authentication]) / address size, at most 255.
    private static int MaxAdvertisedAddresses(IpFamily family, VrrpVersion version)
    {
        int fit = family == IpFamily.IPv6
            ? (AssumedMtu - (14 + 40 + 8)) / 16
            : (AssumedMtu - (14 + 20 + 8 + (version == VrrpVersion.V2 ? 8 : 0))) / 4;
        return Math.Min(fit, 255);
    }

    private static GarpSettings CompleteGarp(State s, GarpSettings defaults, bool strict, string strictWhy)
    {
        uint lowerRepeat = s.GarpLowerPrioRepeat ?? (strict ? 0 : (uint)defaults.LowerPriorityRepeat);
        if (strict && lowerRepeat != 0)
        {
            s.Values.Diagnostics.Warning(s.At("garp_lower_prio_repeat"), $"vrrp_instance {s.Name}: {strictWhy} allows no repeated gratuitous ARPs; garp_lower_prio_repeat 0, as keepalived does");
            lowerRepeat = 0;
        }
        TimeSpan lowerDelay = s.GarpLowerPrioDelay is uint seconds ? TimeSpan.FromSeconds(seconds) : strict ? TimeSpan.Zero : defaults.LowerPriorityDelay;
        if (strict && lowerDelay != TimeSpan.Zero)
        {
            s.Values.Diagnostics.Warning(s.At("garp_lower_prio_delay"), $"vrrp_instance {s.Name}: {strictWhy} allows no repeated gratuitous ARPs; garp_lower_prio_delay 0, as keepalived does");
            lowerDelay = TimeSpan.Zero;
        }
        return new GarpSettings
        {
            MasterDelay = s.GarpDelay is uint delay ? TimeSpan.FromSeconds(delay) : defaults.MasterDelay,
            MasterRepeat = (int)(s.GarpRepeat ?? (uint)defaults.MasterRepeat),
            MasterRefresh = s.GarpRefresh is uint refresh ? TimeSpan.FromSeconds(refresh) : defaults.MasterRefresh,
            MasterRefreshRepeat = (int)(s.GarpRefreshRepeat ?? (uint)defaults.MasterRefreshRepeat),
            LowerPriorityDelay = lowerDelay,
            LowerPriorityRepeat = (int)lowerRepeat,
        };
    }

    private static bool StrictBool(State s, string keyword, bool? configured, bool global, bool strict, bool strictValue, string strictWhy)
    {
        if (!strict)
            return configured ?? global;
        if (configured is bool value && value != strictValue)
            s.Values.Diagnostics.Warning(s.At(keyword), $"vrrp_instance {s.Name}: {strictWhy} requires {keyword} {(strictValue ? "on" : "off")}; changed, as keepalived does");
        return strictValue;
    }

    // keepalived rounds VRRPv2 intervals to whole seconds and VRRPv3 ones to 10 ms (half up),
    // never to zero; VRRPv3's 12-bit field caps the interval at 40.95 s (RFC 5798 5.2.7).
    private static int AdvertInterval(State s, VrrpVersion version)
    {
        long micros = s.AdvertMicros ?? VirtualRouterOptions.DefaultAdvertIntervalCentiseconds * Centisecond;
        long unit = version == VrrpVersion.V2 ? Second : Centisecond;
        string written = ValueReader.FormatSeconds(micros);
        if (version == VrrpVersion.V3 && micros >= 4096 * Centisecond)
        {
            s.Values.Diagnostics.Warning(s.At("advert_int"), $"vrrp_instance {s.Name}: VRRPv3 advert_int {written} is out of range (below 40.96 s); using 40.95, as keepalived does");
            return 4095;
        }
        if (micros % unit != 0)
        {
            long rounded = Math.Max((micros + unit / 2) / unit * unit, unit);
            s.Values.Diagnostics.Warning(s.At("advert_int"), version == VrrpVersion.V2
                ? $"vrrp_instance {s.Name}: VRRPv2 advert_int {written} must be whole seconds; using {ValueReader.FormatSeconds(rounded)}, as keepalived does"
                : $"vrrp_instance {s.Name}: VRRPv3 advert_int {written} must be in steps of 10 ms; using {ValueReader.FormatSeconds(rounded)}, as keepalived does");
            micros = rounded;
        }
        return (int)(micros / Centisecond);
    }

    private static List<TrackedInterfaceConfig> CompleteTrackInterfaces(State s, bool syncWithoutWeights, string? weightsDropped)
    {
        var result = new List<TrackedInterfaceConfig>();
        foreach (var (track, node) in s.TrackInterfaces)
        {
            if (track.Interface == s.Interface)
            {
                s.Values.Warning(node, $"track_interface {track.Interface} is the instance's own interface; ignored, as keepalived does");
                continue;
            }
            if (result.Any(t => t.Interface == track.Interface))
            {
                s.Values.Warning(node, $"track_interface {track.Interface} is listed twice; this entry is ignored");
                continue;
            }
            TrackedInterfaceConfig added = track;
            if (track.Weight != 0 && weightsDropped is not null)
            {
                if (!syncWithoutWeights)
                {
                    s.Values.Warning(node, $"track_interface {track.Interface}: a weighted interface is not tracked by {weightsDropped}, as keepalived does");
                    continue;
                }
                s.Values.Warning(node, $"track_interface {track.Interface}: the weight is ignored for {weightsDropped} (a down link means FAULT), as keepalived does; see sync_group_tracking_weight");
                added = track with { Weight = 0 };
            }
            result.Add(added);
        }
        return result;
    }

    /// <summary>Resolves track_script entries against the vrrp_script definitions.</summary>
    public static List<TrackedScriptConfig> ResolveTrackScripts(ValueReader values, List<TrackingReader.ScriptReference> references,
        IReadOnlyDictionary<string, VrrpScriptConfig> scripts, string? weightsDropped, string owner, ref bool ok)
    {
        var result = new List<TrackedScriptConfig>();
        foreach (TrackingReader.ScriptReference reference in references)
        {
            if (!scripts.TryGetValue(reference.Name, out VrrpScriptConfig? script))
            {
                string? suggestion = NearMiss.Suggest(reference.Name, scripts.Keys);
                values.Error(reference.Node, $"track_script '{reference.Name}' in {owner}: no vrrp_script has that name" +
                    (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));
                ok = false;
                continue;
            }
            if (result.Any(t => t.Script == reference.Name))
            {
                values.Warning(reference.Node, $"track_script {reference.Name} is listed twice in {owner}; this entry is ignored");
                continue;
            }
            int weight = reference.Weight ?? script.Weight;
            bool reverse = reference.Reverse ?? script.WeightReverse;
            if (weight != 0 && weightsDropped is not null)
            {
                values.Warning(reference.Node, $"track_script {reference.Name}: a weighted script is not tracked by {weightsDropped}, as keepalived does" +
                    (weightsDropped.StartsWith("a member", StringComparison.Ordinal) ? " (see sync_group_tracking_weight)" : ""));
                continue;
            }
            result.Add(new TrackedScriptConfig(reference.Name, weight, reverse));
        }
        return result;
    }
}
