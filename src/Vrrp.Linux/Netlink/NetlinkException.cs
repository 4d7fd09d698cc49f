namespace Vrrp.Linux.Netlink;

/// <summary>
/// The kernel refused a netlink request. The message names the operation, what it was about
/// and the errno, e.g. "RTM_NEWADDR 192.168.1.4/32 dev eth0: File exists (EEXIST)", followed
/// by the kernel's own explanation when it gave one (extended ACK).
/// </summary>
public sealed class NetlinkException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NetlinkException(string operation, string? subject, int errno, string? kernelMessage = null)
        : base(Format(operation, subject, errno, kernelMessage))
    {
        Operation = operation;
        Subject = subject;
        Errno = errno;
        KernelMessage = kernelMessage;
    }

    /// <summary>The request type, e.g. "RTM_NEWADDR".</summary>
    public string Operation { get; }

    /// <summary>What the request was about, e.g. "192.168.1.4/32 dev eth0".</summary>
    public string? Subject { get; }

    /// <summary>The positive errno (<see cref="Linux.Errno"/>).</summary>
    public int Errno { get; }

    /// <summary>The kernel's extended-ACK message, if any.</summary>
    public string? KernelMessage { get; }

    private static string Format(string operation, string? subject, int errno, string? kernelMessage)
    {
        string head = subject is null ? operation : $"{operation} {subject}";
        string text = $"{head}: {Linux.Errno.Describe(errno)}";
        return kernelMessage is null ? text : $"{text}: {kernelMessage}";
    }
}
