using System.Globalization;
using System.Text;

namespace Vrrp.Bench.Netlab;

/// <summary>The markdown table of a run: one row per daemon and scenario, and their ratios.</summary>
internal static class Report
{
    public static string Markdown(IReadOnlyList<ScenarioResult> results, Options options)
    {
        var s = new StringBuilder();
        double mdiFast = Analysis.MasterDownIntervalMs(KeepalivedConfig.R2Priority, 1);
        double mdiSlow = Analysis.MasterDownIntervalMs(KeepalivedConfig.R2Priority, 100);
        s.AppendLine(CultureInfo.InvariantCulture, $"Master_Down_Interval of r2 (priority {KeepalivedConfig.R2Priority}, RFC 5798 6.1): {mdiFast:0.###} ms at 10 ms adverts, {mdiSlow:0.#} ms at 1 s.");
        if (results.Any(r => r.Daemon == DaemonKind.Floor))
            s.AppendLine("The floor rows send the same adverts with one sendmmsg per interval and receive them with recvmmsg, nothing else: the kernel's share of each figure (softirq delivery through veth and bridge is charged to the sender).");
        s.AppendLine(CultureInfo.InvariantCulture, $"CPU over {options.SteadySeconds} s in steady state (utime+stime of every process of the daemon, keepalived's parent and VRRP child summed); jitter from {options.JitterSeconds} s captured in r2; failover figures are the median of {options.Failovers} cut(s) of r1's cable (bridge port down).");
        s.AppendLine();
        s.AppendLine("| N | adverts | daemon | master CPU % | backup CPU % | RSS master / backup MB | first / last VIP on r2 ms | wire gap VRID 1 ms | gap − MDI ms, VRID 1 / worst VRID | jitter VRID 1 p50 / p99 / max ms | jitter all VRIDs p50 / p99 / max ms | load 1 min / other busy % |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Scenario))
        {
            foreach (ScenarioResult r in group) s.AppendLine(Row(r, options));
            ScenarioResult? k = group.FirstOrDefault(r => r.Daemon == DaemonKind.Keepalived);
            ScenarioResult? v = group.FirstOrDefault(r => r.Daemon == DaemonKind.Vrrpd);
            if (k is not null && v is not null) s.AppendLine(Ratios(k, v));
        }
        s.AppendLine();
        Runtime(s, results);
        Targets(s, results);
        foreach (ScenarioResult r in results)
        {
            var notes = new List<string>();
            if (r.Failovers.Count > 1)
                notes.Add("cuts: " + string.Join("; ", r.Failovers.Select(f =>
                    $"{F(f.FirstVipMs, 1)} / {F(f.LastVipMs, 1)} ms, gap {F(f.GapVrid1Ms, 3)} ms")));
            if (r.Failovers.Any(f => f.LastVipMs is null))
                notes.Add($"not every VIP reached r2 within the timeout ({string.Join(", ", r.Failovers.Select(f => f.VipsOnR2))} of {r.Scenario.Routers})");
            if (r.Failovers.Any(f => f.VridsTakenOver < r.Scenario.Routers))
                notes.Add($"VRIDs with a captured takeover: {string.Join(", ", r.Failovers.Select(f => f.VridsTakenOver))} of {r.Scenario.Routers}");
            if (r.CaptureDrops > 0) notes.Add($"{r.CaptureDrops} frames dropped by the capture");
            if (r.Note is not null) notes.Add(r.Note);
            if (notes.Count > 0) s.AppendLine(CultureInfo.InvariantCulture, $"- {Scenario(r.Scenario)}, {DaemonProcess.Label(r.Daemon)}: {string.Join("; ", notes)}");
        }
        return s.ToString();
    }

    // vrrpd's own figures from its control socket.
    private static void Runtime(StringBuilder s, IReadOnlyList<ScenarioResult> results)
    {
        var rows = results.Where(r => r.MasterRuntime is not null).ToList();
        if (rows.Count == 0) return;
        s.AppendLine("vrrpd's runtime over the steady window (the control socket's `runtime` request, the `runtime` object of `vrrpd status --json`; allocated bytes exclude the requests themselves, so a few hundred bytes either way are zero):");
        s.AppendLine();
        s.AppendLine("| N | loop wake-ups/s master / backup | GCs master / backup | bytes allocated master / backup |");
        s.AppendLine("|---|---|---|---|");
        foreach (ScenarioResult r in rows)
        {
            RuntimeWindow m = r.MasterRuntime!.Value, b = r.BackupRuntime!.Value;
            s.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario.Routers} | {m.WakeupsPerSecond:F0} / {b.WakeupsPerSecond:F0} | {m.Collections} / {b.Collections} | {m.AllocatedBytes} / {b.AllocatedBytes} |");
        }
        foreach (ScenarioResult r in results.Where(r => r.GcRunMaster is not null))
        {
            RuntimeWindow m = r.GcRunMaster!.Value, b = r.GcRunBackup!.Value;
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"GC run, N = {r.Scenario.Routers}, {m.Seconds:F0} s in steady state: master {m.Collections} GCs, {m.AllocatedBytes} B allocated; backup {b.Collections} GCs, {b.AllocatedBytes} B allocated.");
        }
        s.AppendLine();
    }

    // Issue 7's targets for vrrpd, checked against this run.
    private static void Targets(StringBuilder s, IReadOnlyList<ScenarioResult> results)
    {
        ScenarioResult? big = results.Where(r => r.Daemon == DaemonKind.Vrrpd && r.Scenario.AdvertCentiseconds == 1).MaxBy(r => r.Scenario.Routers);
        ScenarioResult? one = results.FirstOrDefault(r => r.Daemon == DaemonKind.Vrrpd && r.Scenario is { Routers: 1, AdvertCentiseconds: 1 });
        ScenarioResult? slow = results.FirstOrDefault(r => r.Daemon == DaemonKind.Vrrpd && r.Scenario.AdvertCentiseconds >= 100);
        var lines = new List<string>();
        void Check(string target, double? value, Func<double, bool> met, string unit)
        {
            if (value is { } v && !double.IsNaN(v)) lines.Add($"| {target} | {v:0.###} {unit} | {(met(v) ? "met" : "**not met**")} |");
        }
        if (big is not null)
        {
            string at = $"N = {big.Scenario.Routers}";
            Check($"master CPU under 15 % ({at})", big.MasterCpu, v => v < 15, "%");
            Check($"backup CPU under 5 % ({at})", big.BackupCpu, v => v < 5, "%");
            Check($"resident memory under 14 MB ({at}, larger side)", Math.Max(big.MasterRssKb, big.BackupRssKb) / 1024.0, v => v < 14, "MB");
            Check($"all VIPs on r2 under 50 ms after the cut ({at}, median)", Median(big.Failovers.Select(f => f.LastVipMs)), v => v < 50, "ms");
            if (big.GcRunMaster is { } gm && big.GcRunBackup is { } gb)
                Check($"no GC over {gm.Seconds:F0} s ({at}, master + backup)", gm.Collections + gb.Collections, v => v == 0, "GCs");
        }
        double mdi = Analysis.MasterDownIntervalMs(KeepalivedConfig.R2Priority, 1);
        if (one is not null) Check("wire gap − Master_Down_Interval under 1 ms (N = 1, 10 ms, median)", Median(one.Failovers.Select(f => f.GapVrid1Ms)) - mdi, v => v < 1, "ms");
        double mdiSlow = Analysis.MasterDownIntervalMs(KeepalivedConfig.R2Priority, 100);
        if (slow is not null) Check("wire gap within 2 ms of theory (N = 1, 1 s, median)", Median(slow.Failovers.Select(f => f.GapVrid1Ms)) - mdiSlow, v => Math.Abs(v) <= 2, "ms");
        if (lines.Count == 0) return;
        s.AppendLine("vrrpd against the targets of issue 7:");
        s.AppendLine();
        s.AppendLine("| target | vrrpd | |");
        s.AppendLine("|---|---|---|");
        foreach (string line in lines) s.AppendLine(line);
        s.AppendLine();
    }

    private static string Scenario(Scenario s) => $"N = {s.Routers}, {(s.AdvertCentiseconds >= 100 ? $"{s.AdvertCentiseconds / 100.0:0.##} s" : $"{s.AdvertCentiseconds * 10} ms")}";

    private static string Row(ScenarioResult r, Options options)
    {
        double mdi = Analysis.MasterDownIntervalMs(KeepalivedConfig.R2Priority, r.Scenario.AdvertCentiseconds);
        double? first = Median(r.Failovers.Select(f => (double?)f.FirstVipMs));
        double? last = Median(r.Failovers.Select(f => f.LastVipMs));
        double? gap1 = Median(r.Failovers.Select(f => f.GapVrid1Ms));
        double? worst = Median(r.Failovers.Select(f => f.WorstGapMs));
        string load = r.OtherBusy is { } other ? $"{r.LoadAtStart:F2} / {other:F0}" : $"{Median(r.LoadAtCuts.Select(l => (double?)l)):F2} / –";
        return string.Join(" | ",
            $"| {r.Scenario.Routers}",
            r.Scenario.AdvertCentiseconds >= 100 ? $"{r.Scenario.AdvertCentiseconds / 100.0:0.##} s" : $"{r.Scenario.AdvertCentiseconds * 10} ms",
            r.Daemon == DaemonKind.Floor ? $"floor: sendmmsg / receive ring only{(options.FloorPauseMicroseconds > 0 ? $", {options.FloorPauseMicroseconds} µs pause" : "")}" : DaemonProcess.Label(r.Daemon),
            F(r.MasterCpu, 1),
            F(r.BackupCpu, 1),
            // The floor is a JIT-compiled bench process: its memory says nothing.
            r.Daemon == DaemonKind.Floor ? "–" : $"{r.MasterRssKb / 1024.0:F1} / {r.BackupRssKb / 1024.0:F1}",
            $"{F(first, 1)} / {F(last, 1)}",
            F(gap1, 3),
            $"{F(gap1 - mdi, 3)} / {F(worst - mdi, 3)}",
            SpreadText(r.JitterVrid1),
            SpreadText(r.JitterAll),
            load) + " |";
    }

    private static string Ratios(ScenarioResult k, ScenarioResult v)
    {
        static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? $"{x / y:0.#}×" : "–";
        double? lastK = Median(k.Failovers.Select(f => f.LastVipMs)), lastV = Median(v.Failovers.Select(f => f.LastVipMs));
        return string.Join(" | ",
            $"| {k.Scenario.Routers}",
            "",
            "**keepalived ÷ vrrpd**",
            Ratio(k.MasterCpu, v.MasterCpu),
            Ratio(k.BackupCpu, v.BackupCpu),
            $"{Ratio(k.MasterRssKb, v.MasterRssKb)} / {Ratio(k.BackupRssKb, v.BackupRssKb)}",
            $"– / {Ratio(lastK, lastV)}",
            "", "", "", "", "") + " |";
    }

    private static string SpreadText(Spread? s) => s is { } x ? $"{x.P50:F2} / {x.P99:F2} / {x.Max:F2}" : "–";

    private static string F(double? value, int digits) =>
        value is { } v && !double.IsNaN(v) ? v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";

    private static double? Median(IEnumerable<double?> values)
    {
        double[] present = [.. values.Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value)];
        return present.Length == 0 ? null : Analysis.Median(present);
    }
}
