using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>
/// The writing end of a named pipe, opened the way keepalived opens its notify FIFOs: created
/// with mode 0644 (less the umask) when missing, then opened O_RDWR | O_NONBLOCK, so opening
/// never waits for a reader and a write never blocks (a full pipe drops the line: EAGAIN).
/// A FIFO this object created is removed again by <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class FifoWriter : IDisposable
{
    private readonly SafeFileDescriptor _fd;

    private FifoWriter(string path, SafeFileDescriptor fd, bool created)
    {
        Path = path;
        _fd = fd;
        Created = created;
    }

    /// <summary>The path of the FIFO.</summary>
    public string Path { get; }

    /// <summary>True when this object created the FIFO (and so removes it).</summary>
    public bool Created { get; }

    /// <summary>
    /// Creates (if missing) and opens the FIFO at <paramref name="path"/>; a FIFO it creates is
    /// given to <paramref name="owner"/> and <paramref name="group"/> when they are not null.
    /// Throws <see cref="System.ComponentModel.Win32Exception"/> naming the step that failed, and
    /// <see cref="IOException"/> when something other than a FIFO is at the path.
    /// </summary>
    public static FifoWriter Open(string path, uint? owner = null, uint? group = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        bool created = false;
        if (Libc.MkFifo(path, 0x1A4 /* 0644 */) == 0)
        {
            created = true;
            if ((owner is not null || group is not null) && Libc.Chown(path, owner ?? uint.MaxValue, group ?? uint.MaxValue) != 0)
            {
                int errno = LinuxError.Last;
                Libc.Unlink(path);
                LinuxError.Throw($"chown {path}", errno);
            }
        }
        else if (LinuxError.Last != Errno.EEXIST)
        {
            LinuxError.Throw($"mkfifo {path}");
        }
        else if (FileStatus.TryGet(path, followLinks: false, out FileStatus existing) == 0 && existing.Kind != FileKind.Other)
        {
            throw new IOException($"{path} exists and is not a FIFO");
        }

        int fd = Libc.Open(path, FileConst.O_RDWR | FileConst.O_NONBLOCK | FileConst.O_CLOEXEC | FileConst.O_NOFOLLOW, 0);
        if (fd < 0)
        {
            int errno = LinuxError.Last;
            if (created) Libc.Unlink(path);
            LinuxError.Throw($"open {path}", errno);
        }
        return new FifoWriter(path, new SafeFileDescriptor(fd), created);
    }

    /// <summary>Writes <paramref name="data"/> in one write(2); returns 0 or the errno (EAGAIN: the pipe is full).</summary>
    public int TryWrite(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            nint n = Libc.Write(_fd, p, (nuint)data.Length);
            return n < 0 ? LinuxError.Last : 0;
        }
    }

    /// <summary>Removes a FIFO this object created (first, so a reader that reopens it finds nothing) and closes it.</summary>
    public void Dispose()
    {
        if (Created && !_fd.IsClosed) Libc.Unlink(Path);
        _fd.Dispose();
    }
}
