using System.Globalization;
using System.Text.Json;
using JasperFx.CommandLine;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Audit.Chain;
using Spectre.Console;

namespace Shop.ServiceDefaults.Cli;

public sealed class AuditInput : NetCoreInput
{
    [Description("replay: one stream event by event with the state after each; export: every event of a time range as NDJSON; "
        + "verify: check every chain link and signed checkpoint; checkpoint: sign the stream heads now")]
    public string Action { get; set; } = "";

    [Description("replay: the stream id")]
    [FlagAlias("stream", 's')]
    public string StreamFlag { get; set; } = "";

    [Description("export: first instant (ISO-8601, inclusive); default: the beginning")]
    [FlagAlias("from")]
    public string FromFlag { get; set; } = "";

    [Description("export: last instant (ISO-8601, exclusive); default: now")]
    [FlagAlias("to")]
    public string ToFlag { get; set; } = "";

    [Description("export: write to this file instead of standard output")]
    [FlagAlias("output", 'o')]
    public string OutputFlag { get; set; } = "";
}

[Description("Replay one event stream, export events of a time range, or verify the event log's chain and checkpoints", Name = "audit")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    private const int ExportPage = 1000;
    private static readonly JsonSerializerOptions Line = new(Redaction.Json) { WriteIndented = false };

    public override async Task<bool> Execute(AuditInput input)
    {
        var action = input.Action.ToLowerInvariant();
        if (action is not ("replay" or "export" or "verify" or "checkpoint"))
        {
            await Console.Error.WriteLineAsync("audit needs an action: replay, export, verify or checkpoint");
            return false;
        }

        using var host = input.BuildHost();
        var services = host.Services;
        await using var session = services.GetRequiredService<IDocumentStore>().QuerySession();
        return action switch
        {
            "verify" => await VerifyAsync(services.GetRequiredService<ChainAudit>()),
            "checkpoint" => await CheckpointAsync(services.GetRequiredService<Checkpoints>()),
            "replay" => await ReplayAsync(session, [.. services.GetServices<IAuditedStream>()], input.StreamFlag),
            _ => await ExportAsync(session, input),
        };
    }

    private static async Task<bool> ReplayAsync(IQuerySession session, IReadOnlyList<IAuditedStream> audited, string streamId)
    {
        if (!Guid.TryParse(streamId, out var id))
        {
            await Console.Error.WriteLineAsync("audit replay needs --stream <guid>");
            return false;
        }

        var state = await session.Events.FetchStreamStateAsync(id);
        var stream = audited.FirstOrDefault(a => a.AggregateType == state?.AggregateType);
        if (state is null || stream is null)
        {
            await Console.Error.WriteLineAsync($"No audited stream {id}");
            return false;
        }

        Console.WriteLine($"{stream.Name} {id}: {state.Version} events");
        foreach (var e in await session.Events.FetchStreamAsync(id))
        {
            var after = await stream.StateAsync(session, id, e.Version, null, CancellationToken.None);
            Console.WriteLine($"#{e.Version} seq {e.Sequence} {e.EventTypeName} at {e.Timestamp:O} by {e.UserName ?? "-"} (correlation {e.CorrelationId ?? "-"}, causation {e.CausationId ?? "-"})");
            Console.WriteLine($"  event: {JsonSerializer.Serialize(Redaction.ToJson(e.Data), Line)}");
            Console.WriteLine($"  state: {JsonSerializer.Serialize(Redaction.ToJson(after), Line)}");
        }

        return true;
    }

    private static async Task<bool> ExportAsync(IQuerySession session, AuditInput input)
    {
        if (!TryInstant(input.FromFlag, DateTimeOffset.MinValue, out var from) || !TryInstant(input.ToFlag, DateTimeOffset.UtcNow, out var to))
        {
            await Console.Error.WriteLineAsync("--from and --to must be ISO-8601 instants, e.g. 2026-01-31T00:00:00Z");
            return false;
        }

        await using var output = input.OutputFlag.Length > 0 ? File.CreateText(input.OutputFlag) : Console.Out;
        var after = 0L;
        var count = 0;
        while (true)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.Timestamp >= from && e.Timestamp < to)
                .OrderBy(e => e.Sequence)
                .Take(ExportPage)
                .ToListAsync();
            foreach (var e in page)
            {
                var line = new { streamId = e.StreamId, entry = HistoryEntry.From(e) };
                await output.WriteLineAsync(JsonSerializer.Serialize(line, Line));
            }

            count += page.Count;
            if (page.Count < ExportPage)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        await Console.Error.WriteLineAsync($"Exported {count} events from {from:O} to {to:O}");
        return true;
    }

    /// <summary>
    /// One JSON object on standard output; the exit code is non-zero when anything is wrong. Progress goes to
    /// standard error: a bar on a terminal, a line per tenth of the log otherwise.
    /// </summary>
    private static async Task<bool> VerifyAsync(ChainAudit audit)
    {
        var report = Console.IsErrorRedirected
            ? await audit.VerifyAsync(new TenthsOnStandardError(), CancellationToken.None)
            : await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Progress()
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("audit verify", maxValue: 1);
                    var verified = await audit.VerifyAsync(new Progress<ChainProgress>(p => (bar.MaxValue, bar.Value) = (Math.Max(p.Total, 1), p.Checked)), CancellationToken.None);
                    bar.Value = bar.MaxValue;
                    return verified;
                });
        Console.WriteLine(JsonSerializer.Serialize(
            new { report.Schema, report.Valid, report.Events, report.Streams, report.Checkpoints, report.FirstProblem, ProblemCount = report.Problems.Count },
            Line));
        return report.Valid;
    }

    /// <summary>Progress for a log file: one line each time another tenth of the events has been checked.</summary>
    private sealed class TenthsOnStandardError : IProgress<ChainProgress>
    {
        private long _tenth;

        public void Report(ChainProgress value)
        {
            var tenth = value.Total == 0 ? 10 : value.Checked * 10 / value.Total;
            if (tenth > _tenth)
            {
                _tenth = tenth;
                Console.Error.WriteLine($"audit verify: {value.Checked} of {value.Total} events checked");
            }
        }
    }

    private static async Task<bool> CheckpointAsync(Checkpoints checkpoints)
    {
        var taken = await checkpoints.TakeAsync(CancellationToken.None);
        Console.WriteLine(taken ? "Checkpoint signed" : "Nothing appended since the last checkpoint");
        return true;
    }

    private static bool TryInstant(string text, DateTimeOffset fallback, out DateTimeOffset instant)
    {
        instant = fallback;
        return text.Length == 0 || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
    }
}
