using System.Text.Json;
using Vrrp.Lab;

namespace vrrpd.Tests.Host;

/// <summary>The runtime figures: collections, allocated bytes, loop iterations, in the status JSON and alone.</summary>
[Collection(DaemonCollection.Name)]
public sealed class RuntimeStatusTests
{
    [Fact]
    public void Status_and_the_runtime_request_report_collections_allocations_and_loop_iterations()
    {
        using var lab = new DaemonLab(1);
        VrrpdProcess r1 = lab.Start(1, FailoverTests.Config(245, interval: "0.05"));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);

        JsonElement first = r1.Status().GetProperty("runtime");
        Thread.Sleep(300);
        JsonElement second = Runtime(r1);
        JsonElement third = Runtime(r1);

        Assert.Equal(3, second.GetProperty("gc_collections").GetArrayLength());
        Assert.All(second.GetProperty("gc_collections").EnumerateArray(), c => Assert.True(c.GetInt32() >= 0));
        // The status request's own snapshot and reply were allocated in between.
        Assert.True(second.GetProperty("allocated_bytes").GetInt64() > first.GetProperty("allocated_bytes").GetInt64());
        // A Master at 50 ms wakes at least for each advertisement: 300 ms hold several.
        Assert.True(second.GetProperty("loop_iterations").GetInt64() >= first.GetProperty("loop_iterations").GetInt64() + 3,
            $"{first} then {second}");
        // A runtime request is cheap: what the daemon allocated between two is a few kB at most.
        long between = third.GetProperty("allocated_bytes").GetInt64() - second.GetProperty("allocated_bytes").GetInt64();
        Assert.InRange(between, 1, 64 * 1024);
    }

    private static JsonElement Runtime(VrrpdProcess daemon)
    {
        using JsonDocument document = JsonDocument.Parse(daemon.Request("runtime"));
        return document.RootElement.Clone();
    }
}
