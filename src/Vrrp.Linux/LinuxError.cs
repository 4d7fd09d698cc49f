using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Vrrp.Linux;

/// <summary>Throw sites for failed system calls, kept out of line so callers stay small.</summary>
internal static class LinuxError
{
    /// <summary>The errno of the last P/Invoke on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    [DoesNotReturn]
    public static void Throw(string operation) => Throw(operation, Last);

    [DoesNotReturn]
    public static void Throw(string operation, int errno) =>
        throw new Win32Exception(errno, $"{operation}: {Errno.Describe(errno)}");

    /// <summary>Throws for a negative return value, the libc convention.</summary>
    public static int Check(int result, string operation)
    {
        if (result < 0) Throw(operation);
        return result;
    }
}
