using System.Runtime.Versioning;
using Vrrp.Lab;
using vrrpd.Tests.Host;

namespace vrrpd.Tests.Scripts;

/// <summary>
/// Two vrrpd processes in namespaces, real transitions (election, cable cut, cable back and
/// preemption, SIGTERM): notify_master/backup/fault/stop get their own arguments, `notify` gets
/// keepalived's four more (INSTANCE, name, state, priority), in order, and the notify FIFO gets
/// keepalived's lines.
/// </summary>
[Collection(DaemonCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class NotifyEndToEndTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void Notify_scripts_and_fifo_see_every_real_transition_with_keepaliveds_arguments()
    {
        using var lab = new DaemonLab(2);
        string dir = lab.Directory;
        // Each call appends its arguments joined by '|' to the file named by its first argument.
        ScriptTestKit.WriteScript($"{dir}/rec.sh", $"out=$1; shift; IFS='|'; echo \"$*\" >> {dir}/$out");
        ScriptTestKit.WriteScript($"{dir}/fifo.sh", $"cat \"$1\" >> {dir}/fifo.out");
        VrrpdProcess r1 = lab.Start(1, $$"""
            global_defs {
                script_user root
                enable_script_security
                notify_fifo {{dir}}/notify.fifo
                notify_fifo_script {{dir}}/fifo.sh
            }
            {{FailoverTests.Config(245, $$"""
                notify_master "{{dir}}/rec.sh r1 own-master 'two words'"
                notify_backup "{{dir}}/rec.sh r1 own-backup"
                notify_fault "{{dir}}/rec.sh r1 own-fault"
                notify_stop "{{dir}}/rec.sh r1 own-stop"
                notify "{{dir}}/rec.sh r1 any"
                """)}}
            """);
        VrrpdProcess r2 = lab.Start(2, $$"""
            global_defs {
                script_user root
            }
            {{FailoverTests.Config(240, $"notify \"{dir}/rec.sh r2 any\"")}}
            """);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);

        lab.SetCable(1, up: false);
        Assert.True(r1.WaitForState("FAULT", Settle), r1.Output);
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        lab.SetCable(1, up: true);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(Settle), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);

        // r1 drained its notifications before it exited.
        Assert.Equal(
        [
            "own-backup", "any|INSTANCE|mape|BACKUP|245",
            "own-master|two words", "any|INSTANCE|mape|MASTER|245",
            "own-fault", "any|INSTANCE|mape|FAULT|245",
            "own-backup", "any|INSTANCE|mape|BACKUP|245",
            "own-master|two words", "any|INSTANCE|mape|MASTER|245",
            "own-stop", "any|INSTANCE|mape|STOP|245",
        ], File.ReadAllLines($"{dir}/r1"));
        Assert.Equal(
        [
            "INSTANCE \"mape\" BACKUP 245", "INSTANCE \"mape\" MASTER 245", "INSTANCE \"mape\" FAULT 245",
            "INSTANCE \"mape\" BACKUP 245", "INSTANCE \"mape\" MASTER 245", "INSTANCE \"mape\" STOP 245",
        ], File.ReadAllLines($"{dir}/fifo.out"));
        Assert.False(File.Exists($"{dir}/notify.fifo"));

        // The peer's notify, with its own priority, once per transition it made: Backup, then
        // Master and Backup in turn (a loaded machine may add a short-lived Master at startup),
        // ending Master; its scripts run while it runs on.
        long masters = r2.Instance().GetProperty("counters").GetProperty("became_master").GetInt64();
        Assert.InRange(masters, 2, 3);
        string[] expected = [.. Enumerable.Range(0, (int)(2 * masters)).Select(i => $"any|INSTANCE|mape|{(i % 2 == 0 ? "BACKUP" : "MASTER")}|240")];
        ScriptTestKit.WaitUntil(() => File.Exists($"{dir}/r2") && File.ReadAllLines($"{dir}/r2").Length >= expected.Length, "r2's notifications");
        Assert.Equal(expected, File.ReadAllLines($"{dir}/r2"));
    }
}
