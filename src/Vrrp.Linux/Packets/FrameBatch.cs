using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// Reusable native buffers for a batch of frames: <see cref="PacketSocket.Receive(FrameBatch)"/>
/// fills it with one recvmmsg call, <see cref="PacketSocket.Send(FrameBatch)"/> sends what the
/// caller wrote into it with one sendmmsg call. Allocated once; nothing per frame. One batch can
/// serve every socket of a single-threaded loop.
/// </summary>
public sealed unsafe class FrameBatch : IDisposable
{
    /// <summary>
    /// Room for the largest VRRP frame: Ethernet (14) + IPv6 (40) + VRRP (8) + 255 IPv6
    /// addresses (4080) = 4142 bytes, rounded up.
    /// </summary>
    public const int DefaultFrameCapacity = 4160;

    private readonly byte* _data;
    private readonly IoVec* _iov;
    private readonly MMsgHdr* _headers;
    private readonly int* _lengths;
    private readonly bool* _truncated;
    private bool _disposed;

    /// <summary>Allocates <paramref name="capacity"/> slots of <paramref name="frameCapacity"/> bytes each.</summary>
    public FrameBatch(int capacity = 64, int frameCapacity = DefaultFrameCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCapacity, 64);
        Capacity = capacity;
        FrameCapacity = frameCapacity;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)capacity * (nuint)frameCapacity, 64);
        _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(IoVec));
        _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(MMsgHdr));
        _lengths = (int*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(int));
        _truncated = (bool*)NativeMemory.AllocZeroed((nuint)capacity, sizeof(bool));
        for (int i = 0; i < capacity; i++)
        {
            _iov[i].Base = _data + ((nint)i * frameCapacity);
            _headers[i].Header.Iov = &_iov[i];
            _headers[i].Header.IovLength = 1;
        }
    }

    /// <summary>Number of slots.</summary>
    public int Capacity { get; }

    /// <summary>Size of each slot in bytes; a longer received frame is cut and flagged truncated.</summary>
    public int FrameCapacity { get; }

    /// <summary>Number of frames held: received by the last receive, or appended for sending.</summary>
    public int Count { get; private set; }

    /// <summary>Frame <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return new ReadOnlySpan<byte>(_iov[index].Base, _lengths[index]);
        }
    }

    /// <summary>True if received frame <paramref name="index"/> was longer than <see cref="FrameCapacity"/> and cut.</summary>
    public bool IsTruncated(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _truncated[index];
    }

    /// <summary>Empties the batch (before appending frames to send).</summary>
    public void Clear() => Count = 0;

    /// <summary>The next free slot to write a frame into; follow with <see cref="Commit"/>.</summary>
    /// <exception cref="InvalidOperationException">The batch is full.</exception>
    public Span<byte> NextSlot()
    {
        if (Count == Capacity) throw new InvalidOperationException("The frame batch is full.");
        return new Span<byte>(_iov[Count].Base, FrameCapacity);
    }

    /// <summary>Adds the frame of <paramref name="length"/> bytes written into <see cref="NextSlot"/>.</summary>
    public void Commit(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)FrameCapacity, nameof(length));
        if (Count == Capacity) throw new InvalidOperationException("The frame batch is full.");
        _lengths[Count] = length;
        _truncated[Count] = false;
        Count++;
    }

    // A frame copied into NextSlot from a receive ring.
    internal void CommitReceived(int length, bool truncated)
    {
        _lengths[Count] = length;
        _truncated[Count] = truncated;
        Count++;
    }

    // Receive side: every slot offered at full size.
    internal MMsgHdr* PrepareReceive()
    {
        for (int i = 0; i < Capacity; i++)
        {
            _iov[i].Length = (nuint)FrameCapacity;
            _headers[i].Header.Flags = 0;
            _headers[i].Length = 0;
        }
        Count = 0;
        return _headers;
    }

    internal void CompleteReceive(int received)
    {
        for (int i = 0; i < received; i++)
        {
            uint length = _headers[i].Length;
            _truncated[i] = (_headers[i].Header.Flags & Sock.MSG_TRUNC) != 0 || length > (uint)FrameCapacity;
            _lengths[i] = (int)Math.Min(length, (uint)FrameCapacity);
        }
        Count = received;
    }

    // Send side: each slot offered at the length committed.
    internal MMsgHdr* PrepareSend(int start)
    {
        for (int i = start; i < Count; i++) _iov[i].Length = (nuint)_lengths[i];
        return _headers + start;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.AlignedFree(_data);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
        NativeMemory.Free(_lengths);
        NativeMemory.Free(_truncated);
    }
}
