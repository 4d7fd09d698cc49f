using System.Globalization;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// Least privilege: vrrpd works with only CAP_NET_RAW and CAP_NET_ADMIN, and started as plain
/// root it gives up the rest on every thread unless a script runs as root.
/// </summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrivilegeTests
{
    private const ulong NetRawAndNetAdmin = (1UL << 12) | (1UL << 13);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static ulong Set(int pid, int tid, string field)
    {
        string line = File.ReadLines($"/proc/{pid}/task/{tid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return ulong.Parse(line[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static IEnumerable<int> Threads(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture));

    private static void StopsCleanly(DaemonLab lab, VrrpdProcess r1)
    {
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(Settle), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.Empty(lab.Holders(FailoverTests.Vip));
    }

    [Fact]
    public void Started_as_root_without_scripts_it_keeps_only_net_raw_and_net_admin_on_every_thread()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Contains(r1.Lines, l => l.Contains("Capabilities reduced to 3000", StringComparison.Ordinal));
        foreach (int tid in Threads(r1.Pid))
        {
            foreach (string set in (string[])["CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"])
                Assert.True((Set(r1.Pid, tid, set) & ~NetRawAndNetAdmin) == 0, $"thread {tid} {set} {Set(r1.Pid, tid, set):x}");
        }
        StopsCleanly(lab, r1);
    }

    [Fact]
    public void Runs_in_a_bounding_set_of_net_raw_and_net_admin_alone_with_no_accept()
    {
        using var lab = new DaemonLab(1);
        string wrapper = Path.Combine(lab.Directory, "vrrpd-least");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec setpriv --bounding-set=-all,+net_raw,+net_admin --inh-caps=-all {DaemonLab.Binary} \"$@\"\n");
        File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        var r1 = VrrpdProcess.Start(wrapper, lab.Members[0], lab.Directory, "r1", FailoverTests.Config(245, "no_accept"),
            new VrrpdProcessOptions { Arguments = ["-D", "-n"], Instance = "mape" });
        using (r1)
        {
            Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
            Assert.Equal(NetRawAndNetAdmin, Set(r1.Pid, r1.Pid, "CapBnd"));
            // The nftables table for no_accept came from a child with the daemon's capabilities.
            Assert.NotNull(r1.WaitForLine(l => l.Contains("no_accept: packets to 1 virtual addresses dropped", StringComparison.Ordinal), Settle));
            Assert.DoesNotContain(r1.Lines, l => l.Contains("Capabilities", StringComparison.Ordinal));
            StopsCleanly(lab, r1);
        }
    }

    [Fact]
    public void A_root_script_keeps_the_capabilities_it_may_need()
    {
        using var lab = new DaemonLab(1);
        string script = Path.Combine(lab.Directory, "notify.sh");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        VrrpdProcess r1 = lab.Start(1, "global_defs {\n script_user root\n enable_script_security\n}\n" + FailoverTests.Config(245, $"notify_master {script}"));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Contains(r1.Lines, l => l.Contains($"Capabilities kept: script {script} runs as root", StringComparison.Ordinal));
        Assert.True((Set(r1.Pid, r1.Pid, "CapEff") & ~NetRawAndNetAdmin) != 0);
        StopsCleanly(lab, r1);
    }
}
