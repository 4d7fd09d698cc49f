using System.Diagnostics;
using System.Text.Json;

namespace Vrrp.Lab;

/// <summary>
/// One vrrpd process in a network namespace, as the tests, the interop suite, bench/netlab and
/// <c>vrrpd demo</c> run it: <c>vrrpd -f {Name}.conf --control-socket {Name}.sock --pid-file
/// {Name}.pid</c>, all in <see cref="Directory"/>; its log lines (through pipes, or
/// <c>{Name}.log</c> with <see cref="VrrpdProcessOptions.LogToFile"/>); its control socket
/// (<see cref="Status"/>, the reply of <c>vrrpd status --json</c>); signals; a stop as systemd
/// does it (SIGTERM, SIGKILL after a timeout). Disposing stops it that way if it still runs.
/// </summary>
public sealed class VrrpdProcess : IDisposable
{
    /// <summary>How long <see cref="Dispose"/> waits after SIGTERM before SIGKILL.</summary>
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly string? _instance;
    private bool _released;

    private VrrpdProcess(string name, string ns, string directory, string? instance, LabProcess process)
    {
        Name = name;
        Namespace = ns;
        Directory = directory;
        _instance = instance;
        Process = process;
    }

    /// <summary>The name given at start: the stem of its files, and used in messages.</summary>
    public string Name { get; }

    /// <summary>The network namespace it runs in.</summary>
    public string Namespace { get; }

    /// <summary>The directory holding its configuration, control socket, pid file and log.</summary>
    public string Directory { get; }

    /// <summary>Its configuration file, <c>{Name}.conf</c>: rewrite it and send HUP to reload.</summary>
    public string ConfigFile => FileOf(Directory, Name, ".conf");

    /// <summary>Its control socket, <c>{Name}.sock</c>.</summary>
    public string ControlSocket => FileOf(Directory, Name, ".sock");

    /// <summary>Its pid file, <c>{Name}.pid</c>.</summary>
    public string PidFile => FileOf(Directory, Name, ".pid");

    /// <summary>Its log file, <c>{Name}.log</c>, or null when its output comes through pipes.</summary>
    public string? LogFile => Process.LogFile;

    /// <summary>The process itself: its lines with their timestamps, its exit.</summary>
    public LabProcess Process { get; }

    /// <summary>The daemon's pid (<c>ip netns exec</c> execs it, so it is the process started).</summary>
    public int Pid => Process.Id;

    /// <summary>The <see cref="Stopwatch.GetTimestamp"/> taken right after it was started.</summary>
    public long StartedAt => Process.StartedAt;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => Process.HasExited;

    /// <summary>Its exit status; only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => Process.ExitCode;

    /// <summary>
    /// Writes <paramref name="config"/> (keepalived.conf text) to <c>{directory}/{name}.conf</c>
    /// and starts <paramref name="binary"/> on it in namespace <paramref name="ns"/>.
    /// </summary>
    public static VrrpdProcess Start(string binary, string ns, string directory, string name, string config, VrrpdProcessOptions? options = null)
    {
        options ??= new VrrpdProcessOptions();
        string configFile = FileOf(directory, name, ".conf");
        File.WriteAllText(configFile, config);
        // Timestamped lines on standard error and no systemd notification, whatever started
        // us, unless the caller asks for them.
        var environment = new Dictionary<string, string?> { ["JOURNAL_STREAM"] = null, ["NOTIFY_SOCKET"] = null };
        foreach (var (key, value) in options.Environment ?? new Dictionary<string, string?>())
            environment[key] = value;
        LabProcess process = LabProcess.Start(name, binary,
            ["-f", configFile, "--control-socket", FileOf(directory, name, ".sock"), "--pid-file", FileOf(directory, name, ".pid"), .. options.Arguments],
            new LabProcessOptions
            {
                Namespace = ns,
                LogFile = options.LogToFile ? FileOf(directory, name, ".log") : null,
                NewSession = options.NewSession,
                Environment = environment,
                Exited = options.Exited,
            });
        return new VrrpdProcess(name, ns, directory, options.Instance, process);
    }

    private static string FileOf(string directory, string name, string extension) => Path.Combine(directory, name + extension);

    /// <summary>Its log lines so far.</summary>
    public IReadOnlyList<string> Lines => [.. Process.Lines.Select(l => l.Text)];

    /// <summary>Everything it logged so far, one line per line.</summary>
    public string Output => Process.Output;

    /// <summary>The number of log lines so far: pass it to <see cref="WaitForLine"/> to wait only for what comes next.</summary>
    public int LineCount => Process.LineCount;

    /// <summary>The first log line from index <paramref name="from"/> on that matches, waiting up to <paramref name="timeout"/>; null if none came.</summary>
    public string? WaitForLine(Func<string, bool> match, TimeSpan timeout, int from = 0) =>
        Process.WaitForLine(match, timeout, from)?.Text;

    /// <summary>Sends one request line to its control socket (<c>status</c>, <c>status json</c>, <c>runtime</c>) and returns the reply.</summary>
    public string Request(string request) => ControlClient.Request(ControlSocket, request, RequestTimeout);

    /// <summary>Its status, as <c>vrrpd status --json</c> prints it, parsed.</summary>
    public JsonElement Status()
    {
        using JsonDocument document = JsonDocument.Parse(Request("status json"));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The status of instance <paramref name="name"/>; when null, of the instance named by
    /// <see cref="VrrpdProcessOptions.Instance"/>, or else the first one. Throws
    /// <see cref="InvalidOperationException"/> if there is no such instance.
    /// </summary>
    public JsonElement Instance(string? name = null)
    {
        name ??= _instance;
        JsonElement status = Status();
        // An object with an "instances" array; a bare array of instances is taken too.
        JsonElement instances = status.ValueKind == JsonValueKind.Array ? status : status.GetProperty("instances");
        foreach (JsonElement instance in instances.EnumerateArray())
        {
            if (name is null || instance.GetProperty("name").GetString() == name)
                return instance;
        }
        throw new InvalidOperationException($"{Name}'s vrrpd reports no instance {name}: {status}");
    }

    /// <summary>The state (<c>MASTER</c>, <c>BACKUP</c>, <c>FAULT</c>...) of an instance, chosen as <see cref="Instance"/> does.</summary>
    public string State(string? name = null) => Instance(name).GetProperty("state").GetString()!;

    /// <summary>
    /// Polls the control socket every 20 ms until the instance is in <paramref name="state"/>;
    /// false if the daemon exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public bool WaitForState(string state, TimeSpan timeout, string? name = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (HasExited)
                return false;
            try
            {
                if (State(name) == state)
                    return true;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                // Not listening yet.
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, INT, HUP, STOP, CONT...); false if it had exited.</summary>
    public bool Signal(string signal) => Process.Signal(signal);

    /// <summary>Waits for it to exit; false if it still runs after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    /// <summary>
    /// Stops it as systemd would: SIGTERM (it sends priority 0 and removes its addresses), then
    /// SIGKILL if it still runs after <paramref name="timeout"/>. Returns whether it exited by itself.
    /// </summary>
    public bool Stop(TimeSpan timeout) => Process.Stop(timeout);

    /// <summary>Kills it (SIGKILL, with whatever scripts it runs): a crash, its addresses left behind.</summary>
    public void Kill() => Process.Kill();

    /// <summary>Leaves it running (<c>vrrpd demo --keep</c>): <see cref="Dispose"/> no longer stops it.</summary>
    public void Release()
    {
        _released = true;
        Process.Release();
    }

    /// <summary>Stops it if it still runs (<see cref="Stop"/>, <see cref="DefaultStopTimeout"/>) unless released; releases the handles.</summary>
    public void Dispose()
    {
        if (!_released && !HasExited)
            Stop(DefaultStopTimeout);
        Process.Dispose();
    }
}

/// <summary>How a <see cref="VrrpdProcess"/> runs.</summary>
public sealed record VrrpdProcessOptions
{
    /// <summary>More command-line arguments, after the files (e.g. <c>-D</c>, <c>-n</c>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Environment variables to set (a null value removes one); JOURNAL_STREAM and NOTIFY_SOCKET are removed unless given here.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>
    /// Its output goes to <c>{Name}.log</c> instead of pipes (see <see cref="LabProcessOptions.LogFile"/>):
    /// it keeps logging after its starter is gone, and costs its starter nothing while it runs.
    /// </summary>
    public bool LogToFile { get; init; }

    /// <summary>In a session of its own: a Ctrl-C at the terminal reaches its starter only.</summary>
    public bool NewSession { get; init; }

    /// <summary>The instance <see cref="VrrpdProcess.Instance"/>, <see cref="VrrpdProcess.State"/> and <see cref="VrrpdProcess.WaitForState"/> look at when given none; null: the first.</summary>
    public string? Instance { get; init; }

    /// <summary>Called once with the exit status when it exits (on a thread-pool thread).</summary>
    public Action<int>? Exited { get; init; }
}
