using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// keepalived's dumps from a running daemon (issue 12.3): SIGUSR1 data, SIGUSR2 statistics,
/// SIGRTMIN+2 JSON, SIGRTMAX-1 statistics then cleared; in $TMPDIR or --dump-dir, under vrrpd's
/// or keepalived's names; a symbolic link at the dump's name is replaced, not followed.
/// </summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class DumpTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private const int JsonSignal = 36, StatsClearSignal = 63; // SIGRTMIN+2, SIGRTMAX-1 with glibc

    internal static string Config(int priority) => FailoverTests.Config(priority, """
        virtual_ipaddress_excluded {
            10.9.0.102/24
        }
        """);

    /// <summary>Removes <paramref name="path"/>, sends <paramref name="signal"/> and waits for the file to be there again (it appears whole, by rename).</summary>
    internal static string SignalAndRead(VrrpdProcess daemon, string signal, string path)
    {
        File.Delete(path);
        Assert.True(daemon.Signal(signal), daemon.Output);
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < Settle; Thread.Sleep(20))
        {
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new TimeoutException($"no {path} within {Settle} of signal {signal}\n{daemon.Output}");
    }

    private static long Sent(string stats) => long.Parse(SentLine().Match(stats).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^  Advertisements:\n    Received: \d+\n    Sent: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex SentLine();

    [Fact]
    public void Each_signal_writes_its_dump_and_the_JSON_agrees_with_the_status()
    {
        using var lab = new DaemonLab(2);
        var env = new Dictionary<string, string> { ["TMPDIR"] = lab.Directory };
        VrrpdProcess r1 = lab.Start(1, Config(245), environment: env);
        VrrpdProcess r2 = lab.Start(2, Config(240), environment: env);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        string dir = lab.Directory;

        string data = SignalAndRead(r1, "USR1", Path.Combine(dir, "vrrpd.data"));
        Assert.StartsWith("------< Global definitions >------\n", data, StringComparison.Ordinal);
        Assert.Contains("------< VRRP Topology >------\n VRRP Instance = mape\n   VRRP Version = 3\n   State = MASTER\n", data, StringComparison.Ordinal);
        Assert.Contains("   Virtual IP (1):\n     10.9.0.100/24 dev eth0 scope global set\n", data, StringComparison.Ordinal);
        Assert.Contains("   Virtual IP Excluded :\n     10.9.0.102/24 dev eth0 scope global set\n", data, StringComparison.Ordinal);
        Assert.Contains("   Advert interval = 100 milli-sec\n", data, StringComparison.Ordinal);
        Assert.NotNull(r1.WaitForLine(l => l.Contains($"Printing VRRP data for process({r1.Pid}) on signal", StringComparison.Ordinal), Settle));
        // r2 is Backup: its dump names the Master.
        string backupData = SignalAndRead(r2, "USR1", Path.Combine(dir, "vrrpd.data"));
        Assert.Contains("   State = BACKUP\n   Master router = 10.9.0.1\n   Master priority = 245\n", backupData, StringComparison.Ordinal);

        string stats = SignalAndRead(r1, "USR2", Path.Combine(dir, "vrrpd.stats"));
        Assert.StartsWith("VRRP Instance: mape\n  Advertisements:\n    Received: ", stats, StringComparison.Ordinal);
        Assert.EndsWith("  Priority Zero:\n    Received: 0\n    Sent: 0\n", stats, StringComparison.Ordinal);
        Assert.True(Sent(stats) > 0, stats);

        // The JSON dump says what the status says.
        using (JsonDocument dump = JsonDocument.Parse(SignalAndRead(r1, JsonSignal.ToString(), Path.Combine(dir, "vrrpd.json"))))
        {
            JsonElement status = r1.Instance();
            JsonElement d = Assert.Single(dump.RootElement.EnumerateArray()).GetProperty("data");
            Assert.Equal("mape", d.GetProperty("iname").GetString());
            Assert.Equal(2, d.GetProperty("state").GetInt32());
            Assert.Equal("MASTER", status.GetProperty("state").GetString());
            Assert.Equal(status.GetProperty("priority").GetInt32(), d.GetProperty("base_priority").GetInt32());
            Assert.Equal(status.GetProperty("effective_priority").GetInt32(), d.GetProperty("effective_priority").GetInt32());
            Assert.Equal(status.GetProperty("vrid").GetInt32(), d.GetProperty("vrid").GetInt32());
            Assert.Equal(0.1, d.GetProperty("adver_int").GetDouble());
            Assert.True(d.GetProperty("vipset").GetBoolean());
            Assert.Equal(["10.9.0.100/24 dev eth0 scope global set"], d.GetProperty("vips").EnumerateArray().Select(v => v.GetString()));
            Assert.Equal([.. status.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!.Split(' ')[0])],
                d.GetProperty("vips").EnumerateArray().Select(v => v.GetString()!.Split(' ')[0]));
            Assert.Equal(["10.9.0.102/24 dev eth0 scope global set"], d.GetProperty("evips").EnumerateArray().Select(v => v.GetString()));
        }

        // Statistics with clearing: the dump has the counts, the counters start again from 0.
        string cleared = SignalAndRead(r1, StatsClearSignal.ToString(), Path.Combine(dir, "vrrpd.stats"));
        string after = SignalAndRead(r1, "USR2", Path.Combine(dir, "vrrpd.stats"));
        Assert.True(Sent(after) < Sent(cleared), $"before clearing:\n{cleared}\nafter:\n{after}");
        Assert.NotNull(r1.WaitForLine(l => l.Contains($"Printing and clearing VRRP stats for process({r1.Pid}) on signal", StringComparison.Ordinal), Settle));
        Assert.Equal("MASTER", r1.State());
    }

    [Fact]
    public void Dump_dir_keepalived_names_and_a_planted_symlink()
    {
        using var lab = new DaemonLab(1);
        string dumps = Directory.CreateDirectory(Path.Combine(lab.Directory, "dumps")).FullName;
        VrrpdProcess r1 = lab.Start(1, Config(245), arguments: ["--dump-dir", dumps, "--keepalived-dump-names"],
            environment: new Dictionary<string, string> { ["TMPDIR"] = lab.Directory });
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);

        // Someone plants keepalived.json as a link to a file of theirs: the dump replaces the
        // link and leaves that file alone.
        string victim = Path.Combine(lab.Directory, "victim");
        File.WriteAllText(victim, "keep me");
        string json = Path.Combine(dumps, "keepalived.json");
        File.CreateSymbolicLink(json, victim);
        Assert.True(r1.Signal(JsonSignal.ToString()), r1.Output);
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < Settle && new FileInfo(json).LinkTarget is not null; Thread.Sleep(20))
        {
        }
        Assert.Null(new FileInfo(json).LinkTarget);
        Assert.Equal("keep me", File.ReadAllText(victim));
        using (JsonDocument dump = JsonDocument.Parse(File.ReadAllText(json)))
            Assert.Equal("mape", dump.RootElement[0].GetProperty("data").GetProperty("iname").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(json));

        Assert.Contains("VRRP Instance: mape", SignalAndRead(r1, "USR2", Path.Combine(dumps, "keepalived.stats")), StringComparison.Ordinal);
        Assert.Contains("VRRP Instance = mape", SignalAndRead(r1, "USR1", Path.Combine(dumps, "keepalived.data")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(lab.Directory, "vrrpd.json")));
        Assert.Empty(Directory.GetFiles(dumps, ".*")); // no temporary file left behind
    }
}
