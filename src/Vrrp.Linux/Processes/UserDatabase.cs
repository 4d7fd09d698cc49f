using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Users and groups by name (getpwnam_r / getgrnam_r, so NSS sources count), and our own ids.</summary>
public static unsafe class UserDatabase
{
    private const int BufferSize = 16 * 1024;

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId => Libc.GetEUid();

    /// <summary>The effective group id of this process.</summary>
    public static uint EffectiveGroupId => Libc.GetEGid();

    /// <summary>Looks up a user: its uid and primary gid. False when there is no such user.</summary>
    public static bool TryGetUser(string name, out uint uid, out uint gid)
    {
        ArgumentNullException.ThrowIfNull(name);
        uid = gid = 0;
        Passwd entry;
        Passwd* result = null;
        byte* buffer = stackalloc byte[BufferSize];
        int error = Libc.GetPwNamR(name, &entry, buffer, BufferSize, &result);
        if (error != 0 || result == null) return false;
        uid = entry.Uid;
        gid = entry.Gid;
        return true;
    }

    /// <summary>Looks up a group's gid. False when there is no such group.</summary>
    public static bool TryGetGroup(string name, out uint gid)
    {
        ArgumentNullException.ThrowIfNull(name);
        gid = 0;
        Group entry;
        Group* result = null;
        byte* buffer = stackalloc byte[BufferSize];
        int error = Libc.GetGrNamR(name, &entry, buffer, BufferSize, &result);
        if (error != 0 || result == null) return false;
        gid = entry.Gid;
        return true;
    }
}
