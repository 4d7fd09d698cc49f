using System.Diagnostics;
using System.Globalization;
using Vrrp.Linux;
using Vrrp.Linux.Netlink;
using Vrrp.Lab;

namespace Vrrpd.Demo;

/// <summary>
/// The demo's LAN: namespaces <c>vrrpd-demo-PID-{lan,r1,r2,host}</c>, a bridge br0 in "lan"
/// with one port per member (p0 r1, p1 r2, p2 host), each member's end called eth0, and a
/// directory <c>$TMPDIR/vrrpd-demo-PID</c> for the configurations, logs, control sockets and
/// pid files. The PID in the names lets a later run recognise a lab whose demo is gone
/// (killed with SIGKILL, or kept with --keep) and remove it.
/// </summary>
internal sealed class DemoLab : IDisposable
{
    public const string NamePrefix = "vrrpd-demo-";
    public const string Interface = "eth0";

    private readonly NetnsLab _lab;
    private NetlinkSocket? _lanNetlink;
    private LinkManager? _lanLinks;

    private DemoLab(NetnsLab lab, string directory)
    {
        _lab = lab;
        Directory = directory;
    }

    public string Prefix => _lab.Prefix;
    public string Directory { get; }
    public string Lan => Prefix + "lan";
    public string R1 => Prefix + "r1";
    public string R2 => Prefix + "r2";
    public string Host => Prefix + "host";
    public IReadOnlyList<string> Namespaces => _lab.Namespaces;

    /// <summary>The MAC of eth0 in r1, r2 and host.</summary>
    public Dictionary<string, string> Macs { get; } = [];

    /// <summary>The bridge port that is <paramref name="member"/>'s cable.</summary>
    public static string Port(string member) => member switch
    {
        "r1" => "p0",
        "r2" => "p1",
        _ => "p2",
    };

    /// <summary>
    /// Builds the LAN and gives r1, r2 and host their addresses (<paramref name="addresses"/>,
    /// CIDR). On failure, whatever was made is removed before the exception leaves.
    /// </summary>
    public static DemoLab Build(IReadOnlyDictionary<string, string> addresses)
    {
        int pid = Environment.ProcessId;
        var lab = new NetnsLab($"{NamePrefix}{pid.ToString(CultureInfo.InvariantCulture)}-");
        string directory = DirectoryFor(pid);
        var demo = new DemoLab(lab, directory);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            lab.AddLan(Interface, "r1", "r2", "host");
            foreach (var (member, cidr) in addresses)
            {
                NetnsLab.Ip($"-n {lab.Prefix}{member} addr add {cidr} dev {Interface}");
                demo.Macs[member] = NetworkNamespace.Run(lab.Prefix + member, () =>
                {
                    using var netlink = NetlinkSocket.Open();
                    return new LinkManager(netlink).Get(Interface).Mac.ToString();
                });
            }
            // The cable is cut and plugged back with one netlink request, made from a socket
            // opened in "lan" now, so the time taken of the cut is within a millisecond of it.
            demo._lanNetlink = NetworkNamespace.Run(demo.Lan, () => NetlinkSocket.Open());
            demo._lanLinks = new LinkManager(demo._lanNetlink);
            return demo;
        }
        catch
        {
            demo.Dispose();
            throw;
        }
    }

    public static string DirectoryFor(int pid) => Path.Combine(Path.GetTempPath(), NamePrefix + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Pulls (false) or plugs back (true) <paramref name="member"/>'s cable: its bridge port goes down, and its eth0 loses carrier.</summary>
    public void SetCable(string member, bool up) => _lanLinks!.SetUp(_lanLinks.Get(Port(member)).Index, up);

    /// <summary>The MAC the host's neighbour table holds for <paramref name="address"/>, or null.</summary>
    public string? HostNeighbour(string address)
    {
        // "192.0.2.254 dev eth0 lladdr 6a:1f:...:0c REACHABLE"
        string[] words = NetnsLab.Ip($"-n {Host} neigh show to {address}").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "lladdr");
        return at >= 0 && at + 1 < words.Length ? words[at + 1].ToLowerInvariant() : null;
    }

    /// <summary>Deletes the namespaces (the daemons must be stopped first: a namespace lives on while a process is in it).</summary>
    public void Dispose()
    {
        _lanNetlink?.Dispose();
        _lab.Dispose();
    }

    /// <summary>Deletes the working directory (configurations, logs, sockets).</summary>
    public void DeleteDirectory()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Namespaces named after a demo process that no longer runs, grouped by that pid.</summary>
    public static SortedDictionary<int, List<string>> FindStale()
    {
        var stale = new SortedDictionary<int, List<string>>();
        if (!System.IO.Directory.Exists(NetworkNamespace.Directory))
            return stale;
        foreach (string path in System.IO.Directory.EnumerateFileSystemEntries(NetworkNamespace.Directory))
        {
            string name = Path.GetFileName(path);
            if (!name.StartsWith(NamePrefix, StringComparison.Ordinal))
                continue;
            string rest = name[NamePrefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsDemoRunning(pid))
                continue;
            if (!stale.TryGetValue(pid, out List<string>? names))
                stale[pid] = names = [];
            names.Add(name);
        }
        return stale;
    }

    // Alive and still a demo: a pid reused by some other program does not protect a lab.
    private static bool IsDemoRunning(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        try
        {
            string commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Split('\0').Contains("demo");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes the lab of a demo that is gone: kills every process inside its namespaces (the
    /// daemons it started), deletes the namespaces and its directory. Returns what was done.
    /// </summary>
    public static (int Namespaces, int Processes) RemoveStale(int pid, IReadOnlyList<string> namespaces)
    {
        int killed = 0;
        foreach (string ns in namespaces)
        {
            string pids = NetnsLab.Run("ip", $"netns pids {ns}", check: false);
            foreach (string word in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(word.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int inside))
                    continue;
                try
                {
                    using Process process = Process.GetProcessById(inside);
                    process.Kill();
                    process.WaitForExit(TimeSpan.FromSeconds(5));
                    killed++;
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone meanwhile.
                }
            }
        }
        int deleted = 0;
        foreach (string ns in namespaces)
        {
            NetnsLab.Run("ip", $"netns del {ns}", check: false);
            if (!File.Exists(Path.Combine(NetworkNamespace.Directory, ns)))
                deleted++;
        }
        try
        {
            System.IO.Directory.Delete(DirectoryFor(pid), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        return (deleted, killed);
    }
}
