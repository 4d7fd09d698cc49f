using System.Runtime.InteropServices;

namespace Vrrp.Linux;

#pragma warning disable CA1707 // C names.

/// <summary>The errno values the Linux layer acts on, and their names for messages.</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;
    /// <summary>No such device or address.</summary>
    public const int ENXIO = 6;
    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;
    /// <summary>Resource temporarily unavailable (would block).</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>File exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device.</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No data available.</summary>
    public const int ENODATA = 61;
    /// <summary>Numerical result out of range.</summary>
    public const int ERANGE = 34;
    /// <summary>Message too long.</summary>
    public const int EMSGSIZE = 90;
    /// <summary>Protocol not available.</summary>
    public const int ENOPROTOOPT = 92;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Address family not supported.</summary>
    public const int EAFNOSUPPORT = 97;
    /// <summary>Cannot assign requested address.</summary>
    public const int EADDRNOTAVAIL = 99;
    /// <summary>Network is down.</summary>
    public const int ENETDOWN = 100;
    /// <summary>Network is unreachable.</summary>
    public const int ENETUNREACH = 101;
    /// <summary>No buffer space available (netlink: messages were lost).</summary>
    public const int ENOBUFS = 105;
    /// <summary>Connection timed out.</summary>
    public const int ETIMEDOUT = 110;
    /// <summary>No route to host.</summary>
    public const int EHOSTUNREACH = 113;

    /// <summary>The C name of an errno value ("EEXIST"), or its number.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM", ENOENT => "ENOENT", 3 => "ESRCH", EINTR => "EINTR", 5 => "EIO", ENXIO => "ENXIO",
        EBADF => "EBADF", EAGAIN => "EAGAIN", ENOMEM => "ENOMEM", EACCES => "EACCES", 14 => "EFAULT",
        EBUSY => "EBUSY", EEXIST => "EEXIST", ENODEV => "ENODEV", EINVAL => "EINVAL", 24 => "EMFILE",
        28 => "ENOSPC", ERANGE => "ERANGE", 38 => "ENOSYS", ENODATA => "ENODATA", 71 => "EPROTO", 75 => "EOVERFLOW",
        88 => "ENOTSOCK", EMSGSIZE => "EMSGSIZE", ENOPROTOOPT => "ENOPROTOOPT", 93 => "EPROTONOSUPPORT",
        EOPNOTSUPP => "EOPNOTSUPP", EAFNOSUPPORT => "EAFNOSUPPORT", 98 => "EADDRINUSE",
        EADDRNOTAVAIL => "EADDRNOTAVAIL", ENETDOWN => "ENETDOWN", ENETUNREACH => "ENETUNREACH",
        ENOBUFS => "ENOBUFS", ETIMEDOUT => "ETIMEDOUT", 111 => "ECONNREFUSED", EHOSTUNREACH => "EHOSTUNREACH",
        _ => errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>"File exists (EEXIST)": the system's message with the C name.</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} ({Name(errno)})";
}
