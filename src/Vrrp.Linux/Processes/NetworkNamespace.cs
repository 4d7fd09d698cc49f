using System.Runtime.ExceptionServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// Runs code inside a named network namespace (<c>ip netns add NAME</c>). A socket belongs to
/// the namespace of the thread that creates it and keeps it for its life, so sockets created
/// inside <see cref="Run{T}"/> can be used afterwards from any thread. Each call uses a fresh
/// OS thread: the caller's thread (a pool thread, say) never changes namespace.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where <c>ip netns</c> keeps its namespaces.</summary>
    public const string Directory = "/var/run/netns";

    /// <summary>Runs <paramref name="action"/> in namespace <paramref name="name"/> and returns its result; its exception is rethrown here.</summary>
    public static T Run<T>(string name, Func<T> action)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(action);
        string path = name.Contains('/', StringComparison.Ordinal) ? name : Path.Combine(Directory, name);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(path);
                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = $"netns {name}",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="action"/> in namespace <paramref name="name"/>.</summary>
    public static void Run(string name, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(name, () =>
        {
            action();
            return true;
        });
    }

    // setns(2) on the calling thread only: CLONE_NEWNET is per thread.
    private static void Enter(string path)
    {
        int fd = Libc.Open(path, Fd.O_RDONLY | Fd.O_CLOEXEC);
        if (fd < 0) LinuxError.Throw($"open {path}");
        try
        {
            if (Libc.SetNs(fd, Fd.CLONE_NEWNET) < 0) LinuxError.Throw($"setns {path}");
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
