using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vrrp.Core.Router;
using Vrrp.Core.Simulation;
using Vrrp.Core.Wire;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd simulate</c>: runs a scenario on the deterministic simulator and prints the timeline
/// of transitions and, for each failure of a Master, the measured takeover time next to the
/// theoretical Master_Down_Interval (or Skew_Time when the Master sent priority 0).
/// </summary>
internal static class SimulateCommand
{
    public const string Help = """
        usage: vrrpd simulate --router NAME:PRIO[:OPTION...] --router ... [flags]

          --router NAME:PRIO[:OPT]  a router; options: nopreempt, master (state MASTER),
                                    preempt-delay=SECONDS, delay-ms=MS, loss=P, advert-ms=MS
          --version 2|3             VRRP version (default 3)
          --family ipv4|ipv6        address family (default ipv4; VRRPv2 is IPv4 only)
          --advert-ms MS            advertisement interval (default 1000; VRRPv2: whole seconds)
          --until TIME              end of the run (default 10s); TIME is e.g. 12s, 500ms, 2m
          --cut NAME@TIME           cut a router's links     --restore NAME@TIME  restore them
          --kill NAME@TIME          crash (no priority 0)    --start NAME@TIME    boot again
          --stop NAME@TIME          graceful shutdown (priority 0)
          --fault NAME@TIME         interface down (Fault)   --recover NAME@TIME  interface up
          --delay-ms MS             one-way port delay of every router (default 0)
          --loss P                  probability a frame is lost at each receiver (default 0)
          --seed N                  seed of the random choices (default 1)
          --wire                    also print every advertisement sent
          --json                    JSON lines instead of text
          -h, --help                this text
        """;

    private static readonly string[] EventNames = ["cut", "restore", "kill", "start", "stop", "fault", "recover"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        Scenario scenario;
        try
        {
            if (Usage.AsksForHelp(args))
            {
                stdout.WriteLine(Help);
                return 0;
            }
            scenario = Scenario.Parse(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"vrrpd simulate: {e.Message}");
            stderr.WriteLine("run 'vrrpd simulate --help' for the flags");
            return 2;
        }

        SimulatedLan lan = scenario.Build(out List<Measurement> measurements);
        lan.StartAll();
        lan.RunUntil(Instant.Zero + scenario.Until);
        foreach (Measurement m in measurements) m.Resolve(lan);

        if (scenario.Json) WriteJson(stdout, scenario, lan, measurements);
        else WriteText(stdout, scenario, lan, measurements);
        return 0;
    }

    private static void WriteText(TextWriter o, Scenario s, SimulatedLan lan, List<Measurement> measurements)
    {
        o.WriteLine($"# {lan.Routers.Count} routers, VRRPv{(int)s.Version} {s.Family}, advert {Ms(s.AdvertInterval)} ms, seed {lan.Seed}, until {Ms(s.Until)} ms");
        foreach (SimulatedRouter r in lan.Routers)
            o.WriteLine($"#   {r.Name,-8} priority {r.Options.Priority,3}  {r.Options.PrimaryAddress}{(r.Options.Preempt ? "" : "  nopreempt")}{(r.Options.InitialState == RouterState.Master ? "  state MASTER" : "")}  delay {Ms(r.LinkDelay)} ms  loss {r.LossProbability.ToString(CultureInfo.InvariantCulture)}");
        o.WriteLine($"{"time_ms",12}  {"router",-8}  {"from",-10}  {"to",-10}  reason");
        foreach (Line line in Timeline(s, lan))
        {
            if (line.Transition is TransitionRecord t) o.WriteLine($"{Ms(t.Time),12}  {t.Name,-8}  {t.From,-10}  {t.To,-10}  {t.Reason}");
            else if (line.Event is ScheduledEvent e) o.WriteLine($"{Ms(e.At),12}  {e.Router,-8}  -- {e.Name} --");
            else if (line.Wire is WireRecord w) o.WriteLine($"{Ms(w.Time),12}  {lan.Routers[w.Router].Name,-8}  advertisement priority {w.Priority} to {w.Receivers} routers");
        }
        foreach (Measurement m in measurements)
        {
            string head = $"{m.Event.Name} {m.Event.Router} at {Ms(m.Event.At)} ms";
            if (!m.WasMaster) o.WriteLine($"{head}: it was not Master, no takeover");
            else if (m.Takeover is not TransitionRecord t) o.WriteLine($"{head}: no takeover before the end of the run");
            else o.WriteLine($"{head}: {t.Name} became Master at {Ms(t.Time)} ms, takeover {Ms(t.Time - m.Event.At)} ms ({m.TheoryName} {Ms(m.Theory)} ms)");
        }
        long parseErrors = lan.Routers.Sum(r => r.ParseErrors);
        o.WriteLine($"# {lan.WireEvents.Count(w => w.Kind == WireEventKind.AdvertisementSent)} advertisements sent, {lan.FramesDelivered} frames delivered, {lan.FramesLost} lost, {lan.FramesBlocked} blocked, {parseErrors} parse errors");
    }

    private static void WriteJson(TextWriter o, Scenario s, SimulatedLan lan, List<Measurement> measurements)
    {
        ArrayBufferWriter<byte> buffer = new();
        void Line(Action<Utf8JsonWriter> write)
        {
            buffer.ResetWrittenCount();
            using (Utf8JsonWriter json = new(buffer))
            {
                json.WriteStartObject();
                write(json);
                json.WriteEndObject();
            }
            o.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        foreach (Line line in Timeline(s, lan))
        {
            if (line.Transition is TransitionRecord t)
                Line(j =>
                {
                    j.WriteString("type", "transition");
                    j.WriteNumber("time_ms", Math.Round(t.Time.SinceZero.TotalMilliseconds, 4));
                    j.WriteString("router", t.Name);
                    j.WriteString("from", t.From.ToString());
                    j.WriteString("to", t.To.ToString());
                    j.WriteString("reason", t.Reason.ToString());
                });
            else if (line.Event is ScheduledEvent e)
                Line(j =>
                {
                    j.WriteString("type", "event");
                    j.WriteNumber("time_ms", Math.Round(e.At.SinceZero.TotalMilliseconds, 4));
                    j.WriteString("router", e.Router);
                    j.WriteString("event", e.Name);
                });
            else if (line.Wire is WireRecord w)
                Line(j =>
                {
                    j.WriteString("type", "advertisement");
                    j.WriteNumber("time_ms", Math.Round(w.Time.SinceZero.TotalMilliseconds, 4));
                    j.WriteString("router", lan.Routers[w.Router].Name);
                    j.WriteNumber("priority", w.Priority);
                    j.WriteNumber("receivers", w.Receivers);
                });
        }
        foreach (Measurement m in measurements)
            Line(j =>
            {
                j.WriteString("type", "takeover");
                j.WriteNumber("time_ms", Math.Round(m.Event.At.SinceZero.TotalMilliseconds, 4));
                j.WriteString("router", m.Event.Router);
                j.WriteString("event", m.Event.Name);
                j.WriteBoolean("was_master", m.WasMaster);
                if (m.Takeover is TransitionRecord t)
                {
                    j.WriteString("new_master", t.Name);
                    j.WriteNumber("takeover_ms", Math.Round((t.Time - m.Event.At).TotalMilliseconds, 4));
                }
                else
                {
                    j.WriteNull("new_master");
                    j.WriteNull("takeover_ms");
                }
                j.WriteString("theory", m.TheoryName);
                j.WriteNumber("theory_ms", Math.Round(m.Theory.TotalMilliseconds, 4));
            });
        Line(j =>
        {
            j.WriteString("type", "summary");
            j.WriteNumber("time_ms", Math.Round(lan.Now.SinceZero.TotalMilliseconds, 4));
            j.WriteNumber("seed", lan.Seed);
            j.WriteNumber("advertisements", lan.WireEvents.Count(w => w.Kind == WireEventKind.AdvertisementSent));
            j.WriteNumber("delivered", lan.FramesDelivered);
            j.WriteNumber("lost", lan.FramesLost);
            j.WriteNumber("blocked", lan.FramesBlocked);
            j.WriteNumber("parse_errors", lan.Routers.Sum(r => r.ParseErrors));
        });
    }

    private readonly record struct Line(Instant Time, int Order, TransitionRecord? Transition, ScheduledEvent? Event, WireRecord? Wire);

    // Scenario events, transitions and (with --wire) advertisements, merged in time order.
    private static List<Line> Timeline(Scenario s, SimulatedLan lan)
    {
        List<Line> lines = [];
        int order = 0;
        foreach (ScheduledEvent e in s.Events) lines.Add(new Line(e.At, order++, null, e, null));
        foreach (TransitionRecord t in lan.Transitions) lines.Add(new Line(t.Time, order++, t, null, null));
        if (s.Wire)
            foreach (WireRecord w in lan.WireEvents)
                if (w.Kind == WireEventKind.AdvertisementSent) lines.Add(new Line(w.Time, order++, null, null, w));
        // Scheduled events run before anything else due at the same instant.
        lines.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order));
        return lines;
    }

    private static string Ms(TimeSpan duration) => duration.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Ms(Instant instant) => Ms(instant.SinceZero);

    private sealed record ScheduledEvent(Instant At, string Name, string Router);

    /// <summary>A Master failure to time: who took over and how long it took against theory.</summary>
    private sealed class Measurement(ScheduledEvent e)
    {
        private readonly Dictionary<string, (TimeSpan MasterDown, TimeSpan Skew)> _theory = [];
        private int _index = -1;

        public ScheduledEvent Event { get; } = e;
        public bool WasMaster { get; private set; }
        public TransitionRecord? Takeover { get; private set; }
        public TimeSpan Theory { get; private set; }

        // A Master that stops or enters Fault sends priority 0: the next one waits Skew_Time.
        public string TheoryName => Event.Name is "stop" or "fault" ? "Skew_Time" : "Master_Down_Interval";

        public void Capture(SimulatedLan lan, SimulatedRouter failing)
        {
            _index = failing.Index;
            WasMaster = failing.IsPowered && failing.State == RouterState.Master;
            foreach (SimulatedRouter r in lan.Routers)
                _theory[r.Name] = (r.Router.MasterDownInterval, r.Router.SkewTime);
        }

        public void Resolve(SimulatedLan lan)
        {
            if (!WasMaster) return;
            Takeover = lan.FirstTransitionAfter(Event.At, RouterState.Master, _index);
            string reference = Takeover?.Name ?? lan.Routers.Where(r => r.Index != _index).MaxBy(r => r.Options.Priority)?.Name ?? "";
            if (_theory.TryGetValue(reference, out (TimeSpan MasterDown, TimeSpan Skew) t))
                Theory = TheoryName == "Skew_Time" ? t.Skew : t.MasterDown;
        }
    }

    private sealed class UsageException(string message) : Exception(message);

    private sealed record RouterArg(string Name, byte Priority, bool Preempt, bool InitialMaster, TimeSpan PreemptDelay, TimeSpan? Delay, double? Loss, ushort? IntervalCs);

    private sealed class Scenario
    {
        public List<RouterArg> Routers { get; } = [];
        public List<ScheduledEvent> Events { get; } = [];
        public VrrpVersion Version { get; private set; } = VrrpVersion.V3;
        public IpFamily Family { get; private set; } = IpFamily.IPv4;
        public TimeSpan AdvertInterval { get; private set; } = TimeSpan.FromSeconds(1);
        public TimeSpan Until { get; private set; } = TimeSpan.FromSeconds(10);
        public TimeSpan Delay { get; private set; }
        public double Loss { get; private set; }
        public int Seed { get; private set; } = 1;
        public bool Json { get; private set; }
        public bool Wire { get; private set; }

        public static Scenario Parse(string[] args)
        {
            Scenario s = new();
            for (int i = 0; i < args.Length; i++)
            {
                string flag = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{flag} needs a value");
                switch (flag)
                {
                    case "--router": s.Routers.Add(ParseRouter(Value())); break;
                    case "--version":
                        s.Version = Value() switch
                        {
                            "2" => VrrpVersion.V2,
                            "3" => VrrpVersion.V3,
                            string v => throw new UsageException($"--version must be 2 or 3, not '{v}'"),
                        };
                        break;
                    case "--family":
                        s.Family = Value().ToLowerInvariant() switch
                        {
                            "ipv4" or "inet" or "4" => IpFamily.IPv4,
                            "ipv6" or "inet6" or "6" => IpFamily.IPv6,
                            string f => throw new UsageException($"--family must be ipv4 or ipv6, not '{f}'"),
                        };
                        break;
                    case "--advert-ms": s.AdvertInterval = TimeSpan.FromMilliseconds(ParseNumber(flag, Value(), 1, 255_000)); break;
                    case "--until": s.Until = ParseDuration(flag, Value()); break;
                    case "--delay-ms": s.Delay = TimeSpan.FromMilliseconds(ParseNumber(flag, Value(), 0, 60_000)); break;
                    case "--loss": s.Loss = ParseNumber(flag, Value(), 0, 1); break;
                    case "--seed": s.Seed = (int)ParseNumber(flag, Value(), int.MinValue, int.MaxValue); break;
                    case "--json": s.Json = true; break;
                    case "--wire": s.Wire = true; break;
                    default:
                        if (flag.StartsWith("--", StringComparison.Ordinal) && EventNames.Contains(flag[2..]))
                        {
                            string value = Value();
                            int at = value.LastIndexOf('@');
                            if (at <= 0) throw new UsageException($"{flag} takes NAME@TIME, not '{value}'");
                            s.Events.Add(new ScheduledEvent(Instant.Zero + ParseDuration(flag, value[(at + 1)..]), flag[2..], value[..at]));
                            break;
                        }
                        throw new UsageException($"unknown flag '{flag}'");
                }
            }
            s.Validate();
            return s;
        }

        private void Validate()
        {
            if (Routers.Count == 0) throw new UsageException("give at least one --router NAME:PRIO");
            foreach (IGrouping<string, RouterArg> group in Routers.GroupBy(r => r.Name))
                if (group.Count() > 1) throw new UsageException($"router '{group.Key}' is given twice");
            foreach (ScheduledEvent e in Events)
            {
                if (!Routers.Exists(r => r.Name == e.Router)) throw new UsageException($"--{e.Name} names unknown router '{e.Router}'");
                if (e.At.SinceZero > Until) throw new UsageException($"--{e.Name} {e.Router}@{Ms(e.At)}ms is after --until {Ms(Until)}ms");
            }
            if (Version == VrrpVersion.V2 && Family == IpFamily.IPv6) throw new UsageException("VRRPv2 is IPv4 only (RFC 3768)");
            foreach (RouterArg r in Routers)
            {
                TimeSpan interval = r.IntervalCs is ushort cs ? TimeSpan.FromMilliseconds(cs * 10) : AdvertInterval;
                if (Version == VrrpVersion.V2 && interval.Ticks % TimeSpan.TicksPerSecond != 0)
                    throw new UsageException($"VRRPv2 advertises whole seconds; {Ms(interval)} ms is not");
                if (interval.Ticks % (TimeSpan.TicksPerMillisecond * 10) != 0)
                    throw new UsageException($"the advertisement interval is in centiseconds; {Ms(interval)} ms is not");
                if (Version == VrrpVersion.V3 && interval > TimeSpan.FromMilliseconds(40_950))
                    throw new UsageException($"VRRPv3 advertises at most 40950 ms, not {Ms(interval)} ms");
            }
        }

        public SimulatedLan Build(out List<Measurement> measurements)
        {
            SimulatedLan lan = new(Seed);
            for (int i = 0; i < Routers.Count; i++)
            {
                RouterArg r = Routers[i];
                IpAddr primary = Family == IpFamily.IPv4 ? IpAddr.FromV4(0x0A000001u + (uint)i) : IpAddr.FromV6(0xFE80_0000_0000_0000, 0x100 + (ulong)i);
                IpAddr[] virtualAddresses = Family == IpFamily.IPv4
                    ? [IpAddr.Parse("10.0.0.254")]
                    : [IpAddr.Parse("fe80::254"), IpAddr.Parse("2001:db8::254")];
                VirtualRouterOptions options = new()
                {
                    Name = r.Name,
                    VirtualRouterId = 1,
                    Version = Version,
                    Priority = r.Priority,
                    AdvertIntervalCentiseconds = r.IntervalCs ?? (ushort)(AdvertInterval.Ticks / (TimeSpan.TicksPerMillisecond * 10)),
                    Preempt = r.Preempt,
                    PreemptDelay = r.PreemptDelay,
                    InitialState = r.InitialMaster ? RouterState.Master : RouterState.Backup,
                    VirtualAddresses = virtualAddresses,
                    PrimaryAddress = primary,
                };
                SimulatedRouter router;
                try
                {
                    router = lan.Add(options);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"router {r.Name}: {e.Message}");
                }
                router.LinkDelay = r.Delay ?? Delay;
                router.LossProbability = r.Loss ?? Loss;
            }

            measurements = [];
            foreach (ScheduledEvent e in Events)
            {
                SimulatedRouter router = lan[e.Router];
                Measurement? measurement = e.Name is "cut" or "kill" or "stop" or "fault" ? new Measurement(e) : null;
                if (measurement is not null) measurements.Add(measurement);
                lan.Schedule(e.At, l =>
                {
                    measurement?.Capture(l, router);
                    switch (e.Name)
                    {
                        case "cut": l.Cut(router); break;
                        case "restore": l.Restore(router); break;
                        case "kill": l.Kill(router); break;
                        case "start": l.Start(router); break;
                        case "stop": l.Stop(router); break;
                        case "fault": l.SetInterfaceUp(router, false); break;
                        case "recover": l.SetInterfaceUp(router, true); break;
                    }
                });
            }
            return lan;
        }

        private static RouterArg ParseRouter(string text)
        {
            string[] parts = text.Split(':');
            if (parts.Length < 2 || parts[0].Length == 0) throw new UsageException($"--router takes NAME:PRIO[:OPTION...], not '{text}'");
            if (!byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out byte priority) || priority == 0)
                throw new UsageException($"router {parts[0]}: priority must be 1..255, not '{parts[1]}'");
            RouterArg r = new(parts[0], priority, true, false, TimeSpan.Zero, null, null, null);
            foreach (string option in parts.Skip(2))
            {
                string[] kv = option.Split('=', 2);
                string flag = $"router {parts[0]} option {kv[0]}";
                string Arg() => kv.Length == 2 ? kv[1] : throw new UsageException($"{flag} needs =VALUE");
                r = kv[0] switch
                {
                    "nopreempt" => r with { Preempt = false },
                    "preempt" => r with { Preempt = true },
                    "master" => r with { InitialMaster = true },
                    "backup" => r with { InitialMaster = false },
                    "preempt-delay" => r with { PreemptDelay = TimeSpan.FromSeconds(ParseNumber(flag, Arg(), 0, 1000)) },
                    "delay-ms" => r with { Delay = TimeSpan.FromMilliseconds(ParseNumber(flag, Arg(), 0, 60_000)) },
                    "loss" => r with { Loss = ParseNumber(flag, Arg(), 0, 1) },
                    "advert-ms" => r with { IntervalCs = (ushort)(ParseNumber(flag, Arg(), 10, 255_000) / 10) },
                    _ => throw new UsageException($"router {parts[0]}: unknown option '{kv[0]}' (nopreempt, master, preempt-delay=S, delay-ms=MS, loss=P, advert-ms=MS)"),
                };
            }
            return r;
        }

        private static double ParseNumber(string flag, string text, double min, double max)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
                throw new UsageException($"{flag}: '{text}' is not a number");
            if (value < min || value > max) throw new UsageException($"{flag}: {text} is outside {min}..{max}");
            return value;
        }

        private static TimeSpan ParseDuration(string flag, string text)
        {
            (string number, double scale) = text switch
            {
                _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1.0),
                _ when text.EndsWith('s') => (text[..^1], 1000.0),
                _ when text.EndsWith('m') => (text[..^1], 60_000.0),
                _ when text.EndsWith('h') => (text[..^1], 3_600_000.0),
                _ => (text, 1000.0),
            };
            return TimeSpan.FromMilliseconds(ParseNumber(flag, number, 0, 1e12 / scale) * scale);
        }
    }
}
