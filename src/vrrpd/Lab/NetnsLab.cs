using System.Diagnostics;
using System.Text;

namespace Vrrpd.Lab;

/// <summary>
/// A throwaway lab of network namespaces for tests and benches: namespaces named
/// <c>vl{pid}-{n}-{name}</c> so parallel tests and runs never collide, links created directly
/// inside them (the host's own interfaces and namespace are never touched), and everything
/// removed on <see cref="Dispose"/>, also after a failure. Deleting a namespace deletes its
/// interfaces, and a veth pair disappears with either end.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    private static int s_labCounter;
    private readonly List<string> _namespaces = [];

    /// <summary>A lab whose namespace names start with <see cref="Prefix"/>.</summary>
    public NetnsLab()
    {
        Prefix = $"vl{Environment.ProcessId}-{Interlocked.Increment(ref s_labCounter)}-";
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
        Exec(full, "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
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
    /// bridge by a veth whose member end is called <paramref name="interfaceName"/>. Returns the
    /// member namespaces' full names in order.
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

    /// <summary>Runs <c>ip ARGS</c>; throws with its output if it fails.</summary>
    public static string Ip(string arguments) => Run("ip", arguments);

    /// <summary>Runs a command line inside namespace <paramref name="ns"/> (<c>ip netns exec</c>).</summary>
    public static string Exec(string ns, string commandLine) => Run("ip", $"netns exec {ns} {commandLine}");

    /// <summary>Runs a program and returns its standard output; throws if it exits non-zero.</summary>
    public static string Run(string program, string arguments, bool check = true)
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
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"`{program} {arguments}` exited {process.ExitCode}: {stderr}{stdout}");
        return stdout;
    }

    /// <summary>Deletes every namespace of the lab (and so every interface in them).</summary>
    public void Dispose()
    {
        for (int i = _namespaces.Count - 1; i >= 0; i--)
            Run("ip", $"netns del {_namespaces[i]}", check: false);
        _namespaces.Clear();
    }
}
