using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using static Vrrp.Core.Tests.Router.RouterHarness;

namespace Vrrp.Core.Tests.Router;

public class AllocationTests
{
    [Fact]
    public void Steady_state_allocates_nothing_over_100000_adverts_and_timeouts()
    {
        // A Backup hearing its Master, and a Master answering a lower priority and timing out.
        VirtualRouter backup = new(Options(priority: 100, intervalCs: 1));
        VirtualRouter master = new(Options(priority: 200, intervalCs: 1, self: "192.168.1.30", garpDelay: TimeSpan.Zero));
        byte[] fromMaster = Message(backup, 200);
        byte[] fromBackup = Message(master, 100);
        IpAddr masterAddress = IpAddr.Parse("192.168.1.30");
        backup.HandleStartup(Ms(0));
        master.HandleStartup(Ms(0));
        master.HandleTimeout(master.PollTimeout());
        Drain(backup);
        Drain(master);

        Instant now = Ms(1);
        void Run(int iterations)
        {
            for (int i = 0; i < iterations; i++)
            {
                now += TimeSpan.FromMilliseconds(10);
                VrrpAdvertisement.TryParse(fromMaster, masterAddress, IpAddr.VrrpMulticastV4, out VrrpAdvertisement a, out _);
                if (backup.HandleAdvertisement(now, in a, masterAddress) != RejectReason.None) throw new InvalidOperationException();
                backup.HandleTimeout(now);
                VrrpAdvertisement.TryParse(fromBackup, Self, IpAddr.VrrpMulticastV4, out VrrpAdvertisement b, out _);
                master.HandleAdvertisement(now, in b, Self);
                master.HandleTimeout(master.PollTimeout());
                Drain(backup);
                Drain(master);
                _ = backup.PollTimeout();
            }
        }

        Run(1000); // warm-up: JIT, tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(RouterState.Backup, backup.State);
        Assert.Equal(RouterState.Master, master.State);
        Assert.True(master.Counters.AdvertisementsSent > 100_000);
        Assert.True(backup.Counters.AdvertisementsReceived > 100_000);
    }

    private static readonly byte[] SendBuffer = new byte[64];

    private static void Drain(VirtualRouter router)
    {
        while (router.TryPollAction(out RouterAction action))
        {
            if (action.Kind == RouterActionKind.SendAdvertisement)
            {
                VrrpAdvertisement advert = router.CreateAdvertisement(action.Priority);
                advert.Emit(SendBuffer, router.Options.PrimaryAddress, IpAddr.VrrpMulticastV4);
            }
        }
    }

    private static byte[] Message(VirtualRouter receiver, byte priority)
    {
        VrrpAdvertisement advert = receiver.CreateAdvertisement(priority);
        byte[] buffer = new byte[advert.BufferLength];
        IpAddr source = priority == 200 ? IpAddr.Parse("192.168.1.30") : Self;
        advert.Emit(buffer, source, IpAddr.VrrpMulticastV4);
        return buffer;
    }
}
