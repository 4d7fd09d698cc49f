using System.Security.Cryptography;
using System.Text;

namespace Vrrp.Core.Wire;

/// <summary>
/// VRRPv2 authentication as keepalived does it: type 0 (none) and type 1, a simple text
/// password of at most 8 bytes, zero padded (RFC 2338 5.3.6, kept for compatibility by RFC 3768
/// 5.3.6 as "reserved"). VRRPv3 has no authentication (RFC 5798 9).
/// </summary>
public static class Authentication
{
    /// <summary>Length of the authentication data on the wire.</summary>
    public const int DataLength = VrrpPacket.Field.AuthDataLength;

    /// <summary>
    /// Checks a received advertisement against the configured type and password. VRRPv3
    /// advertisements carry no authentication and always pass. For type 1 both the received data and
    /// <paramref name="expectedPassword"/> are taken as 8 bytes (truncated or zero padded), as
    /// keepalived does. Type 2 (IP Authentication Header) is not supported and never matches data.
    /// </summary>
    public static ParseError Check(in VrrpAdvertisement advert, VrrpAuthType expectedType, ReadOnlySpan<byte> expectedPassword)
    {
        if (advert.Version != VrrpVersion.V2) return ParseError.None;
        // RFC 2338 7.1: a type other than the configured one is discarded.
        if (advert.AuthType != expectedType) return ParseError.AuthTypeMismatch;
        if (expectedType != VrrpAuthType.SimpleText) return ParseError.None;

        Span<byte> expected = stackalloc byte[DataLength];
        WritePasswordData(expectedPassword, expected);
        Span<byte> received = stackalloc byte[DataLength];
        WritePasswordData(advert.AuthData, received);
        // Constant time: how long the comparison takes says nothing of how many bytes matched.
        return CryptographicOperations.FixedTimeEquals(expected, received) ? ParseError.None : ParseError.AuthMismatch;
    }

    /// <summary>Writes <paramref name="password"/> as 8 bytes of authentication data: truncated, zero padded.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8 bytes.</exception>
    public static void WritePasswordData(ReadOnlySpan<byte> password, Span<byte> destination)
    {
        if (destination.Length < DataLength) ThrowHelper.BufferTooSmall(DataLength, destination.Length);
        Span<byte> data = destination[..DataLength];
        data.Clear();
        password[..Math.Min(password.Length, DataLength)].CopyTo(data);
    }

    /// <summary>
    /// The 8 bytes of authentication data keepalived sends for <c>auth_pass</c>
    /// <paramref name="password"/>: its UTF-8 bytes, truncated to 8, zero padded (allocates; for configuration time).
    /// </summary>
    public static byte[] PasswordData(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] data = new byte[DataLength];
        WritePasswordData(Encoding.UTF8.GetBytes(password), data);
        return data;
    }
}
