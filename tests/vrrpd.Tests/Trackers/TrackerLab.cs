using System.Diagnostics;
using Vrrp.Lab;

namespace vrrpd.Tests.Trackers;

/// <summary>
/// Processes a tracker test starts and stops: copies of /bin/sleep under names of the test's
/// own (a process's name is its file name, at most 15 characters), so that no other process
/// on the machine matches. Every one still running is killed on dispose.
/// </summary>
internal sealed class TrackedPrograms(string directory) : IDisposable
{
    private readonly List<Process> _running = [];

    /// <summary>A fresh program name and its path; <paramref name="tag"/> makes it one of several.</summary>
    public string Create(char tag)
    {
        string name = $"trk{Environment.ProcessId % 100000}{tag}";
        File.Copy("/bin/sleep", Path.Combine(directory, name), overwrite: true);
        return name;
    }

    /// <summary>Starts one more process of <paramref name="name"/>.</summary>
    public Process Start(string name)
    {
        Process process = Process.Start(Path.Combine(directory, name), "600");
        _running.Add(process);
        return process;
    }

    /// <summary>Kills every running process of <paramref name="name"/> and waits for them to end.</summary>
    public void Stop(string name)
    {
        foreach (Process p in _running.Where(p => Path.GetFileName(p.StartInfo.FileName) == name).ToList())
        {
            p.Kill();
            p.WaitForExit();
            p.Dispose();
            _running.Remove(p);
        }
    }

    public void Dispose()
    {
        foreach (Process p in _running)
        {
            try
            {
                p.Kill();
                p.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
    }
}

internal static class TrackerWaits
{
    /// <summary>Waits until the instance's effective priority is <paramref name="priority"/>; false at the deadline.</summary>
    public static bool WaitForPriority(this VrrpdProcess daemon, int priority, TimeSpan timeout)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < timeout; Thread.Sleep(50))
        {
            if (daemon.Instance().GetProperty("effective_priority").GetInt32() == priority)
                return true;
        }
        return false;
    }
}
