using System.Globalization;
using System.Text;
using Vrrp.Lab;

namespace Vrrp.Bench.Soak;

/// <summary>The soak's outcome as bench/README.md tables: a summary, transitions by cause, the per-minute record, any spurious transition.</summary>
internal sealed class SoakReport(SoakRun run, SoakOptions options, string[] finalStates, string loadBefore, string loadAfter)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Write()
    {
        var s = new StringBuilder();
        string commit = NetnsLab.RunCaptured("git", $"-C {Repository.Find(AppContext.BaseDirectory) ?? "."} rev-parse --short HEAD").Stdout.Trim();
        s.AppendLine(Invariant, $"### Soak {run.StartedAt:yyyy-MM-dd HH:mm} UTC, commit {commit}");
        s.AppendLine();
        string setting = $"{options.Instances} VRRPv3 instances per daemon at {options.AdvertMilliseconds} ms, r1 (priority 200) Master, r2 (100) Backup; "
            + $"{(run.EndedAt - run.StartedAt).TotalMinutes:0.#} min, a fault every {options.Period:0.#} s in the cycle: SIGHUP r1 unchanged, trk0 link flap ({options.Hold:0.#} s down), "
            + $"SIGHUP r2 with VR{options.Instances} changed, track script flap ({options.Hold:0.#} s failing), SIGHUP r2 unchanged, SIGHUP r1 with VR{options.Instances} changed. "
            + $"{Machine()}; load average {loadBefore} before, {loadAfter} after. Command (as root): `bench/soak/run.sh --minutes {options.Minutes.ToString(Invariant)}`"
            + (options.Instances != 255 || options.AdvertMilliseconds != 10 ? $" --instances {options.Instances} --advert-ms {options.AdvertMilliseconds}" : "");
        s.AppendLine(setting);
        s.AppendLine();
        if (run.Died is not null) s.AppendLine(Invariant, $"**A daemon died: {run.Died}.**").AppendLine();
        Summary(s);
        Causes(s);
        PerMinute(s);
        if (run.Spurious.Count > 0) Episodes(s);
        return s.ToString();
    }

    private void Summary(StringBuilder s)
    {
        s.AppendLine("| figure | r1 | r2 |").AppendLine("|---|---|---|");
        if (run.Minutes.Count > 0)
        {
            s.Append("| RSS minute 1 → end (max), MB |");
            for (int d = 0; d < 2; d++)
            {
                double first = run.Minutes[0].Daemons[d].RssKilobytes / 1024.0, last = run.Minutes[^1].Daemons[d].RssKilobytes / 1024.0;
                double max = run.Minutes.Max(m => m.Daemons[d].RssKilobytes) / 1024.0;
                s.Append(Invariant, $" {first:0.0} → {last:0.0} ({max:0.0}) |");
            }
            s.AppendLine();
        }
        if (run.Final.Length == 2)
        {
            double minutes = (run.EndedAt - run.StartedAt).TotalMinutes;
            s.Append("| GCs: all / in fault windows / steady state |");
            for (int d = 0; d < 2; d++)
            {
                long all = run.Final[d].Collections - run.Baseline[d].Collections;
                long windows = run.Faults.Sum(f => f.After[d].Collections - f.Before[d].Collections);
                s.Append(Invariant, $" {all} / {windows} / {all - windows} |");
            }
            s.AppendLine();
            double steadyMinutes = minutes - run.Faults.Count * options.Settle / 60;
            s.Append("| bytes allocated per minute: all / steady state |");
            for (int d = 0; d < 2; d++)
            {
                long all = run.Final[d].AllocatedBytes - run.Baseline[d].AllocatedBytes;
                long windows = run.Faults.Sum(f => f.After[d].AllocatedBytes - f.Before[d].AllocatedBytes);
                s.Append(Invariant, $" {all / minutes:N0} / {(all - windows) / steadyMinutes:N0} |");
            }
            s.AppendLine();
        }
        s.AppendLine(Invariant, $"| state at the end | {finalStates[0]} | {finalStates[1]} |");
        if (run.Gaps.Count > 0)
        {
            double down = MasterDownMilliseconds;
            s.AppendLine(Invariant, $"| r1's VR3 advertisements at r2: gaps over Master_Down_Interval ({down:0.0} ms), worst gap | {run.Gaps.Count(g => g.Milliseconds > down)} of {run.Gaps.Count}, worst {run.Gaps.Max(g => g.Milliseconds):0.0} ms | |");
        }
        s.AppendLine();
    }

    // r2's Master_Down_Interval (RFC 5798 6.1): 3 intervals plus Skew_Time at priority 100.
    private double MasterDownMilliseconds => options.AdvertMilliseconds * (3 + (256 - SoakConfig.R2Priority) / 256.0);

    private string WorstGap(double minute)
    {
        DateTime from = run.StartedAt.AddMinutes(Math.Ceiling(minute) - 1), to = run.StartedAt.AddMinutes(minute);
        double[] gaps = [.. run.Gaps.Where(g => g.EndedAt > from && g.EndedAt <= to).Select(g => g.Milliseconds)];
        return gaps.Length == 0 ? "–" : $"{gaps.Max():0.0}";
    }

    private void Causes(StringBuilder s)
    {
        int link = Enumerable.Range(1, options.Instances).Count(SoakConfig.TracksInterface);
        int script = Enumerable.Range(1, options.Instances).Count(SoakConfig.TracksScript);
        s.AppendLine("| cause | faults | transitions | expected | last one after the fault |").AppendLine("|---|---|---|---|---|");
        foreach (IGrouping<string, Injected> group in run.Faults.GroupBy(f => f.Cause.StartsWith("SIGHUP", StringComparison.Ordinal) ? f.Cause.Replace($"VR{options.Instances} ", "", StringComparison.Ordinal) : f.Cause))
        {
            List<(Transition Transition, Injected? Cause)> own = [.. run.Attributed.Where(a => a.Cause is not null && group.Contains(a.Cause))];
            int transitions = own.Count;
            string latest = own.Count == 0 ? "–" : $"{own.Max(a => (a.Transition.Time - a.Cause!.At).TotalMilliseconds):0} ms";
            int tracked = group.Key.Contains("trk0", StringComparison.Ordinal) ? link : group.Key.Contains("script", StringComparison.Ordinal) ? script : 0;
            string expected = tracked > 0 ? $"{2 * tracked * group.Count()} ({tracked} instances: r1 and r2 each change)"
                : group.Key.EndsWith("unchanged", StringComparison.Ordinal) ? "0" : $"VR{options.Instances} only";
            s.AppendLine(Invariant, $"| {group.Key} | {group.Count()} | {transitions} | {expected} | {latest} |");
        }
        s.AppendLine(Invariant, $"| **spurious** (no fault explains it) | – | **{run.Spurious.Count}** | 0 | |");
        s.AppendLine();
    }

    private void PerMinute(StringBuilder s)
    {
        s.AppendLine("| minute | RSS r1 / r2 MB | GCs r1 / r2 | allocated r1 / r2 kB | faults | transitions | spurious | worst VR3 gap at r2, ms | load average |").AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (MinuteSample m in run.Minutes)
        {
            DaemonSample a = m.Daemons[0], b = m.Daemons[1];
            s.AppendLine(Invariant,
                $"| {m.Minute:0.#} | {a.RssKilobytes / 1024.0:0.0} / {b.RssKilobytes / 1024.0:0.0} | {a.Collections - run.Baseline[0].Collections} / {b.Collections - run.Baseline[1].Collections} "
                + $"| {(a.AllocatedBytes - run.Baseline[0].AllocatedBytes) / 1024} / {(b.AllocatedBytes - run.Baseline[1].AllocatedBytes) / 1024} | {m.Faults} | {m.Transitions} | {m.Spurious} | {WorstGap(m.Minute)} | {m.Load} |");
        }
    }

    // Spurious transitions in bursts (less than 2 s apart): when, how many, of what kind.
    private void Episodes(StringBuilder s)
    {
        List<List<Transition>> episodes = [];
        foreach (Transition t in run.Spurious)
        {
            if (episodes.Count > 0 && t.Time - episodes[^1][^1].Time < TimeSpan.FromSeconds(2)) episodes[^1].Add(t);
            else episodes.Add([t]);
        }
        s.AppendLine().AppendLine(Invariant, $"Spurious transitions in {episodes.Count} burst(s) (first 20):").AppendLine();
        foreach (List<Transition> e in episodes.Take(20))
        {
            string kinds = string.Join(", ", e.GroupBy(t => $"{t.Daemon} -> {t.State}").Select(g => $"{g.Count()} {g.Key}"));
            string reasons = string.Join("; ", e.Select(t => t.Reason).Distinct().Take(3));
            // The Master's last silence on the wire before the burst (VR3, as r2 received it).
            DateTime start = e[0].Time;
            AdvertGap? gap = run.Gaps.FirstOrDefault(g => g.EndedAt.AddMilliseconds(-g.Milliseconds) <= start && g.EndedAt >= start.AddMilliseconds(-5));
            string silence = gap is AdvertGap { Milliseconds: > 0 } g ? $"; r1 silent {g.Milliseconds:0.0} ms on VR3 until {g.EndedAt:HH:mm:ss.fff}" : "";
            s.AppendLine(Invariant, $"- {e[0].Time:HH:mm:ss.fff} for {(e[^1].Time - e[0].Time).TotalMilliseconds:0} ms, {e.Select(t => t.Instance).Distinct().Count()} instances: {kinds} ({reasons}){silence}; last fault before: {LastFaultBefore(e[0].Time)}");
        }
    }

    private string LastFaultBefore(DateTime time) =>
        run.Faults.LastOrDefault(f => f.At <= time) is { } f ? $"{f.Cause} at {f.At:HH:mm:ss.fff}" : "none";

    private static string Machine()
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
        return $"{cpu}, {Environment.ProcessorCount} cores, Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}";
    }
}
