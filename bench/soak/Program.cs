using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Runtime.Versioning;
using Vrrp.Lab;

[assembly: SupportedOSPlatform("linux")]

namespace Vrrp.Bench.Soak;

/// <summary>
/// The soak of issue 13 item 6: two vrrpd daemons in namespaces, N VRRPv3 instances at a short
/// interval, faults injected every period in a fixed cycle (SIGHUP of an unchanged
/// configuration and of one with a changed instance, on each router; a link flap of r1's
/// tracked interface; a flap of r1's track script), and every minute the RSS, GC counts and
/// allocated bytes of both daemons and the transitions so far. At the end every transition is
/// attributed to the fault whose window (fault time + settle) and instances it falls in, or
/// called spurious, and a bench/README.md table is printed.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: soak [--minutes M] [--instances N] [--advert-ms MS] [--period S] [--hold S] [--settle S] [--vrrpd PATH] [--out FILE]
          --minutes M     duration (default 60)
          --instances N   VRRPv3 instances per daemon (default 255)
          --advert-ms MS  advertisement interval (default 10)
          --period S      seconds between injected faults (default 20)
          --hold S        how long a link or script stays down (default 8)
          --settle S      transitions within S seconds of a fault, on the instances it affects, are its own (default 5)
          --vrrpd PATH    the daemon (default artifacts/bin/vrrpd from the repository)
          --out FILE      also append the tables to FILE
          --logs DIR      copy both daemons' logs and configurations to DIR at the end
        run as root (network namespaces); bench/soak/run.sh publishes vrrpd and runs this.
        """;

    private static int Main(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"soak: {e.Message}\n{Usage}");
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (Environment.UserName != "root")
        {
            Console.Error.WriteLine("soak: run as root (network namespaces, daemons)");
            return 2;
        }

        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"soak: {options.Instances} instances at {options.AdvertMilliseconds} ms, {options.Minutes} min, a fault every {options.Period} s; {options.Vrrpd}");
        using var lab = new SoakLab(options.Vrrpd, options.Instances, options.AdvertMilliseconds);
        TransitionLog[] logs = [.. lab.Daemons.Select(d => new TransitionLog(d.Name, d.LogFile!))];
        WaitForSteadyState(lab, options.Instances);
        // Past the collection vrrpd makes once after loading (Housekeeping).
        Thread.Sleep(TimeSpan.FromSeconds(5));

        var run = new SoakRun(lab, logs, options);
        run.Execute();
        string[] finalStates = [.. lab.Daemons.Select(d => StateSummary(d))];
        if (options.Logs is not null)
        {
            Directory.CreateDirectory(options.Logs);
            foreach (string file in Directory.EnumerateFiles(lab.Directory).Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".conf", StringComparison.Ordinal)))
                File.Copy(file, Path.Combine(options.Logs, Path.GetFileName(file)), overwrite: true);
        }
        var report = new SoakReport(run, options, finalStates, load, File.ReadAllText("/proc/loadavg").Split(' ')[0]);
        string text = report.Write();
        Console.WriteLine(text);
        if (options.Out is not null) File.AppendAllText(options.Out, text + "\n");
        return run.Spurious.Count == 0 && run.Died is null ? 0 : 1;
    }

    // r1 Master and r2 Backup of every instance: polled through the control socket (a status
    // allocates megabytes in the daemon, so only before the measured run and after it).
    private static void WaitForSteadyState(SoakLab lab, int instances)
    {
        NetnsLab.WaitUntil(() =>
        {
            try
            {
                return Count(lab.Daemons[0], "MASTER") == instances && Count(lab.Daemons[1], "BACKUP") == instances;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or JsonException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"r1 Master and r2 Backup of all {instances} instances: {StateSummary(lab.Daemons[0])}; {StateSummary(lab.Daemons[1])}", TimeSpan.FromSeconds(1));
    }

    private static int Count(VrrpdProcess daemon, string state) =>
        daemon.Status().GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("state").GetString() == state);

    private static string StateSummary(VrrpdProcess daemon)
    {
        try
        {
            var states = daemon.Status().GetProperty("instances").EnumerateArray().GroupBy(i => i.GetProperty("state").GetString());
            return $"{daemon.Name}: " + string.Join(", ", states.Select(g => $"{g.Count()} {g.Key}"));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or JsonException or InvalidOperationException)
        {
            return $"{daemon.Name}: no status ({e.Message})";
        }
    }
}

/// <summary>The command line.</summary>
internal sealed record SoakOptions(double Minutes, int Instances, int AdvertMilliseconds, double Period, double Hold, double Settle, string Vrrpd, string? Out, string? Logs, bool Help)
{
    public static SoakOptions Parse(string[] args)
    {
        double minutes = 60, period = 20, hold = 8, settle = 5;
        int instances = 255, advert = 10;
        string? vrrpd = null, output = null, logs = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--minutes": minutes = Number(); break;
                case "--instances": instances = (int)Number(); break;
                case "--advert-ms": advert = (int)Number(); break;
                case "--period": period = Number(); break;
                case "--hold": hold = Number(); break;
                case "--settle": settle = Number(); break;
                case "--vrrpd": vrrpd = Value(); break;
                case "--out": output = Value(); break;
                case "--logs": logs = Value(); break;
                case "-h" or "--help": return new SoakOptions(0, 0, 0, 0, 0, 0, "", null, null, Help: true);
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (instances is < 8 or > 255) throw new ArgumentException("--instances must be 8..255 (VRIDs; every 8th tracks the link, the next the script)");
        if (hold + settle >= period || settle >= hold) throw new ArgumentException("need settle < hold and hold + settle < period");
        vrrpd ??= Repository.Find(AppContext.BaseDirectory) is { } root ? Path.Combine(root, "artifacts", "bin", "vrrpd") : "vrrpd";
        if (!File.Exists(vrrpd)) throw new ArgumentException($"no vrrpd at {vrrpd}: publish it (bench/soak/run.sh does) or give --vrrpd");
        return new SoakOptions(minutes, instances, advert, period, hold, settle, Path.GetFullPath(vrrpd), output, logs, Help: false);
    }
}
