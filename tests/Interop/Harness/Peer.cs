using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>The VRRP implementations the scenarios pair up.</summary>
public enum Impl
{
    Vrrpd,
    Keepalived,
    Frr,
}

/// <summary>A router's VRRP state as seen from outside (logs, status, vtysh).</summary>
internal enum PeerState
{
    NotStarted,
    Initialize,
    Backup,
    Master,
    Fault,
    Stopped,
}

/// <summary>
/// One router of a lab: a namespace on the LAN (bridge port <see cref="Port"/>) running one
/// VRRP implementation. Subclasses start the program and say what state it is in.
/// </summary>
internal abstract partial class Peer : IDisposable
{
    protected Peer(InteropLab lab, int port, string name, string ns, string address)
    {
        Lab = lab;
        Port = port;
        Name = name;
        Namespace = ns;
        Address = address;
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(lab.Directory, name)).FullName;
    }

    public InteropLab Lab { get; }

    /// <summary>Bridge port index (see <see cref="NetnsLab.SetPort"/>).</summary>
    public int Port { get; }

    /// <summary>Short name (<c>r1</c>), used for files and in messages.</summary>
    public string Name { get; }
    public string Namespace { get; }

    /// <summary>Its IPv4 address on the LAN (the VRRPv2/v3 IPv4 primary address).</summary>
    public string Address { get; }

    /// <summary>Its own directory: configuration, logs, sockets.</summary>
    public string Directory { get; }
    public abstract Impl Impl { get; }

    /// <summary>The configuration it runs (set by <see cref="Start"/>).</summary>
    public InstanceSpec? Spec { get; protected set; }

    /// <summary>The interface MAC (<c>eth0</c>).</summary>
    public string InterfaceMac => NetnsLab.Mac(Namespace, "eth0");

    /// <summary>Its IPv6 link-local address on eth0.</summary>
    public string LinkLocal => NetnsLab.Addresses(Namespace).First(a => a.Interface == "eth0" && a.Address.StartsWith("fe80:", StringComparison.Ordinal)).Address;

    /// <summary>The MAC the LAN reaches the virtual address at when this router is master.</summary>
    public virtual string VipMac => InterfaceMac;

    public abstract void Start(InstanceSpec spec);

    /// <summary>Starts it on a keepalived.conf of the test's own (<paramref name="spec"/> says what it configures); only for keepalived and vrrpd.</summary>
    public virtual void Start(InstanceSpec spec, string configuration) =>
        throw new NotSupportedException($"{this} does not read keepalived.conf");

    public abstract PeerState State { get; }

    /// <summary>Stops it as an operator would (SIGTERM); waits for the exit.</summary>
    public abstract void Stop();

    /// <summary>Whether <paramref name="address"/> is on one of its interfaces that carries traffic.</summary>
    public virtual bool HoldsVip(string address) => NetnsLab.HoldsAddress(Namespace, address);

    /// <summary>Its output so far, for failure messages and artifacts.</summary>
    public abstract string Log { get; }

    public override string ToString() => $"{Name} ({Impl})";

    public abstract void Dispose();

    /// <summary>keepalived's (and vrrpd's) state line: <c>(NAME) Entering MASTER STATE</c>.</summary>
    [GeneratedRegex(@"\((?<name>[^)]+)\) Entering (?<state>[A-Z]+) STATE")]
    protected static partial Regex EnteringState();

    /// <summary>The state the last <c>Entering X STATE</c> line of <paramref name="process"/> names.</summary>
    protected static PeerState StateFromLog(LabProcess? process)
    {
        if (process is null)
            return PeerState.NotStarted;
        if (process.HasExited)
            return PeerState.Stopped;
        PeerState state = PeerState.Initialize;
        foreach (LabLine line in process.Lines)
        {
            Match m = EnteringState().Match(line.Text);
            if (!m.Success)
                continue;
            state = m.Groups["state"].Value switch
            {
                "MASTER" => PeerState.Master,
                "BACKUP" => PeerState.Backup,
                "FAULT" => PeerState.Fault,
                _ => state,
            };
        }
        return state;
    }
}
