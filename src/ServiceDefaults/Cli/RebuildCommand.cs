using JasperFx.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Spectre.Console;

namespace Shop.ServiceDefaults.Cli;

public sealed class RebuildInput : NetCoreInput
{
    [Description("The async projection to rebuild, e.g. OrderDetails")]
    public string Projection { get; set; } = "";

    [Description("Ask for the rebuild and return at once, without following it")]
    [FlagAlias("no-wait")]
    public bool NoWaitFlag { get; set; }

    [Description("Stop following after this many seconds (the rebuild goes on)")]
    [FlagAlias("timeout")]
    public int TimeoutFlag { get; set; } = 600;
}

[Description("Rebuild a projection while the service runs: a running node of the service builds it beside the live one and switches over; this follows it with a progress bar", Name = "rebuild")]
public sealed class RebuildCommand : JasperFxAsyncCommand<RebuildInput>
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public RebuildCommand() => Usage("Rebuild one projection").Arguments(x => x.Projection);

    public override async Task<bool> Execute(RebuildInput input)
    {
        using var host = input.BuildHost();
        var rebuilder = host.Services.GetRequiredService<ProjectionRebuilder>();
        var jobs = host.Services.GetRequiredService<RebuildJobs>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var shards = rebuilder.ShardsOf(input.Projection);
        if (shards.Count == 0)
        {
            await Console.Error.WriteLineAsync($"No async projection '{input.Projection}'; 'projections list' names them.");
            return false;
        }

        var job = await jobs.RequestAsync(shards[0].Name, $"command line ({Environment.UserName}@{Environment.MachineName})", CancellationToken.None);
        Console.WriteLine($"Rebuild {job.Id} of {job.Projection}: {RebuildStatus.Of(job, clock.GetUtcNow()).State}");
        if (input.NoWaitFlag)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(input.TimeoutFlag));
        var last = await FollowAsync(jobs, clock, job, timeout.Token);
        Console.WriteLine(last.Finished
            ? $"Rebuild {last.Id} of {last.Projection}: {last.State}, {last.EventsDone} events at {last.EventsPerSecond}/s{(last.Error is null ? "" : $": {last.Error}")}"
            : $"Rebuild {last.Id} of {last.Projection} is still {last.State} after {input.TimeoutFlag} s; it goes on (GET /admin/projections/rebuilds/{last.Id}).");
        return last.State == "done";
    }

    private static Task<RebuildStatus> FollowAsync(RebuildJobs jobs, TimeProvider clock, ProjectionRebuild job, CancellationToken ct) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask(job.Projection, maxValue: 1);
                var status = RebuildStatus.Of(job, clock.GetUtcNow());
                while (!status.Finished && !ct.IsCancellationRequested)
                {
                    await Task.Delay(Poll, CancellationToken.None);
                    status = RebuildStatus.Of(await jobs.FindAsync(job.Id, CancellationToken.None) ?? job, clock.GetUtcNow());
                    bar.MaxValue = Math.Max(status.EventsTotal, 1);
                    bar.Value = status.EventsDone;
                    bar.Description = status.State == "requested"
                        ? $"{job.Projection}: waiting for a running node of the service"
                        : $"{job.Projection}: {status.State}, {status.EventsDone}/{status.EventsTotal} events, {status.EventsPerSecond}/s";
                }

                if (status.State == "done")
                {
                    bar.Value = bar.MaxValue;
                }

                return status;
            });
}
