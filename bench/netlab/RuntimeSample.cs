using System.Text.Json;
using Vrrp.Lab;

namespace Vrrp.Bench.Netlab;

/// <summary>
/// vrrpd's own view of its runtime, from the control socket's <c>runtime</c> request (the
/// "runtime" object of <c>vrrpd status --json</c> alone: a status snapshot of 255 instances
/// allocates megabytes and would cause the collections it is meant to count).
/// </summary>
internal readonly record struct RuntimeSample(long Collections, long AllocatedBytes, long LoopIterations, long TakenAt)
{
    public static RuntimeSample Read(string controlSocket)
    {
        string reply = ControlClient.Request(controlSocket, "runtime", TimeSpan.FromSeconds(5));
        long takenAt = System.Diagnostics.Stopwatch.GetTimestamp();
        using JsonDocument document = JsonDocument.Parse(reply);
        JsonElement runtime = document.RootElement;
        // Every collection counts in generation 0 (a gen 2 GC also in 1 and 2): [0] is the total.
        long collections = runtime.GetProperty("gc_collections")[0].GetInt64();
        return new RuntimeSample(collections, runtime.GetProperty("allocated_bytes").GetInt64(), runtime.GetProperty("loop_iterations").GetInt64(), takenAt);
    }
}

/// <summary>
/// What vrrpd's runtime did over a window: garbage collections (all generations), bytes allocated
/// by the daemon itself (the requests' own cost, a few kB, taken out: it is measured by a request
/// right after another), and event-loop iterations per second (wake-ups).
/// </summary>
internal readonly record struct RuntimeWindow(long Collections, long AllocatedBytes, double WakeupsPerSecond, double Seconds)
{
    /// <summary>
    /// Takes the samples that open a window: one to warm up (a first request allocates more:
    /// one-time initialisation), then two whose difference is one request's cost.
    /// </summary>
    public static (RuntimeSample First, RuntimeSample Second) Open(string controlSocket)
    {
        RuntimeSample.Read(controlSocket);
        return (RuntimeSample.Read(controlSocket), RuntimeSample.Read(controlSocket));
    }

    public static RuntimeWindow Close((RuntimeSample First, RuntimeSample Second) opened, string controlSocket)
    {
        RuntimeSample end = RuntimeSample.Read(controlSocket);
        long requestCost = opened.Second.AllocatedBytes - opened.First.AllocatedBytes;
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(opened.Second.TakenAt, end.TakenAt).TotalSeconds;
        return new RuntimeWindow(
            end.Collections - opened.Second.Collections,
            end.AllocatedBytes - opened.Second.AllocatedBytes - requestCost,
            (end.LoopIterations - opened.Second.LoopIterations) / seconds,
            seconds);
    }
}
