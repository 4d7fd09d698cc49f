using Vrrp.Linux;

namespace Vrrp.Linux.Tests;

public sealed class SignalDispositionsTests
{
    [Fact]
    public void Realtime_signals_are_numbered_as_glibc_numbers_them()
    {
        // glibc keeps 32 and 33 for itself: SIGRTMIN+2 is keepalived's JSON signal 36.
        Assert.Equal(34, SignalDispositions.RealtimeMin);
        Assert.Equal(64, SignalDispositions.RealtimeMax);
    }

    [Theory]
    [InlineData(1, true)]   // SIGHUP
    [InlineData(10, true)]  // SIGUSR1
    [InlineData(13, true)]  // SIGPIPE
    [InlineData(14, true)]  // SIGALRM
    [InlineData(20, true)]  // SIGTSTP stops
    [InlineData(30, true)]  // SIGPWR
    [InlineData(32, true)]
    [InlineData(64, true)]
    [InlineData(9, false)]  // SIGKILL cannot be caught
    [InlineData(19, false)] // nor SIGSTOP
    [InlineData(17, false)] // SIGCHLD: nothing by default
    [InlineData(18, false)] // SIGCONT
    [InlineData(23, false)] // SIGURG
    [InlineData(28, false)] // SIGWINCH
    [InlineData(0, false)]
    [InlineData(65, false)]
    public void Which_signals_end_or_stop_a_process_by_default(int signal, bool ends) =>
        Assert.Equal(ends, SignalDispositions.EndsOrStopsByDefault(signal));

    [Fact]
    public void Fault_signals_are_the_runtime_s()
    {
        Assert.All(new[] { 4, 7, 8, 11 }, s => Assert.True(SignalDispositions.IsFault(s)));
        Assert.All(new[] { 5, 6, 10, 15 }, s => Assert.False(SignalDispositions.IsFault(s)));
    }

    [Fact]
    public void Dispositions_are_read_and_set()
    {
        // The .NET runtime ignores SIGPIPE and handles SIGRTMIN (thread suspension); SIGKILL is default.
        Assert.Equal(SignalDisposition.Ignore, SignalDispositions.Get(13));
        Assert.Equal(SignalDisposition.Handler, SignalDispositions.Get(SignalDispositions.RealtimeMin));
        Assert.Equal(SignalDisposition.Default, SignalDispositions.Get(9));
        // SIGSTKFLT is unused: ignoring it in the test process harms nothing.
        SignalDispositions.Ignore(16);
        Assert.Equal(SignalDisposition.Ignore, SignalDispositions.Get(16));
        Assert.Throws<System.ComponentModel.Win32Exception>(() => SignalDispositions.Ignore(9));
    }
}
