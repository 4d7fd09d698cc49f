using System.Text;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>What a tracker reports: up or down, or a number.</summary>
public enum TrackerInput : byte
{
    /// <summary>Up or down (a script, an interface, a process's quorum): <see cref="VirtualRouter.SetTrackerState"/>.</summary>
    State,

    /// <summary>A number (keepalived <c>track_file</c>): <see cref="VirtualRouter.SetTrackerValue"/>; see <see cref="TrackerWeights.ValueStatus"/>.</summary>
    Value,
}

/// <summary>
/// A tracked object (keepalived <c>track_script</c>, <c>track_interface</c>, <c>track_process</c>,
/// <c>track_file</c>...): its state is given to the router with <see cref="VirtualRouter.SetTrackerState"/>,
/// or its value with <see cref="VirtualRouter.SetTrackerValue"/>.
/// </summary>
/// <param name="Name">A name for status output.</param>
/// <param name="Weight">
/// keepalived semantics (<see cref="TrackerWeights"/>): a positive weight is added to the
/// priority while the tracker is up, a negative weight while it is down, and weight 0 puts the
/// router in Fault while it is down. A <see cref="TrackerInput.Value"/> tracker adds its value
/// times the weight. Range -254..254.
/// </param>
/// <param name="Reverse">keepalived <c>reverse</c>: the weight counts negated (weight 0: Fault while up, or for the value 0).</param>
/// <param name="Input">Whether it reports up/down or a number.</param>
public readonly record struct TrackerOptions(string Name, int Weight, bool Reverse = false, TrackerInput Input = TrackerInput.State);

/// <summary>
/// A setting <see cref="VirtualRouterOptions.Normalize"/> corrected the way keepalived corrects
/// it, or one it keeps as given but warns about.
/// </summary>
/// <param name="Option">The option concerned: the name of a <see cref="VirtualRouterOptions"/> property, e.g. <c>Preempt</c>.</param>
/// <param name="Message">What was assumed, without the router's name, e.g. "nopreempt does not work with state MASTER; ignored, as keepalived does".</param>
public sealed record OptionsWarning(string Option, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Option}: {Message}";
}

/// <summary>The outcome of <see cref="VirtualRouterOptions.Normalize"/>: the options a router runs with, and what was changed or is doubtful.</summary>
/// <param name="Options">The corrected options (the same values when nothing needed correcting).</param>
/// <param name="Warnings">One entry per correction or doubtful setting, in keepalived's order; empty when there is none.</param>
public readonly record struct NormalizedOptions(VirtualRouterOptions Options, IReadOnlyList<OptionsWarning> Warnings);

/// <summary>
/// Configuration of one <see cref="VirtualRouter"/> (one keepalived <c>vrrp_instance</c>).
/// <see cref="Validate"/> throws <see cref="ArgumentException"/> for values no router can run
/// with; <see cref="Normalize"/> corrects the combinations keepalived corrects and says so. The
/// router constructor calls both and runs with the normalized options.
/// </summary>
/// <remarks>
/// A record: <c>options with { PrimaryAddress = ... }</c> copies with changes, and two options
/// are equal when every setting is, the lists (<see cref="VirtualAddresses"/>,
/// <see cref="Trackers"/>) compared item by item.
/// </remarks>
public sealed record VirtualRouterOptions
{
    /// <summary>Longest VRRPv2 simple password; keepalived truncates longer ones.</summary>
    public const int MaxPasswordLength = 8;

    /// <summary>The priority of the address owner (RFC 5798 5.2.4).</summary>
    public const byte OwnerPriority = 255;

    /// <summary>The priority of a router that sets none (RFC 5798 5.2.4, keepalived).</summary>
    public const byte DefaultPriority = 100;

    /// <summary>The advertisement interval of a router that sets none: one second (RFC 5798 5.2.7, keepalived).</summary>
    public const ushort DefaultAdvertIntervalCentiseconds = 100;

    /// <summary>Master_Down_Interval in advertisement intervals, the RFC's 3 (RFC 5798 6.1, keepalived).</summary>
    public const int DefaultDownTimerAdverts = 3;

    /// <summary>keepalived's default <c>garp_master_repeat</c>.</summary>
    public const int DefaultGarpMasterRepeat = 5;

    /// <summary>keepalived's default <c>garp_master_refresh_repeat</c>.</summary>
    public const int DefaultGarpMasterRefreshRepeat = 1;

    /// <summary>keepalived's default <c>garp_master_delay</c>: 5 s.</summary>
    public static TimeSpan DefaultGarpMasterDelay { get; } = TimeSpan.FromSeconds(5);

    /// <summary>True when <paramref name="priority"/> is the address owner's, 255 (RFC 5798 5.2.4).</summary>
    public static bool IsOwnerPriority(byte priority) => priority == OwnerPriority;

    /// <summary>The instance name, used in logs (<c>(NAME) Entering MASTER STATE</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Virtual Router Identifier, 1..255 (RFC 5798 5.2.3).</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>Protocol version: <see cref="VrrpVersion.V3"/> (default, RFC 5798) or <see cref="VrrpVersion.V2"/> (RFC 3768, IPv4 only).</summary>
    public VrrpVersion Version { get; init; } = VrrpVersion.V3;

    /// <summary>Configured priority: 255 for the address owner, 1..254 otherwise (RFC 5798 5.2.4). Default <see cref="DefaultPriority"/>.</summary>
    public byte Priority { get; init; } = DefaultPriority;

    /// <summary>
    /// Advertisement_Interval in centiseconds: 1..4095 for VRRPv3 (RFC 5798 5.2.7), whole seconds
    /// (100..25500) for VRRPv2 (RFC 3768 5.3.7). Default 100 (one second).
    /// </summary>
    public ushort AdvertIntervalCentiseconds { get; init; } = DefaultAdvertIntervalCentiseconds;

    /// <summary>
    /// Preempt_Mode (RFC 5798 6.1). False is keepalived's <c>nopreempt</c>. Default true;
    /// <see cref="Normalize"/> turns it on for the owner and for <c>state MASTER</c>.
    /// </summary>
    public bool Preempt { get; init; } = true;

    /// <summary>
    /// keepalived <c>preempt_delay</c> (0..1000 s): a Backup that preempts keeps accepting a
    /// lower-priority Master until this long after it first saw one since entering Backup.
    /// <see cref="Normalize"/> clears it for <c>state MASTER</c> and without preemption.
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
    /// RFC 5798 6.4.3 compares it with the sender's. Default <c>default(IpAddr)</c> (family
    /// <see cref="IpFamily.None"/>): not known yet, for the host to resolve from the interface;
    /// <see cref="Validate"/> refuses it, so a router needs it set.
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
    public int DownTimerAdverts { get; init; } = DefaultDownTimerAdverts;

    /// <summary>The address family, taken from <see cref="PrimaryAddress"/>.</summary>
    public IpFamily Family => PrimaryAddress.Family;

    /// <summary>VRRPv2 authentication: <see cref="VrrpAuthType.None"/> or <see cref="VrrpAuthType.SimpleText"/> (keepalived <c>auth_type PASS</c>).</summary>
    public VrrpAuthType AuthType { get; init; } = VrrpAuthType.None;

    /// <summary>VRRPv2 simple password (keepalived <c>auth_pass</c>); at most 8 bytes are used.</summary>
    public string? AuthPassword { get; init; }

    /// <summary>keepalived <c>garp_master_delay</c>: delay of the second gratuitous burst after becoming Master; zero for none. Default 5 s.</summary>
    public TimeSpan GarpMasterDelay { get; init; } = DefaultGarpMasterDelay;

    /// <summary>keepalived <c>garp_master_repeat</c>: rounds per gratuitous burst. Default 5.</summary>
    public int GarpMasterRepeat { get; init; } = DefaultGarpMasterRepeat;

    /// <summary>keepalived <c>garp_master_refresh</c>: period of gratuitous refresh bursts while Master; zero (default) for none.</summary>
    public TimeSpan GarpMasterRefresh { get; init; } = TimeSpan.Zero;

    /// <summary>keepalived <c>garp_master_refresh_repeat</c>: rounds per refresh burst. Default 1.</summary>
    public int GarpMasterRefreshRepeat { get; init; } = DefaultGarpMasterRefreshRepeat;

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

    /// <summary>
    /// Tracked objects, indexed as given to <see cref="VirtualRouter.SetTrackerState"/> and
    /// <see cref="VirtualRouter.SetTrackerValue"/>. Up/down trackers start up, value trackers at 0.
    /// </summary>
    public IReadOnlyList<TrackerOptions> Trackers { get; init; } = [];

    /// <summary>True when <see cref="Priority"/> is 255: the router owns the virtual addresses (RFC 5798 5.2.4).</summary>
    public bool IsAddressOwner => IsOwnerPriority(Priority);

    /// <summary>
    /// Checks the options: throws <see cref="ArgumentException"/> naming the option for values
    /// no router can run with. Combinations keepalived runs after correcting them pass; see
    /// <see cref="Normalize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; <see cref="ArgumentException.ParamName"/> names it.</exception>
    public void Validate()
    {
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

        if (InitialState != RouterState.Backup && InitialState != RouterState.Master)
            Fail(nameof(InitialState), "the initial state is MASTER or BACKUP");
        if (DownTimerAdverts < 1 || DownTimerAdverts > 100) Fail(nameof(DownTimerAdverts), $"down_timer_adverts must be 1..100, not {DownTimerAdverts}");
        if (PreemptDelay < TimeSpan.Zero || PreemptDelay > TimeSpan.FromSeconds(1000))
            Fail(nameof(PreemptDelay), "preempt_delay must be 0..1000 seconds");

        if (AuthType == VrrpAuthType.IpAuthenticationHeader) Fail(nameof(AuthType), "auth_type AH is not supported");
        if (AuthType != VrrpAuthType.None && AuthType != VrrpAuthType.SimpleText) Fail(nameof(AuthType), $"unknown auth type {(int)AuthType}");
        // VRRPv3 has no authentication: Normalize drops it, with or without a password.
        if (AuthType == VrrpAuthType.SimpleText && Version == VrrpVersion.V2 && string.IsNullOrEmpty(AuthPassword))
            Fail(nameof(AuthPassword), "auth_type PASS needs a password");

        if (GarpMasterRepeat < 0 || GarpMasterRefreshRepeat < 0 || GarpLowerPriorityRepeat < 0)
            Fail(nameof(GarpMasterRepeat), "gratuitous repeat counts cannot be negative");
        if (GarpMasterDelay < TimeSpan.Zero || GarpMasterRefresh < TimeSpan.Zero || GarpLowerPriorityDelay < TimeSpan.Zero)
            Fail(nameof(GarpMasterDelay), "gratuitous delays cannot be negative");

        foreach (TrackerOptions tracker in Trackers ?? [])
        {
            if (tracker.Weight < -254 || tracker.Weight > 254) Fail(nameof(Trackers), $"tracker {tracker.Name}: weight must be -254..254, not {tracker.Weight}");
        }
    }

    /// <summary>
    /// keepalived's corrections of an instance (<c>vrrp_complete_instance</c>), in its order, the
    /// only place they are made: the owner and <c>state MASTER</c> always preempt; a preempt
    /// delay needs an initial BACKUP state and preemption; VRRPv3 has no authentication. Also
    /// warns, changing nothing, about settings that run but are doubtful. Needs no
    /// <see cref="PrimaryAddress"/>, so a configuration can be normalized before the host knows it.
    /// </summary>
    /// <returns>The corrected options and one <see cref="OptionsWarning"/> per correction or doubt.</returns>
    public NormalizedOptions Normalize()
    {
        List<OptionsWarning> warnings = [];
        bool preempt = Preempt;
        TimeSpan preemptDelay = PreemptDelay;
        VrrpAuthType authType = AuthType;
        string? authPassword = AuthPassword;

        if (IsAddressOwner && !preempt)
        {
            warnings.Add(new(nameof(Preempt), "nopreempt does not apply to priority 255 (address owner); ignored, as keepalived does"));
            preempt = true;
        }
        if (InitialState == RouterState.Master)
        {
            if (!preempt)
            {
                warnings.Add(new(nameof(Preempt), "nopreempt does not work with state MASTER; ignored, as keepalived does (use state BACKUP)"));
                preempt = true;
            }
            if (preemptDelay > TimeSpan.Zero)
            {
                warnings.Add(new(nameof(PreemptDelay), "preempt_delay does not work with state MASTER; ignored, as keepalived does (use state BACKUP)"));
                preemptDelay = TimeSpan.Zero;
            }
        }
        if (preemptDelay > TimeSpan.Zero && !preempt)
        {
            warnings.Add(new(nameof(PreemptDelay), "preempt_delay does not apply with nopreempt; ignored, as keepalived does"));
            preemptDelay = TimeSpan.Zero;
        }

        if (authType == VrrpAuthType.SimpleText && Version == VrrpVersion.V3)
        {
            warnings.Add(new(nameof(AuthType), "VRRPv3 has no authentication (RFC 5798 9); it is ignored, as keepalived does"));
            authType = VrrpAuthType.None;
            authPassword = null;
        }
        else if (authType == VrrpAuthType.SimpleText && authPassword is not null && Encoding.UTF8.GetByteCount(authPassword) > MaxPasswordLength)
        {
            warnings.Add(new(nameof(AuthPassword), $"auth_pass is longer than {MaxPasswordLength} bytes; only the first {MaxPasswordLength} are used"));
        }

        IReadOnlyList<IpAddr> addresses = VirtualAddresses ?? [];
        if (!Unicast && addresses.Count > 0 && addresses[0].IsIPv6 && !addresses[0].IsIPv6LinkLocal)
            warnings.Add(new(nameof(VirtualAddresses), $"the first IPv6 virtual address {addresses[0]} is not link-local (RFC 5798 5.2.9)"));

        if (IsAddressOwner)
        {
            foreach (TrackerOptions tracker in Trackers ?? [])
            {
                if (tracker.Weight != 0)
                    warnings.Add(new(nameof(Trackers), $"tracker {tracker.Name}: the address owner's priority 255 is never adjusted; its weight is ignored"));
            }
        }

        VirtualRouterOptions options = preempt == Preempt && preemptDelay == PreemptDelay && authType == AuthType && authPassword == AuthPassword
            ? this
            : this with { Preempt = preempt, PreemptDelay = preemptDelay, AuthType = authType, AuthPassword = authPassword };
        return new NormalizedOptions(options, warnings);
    }

    /// <summary>Value equality: every setting, the lists item by item.</summary>
    public bool Equals(VirtualRouterOptions? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Name == other.Name
                && VirtualRouterId == other.VirtualRouterId
                && Version == other.Version
                && Priority == other.Priority
                && AdvertIntervalCentiseconds == other.AdvertIntervalCentiseconds
                && Preempt == other.Preempt
                && PreemptDelay == other.PreemptDelay
                && InitialState == other.InitialState
                && AcceptMode == other.AcceptMode
                && SameItems(VirtualAddresses, other.VirtualAddresses)
                && PrimaryAddress == other.PrimaryAddress
                && Unicast == other.Unicast
                && DownTimerAdverts == other.DownTimerAdverts
                && AuthType == other.AuthType
                && AuthPassword == other.AuthPassword
                && GarpMasterDelay == other.GarpMasterDelay
                && GarpMasterRepeat == other.GarpMasterRepeat
                && GarpMasterRefresh == other.GarpMasterRefresh
                && GarpMasterRefreshRepeat == other.GarpMasterRefreshRepeat
                && GarpLowerPriorityRepeat == other.GarpLowerPriorityRepeat
                && GarpLowerPriorityDelay == other.GarpLowerPriorityDelay
                && LowerPriorityNoAdvert == other.LowerPriorityNoAdvert
                && HigherPrioritySendAdvert == other.HigherPrioritySendAdvert
                && StrictAddressCheck == other.StrictAddressCheck
                && SameItems(Trackers, other.Trackers)));

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name);
        hash.Add(VirtualRouterId);
        hash.Add(Version);
        hash.Add(Priority);
        hash.Add(AdvertIntervalCentiseconds);
        hash.Add(Preempt);
        hash.Add(PreemptDelay);
        hash.Add(InitialState);
        hash.Add(PrimaryAddress);
        hash.Add(Unicast);
        foreach (IpAddr address in VirtualAddresses ?? [])
            hash.Add(address);
        foreach (TrackerOptions tracker in Trackers ?? [])
            hash.Add(tracker);
        return hash.ToHashCode();
    }

    private static bool SameItems<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Count != b.Count) return false;
        EqualityComparer<T> comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Count; i++)
            if (!comparer.Equals(a[i], b[i])) return false;
        return true;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string option, string message) => throw new ArgumentException($"{option}: {message}", option);
}
