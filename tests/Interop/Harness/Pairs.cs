namespace Vrrp.Interop.Tests.Harness;

/// <summary>
/// The pairings every scenario runs, first router first (the master, unless the scenario says
/// otherwise). keepalived against keepalived checks the lab and the assertions themselves.
/// </summary>
public static class Pairs
{
    public static TheoryData<Impl, Impl> WithKeepalived => new()
    {
        { Impl.Keepalived, Impl.Keepalived },
    };
}
