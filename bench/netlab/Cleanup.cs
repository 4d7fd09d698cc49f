namespace Vrrp.Bench.Netlab;

/// <summary>
/// Everything that must not outlive the bench (daemons, captures, namespaces), undone in
/// reverse order: normally by the scenario's own using blocks, and as a backstop when the
/// process exits some other way (a second Ctrl-C, SIGTERM during cleanup).
/// </summary>
internal static class Cleanup
{
    private static readonly List<IDisposable> s_items = [];

    public static T Register<T>(T item) where T : IDisposable
    {
        lock (s_items) s_items.Add(item);
        return item;
    }

    /// <summary>Disposes <paramref name="item"/> now and forgets it.</summary>
    public static void Release(IDisposable? item)
    {
        if (item is null) return;
        lock (s_items) s_items.Remove(item);
        item.Dispose();
    }

    /// <summary>Disposes everything still registered, newest first; every failure is reported, none stops the rest.</summary>
    public static void All()
    {
        while (true)
        {
            IDisposable item;
            lock (s_items)
            {
                if (s_items.Count == 0) return;
                item = s_items[^1];
                s_items.RemoveAt(s_items.Count - 1);
            }
            try
            {
                item.Dispose();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"cleanup: {e.Message}");
            }
        }
    }
}
