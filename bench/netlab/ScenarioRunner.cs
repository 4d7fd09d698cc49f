using System.Diagnostics;
using Vrrp.Core.Wire;

namespace Vrrp.Bench.Netlab;

/// <summary>Everything measured for one daemon in one scenario.</summary>
internal sealed class ScenarioResult
{
    public required Scenario Scenario { get; init; }
    public required DaemonKind Daemon { get; init; }
    public double? MasterCpu { get; set; }
    public double? BackupCpu { get; set; }
    public long MasterRssKb { get; set; }
    public long BackupRssKb { get; set; }
    public double LoadAtStart { get; set; }
    /// <summary>CPU busy outside the two daemons during the steady window, % of one core.</summary>
    public double? OtherBusy { get; set; }
    public Spread? JitterVrid1 { get; set; }
    public Spread? JitterAll { get; set; }
    public List<FailoverResult> Failovers { get; } = [];
    public List<double> LoadAtCuts { get; } = [];
    public long CaptureDrops { get; set; }
    /// <summary>vrrpd only: its runtime over the steady window.</summary>
    public RuntimeWindow? MasterRuntime { get; set; }
    public RuntimeWindow? BackupRuntime { get; set; }
    /// <summary>vrrpd only, --gc-run: the long window at the largest N.</summary>
    public RuntimeWindow? GcRunMaster { get; set; }
    public RuntimeWindow? GcRunBackup { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// Runs one scenario for one daemon: a fresh lab, the pair started, converged (r1 Master of
/// every VRID), a CPU window in steady state without capture, then K cuts of r1's link with a
/// capture in r2 (the first one preceded by the jitter window), each followed by restoring
/// the link and waiting for r1 to take every VRID back.
/// </summary>
internal sealed class ScenarioRunner(Options options, string workRoot, string vrrpdPath, CancellationToken cancel)
{
    private static readonly IpAddr R1 = IpAddr.Parse(BenchLab.R1Address), R2 = IpAddr.Parse(BenchLab.R2Address);

    public ScenarioResult Run(Scenario scenario, DaemonKind kind)
    {
        var result = new ScenarioResult { Scenario = scenario, Daemon = kind };
        int n = scenario.Routers;
        bool slow = scenario.AdvertCentiseconds >= 100;
        double interval = scenario.AdvertCentiseconds * 10.0;
        string dir = Directory.CreateDirectory(Path.Combine(workRoot, $"{DaemonProcess.Label(kind)}-n{n}-{scenario.AdvertCentiseconds}cs")).FullName;
        string r1Config = Path.Combine(dir, "r1.conf"), r2Config = Path.Combine(dir, "r2.conf");
        File.WriteAllText(r1Config, KeepalivedConfig.Write("r1", KeepalivedConfig.R1Priority, initialMaster: true, n, scenario.AdvertCentiseconds));
        File.WriteAllText(r2Config, KeepalivedConfig.Write("r2", KeepalivedConfig.R2Priority, initialMaster: false, n, scenario.AdvertCentiseconds));
        Log($"{DaemonProcess.Label(kind)}, N = {n}, adverts every {interval} ms: lab in {dir}");

        BenchLab? lab = null;
        AddressWatch? r1Watch = null, r2Watch = null;
        DaemonProcess? r1 = null, r2 = null;
        try
        {
            lab = Cleanup.Register(new BenchLab());
            r1Watch = Cleanup.Register(new AddressWatch(lab.R1, KeepalivedConfig.IsVip));
            r2Watch = Cleanup.Register(new AddressWatch(lab.R2, KeepalivedConfig.IsVip));
            if (kind == DaemonKind.Floor)
            {
                string dotnet = Environment.ProcessPath ?? "dotnet";
                r1 = Cleanup.Register(DaemonProcess.Start(kind, dotnet, lab.R1, $"master {n} {scenario.AdvertCentiseconds}", dir, "r1", cancel));
                r2 = Cleanup.Register(DaemonProcess.Start(kind, dotnet, lab.R2, $"backup {options.FloorPauseMicroseconds}", dir, "r2", cancel));
                Sleep(TimeSpan.FromSeconds(2)); // runtime start-up and the first adverts
                Hold(lab, r1, r2);
                Steady(result, r1, r2, () => null, null);
                JitterOnly(lab, Path.Combine(dir, "jitter.pcap"), result);
                r1.ThrowIfExited();
                r2.ThrowIfExited();
                return result;
            }

            string program = kind == DaemonKind.Keepalived ? options.Keepalived : vrrpdPath;
            r1 = Cleanup.Register(DaemonProcess.Start(kind, program, lab.R1, r1Config, dir, "r1", cancel));
            r2 = Cleanup.Register(DaemonProcess.Start(kind, program, lab.R2, r2Config, dir, "r2", cancel));

            TimeSpan convergeTimeout = TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(10 * interval);
            TimeSpan settle = TimeSpan.FromMilliseconds(Math.Max(1000, 3 * interval));
            WaitConverged(r1Watch, r2Watch, n, r1, r2, convergeTimeout, settle);
            Log($"  converged: r1 holds {n} VIPs, r2 none");
            Hold(lab, r1, r2);

            if (!slow)
            {
                AddressWatch w1 = r1Watch, w2 = r2Watch;
                (string, string)? sockets = r1.ControlSocket is { } r1Socket && r2.ControlSocket is { } r2Socket ? (r1Socket, r2Socket) : null;
                Steady(result, r1, r2, () => w1.Count != n || w2.Count != 0
                    ? $"roles changed during the steady window (r1 {w1.Count}, r2 {w2.Count} VIPs)" : null, sockets);
                if (sockets is var (s1, s2) && options.GcRunSeconds > 0 && n == options.Routers.Max())
                {
                    Log($"  GC run: {options.GcRunSeconds} s in steady state");
                    var open1 = RuntimeWindow.Open(s1);
                    var open2 = RuntimeWindow.Open(s2);
                    Sleep(TimeSpan.FromSeconds(options.GcRunSeconds));
                    result.GcRunMaster = RuntimeWindow.Close(open1, s1);
                    result.GcRunBackup = RuntimeWindow.Close(open2, s2);
                    Log($"  GC run: master {result.GcRunMaster}, backup {result.GcRunBackup}");
                }
            }
            else
            {
                result.MasterRssKb = ProcStat.RssKilobytes(r1.Pids);
                result.BackupRssKb = ProcStat.RssKilobytes(r2.Pids);
            }

            for (int k = 0; k < options.Failovers; k++)
            {
                FailoverResult f = Failover(lab, r2Watch, n, interval, Path.Combine(dir, $"cut{k + 1}.pcap"),
                    captureFirst: k == 0 && !slow ? TimeSpan.FromSeconds(options.JitterSeconds) : TimeSpan.FromMilliseconds(Math.Max(500, 2.5 * interval)),
                    jitterInto: k == 0 && !slow ? result : null, result);
                result.Failovers.Add(f);
                Log($"  cut {k + 1}: first VIP on r2 {f.FirstVipMs:F1} ms, last {f.LastVipMs?.ToString("F1") ?? $"({f.VipsOnR2} of {n})"} ms, wire gap VRID 1 {f.GapVrid1Ms?.ToString("F3") ?? "-"} ms, worst VRID {f.WorstGapMs?.ToString("F3") ?? "-"} ms");
                lab.RestoreR1();
                WaitConverged(r1Watch, r2Watch, n, r1, r2, convergeTimeout, settle);
            }
            r1.ThrowIfExited();
            r2.ThrowIfExited();
        }
        finally
        {
            // Daemons first (they remove their VIPs), then watches, then the namespaces.
            Cleanup.Release(r2);
            Cleanup.Release(r1);
            Cleanup.Release(r2Watch);
            Cleanup.Release(r1Watch);
            Cleanup.Release(lab);
        }
        return result;
    }

    private void Hold(BenchLab lab, DaemonProcess r1, DaemonProcess r2)
    {
        if (options.HoldSeconds <= 0) return;
        Log($"  holding {options.HoldSeconds} s: master r1 pid {string.Join(",", r1.Pids)} in {lab.R1}, backup r2 pid {string.Join(",", r2.Pids)} in {lab.R2}");
        Sleep(TimeSpan.FromSeconds(options.HoldSeconds));
    }

    // Resident memory, then CPU of both sides over the steady window (no capture running) and
    // the rest of the machine's busy time next to it.
    private void Steady(ScenarioResult result, DaemonProcess r1, DaemonProcess r2, Func<string?> disturbed, (string R1, string R2)? controlSockets)
    {
        // Memory first, as it settled after convergence, before any control request.
        result.MasterRssKb = ProcStat.RssKilobytes(r1.Pids);
        result.BackupRssKb = ProcStat.RssKilobytes(r2.Pids);
        // vrrpd's runtime is sampled outside the CPU window, so the requests do not count in it.
        var runtime = controlSockets is var (c1, c2) ? (RuntimeWindow.Open(c1), RuntimeWindow.Open(c2)) : default;
        result.LoadAtStart = ProcStat.LoadAverage();
        long busyBefore = ProcStat.MachineBusyTicks();
        var master = new CpuWindow(r1.Pids);
        var backup = new CpuWindow(r2.Pids);
        long daemonsBefore = ProcStat.CpuTicks(r1.Pids.Concat(r2.Pids));
        int backupTakeovers = r2.MasterTransitions();
        long started = Stopwatch.GetTimestamp();
        Sleep(TimeSpan.FromSeconds(options.SteadySeconds));
        backupTakeovers = r2.MasterTransitions() - backupTakeovers;
        result.MasterCpu = master.PercentOfOneCore();
        result.BackupCpu = backup.PercentOfOneCore();
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        long other = ProcStat.MachineBusyTicks() - busyBefore - (ProcStat.CpuTicks(r1.Pids.Concat(r2.Pids)) - daemonsBefore);
        result.OtherBusy = 100.0 * other / ProcStat.TicksPerSecond / seconds;
        result.Note = disturbed();
        if (backupTakeovers > 0)
            result.Note = (result.Note is null ? "" : result.Note + "; ") + $"r2 took over {backupTakeovers} time(s) during the steady window (the Master's adverts came late: load)";
        if (controlSockets is var (d1, d2))
        {
            result.MasterRuntime = RuntimeWindow.Close(runtime.Item1, d1);
            result.BackupRuntime = RuntimeWindow.Close(runtime.Item2, d2);
            Log($"  runtime: master {result.MasterRuntime}, backup {result.BackupRuntime}");
        }
        Log($"  steady {options.SteadySeconds} s: master {result.MasterCpu:F1} %, backup {result.BackupCpu:F1} % of a core; RSS {result.MasterRssKb} / {result.BackupRssKb} kB; load {result.LoadAtStart:F2}, other busy {result.OtherBusy:F0} %");
    }

    private void JitterOnly(BenchLab lab, string pcap, ScenarioResult result)
    {
        Capture? capture = null;
        try
        {
            capture = Cleanup.Register(Capture.Start(lab.R2, pcap, cancel));
            Sleep(TimeSpan.FromSeconds(options.JitterSeconds + 1.5)); // + tcpdump's block timeout, see Failover
            List<WireAdvert> adverts = capture.StopAndRead();
            result.CaptureDrops += capture.KernelDrops;
            (result.JitterVrid1, result.JitterAll) = Analysis.Jitter(adverts, R1);
        }
        finally
        {
            Cleanup.Release(capture);
        }
    }

    private FailoverResult Failover(BenchLab lab, AddressWatch r2Watch, int n, double interval, string pcap,
        TimeSpan captureFirst, ScenarioResult? jitterInto, ScenarioResult result)
    {
        Capture? capture = null;
        try
        {
            capture = Cleanup.Register(Capture.Start(lab.R2, pcap, cancel));
            Sleep(captureFirst);
            result.LoadAtCuts.Add(ProcStat.LoadAverage());
            r2Watch.Arm();
            long cut = lab.CutR1();
            var (first, last, arrived) = r2Watch.WaitForArrivals(n, TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(4 * interval), cancel);
            cancel.ThrowIfCancellationRequested();
            // tcpdump's TPACKET_V3 ring hands frames over per block, a block when full or after
            // tcpdump's 1 s timeout, and what is still in the open block is lost on SIGINT: keep
            // capturing past that, so r2's first adverts as Master are written.
            Sleep(TimeSpan.FromMilliseconds(1500 + interval));
            List<WireAdvert> adverts = capture.StopAndRead();
            result.CaptureDrops += capture.KernelDrops;
            Cleanup.Release(capture);
            capture = null;

            if (jitterInto is not null) (jitterInto.JitterVrid1, jitterInto.JitterAll) = Analysis.Jitter(adverts, R1);
            Dictionary<byte, double> gaps = Analysis.WireGaps(adverts, R1, R2);
            double Ms(long t) => Stopwatch.GetElapsedTime(cut, t).TotalMilliseconds;
            return new FailoverResult(
                FirstVipMs: arrived > 0 ? Ms(first) : double.NaN,
                LastVipMs: arrived == n ? Ms(last) : null,
                VipsOnR2: arrived,
                GapVrid1Ms: gaps.TryGetValue(1, out double g1) ? g1 : null,
                WorstGapMs: gaps.Count > 0 ? gaps.Values.Max() : null,
                VridsTakenOver: gaps.Count);
        }
        finally
        {
            Cleanup.Release(capture);
        }
    }

    // r1 holds every VIP and r2 none, and it stays so for `settle`.
    private void WaitConverged(AddressWatch r1Watch, AddressWatch r2Watch, int n, DaemonProcess r1, DaemonProcess r2, TimeSpan timeout, TimeSpan settle)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            r1.ThrowIfExited();
            r2.ThrowIfExited();
            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"no convergence within {timeout.TotalSeconds:F0} s: r1 holds {r1Watch.Count} of {n} VIPs, r2 {r2Watch.Count}; logs:\n{r1.LogPath}:\n{r1.Tail(8)}\n{r2.LogPath}:\n{r2.Tail(8)}");
            if (!r1Watch.WaitForCount(c => c == n, left, cancel) || !r2Watch.WaitForCount(c => c == 0, left, cancel)) continue;
            Sleep(settle);
            if (r1Watch.Count == n && r2Watch.Count == 0) return;
        }
    }

    private void Sleep(TimeSpan duration)
    {
        if (cancel.WaitHandle.WaitOne(duration)) cancel.ThrowIfCancellationRequested();
    }

    public static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
