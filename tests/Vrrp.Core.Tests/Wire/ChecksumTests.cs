using FsCheck.Xunit;
using Vrrp.Core.Wire;

namespace Vrrp.Core.Tests.Wire;

public class ChecksumTests
{
    // The straightforward definition: 16-bit network-order words, odd byte padded, end-around carry.
    private static ushort ReferenceSum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8 | (i + 1 < data.Length ? data[i + 1] : 0));
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)sum;
    }

    [Fact]
    public void Rfc1071_example()
    {
        // RFC 1071 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is dd f2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, Checksum.Fold(Checksum.Accumulate(data)));
        Assert.Equal(0x220d, Checksum.Compute(data));
    }

    [Property(MaxTest = 1000)]
    public void Matches_the_reference_sum_for_any_length(byte[] data) =>
        Assert.Equal(ReferenceSum(data), Checksum.Fold(Checksum.Accumulate(data)));

    [Property(MaxTest = 1000)]
    public void Pieces_at_even_offsets_combine_by_addition(byte[] data, byte split)
    {
        int at = Math.Min(data.Length, split) & ~1;
        ulong whole = Checksum.Accumulate(data);
        ulong pieces = Checksum.Accumulate(data.AsSpan(at), Checksum.Accumulate(data.AsSpan(0, at)));
        Assert.Equal(Checksum.Fold(whole), Checksum.Fold(pieces));
    }

    [Property(MaxTest = 1000)]
    public void A_computed_checksum_verifies(byte[] data, uint pseudo)
    {
        byte[] message = [0, 0, .. data];
        ushort checksum = Checksum.Compute(message, pseudo);
        message[0] = (byte)(checksum >> 8);
        message[1] = (byte)checksum;
        Assert.True(Checksum.Verify(message, pseudo));
    }
}
