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
