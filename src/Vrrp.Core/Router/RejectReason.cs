namespace Vrrp.Core.Router;

/// <summary>
/// Why <see cref="VirtualRouter.HandleAdvertisement"/> did not act on an advertisement, counted
/// per router in <see cref="RouterCounters"/>. <see cref="None"/> means it was accepted; a
/// lower-priority advertisement a preempting Backup discards (RFC 5798 6.4.2) is accepted and
/// handled by the state machine, so it is not a rejection.
/// </summary>
public enum RejectReason : byte
{
    /// <summary>Accepted.</summary>
    None = 0,
    /// <summary>The router is in Initialize or Fault; keepalived ignores what arrives then.</summary>
    NotActive,
    /// <summary>Another VRID or address family: the host demultiplexed it to the wrong router.</summary>
    WrongVirtualRouter,
    /// <summary>The source is our own primary address: our advertisement looped back.</summary>
    OwnAdvertisement,
    /// <summary>The VRRP version differs from ours (RFC 5798 7.1; interop mode of 8.4 is not implemented).</summary>
    VersionMismatch,
    /// <summary>VRRPv2 authentication type differs from ours (RFC 3768 7.1, keepalived).</summary>
    AuthTypeMismatch,
    /// <summary>VRRPv2 simple password differs from ours (RFC 2338 5.3.6.1, keepalived <c>auth_type PASS</c>).</summary>
    AuthMismatch,
    /// <summary>VRRPv2 advertisement interval differs from ours (RFC 3768 7.1: MUST discard; keepalived drops it too).</summary>
    IntervalMismatch,
    /// <summary>
    /// The address list differs from ours and the advertisement was dropped: always with
    /// <see cref="VirtualRouterOptions.StrictAddressCheck"/>, and for VRRPv2 unless the sender is
    /// the owner (RFC 3768 7.1). Otherwise a differing list is accepted and only counted.
    /// </summary>
    AddressListMismatch,
}
