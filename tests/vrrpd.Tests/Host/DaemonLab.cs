using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>
/// A LAN of namespaces (r1, r2, ... on bridge ports p0, p1, ...; 10.9.0.N/24 on eth0) and vrrpd
/// processes running in them with their own config, control socket and pid file under a
/// temporary directory. Everything is removed on dispose, also after a failure.
/// </summary>
internal sealed class DaemonLab : IDisposable
{
    private readonly List<VrrpdProcess> _daemons = [];

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

    /// <summary>The address of member <paramref name="n"/> (1-based) on eth0.</summary>
    public static string Address(int n) => $"10.9.0.{n}";

    /// <summary>
    /// The daemon binary: $VRRPD_BINARY if set; else the published NativeAOT artifacts/bin/vrrpd
    /// when it is no older than every source file (scripts/test.sh publishes it first); else the
    /// build next to the tests.
    /// </summary>
    public static string Binary { get; } = FindBinary();

    private static string FindBinary()
    {
        if (Environment.GetEnvironmentVariable("VRRPD_BINARY") is { Length: > 0 } path)
            return path;
        string built = Path.Combine(AppContext.BaseDirectory, "vrrpd");
        if (Repository.Find(AppContext.BaseDirectory) is not { } root)
            return built;
        string published = Repository.PublishedVrrpdUnder(root);
        return Repository.IsNewerThanSources(root, published) ? published : built;
    }

    /// <summary>
    /// Starts vrrpd in member <paramref name="n"/> (1-based) with <paramref name="config"/>, in
    /// the foreground (-n) with detailed logs (-D); its instance "mape" is the one asked about
    /// when a test names none. <paramref name="arguments"/> come after <c>-D -n</c>.
    /// </summary>
    public VrrpdProcess Start(int n, string config, string name = "", IDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null)
    {
        name = name.Length > 0 ? name : $"r{n}";
        var daemon = VrrpdProcess.Start(Binary, Members[n - 1], Directory, name, config, new VrrpdProcessOptions
        {
            Arguments = ["-D", "-n", .. arguments ?? []],
            Environment = environment?.ToDictionary(e => e.Key, string? (e) => e.Value),
            Instance = "mape",
        });
        _daemons.Add(daemon);
        return daemon;
    }

    /// <summary>Pulls (false) or plugs back (true) member <paramref name="n"/>'s cable: its bridge port.</summary>
    public void SetCable(int n, bool up) => Lab.SetPort(n - 1, up);

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
        foreach (VrrpdProcess d in _daemons)
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

/// <summary>Namespace tests with daemons run one at a time: they measure timing on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DaemonCollection
{
    public const string Name = "vrrpd daemons in namespaces";
}
