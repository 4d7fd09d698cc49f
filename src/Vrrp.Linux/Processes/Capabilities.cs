using System.ComponentModel;
using System.Globalization;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Capability numbers (capabilities(7)) vrrpd and its scripts may need.</summary>
public enum Capability
{
    /// <summary>Change file owners (a notify FIFO given to a user).</summary>
    Chown = 0,
    /// <summary>Read and search directories regardless of their mode (the script security check).</summary>
    DacReadSearch = 2,
    /// <summary>Signal processes of other users (scripts run as their own user).</summary>
    Kill = 5,
    /// <summary>Change group ids (starting a script as its user).</summary>
    SetGid = 6,
    /// <summary>Change user ids (starting a script as its user).</summary>
    SetUid = 7,
    /// <summary>Configure interfaces, addresses, routes, nftables, socket marks.</summary>
    NetAdmin = 12,
    /// <summary>Open packet and raw sockets.</summary>
    NetRaw = 13,
    /// <summary>Open another process's /proc entries (its namespaces) though it holds more capabilities.</summary>
    SysPtrace = 19,
    /// <summary>Enter another namespace (setns), among much else.</summary>
    SysAdmin = 21,
}

/// <summary>
/// The process's capabilities: what it holds, and giving up all but a few for good (bounding,
/// effective, permitted, inheritable and ambient sets) on every thread it has.
/// </summary>
public static unsafe class Capabilities
{
    /// <summary>The capabilities in a set, as a mask of bits numbered by <see cref="Capability"/>.</summary>
    public static ulong Mask(params ReadOnlySpan<Capability> capabilities)
    {
        ulong mask = 0;
        foreach (Capability c in capabilities)
            mask |= 1UL << (int)c;
        return mask;
    }

    /// <summary>The highest capability number this kernel knows.</summary>
    public static int LastCapability =>
        int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), CultureInfo.InvariantCulture);

    /// <summary>Every capability this kernel knows.</summary>
    public static ulong All => LastCapability >= 63 ? ulong.MaxValue : (1UL << (LastCapability + 1)) - 1;

    /// <summary>A set of one thread as /proc shows it (CapEff, CapPrm, CapBnd, CapInh, CapAmb).</summary>
    public static ulong Read(string field, int? thread = null)
    {
        string path = thread is int tid ? $"/proc/self/task/{tid}/status" : "/proc/self/status";
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(field.Length + 1).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"{path} has no {field} line");
    }

    /// <summary>
    /// Keeps only <paramref name="keep"/> in every set of every thread of the process, for good:
    /// what is dropped cannot come back, and children started later get at most these.
    /// </summary>
    /// <exception cref="Win32Exception">A system call failed.</exception>
    /// <exception cref="InvalidOperationException">A thread still holds more afterwards.</exception>
    public static void RestrictTo(ulong keep)
    {
        int last = LastCapability;
        RestrictThread(keep, last);
        // Capabilities belong to threads. NativeAOT starts its finalizer thread before Main, so
        // it gets the same treatment by running a finalizer; threads made later inherit them.
        Exception? failure = null;
        RunFinalizer(() =>
        {
            try
            {
                RestrictThread(keep, last);
            }
            catch (Win32Exception e)
            {
                failure = e;
            }
        });
        if (failure is not null)
            throw failure;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            foreach (string set in (string[])["CapEff", "CapPrm", "CapBnd", "CapInh"])
            {
                ulong held = Read(set, tid);
                if ((held & ~keep) != 0)
                    throw new InvalidOperationException($"thread {tid} still holds {set} {held:x16}");
            }
        }
    }

    private static void RestrictThread(ulong keep, int last)
    {
        for (int cap = 0; cap <= last; cap++)
        {
            if ((keep & (1UL << cap)) == 0 && Libc.Prctl(Libc.PR_CAPBSET_READ, (nuint)cap, 0, 0, 0) == 1
                && Libc.Prctl(Libc.PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) != 0)
                throw new Win32Exception(LinuxError.Last, $"prctl(PR_CAPBSET_DROP, {cap})");
        }
        Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        Libc.CapHeader header = new() { Version = Libc.LinuxCapabilityVersion3 };
        Libc.CapData* data = stackalloc Libc.CapData[2];
        if (Libc.CapGet(&header, data) != 0)
            throw new Win32Exception(LinuxError.Last, "capget");
        for (int i = 0; i < 2; i++)
        {
            uint mask = (uint)(keep >> (32 * i));
            data[i].Effective &= mask;
            data[i].Permitted &= mask;
            data[i].Inheritable = 0;
        }
        if (Libc.CapSet(&header, data) != 0)
            throw new Win32Exception(LinuxError.Last, "capset");
    }

    private static void RunFinalizer(Action action)
    {
        Create(action);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        static void Create(Action action) => _ = new FinalizerAction(action);
    }

    private sealed class FinalizerAction(Action action)
    {
        ~FinalizerAction() => action();
    }
}
