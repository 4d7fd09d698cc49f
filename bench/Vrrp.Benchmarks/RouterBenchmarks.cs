using BenchmarkDotNet.Attributes;
using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Benchmarks;

/// <summary>
/// The state machine's steady-state inputs: a Backup handling its Master's advertisement, a
/// Master handling its advert timer (and polling the resulting action), and a Master answering
/// a lower priority (RFC 9568 6.4.3). Parsing is measured in <see cref="WireBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    private static readonly IpAddr MasterAddress = IpAddr.Parse("192.168.1.2");
    private static readonly IpAddr BackupAddress = IpAddr.Parse("192.168.1.3");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private readonly byte[] _addresses = VrrpAdvertisement.PackAddresses([IpAddr.Parse("192.168.1.4")]);
    private VirtualRouter _backup = null!;
    private VirtualRouter _master = null!;
    private Instant _now;

    private VrrpAdvertisement Advert(byte priority) => new()
    {
        Version = VrrpVersion.V3,
        Family = IpFamily.IPv4,
        VirtualRouterId = 4,
        Priority = priority,
        AdvertIntervalCentiseconds = 1,
        AddressBytes = _addresses,
    };

    private static VirtualRouterOptions Options(byte priority, IpAddr self) => new()
    {
        Name = $"bench{priority}",
        VirtualRouterId = 4,
        Priority = priority,
        AdvertIntervalCentiseconds = 1,
        GarpMasterDelay = TimeSpan.Zero,
        VirtualAddresses = [IpAddr.Parse("192.168.1.4")],
        PrimaryAddress = self,
    };

    [GlobalSetup]
    public void Setup()
    {
        _backup = new VirtualRouter(Options(100, BackupAddress));
        _master = new VirtualRouter(Options(200, MasterAddress));
        _backup.HandleStartup(Instant.Zero);
        _master.HandleStartup(Instant.Zero);
        _master.HandleTimeout(_master.PollTimeout());
        while (_backup.TryPollAction(out _)) { }
        while (_master.TryPollAction(out _)) { }
        if (_master.State != RouterState.Master) throw new InvalidOperationException("the master did not start");
        _now = _master.PollTimeout();
    }

    [Benchmark]
    public RejectReason HandleAdvertisement()
    {
        _now += Interval;
        VrrpAdvertisement advert = Advert(200);
        return _backup.HandleAdvertisement(_now, in advert, MasterAddress);
    }

    [Benchmark]
    public RouterAction HandleTimeout()
    {
        _now = _master.PollTimeout();
        _master.HandleTimeout(_now);
        _master.TryPollAction(out RouterAction action);
        return action;
    }

    [Benchmark]
    public RouterAction HandleLowerPriorityAsMaster()
    {
        _now += Interval;
        VrrpAdvertisement advert = Advert(100);
        _master.HandleAdvertisement(_now, in advert, BackupAddress);
        _master.TryPollAction(out RouterAction action);
        return action;
    }
}
