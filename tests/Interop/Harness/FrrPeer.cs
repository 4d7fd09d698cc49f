using System.Text;
using System.Text.Json;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// FRR's vrrpd (8.4) with its zebra, both in the router's namespace with every path of their
/// own (vty sockets, zserv socket, pid files, empty configuration files), so nothing of the
/// host's /var/run/frr is touched; configured through vtysh. FRR needs the macvlan itself: a
/// bridge-mode macvlan on eth0 with MAC 00:00:5e:00:01:VRID that carries the virtual address.
/// It never removes that address: a Backup keeps the macvlan protodown instead.
/// </summary>
internal sealed class FrrPeer(InteropLab lab, int port, string name, string ns, string address)
    : Peer(lab, port, name, ns, address)
{
    private LabProcess? _zebra;
    private LabProcess? _vrrpd;

    public override Impl Impl => Impl.Frr;

    public string Macvlan => $"vrrp4-{Spec!.Vrid}";

    public override string VipMac => $"00:00:5e:00:01:{Spec!.Vrid:x2}";

    public override void Start(InstanceSpec spec)
    {
        Spec = spec;
        // The daemons drop to user frr: their directory must be theirs.
        File.WriteAllText(Path.Combine(Directory, "zebra.conf"), "");
        File.WriteAllText(Path.Combine(Directory, "vrrpd.conf"), "");
        NetnsLab.Run("chown", $"-R frr:frr {Directory}");

        // What an FRR router needs for its macvlan (keepalived sets the like for use_vmac): only
        // the macvlan answers ARP for the virtual address (arp_ignore; by default eth0 answers
        // too, with its own MAC), and eth0's ARP requests never announce the virtual address as
        // their sender (arp_announce; by default a reply from the virtual address makes eth0
        // ask "who has the host? tell VIP", which moves the host's entry to eth0's MAC).
        NetnsLab.Exec(Namespace, "sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2");
        NetnsLab.Ip($"-n {Namespace} link add {Macvlan} link eth0 type macvlan mode bridge");
        // addrgenmode in the "link add" line fails on recent kernels; a separate change works.
        NetnsLab.Ip($"-n {Namespace} link set {Macvlan} address {VipMac} addrgenmode random");
        foreach (string vip in spec.Vips)
            NetnsLab.Ip($"-n {Namespace} addr add {vip} dev {Macvlan}");
        NetnsLab.Ip($"-n {Namespace} link set {Macvlan} up");

        string common = $"--vty_socket {Directory} -z {Directory}/zserv.api -P 0 --log stdout";
        _zebra = Lab.Net.Start(Namespace, $"{Name}-zebra", $"{Repo.FrrDaemons}/zebra",
            $"{common} -i {Directory}/zebra.pid -f {Directory}/zebra.conf");
        WaitForSocket("zserv.api", _zebra);
        _vrrpd = Lab.Net.Start(Namespace, $"{Name}-vrrpd", $"{Repo.FrrDaemons}/vrrpd",
            $"{common} -i {Directory}/vrrpd.pid -f {Directory}/vrrpd.conf");
        WaitForSocket("vrrpd.vty", _vrrpd);
        Vtysh([.. spec.ToFrrCommands()]);
    }

    private void WaitForSocket(string file, LabProcess process) =>
        NetnsLab.WaitUntil(() => File.Exists(Path.Combine(Directory, file)) || process.HasExited, TimeSpan.FromSeconds(15),
            $"{process.Name} to create {file}");

    /// <summary>Runs vtysh commands against this router's daemons; returns the output.</summary>
    public string Vtysh(params string[] commands)
    {
        var arguments = new StringBuilder($"--vty_socket {Directory}");
        foreach (string command in commands)
            arguments.Append(" -c \"").Append(command).Append('"');
        var (exitCode, stdout, stderr) = NetnsLab.RunCaptured("vtysh", arguments.ToString());
        if (exitCode != 0)
            throw new InvalidOperationException($"vtysh {arguments} exited {exitCode}: {stderr}{stdout}");
        return stdout;
    }

    public override PeerState State
    {
        get
        {
            if (_vrrpd is null)
                return PeerState.NotStarted;
            if (_vrrpd.HasExited)
                return PeerState.Stopped;
            using var json = JsonDocument.Parse(Vtysh($"show vrrp {Spec!.Vrid} json"));
            return json.RootElement[0].GetProperty("v4").GetProperty("status").GetString() switch
            {
                "Master" => PeerState.Master,
                "Backup" => PeerState.Backup,
                _ => PeerState.Initialize,
            };
        }
    }

    /// <summary>Whether the macvlan is protodown (what FRR does to a Backup's virtual address).</summary>
    public bool MacvlanProtodown
    {
        get
        {
            using var json = JsonDocument.Parse(NetnsLab.Ip($"-n {Namespace} -j -d link show dev {Macvlan}"));
            return json.RootElement[0].TryGetProperty("proto_down", out JsonElement p) && p.ValueKind == JsonValueKind.True;
        }
    }

    /// <summary>Whether the virtual address is configured on the macvlan at all, protodown or not.</summary>
    public bool VipConfigured(string address) =>
        NetnsLab.Addresses(Namespace).Any(a => a.Interface == Macvlan && NetnsLab.SameAddress(a.Address, address));

    public override void Stop()
    {
        _vrrpd?.Stop(TimeSpan.FromSeconds(10));
        _zebra?.Stop(TimeSpan.FromSeconds(10));
    }

    public override string Log => $"{_zebra?.Output}\n--- vrrpd\n{_vrrpd?.Output}";

    public override void Dispose()
    {
        foreach (LabProcess? daemon in new[] { _vrrpd, _zebra })
        {
            if (daemon is null)
                continue;
            int pid = daemon.Id;
            string program = daemon == _vrrpd ? "vrrpd" : "zebra";
            daemon.Dispose();
            // FRR keeps a per-process scratch directory it removes only on a clean exit.
            string scratch = $"/var/tmp/frr/{program}.{pid}";
            if (System.IO.Directory.Exists(scratch))
                System.IO.Directory.Delete(scratch, recursive: true);
        }
    }
}
