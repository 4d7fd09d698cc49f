using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>Called for each message of a dump.</summary>
public delegate void NetlinkMessageHandler(in NetlinkMessage message);

/// <summary>
/// A NETLINK_ROUTE socket: created with <c>socket()</c> and bound with <c>bind()</c> (P/Invoke); the descriptor goes into a
/// <see cref="SafeSocketHandle"/> and a managed <see cref="System.Net.Sockets.Socket"/> does the
/// sending and receiving. Requests carry sequence numbers and wait for their ACK; a batch of
/// requests goes out in one send and its ACKs are collected together. Not thread-safe: one
/// owner (the event loop) uses it.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    /// <summary>How long a request waits for its ACK before failing with ETIMEDOUT.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    // Largest batch in one send: its ACKs must fit in the receive buffer.
    private const int MaxBatchMessages = 128;

    private readonly Socket _socket;
    private readonly byte[] _receive = GC.AllocateUninitializedArray<byte>(64 * 1024, pinned: true);
    private readonly uint[] _pendingSequences = new uint[MaxBatchMessages];
    private uint _sequence;

    private NetlinkSocket(Socket socket, uint portId)
    {
        _socket = socket;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>
    /// The port id the kernel gave the socket: notifications of changes this socket requested
    /// carry it in <c>nlmsg_pid</c>, so a monitor can tell them from changes made by others.
    /// </summary>
    public uint PortId { get; }

    /// <summary>The managed socket.</summary>
    public Socket Socket => _socket;

    /// <summary>The descriptor, to register with <see cref="Epoll"/> (monitor sockets).</summary>
    public SafeSocketHandle Handle => _socket.SafeHandle;

    /// <summary>The kernel's extended-ACK message for the last failed request, if it gave one.</summary>
    public string? LastKernelMessage { get; private set; }

    /// <summary>
    /// Opens a NETLINK_ROUTE socket in the calling thread's network namespace, subscribed to
    /// the given RTNLGRP_* groups (none for a request socket).
    /// </summary>
    public static NetlinkSocket Open(ReadOnlySpan<int> groups = default, int receiveBufferBytes = 1 << 20, bool blocking = true)
    {
        int fd = Libc.Socket(Sock.AF_NETLINK, Sock.SOCK_RAW | Sock.SOCK_CLOEXEC, Nl.NETLINK_ROUTE);
        if (fd < 0) LinuxError.Throw("socket(AF_NETLINK)");
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        Socket socket;
        try
        {
            socket = new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        try
        {
            PacketSocket.SetReceiveBuffer(handle, receiveBufferBytes);
            // Error ACKs carry only the header of the failed request, plus the kernel's reason.
            SetOption(handle, Nl.NETLINK_CAP_ACK, 1);
            SetOption(handle, Nl.NETLINK_EXT_ACK, 1);
            // Bind for a port id: an unbound socket (port 0) is skipped by kernel broadcasts.
            SockAddrNl local = new() { Family = Sock.AF_NETLINK };
            if (Libc.Bind(handle, &local, (uint)sizeof(SockAddrNl)) < 0) LinuxError.Throw("bind(AF_NETLINK)");
            uint length = (uint)sizeof(SockAddrNl);
            if (Libc.GetSockName(handle, &local, &length) < 0) LinuxError.Throw("getsockname(AF_NETLINK)");
            foreach (int group in groups) SetOption(handle, Nl.NETLINK_ADD_MEMBERSHIP, group);
            socket.Blocking = blocking;
            if (blocking) socket.ReceiveTimeout = (int)ReplyTimeout.TotalMilliseconds;
            return new NetlinkSocket(socket, local.PortId);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void SetOption(SafeSocketHandle handle, int option, int value)
    {
        if (Libc.SetSockOpt(handle, Nl.SOL_NETLINK, option, &value, sizeof(int)) < 0) LinuxError.Throw($"setsockopt(SOL_NETLINK, {option})");
    }

    /// <summary>Subscribes to (or, with <paramref name="join"/> false, leaves) a multicast group (RTNLGRP_*).</summary>
    public void SetMembership(int group, bool join) =>
        SetOption(_socket.SafeHandle, join ? Nl.NETLINK_ADD_MEMBERSHIP : Nl.NETLINK_DROP_MEMBERSHIP, group);

    /// <summary>A fresh sequence number for a request.</summary>
    public uint NextSequence() => ++_sequence == 0 ? ++_sequence : _sequence;

    /// <summary>
    /// Sends one request (which must ask for an ACK, NLM_F_ACK) and waits for its ACK. Returns 0
    /// or the positive errno the kernel answered; <see cref="LastKernelMessage"/> then holds its
    /// explanation if any.
    /// </summary>
    public int Request(ReadOnlySpan<byte> message)
    {
        Span<int> result = stackalloc int[1];
        RequestBatch(message, result);
        return result[0];
    }

    /// <summary>
    /// Sends several requests (each with NLM_F_ACK and its own sequence number) in as few
    /// sends as possible and collects their ACKs: <paramref name="errnos"/>[i] gets 0 or the
    /// errno of message i. Returns the number of failed messages.
    /// </summary>
    /// <exception cref="NetlinkException">No ACK came in time, or the socket failed.</exception>
    public int RequestBatch(ReadOnlySpan<byte> messages, Span<int> errnos)
    {
        LastKernelMessage = null;
        int failures = 0, index = 0, offset = 0;
        while (offset < messages.Length)
        {
            // Up to MaxBatchMessages whole messages per send, so their ACKs fit the receive buffer.
            int chunkStart = offset, count = 0;
            while (count < MaxBatchMessages && offset < messages.Length)
            {
                ReadOnlySpan<byte> rest = messages[offset..];
                uint length = rest.Length >= 16 ? MemoryMarshal.Read<uint>(rest) : 0;
                if (length < 16 || length > rest.Length) throw new ArgumentException("The request buffer does not hold whole netlink messages.", nameof(messages));
                if (index + count >= errnos.Length) throw new ArgumentException("One result slot per message is needed.", nameof(errnos));
                _pendingSequences[count++] = MemoryMarshal.Read<uint>(rest[8..]);
                offset = Math.Min(messages.Length, offset + NetlinkWriter.Align((int)length));
            }
            Send(messages[chunkStart..offset], _pendingSequences[0]);
            failures += CollectAcks(_pendingSequences.AsSpan(0, count), errnos.Slice(index, count));
            index += count;
        }
        return failures;
    }

    /// <summary>Sends a dump request (NLM_F_DUMP) and calls <paramref name="handler"/> for each answer until NLMSG_DONE.</summary>
    /// <exception cref="NetlinkException">The kernel refused the dump, or it timed out.</exception>
    public void Dump(ReadOnlySpan<byte> request, NetlinkMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var first = new NetlinkMessageReader(request);
        if (!first.TryRead(out NetlinkMessage req)) throw new ArgumentException("Empty dump request.", nameof(request));
        uint sequence = req.Sequence;
        ushort type = req.Type;
        Send(request, sequence);
        while (true)
        {
            int n = ReceiveDatagram(type);
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, n));
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Sequence != sequence) continue;
                if (message.Type == Nl.NLMSG_DONE) return;
                if (message.Type == Nl.NLMSG_ERROR)
                {
                    int errno = ReadError(message, out string? text);
                    if (errno != 0) throw new NetlinkException(RtnlNames.Of(type), "dump", errno, text);
                    continue;
                }
                handler(message);
            }
        }
    }

    /// <summary>
    /// Sends a single get request (RTM_GETLINK by name, say) and calls <paramref name="handler"/>
    /// with the answer. Returns 0, or the errno the kernel answered instead (ENODEV, ...).
    /// </summary>
    public int Get(ReadOnlySpan<byte> request, NetlinkMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var first = new NetlinkMessageReader(request);
        if (!first.TryRead(out NetlinkMessage req)) throw new ArgumentException("Empty request.", nameof(request));
        uint sequence = req.Sequence;
        ushort type = req.Type;
        LastKernelMessage = null;
        Send(request, sequence);
        while (true)
        {
            int n = ReceiveDatagram(type);
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, n));
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Sequence != sequence) continue;
                if (message.Type == Nl.NLMSG_ERROR)
                {
                    int errno = ReadError(message, out string? text);
                    LastKernelMessage = text;
                    if (errno != 0) return errno;
                    continue;
                }
                handler(message);
                return 0;
            }
        }
    }

    /// <summary>
    /// Receives one datagram without waiting (monitor sockets opened non-blocking). Returns its
    /// length, 0 if none is pending, or -errno (notably -ENOBUFS: the kernel dropped
    /// notifications because the buffer was full).
    /// </summary>
    public int TryReceive(out ReadOnlySpan<byte> datagram)
    {
        int n = _socket.Receive(_receive, SocketFlags.None, out SocketError error);
        if (error == SocketError.Success)
        {
            datagram = _receive.AsSpan(0, n);
            return n;
        }
        datagram = default;
        if (error is SocketError.WouldBlock or SocketError.Interrupted) return 0;
        return -ErrnoOf(error);
    }

    private void Send(ReadOnlySpan<byte> bytes, uint sequence)
    {
        _socket.Send(bytes, SocketFlags.None, out SocketError error);
        if (error != SocketError.Success)
            throw new NetlinkException("netlink send", $"seq {sequence}", ErrnoOf(error));
    }

    private int CollectAcks(ReadOnlySpan<uint> sequences, Span<int> errnos)
    {
        int outstanding = sequences.Length, failures = 0;
        Span<bool> done = stackalloc bool[sequences.Length];
        while (outstanding > 0)
        {
            int n = ReceiveDatagram(0);
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, n));
            while (reader.TryRead(out NetlinkMessage message))
            {
                if (message.Type != Nl.NLMSG_ERROR) continue;
                int i = sequences.IndexOf(message.Sequence);
                if (i < 0 || done[i]) continue;
                done[i] = true;
                outstanding--;
                errnos[i] = ReadError(message, out string? text);
                if (errnos[i] != 0)
                {
                    failures++;
                    LastKernelMessage = text ?? LastKernelMessage;
                }
            }
        }
        return failures;
    }

    private int ReceiveDatagram(ushort type)
    {
        int n = _socket.Receive(_receive, SocketFlags.None, out SocketError error);
        if (error == SocketError.Success) return n;
        int errno = error is SocketError.WouldBlock or SocketError.TimedOut ? Errno.ETIMEDOUT : ErrnoOf(error);
        throw new NetlinkException(type == 0 ? "netlink ACK" : RtnlNames.Of(type), "reply", errno);
    }

    // struct nlmsgerr: int error; struct nlmsghdr msg (capped: header only); then NLMSGERR_ATTR_* TLVs.
    private static int ReadError(in NetlinkMessage message, out string? kernelMessage)
    {
        kernelMessage = null;
        if (message.Payload.Length < 4) return Errno.EINVAL;
        int error = -MemoryMarshal.Read<int>(message.Payload);
        if (error != 0 && (message.Flags & Nl.NLM_F_ACK_TLVS) != 0 && message.Payload.Length > 20)
        {
            var attributes = new NetlinkAttributeReader(message.Payload[20..]);
            while (attributes.TryRead(out NetlinkAttribute attribute))
                if (attribute.Type == Nl.NLMSGERR_ATTR_MSG) kernelMessage = attribute.AsString();
        }
        return error;
    }

    internal static int ErrnoOf(SocketError error) => error switch
    {
        SocketError.NoBufferSpaceAvailable => Errno.ENOBUFS,
        SocketError.WouldBlock => Errno.EAGAIN,
        SocketError.TimedOut => Errno.ETIMEDOUT,
        SocketError.AccessDenied => Errno.EACCES,
        SocketError.InvalidArgument => Errno.EINVAL,
        SocketError.MessageSize => Errno.EMSGSIZE,
        SocketError.Interrupted => Errno.EINTR,
        _ => Marshal.GetLastPInvokeError() is int e and > 0 ? e : Errno.EINVAL,
    };

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
