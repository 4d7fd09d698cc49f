using Vrrp.Core.Wire;
using Vrrp.Lab;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Tests.Hosting;

/// <summary>
/// The README's embedding example, run as written in a namespace of a two-namespace LAN: it
/// becomes Master, its address appears, the peer namespace hears its advertisements, and
/// stopping it sends priority 0 and removes the address.
/// </summary>
public sealed class HostExampleTests
{
    [Fact]
    public void Readme_example_is_the_tested_code()
    {
        string? block = ReadmeExample.Block(Path.Combine(Repository.Root, "src", "Vrrp.Linux", "README.md"), "host-example");
        Assert.True(block is not null, "src/Vrrp.Linux/README.md has no csharp block after <!-- host-example -->");
        string tested = ReadmeExample.Marked(Path.Combine(Repository.Root, "tests", "Vrrp.Linux.Tests", "Hosting", "HostExample.cs"), "host-example");
        Assert.Equal(tested, block);
    }

    [Fact]
    public void Example_becomes_master_installs_the_address_and_stops_with_priority_zero()
    {
        var (lab, a, b) = Node.TwoOnABridge();
        using (lab)
        using (a)
        using (b)
        using (PacketSocket listener = b.OpenPacketSocket())
        {
            IpAddr vip = IpAddr.Parse("10.0.0.254");
            using var stop = new CancellationTokenSource();
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    NetworkNamespace.Run(a.Namespace, () => HostExample.Run("eth0", vip, stop.Token));
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            try
            {
                // Master_Down_Interval is 3 x 100 ms + skew: Master well within 2 s, then adverts every 100 ms.
                List<byte[]> adverts = Wait.Receive(listener, f => Adverts(f).Count(p => p == 200) >= 5, TimeSpan.FromSeconds(5));
                Assert.True(Adverts(adverts).Count(p => p == 200) >= 5, $"adverts heard: {string.Join(',', Adverts(adverts))}; {failure}");
                Assert.Contains(a.Addresses.List(a.IfIndex), x => x.Address == vip && x.PrefixLength == 24);
            }
            finally
            {
                stop.Cancel();
                Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "the example did not return after the stop");
            }
            Assert.Null(failure);
            List<byte[]> last = Wait.Receive(listener, f => Adverts(f).Contains((byte)0), TimeSpan.FromSeconds(2));
            Assert.Contains((byte)0, Adverts(last));
            Assert.DoesNotContain(a.Addresses.List(a.IfIndex), x => x.Address == vip);
        }
    }

    // Priorities of the VRID 4 adverts among the frames.
    private static List<byte> Adverts(List<byte[]> frames) =>
        [.. frames.Select(f => VrrpFrame.TryParse(f, out ReceivedAdvertisement r) == ParseError.None && r.Advertisement.VirtualRouterId == 4 ? (int)r.Advertisement.Priority : -1)
            .Where(p => p >= 0).Select(p => (byte)p)];
}
