using System.Runtime.Versioning;
using Vrrp.Linux;
using Vrrp.Keepalived;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

/// <summary>
/// Scripts die with the daemon, as keepalived's do (PR_SET_PDEATHSIG = SIGTERM on every script,
/// through setpriv --pdeathsig), whatever user they run as; the parent-death signal follows the
/// thread that started a script, so a script must be started by a thread that outlives it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ScriptExecutorTests : IDisposable
{
    private static readonly ScriptAccount Root = ScriptTestKit.Root;
    private static readonly ScriptAccount Nobody = ScriptTestKit.Nobody;
    private readonly ScriptTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public void ThisMachinesSetprivSetsTheParentDeathSignal()
    {
        // The daemon's guarantee rests on it; an old util-linux (before 2.33) would fail here.
        Assert.NotNull(ScriptAccount.Setpriv);
        Assert.True(ScriptExecutor.SetprivHasPdeathsig);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("nobody")]   // a change of user clears the signal unless it is set after it
    public void A_script_gets_SIGTERM_when_the_thread_that_started_it_is_gone(string user)
    {
        ScriptAccount account = user == "root" ? Root : Nobody;
        string output = _kit.OutputDir();
        string path = _kit.Script("orphan.sh", $"echo $$ > {output}/pid; exec sleep 60");
        ScriptCheck check = ScriptCheck.Check(path, account, enableScriptSecurity: true);
        Assert.True(check.CanRun, check.Reason);
        var executor = new ScriptExecutor(ScriptTestKit.Options());
        ChildProcess? child = null;
        // The thread ends once the script runs: setpriv sets the signal just before it execs the
        // script, relative to whatever parent it has then (a daemon dying in that instant is missed).
        var starter = new Thread(() =>
        {
            Assert.Equal(0, executor.TryStart(check, [path], account, out child));
            // The whole line, not just the file: the shell creates it before echo writes to it.
            ScriptTestKit.WaitUntil(() => File.Exists($"{output}/pid") && File.ReadAllText($"{output}/pid").EndsWith('\n'), "the script to write its pid");
        });
        starter.Start();
        starter.Join();
        Assert.NotNull(child);
        try
        {
            Assert.True(child.WaitForExit(TimeSpan.FromSeconds(5)), "the script outlived the thread that started it");
            Assert.Equal(ProcessGroup.SIGTERM, child.Reap().Signal);
            // The signal reached the script itself (setpriv execs it), not only a wrapper.
            Assert.Equal(child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines($"{output}/pid")[0]);
        }
        finally
        {
            executor.Forget(child);
        }
    }

    [Fact]
    public void A_script_started_by_the_thread_that_waits_for_it_runs_to_its_end()
    {
        // The other side of the rule: a script whose starting thread waits for it runs to its end.
        string path = _kit.Script("short.sh", $"sleep 0.3; echo done >> {_kit.PathOf("out")}");
        ScriptCheck check = ScriptCheck.Check(path, Root, true);
        var executor = new ScriptExecutor(ScriptTestKit.Options());
        ScriptOutcome outcome = executor.Run(check, [path, "ignored"], Root, TimeSpan.FromSeconds(10));
        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(["done"], _kit.Lines("out"));
    }

    [Fact]
    public void A_fifo_script_keeps_running_after_the_thread_that_configured_the_notifier_ends()
    {
        // notify_fifo_script runs for the daemon's whole life; configuring it from a thread that
        // then ends (a reload handled off the main thread) must not take it down.
        string fifo = _kit.PathOf("notify.fifo");
        string reader = _kit.Script("reader.sh", $"echo $$ > {_kit.PathOf("pid")}; exec cat \"$1\" >> {_kit.PathOf("fifo.out")}");
        var global = ScriptTestKit.Secure with
        {
            NotifyFifo = new NotifyFifoConfig(fifo, null, null),
            NotifyFifoScript = ScriptTestKit.Command(reader),
        };
        Notifier? notifier = null;
        var configurer = new Thread(() => notifier = new Notifier(global, _kit.Log, ScriptTestKit.Options()));
        configurer.Start();
        configurer.Join();
        using (notifier)
        {
            ScriptTestKit.WaitUntil(() => _kit.Lines("pid").Length == 1, "the fifo script to start");
            int pid = int.Parse(_kit.Lines("pid")[0], System.Globalization.CultureInfo.InvariantCulture);
            Thread.Sleep(500);
            Assert.True(ScriptTestKit.Alive(pid), "the fifo script died with the thread that configured the notifier");
            notifier!.InstanceChanged(new VrrpInstanceConfig { Name = "mape", VirtualRouterId = 4 }, NotifyState.Master, 245);
            ScriptTestKit.WaitUntil(() => _kit.Lines("fifo.out").Length == 1, "the line to be read");
            Assert.Equal("INSTANCE \"mape\" MASTER 245", _kit.Lines("fifo.out")[0]);
            Assert.DoesNotContain("terminated", _kit.Log.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Close_terminates_running_scripts_and_starts_no_more()
    {
        string path = _kit.Script("wait.sh", "exec sleep 60");
        ScriptCheck check = ScriptCheck.Check(path, Root, true);
        var executor = new ScriptExecutor(ScriptTestKit.Options());
        Assert.Equal(0, executor.TryStart(check, [path], Root, out ChildProcess? child));
        executor.Close();
        Assert.True(child!.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.Equal(ProcessGroup.SIGTERM, child.Reap().Signal);
        executor.Forget(child);
        Assert.Equal(0, executor.TryStart(check, [path], Root, out child));
        Assert.Null(child);
        Assert.Equal(ScriptOutcomeKind.Stopped, executor.Run(check, [path], Root, TimeSpan.FromSeconds(1)).Kind);
    }
}
