using System.Collections.Concurrent;
using Vrrp.Linux;

namespace Vrrpd.Host;

/// <summary>A message from another thread to the loop.</summary>
internal abstract record LoopMessage;

/// <summary>SIGTERM / SIGINT: shut down.</summary>
internal sealed record StopMessage(string Signal) : LoopMessage;

/// <summary>SIGHUP: reload the configuration.</summary>
internal sealed record ReloadMessage : LoopMessage;

/// <summary>A track script's state changed (from the script runner's thread).</summary>
internal sealed record TrackScriptMessage(string Script, bool Up) : LoopMessage;

/// <summary>A control-socket request: the loop completes it with a snapshot taken on its thread.</summary>
internal sealed record StatusRequest(TaskCompletionSource<Control.StatusSnapshot> Reply) : LoopMessage;

/// <summary>A control-socket request for the runtime figures alone (cheap: no status snapshot).</summary>
internal sealed record RuntimeRequest(TaskCompletionSource<Control.RuntimeStatus> Reply) : LoopMessage;

/// <summary>
/// The loop's inbox for other threads (signals, track scripts, the control socket): a
/// concurrent queue and the <see cref="EventFd"/> that wakes the loop's epoll.
/// </summary>
internal sealed class Mailbox : IDisposable
{
    private readonly ConcurrentQueue<LoopMessage> _queue = new();

    public EventFd Wake { get; } = new();

    public void Post(LoopMessage message)
    {
        _queue.Enqueue(message);
        Wake.Signal();
    }

    public bool TryTake(out LoopMessage message) => _queue.TryDequeue(out message!);

    public void Dispose() => Wake.Dispose();
}
