using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>
/// One VRRP virtual router (a keepalived <c>vrrp_instance</c>) as a sans-IO state machine:
/// RFC 5798 section 6 with the RFC 9568 errata for VRRPv3, RFC 3768 for VRRPv2, and
/// keepalived's behaviour wherever the RFCs leave room (each such place says so).
/// </summary>
/// <remarks>
/// <para>
/// The router performs no I/O, reads no clock and allocates nothing after construction. Every
/// input carries <c>now</c>, a monotonic <see cref="Instant"/>. After every input the host
/// drains <see cref="TryPollAction"/> (send an advertisement, add or remove the virtual
/// addresses, send gratuitous ARP/NA, state changes) and sleeps until <see cref="PollTimeout"/>,
/// then calls <see cref="HandleTimeout"/>. The host parses received frames itself and hands
/// each advertisement of this router's family and VRID to <see cref="HandleAdvertisement"/>.
/// </para>
/// <para>
/// Perform actions in the order they are polled: becoming Master yields SendAdvertisement,
/// AddAddresses, SendGratuitous, StateChanged (keepalived advertises before adding the
/// addresses so the old Master lets go first); leaving Master yields an optional priority-0
/// SendAdvertisement, RemoveAddresses, StateChanged.
/// </para>
/// <para>Not thread-safe: drive one router (and its <see cref="SyncGroup"/>) from one thread.</para>
/// <para>VRRPv2/v3 interoperation mode (RFC 5798 8.4) is not implemented: a router speaks one version.</para>
/// </remarks>
public sealed class VirtualRouter
{
    private VirtualRouterOptions _options;
    private readonly byte[] _addressBytes;
    private readonly byte[] _authData;
    private readonly TrackerTable _trackers;
    private TimeSpan _advertInterval;
    private readonly ActionQueue _actions = new();
    private TimerTable _timers = TimerTable.AllNever();

    private bool _running;
    private RouterState _state;
    private Instant _stateSince;
    private StateChangeReason _stateReason;
    private byte _effectivePriority;
    private bool _interfaceUp = true;
    private TimeSpan _masterAdverInterval;
    private TimeSpan _skewTime;
    private TimeSpan _masterDownInterval;
    private IpAddr _masterAddress;
    private byte _masterPriority;
    private ushort _masterAdvertIntervalCentiseconds;
    private Instant _preemptAt = Instant.Never;
    private StateChangeReason _nextMasterReason = StateChangeReason.MasterDown;
    private ulong _reportedMismatch;

    /// <summary>
    /// Creates a router in <see cref="RouterState.Initialize"/>; call <see cref="HandleStartup"/>
    /// to run it. The router runs with <paramref name="options"/> normalized
    /// (<see cref="VirtualRouterOptions.Normalize"/>): see <see cref="Options"/> and <see cref="Warnings"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="VirtualRouterOptions.Validate"/>).</exception>
    public VirtualRouter(VirtualRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        NormalizedOptions normalized = options.Normalize();
        options = normalized.Options;
        string[] warnings = new string[normalized.Warnings.Count];
        for (int i = 0; i < warnings.Length; i++) warnings[i] = $"({options.Name}) {normalized.Warnings[i].Message}";
        Warnings = warnings;
        _options = options;
        _addressBytes = VrrpAdvertisement.PackAddresses([.. options.VirtualAddresses]);
        // keepalived auth_pass: the first 8 bytes, zero padded.
        _authData = options.Version == VrrpVersion.V2 && options.AuthType == VrrpAuthType.SimpleText ? Authentication.PasswordData(options.AuthPassword!) : [];
        _trackers = new TrackerTable(options.Trackers);
        _advertInterval = VrrpTiming.FromCentiseconds(options.AdvertIntervalCentiseconds);
        SetMasterAdverInterval(_advertInterval);
        _effectivePriority = ComputeEffectivePriority();
        UpdateTiming();
    }

    /// <summary>The configuration the router runs with: the options given, normalized (<see cref="VirtualRouterOptions.Normalize"/>).</summary>
    public VirtualRouterOptions Options => _options;

    /// <summary>
    /// The warnings of <see cref="VirtualRouterOptions.Normalize"/>, each prefixed with the
    /// router's name in parentheses: settings corrected the way keepalived corrects them, or doubtful.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The instance name.</summary>
    public string Name => _options.Name;

    /// <summary>The current state.</summary>
    public RouterState State => _state;

    /// <summary>When the current state was entered (<see cref="Instant.Zero"/> before startup).</summary>
    public Instant StateSince => _stateSince;

    /// <summary>Why the current state was entered.</summary>
    public StateChangeReason StateReason => _stateReason;

    /// <summary>True between <see cref="HandleStartup"/> and <see cref="HandleShutdown"/>.</summary>
    public bool IsRunning => _running;

    /// <summary>The configured priority.</summary>
    public byte ConfiguredPriority => _options.Priority;

    /// <summary>The priority after tracker weights, clamped to 1..254; always 255 for the owner.</summary>
    public byte EffectivePriority => _effectivePriority;

    /// <summary>Preempt_Mode in effect: <see cref="Options"/>' normalized value (on for the owner and for <c>state MASTER</c>).</summary>
    public bool EffectivePreempt => _options.Preempt;

    /// <summary>The preempt delay in effect: <see cref="Options"/>' normalized value (zero when keepalived resets it).</summary>
    public TimeSpan EffectivePreemptDelay => _options.PreemptDelay;

    /// <summary>
    /// The current Master as far as this router knows: its own primary address while Master,
    /// the sender of the last accepted advertisement while Backup, default otherwise.
    /// </summary>
    public IpAddr MasterAddress => _masterAddress;

    /// <summary>The priority the current Master advertised (ours while Master).</summary>
    public byte MasterPriority => _masterPriority;

    /// <summary>The interval the current Master advertised, centiseconds (ours while Master).</summary>
    public ushort MasterAdvertIntervalCentiseconds => _masterAdvertIntervalCentiseconds;

    /// <summary>Master_Adver_Interval: learned from the Master in VRRPv3 Backup (RFC 5798 6.4.2), else our own interval.</summary>
    public TimeSpan MasterAdverInterval => _masterAdverInterval;

    /// <summary>Skew_Time for our effective priority and <see cref="MasterAdverInterval"/>.</summary>
    public TimeSpan SkewTime => _skewTime;

    /// <summary>Master_Down_Interval for our effective priority and <see cref="MasterAdverInterval"/>.</summary>
    public TimeSpan MasterDownInterval => _masterDownInterval;

    /// <summary>The interface state last given to <see cref="SetInterfaceUp"/> (initially up).</summary>
    public bool InterfaceUp => _interfaceUp;

    /// <summary>
    /// The state last given for tracker <paramref name="index"/> (initially up, before any
    /// <c>reverse</c>); for a <see cref="TrackerInput.Value"/> tracker, whether its value does not fault.
    /// </summary>
    public bool IsTrackerUp(int index) => _trackers.IsUp(index);

    /// <summary>The value last given for a <see cref="TrackerInput.Value"/> tracker (initially 0; 0 for up/down trackers).</summary>
    public long TrackerValue(int index) => _trackers.Value(index);

    /// <summary>True while tracker <paramref name="index"/> holds the router in Fault (see <see cref="TrackerWeights"/>).</summary>
    public bool IsTrackerFaulting(int index) => _trackers.IsFaulting(index);

    /// <summary>True while the interface is down or a tracker faults (a weight-0 tracker down, a tracked file's fault value): the router's own reasons for Fault.</summary>
    public bool HasOwnFault => !_interfaceUp || _trackers.AnyFaulting();

    /// <summary>Counters for status output.</summary>
    public RouterCounters Counters { get; } = new();

    /// <summary>The sync group this router belongs to, if any.</summary>
    public SyncGroup? SyncGroup { get; internal set; }

    /// <summary>The virtual addresses packed as they are advertised (for the host's own frames).</summary>
    public ReadOnlySpan<byte> VirtualAddressBytes => _addressBytes;

    internal bool WantsMaster { get; private set; }

    /// <summary>
    /// Builds the advertisement to send for a <see cref="RouterActionKind.SendAdvertisement"/>
    /// action, over the router's own buffers (no allocation). Emit it with
    /// <see cref="VrrpAdvertisement.Emit"/> from <see cref="VirtualRouterOptions.PrimaryAddress"/>.
    /// </summary>
    public VrrpAdvertisement CreateAdvertisement(byte priority) => new()
    {
        Version = _options.Version,
        Family = _options.Family,
        VirtualRouterId = _options.VirtualRouterId,
        Priority = priority,
        AdvertIntervalCentiseconds = _options.AdvertIntervalCentiseconds,
        AuthType = _options.Version == VrrpVersion.V2 ? _options.AuthType : VrrpAuthType.None,
        AuthData = _authData,
        AddressBytes = _addressBytes,
    };

    /// <summary>Takes the next pending action; false when there is none. Drain after every input.</summary>
    public bool TryPollAction(out RouterAction action) => _actions.TryDequeue(out action);

    /// <summary>The earliest deadline at which <see cref="HandleTimeout"/> must be called; <see cref="Instant.Never"/> when idle.</summary>
    public Instant PollTimeout() => _running ? _timers.Earliest() : Instant.Never;

    /// <summary>
    /// Starts the router (RFC 5798 6.4.1). The owner becomes Master at once; others enter Backup
    /// with the Master_Down timer; <c>state MASTER</c> enters Backup with a timer due now
    /// (keepalived); an interface that is down or a failed weight-0 tracker gives Fault.
    /// </summary>
    /// <exception cref="InvalidOperationException">The router is already running.</exception>
    public void HandleStartup(Instant now)
    {
        if (_running) ThrowHelper.InvalidOperation($"({Name}) is already running");
        _running = true;
        SetMasterAdverInterval(_advertInterval);
        ClearMaster();
        if (HasOwnFault || (SyncGroup?.HasFaultyMember ?? false))
        {
            EnterFault(now, HasOwnFault ? OwnFaultReason() : StateChangeReason.SyncGroup);
            SyncGroup?.Reconcile(now, this, OwnFaultReason(), StateChangeReason.None);
        }
        else if (_options.IsAddressOwner && SyncGroup is null)
        {
            BecomeMaster(now, StateChangeReason.AddressOwner);
        }
        else
        {
            EnterBackup(now, StateChangeReason.Startup);
            if (_options.IsAddressOwner || _options.InitialState == RouterState.Master)
            {
                // keepalived vrrp_init_state: "the simplest way to become master is to timeout
                // from the backup state very quickly"; a sync group may still hold it back.
                _timers.Set(TimerKind.MasterDown, now);
                _nextMasterReason = _options.IsAddressOwner ? StateChangeReason.AddressOwner : StateChangeReason.InitialStateMaster;
            }
        }
        SyncGroup?.OnMemberStarted(now, this);
    }

    /// <summary>
    /// Stops the router: a Master sends priority 0 and removes its addresses (RFC 5798 6.4.3),
    /// a Backup cancels its timer (RFC 5798 6.4.2); the state becomes Initialize. Does nothing
    /// when not running. <see cref="HandleStartup"/> may start it again.
    /// </summary>
    public void HandleShutdown(Instant now)
    {
        if (!_running) return;
        if (_state == RouterState.Master) LeaveMaster(now, sendPriorityZero: true);
        _timers.CancelAll();
        _running = false;
        WantsMaster = false;
        ClearMaster();
        SetState(now, RouterState.Initialize, StateChangeReason.Shutdown);
    }

    /// <summary>
    /// The Master gives way without a fault: it sends priority 0, removes its addresses and
    /// enters Backup with the Master_Down_Timer at Skew_Time, as a Backup does on receiving
    /// priority 0 (RFC 5798 6.4.2), so it takes over again (adding its addresses afresh) unless
    /// another router does first. keepalived 2.2.7 does this when a tracked virtual route or rule
    /// is deleted while it is Master. Does nothing in any other state.
    /// </summary>
    public void HandleResign(Instant now)
    {
        if (!_running || _state != RouterState.Master) return;
        LeaveMaster(now, sendPriorityZero: true);
        EnterBackup(now, StateChangeReason.Resigned);
        ClearMaster();
        _timers.Set(TimerKind.MasterDown, now + _skewTime);
        _nextMasterReason = StateChangeReason.MasterReleased;
        SyncGroup?.OnMemberLeftMaster(now, this);
    }

    /// <summary>Handles the timers due at <paramref name="now"/>; does nothing when none is due.</summary>
    public void HandleTimeout(Instant now)
    {
        if (!_running) return;
        if (_timers.Get(TimerKind.MasterDown) <= now)
        {
            _timers.Cancel(TimerKind.MasterDown);
            if (_state == RouterState.Backup) OnMasterDown(now);
        }
        if (_state != RouterState.Master) return;
        if (_timers.Get(TimerKind.Advert) <= now)
        {
            // RFC 5798 6.4.3: when the Adver_Timer fires, send an advertisement and reset it.
            SendAdvertisement(now, _effectivePriority);
            _timers.Set(TimerKind.Advert, now + _advertInterval);
        }
        if (_timers.Get(TimerKind.GarpDelayed) <= now)
        {
            _timers.Cancel(TimerKind.GarpDelayed);
            SendGratuitous(now, _options.GarpMasterRepeat);
        }
        if (_timers.Get(TimerKind.GarpRefresh) <= now)
        {
            _timers.Set(TimerKind.GarpRefresh, now + _options.GarpMasterRefresh);
            SendGratuitous(now, _options.GarpMasterRefreshRepeat);
        }
        if (_timers.Get(TimerKind.GarpLowerPriority) <= now)
        {
            _timers.Cancel(TimerKind.GarpLowerPriority);
            SendGratuitous(now, _options.GarpLowerPriorityRepeat);
        }
    }

    /// <summary>
    /// Handles an advertisement the host parsed (<see cref="VrrpAdvertisement.TryParse"/>) and
    /// routed here by family and VRID. Checks what depends on the configuration (RFC 5798 7.1,
    /// RFC 3768 7.1), counts a rejection by reason and returns it, else runs the state machine.
    /// </summary>
    /// <param name="now">When the advertisement arrived.</param>
    /// <param name="advertisement">The parsed advertisement.</param>
    /// <param name="source">The IP source address: the sender's primary address, used by the RFC 5798 6.4.3 tie-break.</param>
    public RejectReason HandleAdvertisement(Instant now, in VrrpAdvertisement advertisement, IpAddr source)
    {
        RejectReason reason = Check(now, in advertisement, source);
        if (reason != RejectReason.None)
        {
            Counters.CountRejected(reason);
            return reason;
        }
        Counters.AdvertisementsReceived++;
        if (advertisement.Priority == 0) Counters.PriorityZeroReceived++;
        if (_state == RouterState.Backup) OnAdvertisementAsBackup(now, in advertisement, source);
        else OnAdvertisementAsMaster(now, in advertisement, source);
        return RejectReason.None;
    }

    /// <summary>
    /// Reports an up/down tracker's state. The effective priority changes at once and shows in
    /// the next advertisement; a weight-0 tracker going down puts the router (and its sync
    /// group) in Fault.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No tracker has that index.</exception>
    /// <exception cref="ArgumentException">The tracker reports values (<see cref="TrackerInput.Value"/>).</exception>
    public void SetTrackerState(Instant now, int index, bool up)
    {
        if (_trackers.SetState(index, up)) TrackersChanged(now);
    }

    /// <summary>
    /// Reports a value tracker's value (keepalived <c>track_file</c>): its status
    /// (<see cref="TrackerWeights.ValueStatus"/>) is added to the priority at once, and a status
    /// of <see cref="TrackerWeights.FaultStatus"/> puts the router (and its sync group) in Fault.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No tracker has that index.</exception>
    /// <exception cref="ArgumentException">The tracker reports up/down (<see cref="TrackerInput.State"/>).</exception>
    public void SetTrackerValue(Instant now, int index, long value)
    {
        if (_trackers.SetValue(index, value)) TrackersChanged(now);
    }

    private void TrackersChanged(Instant now)
    {
        _effectivePriority = ComputeEffectivePriority();
        UpdateTiming();
        ReconcileFault(now, StateChangeReason.TrackerFailed, StateChangeReason.TrackerRecovered);
    }

    /// <summary>
    /// Applies new options to the running router without a transition, as keepalived applies a
    /// reloaded priority: priority, advertisement interval, preemption and its delay, accept
    /// mode, the gratuitous ARP settings, down_timer_adverts and tracker weights may change.
    /// The effective priority and the timers' intervals follow at once; a Master advertises
    /// the new priority at its next Adver_Timer, and stays Master (a Backup that now outranks it
    /// preempts on that advertisement, RFC 5798 6.4.2). False, changing nothing, when a setting
    /// that defines the router differs (name, VRID, version, addresses, source, unicast,
    /// authentication, the trackers themselves, or becoming or ceasing to be the address owner):
    /// such a router is built anew.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public bool TryReconfigure(Instant now, VirtualRouterOptions options)
    {
        if (!CanReconfigure(options))
            return false;
        VirtualRouterOptions next = options.Normalize().Options;
        _trackers.TryReweight(next.Trackers);
        _options = next;
        TimeSpan interval = VrrpTiming.FromCentiseconds(next.AdvertIntervalCentiseconds);
        if (interval != _advertInterval)
        {
            _advertInterval = interval;
            // Master_Adver_Interval is ours unless a VRRPv3 Backup learned its Master's (RFC 5798 6.4.2).
            if (_state == RouterState.Master || next.Version == VrrpVersion.V2 || _masterAddress.Family == IpFamily.None)
                SetMasterAdverInterval(interval);
        }
        if (!next.Preempt || next.PreemptDelay == TimeSpan.Zero)
            _preemptAt = Instant.Never;
        TrackersChanged(now);
        return true;
    }

    /// <summary>Whether <see cref="TryReconfigure"/> would apply <paramref name="options"/> (changes nothing).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public bool CanReconfigure(VirtualRouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        VirtualRouterOptions next = options.Normalize().Options;
        VirtualRouterOptions current = _options;
        return next.Name == current.Name && next.VirtualRouterId == current.VirtualRouterId && next.Version == current.Version
            && next.PrimaryAddress == current.PrimaryAddress && next.Unicast == current.Unicast
            && next.VirtualAddresses.SequenceEqual(current.VirtualAddresses)
            && next.AuthType == current.AuthType && next.AuthPassword == current.AuthPassword
            && next.IsAddressOwner == current.IsAddressOwner && _trackers.SameTrackers(next.Trackers);
    }

    /// <summary>Reports the interface's link state: down means Fault until it is up again (keepalived).</summary>
    public void SetInterfaceUp(Instant now, bool up)
    {
        if (_interfaceUp == up) return;
        _interfaceUp = up;
        ReconcileFault(now, StateChangeReason.InterfaceDown, StateChangeReason.InterfaceUp);
    }

    private RejectReason Check(Instant now, in VrrpAdvertisement advertisement, IpAddr source)
    {
        if (!_running || _state is RouterState.Fault or RouterState.Initialize) return RejectReason.NotActive;
        if (advertisement.VirtualRouterId != _options.VirtualRouterId || advertisement.Family != _options.Family) return RejectReason.WrongVirtualRouter;
        if (source == _options.PrimaryAddress) return RejectReason.OwnAdvertisement;
        // RFC 5798 7.1 / RFC 3768 7.1: MUST verify the version.
        if (advertisement.Version != _options.Version) return RejectReason.VersionMismatch;
        if (_options.Version == VrrpVersion.V2)
        {
            // RFC 3768 7.1 "MUST perform authentication specified by Auth Type"; keepalived
            // compares the type, then for PASS the 8 bytes of password.
            VrrpAuthType expected = _authData.Length > 0 ? VrrpAuthType.SimpleText : VrrpAuthType.None;
            switch (Authentication.Check(in advertisement, expected, _authData))
            {
                case ParseError.AuthTypeMismatch: return RejectReason.AuthTypeMismatch;
                case ParseError.AuthMismatch: return RejectReason.AuthMismatch;
            }
            // RFC 3768 7.1: the Adver Interval MUST match ours, else discard (keepalived too).
            if (advertisement.AdvertIntervalCentiseconds != _options.AdvertIntervalCentiseconds) return RejectReason.IntervalMismatch;
        }
        if (!SameAddresses(advertisement.AddressBytes))
        {
            // RFC 3768 7.1: a list that differs is dropped unless the owner sent it.
            // RFC 5798 7.1: MAY verify, SHOULD log; accepted unless configured strict.
            if (_options.StrictAddressCheck || (_options.Version == VrrpVersion.V2 && advertisement.Priority != 255))
                return RejectReason.AddressListMismatch;
            Counters.AddressListMismatches++;
            ulong hash = Hash(advertisement.AddressBytes);
            if (hash != _reportedMismatch)
            {
                _reportedMismatch = hash;
                _actions.Enqueue(new RouterAction { Kind = RouterActionKind.AddressListMismatch, Time = now, Source = source });
            }
        }
        else
        {
            _reportedMismatch = 0;
        }
        return RejectReason.None;
    }

    private void OnAdvertisementAsBackup(Instant now, in VrrpAdvertisement advertisement, IpAddr source)
    {
        if (advertisement.Priority == 0)
        {
            // RFC 5798 6.4.2: priority 0 sets the Master_Down_Timer to Skew_Time.
            _timers.Set(TimerKind.MasterDown, now + _skewTime);
            _nextMasterReason = StateChangeReason.MasterReleased;
            return;
        }
        // keepalived preempt_delay: a lower-priority Master is accepted until the delay, started
        // when the first one is seen in this Backup period, has passed.
        bool preemptHeld = _options.PreemptDelay > TimeSpan.Zero && (!_preemptAt.IsFinite || now < _preemptAt);
        if (!_options.Preempt || advertisement.Priority >= _effectivePriority || preemptHeld)
        {
            // RFC 5798 6.4.2: learn Master_Adver_Interval (VRRPv3), recompute Skew_Time and
            // Master_Down_Interval, reset the Master_Down_Timer.
            if (_options.Version == VrrpVersion.V3) SetMasterAdverInterval(VrrpTiming.FromCentiseconds(advertisement.AdvertIntervalCentiseconds));
            _timers.Set(TimerKind.MasterDown, now + _masterDownInterval);
            _masterAddress = source;
            _masterPriority = advertisement.Priority;
            _masterAdvertIntervalCentiseconds = advertisement.AdvertIntervalCentiseconds;
            _nextMasterReason = StateChangeReason.MasterDown;
            WantsMaster = false;
            if (_options.PreemptDelay > TimeSpan.Zero)
            {
                if (advertisement.Priority >= _effectivePriority) _preemptAt = Instant.Never;
                else if (!_preemptAt.IsFinite) _preemptAt = now + _options.PreemptDelay;
            }
        }
        else
        {
            // RFC 5798 6.4.2: Preempt_Mode and a lower priority: discard; the timer keeps running.
            Counters.LowerPriorityDiscarded++;
            _nextMasterReason = StateChangeReason.Preempted;
        }
    }

    private void OnAdvertisementAsMaster(Instant now, in VrrpAdvertisement advertisement, IpAddr source)
    {
        if (advertisement.Priority == 0)
        {
            // RFC 5798 6.4.3: priority 0 received: send an advertisement, reset the Adver_Timer.
            SendAdvertisement(now, _effectivePriority);
            _timers.Set(TimerKind.Advert, now + _advertInterval);
            return;
        }
        int order = advertisement.Priority.CompareTo(_effectivePriority);
        if (order > 0 || (order == 0 && source > _options.PrimaryAddress))
        {
            // RFC 5798 6.4.3: higher priority, or equal priority and greater primary address
            // (unsigned, network order): learn the interval, set Master_Down, go Backup.
            if (_options.HigherPrioritySendAdvert) SendAdvertisement(now, _effectivePriority);
            if (_options.Version == VrrpVersion.V3) SetMasterAdverInterval(VrrpTiming.FromCentiseconds(advertisement.AdvertIntervalCentiseconds));
            LeaveMaster(now, sendPriorityZero: false);
            EnterBackup(now, order > 0 ? StateChangeReason.HigherPriority : StateChangeReason.HigherAddress);
            _masterAddress = source;
            _masterPriority = advertisement.Priority;
            _masterAdvertIntervalCentiseconds = advertisement.AdvertIntervalCentiseconds;
            SyncGroup?.OnMemberLeftMaster(now, this);
            return;
        }
        // RFC 9568 6.4.3: discard a lower priority and send an advertisement immediately to
        // assert Master (keepalived does the same and restarts its advert timer, unless
        // lower_prio_no_advert).
        if (!_options.LowerPriorityNoAdvert)
        {
            Counters.LowerPriorityAnswered++;
            SendAdvertisement(now, _effectivePriority);
            _timers.Set(TimerKind.Advert, now + _advertInterval);
        }
        if (_options.GarpLowerPriorityRepeat > 0)
        {
            // keepalived garp_lower_prio_repeat / garp_lower_prio_delay.
            SendGratuitous(now, _options.GarpLowerPriorityRepeat);
            if (_options.GarpLowerPriorityDelay > TimeSpan.Zero) _timers.Set(TimerKind.GarpLowerPriority, now + _options.GarpLowerPriorityDelay);
        }
    }

    private void OnMasterDown(Instant now)
    {
        WantsMaster = true;
        if (SyncGroup is not null && !SyncGroup.CanGoMaster(this))
        {
            // keepalived vrrp_sync_can_goto_master: wait in Backup until every member wants Master.
            Counters.HeldBySyncGroup++;
            _timers.Set(TimerKind.MasterDown, now + _masterDownInterval);
            return;
        }
        BecomeMaster(now, _nextMasterReason);
        SyncGroup?.OnMemberBecameMaster(now, this);
    }

    // RFC 5798 6.4.2 (Master_Down_Timer fires) and 6.4.1 (owner): send an advertisement,
    // gratuitous ARP / unsolicited NA, set the Adver_Timer, become Master. keepalived sends the
    // advert before adding the addresses so the old Master releases them first.
    internal void BecomeMaster(Instant now, StateChangeReason reason)
    {
        _timers.CancelAll();
        SetMasterAdverInterval(_advertInterval);
        SendAdvertisement(now, _effectivePriority);
        _actions.Enqueue(new RouterAction { Kind = RouterActionKind.AddAddresses, Time = now });
        SendGratuitous(now, _options.GarpMasterRepeat);
        _timers.Set(TimerKind.Advert, now + _advertInterval);
        if (_options.GarpMasterDelay > TimeSpan.Zero && _options.GarpMasterRepeat > 0) _timers.Set(TimerKind.GarpDelayed, now + _options.GarpMasterDelay);
        if (_options.GarpMasterRefresh > TimeSpan.Zero && _options.GarpMasterRefreshRepeat > 0) _timers.Set(TimerKind.GarpRefresh, now + _options.GarpMasterRefresh);
        _masterAddress = _options.PrimaryAddress;
        _masterPriority = _effectivePriority;
        _masterAdvertIntervalCentiseconds = _options.AdvertIntervalCentiseconds;
        WantsMaster = true;
        Counters.BecameMaster++;
        SetState(now, RouterState.Master, reason);
    }

    private void LeaveMaster(Instant now, bool sendPriorityZero)
    {
        if (sendPriorityZero) SendAdvertisement(now, 0);
        _actions.Enqueue(new RouterAction { Kind = RouterActionKind.RemoveAddresses, Time = now });
        _timers.CancelAll();
        Counters.ReleasedMaster++;
    }

    internal void LeaveMasterForSyncGroup(Instant now)
    {
        LeaveMaster(now, sendPriorityZero: false);
        EnterBackup(now, StateChangeReason.SyncGroup);
    }

    // RFC 5798 6.4.1: Master_Down_Timer = Master_Down_Interval on entering Backup; keepalived
    // restarts any preempt delay then.
    private void EnterBackup(Instant now, StateChangeReason reason)
    {
        _timers.CancelAll();
        _timers.Set(TimerKind.MasterDown, now + _masterDownInterval);
        _preemptAt = Instant.Never;
        _nextMasterReason = StateChangeReason.MasterDown;
        WantsMaster = false;
        SetState(now, RouterState.Backup, reason);
    }

    // keepalived: a Master entering FAULT sends priority 0 and removes its addresses.
    private void EnterFault(Instant now, StateChangeReason reason)
    {
        if (_state == RouterState.Master) LeaveMaster(now, sendPriorityZero: true);
        _timers.CancelAll();
        WantsMaster = false;
        ClearMaster();
        Counters.EnteredFault++;
        SetState(now, RouterState.Fault, reason);
    }

    // keepalived try_up_instance: out of FAULT into BACKUP with a fresh Master_Down_Interval
    // from our own interval; the owner goes straight to MASTER (in a sync group it goes through
    // Backup so the group decides).
    private void LeaveFault(Instant now, StateChangeReason reason)
    {
        SetMasterAdverInterval(_advertInterval);
        if (_options.IsAddressOwner && SyncGroup is null)
        {
            BecomeMaster(now, reason);
            return;
        }
        EnterBackup(now, reason);
        if (_options.IsAddressOwner)
        {
            _timers.Set(TimerKind.MasterDown, now);
            _nextMasterReason = StateChangeReason.AddressOwner;
        }
    }

    private void ReconcileFault(Instant now, StateChangeReason faultReason, StateChangeReason recoverReason)
    {
        if (!_running) return;
        if (SyncGroup is not null) SyncGroup.Reconcile(now, this, faultReason, recoverReason);
        else ApplyFault(now, HasOwnFault, HasOwnFault ? faultReason : recoverReason);
    }

    internal void ApplyFault(Instant now, bool fault, StateChangeReason reason)
    {
        if (!_running) return;
        if (fault && _state != RouterState.Fault) EnterFault(now, reason);
        else if (!fault && _state == RouterState.Fault) LeaveFault(now, reason);
    }

    internal StateChangeReason OwnFaultReason() => !_interfaceUp ? StateChangeReason.InterfaceDown : StateChangeReason.TrackerFailed;

    private void SetState(Instant now, RouterState to, StateChangeReason reason)
    {
        RouterState from = _state;
        _state = to;
        _stateSince = now;
        _stateReason = reason;
        _actions.Enqueue(new RouterAction { Kind = RouterActionKind.StateChanged, Time = now, From = from, To = to, Reason = reason });
    }

    private void SendAdvertisement(Instant now, byte priority)
    {
        if (!_actions.Enqueue(new RouterAction { Kind = RouterActionKind.SendAdvertisement, Time = now, Priority = priority })) return;
        Counters.AdvertisementsSent++;
        if (priority == 0) Counters.PriorityZeroSent++;
    }

    private void SendGratuitous(Instant now, int repeat)
    {
        if (repeat > 0) _actions.Enqueue(new RouterAction { Kind = RouterActionKind.SendGratuitous, Time = now, Repeat = repeat });
    }

    private void SetMasterAdverInterval(TimeSpan interval)
    {
        if (interval == _masterAdverInterval) return;
        _masterAdverInterval = interval;
        UpdateTiming();
    }

    // Skew_Time and Master_Down_Interval follow the effective priority and Master_Adver_Interval.
    private void UpdateTiming()
    {
        _skewTime = VrrpTiming.SkewTime(_options.Version, _effectivePriority, _masterAdverInterval);
        _masterDownInterval = VrrpTiming.MasterDownInterval(_options.Version, _effectivePriority, _masterAdverInterval, _options.DownTimerAdverts);
    }

    private void ClearMaster()
    {
        _masterAddress = default;
        _masterPriority = 0;
        _masterAdvertIntervalCentiseconds = 0;
    }

    // keepalived: the configured priority plus every contribution, clamped only at the end.
    private byte ComputeEffectivePriority() => TrackerWeights.EffectivePriority(_options.Priority, _options.Priority + _trackers.Sum());

    // Order does not matter (keepalived checks each of ours is present); ours has no duplicates.
    private bool SameAddresses(ReadOnlySpan<byte> received)
    {
        if (received.Length != _addressBytes.Length) return false;
        if (received.SequenceEqual(_addressBytes)) return true;
        int size = _options.Family.AddressLength();
        for (int i = 0; i < _addressBytes.Length; i += size)
        {
            ReadOnlySpan<byte> ours = _addressBytes.AsSpan(i, size);
            bool found = false;
            for (int j = 0; j < received.Length && !found; j += size) found = received.Slice(j, size).SequenceEqual(ours);
            if (!found) return false;
        }
        return true;
    }

    // FNV-1a, never 0 (0 means "nothing reported").
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash == 0 ? 1 : hash;
    }
}
