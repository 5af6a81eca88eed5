using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Shop.Faults.Checking;

/// <summary>One dead-lettered message: where it lies, which message it is, which order it is about, and why it was given up.</summary>
public sealed record DeadLetter(string Place, string Id, string MessageType, Guid? OrderId, string Reason)
{
    public string Name => $"{MessageType} {Id}{(OrderId is { } order ? $" (order {order})" : "")}";
}

/// <summary>
/// Every dead letter the shop holds: Wolverine's table and Marten's projection dead letters in each
/// service's schema, and the broker's dead-letter queue (peeked through the management API and put
/// back; <c>rabbitmqctl</c> cannot show messages). A run judges only those that were not there
/// before it started, so one fault's dead letter is not reported again by the next.
/// </summary>
public sealed class DeadLetters(NpgsqlDataSource database, IReadOnlyList<string> services)
{
    private const int Peek = 500;

    public async Task<IReadOnlyList<DeadLetter>> ReadAsync(CancellationToken ct)
    {
        var letters = new List<DeadLetter>();
        foreach (var service in services)
        {
            await using var reader = await database.CreateCommand($"""
                select id::text, message_type, coalesce(exception_type, '') || ': ' || coalesce(exception_message, ''), body from {service}.wolverine_dead_letters
                union all
                select id::text, 'projection ' || coalesce(data ->> 'projectionName', '?'), coalesce(data ->> 'exceptionMessage', ''), null from {service}.mt_doc_deadletterevent
                """).ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var body = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3);
                letters.Add(new DeadLetter($"{service} dead-letter table", reader.GetString(0), reader.GetString(1), OrderOf(body), reader.GetString(2)));
            }
        }

        letters.AddRange(await BrokerAsync(ct));
        return letters;
    }

    private static async Task<IEnumerable<DeadLetter>> BrokerAsync(CancellationToken ct)
    {
        var port = Environment.GetEnvironmentVariable("SHOP_RABBIT_MANAGEMENT_PORT") ?? "15672";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("shop:shop")));
        using var answer = await http.PostAsJsonAsync(
            $"api/queues/%2F/{BrokerQueues.DeadLetterQueue}/get", new { count = Peek, ackmode = "ack_requeue_true", encoding = "auto" }, ct);
        if (!answer.IsSuccessStatusCode)
        {
            // No such queue yet: nothing was ever dead-lettered on the broker.
            return [];
        }

        var messages = await answer.Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. messages.EnumerateArray().Select(Broker)];
    }

    private static DeadLetter Broker(JsonElement message)
    {
        var properties = message.GetProperty("properties");
        var headers = properties.TryGetProperty("headers", out var h) ? h : default;
        string? Header(string name) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var v) ? v.ToString() : null;
        var death = headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("x-death", out var deaths) && deaths.GetArrayLength() > 0
            ? deaths[0]
            : default;
        var reason = Header("exception-type") is { } exception
            ? $"{exception}: {Header("exception-message")}"
            : death.ValueKind == JsonValueKind.Object ? $"broker: {death.GetProperty("reason")} on {death.GetProperty("queue")} after {death.GetProperty("count")} death(s)" : "unknown";
        var id = properties.TryGetProperty("message_id", out var messageId) ? messageId.GetString() ?? "?" : Header("id") ?? "?";
        var payload = message.GetProperty("payload").GetString();
        return new DeadLetter($"broker queue {BrokerQueues.DeadLetterQueue}", id, Header("message-type") ?? "?", OrderOf(payload is null ? null : Encoding.UTF8.GetBytes(payload)), reason);
    }

    private static Guid? OrderOf(byte[]? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("orderId", out var order) && order.TryGetGuid(out var id)
                ? id
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
