namespace vrrpd.Tests.Host;

/// <summary><c>vrrpd status --json</c> reports the runtime: collections, allocated bytes, loop iterations.</summary>
[Collection(DaemonCollection.Name)]
public sealed class RuntimeStatusTests
{
    [Fact]
    public void Status_reports_collections_allocations_and_loop_iterations()
    {
        using var lab = new DaemonLab(1);
        DaemonProcess r1 = lab.Start(1, FailoverTests.Config(245, interval: "0.05"));
        Assert.True(r1.WaitForState("MASTER", TimeSpan.FromSeconds(10)), r1.Output);

        var first = r1.Status().GetProperty("runtime");
        Thread.Sleep(300);
        var second = r1.Status().GetProperty("runtime");

        Assert.Equal(3, second.GetProperty("gc_collections").GetArrayLength());
        Assert.All(second.GetProperty("gc_collections").EnumerateArray(), c => Assert.True(c.GetInt32() >= 0));
        // The first request's own snapshot and reply were allocated in between.
        Assert.True(second.GetProperty("allocated_bytes").GetInt64() > first.GetProperty("allocated_bytes").GetInt64());
        // A Master at 50 ms wakes at least for each advertisement: 300 ms hold several.
        Assert.True(second.GetProperty("loop_iterations").GetInt64() >= first.GetProperty("loop_iterations").GetInt64() + 3,
            $"{first} then {second}");
    }
}
