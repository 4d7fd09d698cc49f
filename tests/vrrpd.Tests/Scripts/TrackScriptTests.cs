using System.Diagnostics;
using System.Runtime.Versioning;
using Vrrp.Keepalived;
using Vrrp.Lab;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

[SupportedOSPlatform("linux")]
public sealed class TrackScriptTests : IDisposable
{
    private readonly ScriptTestKit _kit = new();
    private readonly StateChanges _changes = new();

    public void Dispose() => _kit.Dispose();

    private TrackScriptRunner Runner(KeepalivedConfig config, TrackScriptRunner? previous = null) =>
        new(config, _kit.Log, _changes.Record, previous, ScriptTestKit.Options());

    /// <summary>A script that exits with the number in the file "rc" and appends it to "runs".</summary>
    private string Switchable(string rc = "0")
    {
        File.WriteAllText(_kit.PathOf("rc"), rc);
        return _kit.Script("check.sh", $"rc=$(cat {_kit.PathOf("rc")}); echo $rc >> {_kit.PathOf("runs")}; exit $rc");
    }

    private void SetRc(string rc) => File.WriteAllText(_kit.PathOf("rc"), rc);

    [Fact]
    public void FallAndRiseCountExactly()
    {
        string path = Switchable();
        var runsAtChange = new List<string[]>();
        _changes.OnChange = (_, _) => runsAtChange.Add(_kit.Lines("runs"));
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 0.1, rise: 2, fall: 3)));
        Assert.Equal(TrackScriptState.Init, runner.State("chk"));
        runner.Start();

        // From Init one success is enough (keepalived: "one success is enough").
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the first result");
        Assert.Equal(("chk", true), _changes.All[0]);
        Assert.Equal(["0"], runsAtChange[0]);

        SetRc("1");
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 2, "down after fall failures");
        Assert.Equal(("chk", false), _changes.All[1]);
        string[] atDown = runsAtChange[1];
        Assert.Equal(["1", "1", "1"], atDown[^3..]);
        Assert.Equal("0", atDown[^4]);
        Assert.Equal(TrackScriptState.Down, runner.State("chk"));

        SetRc("0");
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 3, "up after rise successes");
        Assert.Equal(("chk", true), _changes.All[2]);
        string[] atUp = runsAtChange[2];
        Assert.Equal(["1", "0", "0"], atUp[^3..]);
        Assert.Equal(TrackScriptState.Up, runner.State("chk"));
        Assert.Equal(1, _kit.Log.Count("VRRP_Script(chk) failed (exited with status 1)"));
        Assert.Equal(2, _kit.Log.Count("VRRP_Script(chk) succeeded"));
        Assert.Equal(1, _kit.Log.Count("Script `chk` now returning 1"));
    }

    [Fact]
    public void InitFailStartsDownAndNeedsRiseSuccesses()
    {
        string path = Switchable();
        var runsAtChange = new List<string[]>();
        _changes.OnChange = (_, _) => runsAtChange.Add(_kit.Lines("runs"));
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 0.1, rise: 2, fall: 3, initFail: true)));
        Assert.Equal(TrackScriptState.Down, runner.State("chk"));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "up");
        Assert.Equal(("chk", true), _changes.All[0]);
        Assert.Equal(["0", "0"], runsAtChange[0]);
    }

    [Fact]
    public void FromInitTheFirstFailureGoesDown()
    {
        string path = Switchable("2");
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 0.1, rise: 2, fall: 3)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "down");
        Assert.Equal(("chk", false), _changes.All[0]);
        Assert.Single(_kit.Lines("runs"));
        Thread.Sleep(400);
        Assert.Single(_changes.All);
    }

    [Fact]
    public void TimeoutKillsTheWholeProcessGroup()
    {
        string path = _kit.Script("hang.sh", $"sleep 60 & echo $! > {_kit.PathOf("child")}; echo $$ > {_kit.PathOf("leader")}; sleep 60");
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, intervalSeconds: 30, timeoutSeconds: 0.4)));
        var clock = Stopwatch.StartNew();
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the timeout");
        Assert.Equal(("chk", false), _changes.All[0]);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.35, 5);
        int leader = int.Parse(_kit.Lines("leader")[0]);
        int child = int.Parse(_kit.Lines("child")[0]);
        Assert.False(ScriptTestKit.Alive(leader));
        ScriptTestKit.WaitUntil(() => !ScriptTestKit.Alive(child), "the background child to be killed too", 3);
        Assert.Equal(1, _kit.Log.Count("VRRP_Script(chk) timed_out"));
    }

    [Fact]
    public void AScriptIgnoringTermIsKilled()
    {
        // Ignored signals are inherited, so the sleeps ignore SIGTERM as well.
        string path = _kit.Script("stubborn.sh", $"trap '' TERM; echo $$ > {_kit.PathOf("leader")}; while :; do sleep 0.05; done");
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, intervalSeconds: 30, timeoutSeconds: 0.3)));
        var clock = Stopwatch.StartNew();
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the kill");
        // timeout 0.3 s, then SIGTERM is ignored for the 0.3 s grace period, then SIGKILL.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.55, 5);
        int leader = int.Parse(_kit.Lines("leader")[0]);
        Assert.False(ScriptTestKit.Alive(leader));
        Assert.Empty(ProcessTable.GroupMembers(leader));
    }

    [Fact]
    public void RunsAsScriptUserWithTheDaemonEnvironment()
    {
        string output = _kit.OutputDir();
        Environment.SetEnvironmentVariable("VRRPD_TRACK_TEST", "passed on");
        string path = _kit.Script("who.sh", $"{{ id -u; id -g; id -G; echo \"$VRRPD_TRACK_TEST\"; }} > {output}/who");
        var script = ScriptTestKit.TrackScript("chk", path, intervalSeconds: 30) with { Command = new ScriptCommand(path, new[] { path }.ToEquatableArray(), "nobody", null) };
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, script));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the run");
        Assert.Equal(("chk", true), _changes.All[0]);
        Assert.Equal(["65534", "65534", "65534", "passed on"], File.ReadAllLines($"{output}/who"));

        // script_user applies when the script names no user.
        File.Delete($"{output}/who");
        var global = new GlobalDefs { ScriptUser = "nobody", EnableScriptSecurity = true };
        using var second = new TrackScriptRunner(ScriptTestKit.Config(global, ScriptTestKit.TrackScript("chk2", path, 30)), _kit.Log, _changes.Record, null, ScriptTestKit.Options());
        second.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 2, "the second run");
        Assert.Equal("65534", File.ReadAllLines($"{output}/who")[0]);
    }

    [Fact]
    public void RefusedScriptIsDisabledAndNeverRuns()
    {
        string path = _kit.Script("open.sh", $"echo ran >> {_kit.PathOf("runs")}", mode: 0x1FF);
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path)));
        Assert.Equal(TrackScriptState.Disabled, runner.State("chk"));
        runner.Start();
        Thread.Sleep(400);
        Assert.Empty(_kit.Lines("runs"));
        Assert.Empty(_changes.All);
        Assert.Contains($"Disabling track script chk: refusing to run it as root (0:0): {path} is writable by everyone", _kit.Log.Text);
    }

    [Fact]
    public void WithoutScriptSecurityAnUnsafeScriptRunsWithWarnings()
    {
        string path = _kit.Script("open.sh", "exit 0", mode: 0x1FF);
        using var runner = Runner(ScriptTestKit.Config(new GlobalDefs { ScriptUser = "root" }, ScriptTestKit.TrackScript("chk", path)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the run");
        Assert.Equal(("chk", true), _changes.All[0]);
        Assert.Contains($"vrrp_script chk: unsafe permissions: {path} is writable by everyone", _kit.Log.Text);
        Assert.Contains("SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.", _kit.Log.Text);
    }

    [Fact]
    public void MissingOrNotExecutableScriptFailsEveryRunAndLogsOnce()
    {
        string missing = _kit.PathOf("missing.sh");
        string data = _kit.Script("data.sh", "exit 0", mode: 0x1A4);
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure,
            ScriptTestKit.TrackScript("gone", missing, 0.05, fall: 2), ScriptTestKit.TrackScript("plain", data, 0.05, fall: 2)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 2, "both down");
        Thread.Sleep(300);
        Assert.Equal(TrackScriptState.Down, runner.State("gone"));
        Assert.Equal(TrackScriptState.Down, runner.State("plain"));
        Assert.Equal(1, _kit.Log.Count($"VRRP_Script(gone) cannot run: {missing}: No such file or directory (ENOENT)"));
        Assert.Equal(1, _kit.Log.Count($"VRRP_Script(plain) cannot run: {data} is not executable for uid:gid 0:0"));

        // It comes back once the file is there.
        File.Copy(data, missing);
        File.SetUnixFileMode(missing, (UnixFileMode)0x1ED);
        ScriptTestKit.WaitUntil(() => runner.State("gone") == TrackScriptState.Up, "the script to work");
    }

    [Fact]
    public void AnArgumentThatCannotBePassedFailsTheRunNotTheDaemon()
    {
        string path = _kit.Script("x.sh", "exit 0");
        var script = ScriptTestKit.TrackScript("chk", path, 0.05, fall: 2) with
        {
            Command = new ScriptCommand(path + " a\\0b", new[] { path, "a\0b" }.ToEquatableArray(), null, null),
        };
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, script));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "down");
        Assert.Equal(("chk", false), _changes.All[0]);
        Assert.Equal(1, _kit.Log.Count($"VRRP_Script(chk) cannot run: cannot execute {path}: Invalid argument (EINVAL)"));
    }

    [Fact]
    public void ScriptWithoutShebangRunsThroughTheShell()
    {
        string path = _kit.PathOf("plain.sh");
        File.WriteAllText(path, $"echo $0 > {_kit.PathOf("ran")}\nexit 0\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 30)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "the run");
        Assert.Equal(("chk", true), _changes.All[0]);
        Assert.Equal([path], _kit.Lines("ran"));
    }

    [Fact]
    public void RunsNeverOverlapAndKeepTheIntervalGrid()
    {
        string path = _kit.Script("slow.sh", $"echo start >> {_kit.PathOf("runs")}; sleep 0.25; echo end >> {_kit.PathOf("runs")}");
        using var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, intervalSeconds: 0.1, timeoutSeconds: 2)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _kit.Lines("runs").Count(l => l == "end") >= 3, "three runs");
        runner.Dispose();
        string[] runs = _kit.Lines("runs");
        for (int i = 0; i + 1 < runs.Length; i += 2)
            Assert.Equal(("start", "end"), (runs[i], runs[i + 1]));
        Assert.True(_kit.Log.Count("Track script chk is already running, expect idle - skipping run") >= 2);
    }

    [Fact]
    public void ReloadKeepsTheStateOfScriptsByName()
    {
        string path = Switchable();
        var config = ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 0.1, rise: 2, fall: 3));
        var first = Runner(config);
        first.Start();
        ScriptTestKit.WaitUntil(() => _changes.All.Count == 1, "up");
        SetRc("1");
        ScriptTestKit.WaitUntil(() => _kit.Lines("runs").Count(l => l == "1") >= 1, "one failure");

        // The same script, now with fall 2: it keeps being up, with no callback.
        var second = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 0.1, rise: 2, fall: 2)), previous: first);
        first.Dispose();
        Assert.Equal(TrackScriptState.Up, second.State("chk"));
        Assert.Contains("VRRP_Script(chk) considered successful on reload", _kit.Log.Text);
        SetRc("0");
        second.Start();
        ScriptTestKit.WaitUntil(() => _kit.Lines("runs").Length >= 6, "more runs");
        second.Dispose();
        Assert.Single(_changes.All);
    }

    [Fact]
    public void DisposeStopsRunningScriptsAndCallbacks()
    {
        string path = _kit.Script("hang.sh", $"echo $$ > {_kit.PathOf("leader")}; sleep 60");
        var runner = Runner(ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path, 30, timeoutSeconds: 30)));
        runner.Start();
        ScriptTestKit.WaitUntil(() => _kit.Lines("leader").Length == 1 && _kit.Lines("leader")[0].Length > 0, "the script to start");
        int leader = int.Parse(_kit.Lines("leader")[0]);
        var clock = Stopwatch.StartNew();
        runner.Dispose();
        Assert.True(clock.ElapsedMilliseconds < 500, $"Dispose took {clock.ElapsedMilliseconds} ms");
        ScriptTestKit.WaitUntil(() => !ScriptTestKit.Alive(leader), "the script to be killed", 3);
        Thread.Sleep(100);
        Assert.Empty(_changes.All);
        Assert.Equal(TrackScriptState.Init, runner.State("chk"));
    }

    [Fact]
    public void OnlyTrackedScriptsRun()
    {
        string path = _kit.Script("x.sh", "exit 0");
        var config = ScriptTestKit.Config(ScriptTestKit.Secure, ScriptTestKit.TrackScript("chk", path));
        config = config with { Scripts = config.Scripts.Append(ScriptTestKit.TrackScript("unused", path)).ToEquatableArray() };
        using var runner = Runner(config);
        Assert.Equal(["chk"], runner.Names);
        Assert.Throws<KeyNotFoundException>(() => runner.State("unused"));
    }
}
