namespace Vrrpd.Trackers;

/// <summary>
/// The number in a tracked file, read as keepalived 2.2.7 reads it: at most the first 127
/// bytes, C's <c>strtol(buf, NULL, 0)</c> (leading blanks, a sign, <c>0x</c> hexadecimal or
/// <c>0</c> octal prefixes, digits up to the first other character; no digits is 0). A missing
/// or empty file is 0. A number outside -2^31..2^31 is refused (keepalived logs "Invalid
/// number" and keeps the previous value).
/// </summary>
internal static class TrackFileValue
{
    public const int MaxBytes = 127;

    /// <summary>The outcome of reading a file: its value, or why the previous one stays.</summary>
    public readonly record struct Reading(long Value, string? Invalid);

    /// <summary>Reads <paramref name="path"/>; a file that cannot be opened reads 0.</summary>
    public static Reading Read(string path)
    {
        byte[] buffer = new byte[MaxBytes];
        int length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Reading(0, null);
        }
        return Parse(buffer.AsSpan(0, length));
    }

    /// <summary>strtol(text, NULL, 0) over the bytes, then keepalived's range check.</summary>
    public static Reading Parse(ReadOnlySpan<byte> text)
    {
        int i = 0;
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            i++;
        bool negative = false;
        if (i < text.Length && text[i] is (byte)'+' or (byte)'-')
            negative = text[i++] == '-';
        int radix = 10;
        if (i + 1 < text.Length && text[i] == '0' && (text[i + 1] | 0x20) == 'x' && i + 2 < text.Length && Digit(text[i + 2]) < 16)
        {
            radix = 16;
            i += 2;
        }
        else if (i < text.Length && text[i] == '0')
        {
            radix = 8;
        }
        long value = 0;
        bool overflow = false;
        int start = i;
        for (; i < text.Length && Digit(text[i]) < radix; i++)
        {
            // Saturate like strtol (ERANGE); the range check below refuses it anyway.
            if (value > (long.MaxValue - Digit(text[i])) / radix)
                overflow = true;
            else
                value = value * radix + Digit(text[i]);
        }
        if (i == start) return new Reading(0, null);
        if (negative) value = -value;
        if (overflow || value < int.MinValue || value > (long)int.MaxValue + 1)
            return new Reading(0, overflow ? (negative ? long.MinValue : long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Reading(value, null);
    }

    private static int Digit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'Z' => c - 'A' + 10,
        _ => 99,
    };
}
