using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vrrp.Core.Wire;

namespace Vrrpd.Commands;

/// <summary>
/// <c>vrrpd inspect FILE [--json]</c>: one line (or JSON object) per VRRP, gratuitous ARP and
/// neighbour advertisement frame of a pcap/pcapng capture, with the reason a malformed one would
/// be dropped. Exit 0 when the file was read; 1 when it is missing, not a capture or broken; 2 for usage.
/// </summary>
internal static class InspectCommand
{
    public const string Help = """
        usage: vrrpd inspect FILE [--json]

        Decodes every VRRP advertisement, gratuitous ARP and unsolicited neighbour advertisement
        of a capture, one line per frame, with the reason vrrpd would drop a malformed one
        (BadTtl, BadChecksum, AddressCountMismatch, ...). Reads pcap and pcapng, Ethernet or
        Linux cooked (tcpdump -i any); '-' reads standard input. Checks that need a
        configuration (VRID, version, password) are not applied. Exit status 0 when the file
        was read; 1 when it is missing or not a capture; 2 for bad usage.

          --json       one JSON object per frame (version, vrid, priority, interval_cs,
                       addresses, valid, error, time, source, ...) instead of text
          -h, --help   this text
        """;

    public static int Run(ReadOnlySpan<string> args, TextWriter output, TextWriter error)
    {
        foreach (string arg in args)
        {
            if (arg is "-h" or "--help")
            {
                output.WriteLine(Help);
                return 0;
            }
        }
        string? path = null;
        bool json = false;
        foreach (string arg in args)
        {
            if (arg == "--json") json = true;
            else if (arg.StartsWith('-') && arg != "-") return Usage(error, $"unknown option '{arg}'");
            else if (path is null) path = arg;
            else return Usage(error, "one capture file at a time");
        }
        if (path is null) return Usage(error, "which capture file?");

        Stream stream;
        try
        {
            stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"vrrpd inspect: cannot read {path}: {e.Message}");
            return 1;
        }

        using (stream)
        {
            try
            {
                CaptureReader reader = CaptureReader.Open(new BufferedStream(stream, 64 * 1024));
                // A link type it cannot read is reported frame by frame (UnsupportedLinkType), so a
                // pcapng with several interfaces still shows the frames it can read.
                Summary summary = json ? WriteJson(reader, output) : WriteText(reader, output);
                if (!json) output.WriteLine(summary.ToString());
                if (reader.Warning is string warning) error.WriteLine($"vrrpd inspect: {path}: {warning}; the frames before it are shown");
                return 0;
            }
            catch (CaptureFormatException e)
            {
                error.WriteLine($"vrrpd inspect: {path}: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                error.WriteLine($"vrrpd inspect: cannot read {path}: {e.Message}");
                return 1;
            }
        }
    }

    private static int Usage(TextWriter error, string problem)
    {
        error.WriteLine($"vrrpd inspect: {problem}");
        error.WriteLine("run 'vrrpd inspect --help' for the flags");
        return 2;
    }

    private sealed class Summary
    {
        public int Frames, Vrrp, InvalidVrrp, Arp, InvalidArp, Na, InvalidNa, Unreadable, Other;

        public void Count(FrameReport report)
        {
            Frames++;
            switch (report.Kind)
            {
                case FrameKind.Vrrp: Vrrp++; if (!report.Valid) InvalidVrrp++; break;
                case FrameKind.GratuitousArp: Arp++; break;
                case FrameKind.Arp: Arp++; InvalidArp++; break;
                case FrameKind.NeighborAdvertisement: Na++; if (!report.Valid) InvalidNa++; break;
                case FrameKind.Unreadable: Unreadable++; break;
                default: Other++; break;
            }
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Frames} frames: {Vrrp} VRRP ({InvalidVrrp} invalid), {Arp} gratuitous ARP ({InvalidArp} invalid), {Na} neighbour advertisements ({InvalidNa} invalid), {Other} other")
            + (Unreadable > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Unreadable} not read (link type or encapsulation)") : "");
    }

    private static Summary WriteText(CaptureReader reader, TextWriter output)
    {
        Summary summary = new();
        while (reader.TryReadNext(out CaptureRecord record))
        {
            FrameReport report = FrameReport.Decode(record);
            summary.Count(report);
            if (report.Kind != FrameKind.Other) output.WriteLine(FormatLine(report));
        }
        return summary;
    }

    /// <summary>One line: number, time, kind, addresses, the VRRP fields, and the verdict.</summary>
    internal static string FormatLine(FrameReport r)
    {
        StringBuilder line = new();
        line.Append(CultureInfo.InvariantCulture, $"#{r.Record.Number} {r.Record.Time} ");
        string? mac = r.SourceMac is MacAddress m && m != default ? $" ({m})" : null;
        switch (r.Kind)
        {
            case FrameKind.Vrrp:
                line.Append(r.Version is int v ? $"VRRPv{v}" : "VRRP");
                line.Append(CultureInfo.InvariantCulture, $" {r.Source}{mac} > {r.Destination}");
                if (r.Vrid is int vrid) line.Append(CultureInfo.InvariantCulture, $" vrid {vrid} prio {r.Priority} intvl {r.IntervalCentiseconds}cs");
                if (r.AuthType is VrrpAuthType auth)
                    line.Append(auth == VrrpAuthType.SimpleText ? $" auth pass \"{r.Password}\"" : auth == VrrpAuthType.None ? " auth none" : $" auth {(int)auth}");
                if (r.Addresses.Count > 0) line.Append(" addrs ").AppendJoin(',', r.Addresses);
                if (r.Convention is ChecksumConvention convention) line.Append(" checksum ").Append(ConventionName(convention));
                break;
            case FrameKind.GratuitousArp:
                line.Append(CultureInfo.InvariantCulture, $"GARP {(r.ArpOperation == ArpOperation.Reply ? "reply" : "request")} {r.Source} is-at {r.TargetMac}");
                break;
            case FrameKind.Arp:
                line.Append(CultureInfo.InvariantCulture, $"ARP{mac}");
                break;
            case FrameKind.Unreadable:
                line.Append(r.CarrierEtherType is ushort type ? $"ethertype 0x{type:x4}{mac}" : $"link type {r.Record.LinkType}");
                break;
            case FrameKind.NeighborAdvertisement:
                line.Append(CultureInfo.InvariantCulture, $"NA {r.Source}{mac} > {r.Destination}");
                if (r.Addresses.Count > 0) line.Append(" target ").Append(r.Addresses[0]);
                if (r.TargetMac is MacAddress target) line.Append(" is-at ").Append(target);
                if (r.Flags is NeighborAdvertisementFlags flags) line.Append(" flags ").Append(FlagLetters(flags));
                break;
        }
        line.Append(r.Valid ? " valid" : $" INVALID {r.Error}");
        if (r.Record.Data.Length < r.Record.OriginalLength)
            line.Append(CultureInfo.InvariantCulture, $" (captured {r.Record.Data.Length} of {r.Record.OriginalLength} bytes)");
        return line.ToString();
    }

    private static string ConventionName(ChecksumConvention convention) =>
        convention == ChecksumConvention.PseudoHeader ? "pseudo-header" : "message-only";

    private static string FlagLetters(NeighborAdvertisementFlags flags)
    {
        string letters = (flags.HasFlag(NeighborAdvertisementFlags.Router) ? "R" : "") +
            (flags.HasFlag(NeighborAdvertisementFlags.Solicited) ? "S" : "") +
            (flags.HasFlag(NeighborAdvertisementFlags.Override) ? "O" : "");
        return letters.Length == 0 ? "none" : letters;
    }

    private static Summary WriteJson(CaptureReader reader, TextWriter output)
    {
        Summary summary = new();
        ArrayBufferWriter<byte> buffer = new();
        // Relaxed escaping keeps IPv6 addresses and passwords readable; quotes and controls are still escaped.
        JsonWriterOptions options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        while (reader.TryReadNext(out CaptureRecord record))
        {
            FrameReport report = FrameReport.Decode(record);
            summary.Count(report);
            if (report.Kind == FrameKind.Other) continue;
            buffer.ResetWrittenCount();
            using (Utf8JsonWriter writer = new(buffer, options)) WriteJsonObject(writer, report);
            output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        return summary;
    }

    internal static void WriteJsonObject(Utf8JsonWriter w, FrameReport r)
    {
        w.WriteStartObject();
        w.WriteNumber("frame", r.Record.Number);
        w.WriteString("time", r.Record.Time);
        w.WriteString("kind", r.Kind switch
        {
            FrameKind.Vrrp => "vrrp",
            FrameKind.GratuitousArp => "garp",
            FrameKind.Arp => "arp",
            FrameKind.Unreadable => "unreadable",
            _ => "na",
        });
        w.WriteBoolean("valid", r.Valid);
        if (r.Valid) w.WriteNull("error");
        else w.WriteString("error", r.Error.ToString());
        w.WriteNumber("length", r.Record.OriginalLength);
        w.WriteNumber("captured", r.Record.Data.Length);
        WriteOptional(w, "source_mac", r.SourceMac?.ToString());
        WriteOptional(w, "destination_mac", r.DestinationMac?.ToString());
        WriteOptional(w, "source", r.Source?.ToString());
        WriteOptional(w, "destination", r.Destination?.ToString());
        WriteOptional(w, "hop_limit", r.HopLimit);
        WriteOptional(w, "version", r.Version);
        WriteOptional(w, "vrid", r.Vrid);
        WriteOptional(w, "priority", r.Priority);
        WriteOptional(w, "interval_cs", r.IntervalCentiseconds);
        w.WriteStartArray("addresses");
        foreach (IpAddr address in r.Addresses) w.WriteStringValue(address.ToString());
        w.WriteEndArray();
        WriteOptional(w, "checksum", r.Convention is ChecksumConvention c ? ConventionName(c) : null);
        WriteOptional(w, "auth_type", r.AuthType switch
        {
            null => null,
            VrrpAuthType.None => "none",
            VrrpAuthType.SimpleText => "pass",
            VrrpAuthType auth => ((int)auth).ToString(CultureInfo.InvariantCulture),
        });
        if (r.AuthType == VrrpAuthType.SimpleText) WriteOptional(w, "auth_pass", r.Password);
        if (r.Kind == FrameKind.GratuitousArp) WriteOptional(w, "operation", r.ArpOperation == ArpOperation.Reply ? "reply" : "request");
        if (r.Kind is FrameKind.GratuitousArp or FrameKind.NeighborAdvertisement) WriteOptional(w, "target_mac", r.TargetMac?.ToString());
        if (r.Flags is NeighborAdvertisementFlags flags)
        {
            w.WriteStartArray("flags");
            if (flags.HasFlag(NeighborAdvertisementFlags.Router)) w.WriteStringValue("router");
            if (flags.HasFlag(NeighborAdvertisementFlags.Solicited)) w.WriteStringValue("solicited");
            if (flags.HasFlag(NeighborAdvertisementFlags.Override)) w.WriteStringValue("override");
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
