using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Simulation;

/// <summary>
/// A router on a <see cref="SimulatedLan"/>: a <see cref="VirtualRouter"/> plus its port on the
/// LAN (delay, loss, partition) and whether its host is powered. A restart builds a fresh
/// <see cref="VirtualRouter"/> from the same options, as a rebooted host would.
/// </summary>
public sealed class SimulatedRouter
{
    internal SimulatedRouter(int index, VirtualRouterOptions options)
    {
        Index = index;
        Options = options;
        Router = new VirtualRouter(options);
    }

    /// <summary>Position in <see cref="SimulatedLan.Routers"/>.</summary>
    public int Index { get; }

    /// <summary>The router's name.</summary>
    public string Name => Options.Name;

    /// <summary>The configuration (reused on restart).</summary>
    public VirtualRouterOptions Options { get; }

    /// <summary>The current state machine; replaced on <see cref="SimulatedLan.Start"/> after a kill or stop.</summary>
    public VirtualRouter Router { get; internal set; }

    /// <summary>Its state (Initialize while powered off).</summary>
    public RouterState State => Router.State;

    /// <summary>True while the host runs (between start and kill/stop).</summary>
    public bool IsPowered { get; internal set; }

    /// <summary>One-way latency of this router's port; a frame takes the sender's plus the receiver's.</summary>
    public TimeSpan LinkDelay { get; set; }

    /// <summary>Probability that a frame arriving at this router is lost.</summary>
    public double LossProbability { get; set; }

    /// <summary>The checksum convention its VRRPv3 over IPv4 advertisements use.</summary>
    public ChecksumConvention ChecksumConvention { get; set; }

    /// <summary>True while the router has asked for the virtual addresses to be installed.</summary>
    public bool HoldsAddresses { get; internal set; }

    /// <summary>Frames that reached this router but did not parse.</summary>
    public long ParseErrors { get; internal set; }

    /// <summary>Frames that reached this router, parsed, but carried another VRID or family.</summary>
    public long OtherVirtualRouter { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({State}, priority {Router.EffectivePriority})";
}
