using System.Diagnostics;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>The run script (<c>./shop start</c>) beside the shop it already runs.</summary>
[Collection(nameof(TheShop))]
public sealed class RunScriptTests(ShopProcesses shop)
{
    [Fact]
    public async Task a_second_start_stops_at_once_saying_the_shop_runs_and_the_running_shop_keeps_answering()
    {
        var supervisors = SupervisorPids();

        var (code, output) = await RunAsync("start");

        code.ShouldBe(1);
        output.ShouldContain("the shop is already running");
        SupervisorPids().ShouldBe(supervisors);
        (await shop.SendAsync(HttpMethod.Get, "products", null)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task a_build_is_trained_once_leaving_every_service_a_jit_profile_and_nothing_in_the_shops_data()
    {
        var jit = Path.Combine(ShopProcesses.Root, ".local", "jit");

        Directory.EnumerateFiles(jit, "trained-*").ShouldHaveSingleItem();
        var profiled = Directory.EnumerateFiles(jit, "*.jitprofile", SearchOption.AllDirectories)
            .Select(profile => Path.GetFileName(Path.GetDirectoryName(profile))!.ToLowerInvariant());
        ShopProcesses.Services.Keys.Except(profiled).ShouldBeEmpty();

        (await Database.RowsAsync("select datname from pg_database where datname like '%training%'", TestContext.Current.CancellationToken)).ShouldBeEmpty();
        (await Database.RowsAsync("select id from identity.mt_doc_uniquevalue where id like 'email/training-%'", TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    private static Dictionary<string, string> SupervisorPids() =>
        Directory.EnumerateFiles(Path.Combine(ShopProcesses.Root, ".local", "run"), "*-supervisor.pid")
            .ToDictionary(file => Path.GetFileName(file), File.ReadAllText);

    private static async Task<(int Code, string Output)> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", $"scripts/run.sh {command}")
        {
            WorkingDirectory = ShopProcesses.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["SHOP_SKIP_BUILD"] = "1", ["SHOP_KEEP_INFRA"] = "1" },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        }
        finally
        {
            // A start that did not stop would go on restarting services beside the running shop.
            process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, await output + await error);
    }
}
