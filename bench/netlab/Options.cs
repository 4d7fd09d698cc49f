using System.Globalization;

namespace Vrrp.Bench.Netlab;

/// <summary>Which daemon a run measures.</summary>
internal enum DaemonKind
{
    Keepalived,
    Vrrpd,
    /// <summary>Not a daemon: the same adverts sent and received with nothing else (see <see cref="Floor"/>).</summary>
    Floor,
}

/// <summary>One measured configuration: N routers at one advert interval.</summary>
internal readonly record struct Scenario(int Routers, int AdvertCentiseconds);

/// <summary>The command line of netlab.</summary>
internal sealed class Options
{
    public const string Usage = """
        netlab: keepalived and vrrpd side by side in network namespaces (run as root).

          bench/netlab/run.sh [options]        (builds vrrpd with NativeAOT, then runs this)
          dotnet run -c Release --project bench/netlab -- [options]

        options:
          --routers LIST      N values, VRIDs 1..N at 10 ms adverts (default 1,50,255)
          --slow / --no-slow  also N = 1 at 1 s adverts, failover only (default on)
          --steady SECONDS    CPU window in steady state, no capture running (default 10)
          --jitter SECONDS    capture window before the first cut, for advert jitter (default 5)
          --failovers K       link cuts per configuration, figures are the median (default 3)
          --gc-run SECONDS    vrrpd at the largest N: count GCs over this window (default 0: off)
          --daemons LIST      keepalived,vrrpd,floor (default all three; floor: the same adverts
                              sent with one sendmmsg per interval and received, nothing else:
                              the kernel's share, steady-state rows only)
          --keepalived PATH   default /usr/sbin/keepalived
          --vrrpd PATH        default artifacts/bin/vrrpd (NativeAOT publish)
          --quick             --routers 1,50 --steady 3 --jitter 2 --failovers 1 --no-slow
          --no-append         print the table only; do not append it to bench/README.md
          --keep              keep the work directory (configs, logs, captures)
          --floor-pause US    the floor's receiver pauses US microseconds after each drain
                              (what coalescing the backup's wake-ups would save; default 0)
          --hold SECONDS      after convergence, print the daemons' PIDs and wait (to attach perf, strace)
        """;

    public IReadOnlyList<int> Routers { get; private set; } = [1, 50, 255];
    public bool Slow { get; private set; } = true;
    public int SteadySeconds { get; private set; } = 10;
    public int JitterSeconds { get; private set; } = 5;
    public int Failovers { get; private set; } = 3;
    public int GcRunSeconds { get; private set; }
    public IReadOnlyList<DaemonKind> Daemons { get; private set; } = [DaemonKind.Keepalived, DaemonKind.Vrrpd, DaemonKind.Floor];
    public string Keepalived { get; private set; } = "/usr/sbin/keepalived";
    public string? Vrrpd { get; private set; }
    public bool Append { get; private set; } = true;
    public bool Keep { get; private set; }
    public int HoldSeconds { get; private set; }
    public int FloorPauseMicroseconds { get; private set; }

    public IEnumerable<Scenario> Scenarios()
    {
        foreach (int n in Routers) yield return new Scenario(n, 1);
        if (Slow) yield return new Scenario(1, 100);
    }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int(int min, int max)
            {
                string name = args[i], text = Value();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                    throw new ArgumentException($"{name}: '{text}' is not a whole number in {min}..{max}");
                return v;
            }
            switch (args[i])
            {
                case "--routers":
                    string list = Value();
                    o.Routers = [.. list.Split(',').Select(s =>
                        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 255
                            ? n : throw new ArgumentException($"--routers: '{s}' is not a count in 1..255"))];
                    break;
                case "--slow": o.Slow = true; break;
                case "--no-slow": o.Slow = false; break;
                case "--steady": o.SteadySeconds = Int(1, 3600); break;
                case "--jitter": o.JitterSeconds = Int(1, 3600); break;
                case "--failovers": o.Failovers = Int(1, 100); break;
                case "--gc-run": o.GcRunSeconds = Int(0, 3600); break;
                case "--daemons":
                    o.Daemons = [.. Value().Split(',').Select(s => s switch
                    {
                        "keepalived" => DaemonKind.Keepalived,
                        "vrrpd" => DaemonKind.Vrrpd,
                        "floor" => DaemonKind.Floor,
                        _ => throw new ArgumentException($"--daemons: '{s}' is none of keepalived, vrrpd, floor"),
                    })];
                    break;
                case "--keepalived": o.Keepalived = Value(); break;
                case "--vrrpd": o.Vrrpd = Value(); break;
                case "--quick":
                    o.Routers = [1, 50];
                    o.SteadySeconds = 3;
                    o.JitterSeconds = 2;
                    o.Failovers = 1;
                    o.Slow = false;
                    break;
                case "--no-append": o.Append = false; break;
                case "--keep": o.Keep = true; break;
                case "--hold": o.HoldSeconds = Int(0, 86400); break;
                case "--floor-pause": o.FloorPauseMicroseconds = Int(0, 1_000_000); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return o;
    }
}
