using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// keepalived 2.2.7 and vrrpd run the same configuration in a namespace, one after the other,
/// and are asked for their dumps by the same signals: the JSON dumps have the same keys in the
/// same order with the same values (the transition time aside), and the statistics dumps the
/// same lines. keepalived must be installed (scripts/test.sh installs it).
/// </summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class KeepalivedDumpTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    private const string Config = """
        vrrp_script chk {
            script "/usr/bin/true"
            interval 1
            weight -10
        }
        vrrp_instance mape {
            interface eth0
            virtual_router_id 4
            priority 245
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass s3cr/t
            }
            track_interface {
                eth0
            }
            track_script {
                chk
            }
            notify_master "/usr/bin/echo master"
            notify_backup "/usr/bin/echo backup"
            virtual_ipaddress {
                10.9.0.100/24
                10.9.0.101
            }
            virtual_ipaddress_excluded {
                10.9.0.102/24
            }
        }
        """;

    [Fact]
    public void The_JSON_and_statistics_dumps_read_like_keepalived_s()
    {
        Assert.True(File.Exists("/usr/sbin/keepalived"), "keepalived is not installed (scripts/test.sh installs it)");
        using var lab = new DaemonLab(1);
        string ns = lab.Members[0];
        string kdir = Directory.CreateDirectory(Path.Combine(lab.Directory, "keepalived")).FullName;
        string config = Path.Combine(kdir, "keepalived.conf");
        File.WriteAllText(config, Config);

        // keepalived: parent and VRRP child with pid files of their own; dumps in kdir ($TMPDIR).
        LabProcess keepalived = lab.Lab.Start(ns, "keepalived", "env",
            $"TMPDIR={kdir} keepalived -n -l -D -G -P -f {config} -p {kdir}/k.pid -r {kdir}/v.pid -c {kdir}/c.pid -b {kdir}/b.pid");
        string kJson, kStats;
        try
        {
            Assert.NotNull(keepalived.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal), Settle));
            int child = int.Parse(File.ReadAllText(Path.Combine(kdir, "v.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            kJson = SignalAndRead(ns, child, "36", Path.Combine(kdir, "keepalived.json"));
            kStats = SignalAndRead(ns, child, "USR2", Path.Combine(kdir, "keepalived.stats"));
        }
        finally
        {
            keepalived.Stop(TimeSpan.FromSeconds(10));
        }

        VrrpdProcess vrrpd = lab.Start(1, Config, environment: new Dictionary<string, string> { ["TMPDIR"] = lab.Directory });
        Assert.True(vrrpd.WaitForState("MASTER", Settle), vrrpd.Output);
        string vJson = DumpTests.SignalAndRead(vrrpd, "36", Path.Combine(lab.Directory, "vrrpd.json"));
        string vStats = DumpTests.SignalAndRead(vrrpd, "USR2", Path.Combine(lab.Directory, "vrrpd.stats"));

        // Compact: one line.
        Assert.EndsWith("}]\n", vJson, StringComparison.Ordinal);
        Assert.Equal(1, vJson.Count(c => c == '\n'));
        using JsonDocument k = JsonDocument.Parse(kJson);
        using JsonDocument v = JsonDocument.Parse(vJson);
        JsonElement kItem = Assert.Single(k.RootElement.EnumerateArray());
        JsonElement vItem = Assert.Single(v.RootElement.EnumerateArray());
        Assert.Equal(Keys(kItem), Keys(vItem));
        Assert.Equal(Keys(kItem.GetProperty("data")), Keys(vItem.GetProperty("data")));
        Assert.Equal(Keys(kItem.GetProperty("stats")), Keys(vItem.GetProperty("stats")));
        foreach (JsonProperty p in kItem.GetProperty("data").EnumerateObject())
        {
            if (p.Name == "last_transition")
                continue;
            Assert.True(p.Value.GetRawText() == vItem.GetProperty("data").GetProperty(p.Name).GetRawText(),
                $"data.{p.Name}: keepalived {p.Value.GetRawText()}, vrrpd {vItem.GetProperty("data").GetProperty(p.Name).GetRawText()}");
        }
        Assert.Equal(Labels(kStats), Labels(vStats));
    }

    private static string[] Keys(JsonElement o) => [.. o.EnumerateObject().Select(p => p.Name)];

    private static string Labels(string stats) => Number().Replace(stats, "N");

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    private static string SignalAndRead(string ns, int pid, string signal, string path)
    {
        File.Delete(path);
        NetnsLab.Exec(ns, $"sh -c \"kill -s {signal} {pid}\"");
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < Settle; Thread.Sleep(20))
        {
            // keepalived writes in place: wait until the file ends with its last line.
            if (File.Exists(path) && File.ReadAllText(path) is { Length: > 0 } text && text.EndsWith('\n'))
                return text;
        }
        throw new TimeoutException($"keepalived wrote no {path} within {Settle}");
    }
}
