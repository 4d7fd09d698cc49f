using System.Text;
using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// A LAN for one scenario: routers r1..rN (each running one implementation) and a host h on a
/// bridge, all in fresh namespaces; a capture on the bridge from the start; the result row the
/// scenario fills in. On failure the logs, the configurations and the capture are kept under
/// artifacts/interop/SCENARIO; otherwise everything is removed.
/// </summary>
internal sealed class InteropLab : IDisposable
{
    public const string Subnet = "10.77.0";
    public const string Vip = Subnet + ".4";
    public const string Vip6 = "2001:db8:77::4";
    public const string Vip6LinkLocal = "fe80::77:4";
    public const string HostAddress = Subnet + ".100";

    private readonly List<Peer> _routers = [];
    private PacketCapture? _capture;
    private LinkSwitch? _links;
    private WireLog? _wire;
    private bool _failed;

    private InteropLab(ResultRow row)
    {
        Row = row;
        Net = new NetnsLab();
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "vrrpd-interop", Net.Prefix.TrimEnd('-'))).FullName;
    }

    public NetnsLab Net { get; }
    public ResultRow Row { get; }

    /// <summary>This lab's scratch directory (configurations, logs, sockets, the capture).</summary>
    public string Directory { get; }

    /// <summary>The host's namespace.</summary>
    public string Host { get; private set; } = "";
    public IReadOnlyList<Peer> Routers => _routers;

    /// <summary>
    /// Builds the LAN: one router per entry of <paramref name="impls"/> (r1 at
    /// <paramref name="addresses"/>[0] or 10.77.0.1, and so on, also 2001:db8:77::N) and host h
    /// at 10.77.0.100 / 2001:db8:77::100, and starts capturing on the bridge.
    /// </summary>
    public static InteropLab Create(ResultRow row, Impl[] impls, string[]? addresses = null)
    {
        var lab = new InteropLab(row);
        try
        {
            lab.Build(impls, addresses);
            return lab;
        }
        catch
        {
            lab._failed = true;
            lab.Dispose();
            throw;
        }
    }

    private void Build(Impl[] impls, string[]? addresses)
    {
        string[] members = [.. impls.Select((_, i) => $"r{i + 1}"), "h"];
        string[] namespaces = Net.AddLan("eth0", members);
        for (int i = 0; i < impls.Length; i++)
        {
            string address = addresses?[i] ?? $"{Subnet}.{i + 1}";
            NetnsLab.Ip($"-n {namespaces[i]} addr add {address}/24 dev eth0");
            NetnsLab.Ip($"-n {namespaces[i]} addr add 2001:db8:77::{i + 1}/64 dev eth0");
            _routers.Add(impls[i] switch
            {
                Impl.Vrrpd => new VrrpdPeer(this, i, members[i], namespaces[i], address),
                Impl.Keepalived => new KeepalivedPeer(this, i, members[i], namespaces[i], address),
                Impl.Frr => new FrrPeer(this, i, members[i], namespaces[i], address),
                _ => throw new ArgumentOutOfRangeException(nameof(impls)),
            });
        }
        Host = namespaces[^1];
        NetnsLab.Ip($"-n {Host} addr add {HostAddress}/24 dev eth0");
        NetnsLab.Ip($"-n {Host} addr add 2001:db8:77::100/64 dev eth0");
        // Everything the scenarios assert on: VRRP over IPv4 and IPv6 ("vrrp" alone is IPv4 only),
        // ARP, and ICMPv6 (neighbour advertisements). br0 is promiscuous while captured, so it
        // also sees unicast the bridge forwards between ports.
        _links = new LinkSwitch(Net.LanNamespace);
        _capture = Net.Capture(Net.LanNamespace, "br0", Path.Combine(Directory, "lan.pcap"), "ip proto 112 or ip6 proto 112 or arp or icmp6");
    }

    public Peer this[int index] => _routers[index];

    /// <summary>Runs the scenario body: records the result row, keeps the artifacts on failure.</summary>
    public void Run(Action body)
    {
        try
        {
            body();
            Row.Result = "pass";
        }
        catch (Exception e)
        {
            _failed = true;
            Row.Result = "FAIL: " + e.Message.Split('\n')[0];
            throw;
        }
        finally
        {
            Results.Add(Row);
        }
    }

    /// <summary>Now, in the capture's clock (wall time, UTC).</summary>
    public static DateTime Mark() => DateTime.UtcNow;

    /// <summary>
    /// Unplugs <paramref name="router"/> from the LAN: its interface loses carrier. Returns the
    /// time the change was made (within milliseconds: see <see cref="LinkSwitch"/>).
    /// </summary>
    public DateTime CutLink(Peer router) => _links!.Set(router.Port, up: false);

    /// <summary>Plugs <paramref name="router"/> back; returns the time the change was made, as <see cref="CutLink"/>.</summary>
    public DateTime RestoreLink(Peer router) => _links!.Set(router.Port, up: true);

    /// <summary>Takes <paramref name="router"/>'s port off the bridge: it keeps its carrier but hears nobody and nobody hears it.</summary>
    public void Isolate(Peer router) => NetnsLab.Ip($"-n {Net.LanNamespace} link set p{router.Port} nomaster");

    /// <summary>Puts <paramref name="router"/>'s port back on the bridge.</summary>
    public DateTime Rejoin(Peer router)
    {
        NetnsLab.Ip($"-n {Net.LanNamespace} link set p{router.Port} master br0");
        return Mark();
    }

    /// <summary>Waits until <paramref name="router"/> is in <paramref name="state"/>; returns how long that took.</summary>
    public TimeSpan WaitForState(Peer router, PeerState state, TimeSpan timeout) =>
        NetnsLab.WaitUntil(() => router.State == state, timeout, () => $"{router} to be {state} (is {router.State})\n{Describe()}");

    /// <summary>
    /// Waits until <paramref name="master"/> is Master and every other router is not; then
    /// asserts that this holds (no router flips to Master right after).
    /// </summary>
    public TimeSpan WaitForSingleMaster(Peer master, TimeSpan timeout)
    {
        TimeSpan took = NetnsLab.WaitUntil(() => master.State == PeerState.Master && _routers.All(r => r == master || r.State != PeerState.Master),
            timeout, () => $"{master} to be the only master\n{Describe()}", TimeSpan.FromMilliseconds(50));
        AssertSingleMaster(master);
        return took;
    }

    public void AssertSingleMaster(Peer master)
    {
        var masters = _routers.Where(r => r.State == PeerState.Master).ToList();
        Assert.True(masters.Count == 1 && masters[0] == master, $"expected {master} as the only master, masters are [{string.Join(", ", masters)}]\n{Describe()}");
    }

    /// <summary>Asserts that the addresses are on <paramref name="holder"/> (on an interface that carries traffic) and on no other router.</summary>
    public void AssertVipOnlyOn(Peer holder, params string[] vips)
    {
        foreach (string vip in vips)
        {
            var holders = _routers.Where(r => r.HoldsVip(vip)).ToList();
            Assert.True(holders.Count == 1 && holders[0] == holder, $"{vip} should be on {holder} only; it is on [{string.Join(", ", holders)}]\n{Describe()}");
        }
    }

    /// <summary>
    /// Waits until the host reaches <paramref name="vip"/> (one echo answered) with its
    /// neighbour entry for it at <paramref name="master"/>'s MAC; returns how long that took.
    /// </summary>
    public TimeSpan AssertHostReaches(string vip, Peer master, TimeSpan? timeout = null)
    {
        string mac = master.VipMac;
        return NetnsLab.WaitUntil(() => NetnsLab.Ping(Host, vip, 1, waitSeconds: 0.5) == 1 && NetnsLab.Neighbour(Host, vip)?.Mac == mac,
            timeout ?? TimeSpan.FromSeconds(5),
            () => $"the host to reach {vip} at {master}'s MAC {mac} (neighbour entry: {NetnsLab.Neighbour(Host, vip)})\n{Describe()}",
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>A copy of the capture so far (tcpdump writes it packet by packet), to decode while it goes on.</summary>
    public string Snapshot()
    {
        Thread.Sleep(100);
        string copy = Path.Combine(Directory, $"snapshot-{Guid.NewGuid():N}.pcap");
        File.Copy(_capture!.File, copy);
        return copy;
    }

    /// <summary>Stops the capture (once) and decodes it.</summary>
    public WireLog Wire()
    {
        if (_wire is null)
        {
            // Let the last frames reach the file before tcpdump is told to stop.
            Thread.Sleep(100);
            _wire = WireLog.Read(_capture!.Stop());
        }
        return _wire;
    }

    /// <summary>Asserts that a measured takeover is within <paramref name="theory"/> plus <see cref="Timing.Margin"/>, and records it.</summary>
    public void AssertTakeover(string what, TimeSpan measured, TimeSpan theory)
    {
        TimeSpan bound = theory + Timing.Margin;
        Row.Figures.Add($"{what}: {Timing.Ms(measured)} (≤ {Timing.Ms(theory)} + {Timing.Ms(Timing.Margin)})");
        Row.Takeovers.Add($"{what} {measured.TotalMilliseconds:0} ≤ {bound.TotalMilliseconds:0}");
        Assert.True(measured <= bound, $"{what} took {Timing.Ms(measured)}, more than {Timing.Ms(theory)} + {Timing.Ms(Timing.Margin)}\n{Wire().Tail()}");
        Assert.True(measured > TimeSpan.Zero, $"{what}: the new master advertised before the old one stopped ({Timing.Ms(measured)})");
    }

    /// <summary>The routers' states and addresses, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (Peer r in _routers)
        {
            string vips;
            try
            {
                vips = string.Join(' ', NetnsLab.Addresses(r.Namespace).Where(a => a.Address.StartsWith(Subnet, StringComparison.Ordinal) || a.Address.StartsWith("2001:db8:77::4", StringComparison.Ordinal) || a.Address.StartsWith("fe80::77", StringComparison.Ordinal))
                    .Select(a => $"{a.Address}@{a.Interface}{(a.Active ? "" : "(inactive)")}"));
            }
            catch (InvalidOperationException e)
            {
                vips = e.Message;
            }
            PeerState state;
            try
            {
                state = r.State;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
            {
                state = PeerState.Initialize;
            }
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {r}: {state}, addresses {vips}");
        }
        return text.ToString();
    }

    public void Dispose()
    {
        foreach (Peer r in _routers)
        {
            try
            {
                File.WriteAllText(Path.Combine(r.Directory, "output.log"), r.Log);
            }
            catch (IOException)
            {
                // Best effort: the log is only for a failure's artifacts.
            }
        }
        if (_capture is not null && _wire is null)
            _capture.Stop();
        foreach (Peer r in _routers)
            r.Dispose();
        _links?.Dispose();
        Net.Dispose();
        if (_failed)
            KeepArtifacts();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void KeepArtifacts()
    {
        string name = $"{Row.Scenario} v{Row.Version} {Row.Family} {Row.Roles}";
        foreach (char c in Path.GetInvalidFileNameChars().Append(' ').Append(','))
            name = name.Replace(c, '_');
        string target = Path.Combine(Repo.Artifacts, "interop", name);
        if (System.IO.Directory.Exists(target))
            System.IO.Directory.Delete(target, recursive: true);
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".sock", StringComparison.Ordinal) || file.EndsWith(".vty", StringComparison.Ordinal) || file.EndsWith(".api", StringComparison.Ordinal))
                continue;
            string destination = Path.Combine(target, Path.GetRelativePath(Directory, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination);
            }
            catch (IOException)
            {
                // A socket or a file a daemon still holds: not needed to diagnose.
            }
        }
        if (File.Exists(Path.Combine(Directory, "lan.pcap")))
            File.WriteAllText(Path.Combine(target, "lan.txt"), string.Join('\n', WireLog.Read(Path.Combine(Directory, "lan.pcap")).Frames));
    }
}
