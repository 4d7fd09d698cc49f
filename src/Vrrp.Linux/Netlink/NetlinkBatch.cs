using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>Writes one request (add or remove) for <paramref name="item"/> with its sequence number.</summary>
internal delegate void NetlinkRequestWriter<T>(ref NetlinkWriter writer, in T item, bool add, uint sequence);

/// <summary>
/// Sends one request per item in as few system calls as possible: the requests are written
/// into a buffer a chunk at a time and each chunk goes out as one batch whose ACKs are
/// collected together (<see cref="NetlinkSocket.RequestBatch"/>).
/// </summary>
internal static class NetlinkBatch
{
    public static int Run<T>(NetlinkSocket socket, byte[] buffer, int chunkSize, ReadOnlySpan<T> items, Span<int> errnos, bool add, NetlinkRequestWriter<T> write)
    {
        if (errnos.Length < items.Length) throw new ArgumentException("One result slot per item is needed.", nameof(errnos));
        int failures = 0;
        for (int start = 0; start < items.Length; start += chunkSize)
        {
            ReadOnlySpan<T> chunk = items.Slice(start, Math.Min(chunkSize, items.Length - start));
            var writer = new NetlinkWriter(buffer);
            foreach (ref readonly T item in chunk) write(ref writer, item, add, socket.NextSequence());
            failures += socket.RequestBatch(writer.Written, errnos.Slice(start, chunk.Length));
        }
        return failures;
    }

    /// <summary>AF_INET, AF_INET6 or AF_UNSPEC.</summary>
    public static byte FamilyCode(IpFamily family) => family switch
    {
        IpFamily.IPv4 => Sock.AF_INET,
        IpFamily.IPv6 => Sock.AF_INET6,
        _ => Sock.AF_UNSPEC,
    };

    /// <summary>The family of an AF_* code; None for any other.</summary>
    public static IpFamily FamilyOf(byte code) => code switch
    {
        Sock.AF_INET => IpFamily.IPv4,
        Sock.AF_INET6 => IpFamily.IPv6,
        _ => IpFamily.None,
    };

    /// <summary>The all-zero address of a family (<c>default</c>, <c>all</c>).</summary>
    public static IpAddr Any(IpFamily family) => family == IpFamily.IPv6 ? IpAddr.FromV6(0, 0) : IpAddr.FromV4(0);
}
