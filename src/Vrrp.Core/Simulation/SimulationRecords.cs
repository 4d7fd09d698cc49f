using Vrrp.Core.Router;

namespace Vrrp.Core.Simulation;

/// <summary>A state change of a simulated router, in the order it happened.</summary>
/// <param name="Time">Virtual time.</param>
/// <param name="Router">Index of the router in <see cref="SimulatedLan.Routers"/>.</param>
/// <param name="Name">The router's name.</param>
/// <param name="From">Previous state.</param>
/// <param name="To">New state.</param>
/// <param name="Reason">Why.</param>
public readonly record struct TransitionRecord(Instant Time, int Router, string Name, RouterState From, RouterState To, StateChangeReason Reason);

/// <summary>What a <see cref="WireRecord"/> records.</summary>
public enum WireEventKind : byte
{
    /// <summary>A router put an advertisement on the LAN (its bytes went through Emit).</summary>
    AdvertisementSent,
    /// <summary>A router sent a gratuitous ARP/NA burst.</summary>
    GratuitousSent,
    /// <summary>A router installed the virtual addresses.</summary>
    AddressesAdded,
    /// <summary>A router removed the virtual addresses.</summary>
    AddressesRemoved,
}

/// <summary>Something a router did on the LAN, for measuring takeovers.</summary>
/// <param name="Time">Virtual time.</param>
/// <param name="Router">Index of the router.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Priority">The advertised priority (<see cref="WireEventKind.AdvertisementSent"/>).</param>
/// <param name="Receivers">How many routers the frame was scheduled to reach (after partitions and loss).</param>
public readonly record struct WireRecord(Instant Time, int Router, WireEventKind Kind, byte Priority, int Receivers);

/// <summary>An advertisement handed to a router's <see cref="VirtualRouter.HandleAdvertisement"/>, with what the receiver was and what it answered.</summary>
/// <param name="Time">Virtual time of the arrival.</param>
/// <param name="Receiver">Index of the receiving router.</param>
/// <param name="Sender">Index of the sending router.</param>
/// <param name="Priority">The advertised priority.</param>
/// <param name="AdvertIntervalCentiseconds">The advertised interval.</param>
/// <param name="ReceiverState">The receiver's state before it handled the advertisement.</param>
/// <param name="ReceiverPriority">The receiver's effective priority before it handled the advertisement.</param>
/// <param name="Reject">What <see cref="VirtualRouter.HandleAdvertisement"/> returned (<see cref="RejectReason.None"/>: accepted).</param>
public readonly record struct DeliveryRecord(Instant Time, int Receiver, int Sender, byte Priority, ushort AdvertIntervalCentiseconds,
    RouterState ReceiverState, byte ReceiverPriority, RejectReason Reject);

/// <summary>
/// Sees everything a <see cref="SimulatedLan"/> records, as it happens and in order: a
/// delivery is reported after the receiver handled it and before the actions it caused, so a
/// transition it triggers comes right after it. Wire events are reported whether or not
/// <see cref="SimulatedLan.RecordWireEvents"/> keeps them.
/// </summary>
public interface ISimulationObserver
{
    /// <summary>A router changed state.</summary>
    void OnTransition(in TransitionRecord transition);

    /// <summary>A router sent an advertisement or a gratuitous burst, or added or removed its addresses.</summary>
    void OnWire(in WireRecord wire);

    /// <summary>An advertisement reached a powered router of its VRID and family and was handled.</summary>
    void OnDelivery(in DeliveryRecord delivery);
}
