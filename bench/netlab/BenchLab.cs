using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// The lab of one run: namespace "lan" with bridge br0, and r1, r2 and host joined to it by
/// veths (eth0 inside each; bridge ports p0, p1, p2). Only namespaces this lab made are touched.
/// The cut sets the bridge-side port of r1 (p0) down: like pulling the cable at the switch,
/// r1 sees its carrier drop (not an admin down of its own interface) and nothing it sends
/// reaches the LAN.
/// </summary>
internal sealed class BenchLab : IDisposable
{
    public const string R1Address = "10.0.0.1", R2Address = "10.0.0.2", HostAddress = "10.0.0.3";

    private readonly NetnsLab _lab = new();
    private readonly NetlinkSocket _lanNetlink;
    private readonly LinkManager _lanLinks;
    private readonly int _r1Port;

    public BenchLab()
    {
        try
        {
            string[] members = _lab.AddLan("eth0", "r1", "r2", "host");
            (R1, R2, Host) = (members[0], members[1], members[2]);
            Lan = _lab.Prefix + "lan";
            // A switch, not a firewall: where br_netfilter is loaded (Docker hosts), every bridged
            // frame would also go through iptables and a route lookup, charged to the sending
            // daemon. The setting is per namespace; the host's stays as it is.
            // Without br_netfilter the keys do not exist and sysctl fails: nothing to turn off.
            NetnsLab.Run("ip", $"netns exec {Lan} sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0", check: false);
            NetnsLab.Ip($"-n {R1} addr add {R1Address}/24 dev eth0");
            NetnsLab.Ip($"-n {R2} addr add {R2Address}/24 dev eth0");
            NetnsLab.Ip($"-n {Host} addr add {HostAddress}/24 dev eth0");
            _lanNetlink = NetworkNamespace.Run(Lan, () => NetlinkSocket.Open());
            _lanLinks = new LinkManager(_lanNetlink);
            _r1Port = _lanLinks.Get("p0").Index;
        }
        catch
        {
            _lab.Dispose();
            throw;
        }
    }

    public string Prefix => _lab.Prefix;
    public string Lan { get; }
    public string R1 { get; }
    public string R2 { get; }
    public string Host { get; }

    /// <summary>Cuts r1's cable (bridge port p0 down); returns the Stopwatch timestamp taken just before the request.</summary>
    public long CutR1()
    {
        long before = System.Diagnostics.Stopwatch.GetTimestamp();
        _lanLinks.SetUp(_r1Port, up: false);
        return before;
    }

    /// <summary>Plugs r1's cable back in.</summary>
    public void RestoreR1() => _lanLinks.SetUp(_r1Port, up: true);

    public void Dispose()
    {
        _lanNetlink?.Dispose();
        _lab.Dispose();
    }
}
