using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Lab;

namespace Vrrp.Core.Tests.Router;

public class EmbeddingExampleTests
{
    [Fact]
    public void Readme_example_is_the_tested_code_and_under_40_lines()
    {
        string readme = Path.Combine(Repository.Root, "src", "Vrrp.Core", "README.md");
        string source = Path.Combine(Repository.Root, "tests", "Vrrp.Core.Tests", "Router", "EmbeddingExample.cs");
        string? block = ReadmeExample.Block(readme, "embedding-example");
        Assert.True(block is not null, "README.md has no csharp block after <!-- embedding-example -->");
        string tested = ReadmeExample.Marked(source, "embedding-example");
        Assert.Equal(tested, block);
        Assert.True(tested.Split('\n').Length < 40, $"the example has {tested.Split('\n').Length} lines");
        // The transport it uses is in the README too: nothing the example needs lives only in the tests.
        string? transport = ReadmeExample.Block(readme, "embedding-transport");
        Assert.True(transport is not null, "README.md has no csharp block after <!-- embedding-transport -->");
        Assert.Equal(ReadmeExample.Marked(source, "embedding-transport"), transport);
    }

    [Fact]
    public void Example_becomes_master_yields_to_a_better_router_and_stops()
    {
        FakeTransport net = new(end: Instant.FromMilliseconds(12_000));
        net.Inject(Instant.FromMilliseconds(10_000), priority: 200, source: IpAddr.Parse("192.168.1.20"));
        StringWriter log = new();
        EmbeddingExample.Run(RouterHarness.Options(priority: 100), net, log, net.Stop);

        // Master after Master_Down_Interval (3.609 s), advertising every second until 10 s.
        List<(Instant Time, byte Priority)> sent = net.Sent;
        Assert.Equal(Instant.FromMilliseconds(3000) + TimeSpan.FromTicks(156 * TimeSpan.TicksPerSecond / 256), sent[0].Time);
        Assert.Equal(7, sent.Count);
        Assert.All(sent, s => Assert.Equal(100, s.Priority));
        Assert.Equal([true, false], net.AddressChanges);
        Assert.Equal("(vi) Initialize -> Backup: Startup|(vi) Backup -> Master: MasterDown|(vi) Master -> Backup: HigherPriority|(vi) Backup -> Initialize: Shutdown",
            string.Join('|', log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }

    [Fact]
    public void Example_sends_priority_zero_when_stopped_as_master()
    {
        FakeTransport net = new(end: Instant.FromMilliseconds(6_500));
        EmbeddingExample.Run(RouterHarness.Options(priority: 255), net, TextWriter.Null, net.Stop);
        Assert.Equal((Instant.FromMilliseconds(6_500), (byte)0), net.Sent[^1]);
        Assert.Equal(255, net.Sent[0].Priority);
        Assert.Equal([true, false], net.AddressChanges);
    }

    /// <summary>A virtual clock and a LAN with one scripted peer; every sent message is parsed back.</summary>
    private sealed class FakeTransport(Instant end) : IVrrpTransport
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Queue<(Instant At, byte[] Message, IpAddr Source)> _incoming = new();

        public Instant Now { get; private set; }
        public CancellationToken Stop => _stop.Token;
        public List<(Instant Time, byte Priority)> Sent { get; } = [];
        public List<bool> AddressChanges { get; } = [];

        public void Inject(Instant at, byte priority, IpAddr source)
        {
            VrrpAdvertisement advert = new()
            {
                Version = VrrpVersion.V3, Family = IpFamily.IPv4, VirtualRouterId = 4, Priority = priority,
                AdvertIntervalCentiseconds = 100, AddressBytes = VrrpAdvertisement.PackAddresses([RouterHarness.Vip]),
            };
            byte[] message = new byte[advert.BufferLength];
            advert.Emit(message, source, IpAddr.VrrpMulticastV4);
            _incoming.Enqueue((at, message, source));
        }

        public bool TryReceive(Instant deadline, Span<byte> buffer, out int length, out IpAddr source, out IpAddr destination)
        {
            (length, source, destination) = (0, default, IpAddr.VrrpMulticastV4);
            if (_incoming.TryPeek(out var next) && next.At <= deadline && next.At <= end)
            {
                _incoming.Dequeue();
                Now = Instant.Min(Later(Now, next.At), end);
                next.Message.CopyTo(buffer);
                (length, source) = (next.Message.Length, next.Source);
                return true;
            }
            Now = Later(Now, Instant.Min(deadline, end));
            if (Now >= end) _stop.Cancel();
            return false;
        }

        public void Send(ReadOnlySpan<byte> message, IpAddr source, IpAddr destination)
        {
            Assert.Equal(ParseError.None, VrrpAdvertisement.TryParse(message, source, destination, out VrrpAdvertisement advert, out _));
            Sent.Add((Now, advert.Priority));
        }

        private static Instant Later(Instant a, Instant b) => a > b ? a : b;

        public void SetAddresses(IReadOnlyList<IpAddr> addresses, bool installed)
        {
            Assert.Equal([RouterHarness.Vip], addresses);
            AddressChanges.Add(installed);
        }
    }
}
