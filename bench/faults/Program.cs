using System.Diagnostics;
using System.Globalization;
using Vrrp.Core.Router;
using Vrrp.Core.Simulation;

namespace Vrrp.Bench.Faults;

/// <summary>
/// Runs generated fault schedules through Vrrp.Core.Simulation with the invariant checker and
/// prints the counts (and a bench/README.md row); <c>--show SEED</c> prints one run in full.
/// A console project rather than a <c>vrrpd simulate</c> flag: the checker and generator are
/// test machinery the NativeAOT daemon need not carry, and this runs on every core.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: faults [--schedules N] [--from SEED] [--threads T] [--mutant NAME]
                   run N schedules (default 100000 from seed 1); with --mutant, the routers run changed
                   options the checker does not know of, to show it catches them:
                     down-timer-1    down_timer_adverts 1 (Master_Down_Interval below RFC 5798 6.1)
                     slow-adverts    VRRPv3 routers advertise at twice their interval
                     nopreempt       every router runs without Preempt_Mode
                     priority+1      every non-owner runs one priority higher
               faults --show SEED [--mutant NAME]    one schedule: routers, faults, timeline, violations
        """;

    private static readonly Dictionary<string, Func<VirtualRouterOptions, VirtualRouterOptions>> Mutants = new()
    {
        ["down-timer-1"] = o => o with { DownTimerAdverts = 1 },
        ["slow-adverts"] = o => o.Version == Vrrp.Core.Wire.VrrpVersion.V3 ? o with { AdvertIntervalCentiseconds = (ushort)(o.AdvertIntervalCentiseconds * 2) } : o,
        ["nopreempt"] = o => o with { Preempt = false },
        ["priority+1"] = o => o.IsAddressOwner || o.Priority >= 254 ? o : o with { Priority = (byte)(o.Priority + 1) },
    };

    private static Func<VirtualRouterOptions, VirtualRouterOptions>? s_mutant;

    private static int Main(string[] args)
    {
        int schedules = 100_000, from = 1, threads = Environment.ProcessorCount;
        int? show = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--schedules": schedules = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--from": from = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--show": show = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--mutant":
                    string name = Value();
                    if (!Mutants.TryGetValue(name, out s_mutant)) throw new ArgumentException($"no mutant {name}: {string.Join(", ", Mutants.Keys)}");
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return args[i] is "-h" or "--help" ? 0 : 2;
            }
        }
        return show is int seed ? Show(seed) : RunMany(schedules, from, threads);
    }

    private static int Show(int seed)
    {
        FaultRunResult result = FaultRunner.Run(FaultScheduleGenerator.Generate(seed), s_mutant);
        Console.Write(result.Schedule.Describe());
        Console.WriteLine("timeline:");
        foreach (TransitionRecord t in result.Timeline)
            Console.WriteLine($"  {t.Time,14}  {t.Name,-4} {t.From,-10} -> {t.To,-10} {t.Reason}");
        Console.WriteLine($"{result.FaultsApplied} faults, {result.Transitions} transitions, {result.FramesDelivered} frames delivered, {result.FramesLost} lost, {result.FramesBlocked} blocked");
        foreach (InvariantViolation v in result.Violations) Console.WriteLine(v);
        Console.WriteLine(result.Passed ? "no violations" : $"{result.ViolationCount} violation(s)");
        return result.Passed ? 0 : 1;
    }

    private static int RunMany(int schedules, int from, int threads)
    {
        var totals = new Totals();
        var clock = Stopwatch.StartNew();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        string loadBefore = LoadAverage();
        Parallel.For(0, schedules, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new Totals(), (i, _, local) =>
        {
            local.Add(FaultRunner.Run(FaultScheduleGenerator.Generate(from + i), s_mutant));
            return local;
        }, totals.Merge);
        clock.Stop();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        string loadAfter = LoadAverage();

        Console.WriteLine($"schedules          {totals.Schedules:N0} (seeds {from}..{from + schedules - 1}; VRRPv2 {totals.V2:N0}, VRRPv3 {totals.Schedules - totals.V2:N0})");
        Console.WriteLine($"routers            {totals.Routers:N0} (2-4 per schedule)");
        Console.WriteLine($"simulated time     {totals.Simulated.TotalHours:N1} h");
        Console.WriteLine($"faults applied     {totals.Faults:N0} (final heals included)");
        Console.WriteLine($"transitions        {totals.Transitions:N0}");
        Console.WriteLine($"frames             {totals.Delivered:N0} delivered, {totals.Lost:N0} lost, {totals.Blocked:N0} blocked");
        Console.WriteLine($"violations         {totals.Violations:N0} in {totals.Failed:N0} schedules");
        foreach (var (kind, count) in totals.ByKind.OrderBy(k => k.Key)) Console.WriteLine($"  {kind,-22} {count:N0}");
        Console.WriteLine($"run time           {clock.Elapsed.TotalSeconds:N1} s wall, {cpu.TotalSeconds:N1} s CPU, {threads} threads, load average {loadBefore} before / {loadAfter} after");
        foreach (InvariantViolation v in totals.Examples) Console.WriteLine($"  {v}");
        if (totals.Failed > 0) Console.WriteLine($"reproduce one: dotnet run -c Release --project bench/faults -- --show {totals.Examples[0].Seed}");
        Console.WriteLine();
        Console.WriteLine("| schedules | simulated | faults applied | transitions | violations | run time | machine load |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {totals.Schedules:N0} (seeds {from}..{from + schedules - 1}) | {totals.Simulated.TotalHours:N1} h | {totals.Faults:N0} | {totals.Transitions:N0} | {totals.Violations:N0} | {clock.Elapsed.TotalSeconds:N0} s wall, {cpu.TotalSeconds:N0} s CPU ({threads} threads) | load average {loadBefore} / {loadAfter} |");
        return totals.Failed == 0 ? 0 : 1;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private sealed class Totals
    {
        public int Schedules, V2, Routers, Failed;
        public long Faults, Transitions, Violations, Delivered, Lost, Blocked;
        public TimeSpan Simulated;
        public Dictionary<InvariantKind, long> ByKind { get; } = [];
        public List<InvariantViolation> Examples { get; } = [];

        public void Add(FaultRunResult r)
        {
            Schedules++;
            if (r.Schedule.Version == Vrrp.Core.Wire.VrrpVersion.V2) V2++;
            Routers += r.Schedule.Routers.Count;
            Faults += r.FaultsApplied;
            Transitions += r.Transitions;
            Violations += r.ViolationCount;
            Delivered += r.FramesDelivered;
            Lost += r.FramesLost;
            Blocked += r.FramesBlocked;
            Simulated += r.SimulatedTime;
            if (r.Passed) return;
            Failed++;
            foreach (InvariantViolation v in r.Violations)
            {
                ByKind[v.Kind] = ByKind.GetValueOrDefault(v.Kind) + 1;
                if (Examples.Count < 10) Examples.Add(v);
            }
        }

        public void Merge(Totals other)
        {
            lock (this)
            {
                Schedules += other.Schedules;
                V2 += other.V2;
                Routers += other.Routers;
                Failed += other.Failed;
                Faults += other.Faults;
                Transitions += other.Transitions;
                Violations += other.Violations;
                Delivered += other.Delivered;
                Lost += other.Lost;
                Blocked += other.Blocked;
                Simulated += other.Simulated;
                foreach (var (kind, count) in other.ByKind) ByKind[kind] = ByKind.GetValueOrDefault(kind) + count;
                foreach (InvariantViolation v in other.Examples)
                    if (Examples.Count < 10) Examples.Add(v);
            }
        }
    }
}
