using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Vrrp.Linux.Tests;

/// <summary>A classic BPF interpreter for the instructions socket filters use, to run programs in tests.</summary>
internal static class BpfInterpreter
{
    public static uint Run(ReadOnlySpan<BpfInstruction> program, ReadOnlySpan<byte> packet, byte packetType)
    {
        uint a = 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            BpfInstruction ins = program[pc];
            int cls = ins.Code & 0x07;
            switch (cls)
            {
                case Bpf.BPF_LD:
                    if ((ins.Code & 0xE0) != Bpf.BPF_ABS) throw new NotSupportedException($"mode {ins.Code:x}");
                    int k = unchecked((int)ins.K);
                    if (k == Bpf.SKF_AD_OFF + Bpf.SKF_AD_PKTTYPE)
                    {
                        a = packetType;
                        break;
                    }
                    int size = (ins.Code & 0x18) switch { Bpf.BPF_B => 1, Bpf.BPF_H => 2, _ => 4 };
                    if (k < 0 || k + size > packet.Length) return 0; // out of bounds: the kernel drops
                    a = size switch
                    {
                        1 => packet[k],
                        2 => (uint)((packet[k] << 8) | packet[k + 1]),
                        _ => (uint)((packet[k] << 24) | (packet[k + 1] << 16) | (packet[k + 2] << 8) | packet[k + 3]),
                    };
                    break;
                case Bpf.BPF_JMP:
                    bool taken = (ins.Code & 0xF0) switch
                    {
                        Bpf.BPF_JEQ => a == ins.K,
                        Bpf.BPF_JGT => a > ins.K,
                        _ => throw new NotSupportedException($"jump {ins.Code:x}"),
                    };
                    pc += taken ? ins.JumpTrue : ins.JumpFalse;
                    break;
                case Bpf.BPF_RET:
                    return ins.K;
                default:
                    throw new NotSupportedException($"class {cls}");
            }
        }
        throw new InvalidOperationException("fell off the end of the program");
    }
}

public class BpfTests
{
    internal static byte[] Frame(ushort etherType, byte protocol, int length = 80)
    {
        var frame = new byte[Math.Max(length, 64)];
        frame[0] = 0x01; frame[1] = 0x00; frame[2] = 0x5e; frame[5] = 0x12;
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        if (etherType == 0x0800) { frame[14] = 0x45; frame[23] = protocol; }
        if (etherType == 0x86DD) { frame[14] = 0x60; frame[20] = protocol; }
        return frame[..length];
    }

    [Theory]
    [InlineData(0x0800, 112, 0, true)]
    [InlineData(0x0800, 112, 1, true)]
    [InlineData(0x0800, 112, 2, true)]
    [InlineData(0x86DD, 112, 2, true)]
    [InlineData(0x86DD, 112, 0, true)]
    [InlineData(0x0800, 112, 4, false)]  // PACKET_OUTGOING: our own frame
    [InlineData(0x0800, 112, 3, false)]  // PACKET_OTHERHOST: seen in promiscuous mode
    [InlineData(0x86DD, 112, 4, false)]
    [InlineData(0x0800, 17, 2, false)]   // UDP
    [InlineData(0x0800, 58, 2, false)]
    [InlineData(0x86DD, 58, 2, false)]   // ICMPv6 (NA)
    [InlineData(0x86DD, 17, 0, false)]
    [InlineData(0x0806, 112, 1, false)]  // ARP, even with 112 where IPv4 has its protocol
    [InlineData(0x8100, 112, 0, false)]  // VLAN-tagged
    public void VrrpFilterAcceptsOnlyVrrpNotOurOwn(int etherType, int protocol, int packetType, bool accepted)
    {
        uint verdict = BpfInterpreter.Run(Bpf.VrrpFilter, Frame((ushort)etherType, (byte)protocol), (byte)packetType);
        Assert.Equal(accepted ? Bpf.AcceptLength : 0u, verdict);
    }

    [Fact]
    public void VrrpFilterDropsFramesTooShortToHoldTheProtocol()
    {
        Assert.Equal(0u, BpfInterpreter.Run(Bpf.VrrpFilter, Frame(0x0800, 112, 23), 0));
        Assert.Equal(0u, BpfInterpreter.Run(Bpf.VrrpFilter, Frame(0x86DD, 112, 20), 0));
        Assert.Equal(0u, BpfInterpreter.Run(Bpf.VrrpFilter, new byte[12], 0));
    }

    [Fact]
    public void EveryJumpLandsInsideTheProgramAndEveryPathReturns()
    {
        ReadOnlySpan<BpfInstruction> program = Bpf.VrrpFilter;
        for (int pc = 0; pc < program.Length; pc++)
        {
            BpfInstruction ins = program[pc];
            if ((ins.Code & 0x07) == Bpf.BPF_JMP)
            {
                Assert.InRange(pc + 1 + ins.JumpTrue, 0, program.Length - 1);
                Assert.InRange(pc + 1 + ins.JumpFalse, 0, program.Length - 1);
            }
        }
        Assert.Equal(Bpf.BPF_RET | Bpf.BPF_K, program[^1].Code);
        Assert.Equal(0u, program[^1].K);
    }

    [Property(MaxTest = 2000)]
    public Property FilterVerdictMatchesTheSpecificationOnRandomFrames()
    {
        Gen<ushort> etherTypes = Gen.Elements<ushort>(0x0800, 0x86DD, 0x0806, 0x8100, 0x88CC).Or(ArbMap.Default.GeneratorFor<ushort>());
        Gen<byte> protocols = Gen.Elements<byte>(112, 17, 6, 58, 1).Or(ArbMap.Default.GeneratorFor<byte>());
        Gen<(ushort, byte, byte, int)> frames =
            from etherType in etherTypes
            from protocol in protocols
            from packetType in Gen.Choose(0, 7)
            from length in Gen.Choose(0, 120)
            select (etherType, protocol, (byte)packetType, length);
        return Prop.ForAll(frames.ToArbitrary(), f =>
        {
            (ushort etherType, byte protocol, byte packetType, int length) = f;
            byte[] frame = Frame(etherType, protocol, length);
            bool vrrp = (etherType == 0x0800 && length > 23 && protocol == 112) || (etherType == 0x86DD && length > 20 && protocol == 112);
            bool expected = packetType <= 2 && vrrp && length >= 14;
            return (BpfInterpreter.Run(Bpf.VrrpFilter, frame, packetType) != 0) == expected;
        });
    }
}
