using System.Diagnostics;
using System.Text.Json;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// A LAN of namespaces (r1, r2, ... on bridge ports p0, p1, ...; 10.9.0.N/24 on eth0) and vrrpd
/// processes running in them with their own config, control socket and pid file under a
/// temporary directory. Everything is removed on dispose, also after a failure.
/// </summary>
internal sealed class DaemonLab : IDisposable
{
    private readonly List<DaemonProcess> _daemons = [];

    public DaemonLab(int members)
    {
        Lab = new NetnsLab();
        Directory = Path.Combine(Path.GetTempPath(), Lab.Prefix + "daemons");
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            Members = Lab.AddLan("eth0", [.. Enumerable.Range(1, members).Select(i => $"r{i}")]);
            for (int i = 0; i < members; i++)
                NetnsLab.Ip($"-n {Members[i]} addr add {Address(i + 1)}/24 dev eth0");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetnsLab Lab { get; }
    public string Directory { get; }
    public string[] Members { get; }
    public string LanNamespace => Lab.Prefix + "lan";

    /// <summary>The address of member <paramref name="n"/> (1-based) on eth0.</summary>
    public static string Address(int n) => $"10.9.0.{n}";

    /// <summary>
    /// The daemon binary: $VRRPD_BINARY if set; else the published NativeAOT artifacts/bin/vrrpd
    /// when it is newer than every source file (scripts/test.sh publishes it first); else the
    /// build next to the tests.
    /// </summary>
    public static string Binary { get; } = FindBinary();

    private static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("VRRPD_BINARY") is { Length: > 0 } path)
            return path;
        string built = Path.Combine(AppContext.BaseDirectory, "vrrpd");
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (!File.Exists(Path.Combine(d.FullName, "Vrrp.sln")))
                continue;
            string published = Path.Combine(d.FullName, "artifacts", "bin", "vrrpd");
            if (!File.Exists(published))
                return built;
            DateTime newestSource = System.IO.Directory.EnumerateFiles(Path.Combine(d.FullName, "src"), "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                .Max(File.GetLastWriteTimeUtc);
            return File.GetLastWriteTimeUtc(published) > newestSource ? published : built;
        }
        return built;
    }

    /// <summary>Starts vrrpd in member <paramref name="n"/> (1-based) with <paramref name="config"/>.</summary>
    public DaemonProcess Start(int n, string config, string name = "", IDictionary<string, string>? environment = null)
    {
        name = name.Length > 0 ? name : $"r{n}";
        string conf = Path.Combine(Directory, $"{name}.conf");
        File.WriteAllText(conf, config);
        var daemon = new DaemonProcess(name, Members[n - 1], conf, Path.Combine(Directory, $"{name}.sock"), Path.Combine(Directory, $"{name}.pid"), environment);
        _daemons.Add(daemon);
        return daemon;
    }

    /// <summary>Pulls (false) or plugs back (true) member <paramref name="n"/>'s cable: its bridge port.</summary>
    public void SetCable(int n, bool up) => NetnsLab.Ip($"-n {LanNamespace} link set p{n - 1} {(up ? "up" : "down")}");

    /// <summary>The IPv4 addresses on eth0 of member <paramref name="n"/>.</summary>
    public List<string> Addresses(int n)
    {
        string output = NetnsLab.Ip($"-n {Members[n - 1]} -4 -o addr show dev eth0");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])];
    }

    /// <summary>Which members hold <paramref name="cidr"/> on eth0.</summary>
    public List<int> Holders(string cidr) => [.. Enumerable.Range(1, Members.Length).Where(n => Addresses(n).Contains(cidr))];

    public void Dispose()
    {
        foreach (DaemonProcess d in _daemons)
            d.Dispose();
        Lab.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One vrrpd process in a namespace: its log lines, its control socket, signals.</summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public DaemonProcess(string name, string ns, string configFile, string controlSocket, string pidFile, IDictionary<string, string>? environment)
    {
        Name = name;
        Namespace = ns;
        ConfigFile = configFile;
        ControlSocket = controlSocket;
        PidFile = pidFile;
        var info = new ProcessStartInfo("ip", $"netns exec {ns} {DaemonLab.Binary} -f {configFile} --control-socket {controlSocket} --pid-file {pidFile} -D -n")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start vrrpd");
        _process.StandardInput.Close();
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public string Name { get; }
    public string Namespace { get; }
    public string ConfigFile { get; }
    public string ControlSocket { get; }
    public string PidFile { get; }

    /// <summary>The daemon's pid (ip netns exec execs it, so it is the process started).</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lines)
                return string.Join('\n', _lines);
        }
    }

    public List<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
        {
            _lines.Add(line);
            Monitor.PulseAll(_lines);
        }
    }

    /// <summary>The first log line (from <paramref name="from"/> on) that matches, waiting up to <paramref name="timeout"/>.</summary>
    public string? WaitForLine(Func<string, bool> match, TimeSpan timeout, int from = 0)
    {
        var clock = Stopwatch.StartNew();
        lock (_lines)
        {
            while (true)
            {
                for (int i = from; i < _lines.Count; i++)
                {
                    if (match(_lines[i]))
                        return _lines[i];
                }
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                    return null;
                Monitor.Wait(_lines, left);
            }
        }
    }

    public int LineCount
    {
        get
        {
            lock (_lines)
                return _lines.Count;
        }
    }

    /// <summary><c>vrrpd status --json</c> through the control socket, parsed.</summary>
    public JsonElement Status()
    {
        string reply = ControlClient.Request(ControlSocket, "status json", TimeSpan.FromSeconds(5));
        using JsonDocument document = JsonDocument.Parse(reply);
        return document.RootElement.Clone();
    }

    public JsonElement Instance(string name = "mape") =>
        Status().GetProperty("instances").EnumerateArray().First(i => i.GetProperty("name").GetString() == name);

    public string State(string name = "mape") => Instance(name).GetProperty("state").GetString()!;

    /// <summary>Polls until the instance is in <paramref name="state"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitForState(string state, TimeSpan timeout, string name = "mape")
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
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

    public void Signal(string signal) => NetnsLab.Run("kill", $"-{signal} {Pid}");

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Kill() => _process.Kill();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("TERM");
            if (!_process.WaitForExit(5000))
                _process.Kill();
        }
        _process.Dispose();
    }
}

/// <summary>Namespace tests with daemons run one at a time: they measure timing on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DaemonCollection
{
    public const string Name = "vrrpd daemons in namespaces";
}
