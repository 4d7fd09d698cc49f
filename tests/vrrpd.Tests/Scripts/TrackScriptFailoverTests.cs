using System.Runtime.Versioning;
using Vrrp.Lab;
using vrrpd.Tests.Host;

namespace vrrpd.Tests.Scripts;

/// <summary>
/// The setting vrrpd was made for, in namespaces: the gateway (245) tracks a script with fall 3 and
/// rise 2; when it fails the gateway goes to FAULT and the other router (240) takes over, when it
/// recovers the gateway preempts back, and its notify script sees every change.
/// </summary>
[Collection(DaemonCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class TrackScriptFailoverTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public void Failing_check_puts_the_master_in_fault_and_recovery_preempts_back()
    {
        using var lab = new DaemonLab(2);
        string dir = lab.Directory;
        File.WriteAllText($"{dir}/rc", "0");
        ScriptTestKit.WriteScript($"{dir}/check.sh", $"rc=$(cat {dir}/rc); echo $rc >> {dir}/runs; exit $rc");
        ScriptTestKit.WriteScript($"{dir}/notify.sh", $"IFS='|'; echo \"$*\" >> {dir}/notified");
        string gateway = $$"""
            global_defs {
                script_user root
                enable_script_security
            }
            vrrp_script chk_mape_egress {
                script "{{dir}}/check.sh"
                interval 1
                timeout 1
                fall 3
                rise 2
            }
            {{FailoverTests.Config(245, $$"""
                track_script {
                    chk_mape_egress
                }
                notify "{{dir}}/notify.sh https://chat.example.net/hooks/vrrp 10.9.0.2"
                """)}}
            """;
        VrrpdProcess r1 = lab.Start(1, gateway);
        VrrpdProcess r2 = lab.Start(2, FailoverTests.Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);

        // Three failures in a row: FAULT at the third, and the other router takes over.
        File.WriteAllText($"{dir}/rc", "1");
        string? failed = r1.WaitForLine(l => l.Contains("VRRP_Script(chk_mape_egress) failed (exited with status 1)", StringComparison.Ordinal), Settle);
        Assert.NotNull(failed);
        string[] runs = File.ReadAllLines($"{dir}/runs");
        int failures = runs.Reverse().TakeWhile(r => r == "1").Count();
        Assert.InRange(failures, 3, 4);   // the fourth may have started since
        Assert.True(r1.WaitForState("FAULT", TimeSpan.FromSeconds(2)), r1.Output);
        Assert.True(r2.WaitForState("MASTER", TimeSpan.FromSeconds(3)), r2.Output);
        Assert.Equal([2], lab.Holders(FailoverTests.Vip));

        // Two successes: the gateway leaves FAULT and, with the higher priority, preempts.
        File.WriteAllText($"{dir}/rc", "0");
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(FailoverTests.Vip));

        r1.Signal("TERM");
        Assert.True(r1.WaitForExit(TimeSpan.FromSeconds(10)), r1.Output);
        string prefix = "https://chat.example.net/hooks/vrrp|10.9.0.2|INSTANCE|mape|";
        Assert.Equal(
            ["BACKUP|245", "MASTER|245", "FAULT|245", "BACKUP|245", "MASTER|245", "STOP|245"],
            File.ReadAllLines($"{dir}/notified").Select(l => l.StartsWith(prefix, StringComparison.Ordinal) ? l[prefix.Length..] : l));
    }
}
