using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using FsCheck.Xunit;
using Vrrp.Lab;
using Vrrpd.Commands;

namespace vrrpd.Tests.Commands;

public class InspectTests
{
    private static string VectorPath(string name) => Path.Combine(AppContext.BaseDirectory, "Vectors", name);

    private static (int ExitCode, string Output, string Error) Inspect(params string[] args)
    {
        StringWriter output = new(), error = new();
        int exitCode = InspectCommand.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static List<JsonElement> Json(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private static string TempFile(byte[] content, string extension = ".pcap")
    {
        string path = Path.Combine(Path.GetTempPath(), $"vrrpd-inspect-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>The frames of vectors.txt, in file order.</summary>
    private static List<(string File, byte[] Frame)> VectorFrames() =>
    [
        .. File.ReadLines(VectorPath("vectors.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .Select(parts => (parts[0], Convert.FromHexString(parts[2]))),
    ];

    [Theory]
    [InlineData("keepalived-v2-vrid4.pcap", "vrrp", 2, 4, 245, 100, "192.168.1.4", "message-only")]
    [InlineData("keepalived-v2-auth-pass.pcap", "vrrp", 2, 4, 245, 100, "192.168.1.4", "message-only")]
    [InlineData("keepalived-v3-ipv4-2vips.pcap", "vrrp", 3, 51, 200, 50, "10.99.1.51,10.99.1.52", "pseudo-header")]
    [InlineData("keepalived-v3-ipv4-unicast.pcap", "vrrp", 3, 52, 150, 100, "10.99.1.60", "pseudo-header")]
    [InlineData("keepalived-v3-ipv6.pcap", "vrrp", 3, 61, 180, 100, "fe80::61,2001:db8::61", "pseudo-header")]
    [InlineData("keepalived-garp.pcap", "garp", null, null, null, null, "192.168.1.4", null)]
    [InlineData("keepalived-unsolicited-na.pcap", "na", null, null, null, null, null, null)]
    public void Every_vector_capture_is_reported_valid(string file, string kind, int? version, int? vrid, int? priority, int? interval, string? addresses, string? checksum)
    {
        var (exitCode, output, error) = Inspect(VectorPath(file), "--json");
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        List<JsonElement> frames = Json(output);
        Assert.Equal(2, frames.Count);
        foreach (JsonElement frame in frames)
        {
            Assert.True(frame.GetProperty("valid").GetBoolean());
            Assert.Equal(JsonValueKind.Null, frame.GetProperty("error").ValueKind);
            Assert.Equal(kind, frame.GetProperty("kind").GetString());
            Assert.Equal(version, Int(frame, "version"));
            Assert.Equal(vrid, Int(frame, "vrid"));
            Assert.Equal(priority, Int(frame, "priority"));
            Assert.Equal(interval, Int(frame, "interval_cs"));
            Assert.Equal(checksum, frame.GetProperty("checksum").GetString());
            Assert.Equal("ba:6e:9b:2b:22:3d", frame.GetProperty("source_mac").GetString());
            Assert.StartsWith("2026-11-27T00:4", frame.GetProperty("time").GetString());
            if (addresses is not null)
                Assert.Equal(addresses, string.Join(',', frame.GetProperty("addresses").EnumerateArray().Select(a => a.GetString())));
        }
        Assert.Equal(1, frames[0].GetProperty("frame").GetInt32());

        // The text form says the same, one line per frame and a summary.
        var (textExit, text, _) = Inspect(VectorPath(file));
        Assert.Equal(0, textExit);
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines[..2], line => Assert.EndsWith(" valid", line));
        Assert.StartsWith("2 frames:", lines[2]);
    }

    private static int? Int(JsonElement frame, string name) =>
        frame.GetProperty(name).ValueKind == JsonValueKind.Null ? null : frame.GetProperty(name).GetInt32();

    [Fact]
    public void Text_lines_carry_the_operator_fields()
    {
        string text = Inspect(VectorPath("keepalived-v2-auth-pass.pcap")).Output;
        Assert.StartsWith("#1 2026-11-27T00:40:29.966351Z VRRPv2 10.99.0.11 (ba:6e:9b:2b:22:3d) > 224.0.0.18 vrid 4 prio 245 intvl 100cs auth pass \"secret1\" addrs 192.168.1.4 checksum message-only valid", text);
        text = Inspect(VectorPath("keepalived-unsolicited-na.pcap")).Output;
        Assert.Contains("NA 2001:db8::61 (ba:6e:9b:2b:22:3d) > ff02::1 target 2001:db8::61 is-at ba:6e:9b:2b:22:3d flags O valid", text);
        text = Inspect(VectorPath("keepalived-garp.pcap")).Output;
        Assert.Contains("GARP request 192.168.1.4 is-at ba:6e:9b:2b:22:3d valid", text);
    }

    [Fact]
    public void The_pcap_files_hold_exactly_the_frames_of_vectors_txt()
    {
        foreach (var group in VectorFrames().GroupBy(v => v.File))
        {
            using FileStream stream = File.OpenRead(VectorPath(group.Key));
            CaptureReader reader = CaptureReader.Open(stream);
            Assert.Equal("pcap", reader.Format);
            Assert.Equal(1u, reader.LinkType);
            foreach (var (_, frame) in group)
            {
                Assert.True(reader.TryReadNext(out CaptureRecord record));
                Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(record.Data));
                Assert.Equal((uint)frame.Length, record.OriginalLength);
            }
            Assert.False(reader.TryReadNext(out _));
            Assert.Null(reader.Warning);
        }
    }

    [Fact]
    public void A_corrupted_frame_is_reported_with_the_reason_it_would_be_dropped()
    {
        byte[] capture = File.ReadAllBytes(VectorPath("keepalived-v2-vrid4.pcap"));
        // Second record: 24 (file header) + 16 + 54 (first record) + 16 (its header); VRRP checksum at 14 + 20 + 6.
        capture[24 + 16 + 54 + 16 + 14 + 20 + 6] ^= 0x01;
        // First record: TTL 64 with a correct IPv4 header checksum would need recomputing; change the VRRP version instead.
        capture[24 + 16 + 14 + 20] = 0x41;
        string path = TempFile(capture);
        try
        {
            var (exitCode, output, _) = Inspect(path, "--json");
            Assert.Equal(0, exitCode);
            List<JsonElement> frames = Json(output);
            Assert.False(frames[0].GetProperty("valid").GetBoolean());
            Assert.Equal("BadVersion", frames[0].GetProperty("error").GetString());
            Assert.Equal(4, frames[0].GetProperty("version").GetInt32());
            Assert.False(frames[1].GetProperty("valid").GetBoolean());
            Assert.Equal("BadChecksum", frames[1].GetProperty("error").GetString());
            Assert.Equal(4, frames[1].GetProperty("vrid").GetInt32());
            Assert.Equal(245, frames[1].GetProperty("priority").GetInt32());
            Assert.Equal("192.168.1.4", frames[1].GetProperty("addresses")[0].GetString());

            string text = Inspect(path).Output;
            Assert.Contains("#2 2026-11-27T00:40:24.447088Z VRRPv2 10.99.0.11 (ba:6e:9b:2b:22:3d) > 224.0.0.18 vrid 4 prio 245 intvl 100cs addrs 192.168.1.4 INVALID BadChecksum", text);
            Assert.Contains("2 frames: 2 VRRP (2 invalid)", text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_capture_is_refused_with_a_clear_message()
    {
        string path = TempFile("vrrp_instance mape {\n}\n"u8.ToArray(), ".conf");
        try
        {
            var (exitCode, output, error) = Inspect(path);
            Assert.Equal(1, exitCode);
            Assert.Equal("", output);
            Assert.Contains("not a pcap or pcapng capture", error);
            Assert.Contains(path, error);
        }
        finally
        {
            File.Delete(path);
        }

        var missing = Inspect("/nonexistent/capture.pcap");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cannot read /nonexistent/capture.pcap", missing.Error);

        string empty = TempFile([]);
        try
        {
            Assert.Equal(1, Inspect(empty).ExitCode);
        }
        finally
        {
            File.Delete(empty);
        }

        Assert.Equal(2, Inspect().ExitCode);
        Assert.Equal(2, Inspect("--bogus", "x.pcap").ExitCode);
    }

    [Fact]
    public void A_capture_cut_short_shows_the_frames_before_the_cut_and_warns()
    {
        byte[] capture = File.ReadAllBytes(VectorPath("keepalived-v3-ipv4-2vips.pcap"));
        string path = TempFile(capture[..^5]);
        try
        {
            var (exitCode, output, error) = Inspect(path, "--json");
            Assert.Equal(0, exitCode);
            Assert.Single(Json(output));
            Assert.Contains("the file ends inside frame 2", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_impossible_record_length_is_a_corrupt_capture()
    {
        byte[] capture = File.ReadAllBytes(VectorPath("keepalived-v3-ipv4-2vips.pcap"));
        BinaryPrimitives.WriteUInt32LittleEndian(capture.AsSpan(24 + 8), 0x7FFF_FFFF);
        string path = TempFile(capture);
        try
        {
            var (exitCode, _, error) = Inspect(path);
            Assert.Equal(1, exitCode);
            Assert.Contains("corrupt capture: frame 1 at byte 24 claims 2147483647 bytes", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes a classic pcap of the given frames in either byte order and resolution.</summary>
    private static byte[] Pcap(IEnumerable<byte[]> frames, bool bigEndian, bool nanosecond, uint linkType = 1)
    {
        MemoryStream stream = new();
        byte[] word = new byte[4];
        void U32(uint value)
        {
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(word, value);
            else BinaryPrimitives.WriteUInt32LittleEndian(word, value);
            stream.Write(word);
        }
        U32(nanosecond ? 0xA1B23C4D : 0xA1B2C3D4);
        U32(bigEndian ? 0x0002_0004u : 0x0004_0002u); // version 2.4: major then minor as two 16-bit fields
        U32(0);
        U32(0);
        U32(262144);
        U32(linkType);
        uint second = 1_800_000_000;
        foreach (byte[] frame in frames)
        {
            U32(second++);
            U32(nanosecond ? 123_456_789u : 123_456u);
            U32((uint)frame.Length);
            U32((uint)frame.Length);
            stream.Write(frame);
        }
        return stream.ToArray();
    }

    [Theory]
    [InlineData(false, false, ".123456Z")]
    [InlineData(true, false, ".123456Z")]
    [InlineData(false, true, ".123456789Z")]
    [InlineData(true, true, ".123456789Z")]
    public void Reads_classic_pcap_in_both_byte_orders_and_resolutions(bool bigEndian, bool nanosecond, string fraction)
    {
        List<byte[]> frames = [.. VectorFrames().Select(v => v.Frame)];
        string path = TempFile(Pcap(frames, bigEndian, nanosecond));
        try
        {
            var (exitCode, output, error) = Inspect(path, "--json");
            Assert.Equal(0, exitCode);
            Assert.Equal("", error);
            List<JsonElement> reports = Json(output);
            Assert.Equal(frames.Count, reports.Count);
            Assert.All(reports, r => Assert.True(r.GetProperty("valid").GetBoolean()));
            Assert.Equal("2027-01-15T08:00:00" + fraction, reports[0].GetProperty("time").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reads_pcapng_written_by_mergecap()
    {
        // Captures/all-vectors.pcapng: mergecap -F pcapng -w all-vectors.pcapng keepalived-*.pcap
        var (exitCode, output, error) = Inspect(Path.Combine(AppContext.BaseDirectory, "Captures", "all-vectors.pcapng"), "--json");
        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        List<JsonElement> reports = Json(output);
        Assert.Equal(14, reports.Count);
        Assert.All(reports, r => Assert.True(r.GetProperty("valid").GetBoolean()));
        Assert.Equal(["garp", "na", "vrrp"], reports.Select(r => r.GetProperty("kind").GetString()).Distinct().Order());
        Assert.Equal("2026-11-27T00:40:23.445551Z", reports[0].GetProperty("time").GetString());
    }

    [Fact]
    public void Reads_linux_cooked_captures_and_vlan_tags()
    {
        byte[] ethernet = VectorFrames().First(v => v.File == "keepalived-v3-ipv6.pcap").Frame;
        // SLL: packet type, ARPHRD_ETHER, address length 6, address (8), protocol, payload.
        byte[] sll = [0, 0, 0, 1, 0, 6, .. ethernet.AsSpan(6, 6), 0, 0, .. ethernet.AsSpan(12)];
        // SLL2: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address (8), payload.
        byte[] sll2 = [.. ethernet.AsSpan(12, 2), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, .. ethernet.AsSpan(6, 6), 0, 0, .. ethernet.AsSpan(14)];
        byte[] tagged = [.. ethernet.AsSpan(0, 12), 0x81, 0x00, 0x00, 0x0a, .. ethernet.AsSpan(12)];

        foreach ((byte[] frame, uint linkType, bool hasDestination) in new[] { (sll, 113u, false), (sll2, 276u, false), (tagged, 1u, true) })
        {
            string path = TempFile(Pcap([frame], bigEndian: false, nanosecond: false, linkType));
            try
            {
                var (exitCode, output, _) = Inspect(path, "--json");
                Assert.Equal(0, exitCode);
                JsonElement report = Assert.Single(Json(output));
                Assert.True(report.GetProperty("valid").GetBoolean());
                Assert.Equal(61, report.GetProperty("vrid").GetInt32());
                Assert.Equal("ba:6e:9b:2b:22:3d", report.GetProperty("source_mac").GetString());
                Assert.Equal(hasDestination, report.GetProperty("destination_mac").ValueKind == JsonValueKind.String);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void Unsupported_link_type_is_reported_frame_by_frame()
    {
        // Frame Relay (107): nothing in it can be read, but the file is, and every frame says why.
        string path = TempFile(Pcap([[0x45, 0, 0, 20], [0x45, 0, 0, 20]], bigEndian: false, nanosecond: false, linkType: 107));
        try
        {
            var (exitCode, output, _) = Inspect(path);
            Assert.Equal(0, exitCode);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.EndsWith("link type 107 INVALID UnsupportedLinkType", lines[0], StringComparison.Ordinal);
            Assert.EndsWith(", 2 not read (link type or encapsulation)", lines[2], StringComparison.Ordinal);
            var (_, json, _) = Inspect(path, "--json");
            Assert.All(Json(json), f => Assert.Equal("UnsupportedLinkType", f.GetProperty("error").GetString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Vrrp_inside_pbb_is_named_not_skipped()
    {
        // 802.1ah: B-DA, B-SA, EtherType 0x88e7, I-TAG, then the customer's Ethernet frame.
        byte[] inner = VectorFrames()[0].Frame;
        byte[] pbb = [.. inner.AsSpan(0, 12), 0x88, 0xE7, 0, 0, 0, 1, .. inner];
        string path = TempFile(Pcap([pbb], bigEndian: false, nanosecond: false));
        try
        {
            var (exitCode, output, _) = Inspect(path);
            Assert.Equal(0, exitCode);
            Assert.Contains("ethertype 0x88e7", output, StringComparison.Ordinal);
            Assert.Contains("INVALID UnsupportedEncapsulation", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Other_frames_are_counted_not_listed()
    {
        byte[] udp = [.. new byte[12], 0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0, 53, 0, 53, 0, 8, 0, 0];
        byte[] runt = [1, 2, 3];
        string path = TempFile(Pcap([udp, runt, VectorFrames()[0].Frame], bigEndian: false, nanosecond: false));
        try
        {
            var (exitCode, output, _) = Inspect(path);
            Assert.Equal(0, exitCode);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("#3 ", lines[0]);
            Assert.Equal("3 frames: 0 VRRP (0 invalid), 1 gratuitous ARP (0 invalid), 0 neighbour advertisements (0 invalid), 2 other", lines[1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Damaged vector frames and random files never crash the decoder or the command.</summary>
    [Property(MaxTest = 500)]
    public void Damaged_frames_are_decoded_without_throwing(byte index, int seed, byte[] noise)
    {
        List<(string File, byte[] Frame)> vectors = VectorFrames();
        byte[] frame = (byte[])vectors[index % vectors.Count].Frame.Clone();
        Random random = new(seed);
        foreach (byte b in noise.Take(6)) frame[random.Next(frame.Length)] = b;
        frame = frame[..random.Next(frame.Length + 1)];
        foreach (uint linkType in new uint[] { 1, 113, 276 })
        {
            FrameReport report = FrameReport.Decode(new CaptureRecord(1, linkType, 0, 0, 6, frame, (uint)frame.Length));
            InspectCommand.FormatLine(report);
            using Utf8JsonWriter writer = new(Stream.Null);
            InspectCommand.WriteJsonObject(writer, report);
        }
    }

    [Property(MaxTest = 100)]
    public void Random_files_give_exit_code_0_or_1(byte[] content, bool pcapHeader)
    {
        byte[] header = File.ReadAllBytes(VectorPath("keepalived-v2-vrid4.pcap"))[..24];
        string path = TempFile(pcapHeader ? [.. header, .. content] : content);
        try
        {
            var (exitCode, _, error) = Inspect(path, "--json");
            Assert.True(exitCode is 0 or 1, error);
            Assert.True(exitCode == 0 || error.Length > 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The published NativeAOT binary (scripts/test.sh publishes it before the tests) runs inspect.</summary>
    [Fact]
    public void The_published_native_binary_inspects_a_vector()
    {
        string binary = Repository.PublishedVrrpd;
        Assert.True(File.Exists(binary), $"{binary} is missing: run '{Repository.PublishCommand}' (scripts/test.sh does)");

        ProcessStartInfo start = new(binary, ["inspect", VectorPath("keepalived-v3-ipv6.pcap"), "--json"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000));
        Assert.Equal(0, process.ExitCode);
        Assert.Equal("", error);
        List<JsonElement> reports = Json(output);
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.True(r.GetProperty("valid").GetBoolean()));
        Assert.Equal(["fe80::61", "2001:db8::61"], reports[0].GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!).ToArray());

        // The reason names survive NativeAOT trimming.
        byte[] capture = File.ReadAllBytes(VectorPath("keepalived-v2-vrid4.pcap"));
        capture[24 + 16 + 14 + 20 + 6] ^= 0x01;
        string corrupted = TempFile(capture);
        try
        {
            start = new(binary, ["inspect", corrupted, "--json"]) { RedirectStandardOutput = true };
            using Process invalid = Process.Start(start)!;
            List<JsonElement> verdicts = Json(invalid.StandardOutput.ReadToEnd());
            Assert.True(invalid.WaitForExit(30_000));
            Assert.Equal(0, invalid.ExitCode);
            Assert.Equal("BadChecksum", verdicts[0].GetProperty("error").GetString());
            Assert.True(verdicts[1].GetProperty("valid").GetBoolean());
        }
        finally
        {
            File.Delete(corrupted);
        }

        start = new(binary, ["inspect", Path.Combine(Repository.Root, "README.md")]) { RedirectStandardError = true };
        using Process refused = Process.Start(start)!;
        Assert.Contains("not a pcap or pcapng capture", refused.StandardError.ReadToEnd());
        Assert.True(refused.WaitForExit(30_000));
        Assert.Equal(1, refused.ExitCode);
    }
}
