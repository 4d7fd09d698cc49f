using System.Text;
using Vrrpd.Trackers;

namespace vrrpd.Tests.Trackers;

/// <summary>A tracked file's number as keepalived reads it: strtol(buf, NULL, 0) over at most 127 bytes, then its range check.</summary>
public sealed class TrackFileValueTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vrrpd-trackfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("5\n", 5L)]
    [InlineData("  -42 apples", -42L)]
    [InlineData(" 12abc", 12L)]
    [InlineData("0x10", 16L)]
    [InlineData("-0X1f\n", -31L)]
    [InlineData("010", 8L)]
    [InlineData("09", 0L)]          // octal stops at 9
    [InlineData("0x", 0L)]
    [InlineData("3.9", 3L)]
    [InlineData("+7", 7L)]
    [InlineData("abc", 0L)]
    [InlineData("", 0L)]
    [InlineData("2147483648", 2147483648L)]    // keepalived allows INT32_MAX + 1
    [InlineData("-2147483648", -2147483648L)]
    public void Values(string text, long value) =>
        Assert.Equal(new TrackFileValue.Reading(value, null), TrackFileValue.Parse(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData("2147483649", "2147483649")]
    [InlineData("-2147483649", "-2147483649")]
    [InlineData("99999999999999999999999", "9223372036854775807")]
    public void Numbers_out_of_range_keep_the_previous_value(string text, string logged) =>
        Assert.Equal(logged, TrackFileValue.Parse(Encoding.ASCII.GetBytes(text)).Invalid);

    [Fact]
    public void A_missing_file_reads_0_and_only_the_first_127_bytes_count()
    {
        Assert.Equal(new TrackFileValue.Reading(0, null), TrackFileValue.Read(Path.Combine(_dir, "missing")));
        string path = Path.Combine(_dir, "long");
        File.WriteAllText(path, new string(' ', 126) + "42");
        Assert.Equal(4, TrackFileValue.Read(path).Value);
    }
}
