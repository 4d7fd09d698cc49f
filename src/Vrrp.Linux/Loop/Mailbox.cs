using System.Collections.Concurrent;

namespace Vrrp.Linux;

/// <summary>
/// An event loop's inbox for other threads: a concurrent queue and the <see cref="EventFd"/>
/// that wakes the loop's epoll. Any thread posts; only the loop takes.
/// </summary>
internal sealed class Mailbox<T> : IDisposable
{
    private readonly ConcurrentQueue<T> _queue = new();

    public EventFd Wake { get; } = new();

    public void Post(T message)
    {
        _queue.Enqueue(message);
        Wake.Signal();
    }

    public bool TryTake(out T message) => _queue.TryDequeue(out message!);

    public void Dispose() => Wake.Dispose();
}
