using Vrrp.Core.Router;
using Vrrp.Linux.Hosting;

namespace Vrrp.Linux.Tests;

public sealed class RejectLimiterTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    [Fact]
    public void One_line_per_reason_per_second_with_the_count_suppressed()
    {
        var limiter = new RejectLimiter(4);
        Assert.True(limiter.ShouldLog(1, Ms(0), out long suppressed));
        Assert.Equal(0, suppressed);
        for (int i = 1; i <= 99; i++)
            Assert.False(limiter.ShouldLog(1, Ms(i), out _));
        Assert.True(limiter.ShouldLog(2, Ms(50), out _)); // another reason has its own second
        Assert.False(limiter.TryTakeSummary(1, Ms(999), out _));
        Assert.True(limiter.ShouldLog(1, Ms(1000), out suppressed));
        Assert.Equal(99, suppressed);
    }

    [Fact]
    public void A_summary_reports_what_a_finished_flood_left_unlogged()
    {
        var limiter = new RejectLimiter(2);
        Assert.True(limiter.ShouldLog(1, Ms(5000), out _));
        Assert.False(limiter.ShouldLog(1, Ms(5001), out _));
        Assert.False(limiter.ShouldLog(1, Ms(5002), out _));
        Assert.False(limiter.TryTakeSummary(0, Ms(7000), out _));
        Assert.True(limiter.TryTakeSummary(1, Ms(6000), out long suppressed));
        Assert.Equal(2, suppressed);
        Assert.False(limiter.TryTakeSummary(1, Ms(8000), out _));
    }
}
