using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using Vrrp.Keepalived;
using Vrrpd.Scripts;

namespace vrrpd.Tests.Scripts;

[SupportedOSPlatform("linux")]
public sealed class NotifierTests : IDisposable
{
    private readonly ScriptTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private Notifier Notifier(GlobalDefs? global = null, double timeoutSeconds = 10) =>
        new(global ?? ScriptTestKit.Secure, _kit.Log, ScriptTestKit.Options(timeoutSeconds));

    /// <summary>A script that appends its arguments, joined by '|', to the file "calls".</summary>
    private string Recorder() =>
        _kit.Script("record.sh", $"IFS='|'; echo \"$*\" >> {_kit.PathOf("calls")}");

    private static VrrpInstanceConfig Instance(string name, NotifyScripts notify) =>
        new() { Name = name, VirtualRouterId = 4, Notify = notify, NotifyPriorityChanges = true };

    private static ScriptCommand Command(string path, params string[] arguments) => ScriptTestKit.Command([path, .. arguments]);

    [Fact]
    public void InstanceScriptsGetTheirOwnArgumentsThenNotifyGetsFourMore()
    {
        string record = Recorder();
        var notify = new NotifyScripts
        {
            Master = Command(record, "own-master", "a b"),
            Backup = Command(record, "own-backup"),
            Fault = Command(record, "own-fault"),
            Stop = Command(record, "own-stop"),
            Any = Command(record, "https://chat.example.net/hooks/vrrp", "192.168.1.2"),
        };
        using Notifier notifier = Notifier();
        VrrpInstanceConfig mape = Instance("mape", notify);
        notifier.InstanceChanged(mape, NotifyState.Master, 245);
        notifier.InstanceChanged(mape, NotifyState.Fault, 245);
        notifier.InstanceChanged(mape, NotifyState.Backup, 240);
        notifier.InstanceChanged(mape, NotifyState.Stop, 245);
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(10)));
        Assert.Equal(
        [
            "own-master|a b",
            "https://chat.example.net/hooks/vrrp|192.168.1.2|INSTANCE|mape|MASTER|245",
            "own-fault",
            "https://chat.example.net/hooks/vrrp|192.168.1.2|INSTANCE|mape|FAULT|245",
            "own-backup",
            "https://chat.example.net/hooks/vrrp|192.168.1.2|INSTANCE|mape|BACKUP|240",
            "own-stop",
            "https://chat.example.net/hooks/vrrp|192.168.1.2|INSTANCE|mape|STOP|245",
        ], _kit.Lines("calls"));
    }

    [Fact]
    public void GroupScriptsGetGroupAndPriorityZero()
    {
        string record = Recorder();
        var group = new SyncGroupConfig
        {
            Name = "edge",
            Members = new[] { "mape" }.ToEquatableArray(),
            Notify = new NotifyScripts { Fault = Command(record, "group-fault"), Any = Command(record, "any") },
        };
        using Notifier notifier = Notifier();
        notifier.GroupChanged(group, NotifyState.Fault);
        notifier.GroupChanged(group, NotifyState.Master);
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(10)));
        Assert.Equal(["group-fault", "any|GROUP|edge|FAULT|0", "any|GROUP|edge|MASTER|0"], _kit.Lines("calls"));
    }

    [Fact]
    public void TheMapeExampleNotifyLineIsSplitAndExtendedAsKeepalivedDoes()
    {
        string record = Recorder();
        KeepalivedConfig config = ConfigFiles.Ok($$"""
            global_defs {
                script_user root
                enable_script_security
            }
            vrrp_instance mape {
                interface eth0
                virtual_router_id 4
                priority 245
                virtual_ipaddress { 192.168.1.4 }
                notify "{{record}} https://chat.example.net/hooks/vrrp 192.168.1.2"
                notify_master "{{record}} 'quoted arg' plain"
            }
            """);
        using Notifier notifier = Notifier(config.Global);
        notifier.InstanceChanged(config.Instances[0], NotifyState.Master, 245);
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(10)));
        Assert.Equal(["quoted arg|plain", "https://chat.example.net/hooks/vrrp|192.168.1.2|INSTANCE|mape|MASTER|245"], _kit.Lines("calls"));
    }

    [Fact]
    public void NotificationsOfOneInstanceStayInOrderUnderLoad()
    {
        string record = _kit.Script("order.sh", $"echo $4 >> {_kit.PathOf("calls")}.$2");
        var notify = new NotifyScripts { Any = Command(record) };
        VrrpInstanceConfig a = Instance("a", notify), b = Instance("b", notify);
        using Notifier notifier = Notifier();
        var clock = Stopwatch.StartNew();
        for (int i = 1; i <= 100; i++)
        {
            notifier.InstanceChanged(a, i % 2 == 0 ? NotifyState.Master : NotifyState.Backup, (byte)i);
            notifier.InstanceChanged(b, NotifyState.Fault, (byte)(i + 100));
        }
        long enqueueMs = clock.ElapsedMilliseconds;
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(60)));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => i.ToString()), _kit.Lines("calls.a"));
        Assert.Equal(Enumerable.Range(101, 100).Select(i => i.ToString()), _kit.Lines("calls.b"));
        // 200 notifications were only queued: the caller never waited for a script.
        Assert.True(enqueueMs < 1000, $"enqueueing took {enqueueMs} ms");
    }

    [Fact]
    public void AHangingScriptIsKilledAndDoesNotHoldUpLaterNotifications()
    {
        string hang = _kit.Script("hang.sh", $"sleep 60 & echo $! > {_kit.PathOf("child")}; echo $$ > {_kit.PathOf("leader")}; sleep 60");
        string record = Recorder();
        VrrpInstanceConfig mape = Instance("mape", new NotifyScripts { Fault = Command(hang), Backup = Command(record, "backup") });
        using Notifier notifier = Notifier(timeoutSeconds: 0.5);
        var clock = Stopwatch.StartNew();
        notifier.InstanceChanged(mape, NotifyState.Fault, 245);
        notifier.InstanceChanged(mape, NotifyState.Backup, 245);
        Assert.True(clock.ElapsedMilliseconds < 200, $"the calls took {clock.ElapsedMilliseconds} ms");
        ScriptTestKit.WaitUntil(() => _kit.Lines("calls").Length == 1, "the second notification", 5);
        // 0.5 s timeout; SIGTERM ends the shell and its sleeps at once.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.45, 3);
        Assert.Equal(["backup"], _kit.Lines("calls"));
        Assert.False(ScriptTestKit.Alive(int.Parse(_kit.Lines("leader")[0])));
        ScriptTestKit.WaitUntil(() => !ScriptTestKit.Alive(int.Parse(_kit.Lines("child")[0])), "the background child", 3);
        Assert.Contains($"Notify script {hang} (INSTANCE mape FAULT) timed out after 0.5 s: process group killed", _kit.Log.Text);
    }

    [Fact]
    public void DrainTimesOutAndDisposeKillsWhatIsLeft()
    {
        string hang = _kit.Script("hang.sh", $"trap '' TERM; echo $$ > {_kit.PathOf("leader")}; while :; do sleep 0.05; done");
        VrrpInstanceConfig mape = Instance("mape", new NotifyScripts { Stop = Command(hang) });
        Notifier notifier = Notifier(timeoutSeconds: 60);
        notifier.InstanceChanged(mape, NotifyState.Stop, 245);
        var clock = Stopwatch.StartNew();
        Assert.False(notifier.Drain(TimeSpan.FromMilliseconds(500)));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.45, 3);
        int leader = int.Parse(_kit.Lines("leader")[0]);
        Assert.True(ScriptTestKit.Alive(leader));
        notifier.Dispose();
        // SIGTERM is ignored; SIGKILL follows after the 0.3 s grace period.
        ScriptTestKit.WaitUntil(() => !ScriptTestKit.Alive(leader), "the script to be killed", 5);
    }

    [Fact]
    public void FifoLinesAreExactlyKeepalivedsOnBothFifos()
    {
        string fifo = _kit.PathOf("notify.fifo"), vrrpFifo = _kit.PathOf("vrrp.fifo");
        var global = ScriptTestKit.Secure with { NotifyFifo = new NotifyFifoConfig(fifo, null, null), VrrpNotifyFifo = new NotifyFifoConfig(vrrpFifo, null, null) };
        var notifier = Notifier(global);
        using var reader = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read), Encoding.UTF8);
        using var vrrpReader = new StreamReader(new FileStream(vrrpFifo, FileMode.Open, FileAccess.Read), Encoding.UTF8);
        VrrpInstanceConfig mape = Instance("mape", NotifyScripts.None);
        var group = new SyncGroupConfig { Name = "edge", Members = new[] { "mape" }.ToEquatableArray() };

        notifier.InstanceChanged(mape, NotifyState.Backup, 245);
        notifier.InstanceChanged(mape, NotifyState.Master, 245);
        notifier.GroupChanged(group, NotifyState.Master);
        notifier.InstancePriorityChanged(mape, master: true, 235);
        notifier.MasterReceivedLowerPriority(mape, 235);
        notifier.InstanceChanged(mape, NotifyState.Fault, 235);
        notifier.WriteInstanceState(mape, NotifyState.Fault, 235);
        notifier.InstanceChanged(mape, NotifyState.Stop, 235);
        notifier.GroupChanged(group, NotifyState.Stop);
        string[] expected =
        [
            "INSTANCE \"mape\" BACKUP 245",
            "INSTANCE \"mape\" MASTER 245",
            "GROUP \"edge\" MASTER 0",
            "INSTANCE \"mape\" MASTER_PRIORITY 235",
            "INSTANCE \"mape\" MASTER_RX_LOWER_PRI 235",
            "INSTANCE \"mape\" FAULT 235",
            "INSTANCE \"mape\" FAULT 235",
            "INSTANCE \"mape\" STOP 235",
            "GROUP \"edge\" STOP 0",
        ];
        notifier.Dispose();
        Assert.Equal(expected, ReadToEnd(reader));
        Assert.Equal(expected, ReadToEnd(vrrpReader));
        Assert.False(File.Exists(fifo));

        // notify_priority_changes off: no priority lines.
        using var quiet = Notifier(global);
        using var quietReader = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read), Encoding.UTF8);
        quiet.InstancePriorityChanged(mape with { NotifyPriorityChanges = false }, master: false, 200);
        quiet.InstanceChanged(mape, NotifyState.Backup, 200);
        Assert.Equal("INSTANCE \"mape\" BACKUP 200", quietReader.ReadLine());
    }

    [Fact]
    public void FifoScriptGetsThePathReadsEveryLineAndEndsAtShutdown()
    {
        string fifo = _kit.PathOf("notify.fifo");
        string reader = _kit.Script("reader.sh", $"echo \"args: $*\" > {_kit.PathOf("fifo.out")}; cat \"$2\" >> {_kit.PathOf("fifo.out")}");
        var global = ScriptTestKit.Secure with
        {
            NotifyFifo = new NotifyFifoConfig(fifo, null, null),
            NotifyFifoScript = Command(reader, "first"),
        };
        var notifier = Notifier(global);
        VrrpInstanceConfig mape = Instance("mape", NotifyScripts.None);
        notifier.InstanceChanged(mape, NotifyState.Master, 245);
        notifier.InstanceChanged(mape, NotifyState.Stop, 245);
        ScriptTestKit.WaitUntil(() => _kit.Lines("fifo.out").Length == 3, "the lines to be read");
        var clock = Stopwatch.StartNew();
        notifier.Dispose();
        Assert.True(clock.ElapsedMilliseconds < 1000, $"Dispose took {clock.ElapsedMilliseconds} ms");
        Assert.Equal([$"args: first {fifo}", "INSTANCE \"mape\" MASTER 245", "INSTANCE \"mape\" STOP 245"], _kit.Lines("fifo.out"));
        Assert.False(File.Exists(fifo));
        Assert.DoesNotContain("terminated", _kit.Log.Text);
    }

    [Fact]
    public void RefusedNotifyScriptIsNeverRunAndReportedOnce()
    {
        string open = _kit.Script("open.sh", $"echo ran >> {_kit.PathOf("calls")}", mode: 0x1FF);
        VrrpInstanceConfig mape = Instance("mape", new NotifyScripts { Any = Command(open) });
        using Notifier notifier = Notifier();
        for (int i = 0; i < 3; i++) notifier.InstanceChanged(mape, NotifyState.Master, 245);
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(10)));
        Assert.Empty(_kit.Lines("calls"));
        Assert.Equal(1, _kit.Log.Count($"Notify script {open} cannot run: refusing to run it as root (0:0): {open} is writable by everyone"));
    }

    [Fact]
    public void NotifyScriptsRunAsTheirUser()
    {
        string output = _kit.OutputDir();
        string who = _kit.Script("who.sh", $"id -u >> {output}/who");
        VrrpInstanceConfig mape = Instance("mape", new NotifyScripts
        {
            Master = Command(who) with { User = "nobody" },
            Any = Command(who),
        });
        using Notifier notifier = Notifier(new GlobalDefs { ScriptUser = "root", EnableScriptSecurity = true });
        notifier.InstanceChanged(mape, NotifyState.Master, 245);
        Assert.True(notifier.Drain(TimeSpan.FromSeconds(10)));
        Assert.Equal(["65534", "0"], File.ReadAllLines($"{output}/who"));
    }

    [Fact]
    public void ReloadKeepsAnUnchangedFifoAndItsScript()
    {
        string fifo = _kit.PathOf("notify.fifo");
        string reader = _kit.Script("reader.sh", $"echo $$ >> {_kit.PathOf("pids")}; cat \"$1\" >> {_kit.PathOf("fifo.out")}");
        var global = ScriptTestKit.Secure with { NotifyFifo = new NotifyFifoConfig(fifo, null, null), NotifyFifoScript = Command(reader) };
        using Notifier notifier = Notifier(global);
        VrrpInstanceConfig mape = Instance("mape", NotifyScripts.None);
        notifier.InstanceChanged(mape, NotifyState.Master, 245);
        notifier.Reload(global with { RouterId = "changed" });
        notifier.InstanceChanged(mape, NotifyState.Backup, 240);
        ScriptTestKit.WaitUntil(() => _kit.Lines("fifo.out").Length == 2, "both lines");
        Assert.Single(_kit.Lines("pids"));

        // A new FIFO path: the old one goes (its script sees the end), the new one starts.
        string fifo2 = _kit.PathOf("second.fifo");
        notifier.Reload(global with { NotifyFifo = new NotifyFifoConfig(fifo2, null, null) });
        notifier.InstanceChanged(mape, NotifyState.Fault, 240);
        ScriptTestKit.WaitUntil(() => _kit.Lines("fifo.out").Length == 3 && !File.Exists(fifo), "the line through the new FIFO");
        Assert.Equal(2, _kit.Lines("pids").Length);
        Assert.Equal("INSTANCE \"mape\" FAULT 240", _kit.Lines("fifo.out")[2]);
    }

    private static string[] ReadToEnd(StreamReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is string line) lines.Add(line);
        return [.. lines];
    }
}
