using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>One classic BPF instruction, laid out as <c>struct sock_filter</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

/// <summary>
/// Classic BPF (linux/filter.h) constants and the socket filter <see cref="PacketSocket"/>
/// attaches: the kernel runs it on every frame of the interface and queues only what it
/// accepts, so the daemon never wakes up for traffic that is not VRRP.
/// </summary>
public static class Bpf
{
#pragma warning disable CA1707 // C names.
    /// <summary>Instruction class: load into A.</summary>
    public const ushort BPF_LD = 0x00;
    /// <summary>Instruction class: jump.</summary>
    public const ushort BPF_JMP = 0x05;
    /// <summary>Instruction class: return.</summary>
    public const ushort BPF_RET = 0x06;
    /// <summary>Size: 32-bit word.</summary>
    public const ushort BPF_W = 0x00;
    /// <summary>Size: 16-bit half word.</summary>
    public const ushort BPF_H = 0x08;
    /// <summary>Size: byte.</summary>
    public const ushort BPF_B = 0x10;
    /// <summary>Mode: absolute offset in the packet.</summary>
    public const ushort BPF_ABS = 0x20;
    /// <summary>Jump: if A == k.</summary>
    public const ushort BPF_JEQ = 0x10;
    /// <summary>Jump: if A &gt; k (unsigned).</summary>
    public const ushort BPF_JGT = 0x20;
    /// <summary>Operand: the constant k.</summary>
    public const ushort BPF_K = 0x00;
    /// <summary>Ancillary data area: loads from <c>SKF_AD_OFF + n</c> read packet metadata.</summary>
    public const int SKF_AD_OFF = -0x1000;
    /// <summary>Ancillary field: the packet type (PACKET_HOST, PACKET_OUTGOING, ...).</summary>
    public const int SKF_AD_PKTTYPE = 4;
#pragma warning restore CA1707

    /// <summary>How many bytes of an accepted frame are kept (more than any VRRP frame).</summary>
    public const uint AcceptLength = 0x40000;

    /// <summary>A non-jump instruction.</summary>
    public static BpfInstruction Statement(ushort code, uint k) => new(code, 0, 0, k);

    /// <summary>A conditional jump: skip <paramref name="jumpTrue"/> or <paramref name="jumpFalse"/> instructions.</summary>
    public static BpfInstruction Jump(ushort code, uint k, byte jumpTrue, byte jumpFalse) => new(code, jumpTrue, jumpFalse, k);

    /// <summary>
    /// The VRRP filter: accepts frames addressed to this host (unicast, broadcast or multicast;
    /// never our own outgoing frames nor other hosts' frames seen in promiscuous mode) that carry
    /// IPv4 with protocol 112 or IPv6 with next header 112 directly after the fixed header.
    /// </summary>
    public static ReadOnlySpan<BpfInstruction> VrrpFilter => VrrpProgram;

    private static readonly BpfInstruction[] VrrpProgram =
    [
        /* 0 */ Statement(BPF_LD | BPF_B | BPF_ABS, unchecked((uint)(SKF_AD_OFF + SKF_AD_PKTTYPE))),
        /* 1 */ Jump(BPF_JMP | BPF_JGT | BPF_K, Packet.PACKET_MULTICAST, 8, 0),   // OTHERHOST, OUTGOING, ... -> 10
        /* 2 */ Statement(BPF_LD | BPF_H | BPF_ABS, 12),                         // EtherType
        /* 3 */ Jump(BPF_JMP | BPF_JEQ | BPF_K, Packet.ETH_P_IP, 0, 2),          // IPv4 -> 4, else -> 6
        /* 4 */ Statement(BPF_LD | BPF_B | BPF_ABS, 14 + 9),                     // IPv4 protocol
        /* 5 */ Jump(BPF_JMP | BPF_JEQ | BPF_K, Ip.IPPROTO_VRRP, 3, 4),          // -> 9 accept, -> 10 drop
        /* 6 */ Jump(BPF_JMP | BPF_JEQ | BPF_K, Packet.ETH_P_IPV6, 0, 3),        // IPv6 -> 7, else -> 10
        /* 7 */ Statement(BPF_LD | BPF_B | BPF_ABS, 14 + 6),                     // IPv6 next header
        /* 8 */ Jump(BPF_JMP | BPF_JEQ | BPF_K, Ip.IPPROTO_VRRP, 0, 1),          // -> 9 accept, -> 10 drop
        /* 9 */ Statement(BPF_RET | BPF_K, AcceptLength),
        /* 10 */ Statement(BPF_RET | BPF_K, 0),
    ];
}
