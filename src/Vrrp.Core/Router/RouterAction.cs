using Vrrp.Core.Wire;

namespace Vrrp.Core.Router;

/// <summary>What a <see cref="RouterAction"/> asks the host to do.</summary>
public enum RouterActionKind : byte
{
    /// <summary>
    /// Send one advertisement with <see cref="RouterAction.Priority"/>: build it with
    /// <see cref="VirtualRouter.CreateAdvertisement"/> and emit it to the VRRP multicast group.
    /// </summary>
    SendAdvertisement = 1,
    /// <summary>Install every virtual address (<see cref="VirtualRouterOptions.VirtualAddresses"/>) on the interface.</summary>
    AddAddresses,
    /// <summary>Remove every virtual address from the interface.</summary>
    RemoveAddresses,
    /// <summary>
    /// One gratuitous burst: <see cref="RouterAction.Repeat"/> rounds, each round one gratuitous
    /// ARP (IPv4) or unsolicited neighbour advertisement (IPv6) per virtual address. The host
    /// spaces the frames (keepalived's <c>vrrp_garp_interval</c> / <c>vrrp_gna_interval</c>).
    /// </summary>
    SendGratuitous,
    /// <summary>The state changed: <see cref="RouterAction.From"/>, <see cref="RouterAction.To"/>, <see cref="RouterAction.Reason"/>.</summary>
    StateChanged,
    /// <summary>
    /// An accepted advertisement from <see cref="RouterAction.Source"/> lists other addresses than
    /// ours (RFC 5798 7.1: SHOULD log). Raised once per change of the received list, for logging.
    /// </summary>
    AddressListMismatch,
}

/// <summary>
/// One output of a <see cref="VirtualRouter"/>, polled with <see cref="VirtualRouter.TryPollAction"/>.
/// A small value: only the fields of its <see cref="Kind"/> are meaningful.
/// </summary>
public readonly record struct RouterAction
{
    /// <summary>What to do.</summary>
    public RouterActionKind Kind { get; init; }
    /// <summary>The instant of the input that produced the action.</summary>
    public Instant Time { get; init; }
    /// <summary><see cref="RouterActionKind.SendAdvertisement"/>: the priority to advertise (0 when the Master stops).</summary>
    public byte Priority { get; init; }
    /// <summary><see cref="RouterActionKind.SendGratuitous"/>: how many rounds over all virtual addresses.</summary>
    public int Repeat { get; init; }
    /// <summary><see cref="RouterActionKind.StateChanged"/>: the previous state.</summary>
    public RouterState From { get; init; }
    /// <summary><see cref="RouterActionKind.StateChanged"/>: the new state.</summary>
    public RouterState To { get; init; }
    /// <summary><see cref="RouterActionKind.StateChanged"/>: why.</summary>
    public StateChangeReason Reason { get; init; }
    /// <summary><see cref="RouterActionKind.AddressListMismatch"/>: the sender whose list differs.</summary>
    public IpAddr Source { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RouterActionKind.SendAdvertisement => $"{Time}: send advertisement, priority {Priority}",
        RouterActionKind.SendGratuitous => $"{Time}: send gratuitous x{Repeat}",
        RouterActionKind.StateChanged => $"{Time}: {From} -> {To} ({Reason})",
        RouterActionKind.AddressListMismatch => $"{Time}: address list from {Source} differs",
        _ => $"{Time}: {Kind}",
    };
}
