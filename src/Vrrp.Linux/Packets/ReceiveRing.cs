using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// A PACKET_RX_RING (TPACKET_V2) of a packet socket: the kernel writes each accepted frame into
/// the next slot of a ring mapped into our memory, in its receive softirq, and flags the slot
/// ours; we read it there and hand the slot back. No system call per frame or per batch: the
/// socket is polled as before (it is readable while a slot is ours), and the recvmmsg copy and
/// the socket buffer's queueing and freeing of each frame are gone. A full ring drops new frames
/// (counted by PACKET_STATISTICS as before).
/// </summary>
internal sealed unsafe class ReceiveRing : IDisposable
{
    // TPACKET2_HDRLEN plus the room the kernel keeps before the MAC header so the network
    // header lands aligned (linux/if_packet.h, net/packet/af_packet.c tpacket_rcv): frame data
    // starts at offset 66 for Ethernet.
    private const int SlotOverhead = 80;

    private readonly byte* _base;
    private readonly nuint _bytes;
    private readonly int _slotBytes;
    private readonly int _slots;
    private int _next;
    private bool _disposed;

    private ReceiveRing(byte* mapping, nuint bytes, int slotBytes, int slots)
    {
        _base = mapping;
        _bytes = bytes;
        _slotBytes = slotBytes;
        _slots = slots;
    }

    /// <summary>Number of slots.</summary>
    public int Slots => _slots;

    /// <summary>Bytes of each slot.</summary>
    public int SlotBytes => _slotBytes;

    /// <summary>The slot size that holds any frame of an interface with <paramref name="mtu"/> (plus a VLAN tag).</summary>
    public static int SlotBytesFor(int mtu)
    {
        int needed = SlotOverhead + 14 + 4 + Math.Max(mtu, 1500);
        return Math.Max(2048, (needed + 15) & ~15);
    }

    /// <summary>Sets up and maps a ring of at least <paramref name="slots"/> slots of <paramref name="slotBytes"/>.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">PACKET_VERSION, PACKET_RX_RING or mmap failed.</exception>
    public static ReceiveRing Create(SafeSocketHandle socket, int slots, int slotBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotBytes, SlotOverhead + 64);
        slotBytes = (slotBytes + 15) & ~15; // TPACKET_ALIGNMENT
        int page = Environment.SystemPageSize;
        // A slot never spans two blocks; a block is whole pages.
        int blockBytes = (slotBytes + page - 1) / page * page;
        int slotsPerBlock = blockBytes / slotBytes;
        int blocks = (slots + slotsPerBlock - 1) / slotsPerBlock;
        slots = blocks * slotsPerBlock;

        int version = Packet.TPACKET_V2;
        if (Libc.SetSockOpt(socket, Packet.SOL_PACKET, Packet.PACKET_VERSION, &version, sizeof(int)) < 0)
            LinuxError.Throw("setsockopt(PACKET_VERSION)");
        TPacketRequest request = new()
        {
            BlockSize = (uint)blockBytes,
            BlockCount = (uint)blocks,
            FrameSize = (uint)slotBytes,
            FrameCount = (uint)slots,
        };
        if (Libc.SetSockOpt(socket, Packet.SOL_PACKET, Packet.PACKET_RX_RING, &request, (uint)sizeof(TPacketRequest)) < 0)
            LinuxError.Throw("setsockopt(PACKET_RX_RING)");
        nuint bytes = (nuint)blockBytes * (nuint)blocks;
        void* mapping = Libc.Mmap(null, bytes, Mem.PROT_READ | Mem.PROT_WRITE, Mem.MAP_SHARED, socket, 0);
        if (mapping == (void*)-1)
            LinuxError.Throw("mmap(PACKET_RX_RING)");
        return new ReceiveRing((byte*)mapping, bytes, slotBytes, slots);
    }

    /// <summary>
    /// Copies the next frame the kernel filled into <paramref name="destination"/> and hands its
    /// slot back. Returns false when no slot is ours. <paramref name="length"/> is the bytes
    /// copied, <paramref name="truncated"/> whether the frame was longer than the slot or the destination.
    /// </summary>
    public bool TryTake(Span<byte> destination, out int length, out bool truncated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var header = (TPacket2Header*)(_base + ((nint)_next * _slotBytes));
        // Acquire: the frame's bytes are read after the status that says they are written.
        if ((Volatile.Read(ref header->Status) & Packet.TP_STATUS_USER) == 0)
        {
            length = 0;
            truncated = false;
            return false;
        }
        int offset = header->Mac;
        int captured = (int)Math.Min(header->SnapLength, (uint)Math.Max(0, _slotBytes - offset));
        length = Math.Min(captured, destination.Length);
        truncated = header->Length > (uint)length;
        new ReadOnlySpan<byte>((byte*)header + offset, length).CopyTo(destination);
        // Release: the slot goes back only after the copy.
        Volatile.Write(ref header->Status, Packet.TP_STATUS_KERNEL);
        _next = _next + 1 == _slots ? 0 : _next + 1;
        return true;
    }

    public void Dispose()
    {
        Unmap();
        GC.SuppressFinalize(this);
    }

    ~ReceiveRing() => Unmap();

    private void Unmap()
    {
        if (_disposed) return;
        _disposed = true;
        _ = Libc.Munmap(_base, _bytes);
    }
}
