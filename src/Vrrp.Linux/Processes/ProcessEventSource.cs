using System.Buffers.Binary;
using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>What happened to a process (the events of the kernel's process connector that matter for tracking).</summary>
public enum ProcessEventKind : byte
{
    /// <summary>A process forked: <see cref="ProcessEvent.Pid"/> is the child, <see cref="ProcessEvent.ParentPid"/> the parent.</summary>
    Fork,

    /// <summary>A process replaced its program (execve): its name and command line may have changed.</summary>
    Exec,

    /// <summary>A process changed its name (prctl PR_SET_NAME): <see cref="ProcessEvent.Comm"/>.</summary>
    Comm,

    /// <summary>A process ended.</summary>
    Exit,
}

/// <summary>One process event, of a whole process (thread events are left out).</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Pid">The process (thread group) id; the child for <see cref="ProcessEventKind.Fork"/>.</param>
/// <param name="ParentPid">The forking process for <see cref="ProcessEventKind.Fork"/>, else 0.</param>
/// <param name="Comm">The new name for <see cref="ProcessEventKind.Comm"/>, else null.</param>
public readonly record struct ProcessEvent(ProcessEventKind Kind, int Pid, int ParentPid = 0, string? Comm = null);

/// <summary>
/// The kernel's process events connector (NETLINK_CONNECTOR, group CN_IDX_PROC, subscribed with
/// PROC_CN_MCAST_LISTEN): fork, exec, name change and exit of every process, as keepalived's
/// track_process watches them, so nothing is polled. The socket is non-blocking: register
/// <see cref="Handle"/> with an <see cref="Epoll"/> (or poll it from a thread of its own) and
/// call <see cref="Read"/> when it is readable. When the kernel had to drop events (the
/// receive buffer overflowed), <see cref="Read"/> reports it once so the caller can read
/// <c>/proc</c> again; the buffer is doubled each time, as keepalived does.
/// </summary>
/// <remarks>
/// The kernel sends these events only to sockets in the initial network namespace: from any
/// other, subscribing fails with ECONNREFUSED (keepalived then tracks nothing). Processes do
/// not belong to network namespaces, so <see cref="Open"/> then creates the socket in the
/// network namespace of PID 1 or of one of the caller's ancestors (<c>ip netns exec</c> was
/// run from the initial namespace), the first that has the connector and may be entered
/// (CAP_SYS_ADMIN), and names it in <see cref="BorrowedNamespace"/>.
/// </remarks>
public sealed unsafe class ProcessEventSource : IDisposable
{
    private const int MaxReceiveBuffer = 64 << 20;
    private readonly Socket _socket;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(4096, pinned: true);
    private int _receiveBufferBytes;

    private ProcessEventSource(Socket socket, int receiveBufferBytes, string? borrowed)
    {
        _socket = socket;
        _receiveBufferBytes = receiveBufferBytes;
        BorrowedNamespace = borrowed;
    }

    /// <summary>The socket, to register with <see cref="Epoll"/>.</summary>
    public SafeHandle Handle => _socket.SafeHandle;

    /// <summary>The network namespace the socket was created in when not the caller's (<c>/proc/PID/ns/net</c>; see the remarks), else null.</summary>
    public string? BorrowedNamespace { get; }

    /// <summary>How many times events were lost (the kernel reported ENOBUFS).</summary>
    public long Overruns { get; private set; }

    /// <summary>
    /// Opens the connector and subscribes, in the calling thread's network namespace or else
    /// (ECONNREFUSED: not the initial one) in another when <paramref name="borrowNamespace"/>
    /// (see the remarks). Subscribe before reading <c>/proc</c>, so that no change falls between the two.
    /// </summary>
    /// <exception cref="Win32Exception">
    /// The kernel has no process connector (EPROTONOSUPPORT: CONFIG_PROC_EVENTS off), the caller
    /// lacks the privilege, or no namespace with the connector can be reached (ECONNREFUSED).
    /// </exception>
    public static ProcessEventSource Open(int receiveBufferBytes = 1 << 20, bool borrowNamespace = false)
    {
        int errno = TryOpen(receiveBufferBytes, out Socket? socket);
        if (errno == 0)
            return new ProcessEventSource(socket!, receiveBufferBytes, null);
        if (errno == ConnectionRefused && borrowNamespace)
        {
            foreach (int pid in Candidates())
            {
                string path = $"/proc/{pid}/ns/net";
                Socket? borrowed = null;
                try
                {
                    if (NetworkNamespace.Run(path, () => TryOpen(receiveBufferBytes, out borrowed)) == 0)
                        return new ProcessEventSource(borrowed!, receiveBufferBytes, path);
                }
                catch (Win32Exception)
                {
                    // Not ours to enter (EACCES, EPERM) or gone: try the next.
                }
            }
        }
        throw new Win32Exception(errno, $"process events connector: {Errno.Describe(errno)}");
    }

    private const int ConnectionRefused = 111;

    // PID 1, then the caller's ancestors nearest first.
    private static List<int> Candidates()
    {
        var pids = new List<int> { 1 };
        for (int pid = ProcFs.ParentPid(Environment.ProcessId); pid > 1 && pids.Count < 64; pid = ProcFs.ParentPid(pid))
            pids.Add(pid);
        return pids;
    }

    // Returns 0 with the subscribed socket, or the errno of the step that failed.
    private static int TryOpen(int receiveBufferBytes, out Socket? socket)
    {
        socket = null;
        int fd = Libc.Socket(Sock.AF_NETLINK, Sock.SOCK_DGRAM | Sock.SOCK_CLOEXEC | Sock.SOCK_NONBLOCK, Cn.NETLINK_CONNECTOR);
        if (fd < 0) return LinuxError.Last;
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        // Port 0: the kernel picks a free port id (another netlink socket may hold the pid).
        SockAddrNl local = new() { Family = Sock.AF_NETLINK, Groups = Cn.CN_IDX_PROC };
        int errno = Libc.Bind(handle, &local, (uint)sizeof(SockAddrNl)) < 0 ? LinuxError.Last : 0;
        if (errno == 0)
        {
            PacketSocket.SetReceiveBuffer(handle, receiveBufferBytes);
            errno = SendOperation(handle, Cn.PROC_CN_MCAST_LISTEN);
        }
        if (errno != 0)
        {
            handle.Dispose();
            return errno;
        }
        socket = new Socket(handle) { Blocking = false };
        return 0;
    }

    // nlmsghdr (NLMSG_DONE) + cn_msg {CN_IDX_PROC, CN_VAL_PROC, len 4} + the operation.
    private static int SendOperation(SafeSocketHandle handle, uint operation)
    {
        byte* message = stackalloc byte[Cn.ProcEventOffset + 4];
        var span = new Span<byte>(message, Cn.ProcEventOffset + 4);
        span.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)span.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Nl.NLMSG_DONE);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], Cn.CN_IDX_PROC);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], Cn.CN_VAL_PROC);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[36..], operation);
        return Libc.Send(handle, message, (nuint)span.Length, 0) < 0 ? LinuxError.Last : 0;
    }

    /// <summary>
    /// Reads the events waiting on the socket, without blocking, into <paramref name="events"/>
    /// (until it is full or the socket is empty). <paramref name="overrun"/> is true when events
    /// were lost since the last call: read <c>/proc</c> again.
    /// </summary>
    /// <returns>The number of events written.</returns>
    public int Read(Span<ProcessEvent> events, out bool overrun)
    {
        overrun = false;
        int count = 0;
        SockAddrNl from = default;
        while (count < events.Length)
        {
            nint n;
            fixed (byte* buffer = _buffer)
            {
                IoVec iov = new() { Base = buffer, Length = (nuint)_buffer.Length };
                MsgHdr message = new() { Name = &from, NameLength = (uint)sizeof(SockAddrNl), Iov = &iov, IovLength = 1 };
                n = Libc.RecvMsg((SafeSocketHandle)Handle, &message, 0);
            }
            if (n < 0)
            {
                int errno = LinuxError.Last;
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.EAGAIN) break;
                if (errno != Errno.ENOBUFS) LinuxError.Throw("recvmsg(NETLINK_CONNECTOR)", errno);
                overrun = true;
                Overruns++;
                GrowReceiveBuffer();
                continue;
            }
            // Only the kernel (port 0) speaks for the connector.
            if (from.PortId == 0 && TryParse(_buffer.AsSpan(0, (int)n), out ProcessEvent e))
                events[count++] = e;
        }
        return count;
    }

    private void GrowReceiveBuffer()
    {
        if (_receiveBufferBytes >= MaxReceiveBuffer) return;
        _receiveBufferBytes = Math.Min(MaxReceiveBuffer, Math.Max(_receiveBufferBytes, 64 << 10) * 2);
        PacketSocket.SetReceiveBuffer((SafeSocketHandle)Handle, _receiveBufferBytes);
    }

    /// <summary>Decodes one connector datagram; false for anything but a fork, exec, comm or exit of a whole process.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> datagram, out ProcessEvent e)
    {
        e = default;
        if (datagram.Length < Cn.ProcEventOffset + Cn.ProcEventDataOffset + 8) return false;
        if (BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]) != Nl.NLMSG_DONE) return false;
        ReadOnlySpan<byte> cn = datagram[Cn.NlMsgHdrSize..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(cn) != Cn.CN_IDX_PROC || BinaryPrimitives.ReadUInt32LittleEndian(cn[4..]) != Cn.CN_VAL_PROC) return false;
        ReadOnlySpan<byte> ev = datagram[Cn.ProcEventOffset..];
        uint what = BinaryPrimitives.ReadUInt32LittleEndian(ev);
        ReadOnlySpan<byte> data = ev[Cn.ProcEventDataOffset..];
        switch (what)
        {
            // fork: parent_pid, parent_tgid, child_pid, child_tgid; a new thread has child_pid != child_tgid.
            case Cn.PROC_EVENT_FORK when data.Length >= 16 && Int(data, 2) == Int(data, 3):
                e = new ProcessEvent(ProcessEventKind.Fork, Int(data, 3), Int(data, 1));
                return true;
            // exec, exit, comm: process_pid, process_tgid, ...; only the thread group leader counts.
            case Cn.PROC_EVENT_EXEC when Int(data, 0) == Int(data, 1):
                e = new ProcessEvent(ProcessEventKind.Exec, Int(data, 1));
                return true;
            case Cn.PROC_EVENT_EXIT when Int(data, 0) == Int(data, 1):
                e = new ProcessEvent(ProcessEventKind.Exit, Int(data, 1));
                return true;
            case Cn.PROC_EVENT_COMM when Int(data, 0) == Int(data, 1) && data.Length >= 8 + Cn.CommLength:
                ReadOnlySpan<byte> comm = data.Slice(8, Cn.CommLength);
                int end = comm.IndexOf((byte)0);
                e = new ProcessEvent(ProcessEventKind.Comm, Int(data, 1), Comm: Encoding.UTF8.GetString(end < 0 ? comm : comm[..end]));
                return true;
            default:
                return false;
        }
    }

    private static int Int(ReadOnlySpan<byte> data, int index) => BinaryPrimitives.ReadInt32LittleEndian(data[(index * 4)..]);

    /// <summary>Unsubscribes (best effort) and closes the socket.</summary>
    public void Dispose()
    {
        if (_socket.SafeHandle.IsClosed) return;
        _ = SendOperation(_socket.SafeHandle, Cn.PROC_CN_MCAST_IGNORE);
        _socket.Dispose();
    }
}
