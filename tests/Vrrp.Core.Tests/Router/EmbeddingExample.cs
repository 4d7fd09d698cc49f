using Vrrp.Core.Router;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Router;

// <embedding-transport>
/// <summary>What you supply: your clock and your sockets (vrrpd's are in Vrrp.Linux).</summary>
public interface IVrrpTransport
{
    Instant Now { get; }
    bool TryReceive(Instant deadline, Span<byte> buffer, out int length, out IpAddr source, out IpAddr destination);
    void Send(ReadOnlySpan<byte> message, IpAddr source, IpAddr destination);
    void SetAddresses(IReadOnlyList<IpAddr> addresses, bool installed);
}
// </embedding-transport>

public static class EmbeddingExample
{
    // <embedding-example>
    public static void Run(VirtualRouterOptions options, IVrrpTransport net, TextWriter log, CancellationToken stop)
    {
        VirtualRouter router = new(options);
        IpAddr group = options.Family == IpFamily.IPv4 ? IpAddr.VrrpMulticastV4 : IpAddr.VrrpMulticastV6;
        byte[] rx = new byte[1500], tx = new byte[1500];

        void Drain()
        {
            while (router.TryPollAction(out RouterAction action))
            {
                switch (action.Kind)
                {
                    case RouterActionKind.SendAdvertisement:
                        int length = router.CreateAdvertisement(action.Priority).Emit(tx, options.PrimaryAddress, group);
                        net.Send(tx.AsSpan(0, length), options.PrimaryAddress, group);
                        break;
                    case RouterActionKind.AddAddresses: net.SetAddresses(options.VirtualAddresses, installed: true); break;
                    case RouterActionKind.RemoveAddresses: net.SetAddresses(options.VirtualAddresses, installed: false); break;
                    case RouterActionKind.StateChanged: log.WriteLine($"({options.Name}) {action.From} -> {action.To}: {action.Reason}"); break;
                }
            }
        }

        router.HandleStartup(net.Now);
        for (Drain(); !stop.IsCancellationRequested; Drain())
        {
            if (net.TryReceive(router.PollTimeout(), rx, out int length, out IpAddr source, out IpAddr destination)
                && VrrpAdvertisement.TryParse(rx.AsSpan(0, length), source, destination, out VrrpAdvertisement advert, out _) == ParseError.None
                && advert.VirtualRouterId == options.VirtualRouterId && advert.Family == options.Family)
                router.HandleAdvertisement(net.Now, in advert, source);
            router.HandleTimeout(net.Now);
        }
        router.HandleShutdown(net.Now);
        Drain();
    }
    // </embedding-example>
}
