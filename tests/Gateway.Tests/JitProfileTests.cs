using System.Diagnostics;
using Shop.Testing;

namespace Shop.Gateway.Tests;

/// <summary>The gateway's own build output run as a process, as <c>./shop start</c> runs it.</summary>
public class JitProfileTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task a_process_stopped_gracefully_leaves_the_profile_its_next_start_compiles_from()
    {
        var directory = Directory.CreateTempSubdirectory("shop-jit-profile-");
        var address = DeadAddress.Next();
        var start = new ProcessStartInfo("dotnet", "Shop.Gateway.dll")
        {
            WorkingDirectory = ServiceCli.OutputOf("Gateway"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Urls"] = address.ToString();
        start.Environment["Shop__JitProfileDirectory"] = directory.FullName;
        using var gateway = Process.Start(start)!;
        gateway.OutputDataReceived += (_, _) => { };
        gateway.ErrorDataReceived += (_, _) => { };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            await AnswersAsync(new Uri(address, "health/live"));
            Profiles(directory).ShouldBeEmpty("the profile is written when the process stops");

            using var stop = Process.Start("kill", ["-TERM", gateway.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var timeout = new CancellationTokenSource(Deadline);
            await gateway.WaitForExitAsync(timeout.Token);

            Profiles(directory).ShouldHaveSingleItem().Length.ShouldBeGreaterThan(0);
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill();
            }

            directory.Delete(recursive: true);
        }
    }

    private static FileInfo[] Profiles(DirectoryInfo directory) => directory.GetFiles("gateway-*.jitprofile");

    private static async Task AnswersAsync(Uri uri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Deadline)
        {
            try
            {
                using var response = await http.GetAsync(uri);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{uri} did not answer within {Deadline.TotalSeconds} s");
    }
}
