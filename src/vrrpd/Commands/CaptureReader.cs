using System.Buffers.Binary;
using System.Globalization;

namespace Vrrpd.Commands;

/// <summary>The file is not a capture, or its structure is broken beyond the next record.</summary>
internal sealed class CaptureFormatException(string message) : Exception(message);

/// <summary>One captured frame: its bytes, link type and timestamp.</summary>
internal readonly record struct CaptureRecord(
    int Number, uint LinkType, long Seconds, uint Nanoseconds, int FractionDigits, byte[] Data, uint OriginalLength)
{
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>UTC ISO 8601, with as many fraction digits as the capture's resolution has.</summary>
    public string Time
    {
        get
        {
            string nanos = Nanoseconds.ToString("D9", CultureInfo.InvariantCulture)[..FractionDigits];
            string fraction = FractionDigits == 0 ? "" : "." + nanos;
            // Beyond year 9999 (a broken pcapng resolution) there is no calendar form.
            if (Seconds > MaxUnixSeconds) return $"@{Seconds.ToString(CultureInfo.InvariantCulture)}{fraction}";
            return DateTimeOffset.FromUnixTimeSeconds(Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + fraction + "Z";
        }
    }
}

/// <summary>
/// Reads classic pcap (both byte orders, microsecond and nanosecond magic) and pcapng (section
/// header, interface description and enhanced/simple packet blocks; others are skipped) from a stream.
/// </summary>
internal sealed class CaptureReader
{
    // Well above any snapshot length in use (tcpdump's default is 262144); a larger record means a broken file.
    private const int MaxRecordLength = 16 * 1024 * 1024;

    private const uint PcapMagicMicroseconds = 0xA1B2C3D4;
    private const uint PcapMagicNanoseconds = 0xA1B23C4D;
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const uint InterfaceDescriptionBlock = 1;
    private const uint SimplePacketBlock = 3;
    private const uint EnhancedPacketBlock = 6;

    private readonly Stream _stream;
    private readonly bool _pcapng;
    private bool _bigEndian;
    private long _offset;
    private int _number;
    // Classic pcap: one link type and resolution for the file.
    private readonly uint _linkType;
    private readonly bool _nanosecond;
    // pcapng: per interface of the current section.
    private readonly List<(uint LinkType, ulong UnitsPerSecond, bool PowerOfTwo, int Exponent)> _interfaces = [];

    private CaptureReader(Stream stream, bool pcapng, bool bigEndian, uint linkType, bool nanosecond, long offset)
    {
        _stream = stream;
        _pcapng = pcapng;
        _bigEndian = bigEndian;
        _linkType = linkType;
        _nanosecond = nanosecond;
        _offset = offset;
    }

    /// <summary>"pcap" or "pcapng".</summary>
    public string Format => _pcapng ? "pcapng" : "pcap";

    /// <summary>The link type of a classic pcap file (pcapng has one per interface).</summary>
    public uint? LinkType => _pcapng ? null : _linkType;

    /// <summary>Set when the file ended inside a record (a capture still being written, or cut short).</summary>
    public string? Warning { get; private set; }

    /// <summary>Reads the file header.</summary>
    /// <exception cref="CaptureFormatException">Not a pcap or pcapng capture.</exception>
    public static CaptureReader Open(Stream stream)
    {
        Span<byte> header = stackalloc byte[24];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < 4) throw new CaptureFormatException($"not a capture: the file has {read} bytes, fewer than a pcap header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic == SectionHeaderBlock)
        {
            CaptureReader reader = new(stream, pcapng: true, bigEndian: false, 0, false, 0);
            reader.ReadSectionHeader(header[..read]);
            return reader;
        }

        bool bigEndian;
        bool nanosecond;
        if (magic == PcapMagicMicroseconds || magic == PcapMagicNanoseconds) (bigEndian, nanosecond) = (false, magic == PcapMagicNanoseconds);
        else if (BinaryPrimitives.ReverseEndianness(magic) is var swapped && (swapped == PcapMagicMicroseconds || swapped == PcapMagicNanoseconds))
            (bigEndian, nanosecond) = (true, swapped == PcapMagicNanoseconds);
        else throw new CaptureFormatException($"not a pcap or pcapng capture (starts with 0x{BinaryPrimitives.ReadUInt32BigEndian(header):x8})");
        if (read < header.Length) throw new CaptureFormatException("not a capture: the pcap file header is cut short");

        uint network = ReadUInt32(header[20..], bigEndian);
        // The upper bits of the link type field may carry FCS information (pcap-savefile(5)).
        return new CaptureReader(stream, pcapng: false, bigEndian, network & 0x0FFF_FFFF, nanosecond, header.Length);
    }

    /// <summary>Reads the next frame; false at the end of the file.</summary>
    /// <exception cref="CaptureFormatException">A record is structurally impossible.</exception>
    public bool TryReadNext(out CaptureRecord record) => _pcapng ? TryReadNextBlock(out record) : TryReadNextPcap(out record);

    private bool TryReadNextPcap(out CaptureRecord record)
    {
        record = default;
        Span<byte> header = stackalloc byte[16];
        int read = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0) return false;
        if (read < header.Length) return Truncated($"the file ends inside the header of frame {_number + 1}");
        uint seconds = ReadUInt32(header, _bigEndian);
        uint fraction = ReadUInt32(header[4..], _bigEndian);
        uint captured = ReadUInt32(header[8..], _bigEndian);
        uint original = ReadUInt32(header[12..], _bigEndian);
        if (captured > MaxRecordLength) throw new CaptureFormatException($"corrupt capture: frame {_number + 1} at byte {_offset} claims {captured} bytes");
        if (fraction >= (_nanosecond ? 1_000_000_000u : 1_000_000u)) throw new CaptureFormatException($"corrupt capture: frame {_number + 1} at byte {_offset} has a fraction of a second of {fraction}");
        byte[] data = new byte[captured];
        read = _stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length) return Truncated($"the file ends inside frame {_number + 1} ({read} of {captured} bytes)");
        _offset += header.Length + data.Length;
        _number++;
        record = new CaptureRecord(_number, _linkType, seconds, _nanosecond ? fraction : fraction * 1000, _nanosecond ? 9 : 6, data, original);
        return true;
    }

    private bool TryReadNextBlock(out CaptureRecord record)
    {
        record = default;
        Span<byte> head = stackalloc byte[12];
        while (true)
        {
            int read = _stream.ReadAtLeast(head[..8], 8, throwOnEndOfStream: false);
            if (read == 0) return false;
            if (read < 8) return Truncated("the file ends inside a block header");
            uint type = ReadUInt32(head, _bigEndian);
            if (type == SectionHeaderBlock)
            {
                // A new section may switch byte order: read its byte-order magic before its length.
                if (_stream.ReadAtLeast(head[8..], 4, throwOnEndOfStream: false) < 4) return Truncated("the file ends inside a section header");
                ReadSectionHeader(head);
                continue;
            }
            uint length = ReadUInt32(head[4..], _bigEndian);
            if (length < 12 || length % 4 != 0 || length > MaxRecordLength)
                throw new CaptureFormatException($"corrupt capture: block at byte {_offset} has length {length}");
            byte[] body = new byte[length - 8];
            read = _stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
            if (read < body.Length) return Truncated($"the file ends inside a block ({read + 8} of {length} bytes)");
            if (ReadUInt32(body.AsSpan(body.Length - 4), _bigEndian) != length)
                throw new CaptureFormatException($"corrupt capture: block at byte {_offset} has mismatched lengths");
            long blockOffset = _offset;
            _offset += length;
            ReadOnlySpan<byte> content = body.AsSpan(0, body.Length - 4);
            switch (type)
            {
                case InterfaceDescriptionBlock:
                    AddInterface(content, blockOffset);
                    break;
                case EnhancedPacketBlock:
                    record = EnhancedPacket(content, blockOffset);
                    return true;
                case SimplePacketBlock:
                    record = SimplePacket(content, blockOffset);
                    return true;
            }
        }
    }

    private void ReadSectionHeader(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12) throw new CaptureFormatException("not a capture: the pcapng section header is cut short");
        uint bom = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (bom == ByteOrderMagic) _bigEndian = false;
        else if (bom == BinaryPrimitives.ReverseEndianness(ByteOrderMagic)) _bigEndian = true;
        else throw new CaptureFormatException($"not a capture: bad pcapng byte-order magic at byte {_offset + 8}");
        uint length = ReadUInt32(head[4..], _bigEndian);
        if (length < 28 || length % 4 != 0 || length > MaxRecordLength)
            throw new CaptureFormatException($"corrupt capture: section header at byte {_offset} has length {length}");
        // The rest of the block (version, section length, options) is not needed; skip it.
        int rest = (int)length - head.Length;
        byte[] skip = new byte[rest];
        if (_stream.ReadAtLeast(skip, rest, throwOnEndOfStream: false) < rest) throw new CaptureFormatException("corrupt capture: the file ends inside a section header");
        _offset += length;
        _interfaces.Clear();
    }

    private void AddInterface(ReadOnlySpan<byte> content, long offset)
    {
        if (content.Length < 8) throw new CaptureFormatException($"corrupt capture: interface block at byte {offset} is too short");
        uint linkType = ReadUInt16(content, _bigEndian);
        (ulong units, bool powerOfTwo, int exponent) = (1_000_000, false, 6);
        ReadOnlySpan<byte> options = content[8..];
        while (options.Length >= 4)
        {
            ushort code = ReadUInt16(options, _bigEndian);
            ushort length = ReadUInt16(options[2..], _bigEndian);
            if (code == 0 || 4 + length > options.Length) break;
            if (code == 9 && length >= 1) // if_tsresol
            {
                byte resolution = options[4];
                exponent = resolution & 0x7F;
                powerOfTwo = (resolution & 0x80) != 0;
                if (powerOfTwo ? exponent > 63 : exponent > 19) throw new CaptureFormatException($"corrupt capture: interface block at byte {offset} has time resolution 0x{resolution:x2}");
                units = powerOfTwo ? 1UL << exponent : (ulong)Math.Pow(10, exponent);
            }
            options = options[Math.Min(options.Length, 4 + ((length + 3) & ~3))..];
        }
        _interfaces.Add((linkType, units, powerOfTwo, exponent));
    }

    private CaptureRecord EnhancedPacket(ReadOnlySpan<byte> content, long offset)
    {
        if (content.Length < 20) throw new CaptureFormatException($"corrupt capture: packet block at byte {offset} is too short");
        uint interfaceId = ReadUInt32(content, _bigEndian);
        if (interfaceId >= _interfaces.Count) throw new CaptureFormatException($"corrupt capture: packet block at byte {offset} names interface {interfaceId}, which is not described");
        ulong timestamp = ((ulong)ReadUInt32(content[4..], _bigEndian) << 32) | ReadUInt32(content[8..], _bigEndian);
        uint captured = ReadUInt32(content[12..], _bigEndian);
        uint original = ReadUInt32(content[16..], _bigEndian);
        if (captured > content.Length - 20) throw new CaptureFormatException($"corrupt capture: packet block at byte {offset} claims {captured} bytes");
        var (linkType, units, powerOfTwo, exponent) = _interfaces[(int)interfaceId];
        ulong seconds = timestamp / units;
        uint nanoseconds = (uint)((UInt128)(timestamp % units) * 1_000_000_000 / units);
        int digits = powerOfTwo ? 9 : Math.Min(exponent, 9);
        _number++;
        return new CaptureRecord(_number, linkType, (long)Math.Min(seconds, long.MaxValue), nanoseconds, digits, content.Slice(20, (int)captured).ToArray(), original);
    }

    private CaptureRecord SimplePacket(ReadOnlySpan<byte> content, long offset)
    {
        if (content.Length < 4 || _interfaces.Count == 0) throw new CaptureFormatException($"corrupt capture: simple packet block at byte {offset} without an interface");
        uint original = ReadUInt32(content, _bigEndian);
        int captured = (int)Math.Min(original, (uint)(content.Length - 4));
        _number++;
        // A simple packet block has no timestamp.
        return new CaptureRecord(_number, _interfaces[0].LinkType, 0, 0, 0, content.Slice(4, captured).ToArray(), original);
    }

    private bool Truncated(string message)
    {
        Warning = message;
        return false;
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private static ushort ReadUInt16(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
}
