using Vrrp.Lab;

namespace Vrrp.Interop.Tests.Harness;

/// <summary>How each implementation shows that it rejected an advertisement.</summary>
internal static class Rejections
{
    /// <summary>Asserts that <paramref name="router"/> rejected advertisements for their password, and records how it showed it.</summary>
    public static void AssertAuthenticationRejected(Peer router, ResultRow row)
    {
        switch (router)
        {
            case KeepalivedPeer k:
                {
                    LabLine? line = k.Process.WaitForLine(l => l.Contains("received an invalid passwd", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no authentication failure:\n{router.Log}");
                    row.Figures.Add($"{router.Name} (keepalived) logs \"{Message(line.Value)}\"");
                    break;
                }
            case VrrpdPeer v:
                {
                    long? count = v.Counter("AuthMismatch");
                    Assert.True(count > 0, $"{router}: vrrpd status counts no authentication rejection: {v.Status()}");
                    LabLine? line = v.Process.WaitForLine(l => l.Contains("AuthMismatch", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no authentication rejection:\n{router.Log}");
                    row.Figures.Add($"{router.Name} (vrrpd) counts {count} AuthMismatch, logs \"{Message(line.Value)}\"");
                    break;
                }
            default:
                throw new NotSupportedException(router.ToString());
        }
    }

    /// <summary>
    /// Asserts that <paramref name="router"/> noticed the other's differing address list, logged
    /// and counted it (as accepted or dropped), and records how.
    /// </summary>
    public static void AssertAddressListMismatch(Peer router, bool accepted, ResultRow row)
    {
        switch (router)
        {
            case KeepalivedPeer k:
                {
                    Assert.False(accepted, "keepalived never accepts a differing address list");
                    // keepalived compares the count first, then each address; either way it drops the advertisement.
                    LabLine? line = k.Process.WaitForLine(l => l.Contains("received an unexpected ip number count", StringComparison.Ordinal)
                        || l.Contains("not present in", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no address list mismatch:\n{router.Log}");
                    row.Figures.Add($"{router.Name} (keepalived) drops: \"{Message(line.Value)}\"");
                    break;
                }
            case VrrpdPeer v:
                {
                    // Dropped: counted under rejected.AddressListMismatch; accepted: counted as address_list_mismatches.
                    long? count = accepted ? v.Counter("address_list_mismatches") : v.Counter("AddressListMismatch");
                    Assert.True(count > 0, $"{router}: vrrpd status counts no {(accepted ? "accepted" : "dropped")} address list mismatch: {v.Status()}");
                    LabLine? line = v.Process.WaitForLine(l => accepted
                        ? l.Contains("lists other virtual addresses than ours", StringComparison.Ordinal)
                        : l.Contains("AddressListMismatch", StringComparison.Ordinal), TimeSpan.FromSeconds(1));
                    Assert.True(line is not null, $"{router} logged no address list mismatch:\n{router.Log}");
                    row.Figures.Add($"{router.Name} (vrrpd) {(accepted ? "accepts" : "drops")}, counts {count}: \"{Message(line.Value)}\"");
                    break;
                }
            default:
                throw new NotSupportedException(router.ToString());
        }
    }

    // The log line without keepalived's or vrrpd's timestamp.
    private static string Message(LabLine line)
    {
        int start = line.Text.IndexOf('(', StringComparison.Ordinal);
        return start < 0 ? line.Text : line.Text[start..];
    }
}
