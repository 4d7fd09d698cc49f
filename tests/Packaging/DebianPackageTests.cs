using System.Diagnostics;
using System.Text.RegularExpressions;
using Vrrp.Lab;

namespace Vrrp.Packaging.Tests;

/// <summary>
/// scripts/package.sh end to end on this machine: the .deb is lintian clean, installs with dpkg
/// without starting or enabling the service, its daemon accepts the shipped configuration, its
/// man pages and completion are found, and a purge leaves nothing behind. The package is purged
/// even when an assertion fails; test runs of several checkouts take turns through a lock file.
/// </summary>
public sealed class DebianPackageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    // What the package installs (dpkg -L lists these and the directories above them).
    private static readonly string[] Files =
    [
        "/usr/sbin/vrrpd",
        "/etc/vrrpd/vrrpd.conf",
        "/lib/systemd/system/vrrpd.service",
        "/usr/share/man/man8/vrrpd.8.gz",
        "/usr/share/man/man5/vrrpd.conf.5.gz",
        "/usr/share/bash-completion/completions/vrrpd",
        "/usr/share/doc/vrrpd/README.md.gz",
        "/usr/share/doc/vrrpd/copyright",
        "/usr/share/doc/vrrpd/changelog.gz",
        "/usr/share/lintian/overrides/vrrpd",
    ];

    private static string Version =>
        Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>(.+)</Version>").Groups[1].Value;

    [Fact]
    public void Package_is_lintian_clean_installs_without_starting_the_service_and_purges_without_leftovers()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the package test installs with dpkg: run it as root");
        using FileStream turn = TakeTurn();
        Assert.True(Status() is null, "vrrpd is already installed on this machine; the test installs and purges its own, so remove that one first (dpkg --purge vrrpd)");

        using var output = new TempDirectory("vrrpd-deb-");
        string deb = Build(output.Path);
        Assert.Equal($"vrrpd_{Version}_amd64.deb", Path.GetFileName(deb));
        Lintian(deb);

        string[] listed;
        try
        {
            Dpkg("--install", deb);
            Assert.Equal($"install ok installed {Version}", Status());
            listed = Run("dpkg", "-L", "vrrpd").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            CheckInstalled(listed);
            CheckServiceNotStarted();
        }
        finally
        {
            if (Status() is not null)
                Dpkg("--purge", "vrrpd");
        }
        CheckNothingLeft(listed);
    }

    private static void CheckInstalled(string[] listed)
    {
        string[] files = [.. listed.Where(p => !Directory.Exists(p))];
        Assert.Equal(Files.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
        foreach (string file in files)
            Assert.True(File.Exists(file), $"{file} is listed by dpkg -L but missing");
        Assert.Contains("/etc/vrrpd/vrrpd.conf", Run("dpkg-query", "-W", "-f=${Conffiles}", "vrrpd").Output, StringComparison.Ordinal);

        var check = Run("/usr/sbin/vrrpd", "-t", "-f", "/etc/vrrpd/vrrpd.conf");
        Assert.True(check.Exit == 0, $"vrrpd -t on the shipped example: exit {check.Exit}\n{check.Output}{check.Errors}");
        Assert.Contains("configuration OK: 1 instance", check.Output, StringComparison.Ordinal);
        Assert.Equal("", check.Errors); // no warning either
        Assert.Equal($"vrrpd {Version}\n", Run("/usr/sbin/vrrpd", "--version").Output);
        Assert.Equal(0, Run("/usr/sbin/vrrpd", "status", "--help").Exit);

        Assert.Equal("/usr/share/man/man8/vrrpd.8.gz\n", Run("man", "-w", "vrrpd").Output);
        Assert.Equal("/usr/share/man/man5/vrrpd.conf.5.gz\n", Run("man", "-w", "5", "vrrpd.conf").Output);
        var page = Run("man", "-P", "cat", "5", "vrrpd.conf");
        Assert.Contains("virtual_router_id", page.Output, StringComparison.Ordinal);
        Assert.Contains($"vrrpd {Version}", Run("man", "-P", "cat", "vrrpd").Output, StringComparison.Ordinal);

        // The completion reads its flags from the installed binary's --help.
        string completion = Run("bash", "-c", """
            PATH=/usr/sbin:/usr/bin:/bin
            source /usr/share/bash-completion/completions/vrrpd
            complete -p vrrpd
            COMP_WORDS=(vrrpd st); COMP_CWORD=1; _vrrpd; echo "[${COMPREPLY[*]}]"
            COMP_WORDS=(vrrpd --keep); COMP_CWORD=1; _vrrpd; echo "[${COMPREPLY[*]}]"
            COMP_WORDS=(vrrpd status --); COMP_CWORD=2; _vrrpd; echo "[${COMPREPLY[*]}]"
            """).Output;
        Assert.Equal("complete -F _vrrpd vrrpd\n[status]\n[--keep-capabilities]\n[--control-socket --help --json]\n", completion);

        // The unit as systemd reads it: ExecStart's binary and the Documentation man pages exist.
        var verify = Run("systemd-analyze", "verify", "/lib/systemd/system/vrrpd.service");
        Assert.True(verify.Exit == 0, verify.Output + verify.Errors);
    }

    // Installing neither starts nor enables vrrpd: an unedited example would claim an address.
    private static void CheckServiceNotStarted()
    {
        foreach (string pid in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit))!)
        {
            string? exe = null;
            try { exe = new FileInfo($"/proc/{pid}/exe").LinkTarget; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            Assert.False(exe == "/usr/sbin/vrrpd", $"process {pid} runs /usr/sbin/vrrpd after the install");
        }
        Assert.Empty(Directory.GetFiles("/etc/systemd/system", "vrrpd.service", SearchOption.AllDirectories));
        if (Directory.Exists("/run/systemd/system"))
        {
            Assert.NotEqual("active", Run("systemctl", "is-active", "vrrpd").Output.Trim());
            Assert.NotEqual("enabled", Run("systemctl", "is-enabled", "vrrpd").Output.Trim());
        }
    }

    private static void CheckNothingLeft(string[] listed)
    {
        Assert.Null(Status());
        foreach (string path in listed)
        {
            if (Directory.Exists(path))
                Assert.False(path.Contains("vrrpd", StringComparison.Ordinal), $"{path} is left after the purge");
            else
                Assert.False(File.Exists(path) || new FileInfo(path).LinkTarget is not null, $"{path} is left after the purge");
        }
        Assert.False(Directory.Exists("/etc/vrrpd"), "/etc/vrrpd is left after the purge");
        string[] traces = [.. ((string[])["/etc/systemd", "/var/lib/systemd", "/var/lib/dpkg/info"])
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "vrrpd*", SearchOption.AllDirectories))];
        Assert.True(traces.Length == 0, "left after the purge: " + string.Join(", ", traces));
    }

    // Runs of several checkouts on one machine install the same package: one at a time.
    private static FileStream TakeTurn()
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream("/run/lock/vrrpd-package-test.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (stopwatch.Elapsed < Deadline)
            {
                Thread.Sleep(1000);
            }
        }
    }

    // The package's dpkg status ("install ok installed 0.1.0"), or null when dpkg knows none.
    private static string? Status()
    {
        var query = Run("dpkg-query", "-W", "-f=${Status} ${Version}", "vrrpd");
        return query.Exit == 0 && !query.Output.Contains("not-installed", StringComparison.Ordinal) ? query.Output : null;
    }

    private static string Build(string output)
    {
        string root = Repository.Root;
        string binary = Repository.PublishedVrrpd;
        // scripts/test.sh publishes artifacts/bin/vrrpd first; without a current one the script publishes.
        string[] args = Repository.IsNewerThanSources(root, binary)
            ? ["scripts/package.sh", "--binary", binary, "--output", output]
            : ["scripts/package.sh", "--output", output];
        var build = Run("bash", args);
        Assert.True(build.Exit == 0, $"package.sh: exit {build.Exit}\n{build.Output}{build.Errors}");
        return build.Output.Trim().Split('\n')[^1];
    }

    private static void Lintian(string deb)
    {
        var lintian = Run("lintian", "-EvIL", "+pedantic", "--fail-on", "error,warning,info,pedantic", deb);
        string[] tags = [.. lintian.Output.Split('\n').Where(l => Regex.IsMatch(l, "^[EWIPX]: "))];
        Assert.True(lintian.Exit == 0 && tags.Length == 0, $"lintian {deb}: exit {lintian.Exit}\n{lintian.Output}{lintian.Errors}");
    }

    // dpkg waits for no lock: another installer (apt, a test of another checkout) makes it retry.
    private static void Dpkg(params string[] args)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var dpkg = Run("dpkg", args);
            if (dpkg.Exit == 0)
                return;
            bool locked = dpkg.Errors.Contains("lock", StringComparison.Ordinal);
            Assert.True(locked && stopwatch.Elapsed < Deadline, $"dpkg {string.Join(' ', args)}: exit {dpkg.Exit}\n{dpkg.Output}{dpkg.Errors}");
            Thread.Sleep(1000);
        }
    }

    private static (int Exit, string Output, string Errors) Run(string program, params string[] args)
    {
        ProcessStartInfo start = new(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["MANWIDTH"] = "100";
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Deadline))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {Deadline}");
        }
        return (process.ExitCode, output.Result, errors.Result);
    }
}
