using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vrrp.Core.Router;

namespace Vrrp.Linux.Hosting;

/// <summary>
/// How other threads reach the loop: a <see cref="Mailbox{T}"/> of messages (stop, a tracker's
/// state, an action to run, a status request), each carried out on the loop thread when the
/// mailbox's eventfd wakes it.
/// </summary>
internal sealed class HostInbox(VrrpHost host, ILogger log, RouterSet routers, RouterDriver driver) : IReadyHandler, IDisposable
{
    private readonly Mailbox<Message> _mailbox = new();

    public SafeHandle Handle => _mailbox.Wake.Handle;

    /// <summary>Any thread.</summary>
    public void Post(Message message) => _mailbox.Post(message);

    public void OnReady()
    {
        _mailbox.Wake.Drain();
        while (_mailbox.TryTake(out Message message))
        {
            switch (message)
            {
                case Stop stop:
                    HostLog.StopRequested(log, stop.Reason);
                    host.StopRequested = true;
                    break;
                case Tracker tracker:
                    OnTracker(tracker.Kind, tracker.Name, tracker.Up, 0);
                    break;
                case TrackerValue value:
                    OnTracker(value.Kind, value.Name, null, value.Value);
                    break;
                case Invoke invoke:
                    invoke.Action(host);
                    break;
                case RuntimeRequest request:
                    request.Reply.TrySetResult(StatusView.Runtime(host.Iterations));
                    break;
                case StatusRequest request:
                    try
                    {
                        request.Reply.TrySetResult(host.Snapshot());
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        request.Reply.TrySetException(e);
                    }
                    break;
            }
        }
    }

    // An external tracker changed: every router tracking it by that kind and name hears it
    // (a state for up/down trackers, a value for value trackers; null kind: any kind).
    private void OnTracker(string? kind, string name, bool? up, long value)
    {
        Instant now = EventLoop.Now();
        foreach (HostedRouter r in routers.All)
        {
            bool touched = false;
            for (int i = 0; i < r.Trackers.Length; i++)
            {
                TrackerDefinition t = r.Trackers[i];
                if (!t.IsExternal(kind, name) || (t.Input == TrackerInput.Value) != (up is null))
                    continue;
                if (up is bool state)
                    r.Router.SetTrackerState(now, i, state);
                else
                    r.Router.SetTrackerValue(now, i, value);
                touched = true;
            }
            if (touched)
                driver.Drain(r, now);
        }
    }

    public void Dispose() => _mailbox.Dispose();

    public abstract record Message;
    public sealed record Stop(string Reason) : Message;
    public sealed record Tracker(string? Kind, string Name, bool Up) : Message;
    public sealed record TrackerValue(string? Kind, string Name, long Value) : Message;
    public sealed record Invoke(Action<VrrpHost> Action) : Message;
    public sealed record StatusRequest(TaskCompletionSource<HostStatus> Reply) : Message;
    public sealed record RuntimeRequest(TaskCompletionSource<RuntimeStatus> Reply) : Message;
}
