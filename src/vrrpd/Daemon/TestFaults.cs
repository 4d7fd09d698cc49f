using System.Runtime.CompilerServices;
using Vrrp.Linux.Hosting;

namespace Vrrpd.Daemon;

/// <summary>
/// A test hook, off unless the daemon was started with VRRPD_TEST_FAULTS=1 in its environment
/// (read once, at startup): the control request <c>test-fault KIND</c> throws an exception
/// nothing catches, so that the tests can see the last-chance path (<see cref="LastChance"/>)
/// release the addresses. KIND: <c>thread</c> (a thread of its own), <c>pool</c> (a thread-pool
/// work item), <c>task</c> (a faulted task nobody observes, then collected), <c>loop</c> (an
/// OutOfMemoryException on the event loop's thread, which the loop does not catch).
/// Not documented for users; without the variable the request is unknown.
/// </summary>
internal static class TestFaults
{
    private const string Prefix = "test-fault ";
    private static readonly bool s_enabled = Environment.GetEnvironmentVariable("VRRPD_TEST_FAULTS") == "1";

    /// <summary>Read the variable now (at startup), not at the first request.</summary>
    public static bool Enabled => s_enabled;

    public static byte[]? TryAnswer(string? request, VrrpHost host)
    {
        if (!s_enabled || request is null || !request.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        switch (request[Prefix.Length..].Trim())
        {
            case "thread":
                new Thread(() => throw new InvalidOperationException("test fault on a thread")) { Name = "test-fault" }.Start();
                break;
            case "pool":
                ThreadPool.UnsafeQueueUserWorkItem(_ => throw new InvalidOperationException("test fault in a thread-pool work item"), null);
                break;
            case "task":
                new Thread(CollectUnobservedTask) { Name = "test-fault-task" }.Start();
                break;
            case "loop":
                host.Post(_ => throw new OutOfMemoryException("test fault in the event loop"));
                break;
            default:
                return "error: test-fault thread|pool|task|loop\n"u8.ToArray();
        }
        return "ok\n"u8.ToArray();
    }

    private static void CollectUnobservedTask()
    {
        FaultedTask();
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FaultedTask()
    {
        Task task = Task.Run(() => throw new InvalidOperationException("test fault in a task nobody observes"));
        // IsCompleted does not observe the exception; Wait() or Exception would.
        SpinWait.SpinUntil(() => task.IsCompleted);
    }
}
