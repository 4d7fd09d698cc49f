using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vrrp.Lab;

namespace Vrrp.Bench.Soak;

/// <summary>One injected fault: what, when, which instances it may move, and the daemons' GC counts around its window.</summary>
internal sealed record Injected(string Cause, DateTime At, Func<string, bool> Affects)
{
    public DaemonSample[] Before { get; } = new DaemonSample[2];
    public DaemonSample[] After { get; } = new DaemonSample[2];
}

/// <summary>A daemon's runtime and memory at one moment.</summary>
internal readonly record struct DaemonSample(long RssKilobytes, long Collections, long AllocatedBytes);

/// <summary>One row of the per-minute record.</summary>
internal sealed record MinuteSample(double Minute, DaemonSample[] Daemons, int Faults, int Transitions, int Spurious, string Load);

/// <summary>
/// Runs the soak's timeline on the wall clock: a fault every period in a fixed cycle, a sample
/// of both daemons every minute, runtime samples around every fault's window; then attributes
/// each transition to a fault or calls it spurious.
/// </summary>
internal sealed class SoakRun(SoakLab lab, TransitionLog[] logs, SoakOptions options)
{
    // The cycle of faults, one per period.
    private static readonly string[] Cycle = ["reload r1 unchanged", "link flap", "reload r2 changed", "script flap", "reload r2 unchanged", "reload r1 changed"];

    private readonly List<(double At, Action Act)> _plan = [];
    private readonly Stopwatch _clock = new();

    public DateTime StartedAt { get; private set; }
    public DateTime EndedAt { get; private set; }
    public DaemonSample[] Baseline { get; private set; } = [];
    public DaemonSample[] Final { get; private set; } = [];
    public List<Injected> Faults { get; } = [];
    public List<MinuteSample> Minutes { get; } = [];
    public List<(Transition Transition, Injected? Cause)> Attributed { get; } = [];
    public List<Transition> Spurious { get; } = [];
    public string? Died { get; private set; }
    public List<AdvertGap> Gaps { get; private set; } = [];
    public int Instances => options.Instances;

    public void Execute()
    {
        double duration = options.Minutes * 60;
        for (int k = 1; k * options.Period + options.Hold + options.Settle < duration; k++)
            PlanFault(k * options.Period, Cycle[(k - 1) % Cycle.Length]);
        for (double minute = 1; minute * 60 <= duration + 0.001; minute++)
        {
            double m = minute;
            _plan.Add((m * 60, () => SampleMinute(m)));
        }
        if (duration % 60 != 0) _plan.Add((duration, () => SampleMinute(duration / 60)));

        PacketCapture capture = lab.CaptureMasterAdverts();
        Baseline = Sample();
        StartedAt = DateTime.UtcNow;
        _clock.Start();
        foreach (var (at, act) in _plan.OrderBy(p => p.At))
        {
            TimeSpan wait = TimeSpan.FromSeconds(at) - _clock.Elapsed;
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            if (lab.Daemons.FirstOrDefault(d => d.HasExited) is { } dead)
            {
                Died = $"{dead.Name} exited with {dead.ExitCode} at {_clock.Elapsed.TotalSeconds:0} s";
                break;
            }
            act();
        }
        EndedAt = DateTime.UtcNow;
        if (Died is null) Final = Sample();
        Gaps = AdvertGaps.Read(capture.Stop());
        foreach (TransitionLog log in logs) log.Update();
        Attribute();
    }

    private void PlanFault(double at, string kind)
    {
        bool Tracked(string instance, Func<int, bool> tracks) => instance.StartsWith("VR", StringComparison.Ordinal) && tracks(int.Parse(instance[2..], CultureInfo.InvariantCulture));
        string last = SoakConfig.Name(options.Instances);
        switch (kind)
        {
            case "link flap":
                Window(at, "trk0 link down", i => Tracked(i, SoakConfig.TracksInterface), () => lab.SetTrackedLink(up: false));
                Window(at + options.Hold, "trk0 link up", i => Tracked(i, SoakConfig.TracksInterface), () => lab.SetTrackedLink(up: true));
                break;
            case "script flap":
                Window(at, "track script fails", i => Tracked(i, SoakConfig.TracksScript), () => lab.SetScriptFailing(failing: true));
                Window(at + options.Hold, "track script recovers", i => Tracked(i, SoakConfig.TracksScript), () => lab.SetScriptFailing(failing: false));
                break;
            default:
                int router = kind.Contains("r1", StringComparison.Ordinal) ? 0 : 1;
                bool changed = kind.EndsWith("changed", StringComparison.Ordinal) && !kind.EndsWith("unchanged", StringComparison.Ordinal);
                // A reload of an unchanged configuration may move nothing; a changed one only its changed instance.
                Window(at, changed ? $"SIGHUP r{router + 1}, {last} changed" : $"SIGHUP r{router + 1}, unchanged", i => changed && i == last, () => lab.Reload(router, changed));
                break;
        }
    }

    private void Window(double at, string cause, Func<string, bool> affects, Action inject)
    {
        Injected? fault = null;
        _plan.Add((at, () =>
        {
            fault = new Injected(cause, DateTime.UtcNow, affects);
            RuntimeOf(fault.Before);
            inject();
            Faults.Add(fault);
        }));
        _plan.Add((at + options.Settle, () =>
        {
            if (fault is not null) RuntimeOf(fault.After);
        }));
    }

    private void RuntimeOf(DaemonSample[] into)
    {
        for (int i = 0; i < lab.Daemons.Count; i++) into[i] = Runtime(lab.Daemons[i]);
    }

    private void SampleMinute(double minute)
    {
        foreach (TransitionLog log in logs) log.Update();
        int transitions = logs.Sum(l => l.Transitions.Count(t => t.Time >= StartedAt));
        Attribute();
        Minutes.Add(new MinuteSample(minute, Sample(), Faults.Count, transitions, Spurious.Count, File.ReadAllText("/proc/loadavg").Split(' ')[0]));
    }

    private DaemonSample[] Sample() => [.. lab.Daemons.Select(d =>
    {
        DaemonSample runtime = Runtime(d);
        return runtime with { RssKilobytes = Rss(d.Pid) };
    })];

    // The control socket's "runtime" request: a few hundred bytes, not a status snapshot.
    private static DaemonSample Runtime(VrrpdProcess daemon)
    {
        using JsonDocument reply = JsonDocument.Parse(daemon.Request("runtime"));
        JsonElement runtime = reply.RootElement;
        // Every collection counts in generation 0: [0] is the total.
        return new DaemonSample(0, runtime.GetProperty("gc_collections")[0].GetInt64(), runtime.GetProperty("allocated_bytes").GetInt64());
    }

    private static long Rss(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    // A transition is a fault's when it concerns an instance the fault may move and comes within
    // the settle time after it; the latest such fault wins. Anything else is spurious.
    private void Attribute()
    {
        Attributed.Clear();
        Spurious.Clear();
        TimeSpan settle = TimeSpan.FromSeconds(options.Settle);
        foreach (Transition t in logs.SelectMany(l => l.Transitions).Where(t => t.Time >= StartedAt).OrderBy(t => t.Time))
        {
            // The daemon's timestamp has millisecond resolution: allow 1 ms before the fault.
            Injected? cause = Faults.LastOrDefault(f => f.Affects(t.Instance) && t.Time >= f.At.AddMilliseconds(-1) && t.Time <= f.At + settle);
            Attributed.Add((t, cause));
            if (cause is null) Spurious.Add(t);
        }
    }
}
