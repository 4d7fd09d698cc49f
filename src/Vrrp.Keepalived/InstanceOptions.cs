using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Keepalived;

/// <summary>What a router tracks: an interface's link, a track script's result, a process's quorum or a file's value.</summary>
public enum TrackerKind : byte
{
    /// <summary>A <c>track_interface</c> entry: up while the link is up.</summary>
    Interface,

    /// <summary>A <c>track_script</c> entry: up while the <c>vrrp_script</c> succeeds.</summary>
    Script,

    /// <summary>A <c>track_process</c> entry: up while the <c>vrrp_track_process</c> has its quorum.</summary>
    Process,

    /// <summary>A <c>track_file</c> entry: a value (<see cref="TrackerInput.Value"/>), the number in the file.</summary>
    File,
}

/// <summary>One tracker of an instance, in the order of <see cref="VirtualRouterOptions.Trackers"/>.</summary>
/// <param name="Kind">An interface, a script, a process or a file.</param>
/// <param name="Name">The interface name, or the name of the <c>vrrp_script</c>, <c>vrrp_track_process</c> or <c>track_file</c>.</param>
/// <param name="Weight">keepalived semantics (see <see cref="TrackerOptions.Weight"/>); 0 means Fault while down.</param>
/// <param name="Reverse">keepalived <c>reverse</c>: up and down swap.</param>
public sealed record TrackerSpec(TrackerKind Kind, string Name, int Weight, bool Reverse)
{
    /// <summary>The word status output shows before the name: <c>interface</c>, <c>script</c>, <c>process</c> or <c>file</c>.</summary>
    public string KindText => Kind switch
    {
        TrackerKind.Interface => "interface",
        TrackerKind.Script => "script",
        TrackerKind.Process => "process",
        _ => "file",
    };

    /// <summary>A file reports a value, the others up or down.</summary>
    public TrackerInput Input => Kind == TrackerKind.File ? TrackerInput.Value : TrackerInput.State;

    /// <summary>The router's view: named <c>KIND NAME</c> (<c>script chk</c>) for status output.</summary>
    public TrackerOptions ToOptions() => new($"{KindText} {Name}", Weight, Reverse, Input);
}

/// <summary>
/// keepalived configuration to <see cref="VirtualRouterOptions"/>. The configuration carries
/// keepalived's defaults, which differ from the options' own (VRRPv2 rather than 3, accept on,
/// garp_lower_prio_repeat 5 rather than 0), so every field is set here explicitly. The options
/// come out normalized: <see cref="ConfigLoader"/> has applied
/// <see cref="VirtualRouterOptions.Normalize"/> to every instance and reported its warnings
/// with file and line.
/// </summary>
/// <example>
/// <code>
/// ConfigLoadResult result = ConfigLoader.LoadFile("/etc/keepalived/keepalived.conf");
/// foreach (ConfigDiagnostic d in result.Diagnostics) Console.Error.WriteLine(d);
/// if (result.Config is KeepalivedConfig config)
///     foreach (VrrpInstanceConfig instance in config.Instances)
///     {
///         VirtualRouterOptions options = InstanceOptions.ToRouterOptions(config, instance)
///             with { PrimaryAddress = IpAddr.Parse("192.168.1.2") };   // the interface's address
///         var router = new VirtualRouter(options);
///     }
/// </code>
/// </example>
public static class InstanceOptions
{
    /// <summary>
    /// The options of <paramref name="instance"/> with its trackers and its sync group's
    /// (<see cref="Trackers"/>). <see cref="VirtualRouterOptions.PrimaryAddress"/> is the
    /// instance's <c>unicast_src_ip</c> / <c>mcast_src_ip</c> if it has one, else left unset
    /// (family <see cref="IpFamily.None"/>) for the host to fill in from the interface
    /// (RFC 5798 5.1.1.1 / 5.1.2.1) with <c>options with { PrimaryAddress = ... }</c>.
    /// </summary>
    /// <param name="config">The configuration <paramref name="instance"/> belongs to (for its sync group).</param>
    /// <param name="instance">One of <paramref name="config"/>'s instances.</param>
    public static VirtualRouterOptions ToRouterOptions(KeepalivedConfig config, VrrpInstanceConfig instance)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(instance);
        SyncGroupConfig? group = instance.SyncGroup is null ? null : config.FindSyncGroup(instance.SyncGroup);
        return ToRouterOptions(instance, instance.SourceAddress ?? default, Trackers(instance, group));
    }

    /// <summary>The options of <paramref name="instance"/>, sending from <paramref name="primaryAddress"/>, tracking <paramref name="trackers"/>.</summary>
    /// <param name="instance">The instance.</param>
    /// <param name="primaryAddress">The address advertisements are sent from; <c>default</c> when not known yet.</param>
    /// <param name="trackers">Its trackers, usually <see cref="Trackers"/>; their order is the index of <see cref="VirtualRouter.SetTrackerState"/>.</param>
    public static VirtualRouterOptions ToRouterOptions(VrrpInstanceConfig instance, IpAddr primaryAddress, IReadOnlyList<TrackerSpec> trackers)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(trackers);
        VrrpInstanceConfig c = instance;
        return new VirtualRouterOptions
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
    }

    /// <summary>
    /// The instance's trackers: its own track_interface, track_script, track_process and
    /// track_file entries, then its sync group's (keepalived applies a group's tracking to
    /// every member; for interfaces and scripts without sync_group_tracking_weight a failure
    /// means FAULT, so the weight becomes 0; processes and files keep the group's weights, and
    /// one the member tracks too takes the group's weight unless the member's is 0).
    /// </summary>
    /// <param name="instance">The instance.</param>
    /// <param name="group">Its sync group (<see cref="VrrpInstanceConfig.SyncGroup"/>), or null.</param>
    public static IReadOnlyList<TrackerSpec> Trackers(VrrpInstanceConfig instance, SyncGroupConfig? group)
    {
        ArgumentNullException.ThrowIfNull(instance);
        VrrpInstanceConfig c = instance;
        var result = new List<TrackerSpec>();
        foreach (TrackedInterfaceConfig t in c.TrackInterfaces)
            result.Add(new TrackerSpec(TrackerKind.Interface, t.Interface, t.Weight, t.Reverse));
        foreach (TrackedScriptConfig t in c.TrackScripts)
            result.Add(new TrackerSpec(TrackerKind.Script, t.Script, t.Weight, t.Reverse));
        foreach (TrackedProcessConfig t in c.TrackProcesses)
            result.Add(new TrackerSpec(TrackerKind.Process, t.Process, t.Weight, t.Reverse));
        foreach (TrackedFileConfig t in c.TrackFiles)
            result.Add(new TrackerSpec(TrackerKind.File, t.File, t.Weight, t.Reverse));
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
        foreach (TrackedProcessConfig t in group.TrackProcesses)
            MergeGroupTracker(result, new TrackerSpec(TrackerKind.Process, t.Process, t.Weight, t.Reverse));
        foreach (TrackedFileConfig t in group.TrackFiles)
            MergeGroupTracker(result, new TrackerSpec(TrackerKind.File, t.File, t.Weight, t.Reverse));
        return result;
    }

    // keepalived keeps one tracker for an object both the member and its group track: the
    // group's weight and reverse, unless the member's weight is 0.
    private static void MergeGroupTracker(List<TrackerSpec> result, TrackerSpec fromGroup)
    {
        int i = result.FindIndex(r => r.Kind == fromGroup.Kind && r.Name == fromGroup.Name);
        if (i < 0)
            result.Add(fromGroup);
        else if (result[i].Weight != 0)
            result[i] = fromGroup;
    }

    /// <summary>
    /// Settings the configuration accepts that vrrpd's Linux host cannot honour (address flags
    /// other than nodad; an address without <c>dev</c> on an instance without interface): one
    /// message per problem, empty when there is none.
    /// </summary>
    /// <param name="instance">The instance.</param>
    public static IEnumerable<string> Unsupported(VrrpInstanceConfig instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Problems(instance);

        static IEnumerable<string> Problems(VrrpInstanceConfig c)
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
}
