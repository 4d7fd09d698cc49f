using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Vrrp.Lab;

/// <summary>
/// A throwaway lab of network namespaces for tests, benches and <c>vrrpd demo</c>: namespaces
/// named <c>vl{pid}-{n}-{name}</c> so parallel tests and runs never collide, links created
/// directly inside them (the host's own interfaces and namespace are never touched), processes
/// started inside them, and everything removed on <see cref="Dispose"/>, also after a failure:
/// processes are killed (with their children), then the namespaces deleted. Deleting a
/// namespace deletes its interfaces, and a veth pair disappears with either end.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    private static int s_labCounter;
    private readonly List<string> _namespaces = [];
    private readonly List<LabProcess> _processes = [];

    /// <summary>A lab whose namespace names start with <see cref="Prefix"/>.</summary>
    public NetnsLab()
    {
        Prefix = $"vl{Environment.ProcessId}-{Interlocked.Increment(ref s_labCounter)}-";
    }

    /// <summary>A lab whose namespace names start with <paramref name="prefix"/>, which the caller makes unique.</summary>
    public NetnsLab(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix;
    }

    /// <summary>The unique prefix of this lab's namespaces.</summary>
    public string Prefix { get; }

    /// <summary>The namespaces created so far (full names).</summary>
    public IReadOnlyList<string> Namespaces => _namespaces;

    /// <summary>Creates namespace <c>{Prefix}{name}</c> with loopback up and IPv6 DAD off; returns its full name.</summary>
    public string AddNamespace(string name)
    {
        string full = Prefix + name;
        Ip($"netns add {full}");
        _namespaces.Add(full);
        // Through /proc rather than sysctl(8): procps is not installed everywhere, sh is.
        Exec(full, "sh -c \"echo 0 >/proc/sys/net/ipv6/conf/all/accept_dad && echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad\"");
        Ip($"-n {full} link set lo up");
        return full;
    }

    /// <summary>
    /// Creates a veth pair: <paramref name="nameA"/> in namespace <paramref name="nsA"/> and
    /// <paramref name="nameB"/> in <paramref name="nsB"/>, both up.
    /// </summary>
    public void AddVeth(string nsA, string nameA, string nsB, string nameB)
    {
        Ip($"-n {nsA} link add {nameA} type veth peer name {nameB} netns {nsB}");
        Ip($"-n {nsA} link set {nameA} up");
        Ip($"-n {nsB} link set {nameB} up");
    }

    /// <summary>Creates bridge <paramref name="bridge"/> in <paramref name="ns"/> (multicast snooping off), up.</summary>
    public void AddBridge(string ns, string bridge)
    {
        Ip($"-n {ns} link add {bridge} type bridge mcast_snooping 0 forward_delay 0");
        Ip($"-n {ns} link set {bridge} up");
    }

    /// <summary>
    /// A LAN: a namespace "lan" with bridge br0 and, for each member, a namespace joined to the
    /// bridge by a veth whose member end is called <paramref name="interfaceName"/> and whose
    /// bridge end is <c>p{index}</c> (see <see cref="SetPort"/>). Returns the member namespaces'
    /// full names in order.
    /// </summary>
    public string[] AddLan(string interfaceName, params string[] members)
    {
        string lan = AddNamespace("lan");
        AddBridge(lan, "br0");
        var names = new string[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            names[i] = AddNamespace(members[i]);
            string port = $"p{i}";
            AddVeth(names[i], interfaceName, lan, port);
            Ip($"-n {lan} link set {port} master br0");
        }
        return names;
    }

    /// <summary>The namespace holding the bridge made by <see cref="AddLan"/>.</summary>
    public string LanNamespace => Prefix + "lan";

    /// <summary>
    /// Sets the bridge port of LAN member <paramref name="memberIndex"/> down or up: down is a
    /// pulled cable (the member's interface loses carrier), up plugs it back.
    /// </summary>
    public void SetPort(int memberIndex, bool up) => Ip($"-n {LanNamespace} link set p{memberIndex} {(up ? "up" : "down")}");

    /// <summary>
    /// Starts <paramref name="program"/> inside <paramref name="ns"/> (<c>ip netns exec</c>, which
    /// execs it, so the process is the program itself); its output is collected line by line
    /// and it is killed with its children when the lab is disposed, if still running.
    /// </summary>
    public LabProcess Start(string ns, string name, string program, string arguments)
    {
        var process = LabProcess.Start(name, "ip", $"netns exec {ns} {program} {arguments}");
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>
    /// Captures on <paramref name="interfaceName"/> in <paramref name="ns"/> into a pcap file
    /// with tcpdump (packet-buffered, so the file is complete once the capture is stopped);
    /// returns once tcpdump is listening.
    /// </summary>
    public PacketCapture Capture(string ns, string interfaceName, string file, string filter = "")
    {
        LabProcess tcpdump = Start(ns, "tcpdump", "tcpdump", $"-i {interfaceName} --immediate-mode -U -n -s 256 -w {file} {filter}");
        if (tcpdump.WaitForLine(l => l.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(10)) is null)
            throw new InvalidOperationException($"tcpdump did not start in {ns}: {tcpdump.Output}");
        return new PacketCapture(tcpdump, file);
    }

    /// <summary>Runs <c>ip ARGS</c>; throws with its output if it fails.</summary>
    public static string Ip(string arguments) => Run("ip", arguments);

    /// <summary>Runs a command line inside namespace <paramref name="ns"/> (<c>ip netns exec</c>).</summary>
    public static string Exec(string ns, string commandLine) => Run("ip", $"netns exec {ns} {commandLine}");

    /// <summary>Runs a program and returns its standard output; throws if it exits non-zero.</summary>
    public static string Run(string program, string arguments, bool check = true)
    {
        var (exitCode, stdout, stderr) = RunCaptured(program, arguments);
        if (check && exitCode != 0)
            throw new InvalidOperationException($"`{program} {arguments}` exited {exitCode}: {stderr}{stdout}");
        return stdout;
    }

    /// <summary>Runs a program to its end; returns its exit code and both outputs.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunCaptured(string program, string arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        lock (stderr) return (process.ExitCode, stdout, stderr.ToString());
    }

    /// <summary>
    /// The addresses in <paramref name="ns"/> (<c>ip -j addr</c>), each with whether its
    /// interface can carry traffic: operationally up and not protodown (FRR keeps a Backup's
    /// virtual address on a protodown macvlan).
    /// </summary>
    public static IReadOnlyList<LabAddress> Addresses(string ns)
    {
        using var json = JsonDocument.Parse(Ip($"-n {ns} -j addr show"));
        var result = new List<LabAddress>();
        foreach (JsonElement link in json.RootElement.EnumerateArray())
        {
            string name = link.GetProperty("ifname").GetString()!;
            string operstate = link.TryGetProperty("operstate", out JsonElement s) ? s.GetString() ?? "" : "";
            bool protodown = link.TryGetProperty("proto_down", out JsonElement p) && p.ValueKind == JsonValueKind.True;
            // Loopback and some virtual links say UNKNOWN while they carry traffic.
            bool active = !protodown && operstate is "UP" or "UNKNOWN";
            if (!link.TryGetProperty("addr_info", out JsonElement infos))
                continue;
            foreach (JsonElement info in infos.EnumerateArray())
            {
                if (!info.TryGetProperty("local", out JsonElement local))
                    continue;
                result.Add(new LabAddress(name, local.GetString()!, info.GetProperty("prefixlen").GetInt32(), active));
            }
        }
        return result;
    }

    /// <summary>Whether <paramref name="address"/> is on an interface of <paramref name="ns"/> that carries traffic.</summary>
    public static bool HoldsAddress(string ns, string address) =>
        Addresses(ns).Any(a => a.Active && SameAddress(a.Address, address));

    /// <summary>The MAC address of <paramref name="interfaceName"/> in <paramref name="ns"/>, lower case.</summary>
    public static string Mac(string ns, string interfaceName)
    {
        using var json = JsonDocument.Parse(Ip($"-n {ns} -j link show dev {interfaceName}"));
        return json.RootElement[0].GetProperty("address").GetString()!.ToLowerInvariant();
    }

    /// <summary>The link-layer address <paramref name="ns"/>'s neighbour table has for <paramref name="address"/> (ARP or ND), or null.</summary>
    public static LabNeighbour? Neighbour(string ns, string address)
    {
        using var json = JsonDocument.Parse(Ip($"-n {ns} -j neigh show to {address}"));
        foreach (JsonElement entry in json.RootElement.EnumerateArray())
        {
            string state = entry.TryGetProperty("state", out JsonElement states) && states.ValueKind == JsonValueKind.Array
                ? string.Join(',', states.EnumerateArray().Select(e => e.GetString()))
                : "";
            string? mac = entry.TryGetProperty("lladdr", out JsonElement lladdr) ? lladdr.GetString()?.ToLowerInvariant() : null;
            return new LabNeighbour(mac, state);
        }
        return null;
    }

    /// <summary>Sends <paramref name="count"/> echo requests from <paramref name="ns"/>; returns how many were answered.</summary>
    public static int Ping(string ns, string address, int count = 1, double intervalSeconds = 0.2, double waitSeconds = 1)
    {
        string family = address.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
        string interval = intervalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        string wait = waitSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var (_, stdout, _) = RunCaptured("ip", $"netns exec {ns} ping {family} -n -c {count} -i {interval} -W {wait} {address}");
        return stdout.Split('\n').Count(l => l.Contains("bytes from", StringComparison.Ordinal));
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="poll"/> (20 ms by default) until it
    /// holds; returns how long that took, or throws <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> after <paramref name="timeout"/>.
    /// </summary>
    public static TimeSpan WaitUntil(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? poll = null) =>
        WaitUntil(condition, timeout, () => what, poll);

    /// <summary>
    /// <see cref="WaitUntil(Func{bool}, TimeSpan, string, TimeSpan?)"/> with a description made
    /// when the wait fails, so it can show the state at that moment.
    /// </summary>
    public static TimeSpan WaitUntil(Func<bool> condition, TimeSpan timeout, Func<string> what, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (condition())
                return clock.Elapsed;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.###} s waiting for {what()}");
            Thread.Sleep(poll ?? TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Whether two textual addresses are the same (so <c>fe80::1</c> equals <c>fe80:0::1</c>).</summary>
    public static bool SameAddress(string a, string b) =>
        System.Net.IPAddress.TryParse(a, out var x) && System.Net.IPAddress.TryParse(b, out var y) ? x.Equals(y) : a == b;

    /// <summary>Kills the lab's processes that still run (with their children), then deletes every namespace.</summary>
    public void Dispose()
    {
        lock (_processes)
        {
            foreach (LabProcess process in _processes)
                process.Dispose();
            _processes.Clear();
        }
        for (int i = _namespaces.Count - 1; i >= 0; i--)
            Run("ip", $"netns del {_namespaces[i]}", check: false);
        _namespaces.Clear();
    }
}

/// <summary>An address seen by <see cref="NetnsLab.Addresses"/>: its interface, and whether that interface carries traffic.</summary>
public readonly record struct LabAddress(string Interface, string Address, int PrefixLength, bool Active);

/// <summary>A neighbour table entry: its link-layer address (null while unresolved) and its states (<c>REACHABLE</c>, <c>STALE</c>...).</summary>
public sealed record LabNeighbour(string? Mac, string State);
