using System.Diagnostics;

namespace Vrrp.Linux.Tests;

public class EventLoopPrimitivesTests
{
    [Fact]
    public void StopwatchReadsClockMonotonicInNanoseconds()
    {
        long before = MonotonicClock.NowNanoseconds;
        long stopwatch = MonotonicClock.FromStopwatchTimestamp(Stopwatch.GetTimestamp());
        long after = MonotonicClock.NowNanoseconds;
        Assert.InRange(stopwatch, before, after);
    }

    [Fact]
    public void TimerFiresAtItsAbsoluteDeadlineAndReportsThroughEpoll()
    {
        using var epoll = new Epoll();
        using var timer = new TimerFd();
        epoll.Add(timer.Handle, token: 7);
        Span<EpollEvent> events = stackalloc EpollEvent[4];

        long deadline = MonotonicClock.NowNanoseconds + 20_000_000; // 20 ms
        timer.ArmAt(deadline);
        Assert.Equal(0, epoll.Wait(events, 0));
        int n = epoll.Wait(events, 2000);
        long woke = MonotonicClock.NowNanoseconds;
        Assert.Equal(1, n);
        Assert.Equal(7ul, events[0].Token);
        Assert.True(events[0].Events.HasFlag(EpollEvents.In));
        Assert.True(woke >= deadline, "woke before the deadline");
        Assert.Equal(1ul, timer.Acknowledge());
        Assert.Equal(0ul, timer.Acknowledge());
        Assert.Equal(0, epoll.Wait(events, 0));
    }

    [Fact]
    public void DeadlineInThePastFiresAtOnceAndDisarmStopsIt()
    {
        using var epoll = new Epoll();
        using var timer = new TimerFd();
        epoll.Add(timer.Handle, 1);
        Span<EpollEvent> events = stackalloc EpollEvent[4];
        timer.ArmAt(MonotonicClock.NowNanoseconds - 1_000_000);
        Assert.Equal(1, epoll.Wait(events, 1000));
        timer.Acknowledge();

        timer.ArmAt(MonotonicClock.NowNanoseconds + 30_000_000);
        timer.Disarm();
        Assert.Equal(0, epoll.Wait(events, 60));
        timer.ArmAt(long.MaxValue);
        Assert.Equal(0, epoll.Wait(events, 0));
    }

    [Fact]
    public void EventFdWakesTheLoopFromAnotherThread()
    {
        using var epoll = new Epoll();
        using var wake = new EventFd();
        epoll.Add(wake.Handle, 42);
        var other = new Thread(() => { Thread.Sleep(20); wake.Signal(); wake.Signal(); });
        other.Start();
        Span<EpollEvent> events = stackalloc EpollEvent[4];
        int n = epoll.Wait(events, 5000);
        other.Join();
        Assert.Equal(1, n);
        Assert.Equal(42ul, events[0].Token);
        Assert.InRange(wake.Drain(), 1ul, 2ul);
        wake.Drain();
        Assert.Equal(0ul, wake.Drain());
    }

    [Fact]
    public void WaitAndRearmAllocateNothing()
    {
        using var epoll = new Epoll();
        using var timer = new TimerFd();
        using var wake = new EventFd();
        epoll.Add(timer.Handle, 1);
        epoll.Add(wake.Handle, 2);
        Span<EpollEvent> events = stackalloc EpollEvent[8];
        // Warm up (JIT, first-call stubs).
        for (int i = 0; i < 3; i++) { wake.Signal(); epoll.Wait(events, 0); wake.Drain(); timer.ArmAt(MonotonicClock.NowNanoseconds); epoll.Wait(events, 100); timer.Acknowledge(); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            wake.Signal();
            epoll.Wait(events, 0);
            wake.Drain();
            timer.ArmAt(MonotonicClock.NowNanoseconds + 1000);
            epoll.Wait(events, 100);
            timer.Acknowledge();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ModifyAndRemoveChangeWhatIsReported()
    {
        using var epoll = new Epoll();
        using var wake = new EventFd();
        epoll.Add(wake.Handle, 1);
        epoll.Modify(wake.Handle, 99);
        wake.Signal();
        Span<EpollEvent> events = stackalloc EpollEvent[2];
        Assert.Equal(1, epoll.Wait(events, 0));
        Assert.Equal(99ul, events[0].Token);
        epoll.Remove(wake.Handle);
        Assert.Equal(0, epoll.Wait(events, 0));
    }
}
