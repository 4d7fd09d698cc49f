using System.Text;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>
/// A tracked object (keepalived <c>track_script</c>, <c>track_interface</c>, <c>track_file</c>...):
/// its state is given to the router with <see cref="VirtualRouter.SetTrackerState"/>.
/// </summary>
/// <param name="Name">A name for status output.</param>
/// <param name="Weight">
/// keepalived semantics: a positive weight is added to the priority while the tracker is up, a
/// negative weight is added while it is down, and weight 0 puts the router in Fault while it is down.
/// Range -254..254.
/// </param>
/// <param name="Reverse">keepalived <c>reverse</c>: the tracker counts as up when it reports down, and the other way round.</param>
public readonly record struct TrackerOptions(string Name, int Weight, bool Reverse = false);

/// <summary>
/// Configuration of one <see cref="VirtualRouter"/> (one keepalived <c>vrrp_instance</c>).
/// Checked by <see cref="Validate"/>, which the router constructor calls: impossible values
/// throw <see cref="ArgumentException"/>; combinations keepalived corrects with a warning are
/// corrected the same way and the warnings returned.
/// </summary>
public sealed record VirtualRouterOptions
{
    /// <summary>Longest VRRPv2 simple password; keepalived truncates longer ones.</summary>
    public const int MaxPasswordLength = 8;

    /// <summary>The instance name, used in logs (<c>(NAME) Entering MASTER STATE</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Virtual Router Identifier, 1..255 (RFC 5798 5.2.3).</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>Protocol version: <see cref="VrrpVersion.V3"/> (default, RFC 5798) or <see cref="VrrpVersion.V2"/> (RFC 3768, IPv4 only).</summary>
    public VrrpVersion Version { get; init; } = VrrpVersion.V3;

    /// <summary>Configured priority: 255 for the address owner, 1..254 otherwise (RFC 5798 5.2.4). Default 100.</summary>
    public byte Priority { get; init; } = 100;

    /// <summary>
    /// Advertisement_Interval in centiseconds: 1..4095 for VRRPv3 (RFC 5798 5.2.7), whole seconds
    /// (100..25500) for VRRPv2 (RFC 3768 5.3.7). Default 100 (one second).
    /// </summary>
    public ushort AdvertIntervalCentiseconds { get; init; } = 100;

    /// <summary>Preempt_Mode (RFC 5798 6.1). False is keepalived's <c>nopreempt</c>. Default true.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>
    /// keepalived <c>preempt_delay</c> (0..1000 s): a Backup that preempts keeps accepting a
    /// lower-priority Master until this long after it first saw one since entering Backup.
    /// </summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// keepalived <c>state</c>: <see cref="RouterState.Backup"/> (default) or
    /// <see cref="RouterState.Master"/>, which starts in Backup with a Master_Down timer that
    /// expires at once, so the router takes over unless a better Master is heard first.
    /// </summary>
    public RouterState InitialState { get; init; } = RouterState.Backup;

    /// <summary>Accept_Mode (RFC 5798 6.1, keepalived <c>accept</c>): the host's dataplane reads it; the state machine does not.</summary>
    public bool AcceptMode { get; init; }

    /// <summary>The virtual addresses, all of the router's family; for IPv6 the first should be link-local (RFC 5798 5.2.9).</summary>
    public required IReadOnlyList<IpAddr> VirtualAddresses { get; init; }

    /// <summary>
    /// Our primary address: the interface address advertisements are sent from (IPv4 primary
    /// address, IPv6 link-local address, RFC 5798 5.1.1.1 / 5.1.2.1). The Master tie-break of
    /// RFC 5798 6.4.3 compares it with the sender's.
    /// </summary>
    public IpAddr PrimaryAddress { get; init; }

    /// <summary>
    /// Advertisements go to unicast peers (keepalived <c>unicast_peer</c>) rather than the VRRP
    /// multicast group. An IPv6 <see cref="PrimaryAddress"/> may then be a global address: the
    /// link-local rule of RFC 5798 5.1.2.1 is for the multicast group.
    /// </summary>
    public bool Unicast { get; init; }

    /// <summary>
    /// keepalived <c>down_timer_adverts</c> (1..100): Master_Down_Interval is this many
    /// Master_Adver_Intervals plus Skew_Time. Default 3, the RFC's value (RFC 5798 6.1).
    /// </summary>
    public int DownTimerAdverts { get; init; } = 3;

    /// <summary>The address family, taken from <see cref="PrimaryAddress"/>.</summary>
    public IpFamily Family => PrimaryAddress.Family;

    /// <summary>VRRPv2 authentication: <see cref="VrrpAuthType.None"/> or <see cref="VrrpAuthType.SimpleText"/> (keepalived <c>auth_type PASS</c>).</summary>
    public VrrpAuthType AuthType { get; init; } = VrrpAuthType.None;

    /// <summary>VRRPv2 simple password (keepalived <c>auth_pass</c>); at most 8 bytes are used.</summary>
    public string? AuthPassword { get; init; }

    /// <summary>keepalived <c>garp_master_delay</c>: delay of the second gratuitous burst after becoming Master; zero for none. Default 5 s.</summary>
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>keepalived <c>garp_master_repeat</c>: rounds per gratuitous burst. Default 5.</summary>
    public int GarpMasterRepeat { get; init; } = 5;

    /// <summary>keepalived <c>garp_master_refresh</c>: period of gratuitous refresh bursts while Master; zero (default) for none.</summary>
    public TimeSpan GarpMasterRefresh { get; init; } = TimeSpan.Zero;

    /// <summary>keepalived <c>garp_master_refresh_repeat</c>: rounds per refresh burst. Default 1.</summary>
    public int GarpMasterRefreshRepeat { get; init; } = 1;

    /// <summary>keepalived <c>garp_lower_prio_repeat</c>: rounds of the burst a Master sends when it hears a lower priority. Default 0 (none).</summary>
    public int GarpLowerPriorityRepeat { get; init; }

    /// <summary>keepalived <c>garp_lower_prio_delay</c>: delay of a second such burst; zero (default) for none.</summary>
    public TimeSpan GarpLowerPriorityDelay { get; init; } = TimeSpan.Zero;

    /// <summary>keepalived <c>lower_prio_no_advert</c>: a Master does not answer a lower priority with an advertisement (RFC 9568 6.4.3 says it should).</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary>keepalived <c>higher_prio_send_advert</c>: a Master that hears a higher priority sends one advertisement of its own before going Backup.</summary>
    public bool HigherPrioritySendAdvert { get; init; }

    /// <summary>
    /// Drop advertisements whose address list differs from ours. When false (default) a VRRPv3
    /// router accepts and counts them (RFC 5798 7.1); a VRRPv2 router drops them unless the
    /// sender is the owner (RFC 3768 7.1). keepalived drops them; vrrpd's daemon sets this
    /// only for its own <c>strict_address_check</c> keyword.
    /// </summary>
    public bool StrictAddressCheck { get; init; }

    /// <summary>Tracked objects, indexed as given to <see cref="VirtualRouter.SetTrackerState"/>. All start up.</summary>
    public IReadOnlyList<TrackerOptions> Trackers { get; init; } = [];

    /// <summary>True when <see cref="Priority"/> is 255: the router owns the virtual addresses (RFC 5798 5.2.4).</summary>
    public bool IsAddressOwner => Priority == 255;

    /// <summary>Compares every option, the lists element by element (a reload keeps a router whose options are equal).</summary>
    public bool Equals(VirtualRouterOptions? other) =>
        other is not null
        && Name == other.Name && VirtualRouterId == other.VirtualRouterId && Version == other.Version && Priority == other.Priority
        && AdvertIntervalCentiseconds == other.AdvertIntervalCentiseconds && Preempt == other.Preempt && PreemptDelay == other.PreemptDelay
        && InitialState == other.InitialState && AcceptMode == other.AcceptMode && PrimaryAddress == other.PrimaryAddress
        && Unicast == other.Unicast && DownTimerAdverts == other.DownTimerAdverts && AuthType == other.AuthType && AuthPassword == other.AuthPassword
        && GarpMasterDelay == other.GarpMasterDelay && GarpMasterRepeat == other.GarpMasterRepeat && GarpMasterRefresh == other.GarpMasterRefresh
        && GarpMasterRefreshRepeat == other.GarpMasterRefreshRepeat && GarpLowerPriorityRepeat == other.GarpLowerPriorityRepeat
        && GarpLowerPriorityDelay == other.GarpLowerPriorityDelay && LowerPriorityNoAdvert == other.LowerPriorityNoAdvert
        && HigherPrioritySendAdvert == other.HigherPrioritySendAdvert && StrictAddressCheck == other.StrictAddressCheck
        && VirtualAddresses.SequenceEqual(other.VirtualAddresses) && Trackers.SequenceEqual(other.Trackers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, VirtualRouterId, Priority, VirtualAddresses.Count);

    /// <summary>
    /// Checks the options. Throws <see cref="ArgumentException"/> naming the option for values no
    /// router can run with; returns warnings for combinations that keepalived corrects (the
    /// router applies the same corrections, see <see cref="VirtualRouter.EffectivePreempt"/>).
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        List<string> warnings = [];
        if (string.IsNullOrWhiteSpace(Name)) Fail(nameof(Name), "the instance name is empty");
        if (VirtualRouterId == 0) Fail(nameof(VirtualRouterId), "virtual_router_id must be 1..255");
        if (Version != VrrpVersion.V2 && Version != VrrpVersion.V3) Fail(nameof(Version), $"version must be 2 or 3, not {(int)Version}");
        if (Family == IpFamily.None) Fail(nameof(PrimaryAddress), "the primary address is missing");
        if (Version == VrrpVersion.V2 && Family != IpFamily.IPv4) Fail(nameof(Version), "VRRPv2 is IPv4 only (RFC 3768)");
        if (Family == IpFamily.IPv6 && !Unicast && !PrimaryAddress.IsIPv6LinkLocal)
            Fail(nameof(PrimaryAddress), $"an IPv6 router sends from its link-local address (RFC 5798 5.1.2.1), not {PrimaryAddress}");
        if (Priority == 0) Fail(nameof(Priority), "priority must be 1..255; 0 is reserved for a Master that stops (RFC 5798 5.2.4)");

        if (Version == VrrpVersion.V3 && (AdvertIntervalCentiseconds < 1 || AdvertIntervalCentiseconds > VrrpAdvertisement.MaxIntervalV3))
            Fail(nameof(AdvertIntervalCentiseconds), $"VRRPv3 advert interval must be 1..4095 centiseconds, not {AdvertIntervalCentiseconds}");
        if (Version == VrrpVersion.V2 && (AdvertIntervalCentiseconds % 100 != 0 || AdvertIntervalCentiseconds < 100 || AdvertIntervalCentiseconds > 25500))
            Fail(nameof(AdvertIntervalCentiseconds), $"VRRPv2 advert interval must be whole seconds 1..255, not {AdvertIntervalCentiseconds / 100.0} s");

        if (VirtualAddresses is null || VirtualAddresses.Count == 0) Fail(nameof(VirtualAddresses), "at least one virtual address is needed (RFC 5798 5.2.5)");
        if (VirtualAddresses.Count > 255) Fail(nameof(VirtualAddresses), "at most 255 virtual addresses fit in an advertisement");
        for (int i = 0; i < VirtualAddresses.Count; i++)
        {
            IpAddr address = VirtualAddresses[i];
            if (address.Family != Family) Fail(nameof(VirtualAddresses), $"{address} is not of the router's family {Family} (RFC 5798 5.2.9)");
            for (int j = 0; j < i; j++)
                if (VirtualAddresses[j] == address) Fail(nameof(VirtualAddresses), $"{address} is listed twice");
        }
        if (Family == IpFamily.IPv6 && !Unicast && !VirtualAddresses[0].IsIPv6LinkLocal)
            warnings.Add($"({Name}) the first IPv6 virtual address {VirtualAddresses[0]} is not link-local (RFC 5798 5.2.9)");

        if (InitialState != RouterState.Backup && InitialState != RouterState.Master)
            Fail(nameof(InitialState), "the initial state is MASTER or BACKUP");
        if (DownTimerAdverts < 1 || DownTimerAdverts > 100) Fail(nameof(DownTimerAdverts), $"down_timer_adverts must be 1..100, not {DownTimerAdverts}");
        if (PreemptDelay < TimeSpan.Zero || PreemptDelay > TimeSpan.FromSeconds(1000))
            Fail(nameof(PreemptDelay), "preempt_delay must be 0..1000 seconds");

        if (AuthType == VrrpAuthType.IpAuthenticationHeader) Fail(nameof(AuthType), "auth_type AH is not supported");
        if (AuthType != VrrpAuthType.None && AuthType != VrrpAuthType.SimpleText) Fail(nameof(AuthType), $"unknown auth type {(int)AuthType}");
        if (AuthType == VrrpAuthType.SimpleText)
        {
            if (Version == VrrpVersion.V3) warnings.Add($"({Name}) VRRPv3 has no authentication; auth_type ignored (RFC 5798 9)");
            else if (string.IsNullOrEmpty(AuthPassword)) Fail(nameof(AuthPassword), "auth_type PASS needs a password");
            else if (Encoding.UTF8.GetByteCount(AuthPassword) > MaxPasswordLength)
                warnings.Add($"({Name}) auth_pass is longer than {MaxPasswordLength} bytes; only the first {MaxPasswordLength} are used");
        }

        if (GarpMasterRepeat < 0 || GarpMasterRefreshRepeat < 0 || GarpLowerPriorityRepeat < 0)
            Fail(nameof(GarpMasterRepeat), "gratuitous repeat counts cannot be negative");
        if (GarpMasterDelay < TimeSpan.Zero || GarpMasterRefresh < TimeSpan.Zero || GarpLowerPriorityDelay < TimeSpan.Zero)
            Fail(nameof(GarpMasterDelay), "gratuitous delays cannot be negative");

        foreach (TrackerOptions tracker in Trackers ?? [])
        {
            if (tracker.Weight < -254 || tracker.Weight > 254) Fail(nameof(Trackers), $"tracker {tracker.Name}: weight must be -254..254, not {tracker.Weight}");
            if (IsAddressOwner && tracker.Weight != 0)
                warnings.Add($"({Name}) tracker {tracker.Name}: the address owner's priority 255 is never adjusted; its weight is ignored");
        }

        // keepalived vrrp_complete_instance: these combinations are corrected with a warning.
        if (IsAddressOwner && !Preempt) warnings.Add($"({Name}) nopreempt is incompatible with priority 255 - resetting nopreempt");
        if (InitialState == RouterState.Master && !Preempt) warnings.Add($"({Name}) Warning - nopreempt will not work with initial state MASTER - clearing");
        if (InitialState == RouterState.Master && PreemptDelay > TimeSpan.Zero) warnings.Add($"({Name}) Warning - preempt delay will not work with initial state MASTER - clearing");
        else if (!Preempt && PreemptDelay > TimeSpan.Zero) warnings.Add($"({Name}) preempt_delay is incompatible with nopreempt mode - resetting");
        return warnings;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string option, string message) => throw new ArgumentException($"{option}: {message}", option);
}
