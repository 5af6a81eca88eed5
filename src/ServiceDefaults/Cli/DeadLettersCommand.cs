using System.Text.Json;
using JasperFx.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.ServiceDefaults.Cli;

public sealed class DeadLettersInput : NetCoreInput
{
    [Description("list: the dead letters grouped (--by), or one page of them with a filter; show: one dead letter; "
        + "replay, discard, archive: those the filter selects; import: take this service's messages out of the broker's dead-letter queue")]
    public string Action { get; set; } = "";

    [Description("show, replay, discard, archive: one dead letter's id")]
    [FlagAlias("id")]
    public string IdFlag { get; set; } = "";

    [Description("the failure group (its key, as list prints it)")]
    [FlagAlias("group", 'g')]
    public string GroupFlag { get; set; } = "";

    [Description("the message type, e.g. payments.payment_captured.V1")]
    [FlagAlias("message-type", 'm')]
    public string MessageTypeFlag { get; set; } = "";

    [Description("the exception type's full name")]
    [FlagAlias("exception-type", 'e')]
    public string ExceptionTypeFlag { get; set; } = "";

    [Description("the endpoint the message was received at, e.g. rabbitmq://queue/ordering")]
    [FlagAlias("endpoint")]
    public string EndpointFlag { get; set; } = "";

    [Description("replay, discard, archive: every dead letter (no other filter needed)")]
    [FlagAlias("all")]
    public bool AllFlag { get; set; }

    [Description("list: group by failure (default), message-type, endpoint or exception")]
    [FlagAlias("by")]
    public string ByFlag { get; set; } = "";

    [Description("list with a filter: the page to show, from 1")]
    [FlagAlias("page")]
    public int PageFlag { get; set; } = 1;
}

[Description("List, show, replay, discard or archive the service's dead letters, or import its messages from the broker's dead-letter queue", Name = "dead-letters")]
public sealed class DeadLettersCommand : JasperFxAsyncCommand<DeadLettersInput>
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public override async Task<bool> Execute(DeadLettersInput input)
    {
        var action = input.Action.ToLowerInvariant();
        if (action is not ("list" or "show" or "replay" or "discard" or "archive" or "import"))
        {
            await Console.Error.WriteLineAsync("dead-letters needs an action: list, show, replay, discard, archive or import");
            return false;
        }

        Guid? id = null;
        if (input.IdFlag.Length > 0)
        {
            if (!Guid.TryParse(input.IdFlag, out var parsed))
            {
                await Console.Error.WriteLineAsync($"--id must be a dead letter's id (a GUID), not '{input.IdFlag}'");
                return false;
            }

            id = parsed;
        }

        using var host = input.BuildHost();
        var admin = host.Services.GetRequiredService<DeadLetterAdmin>();
        var selection = new DeadLetterSelection(
            id is { } one ? [one] : null, input.GroupFlag, input.MessageTypeFlag, input.ExceptionTypeFlag, input.EndpointFlag, input.AllFlag);
        return action switch
        {
            "list" when selection.NamesAny => await ListAsync(admin, selection, input.PageFlag),
            "list" => await OverviewAsync(admin, input.ByFlag.Length > 0 ? input.ByFlag : "failure"),
            "show" => await ShowAsync(admin, id),
            "import" => Print(await admin.ImportFromBrokerAsync(CancellationToken.None)),
            _ when selection.Problem is { } problem => await FailAsync(problem),
            "replay" => Print(await admin.ReplayAsync(selection, CancellationToken.None)),
            "discard" => Print(await admin.DiscardAsync(selection, CancellationToken.None)),
            _ => Print(await admin.ArchiveAsync(selection, CancellationToken.None)),
        };
    }

    private static async Task<bool> OverviewAsync(DeadLetterAdmin admin, string by)
    {
        if (!DeadLetterGroupings.ByName.ContainsKey(by))
        {
            return await FailAsync($"--by is one of {DeadLetterGroupings.Names}");
        }

        var overview = await admin.OverviewAsync(by, CancellationToken.None);
        Console.WriteLine($"{overview.Service}: {overview.Total} dead letter(s), grouped by {overview.GroupedBy}");
        // One line per group, never wrapped, so that the output can be read by scripts as well as by people.
        foreach (var group in overview.Groups)
        {
            Console.WriteLine(string.Join('\t', group.Count, $"{group.FirstSeen:u}", $"{group.LastSeen:u}", group.Key, group.ExceptionType ?? "", group.Title ?? ""));
        }

        foreach (var broker in overview.Broker)
        {
            Console.WriteLine($"The broker's {broker.Queue} holds {broker.Count} message(s) of every service; 'dead-letters import' takes this service's.");
        }

        return true;
    }

    private static async Task<bool> ListAsync(DeadLetterAdmin admin, DeadLetterSelection selection, int page)
    {
        if (page < 1)
        {
            return await FailAsync("--page starts at 1");
        }

        var letters = await admin.ListAsync(selection, archived: false, page, Paging.DefaultPageSize, CancellationToken.None);
        foreach (var letter in letters.Items)
        {
            Console.WriteLine(string.Join('\t', letter.Id, $"{letter.FailedAt:u}", letter.MessageType, letter.Endpoint ?? "", letter.ExceptionType, letter.ReplayCount));
        }

        Console.WriteLine($"page {letters.PageNumber}: {letters.Items.Count} of {letters.Total}");
        return true;
    }

    private static async Task<bool> ShowAsync(DeadLetterAdmin admin, Guid? id)
    {
        if (id is null)
        {
            return await FailAsync("show needs --id <dead letter id>");
        }

        if (await admin.FindAsync(id.Value) is not { } letter)
        {
            return await FailAsync($"No dead letter {id}");
        }

        // The command line runs with the service's own database role: its operator may read the body.
        Console.WriteLine(JsonSerializer.Serialize(DeadLetterDetail.From(letter, showBody: true), Indented));
        return true;
    }

    private static bool Print(DeadLetterActionResult result)
    {
        Console.WriteLine($"{result.Affected} dead letter(s) {result.Action}");
        return true;
    }

    private static async Task<bool> FailAsync(string problem)
    {
        await Console.Error.WriteLineAsync(problem);
        return false;
    }
}
