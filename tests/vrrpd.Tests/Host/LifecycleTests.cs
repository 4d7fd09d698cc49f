using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>Reload, restart after a crash, addresses removed behind the daemon's back, status, systemd notifications.</summary>
[Collection(DaemonCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LifecycleTests
{
    private const string Vip = FailoverTests.Vip;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static string Config(int priority, string extra = "") => FailoverTests.Config(priority, extra);

    [Fact]
    public void Sighup_keeps_an_unchanged_instance_refuses_a_broken_config_and_rebuilds_a_changed_one()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        // The log is read from a pipe and may trail the control socket: let the startup lines in first.
        Assert.NotNull(r1.WaitForLine(l => l.Contains("(mape) Entering MASTER STATE", StringComparison.Ordinal), Settle));
        JsonElement before = r1.Instance();
        long r2Masters = r2.Instance().GetProperty("counters").GetProperty("became_master").GetInt64();

        // Same settings, moved around and commented: no transition, the state's start time unchanged.
        File.WriteAllText(r1.ConfigFile, "# reformatted\n\n" + Config(245));
        int mark = r1.LineCount;
        r1.Signal("HUP");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloaded: 1 instances unchanged, 0 changed in place, 0 rebuilt, 0 added, 0 removed", StringComparison.Ordinal), Settle, mark));
        // The garbage of reading the file is collected once, after the start and after a reload.
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Garbage of the configuration", StringComparison.Ordinal), Settle, mark));
        Assert.Single(r1.Lines.Take(mark), l => l.Contains("Garbage of the configuration", StringComparison.Ordinal));
        JsonElement after = r1.Instance();
        Assert.Equal("MASTER", after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("since").GetString(), after.GetProperty("since").GetString());
        Assert.Equal(before.GetProperty("counters").GetProperty("became_master").GetInt64(), after.GetProperty("counters").GetProperty("became_master").GetInt64());
        Assert.Equal(1, r1.Status().GetProperty("reloads").GetInt64());
        Assert.DoesNotContain(r1.Lines.Skip(mark), l => l.Contains("Entering", StringComparison.Ordinal) || l.Contains("Stopped", StringComparison.Ordinal));

        // A broken file: refused with file and line, the running configuration goes on.
        File.WriteAllText(r1.ConfigFile, Config(245, "prioritty 250"));
        mark = r1.LineCount;
        r1.Signal("HUP");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reload refused", StringComparison.Ordinal), Settle, mark));
        Assert.Contains(r1.Lines.Skip(mark), l => l.Contains($"{r1.ConfigFile}:8:", StringComparison.Ordinal) && l.Contains("prioritty", StringComparison.Ordinal));
        Thread.Sleep(500);
        Assert.False(r1.HasExited);
        Assert.Equal("MASTER", r1.State());
        Assert.Equal(before.GetProperty("since").GetString(), r1.Instance().GetProperty("since").GetString());
        Assert.Equal(r2Masters, r2.Instance().GetProperty("counters").GetProperty("became_master").GetInt64());

        // A changed priority and a new instance: the priority is applied in place, as keepalived
        // does (no stop, no priority 0); r2 now outranks r1's advertisements and preempts it;
        // VRID 5 is added.
        File.WriteAllText(r1.ConfigFile, Config(200) + """

            vrrp_instance second {
                interface eth0
                virtual_router_id 5
                priority 100
                version 3
                advert_int 0.1
                virtual_ipaddress {
                    10.9.0.105/24
                }
            }
            """);
        mark = r1.LineCount;
        r1.Signal("HUP");
        long zeroSent = r1.Instance().GetProperty("counters").GetProperty("priority_zero_sent").GetInt64();
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloaded: 0 instances unchanged, 1 changed in place, 0 rebuilt, 1 added, 0 removed", StringComparison.Ordinal), Settle, mark));
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.True(r1.WaitForState("BACKUP", Settle), r1.Output);
        Assert.True(r1.WaitForState("MASTER", Settle, "second"), r1.Output);
        Assert.Equal(200, r1.Instance().GetProperty("priority").GetInt32());
        Assert.Equal([2], lab.Holders(Vip));
        Assert.Equal([1], lab.Holders("10.9.0.105/24"));
        Assert.Contains(r2.Lines.Skip(0), l => l.Contains("Entering MASTER STATE (preempting a lower-priority master)", StringComparison.Ordinal));
        Assert.Equal(zeroSent, r1.Instance().GetProperty("counters").GetProperty("priority_zero_sent").GetInt64());
        Assert.DoesNotContain(r1.Lines.Skip(mark), l => l.Contains("(mape) Stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void Sighup_applies_a_changed_priority_without_a_transition()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        JsonElement before = r1.Instance();

        // keepalived applies a reloaded priority to the running instance: before, vrrpd rebuilt
        // it (priority 0, address gone, two failovers, about 0.5 s without the address).
        File.WriteAllText(r1.ConfigFile, Config(250));
        int mark = r1.LineCount;
        r1.Signal("HUP");
        Assert.NotNull(r1.WaitForLine(l => l.Contains("Reloaded: 0 instances unchanged, 1 changed in place, 0 rebuilt", StringComparison.Ordinal), Settle, mark));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (r2.Instance().GetProperty("master_priority").GetInt32() != 250 && clock.Elapsed < Settle)
            Thread.Sleep(50);
        Assert.Equal(250, r2.Instance().GetProperty("master_priority").GetInt32());
        JsonElement after = r1.Instance();
        Assert.Equal(250, after.GetProperty("priority").GetInt32());
        Assert.Equal("MASTER", after.GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("since").GetString(), after.GetProperty("since").GetString());
        Assert.Equal(before.GetProperty("counters").GetProperty("priority_zero_sent").GetInt64(), after.GetProperty("counters").GetProperty("priority_zero_sent").GetInt64());
        Assert.Equal([1], lab.Holders(Vip));
        Assert.DoesNotContain(r1.Lines.Skip(mark), l => l.Contains("Entering", StringComparison.Ordinal));
        Assert.DoesNotContain(r2.Lines, l => l.Contains("Entering MASTER", StringComparison.Ordinal));
    }

    [Fact]
    public void Kill_9_then_restart_leaves_no_duplicate_address()
    {
        using var lab = new DaemonLab(2);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        VrrpdProcess r2 = lab.Start(2, Config(240));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);

        // A crash leaves the address behind on r1 while r2 takes over: a duplicate on the LAN.
        r1.Kill();
        Assert.True(r1.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.True(r2.WaitForState("MASTER", Settle), r2.Output);
        Assert.Equal([1, 2], lab.Holders(Vip));

        // The next run removes it at startup, before its router runs, then preempts back.
        VrrpdProcess again = lab.Start(1, Config(245), name: "r1-again");
        Assert.NotNull(again.WaitForLine(l => l.Contains($"Removed {Vip} from eth0, left behind by an earlier run", StringComparison.Ordinal), Settle));
        Assert.True(again.WaitForState("MASTER", Settle), again.Output);
        Assert.True(r2.WaitForState("BACKUP", Settle), r2.Output);
        Assert.Equal([1], lab.Holders(Vip));
    }

    [Fact]
    public void Kill_9_takes_the_running_scripts_down_with_the_daemon()
    {
        // keepalived's scripts get SIGTERM when it dies (PR_SET_PDEATHSIG); so do ours: a track
        // script still running and the notify FIFO's script, which runs as long as the daemon.
        using var lab = new DaemonLab(1);
        string dir = lab.Directory;
        File.WriteAllText($"{dir}/check.sh", $"#!/bin/sh\necho $$ >> {dir}/check.pid\nexec sleep 60\n");
        File.WriteAllText($"{dir}/fifo.sh", $"#!/bin/sh\necho $$ > {dir}/fifo.pid\nexec sleep 60\n");
        File.SetUnixFileMode($"{dir}/check.sh", (UnixFileMode)0x1ED);
        File.SetUnixFileMode($"{dir}/fifo.sh", (UnixFileMode)0x1ED);
        VrrpdProcess r1 = lab.Start(1, $$"""
            global_defs {
                script_user root
                notify_fifo {{dir}}/notify.fifo
                notify_fifo_script {{dir}}/fifo.sh
            }
            vrrp_script slow {
                script {{dir}}/check.sh
                interval 100
                timeout 90
            }
            {{Config(245, "track_script {\n slow\n }")}}
            """);
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        int check = WaitForPid($"{dir}/check.pid"), fifo = WaitForPid($"{dir}/fifo.pid");
        Assert.True(Alive(check) && Alive(fifo));
        r1.Kill();
        Assert.True(r1.WaitForExit(TimeSpan.FromSeconds(5)));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((Alive(check) || Alive(fifo)) && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Assert.False(Alive(check), "the track script outlived the daemon");
        Assert.False(Alive(fifo), "the notify FIFO's script outlived the daemon");
    }

    private static int WaitForPid(string file)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(file) || File.ReadAllText(file).Trim().Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {file}");
            Thread.Sleep(20);
        }
        return int.Parse(File.ReadAllLines(file)[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Alive(int pid) => vrrpd.Tests.Scripts.ScriptTestKit.Alive(pid);

    [Fact]
    public void Sigint_stops_like_sigterm()
    {
        // Ctrl-C in a foreground run: priority 0, address removed, stop scripts run, exit 0.
        using var lab = new DaemonLab(1);
        string dir = lab.Directory;
        File.WriteAllText($"{dir}/stop.sh", $"#!/bin/sh\necho \"$*\" >> {dir}/stopped\n");
        File.SetUnixFileMode($"{dir}/stop.sh", (UnixFileMode)0x1ED);
        VrrpdProcess r1 = lab.Start(1, "global_defs {\n script_user root\n}\n" + Config(245, $"notify_stop \"{dir}/stop.sh ctrl-c\""));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Equal([1], lab.Holders(Vip));
        r1.Signal("INT");
        Assert.True(r1.WaitForExit(Settle), r1.Output);
        Assert.Equal(0, r1.ExitCode);
        Assert.Empty(lab.Holders(Vip));
        Assert.Equal(["ctrl-c"], File.ReadAllLines($"{dir}/stopped"));
        Assert.Equal(1, r1.Lines.Count(l => l.Contains("(mape) Stopped (was MASTER)", StringComparison.Ordinal)));
        Assert.False(File.Exists(r1.ControlSocket));
    }

    [Fact]
    public void An_address_deleted_while_master_is_put_back()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = lab.Start(1, Config(245));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);
        Assert.Equal([1], lab.Holders(Vip));
        int mark = r1.LineCount;
        NetnsLab.Ip($"-n {lab.Members[0]} addr del {Vip} dev eth0");
        Assert.NotNull(r1.WaitForLine(l => l.Contains($"(mape) virtual address {Vip} was removed from eth0 by someone else while MASTER; put back", StringComparison.Ordinal), Settle, mark));
        Assert.Equal([1], lab.Holders(Vip));
        Assert.Equal("MASTER", r1.State());
    }

    [Fact]
    public void Status_answers_in_text_and_json_and_says_when_no_daemon_listens()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = lab.Start(1, Config(245, "track_interface {\n lo\n }"));
        Assert.True(r1.WaitForState("MASTER", Settle), r1.Output);

        // Only root (the daemon's user) may connect: the socket is 0600.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(r1.ControlSocket));
        string text = NetnsLab.Run(DaemonLab.Binary, $"status --control-socket {r1.ControlSocket}");
        Assert.Contains("=== VRRP version 3 ===", text, StringComparison.Ordinal);
        Assert.Contains("Interface: eth0 / IPv4 / VRID: 4   (mape)", text, StringComparison.Ordinal);
        Assert.Contains("        State:          MASTER", text, StringComparison.Ordinal);
        Assert.Contains("        IP Address:     10.9.0.100/24 (installed)", text, StringComparison.Ordinal);
        Assert.Contains("        Master Router:  self (10.9.0.1)", text, StringComparison.Ordinal);
        Assert.Contains("        Watch:          interface lo up", text, StringComparison.Ordinal);
        Assert.Contains("Interface: eth0 (index", text, StringComparison.Ordinal);

        using JsonDocument json = JsonDocument.Parse(NetnsLab.Run(DaemonLab.Binary, $"status --json --control-socket {r1.ControlSocket}"));
        JsonElement instance = json.RootElement.GetProperty("instances")[0];
        Assert.Equal("mape", instance.GetProperty("name").GetString());
        Assert.Equal("eth0", instance.GetProperty("interface").GetString());
        Assert.Equal(4, instance.GetProperty("vrid").GetInt32());
        Assert.Equal(3, instance.GetProperty("version").GetInt32());
        Assert.Equal("MASTER", instance.GetProperty("state").GetString());
        Assert.Equal(245, instance.GetProperty("priority").GetInt32());
        Assert.Equal(245, instance.GetProperty("effective_priority").GetInt32());
        Assert.Equal("10.9.0.1", instance.GetProperty("master").GetString());
        Assert.Equal("10.9.0.100/24", instance.GetProperty("addresses")[0].GetString());
        Assert.Equal(100, instance.GetProperty("advert_interval_ms").GetInt32());
        Assert.True(instance.GetProperty("preempt").GetBoolean());
        Assert.True(instance.GetProperty("counters").GetProperty("adverts_sent").GetInt64() > 0);
        Assert.Equal(0, instance.GetProperty("counters").GetProperty("rejected").GetProperty("AuthMismatch").GetInt64());
        Assert.True(instance.GetProperty("trackers")[0].GetProperty("up").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("interfaces")[0].GetProperty("parse_errors").GetProperty("BadChecksum").GetInt64());

        string missing = Path.Combine(lab.Directory, "nobody.sock");
        var (code, _, errors) = RunProcess(DaemonLab.Binary, $"status --control-socket {missing}");
        Assert.Equal(1, code);
        Assert.Contains($"no vrrpd is listening on {missing}", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_hears_ready_reloading_and_stopping()
    {
        using var lab = new DaemonLab(1);
        string path = Path.Combine(lab.Directory, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        notify.ReceiveTimeout = 10_000;
        VrrpdProcess r1 = lab.Start(1, Config(245), environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path });
        Assert.StartsWith("READY=1", Receive(notify), StringComparison.Ordinal);
        r1.Signal("HUP");
        Assert.StartsWith("RELOADING=1", Receive(notify), StringComparison.Ordinal);
        Assert.StartsWith("READY=1", Receive(notify), StringComparison.Ordinal);
        r1.Signal("TERM");
        Assert.StartsWith("STOPPING=1", Receive(notify), StringComparison.Ordinal);
        Assert.True(r1.WaitForExit(Settle));
        Assert.Equal(0, r1.ExitCode);
    }

    [Fact]
    public void A_configuration_with_errors_does_not_start()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = lab.Start(1, Config(245, "bogus_keyword 1"));
        Assert.True(r1.WaitForExit(Settle));
        Assert.Equal(1, r1.ExitCode);
        Assert.Contains(r1.Lines, l => l.Contains($"{r1.ConfigFile}:8: unknown keyword 'bogus_keyword' in vrrp_instance mape", StringComparison.Ordinal));
        Assert.Empty(lab.Holders(Vip));
    }

    private static string Receive(Socket socket)
    {
        byte[] buffer = new byte[1024];
        int n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static (int Code, string Output, string Errors) RunProcess(string program, string arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, errors.Result);
    }
}
