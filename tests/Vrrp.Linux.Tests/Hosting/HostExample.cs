using Vrrp.Core.Router;
using Vrrp.Core.Wire;
using Vrrp.Linux.Hosting;

namespace Vrrp.Linux.Tests.Hosting;

/// <summary>The embedding example of src/Vrrp.Linux/README.md, compiled and run by <see cref="HostExampleTests"/>.</summary>
public static class HostExample
{
    // <host-example>
    public static void Run(string interfaceName, IpAddr virtualAddress, CancellationToken stop)
    {
        var router = new RouterDefinition
        {
            Options = new VirtualRouterOptions
            {
                Name = "gw",
                VirtualRouterId = 4,
                Priority = 200,
                AdvertIntervalCentiseconds = 10, // 100 ms
                VirtualAddresses = [virtualAddress],
            },
            Interface = interfaceName,
            Addresses = [new VirtualAddressDefinition(virtualAddress, PrefixLength: 24)],
        };
        using var host = new VrrpHost();
        host.Start(new HostConfiguration { Routers = [router] });
        using (stop.Register(() => host.RequestStop("stop requested")))
            host.Run();
        host.Shutdown(); // as Master: an advertisement with priority 0, the address removed
    }
    // </host-example>
}
