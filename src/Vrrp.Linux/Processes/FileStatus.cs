using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>The kind of a file system entry (the S_IFMT bits).</summary>
public enum FileKind
{
    /// <summary>Anything else (device, socket, FIFO).</summary>
    Other,
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (only seen when links are not followed).</summary>
    SymbolicLink,
}

/// <summary>Owner, group and mode of a file system entry, from statx(2).</summary>
/// <param name="Kind">Regular file, directory, symbolic link or other.</param>
/// <param name="Mode">The permission bits with set-user-ID, set-group-ID and sticky (07777).</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
public readonly record struct FileStatus(FileKind Kind, uint Mode, uint Uid, uint Gid)
{
    /// <summary>S_ISUID.</summary>
    public const uint SetUserId = 0x800;
    /// <summary>S_ISGID.</summary>
    public const uint SetGroupId = 0x400;
    /// <summary>S_ISVTX (sticky).</summary>
    public const uint Sticky = 0x200;

    /// <summary>
    /// Reads the status of <paramref name="path"/>; with <paramref name="followLinks"/> false a
    /// symbolic link itself is described (lstat). Returns 0, or the errno (ENOENT, EACCES, ENOTDIR...).
    /// </summary>
    public static unsafe int TryGet(string path, bool followLinks, out FileStatus status)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte* buffer = stackalloc byte[FileConst.StatxSize];
        status = default;
        int flags = followLinks ? 0 : FileConst.AT_SYMLINK_NOFOLLOW;
        if (Libc.Statx(FileConst.AT_FDCWD, path, flags, FileConst.STATX_TYPE | FileConst.STATX_MODE | FileConst.STATX_UID | FileConst.STATX_GID, buffer) != 0)
            return LinuxError.Last;
        uint mode = *(ushort*)(buffer + FileConst.StatxOffsetMode);
        FileKind kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        status = new FileStatus(kind, mode & 0xFFF, *(uint*)(buffer + FileConst.StatxOffsetUid), *(uint*)(buffer + FileConst.StatxOffsetGid));
        return 0;
    }

    /// <summary>realpath(3): the absolute path with every symbolic link, "." and ".." resolved; null with the errno when it cannot be.</summary>
    public static unsafe string? RealPath(string path, out int errno)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte* resolved = Libc.RealPath(path, null);
        if (resolved == null)
        {
            errno = LinuxError.Last;
            return null;
        }
        errno = 0;
        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            Libc.Free(resolved);
        }
    }
}
