using System.Diagnostics.CodeAnalysis;

namespace Vrrp.Core;

/// <summary>Throw sites kept out of line so hot paths stay small.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void BufferTooSmall(int needed, int available) =>
        throw new ArgumentException($"Buffer of {available} bytes is too small; {needed} needed.", "buffer");

    [DoesNotReturn]
    public static void Argument(string message) => throw new ArgumentException(message);

    [DoesNotReturn]
    public static void InvalidOperation(string message) => throw new InvalidOperationException(message);
}
