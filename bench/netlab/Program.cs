// netlab: keepalived and vrrpd side by side on identical keepalived.conf files, in network
// namespaces made for the run (bridge, r1, r2, host); N VRRPv3 routers at 10 ms adverts for
// each N, then N = 1 at 1 s. Prints a markdown table and appends it to bench/README.md.
// Run as root from the repository root: bench/netlab/run.sh [options] (see Options.Usage).
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Bench.Netlab;
using Vrrp.Lab;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args is ["floor", ..])
    return Floor.Run(args[1..]);
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Options.Usage);
    return 0;
}
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netlab: {e.Message}\n\n{Options.Usage}");
    return 2;
}
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("netlab: run as root (network namespaces, daemons, captures)");
    return 2;
}

string root = Repository.Find(Directory.GetCurrentDirectory()) ?? Directory.GetCurrentDirectory();
string vrrpd = options.Vrrpd ?? Repository.PublishedVrrpdUnder(root);
foreach (DaemonKind kind in options.Daemons.Where(k => k != DaemonKind.Floor))
{
    string program = kind == DaemonKind.Keepalived ? options.Keepalived : vrrpd;
    if (!File.Exists(program))
    {
        Console.Error.WriteLine($"netlab: {program} not found{(kind == DaemonKind.Vrrpd ? $" ({Repository.PublishCommand}, or --vrrpd PATH, or --daemons keepalived)" : "")}");
        return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C unwinds (daemons stopped, namespaces deleted); a second one exits at once
    // and the exit handler below still cleans up.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("netlab: interrupted, cleaning up");
    cancel.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cancel.Cancel();
});
using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
{
    c.Cancel = true;
    cancel.Cancel();
});
AppDomain.CurrentDomain.ProcessExit += (_, _) => Cleanup.All();

string work = Path.Combine(Path.GetTempPath(), $"netlab-{Environment.ProcessId}");
Directory.CreateDirectory(work);
string command = Environment.GetEnvironmentVariable("NETLAB_COMMAND") is { Length: > 0 } given
    ? given
    : "dotnet run -c Release --project bench/netlab --" + string.Concat(args.Select(a => " " + a));
double loadAtStart = ProcStat.LoadAverage();
ScenarioRunner.Log($"netlab on {ProcStat.Machine()}; load average {loadAtStart:F2}");
if (loadAtStart > 0.5)
    ScenarioRunner.Log($"warning: load average {loadAtStart:F2}: CPU and timing figures will carry the other load");

var results = new List<ScenarioResult>();
int exitCode = 0;
try
{
    var runner = new ScenarioRunner(options, work, vrrpd, cancel.Token);
    foreach (Scenario scenario in options.Scenarios())
        foreach (DaemonKind kind in options.Daemons)
            if (kind != DaemonKind.Floor || scenario.AdvertCentiseconds < 100)
                results.Add(runner.Run(scenario, kind));
}
catch (OperationCanceledException)
{
    exitCode = 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"netlab: {e.Message}");
    exitCode = 1;
}
finally
{
    Cleanup.All();
    if (!options.Keep && exitCode == 0) Directory.Delete(work, recursive: true);
    else ScenarioRunner.Log($"work directory kept: {work}");
}
if (results.Count == 0) return exitCode == 0 ? 1 : exitCode;

string table = Report.Markdown(results, options);
var section = new StringBuilder();
section.AppendLine(CultureInfo.InvariantCulture, $"### netlab {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(exitCode != 0 ? " (incomplete run)" : "")}");
section.AppendLine();
section.AppendLine(CultureInfo.InvariantCulture, $"{ProcStat.Machine()}; load average {loadAtStart:F2} at the start. Command (as root, from the repository root): `{command}`");
section.AppendLine();
section.Append(table);
Console.WriteLine();
Console.Write(section);

if (options.Append && exitCode == 0)
{
    string readme = Path.Combine(root, "bench", "README.md");
    File.AppendAllText(readme, "\n" + section);
    ScenarioRunner.Log($"appended to {readme}");
}
return exitCode;
