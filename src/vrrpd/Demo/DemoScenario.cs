using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrpd.Commands;

namespace Vrrpd.Demo;

/// <summary>
/// The demo's script: build the lab, start the two daemons, then four phases (election, cable
/// cut and takeover, cable back and preemption, summary of the probes), each checked and
/// printed with offsets from the daemons' start, and finally the lab removed whatever happened.
/// </summary>
internal sealed class DemoScenario
{
    // RFC 5737 TEST-NET-1: addresses meant for examples, so nothing in the lab can be taken for
    // a real network. VRID 4 and priorities 245/240 are those of the setting vrrpd was made for
    // (ARCHITECTURE.md): the gateway preempts, the router takes over when it fails.
    private const string R1Address = "192.0.2.1", R2Address = "192.0.2.2", HostAddress = "192.0.2.100", VipText = "192.0.2.254";
    private const int PrefixLength = 24;
    private const byte Vrid = 4, R1Priority = 245, R2Priority = 240;
    private const string InstanceName = "VI_1";
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);

    // How much later than Master_Down_Interval a takeover may come before the demo calls it a
    // failure; and how long after a new Master is in place lost probes still count as its takeover.
    private static readonly TimeSpan TakeoverSlack = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan OutageGrace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LogResolution = TimeSpan.FromMilliseconds(1);

    private readonly DemoOptions _options;
    private readonly TextWriter _out;
    private readonly TextWriter? _text;
    private readonly Interruption _interruption;
    private readonly Timeline _timeline = new();
    private readonly IpAddr _vip = IpAddr.Parse(VipText);
    private readonly JsonObject _result = [];
    private readonly List<(long From, long To, string Name)> _windows = [];
    private DemoLab? _lab;
    private NeighbourWatch? _arp;
    private volatile DemoDaemon[] _daemons = [];
    private long _cutAt, _restoreAt;
    private long _phaseStart;
    private double _takeoverMs, _wireGapMs = double.NaN, _preemptMs;

    public DemoScenario(DemoOptions options, TextWriter stdout, Interruption interruption)
    {
        _options = options;
        _out = stdout;
        _text = options.Json ? null : stdout;
        _interruption = interruption;
    }

    private CancellationToken Cancel => _interruption.Token;
    private TimeSpan Advert => _options.AdvertInterval;
    private TimeSpan Hold => Advert * 2 > TimeSpan.FromSeconds(1) ? Advert * 2 : TimeSpan.FromSeconds(1);
    private TimeSpan MasterDown(byte priority) => VrrpTiming.MasterDownInterval(_options.Version, priority, Advert);
    private TimeSpan Skew(byte priority) => VrrpTiming.SkewTime(_options.Version, priority, Advert);
    private DemoDaemon R1 => _daemons[0];
    private DemoDaemon R2 => _daemons[1];

    /// <summary><c>vrrpd demo --clean</c>: removes labs whose demo is gone.</summary>
    public static int CleanStale(TextWriter stdout)
    {
        int labs = 0;
        foreach (var (pid, namespaces) in DemoLab.FindStale())
        {
            var (deleted, killed) = DemoLab.RemoveStale(pid, namespaces);
            stdout.WriteLine($"removed the lab of vrrpd demo {pid} (no longer running): {deleted} namespaces, {killed} processes");
            labs++;
        }
        if (labs == 0)
            stdout.WriteLine("no lab left by an earlier vrrpd demo");
        return 0;
    }

    public int Run()
    {
        long begin = Stopwatch.GetTimestamp();
        string? failure = null;
        bool keep = false;
        Observer? observer = null;
        try
        {
            foreach (var (pid, namespaces) in DemoLab.FindStale())
            {
                var (deleted, killed) = DemoLab.RemoveStale(pid, namespaces);
                _text?.WriteLine($"removed the lab left by vrrpd demo {pid} (no longer running): {deleted} namespaces, {killed} processes");
            }
            // The daemons are this very binary.
            string binary = Environment.ProcessPath ?? "";
            if (binary.Length == 0 || Path.GetFileName(binary) == "dotnet")
                throw new DemoFailure("run the vrrpd executable itself (artifacts/bin/vrrpd demo), not through dotnet: the daemons are started from it");
            _lab = DemoLab.Build(new Dictionary<string, string>
            {
                ["r1"] = $"{R1Address}/{PrefixLength}",
                ["r2"] = $"{R2Address}/{PrefixLength}",
                ["host"] = $"{HostAddress}/{PrefixLength}",
            });
            double buildMs = Timeline.Milliseconds(begin, Stopwatch.GetTimestamp());
            PrintHeader(binary, buildMs);
            Cancel.ThrowIfCancellationRequested();

            var owners = new Dictionary<string, string> { [_lab.Macs["r1"]] = "r1", [_lab.Macs["r2"]] = "r2", [_lab.Macs["host"]] = "host" };
            _arp = new NeighbourWatch(_lab.Host, VipText, owners, _timeline);
            observer = new Observer(_timeline, _lab.Host, DemoLab.Interface, [("r1", _lab.R1), ("r2", _lab.R2)], _vip, ProbeInterval, ReadLogs);

            Election(binary, observer);
            Takeover();
            Preemption();
            failure = Summary(observer);
            keep = _options.Keep;
        }
        catch (OperationCanceledException) when (_interruption.Signal is not null)
        {
            failure = $"interrupted by {_interruption.Signal}";
        }
        catch (DemoFailure e)
        {
            failure = e.Message;
            keep = _options.Keep;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception
                                       or Vrrp.Linux.Netlink.NetlinkException or System.Net.Sockets.SocketException)
        {
            failure = $"{(_lab is null ? "could not build the lab" : "the demo failed")}: {e.Message}";
            keep = _options.Keep && _lab is not null;
        }
        catch (Exception e)
        {
            // A bug of the demo's own: reported in full, and the lab still goes (an exception
            // nobody catches would end the process without running the cleanup).
            failure = $"internal error: {e}";
        }
        finally
        {
            observer?.Dispose();
            _arp?.Dispose();
        }
        // A Ctrl-C reaches the demo's whole process group, so an ip command it was running may
        // have died of it first: whatever went wrong meanwhile, the run was interrupted.
        if (_interruption.Signal is not null)
        {
            failure = $"interrupted by {_interruption.Signal}";
            keep = false;
        }
        ReadLogs();

        if (failure is not null && _lab is not null)
        {
            // What happened in the phase that did not finish.
            PrintEvents(_phaseStart, Stopwatch.GetTimestamp());
            if (_interruption.Signal is null)
                PrintFailure(failure);
        }
        string cleanup = keep ? KeepLab() : RemoveLab();
        _result["ok"] = failure is null;
        _result["failure"] = failure;
        _result["interrupted"] = _interruption.Signal;
        _result["cleanup"] = cleanup;
        _result["duration_ms"] = Round(Timeline.Milliseconds(begin, Stopwatch.GetTimestamp()));
        if (_options.Json)
            _out.WriteLine(_result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        else
            _out.WriteLine(failure is null ? "OK" : _interruption.Signal is not null ? failure : $"FAILED: {failure}");
        return failure is null ? 0 : _interruption.Signal is not null ? _interruption.ExitCode : 1;
    }

    private void ReadLogs()
    {
        foreach (DemoDaemon daemon in _daemons)
            daemon.ReadLog();
    }

    private void PrintHeader(string binary, double buildMs)
    {
        DemoLab lab = _lab!;
        string version = _options.Version == VrrpVersion.V3 ? "VRRPv3" : "VRRPv2";
        _result["version"] = (int)_options.Version;
        _result["vrid"] = Vrid;
        _result["virtual_address"] = VipText;
        _result["advert_interval_ms"] = _options.AdvertMilliseconds;
        _result["probe_interval_ms"] = ProbeInterval.TotalMilliseconds;
        _result["namespaces"] = new JsonArray([.. lab.Namespaces.Select(n => (JsonNode?)n)]);
        _result["directory"] = lab.Directory;
        _result["binary"] = binary;
        _result["routers"] = new JsonArray(
            Router("r1", R1Address, R1Priority, lab.Macs["r1"]),
            Router("r2", R2Address, R2Priority, lab.Macs["r2"]));
        _result["lab_build_ms"] = Round(buildMs);

        _text?.WriteLine($"vrrpd demo: {version} between two vrrpd processes in network namespaces {lab.Prefix}{{lan,r1,r2,host}} ({buildMs:0} ms to build)");
        _text?.WriteLine($"  r1    {R1Address,-12} priority {R1Priority}, preempts (keepalived's default)   eth0 {lab.Macs["r1"]}   cable: bridge port {DemoLab.Port("r1")}");
        _text?.WriteLine($"  r2    {R2Address,-12} priority {R2Priority}                                   eth0 {lab.Macs["r2"]}   cable: bridge port {DemoLab.Port("r2")}");
        _text?.WriteLine($"  host  {HostAddress,-12} sends an ICMP echo to the virtual address every {ProbeInterval.TotalMilliseconds:0} ms, captures the adverts");
        _text?.WriteLine($"  VRID {Vrid}, virtual address {VipText}/{PrefixLength}, an advert every {Ms(Advert)}: Master_Down_Interval = 3 x {Ms(Advert)} + Skew_Time"
                         + $" = {Ms(MasterDown(R1Priority))} for r1, {Ms(MasterDown(R2Priority))} for r2");
        _text?.WriteLine($"  daemons: {binary} -f {lab.Directory}/r1.conf --control-socket {lab.Directory}/r1.sock --pid-file {lab.Directory}/r1.pid (r2 likewise);"
                         + " logs in r1.log, r2.log (their last lines are shown if the demo fails)");
    }

    private JsonObject Router(string name, string address, byte priority, string mac) => new()
    {
        ["name"] = name,
        ["address"] = address,
        ["priority"] = priority,
        ["mac"] = mac,
        ["skew_time_ms"] = Round(Skew(priority).TotalMilliseconds),
        ["master_down_interval_ms"] = Round(MasterDown(priority).TotalMilliseconds),
    };

    private string Config(string name, byte priority)
    {
        string interval = (_options.AdvertMilliseconds / 1000.0).ToString("0.##", CultureInfo.InvariantCulture);
        return $$"""
            # {{name}} of vrrpd demo, in keepalived.conf syntax (keepalived runs it unchanged).
            vrrp_instance {{InstanceName}} {
                state BACKUP
                interface {{DemoLab.Interface}}
                virtual_router_id {{Vrid}}
                priority {{priority}}
                advert_int {{interval}}
                version {{(int)_options.Version}}
                virtual_ipaddress {
                    {{VipText}}/{{PrefixLength}}
                }
            }

            """;
    }

    // Phase 1: both start as BACKUP; r1's Master_Down timer (shorter by the Skew_Time of its
    // higher priority) runs out first and it becomes Master; r2 hears it and stays Backup.
    private void Election(string binary, Observer observer)
    {
        DemoLab lab = _lab!;
        Heading("1. Election: r1 and r2 start as BACKUP; the first whose Master_Down timer runs out becomes MASTER");
        _timeline.MarkStart();
        _phaseStart = _timeline.Start;
        _daemons =
        [
            DemoDaemon.Start("r1", lab.R1, binary, lab.Directory, Config("r1", R1Priority), _timeline),
            DemoDaemon.Start("r2", lab.R2, binary, lab.Directory, Config("r2", R2Priority), _timeline),
        ];
        _timeline.Add(new DemoEvent(_timeline.Start, "demo", DemoEventKind.Action, $"started vrrpd in r1 (pid {R1.Pid}) and r2 (pid {R2.Pid})"));

        TimeSpan limit = MasterDown(R2Priority) * 2 + TimeSpan.FromSeconds(5);
        if (!_timeline.WaitUntil(() => State("r1") == "MASTER" && State("r2") == "BACKUP" && VipOn("r1") && !VipOn("r2"), limit, Cancel))
            throw new DemoFailure($"no election within {limit.TotalSeconds:0.#} s: {Situation()}");

        observer.Probing = true;
        long probing = Stopwatch.GetTimestamp();
        if (!_timeline.WaitUntil(() => FirstAnswered(probing) != 0, TimeSpan.FromSeconds(2), Cancel))
            throw new DemoFailure($"the host gets no echo reply from {VipText} held by r1 ({Situation()})");
        if (!_timeline.WaitUntil(() => ArpOwner() == "r1", TimeSpan.FromSeconds(1), Cancel))
            throw new DemoFailure($"the host's ARP entry for {VipText} is {ArpOwner() ?? "missing"}, not r1's {lab.Macs["r1"]}");
        _timeline.Hold(Hold, Cancel);
        long end = Stopwatch.GetTimestamp();

        DemoEvent master = Require(FirstEvent("r1", DemoEventKind.State, _timeline.Start, "MASTER"), "r1 entering MASTER");
        DemoEvent? r1Startup = FirstEvent("r1", DemoEventKind.State, _timeline.Start);
        DemoEvent vip = Require(FirstEvent("r1", DemoEventKind.VipAdded, _timeline.Start), "the address on r1");
        long firstReply = FirstAnswered(probing);
        string? neighbour = lab.HostNeighbour(VipText);
        if (neighbour != lab.Macs["r1"])
            throw new DemoFailure($"ip neigh in the host says {VipText} is at {neighbour ?? "nothing"}, not r1's {lab.Macs["r1"]}");
        (int count, double mean, double min, double max) = AdvertStatistics(R1Address, master.Time, end);
        var (sent, lost) = ProbeCount(probing, end);

        PrintEvents(_phaseStart, end);
        _phaseStart = end;
        double took = Timeline.Milliseconds(R1.StartedAt, master.Time);
        string startup = r1Startup is not null && r1Startup != master
            ? $" ({Timeline.Milliseconds(R1.StartedAt, r1Startup.Time):0} ms to start, then {Timeline.Milliseconds(r1Startup.Time, master.Time):0} ms as BACKUP; Master_Down_Interval {Ms(MasterDown(R1Priority))})"
            : "";
        Note($"r1 is MASTER {took:0} ms after it was started{startup}; the virtual address is on r1 only");
        if (FirstEvent("r2", DemoEventKind.State, _timeline.Start, "MASTER") is { } early && early.Time < master.Time)
            Note("r2 was up first and became MASTER alone; r1 preempted it once its own Master_Down timer ran out (it discards a lower priority's adverts)");
        Note($"host: first echo reply at {Offset(firstReply)}; ARP entry {VipText} -> {neighbour} = r1's eth0");
        Note($"wire: r1 advertised {count} times at priority {R1Priority}, every {mean:0.0} ms on average (min {min:0.0}, max {max:0.0}); "
             + $"{lost} of {sent} probes lost in {Timeline.Milliseconds(probing, end) / 1000:0.0} s");
        _result["election"] = new JsonObject
        {
            ["master"] = "r1",
            ["pids"] = new JsonObject { ["r1"] = R1.Pid, ["r2"] = R2.Pid },
            ["master_at_ms"] = Round(_timeline.Offset(master.Time)),
            ["master_after_start_ms"] = Round(took),
            ["vip_at_ms"] = Round(_timeline.Offset(vip.Time)),
            ["first_reply_at_ms"] = Round(_timeline.Offset(firstReply)),
            ["arp_mac"] = neighbour,
            ["adverts"] = count,
            ["advert_interval_mean_ms"] = Round(mean),
            ["advert_interval_max_ms"] = Round(max),
            ["probes_sent"] = sent,
            ["probes_lost"] = lost,
        };
    }

    // Phase 2: r1's cable is cut. r1 sees carrier loss and goes to FAULT; r2 stops hearing
    // adverts and becomes Master when its Master_Down timer runs out (RFC 5798 6.4.2).
    private void Takeover()
    {
        DemoLab lab = _lab!;
        Heading($"2. Cable cut: r1's bridge port {DemoLab.Port("r1")} goes down, r1's eth0 loses carrier (as if its cable were pulled)");
        _cutAt = Stopwatch.GetTimestamp();
        // Recorded first, so that the daemons' lines about it are read after it (Timeline.FromUtc).
        _timeline.Add(new DemoEvent(_cutAt, "demo", DemoEventKind.Action, $"{DemoLab.Port("r1")} down in {lab.Lan} (r1's cable cut)"));
        lab.SetCable("r1", up: false);
        // Log lines carry whole milliseconds: a state change in the millisecond of the cut may read as just before it.
        long cut = _cutAt, sinceCut = cut - Ticks(LogResolution);

        TimeSpan limit = MasterDown(R2Priority) + TimeSpan.FromSeconds(3);
        if (!_timeline.WaitUntil(() => State("r1") == "FAULT" && StateAfter("r2", sinceCut) == "MASTER" && VipOn("r2") && !VipOn("r1")
                                       && ArpOwner() == "r2" && FirstAnswered(LastEventTime("r2", DemoEventKind.VipAdded)) != 0, limit, Cancel))
            throw new DemoFailure($"no takeover within {limit.TotalSeconds:0.#} s of the cut: {Situation()}");
        DemoEvent fault = Require(FirstEvent("r1", DemoEventKind.State, sinceCut, "FAULT"), "r1 entering FAULT");
        DemoEvent master = Require(FirstEvent("r2", DemoEventKind.State, sinceCut, "MASTER"), "r2 entering MASTER");
        DemoEvent vip = Require(FirstEvent("r2", DemoEventKind.VipAdded, sinceCut), "the address on r2");
        DemoEvent arp = Require(FirstEvent("host", DemoEventKind.Arp, sinceCut, "r2"), "the ARP entry pointing at r2");
        long ready = Math.Max(Math.Max(master.Time, vip.Time), arp.Time);
        _windows.Add((sinceCut, ready + Ticks(OutageGrace), "takeover"));
        _timeline.Hold(Hold, Cancel);
        long end = Stopwatch.GetTimestamp();

        WireAdvert? lastR1 = LastAdvert(R1Address, _timeline.Start, master.Time);
        WireAdvert? firstR2 = FirstAdvert(R2Address, cut, end);
        PrintEvents(_phaseStart, end, ("r1", lastR1, "last advert from r1 seen by the host"), ("r2", firstR2, "first advert from r2"));
        _phaseStart = end;
        var outage = Outage(cut, end);
        double takeover = _takeoverMs = Timeline.Milliseconds(cut, master.Time);
        double? wireGap = lastR1 is { } l && firstR2 is { } f ? Timeline.Milliseconds(l.Time, f.Time) : null;
        double mdi = MasterDown(R2Priority).TotalMilliseconds;
        _wireGapMs = wireGap ?? double.NaN;
        Note($"r1 in FAULT {Timeline.Milliseconds(cut, fault.Time):0} ms after the cut (carrier loss); it removed the address");
        Note($"takeover: r2 MASTER {takeover:0} ms after the cut, the address on r2 after {Timeline.Milliseconds(cut, vip.Time):0} ms, "
             + $"the host's ARP entry -> r2 after {Timeline.Milliseconds(cut, arp.Time):0} ms (r2's gratuitous ARP)");
        if (lastR1 is { } last)
            Note($"r2's Master_Down timer had been running since r1's last advert, {Timeline.Milliseconds(last.Time, cut):0} ms before the cut");
        Note(wireGap is { } gap
            ? $"wire: {gap:0.0} ms from r1's last advert to r2's first; Master_Down_Interval for r2 is {mdi:0.00} ms (3 x {Ms(Advert)} + Skew_Time {Skew(R2Priority).TotalMilliseconds:0.00} ms)"
            : "wire: no advert of r1 before the cut or of r2 after it was captured");
        Note($"host: {outage.Lost} of {outage.Sent} probes lost, longest outage {outage.Longest:0} ms");
        _result["takeover"] = new JsonObject
        {
            ["cut_at_ms"] = Round(_timeline.Offset(cut)),
            ["fault_ms"] = Round(Timeline.Milliseconds(cut, fault.Time)),
            ["master_ms"] = Round(takeover),
            ["vip_ms"] = Round(Timeline.Milliseconds(cut, vip.Time)),
            ["arp_ms"] = Round(Timeline.Milliseconds(cut, arp.Time)),
            ["wire_gap_ms"] = wireGap is { } w ? Round(w) : null,
            ["master_down_interval_ms"] = Round(mdi),
            ["probes_sent"] = outage.Sent,
            ["probes_lost"] = outage.Lost,
            ["longest_outage_ms"] = Round(outage.Longest),
        };
        if (takeover > (MasterDown(R2Priority) + TakeoverSlack).TotalMilliseconds)
            throw new DemoFailure($"the takeover took {takeover:0} ms, more than Master_Down_Interval ({mdi:0.##} ms) + {TakeoverSlack.TotalMilliseconds:0} ms");
    }

    // Phase 3: the cable is back. r1 leaves FAULT as BACKUP, ignores r2's lower priority adverts
    // (it preempts: RFC 5798 6.4.2), becomes Master when its Master_Down timer runs out, and r2
    // steps back when it hears r1's higher priority.
    private void Preemption()
    {
        DemoLab lab = _lab!;
        Heading($"3. Cable back: r1's bridge port {DemoLab.Port("r1")} up again; r1 has the higher priority and preempts");
        _restoreAt = Stopwatch.GetTimestamp();
        // Recorded first, so that the daemons' lines about it are read after it (Timeline.FromUtc).
        _timeline.Add(new DemoEvent(_restoreAt, "demo", DemoEventKind.Action, $"{DemoLab.Port("r1")} up in {lab.Lan} (r1's cable back)"));
        lab.SetCable("r1", up: true);
        long restore = _restoreAt, sinceRestore = restore - Ticks(LogResolution);

        TimeSpan limit = MasterDown(R1Priority) + TimeSpan.FromSeconds(4);
        if (!_timeline.WaitUntil(() => StateAfter("r1", sinceRestore) == "MASTER" && StateAfter("r2", sinceRestore) == "BACKUP" && VipOn("r1") && !VipOn("r2")
                                       && ArpOwner() == "r1" && FirstAnswered(LastEventTime("r1", DemoEventKind.VipAdded)) != 0, limit, Cancel))
            throw new DemoFailure($"r1 did not take the address back within {limit.TotalSeconds:0.#} s of the restore: {Situation()}");
        DemoEvent backup = Require(FirstEvent("r1", DemoEventKind.State, sinceRestore, "BACKUP"), "r1 entering BACKUP");
        DemoEvent master = Require(FirstEvent("r1", DemoEventKind.State, sinceRestore, "MASTER"), "r1 entering MASTER");
        DemoEvent stepBack = Require(FirstEvent("r2", DemoEventKind.State, sinceRestore, "BACKUP"), "r2 entering BACKUP");
        DemoEvent vip = Require(FirstEvent("r1", DemoEventKind.VipAdded, sinceRestore), "the address on r1");
        DemoEvent arp = Require(FirstEvent("host", DemoEventKind.Arp, sinceRestore, "r1"), "the ARP entry pointing at r1");
        long ready = Math.Max(Math.Max(master.Time, vip.Time), arp.Time);
        _windows.Add((sinceRestore, ready + Ticks(OutageGrace), "preemption"));
        _timeline.Hold(Hold, Cancel);
        long end = Stopwatch.GetTimestamp();

        WireAdvert? firstR1 = FirstAdvert(R1Address, restore, end);
        WireAdvert? lastR2 = LastAdvert(R2Address, restore, end);
        PrintEvents(_phaseStart, end, ("r1", firstR1, "first advert from r1"), ("r2", lastR2, "last advert from r2"));
        _phaseStart = end;
        var outage = Outage(restore, end);
        double preempt = _preemptMs = Timeline.Milliseconds(restore, master.Time);
        Note($"r1 BACKUP {Timeline.Milliseconds(restore, backup.Time):0} ms after the restore (carrier back), MASTER {Timeline.Milliseconds(backup.Time, master.Time):0} ms later "
             + $"(Master_Down_Interval for r1: {MasterDown(R1Priority).TotalMilliseconds:0.00} ms); r2 BACKUP {Timeline.Milliseconds(master.Time, stepBack.Time):0} ms after that");
        Note($"preemption: r1 MASTER {preempt:0} ms after the restore, the address on r1 after {Timeline.Milliseconds(restore, vip.Time):0} ms, "
             + $"the host's ARP entry -> r1 after {Timeline.Milliseconds(restore, arp.Time):0} ms");
        if (firstR1 is { } f && lastR2 is { } l)
            Note($"wire: r1's first advert at {Offset(f.Time)}, r2's last at {Offset(l.Time)}");
        Note($"host: {outage.Lost} of {outage.Sent} probes lost, longest outage {outage.Longest:0} ms");
        _result["preemption"] = new JsonObject
        {
            ["restore_at_ms"] = Round(_timeline.Offset(restore)),
            ["backup_ms"] = Round(Timeline.Milliseconds(restore, backup.Time)),
            ["master_ms"] = Round(preempt),
            ["peer_backup_ms"] = Round(Timeline.Milliseconds(restore, stepBack.Time)),
            ["vip_ms"] = Round(Timeline.Milliseconds(restore, vip.Time)),
            ["arp_ms"] = Round(Timeline.Milliseconds(restore, arp.Time)),
            ["master_down_interval_ms"] = Round(MasterDown(R1Priority).TotalMilliseconds),
            ["probes_sent"] = outage.Sent,
            ["probes_lost"] = outage.Lost,
            ["longest_outage_ms"] = Round(outage.Longest),
        };
    }

    // Phase 4: every probe of the run. Loss is expected only while the address moves.
    private string? Summary(Observer observer)
    {
        Heading("4. Summary");
        observer.Probing = false;
        long stopped = Stopwatch.GetTimestamp();
        // Replies still on their way.
        _timeline.WaitUntil(() => _timeline.Probes.All(p => p.Answered != 0), TimeSpan.FromMilliseconds(300), Cancel);
        (long Sent, long Answered)[] probes = _timeline.Probes;
        var outages = Outages(probes, stopped);
        int lost = probes.Count(p => p.Answered == 0);
        double longest = outages.Count == 0 ? 0 : outages.Max(o => o.Milliseconds);
        var outside = outages.Where(o => o.Window is null).ToList();

        var json = new JsonArray();
        foreach (var o in outages)
        {
            json.Add((JsonNode)new JsonObject
            {
                ["start_ms"] = Round(_timeline.Offset(o.Start)),
                ["end_ms"] = Round(_timeline.Offset(o.End)),
                ["lost"] = o.Lost,
                ["ms"] = Round(o.Milliseconds),
                ["window"] = o.Window,
            });
        }
        _result["probes"] = new JsonObject
        {
            ["sent"] = probes.Length,
            ["lost"] = lost,
            ["longest_outage_ms"] = Round(longest),
            ["lost_outside_windows"] = outside.Sum(o => o.Lost),
            ["outages"] = json,
        };
        string where = outages.Count == 0 ? "" : ": " + string.Join(", ", outages.Select(o => $"{o.Lost} {(o.Window is null ? "OUTSIDE any takeover" : "during the " + o.Window)} ({o.Milliseconds:0} ms from {Offset(o.Start)})"));
        Note($"probes: {probes.Length} echo requests to {VipText} every {ProbeInterval.TotalMilliseconds:0} ms, {lost} lost{where}; longest outage {longest:0} ms");
        Note($"takeover: r2 MASTER {_takeoverMs:0} ms after the cut, {_wireGapMs:0.0} ms between adverts on the wire, for a Master_Down_Interval of {MasterDown(R2Priority).TotalMilliseconds:0.##} ms; "
             + $"preemption: r1 MASTER {_preemptMs:0} ms after the cable came back");
        foreach (DemoDaemon daemon in _daemons)
        {
            List<string> problems = [.. daemon.Lines.Where(l => l.Contains(" error: ", StringComparison.Ordinal))];
            if (problems.Count > 0)
                return $"{daemon.Name} logged {problems.Count} error(s), the first: {problems[0]}";
        }
        if (outside.Count > 0)
        {
            var first = outside[0];
            return $"{outside.Sum(o => o.Lost)} probe(s) lost outside the takeovers, the first at {Offset(first.Start)}";
        }
        Note($"every check passed: r1 elected; r2 took over within Master_Down_Interval + {TakeoverSlack.TotalMilliseconds:0} ms of the cut; r1 preempted; "
             + "the host reached the virtual address except while it moved; no error in the daemons' logs");
        return null;
    }

    private string KeepLab()
    {
        DemoLab lab = _lab!;
        foreach (DemoDaemon daemon in _daemons)
            daemon.Release();
        _text?.WriteLine();
        _text?.WriteLine($"kept: namespaces {lab.Prefix}{{lan,r1,r2,host}}, vrrpd pid {string.Join(", ", _daemons.Select(d => $"{d.Pid} ({d.Name})"))}; try:");
        _text?.WriteLine($"  {Environment.ProcessPath} status --control-socket {R2.ControlSocket}");
        _text?.WriteLine($"  ip -n {lab.Lan} link set {DemoLab.Port("r1")} down    # cut r1's cable again (up: plug it back)");
        _text?.WriteLine($"  ip -n {lab.Host} neigh show {VipText}    # the host's ARP entry for the virtual address");
        _text?.WriteLine($"  tail -f {R1.LogFile}");
        _text?.WriteLine($"remove it with: {Environment.ProcessPath} demo --clean");
        return "kept";
    }

    // Everything goes, also after a failure: the daemons' last lines were printed, and --keep
    // is there to look at a lab afterwards.
    private string RemoveLab()
    {
        if (_lab is null)
            return "nothing to remove";
        var stops = _daemons.Select(d => $"{d.Name} {d.Stop()}").ToList();
        foreach (DemoDaemon daemon in _daemons)
            daemon.Dispose();
        _lab.Dispose();
        List<string> left = [.. Directory.EnumerateFileSystemEntries(Vrrp.Linux.NetworkNamespace.Directory, _lab.Prefix + "*").Select(Path.GetFileName).OfType<string>()];
        _lab.DeleteDirectory();
        string summary = left.Count == 0
            ? $"lab removed: vrrpd {string.Join(", ", stops)}; namespaces {_lab.Prefix}{{lan,r1,r2,host}} deleted"
            : $"namespaces left behind: {string.Join(", ", left)} (remove with: ip netns del NAME)";
        _text?.WriteLine(summary);
        return summary;
    }

    private void PrintFailure(string failure)
    {
        if (_text is null)
            return;
        _text.WriteLine();
        foreach (DemoDaemon daemon in _daemons)
        {
            List<string> lines = daemon.Lines;
            _text.WriteLine($"the last lines {daemon.Name}'s vrrpd logged ({daemon.LogFile}):");
            foreach (string line in lines.Skip(Math.Max(0, lines.Count - 20)))
                _text.WriteLine($"  {line}");
        }
    }

    // ---- reading the timeline -------------------------------------------------------------

    private string? State(string router) => _timeline.Events.LastOrDefault(e => e.Source == router && e.Kind == DemoEventKind.State)?.Value;

    private string? StateAfter(string router, long after) =>
        _timeline.Events.LastOrDefault(e => e.Source == router && e.Kind == DemoEventKind.State && e.Time >= after)?.Value;

    /// <summary>The router whose MAC the host's ARP entry for the virtual address holds (the owner's name, or "unknown").</summary>
    private string? ArpOwner() => _timeline.Events.LastOrDefault(e => e.Kind == DemoEventKind.Arp)?.Value;

    private bool VipOn(string router) =>
        _timeline.Events.LastOrDefault(e => e.Source == router && e.Kind is DemoEventKind.VipAdded or DemoEventKind.VipRemoved)?.Kind == DemoEventKind.VipAdded;

    private long LastEventTime(string source, DemoEventKind kind) =>
        _timeline.Events.LastOrDefault(e => e.Source == source && e.Kind == kind)?.Time ?? long.MaxValue;

    private static DemoEvent Require(DemoEvent? e, string what) => e ?? throw new DemoFailure($"the timeline has no record of {what}");

    private DemoEvent? FirstEvent(string source, DemoEventKind kind, long after, string? value = null) =>
        _timeline.Events.FirstOrDefault(e => e.Source == source && e.Kind == kind && e.Time >= after && (value is null || e.Value == value));

    /// <summary>When the first probe sent at or after <paramref name="after"/> was answered; 0 if none yet.</summary>
    private long FirstAnswered(long after)
    {
        foreach (var (sent, answered) in _timeline.Probes)
        {
            if (sent >= after && answered != 0)
                return answered;
        }
        return 0;
    }

    private string Situation()
    {
        string Router(string r) => $"{r} {State(r) ?? "no state logged"}{(VipOn(r) ? " holding " + VipText : "")}";
        string daemons = string.Join("; ", _daemons.Where(d => d.HasExited).Select(d => $"{d.Name}'s vrrpd exited"));
        return $"{Router("r1")}, {Router("r2")}, host ARP {VipText} -> {ArpOwner() ?? "none"}{(daemons.Length > 0 ? "; " + daemons : "")}";
    }

    private WireAdvert? FirstAdvert(string source, long from, long to)
    {
        IpAddr address = IpAddr.Parse(source);
        foreach (WireAdvert a in _timeline.Adverts)
        {
            if (a.Source == address && a.Time >= from && a.Time < to)
                return a;
        }
        return null;
    }

    private WireAdvert? LastAdvert(string source, long from, long to)
    {
        IpAddr address = IpAddr.Parse(source);
        WireAdvert? last = null;
        foreach (WireAdvert a in _timeline.Adverts)
        {
            if (a.Source == address && a.Time >= from && a.Time < to)
                last = a;
        }
        return last;
    }

    private (int Count, double Mean, double Min, double Max) AdvertStatistics(string source, long from, long to)
    {
        IpAddr address = IpAddr.Parse(source);
        List<long> times = [.. _timeline.Adverts.Where(a => a.Source == address && a.Time >= from && a.Time < to).Select(a => a.Time)];
        if (times.Count < 2)
            return (times.Count, 0, 0, 0);
        List<double> gaps = [.. times.Zip(times.Skip(1), Timeline.Milliseconds)];
        return (times.Count, gaps.Average(), gaps.Min(), gaps.Max());
    }

    private (int Sent, int Lost) ProbeCount(long from, long to)
    {
        var probes = _timeline.Probes.Where(p => p.Sent >= from && p.Sent < to).ToList();
        return (probes.Count, probes.Count(p => p.Answered == 0));
    }

    private (int Sent, int Lost, double Longest) Outage(long from, long to)
    {
        var (sent, lost) = ProbeCount(from, to);
        var outages = Outages(_timeline.Probes, to).Where(o => o.Start >= from && o.Start < to).ToList();
        return (sent, lost, outages.Count == 0 ? 0 : outages.Max(o => o.Milliseconds));
    }

    /// <summary>
    /// Runs of consecutive unanswered probes, each from its first lost probe to the next answered
    /// one (or <paramref name="end"/>), named after the takeover window it started in, if any.
    /// </summary>
    private List<(long Start, long End, int Lost, double Milliseconds, string? Window)> Outages((long Sent, long Answered)[] probes, long end)
    {
        var outages = new List<(long, long, int, double, string?)>();
        for (int i = 0; i < probes.Length; i++)
        {
            if (probes[i].Answered != 0)
                continue;
            int first = i;
            while (i < probes.Length && probes[i].Answered == 0)
                i++;
            long start = probes[first].Sent, stop = i < probes.Length ? probes[i].Sent : end;
            // Where it ends does not matter: a loaded machine may answer the first probe after a
            // takeover late, and that outage is still the takeover's (its length is printed).
            string? window = _windows.FirstOrDefault(w => start >= w.From && start <= w.To).Name;
            outages.Add((start, stop, i - first, Timeline.Milliseconds(start, stop), window));
        }
        return outages;
    }

    // ---- printing ---------------------------------------------------------------------------

    private void Heading(string text)
    {
        _text?.WriteLine();
        _text?.WriteLine(text);
    }

    private void Note(string text) => _text?.WriteLine($"  => {text}");

    private string Offset(long time) => $"+{_timeline.Offset(time) / 1000:0.000} s";

    /// <summary>The daemons' state changes and notable log lines, the address moves, the ARP changes, and the given adverts, in time order.</summary>
    private void PrintEvents(long from, long to, params (string Source, WireAdvert? Advert, string Text)[] adverts)
    {
        if (_text is null)
            return;
        var lines = new List<(long Time, string Source, string Text)>();
        foreach (DemoEvent e in _timeline.Events)
        {
            if (e.Time < from || e.Time >= to || !Shown(e))
                continue;
            lines.Add((e.Time, e.Source, e.Text));
        }
        foreach (var (source, advert, text) in adverts)
        {
            if (advert is { } a)
                lines.Add((a.Time, "wire", $"{text} (priority {a.Priority})"));
        }
        foreach (var o in Outages(_timeline.Probes, to).Where(o => o.Start >= from && o.Start < to))
            lines.Add((o.Start, "host", $"no echo reply to the next {o.Lost} probe(s): {o.Milliseconds:0} ms without {VipText}"));
        foreach (var (time, source, text) in lines.OrderBy(l => l.Time))
            _text.WriteLine($"  {Offset(time),9}  {source,-4}  {text}");
    }

    private static bool Shown(DemoEvent e) => e.Kind switch
    {
        DemoEventKind.Log => e.Text.StartsWith("Link ", StringComparison.Ordinal) || e.Text.StartsWith("warning:", StringComparison.Ordinal)
                             || e.Text.StartsWith("error:", StringComparison.Ordinal),
        _ => true,
    };

    private static string Ms(TimeSpan t) => t.TotalMilliseconds % 1 == 0 ? $"{t.TotalMilliseconds:0} ms" : $"{t.TotalMilliseconds:0.00} ms";

    private static double Round(double value) => Math.Round(value, 3);

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);
}
