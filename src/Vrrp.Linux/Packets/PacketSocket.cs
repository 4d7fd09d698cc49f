using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Core.Wire;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Counters of one <see cref="PacketSocket"/>, as a snapshot.</summary>
/// <param name="FramesReceived">Frames handed to the caller.</param>
/// <param name="FramesTruncated">Received frames longer than the buffer slot (cut; the caller sees them flagged).</param>
/// <param name="ReceiveErrors">Receive calls that failed with something other than "nothing pending".</param>
/// <param name="FramesSent">Frames the kernel accepted for sending.</param>
/// <param name="SendErrors">Frames the kernel refused (link down, buffer full, ...).</param>
/// <param name="KernelAccepted">Frames the BPF filter accepted, from PACKET_STATISTICS (as of the last <see cref="PacketSocket.RefreshKernelStatistics"/>).</param>
/// <param name="KernelDrops">Accepted frames the kernel dropped because the receive ring or the socket buffer was full (same source).</param>
/// <param name="LastError">errno of the last failed call, 0 if none.</param>
public readonly record struct PacketSocketStatistics(
    long FramesReceived, long FramesTruncated, long ReceiveErrors, long FramesSent, long SendErrors,
    long KernelAccepted, long KernelDrops, int LastError);

/// <summary>Options of <see cref="PacketSocket.Open"/>.</summary>
public sealed class PacketSocketOptions
{
    /// <summary>Join 01:00:5e:00:00:12 (224.0.0.18). Default true.</summary>
    public bool JoinIPv4Group { get; init; } = true;

    /// <summary>Join 33:33:00:00:00:12 (ff02::12). Default true.</summary>
    public bool JoinIPv6Group { get; init; } = true;

    /// <summary>
    /// Slots of the receive ring (PACKET_RX_RING, TPACKET_V2) that replaces the socket buffer;
    /// 0 for no ring (frames queue in the socket buffer and are read with recvmmsg). The default
    /// 256 slots (512 KB, resident) hold 10 ms of 255 routers at 10 ms adverts: an advert of
    /// every router even when the reader is late by more than a Master_Down_Interval.
    /// </summary>
    public int ReceiveRingSlots { get; init; } = 256;

    /// <summary>
    /// Bytes of each ring slot; a longer frame is cut and counted truncated. The default holds
    /// any frame of a 1,500-byte MTU; <see cref="PacketSocket.RingSlotBytesFor"/> gives the size for another MTU.
    /// </summary>
    public int ReceiveRingSlotBytes { get; init; } = 2048;

    /// <summary>
    /// Set up the ring without making <see cref="PacketSocket.Open"/> wait for it. Setting up a
    /// ring waits for an RCU grace period in the kernel (synchronize_net: 12 ms measured here),
    /// which would add to the daemon's startup for every interface. With this, Open returns a
    /// socket that receives through its socket buffer at once; a background thread prepares the
    /// ring on a second socket, and the first receive after it is ready moves to it (the
    /// second socket then also needs watching: <see cref="PacketSocket.RingHandle"/>).
    /// </summary>
    public bool PrepareRingInBackground { get; init; }

    /// <summary>
    /// Receive buffer in bytes without a ring (SO_RCVBUFFORCE, falling back to SO_RCVBUF). The
    /// default holds thousands of adverts, enough for 255 routers at 10 ms through a 100 ms stall of the loop.
    /// </summary>
    public int ReceiveBufferBytes { get; init; } = 4 << 20;

    /// <summary>Attach <see cref="Bpf.VrrpFilter"/>. Only tests turn this off.</summary>
    public bool AttachFilter { get; init; } = true;
}

/// <summary>
/// The VRRP transport of one interface: an AF_PACKET socket bound to its ifindex, non-blocking,
/// with <see cref="Bpf.VrrpFilter"/> running in the kernel, membership of the VRRP multicast MAC
/// addresses, and our own transmitted frames not fed back (PACKET_IGNORE_OUTGOING and the
/// filter's packet-type test). It serves every VRID of the interface: the reader parses each frame
/// (<c>VrrpFrame.TryParse</c>) and finds its router by family and VRID. Whole frames go out as given (adverts, gratuitous ARP,
/// neighbour advertisements built by Vrrp.Core). Frames are received through a PACKET_RX_RING
/// (<see cref="PacketSocketOptions.ReceiveRingSlots"/>), set up at once or in the background.
/// Receive and send never allocate and never throw for network conditions: failures are counted
/// and reported through return values.
/// </summary>
public sealed unsafe class PacketSocket : IDisposable
{
    /// <summary>01:00:5e:00:00:12, the MAC of 224.0.0.18.</summary>
    public static MacAddress VrrpGroupMacV4 { get; } = MacAddress.MulticastFor(IpAddr.VrrpMulticastV4);

    /// <summary>33:33:00:00:00:12, the MAC of ff02::12.</summary>
    public static MacAddress VrrpGroupMacV6 { get; } = MacAddress.MulticastFor(IpAddr.VrrpMulticastV6);

    // Sends; receives too, unless a ring set up in the background took over.
    private readonly SafeSocketHandle _handle;
    private long _received, _truncated, _receiveErrors, _sent, _sendErrors, _kernelAccepted, _kernelDrops;
    private int _lastError;
    // The socket a background ring is prepared on, bound once it is ready.
    private readonly SafeSocketHandle? _ringHandle;
    private ReceiveRing? _ring;
    private ReceiveRing? _preparedRing;
    private bool _drainingSocketBuffer;
    private bool _disposed;
    private readonly Lock _ringLock = new();

    // The filter of the first socket once the ring receives: nothing.
    private static readonly BpfInstruction[] DropAll = [Bpf.Statement(Bpf.BPF_RET | Bpf.BPF_K, 0)];

    private PacketSocket(SafeSocketHandle handle, int ifIndex, ReceiveRing? ring, SafeSocketHandle? ringHandle)
    {
        _handle = handle;
        IfIndex = ifIndex;
        _ring = ring;
        _ringHandle = ringHandle;
    }

    /// <summary>The ring slot size that holds any frame of an interface with <paramref name="mtu"/>.</summary>
    public static int RingSlotBytesFor(int mtu) => ReceiveRing.SlotBytesFor(mtu);

    /// <summary>Whether frames arrive through a receive ring (see <see cref="PacketSocketOptions.ReceiveRingSlots"/>).</summary>
    public bool HasReceiveRing => _ring is not null;

    /// <summary>
    /// With <see cref="PacketSocketOptions.PrepareRingInBackground"/>, the second socket, to
    /// register with <see cref="Epoll"/> beside <see cref="Handle"/> (it is readable only once
    /// the ring receives); otherwise null.
    /// </summary>
    public SafeSocketHandle? RingHandle => _ringHandle;

    /// <summary>Why the background ring could not be set up (the socket buffer goes on receiving); null if it was not.</summary>
    public string? RingSetupError { get; private set; }

    /// <summary>The interface index the socket is bound to.</summary>
    public int IfIndex { get; }

    /// <summary>The socket, to register with <see cref="Epoll"/>.</summary>
    public SafeSocketHandle Handle => _handle;

    /// <summary>The counters so far.</summary>
    public PacketSocketStatistics Statistics =>
        new(_received, _truncated, _receiveErrors, _sent, _sendErrors, _kernelAccepted, _kernelDrops, _lastError);

    /// <summary>
    /// Opens the socket on interface <paramref name="ifIndex"/> in the calling thread's network
    /// namespace (see <see cref="NetworkNamespace"/>).
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">A setup call failed (no such interface, not root, ...).</exception>
    public static PacketSocket Open(int ifIndex, PacketSocketOptions? options = null)
    {
        options ??= new PacketSocketOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(ifIndex, 1);
        bool background = options.PrepareRingInBackground && options.ReceiveRingSlots > 0;
        SafeSocketHandle handle = NewSocket(options.AttachFilter);
        SafeSocketHandle? ringHandle = null;
        ReceiveRing? ring = null;
        try
        {
            // The ring is set up before bind: no frame is queued outside it.
            if (options.ReceiveRingSlots > 0 && !background)
                ring = ReceiveRing.Create(handle, options.ReceiveRingSlots, options.ReceiveRingSlotBytes);
            if (ring is null) SetReceiveBuffer(handle, options.ReceiveBufferBytes);
            int errno = Bind(handle, ifIndex);
            if (errno != 0) LinuxError.Throw($"bind(AF_PACKET, ifindex {ifIndex})", errno);
            // Created here, in the caller's network namespace; bound when its ring is ready.
            if (background) ringHandle = NewSocket(options.AttachFilter);

            var socket = new PacketSocket(handle, ifIndex, ring, ringHandle);
            if (options.JoinIPv4Group) socket.JoinMulticast(VrrpGroupMacV4);
            if (options.JoinIPv6Group) socket.JoinMulticast(VrrpGroupMacV6);
            if (background) socket.StartRingSetup(options.ReceiveRingSlots, options.ReceiveRingSlotBytes);
            return socket;
        }
        catch
        {
            handle.Dispose();
            ringHandle?.Dispose();
            ring?.Dispose();
            throw;
        }
    }

    // Protocol 0 at creation: nothing is queued until bind names a protocol, so no frame gets
    // in before the filter is attached.
    private static SafeSocketHandle NewSocket(bool attachFilter)
    {
        int fd = Libc.Socket(Sock.AF_PACKET, Sock.SOCK_RAW | Sock.SOCK_NONBLOCK | Sock.SOCK_CLOEXEC, 0);
        if (fd < 0) LinuxError.Throw("socket(AF_PACKET)");
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            if (attachFilter) AttachFilter(handle, Bpf.VrrpFilter);
            // Kernel >= 4.20: our transmissions are not even cloned to this socket.
            int one = 1;
            if (Libc.SetSockOpt(handle, Packet.SOL_PACKET, Packet.PACKET_IGNORE_OUTGOING, &one, sizeof(int)) < 0 && LinuxError.Last != Errno.ENOPROTOOPT)
                LinuxError.Throw("setsockopt(PACKET_IGNORE_OUTGOING)");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static int Bind(SafeSocketHandle handle, int ifIndex)
    {
        SockAddrLl address = default;
        address.Family = Sock.AF_PACKET;
        address.Protocol = BinaryPrimitives.ReverseEndianness((ushort)Packet.ETH_P_ALL);
        address.IfIndex = ifIndex;
        return Libc.Bind(handle, &address, (uint)sizeof(SockAddrLl)) < 0 ? LinuxError.Last : 0;
    }

    private void StartRingSetup(int slots, int slotBytes)
    {
        var thread = new Thread(() =>
        {
            try
            {
                ReceiveRing ring = ReceiveRing.Create(_ringHandle!, slots, slotBytes);
                lock (_ringLock)
                {
                    if (_disposed) ring.Dispose();
                    else _preparedRing = ring;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or ObjectDisposedException)
            {
                RingSetupError = e.Message;
            }
        }, maxStackSize: 256 << 10)
        { IsBackground = true, Name = "packet ring setup" };
        thread.Start();
    }

    // On the receiving thread, once the background ring is ready: the first socket stops
    // taking frames, then the ring starts (a frame in between is lost rather than read twice);
    // what the first socket still holds is read before the ring.
    private void ActivateRing()
    {
        ReceiveRing? ring;
        lock (_ringLock)
        {
            ring = _preparedRing;
            _preparedRing = null;
        }
        if (ring is null) return;
        int errno = AttachFilterErrno(_handle, DropAll);
        if (errno == 0) errno = Bind(_ringHandle!, IfIndex);
        if (errno != 0)
        {
            // Stay on the socket buffer, with its filter back.
            _lastError = errno;
            RingSetupError = $"switching to the ring: {Errno.Describe(errno)}";
            _ = AttachFilterErrno(_handle, Bpf.VrrpFilter);
            ring.Dispose();
            return;
        }
        _ring = ring;
        _drainingSocketBuffer = true;
    }

    /// <summary>Adds a link-layer multicast membership (PACKET_ADD_MEMBERSHIP); it shows in <c>ip maddr</c>.</summary>
    public void JoinMulticast(MacAddress mac) => Membership(Packet.PACKET_ADD_MEMBERSHIP, mac);

    /// <summary>Drops a membership added by <see cref="JoinMulticast"/>.</summary>
    public void LeaveMulticast(MacAddress mac) => Membership(Packet.PACKET_DROP_MEMBERSHIP, mac);

    /// <summary>
    /// Receives every pending frame that fits in <paramref name="batch"/>: copied out of the
    /// receive ring, or with one recvmmsg call without one. Returns the number received (also
    /// <see cref="FrameBatch.Count"/>); 0 when nothing is pending or the call failed (counted in
    /// <see cref="Statistics"/>).
    /// </summary>
    public int Receive(FrameBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_ring is null && Volatile.Read(ref _preparedRing) is not null) ActivateRing();
        if (_ring is not null && !_drainingSocketBuffer) return ReceiveFromRing(batch);
        int n = ReceiveFromSocket(batch);
        if (n > 0 || !_drainingSocketBuffer) return n;
        _drainingSocketBuffer = false;
        return ReceiveFromRing(batch);
    }

    private int ReceiveFromSocket(FrameBatch batch)
    {
        MMsgHdr* headers = batch.PrepareReceive();
        int n = Libc.RecvMMsg(_handle, headers, (uint)batch.Capacity, Sock.MSG_DONTWAIT, null);
        if (n <= 0)
        {
            if (n < 0) ReceiveFailed(LinuxError.Last);
            return 0;
        }
        batch.CompleteReceive(n);
        _received += n;
        for (int i = 0; i < n; i++)
            if (batch.IsTruncated(i)) _truncated++;
        return n;
    }

    /// <summary>
    /// Receives one frame into <paramref name="buffer"/>. Returns its length (the frame is cut
    /// to the buffer if longer, and counted as truncated), or 0 when nothing is pending or the
    /// call failed (counted).
    /// </summary>
    public int Receive(Span<byte> buffer)
    {
        if (_ring is null && Volatile.Read(ref _preparedRing) is not null) ActivateRing();
        if (_ring is not null && !_drainingSocketBuffer)
        {
            if (!_ring.TryTake(buffer, out int length, out bool cut)) return 0;
            _received++;
            if (cut) _truncated++;
            return length;
        }
        nint n;
        fixed (byte* p = buffer)
            n = Libc.Recv(_handle, p, (nuint)buffer.Length, Sock.MSG_DONTWAIT | Sock.MSG_TRUNC);
        if (n < 0)
        {
            ReceiveFailed(LinuxError.Last);
            if (!_drainingSocketBuffer) return 0;
            _drainingSocketBuffer = false;
            return Receive(buffer);
        }
        _received++;
        if (n > buffer.Length)
        {
            _truncated++;
            return buffer.Length;
        }
        return (int)n;
    }

    /// <summary>
    /// Sends one whole Ethernet frame out of the interface. Returns 0 on success, else the
    /// errno (ENETDOWN when the link is down, EAGAIN when the send buffer is full, ...), counted.
    /// </summary>
    public int Send(ReadOnlySpan<byte> frame)
    {
        nint n;
        fixed (byte* p = frame)
            n = Libc.Send(_handle, p, (nuint)frame.Length, Sock.MSG_DONTWAIT);
        if (n < 0) return SendFailed(LinuxError.Last, 1);
        _sent++;
        return 0;
    }

    /// <summary>
    /// Sends the frames appended to <paramref name="batch"/> with sendmmsg. Returns the number
    /// the kernel accepted; the rest (after the first refused) are counted as send errors.
    /// </summary>
    public int Send(FrameBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int total = batch.Count, done = 0;
        while (done < total)
        {
            int n = Libc.SendMMsg(_handle, batch.PrepareSend(done), (uint)(total - done), Sock.MSG_DONTWAIT);
            if (n <= 0)
            {
                SendFailed(n < 0 ? LinuxError.Last : Errno.EAGAIN, total - done);
                break;
            }
            done += n;
            _sent += n;
        }
        return done;
    }

    /// <summary>
    /// Reads PACKET_STATISTICS (which the kernel resets on each read) into the cumulative
    /// <see cref="PacketSocketStatistics.KernelAccepted"/> and <see cref="PacketSocketStatistics.KernelDrops"/>.
    /// </summary>
    public void RefreshKernelStatistics()
    {
        AddKernelStatistics(_handle);
        if (_ringHandle is not null) AddKernelStatistics(_ringHandle);
    }

    private void AddKernelStatistics(SafeSocketHandle handle)
    {
        TPacketStats stats;
        uint length = (uint)sizeof(TPacketStats);
        if (Libc.GetSockOpt(handle, Packet.SOL_PACKET, Packet.PACKET_STATISTICS, &stats, &length) < 0)
        {
            _lastError = LinuxError.Last;
            return;
        }
        _kernelAccepted += stats.Packets;
        _kernelDrops += stats.Drops;
    }

    private int ReceiveFromRing(FrameBatch batch)
    {
        batch.Clear();
        while (batch.Count < batch.Capacity)
        {
            if (!_ring!.TryTake(batch.NextSlot(), out int length, out bool cut)) break;
            batch.CommitReceived(length, cut);
            _received++;
            if (cut) _truncated++;
        }
        return batch.Count;
    }

    private void ReceiveFailed(int errno)
    {
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) return;
        _receiveErrors++;
        _lastError = errno;
    }

    private int SendFailed(int errno, int frames)
    {
        _sendErrors += frames;
        _lastError = errno;
        return errno;
    }

    private void Membership(int option, MacAddress mac)
    {
        Membership(_handle, option, mac);
        if (_ringHandle is not null) Membership(_ringHandle, option, mac);
    }

    private void Membership(SafeSocketHandle handle, int option, MacAddress mac)
    {
        PacketMreq request = default;
        request.IfIndex = IfIndex;
        request.Type = Packet.PACKET_MR_MULTICAST;
        request.AddressLength = 6;
        mac.WriteTo(new Span<byte>(request.Address, 8));
        if (Libc.SetSockOpt(handle, Packet.SOL_PACKET, option, &request, (uint)sizeof(PacketMreq)) < 0)
            LinuxError.Throw(option == Packet.PACKET_ADD_MEMBERSHIP ? "PACKET_ADD_MEMBERSHIP" : "PACKET_DROP_MEMBERSHIP");
    }

    internal static void AttachFilter(SafeSocketHandle handle, ReadOnlySpan<BpfInstruction> program)
    {
        int errno = AttachFilterErrno(handle, program);
        if (errno != 0) LinuxError.Throw("setsockopt(SO_ATTACH_FILTER)", errno);
    }

    private static int AttachFilterErrno(SafeSocketHandle handle, ReadOnlySpan<BpfInstruction> program)
    {
        fixed (BpfInstruction* instructions = program)
        {
            SockFProg prog = new() { Length = (ushort)program.Length, Filter = instructions };
            return Libc.SetSockOpt(handle, Sock.SOL_SOCKET, Sock.SO_ATTACH_FILTER, &prog, (uint)sizeof(SockFProg)) < 0 ? LinuxError.Last : 0;
        }
    }

    internal static void SetReceiveBuffer(SafeSocketHandle handle, int bytes)
    {
        if (bytes <= 0) return;
        // FORCE passes net.core.rmem_max (we run as root); plain SO_RCVBUF is capped by it.
        if (Libc.SetSockOpt(handle, Sock.SOL_SOCKET, Sock.SO_RCVBUFFORCE, &bytes, sizeof(int)) < 0)
            _ = Libc.SetSockOpt(handle, Sock.SOL_SOCKET, Sock.SO_RCVBUF, &bytes, sizeof(int));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_ringLock)
        {
            _disposed = true;
            _preparedRing?.Dispose();
            _preparedRing = null;
        }
        _handle.Dispose();
        _ringHandle?.Dispose();
        _ring?.Dispose();
    }
}
