using System.Diagnostics;
using System.IO.Compression;
using Vrrp.Lab;

namespace Vrrp.Linux.Tests.Hosting;

/// <summary>
/// <c>dotnet pack</c> gives Vrrp.Core and Vrrp.Linux with XML docs, README, license and symbols,
/// and a fresh project that takes Vrrp.Linux as a package (as <c>dotnet add package</c> does)
/// compiles the README's embedding example against it.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vrrp-pack-").FullName;

    [Fact]
    public void Pack_gives_both_packages_and_a_new_project_builds_the_readme_example_from_them()
    {
        string root = Repository.Root;
        string feed = Path.Combine(_dir, "feed");
        Dotnet(root, $"pack src/Vrrp.Core -c Release -o {feed} --nologo");
        Dotnet(root, $"pack src/Vrrp.Linux -c Release -o {feed} --nologo");
        foreach (string id in new[] { "Vrrp.Core", "Vrrp.Linux" })
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{id}.0.1.0.snupkg")), $"{id}: no symbol package");
            using ZipArchive package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.0.1.0.nupkg"));
            string[] entries = [.. package.Entries.Select(e => e.FullName)];
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            Assert.Contains("README.md", entries);
            using var nuspec = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec.ReadToEnd(), StringComparison.Ordinal);
        }

        string app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
            </Project>
            """);
        // Keep the repository's build settings (central package versions) out of the new project.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
        string? example = ReadmeExample.Block(Path.Combine(root, "src", "Vrrp.Linux", "README.md"), "host-example");
        Assert.True(example is not null, "src/Vrrp.Linux/README.md has no csharp block after <!-- host-example -->");
        File.WriteAllText(Path.Combine(app, "Program.cs"), $$"""
            using Vrrp.Core.Router;
            using Vrrp.Core.Wire;
            using Vrrp.Linux.Hosting;

            if (args.Length == 2)
                Example.Run(args[0], IpAddr.Parse(args[1]), CancellationToken.None);

            static class Example
            {
            {{example}}
            }
            """);
        Dotnet(app, $"add package Vrrp.Linux --version 0.1.0 --source {feed}");
        Dotnet(app, "build -c Release --nologo");
    }

    private static void Dotnet(string directory, string arguments)
    {
        var info = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"dotnet {arguments} did not finish");
        Assert.True(process.ExitCode == 0, $"dotnet {arguments} exited {process.ExitCode}:\n{output.Result}\n{errors.Result}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
