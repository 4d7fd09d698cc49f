using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using vrrpd.Tests.Commands;
using vrrpd.Tests.Host;
using Vrrpd.Commands;

namespace vrrpd.Tests.Demo;

/// <summary>
/// <c>vrrpd demo</c> as a user runs it: the published NativeAOT binary, as root, in network
/// namespaces it makes itself. Run with the other daemon tests, one at a time, since it times
/// a takeover on a small machine.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed partial class DemoCommandTests
{
    // VRRPv3 at 100 ms (the demo's default): Master_Down_Interval = 300 ms + Skew_Time.
    private const double MasterDownR1 = 300 + (256 - 245) * 100 / 256.0;
    private const double MasterDownR2 = 300 + (256 - 240) * 100 / 256.0;

    // What a loaded two-core machine may add to a timer, to a log line or to the observer's
    // reading of a captured frame (the suite runs beside other namespace tests).
    private const double Margin = 400;

    [Fact]
    public void Demo_shows_election_takeover_and_preemption_then_removes_its_lab()
    {
        using var demo = DemoProcess.Start();
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(60)), demo.Output);
        string output = demo.Output;
        Assert.True(demo.ExitCode == 0, output);

        Assert.Matches(@"(?m)^1\. Election", output);
        Assert.Matches(@"(?m)^2\. Cable cut", output);
        Assert.Matches(@"(?m)^3\. Cable back", output);
        Assert.Matches(@"(?m)^4\. Summary", output);
        Assert.Contains("an advert every 100 ms: Master_Down_Interval = 3 x 100 ms + Skew_Time = 304.30 ms for r1, 306.25 ms for r2", output, StringComparison.Ordinal);
        // The daemons' own log lines, in the phases where they belong.
        string election = Between(output, "1. Election", "2. Cable cut");
        string takeover = Between(output, "2. Cable cut", "3. Cable back");
        string preemption = Between(output, "3. Cable back", "4. Summary");
        Assert.Matches(@"r1 +\(VI_1\) Entering MASTER STATE", election);
        Assert.Matches(@"host +ARP: 192\.0\.2\.254 is at \S+ \(r1\)", election);
        Assert.Matches(@"r1 +\(VI_1\) Entering FAULT STATE \(interface eth0 down\)", takeover);
        Assert.Matches(@"r2 +\(VI_1\) Entering MASTER STATE", takeover);
        Assert.Matches(@"host +ARP: 192\.0\.2\.254 is at \S+ \(r2\)", takeover);
        Assert.Matches(@"wire +first advert from r2 \(priority 240\)", takeover);
        Assert.Matches(@"r1 +\(VI_1\) Entering MASTER STATE \(preempting a lower-priority master\)", preemption);
        Assert.Matches(@"r2 +\(VI_1\) Entering BACKUP STATE \(higher priority 245 from 192\.0\.2\.1\)", preemption);
        // The probes: counted, and lost only while r2 waits out its Master_Down timer.
        Match probes = ProbesLine().Match(output);
        Assert.True(probes.Success, output);
        int sent = int.Parse(probes.Groups[1].Value, CultureInfo.InvariantCulture), lost = int.Parse(probes.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(lost, 1, (int)((MasterDownR2 + Margin) / 10));
        Assert.InRange(sent, 100, 2000);
        Assert.DoesNotContain("OUTSIDE", output, StringComparison.Ordinal);
        Assert.Matches(@"=> takeover: r2 MASTER \d+ ms after the cut, [\d.]+ ms between adverts on the wire, for a Master_Down_Interval of 306\.25 ms", output);
        Assert.Contains("lab removed: vrrpd r1 stopped (exit status 0), r2 stopped (exit status 0)", output, StringComparison.Ordinal);
        Assert.Equal("OK", output.TrimEnd().Split('\n')[^1]);

        demo.AssertNothingLeft();
    }

    [Fact]
    public void Demo_json_takeover_waits_Master_Down_Interval_and_loses_probes_only_while_the_address_moves()
    {
        using var demo = DemoProcess.Start(flags: "--json");
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(60)), demo.Output);
        Assert.True(demo.ExitCode == 0, demo.Output);
        using JsonDocument document = JsonDocument.Parse(demo.Output);
        JsonElement run = document.RootElement;
        Assert.True(run.GetProperty("ok").GetBoolean());
        Assert.Equal("r1", run.GetProperty("election").GetProperty("master").GetString());
        Assert.Equal(0, run.GetProperty("election").GetProperty("probes_lost").GetInt32());
        Assert.Equal(MasterDownR2, run.GetProperty("routers")[1].GetProperty("master_down_interval_ms").GetDouble(), 3);

        // r2 becomes Master when its timer, restarted by each of r1's adverts, runs out: on the
        // wire, r1's last advert and r2's first are Master_Down_Interval apart, never less.
        JsonElement takeover = run.GetProperty("takeover");
        double gap = takeover.GetProperty("wire_gap_ms").GetDouble();
        double master = takeover.GetProperty("master_ms").GetDouble();
        // (Both adverts are timed when the observer reads them; a late read of r1's last makes the gap look shorter.)
        Assert.InRange(gap, MasterDownR2 - 60, MasterDownR2 + Margin);
        Assert.InRange(master, 0, MasterDownR2 + Margin);
        Assert.InRange(takeover.GetProperty("fault_ms").GetDouble(), -1, Margin);
        Assert.InRange(takeover.GetProperty("probes_lost").GetInt32(), 1, (int)((MasterDownR2 + Margin) / 10));

        // Back: r1 waits Master_Down_Interval as Backup (discarding r2's lower priority), then preempts.
        JsonElement preemption = run.GetProperty("preemption");
        double asBackup = preemption.GetProperty("master_ms").GetDouble() - preemption.GetProperty("backup_ms").GetDouble();
        Assert.InRange(asBackup, MasterDownR1 - 10, MasterDownR1 + Margin);

        // Every lost probe belongs to a takeover window, and the takeover's outage ends once r2 holds the address.
        JsonElement probes = run.GetProperty("probes");
        Assert.InRange(probes.GetProperty("sent").GetInt32(), 100, 2000);
        Assert.Equal(0, probes.GetProperty("lost_outside_windows").GetInt32());
        double cutAt = takeover.GetProperty("cut_at_ms").GetDouble();
        foreach (JsonElement outage in probes.GetProperty("outages").EnumerateArray())
        {
            Assert.NotEqual(JsonValueKind.Null, outage.GetProperty("window").ValueKind);
            if (outage.GetProperty("window").GetString() == "takeover")
            {
                Assert.InRange(outage.GetProperty("start_ms").GetDouble(), cutAt - 10, cutAt + Margin);
                Assert.InRange(outage.GetProperty("end_ms").GetDouble(), cutAt, cutAt + takeover.GetProperty("arp_ms").GetDouble() + Margin);
            }
        }
        Assert.Equal(probes.GetProperty("lost").GetInt32(), probes.GetProperty("outages").EnumerateArray().Sum(o => o.GetProperty("lost").GetInt32()));

        demo.AssertNothingLeft();
        foreach (JsonProperty pid in run.GetProperty("election").GetProperty("pids").EnumerateObject())
            Assert.False(Directory.Exists($"/proc/{pid.Value.GetInt32()}"), $"vrrpd {pid.Name} still runs");
    }

    [Fact]
    public void Ctrl_C_after_the_election_stops_the_demo_and_removes_its_lab()
    {
        // A terminal's Ctrl-C: SIGINT to the demo's whole process group.
        using var demo = DemoProcess.Start(ownSession: true);
        Assert.True(demo.WaitForLine("=> r1 is MASTER", TimeSpan.FromSeconds(30)), demo.Output);
        Assert.True(demo.Daemons.Count == 2, demo.Output);
        Assert.All(demo.Daemons, pid => Assert.Equal("vrrpd", File.ReadAllText($"/proc/{pid}/comm").Trim()));

        demo.SignalGroup("INT");
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(15)), demo.Output);
        Assert.True(demo.ExitCode == 130, demo.Output);
        // The daemons have sessions of their own: the demo stops them, they were not hit by the Ctrl-C.
        Assert.Contains("lab removed: vrrpd r1 stopped (exit status 0), r2 stopped (exit status 0)", demo.Output, StringComparison.Ordinal);
        Assert.Equal("interrupted by SIGINT", demo.Output.TrimEnd().Split('\n')[^1]);
        Assert.DoesNotMatch(@"(?m)^3\. Cable back", demo.Output);
        demo.AssertNothingLeft();
    }

    [Fact]
    public void A_daemon_killed_mid_run_fails_the_demo_which_still_removes_its_lab()
    {
        using var demo = DemoProcess.Start();
        Assert.True(demo.WaitForLine("=> r1 is MASTER", TimeSpan.FromSeconds(30)), demo.Output);
        Assert.True(demo.Daemons.Count == 2, demo.Output);

        Vrrp.Lab.NetnsLab.Run("kill", $"-KILL {demo.Daemons[1]}");
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(15)), demo.Output);
        Assert.True(demo.ExitCode == 1, demo.Output);
        Assert.Contains("the last lines r2's vrrpd logged", demo.Output, StringComparison.Ordinal);
        Assert.Contains("lab removed: vrrpd r1 stopped (exit status 0), r2 had exited with status 137", demo.Output, StringComparison.Ordinal);
        Assert.StartsWith("FAILED: r2's vrrpd exited with status 137", demo.Output.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        demo.AssertNothingLeft();
    }

    [Fact]
    public void SIGTERM_during_the_takeover_stops_the_demo_and_removes_its_lab()
    {
        using var demo = DemoProcess.Start();
        Assert.True(demo.WaitForLine("2. Cable cut", TimeSpan.FromSeconds(30)), demo.Output);

        demo.Signal("TERM");
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(15)), demo.Output);
        Assert.True(demo.ExitCode == 143, demo.Output);
        Assert.Contains("lab removed: vrrpd r1 stopped (exit status 0), r2 stopped (exit status 0)", demo.Output, StringComparison.Ordinal);
        Assert.Equal("interrupted by SIGTERM", demo.Output.TrimEnd().Split('\n')[^1]);
        demo.AssertNothingLeft();
    }

    [Fact]
    public void The_binary_prints_its_help_and_exits_2_on_a_bad_flag()
    {
        var (exit, output, errors) = DemoProcess.RunToEnd("demo --help");
        Assert.True(exit == 0, output + errors);
        Assert.StartsWith("usage: vrrpd demo", output, StringComparison.Ordinal);

        (exit, output, errors) = DemoProcess.RunToEnd("demo --bogus");
        Assert.True(exit == 2, output + errors);
        Assert.Equal("", output);
        Assert.Equal("vrrpd demo: unknown flag '--bogus'\nrun 'vrrpd demo --help' for the flags\n", errors);
    }

    [Fact]
    public void Clean_removes_the_lab_of_a_demo_that_is_gone_and_keeps_a_running_one()
    {
        // Published first (minutes, when the sources changed), so the stand-ins below are still there when --clean runs.
        _ = NativeBinary.Path;
        int gone = DeadPid();
        string goneDirectory = Path.Combine(Path.GetTempPath(), $"vrrpd-demo-{gone}");
        // A process whose command line has the word "demo", standing in for a running demo.
        using Process alive = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 600", "demo"]))!;
        string[] goneNamespaces = [$"vrrpd-demo-{gone}-lan", $"vrrpd-demo-{gone}-r1"];
        string aliveNamespace = $"vrrpd-demo-{alive.Id}-lan";
        var inside = new List<Process>();
        try
        {
            foreach (string ns in goneNamespaces.Append(aliveNamespace))
                Vrrp.Lab.NetnsLab.Ip($"netns add {ns}");
            Directory.CreateDirectory(goneDirectory);
            // What a demo killed with SIGKILL leaves running: processes inside its namespaces.
            foreach (string ns in goneNamespaces)
                inside.Add(Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns, "sleep", "600"]))!);
            WaitUntil(() => goneNamespaces.All(ns => Vrrp.Lab.NetnsLab.Run("ip", $"netns pids {ns}").Trim().Length > 0));

            var (exit, output, errors) = DemoProcess.RunToEnd("demo --clean");
            Assert.True(exit == 0, output + errors);
            Assert.Contains($"removed the lab of vrrpd demo {gone} (no longer running): 2 namespaces, 2 processes", output, StringComparison.Ordinal);
            Assert.DoesNotContain($"vrrpd demo {alive.Id}", output, StringComparison.Ordinal);
            Assert.All(goneNamespaces, ns => Assert.False(NamespaceExists(ns), ns));
            Assert.True(NamespaceExists(aliveNamespace));
            Assert.All(inside, p => Assert.True(p.WaitForExit(5000)));
            Assert.False(Directory.Exists(goneDirectory));
        }
        finally
        {
            foreach (Process p in inside.Where(p => !p.HasExited))
                p.Kill();
            alive.Kill(entireProcessTree: true);
            foreach (string ns in goneNamespaces.Append(aliveNamespace))
                Vrrp.Lab.NetnsLab.Run("ip", $"netns del {ns}", check: false);
            if (Directory.Exists(goneDirectory))
                Directory.Delete(goneDirectory, recursive: true);
        }
    }

    [Fact]
    public void Demo_refuses_to_run_without_root()
    {
        // setpriv (util-linux) runs the binary as nobody.
        var (exit, output, errors) = DemoProcess.RunToEnd("demo", program: "setpriv", prefix: ["--reuid=65534", "--regid=65534", "--clear-groups", NativeBinary.Path]);
        Assert.True(exit == 1, output + errors);
        Assert.Contains("vrrpd demo: needs root", errors, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--version 4", "--version is 2 or 3, not 4")]
    [InlineData("--advert-ms 105", "--advert-ms 105: VRRPv3 advertises in 10 ms steps, 10 to 40950")]
    [InlineData("--version 2 --advert-ms 100", "--advert-ms 100: VRRPv2 advertises in whole seconds, 1000 to 255000")]
    [InlineData("--advert-ms", "--advert-ms needs a number")]
    [InlineData("--clean --keep", "--clean takes no other flag")]
    [InlineData("--fast", "unknown flag '--fast'")]
    public void Bad_flags_exit_2_naming_the_problem(string args, string message)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int exit = DemoCommand.Run(args.Split(' '), output, errors);
        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString());
        Assert.StartsWith($"vrrpd demo: {message}\n", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_flags()
    {
        var output = new StringWriter();
        Assert.Equal(0, DemoCommand.Run(["--help"], output, new StringWriter()));
        foreach (string flag in (string[])["--version 2|3", "--advert-ms MS", "--json", "--keep", "--clean"])
            Assert.Contains(flag, output.ToString(), StringComparison.Ordinal);
    }

    private static string Between(string text, string from, string to)
    {
        int start = text.IndexOf(from, StringComparison.Ordinal);
        int end = text.IndexOf(to, start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"no '{from}' before '{to}' in:\n{text}");
        return text[start..end];
    }

    [GeneratedRegex(@"=> probes: (\d+) echo requests to 192\.0\.2\.254 every 10 ms, (\d+) lost")]
    private static partial Regex ProbesLine();

    private static bool NamespaceExists(string name) => File.Exists(Path.Combine("/var/run/netns", name));

    private static int DeadPid()
    {
        using Process done = Process.Start(new ProcessStartInfo("true"))!;
        done.WaitForExit();
        return done.Id;
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            Thread.Sleep(20);
        }
    }

    /// <summary>A running <c>vrrpd demo</c>: its output as it comes, its pid, the lab it must leave behind clean.</summary>
    private sealed partial class DemoProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly CountdownEvent _closed = new(2);

        private DemoProcess(Process process) => _process = process;

        /// <param name="ownSession">Started through setsid(1) (which execs it: same pid), so that its process group can be signalled as a terminal does.</param>
        /// <param name="flags">The demo's flags.</param>
        public static DemoProcess Start(bool ownSession = false, params string[] flags)
        {
            var info = new ProcessStartInfo(ownSession ? "setsid" : NativeBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (ownSession)
                info.ArgumentList.Add(NativeBinary.Path);
            info.ArgumentList.Add("demo");
            foreach (string flag in flags)
                info.ArgumentList.Add(flag);
            var demo = new DemoProcess(Process.Start(info)!);
            demo._process.OutputDataReceived += (_, e) => demo.Add(e.Data);
            demo._process.ErrorDataReceived += (_, e) => demo.Add(e.Data);
            demo._process.BeginOutputReadLine();
            demo._process.BeginErrorReadLine();
            return demo;
        }

        public static (int Exit, string Output, string Errors) RunToEnd(string command, string? program = null, string[]? prefix = null)
        {
            var info = new ProcessStartInfo(program ?? NativeBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in (prefix ?? []).Concat(command.Split(' ')))
                info.ArgumentList.Add(argument);
            using Process process = Process.Start(info)!;
            Task<string> errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000));
            return (process.ExitCode, output, errors.Result);
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                _closed.Signal();
                return;
            }
            lock (_output)
            {
                _output.Append(line).Append('\n');
                Monitor.PulseAll(_output);
            }
        }

        public string Output
        {
            get
            {
                lock (_output)
                    return _output.ToString();
            }
        }

        public int ExitCode => _process.ExitCode;

        public bool WaitForExit(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout))
                return false;
            // Its output closes when it exits, unless something it started still holds it.
            Assert.True(_closed.Wait(TimeSpan.FromSeconds(10)), $"a process started by the demo outlived it, holding its output:\n{Output}");
            return true;
        }

        public bool WaitForLine(string text, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            lock (_output)
            {
                while (!_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    TimeSpan left = timeout - clock.Elapsed;
                    if (left <= TimeSpan.Zero || _process.HasExited)
                        return false;
                    Monitor.Wait(_output, left);
                }
                return true;
            }
        }

        /// <summary>The pids of the two vrrpd processes, from "started vrrpd in r1 (pid N) and r2 (pid M)".</summary>
        public List<int> Daemons
        {
            get
            {
                Match m = StartedLine().Match(Output);
                return m.Success ? [int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)] : [];
            }
        }

        [GeneratedRegex(@"started vrrpd in r1 \(pid (\d+)\) and r2 \(pid (\d+)\)")]
        private static partial Regex StartedLine();

        public void Signal(string signal) => Vrrp.Lab.NetnsLab.Run("kill", $"-{signal} {_process.Id}");

        /// <summary>Signals the demo's process group (it must lead it: <c>ownSession</c>).</summary>
        public void SignalGroup(string signal)
        {
            Assert.Equal(_process.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText($"/proc/{_process.Id}/stat").Split(' ')[4]);
            Vrrp.Lab.NetnsLab.Run("kill", $"-{signal} -- -{_process.Id}");
        }

        /// <summary>No namespace, directory or daemon of this demo remains.</summary>
        public void AssertNothingLeft()
        {
            string prefix = $"vrrpd-demo-{_process.Id}-";
            Assert.Empty(Directory.EnumerateFileSystemEntries("/var/run/netns", prefix + "*"));
            Assert.DoesNotContain(prefix, Vrrp.Lab.NetnsLab.Ip("netns list"), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), $"vrrpd-demo-{_process.Id}")));
            foreach (int pid in Daemons)
                Assert.False(Directory.Exists($"/proc/{pid}"), $"vrrpd {pid} still runs");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Signal("TERM");
                if (!_process.WaitForExit(15_000))
                    _process.Kill();
            }
            _process.Dispose();
            _closed.Dispose();
        }
    }
}
