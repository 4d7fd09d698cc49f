using Vrrp.Lab;

namespace Vrrp.Bench.Soak;

/// <summary>
/// The soak's lab: namespaces r1 and r2 on a bridge (eth0 each, 10.0.0.1 and 10.0.0.2), and in
/// r1 a second interface trk0, a veth whose peer t0 sits in the LAN namespace: setting t0 down
/// drops trk0's carrier, a link flap of the tracked interface. One vrrpd in each router
/// namespace, logging to a file. Only namespaces, processes and files made here are touched,
/// and all of them are removed on dispose (daemons stopped with SIGTERM first).
/// </summary>
internal sealed class SoakLab : IDisposable
{
    private readonly NetnsLab _lab = new();
    private readonly TempDirectory _files = new("vrrpd-soak-");
    private readonly int _instances;
    private readonly int _advertMilliseconds;
    private readonly string _script;
    private readonly bool[] _changed = new bool[2];
    private readonly List<VrrpdProcess> _daemons = [];

    public SoakLab(string vrrpd, int instances, int advertMilliseconds)
    {
        _instances = instances;
        _advertMilliseconds = advertMilliseconds;
        try
        {
            string[] members = _lab.AddLan("eth0", "r1", "r2");
            NetnsLab.Ip($"-n {members[0]} addr add 10.0.0.1/24 dev eth0");
            NetnsLab.Ip($"-n {members[1]} addr add 10.0.0.2/24 dev eth0");
            _lab.AddVeth(members[0], "trk0", _lab.LanNamespace, "t0");
            _script = _files.Write("check.sh", $"#!/bin/sh\n[ ! -e {ScriptFlag} ]\n");
            File.SetUnixFileMode(_script, (UnixFileMode)0x1ED);
            var options = new VrrpdProcessOptions { LogToFile = true };
            _daemons.Add(VrrpdProcess.Start(vrrpd, members[0], _files.Path, "r1", Config(0), options));
            _daemons.Add(VrrpdProcess.Start(vrrpd, members[1], _files.Path, "r2", Config(1), options));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>r1 and r2.</summary>
    public IReadOnlyList<VrrpdProcess> Daemons => _daemons;

    public string Directory => _files.Path;

    private string ScriptFlag => Path.Combine(_files.Path, "script-down");

    /// <summary>SIGHUP to router <paramref name="index"/>, its configuration rewritten first: the same, or with the last instance's priority moved by one (toggled each time).</summary>
    public void Reload(int index, bool changed)
    {
        if (changed) _changed[index] = !_changed[index];
        File.WriteAllText(Daemons[index].ConfigFile, Config(index));
        if (!Daemons[index].Signal("HUP")) throw new InvalidOperationException($"{Daemons[index].Name} has exited");
    }

    /// <summary>The tracked interface's carrier: t0, its peer in the LAN namespace, down or up.</summary>
    public void SetTrackedLink(bool up) => NetnsLab.Ip($"-n {_lab.LanNamespace} link set t0 {(up ? "up" : "down")}");

    /// <summary>The track script fails while its flag file exists.</summary>
    public void SetScriptFailing(bool failing)
    {
        if (failing) File.WriteAllText(ScriptFlag, "");
        else File.Delete(ScriptFlag);
    }

    /// <summary>
    /// Captures, on r2's eth0, r1's advertisements of VRID 3 (untracked; a BPF filter in the kernel: 100
    /// frames a second at 10 ms): the Master's silences as the Backup saw them.
    /// </summary>
    public PacketCapture CaptureMasterAdverts() =>
        _lab.Capture(_lab.Namespaces.First(n => n.EndsWith("-r2", StringComparison.Ordinal)), "eth0", Path.Combine(_files.Path, "vr3.pcap"),
            "ip proto 112 and src 10.0.0.1 and ip[21] = 3");

    private string Config(int index) => SoakConfig.Write(index == 0, _instances, _advertMilliseconds, _script, _changed[index]);

    public void Dispose()
    {
        foreach (VrrpdProcess daemon in _daemons) daemon.Dispose();
        _lab.Dispose();
        _files.Dispose();
    }
}
