using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.EndToEnd.Tests.Telemetry.Otlp;

namespace Shop.EndToEnd.Tests.Telemetry;

/// <summary>One span as a service exported it, with the resource's service name.</summary>
public sealed record ReceivedSpan(
    string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, string Scope, int Kind,
    DateTimeOffset Start, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Receives what the services export over OTLP/HTTP (protobuf), the way a collector does: keeps the
/// spans and the name of every service that sent anything, and passes everything on to the trace
/// viewer, as a collector in front of it would.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _senders = new();
    private readonly HttpClient _viewer;
    private WebApplication _app = null!;

    private OtlpReceiver(Uri viewer) => _viewer = new HttpClient { BaseAddress = viewer, Timeout = TimeSpan.FromSeconds(10) };

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>Every resource whose spans, metrics or logs arrived, by service name, with its attributes.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Senders => _senders;

    /// <param name="viewer">The trace viewer's OTLP/HTTP endpoint.</param>
    public static async Task<OtlpReceiver> StartAsync(Uri viewer)
    {
        var receiver = new OtlpReceiver(viewer);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        receiver._app = builder.Build();
        receiver._app.MapPost("/v1/traces", receiver.ReceiveTracesAsync);
        receiver._app.MapPost("/v1/metrics", (HttpRequest request) => receiver.ReceiveAsync(request, body => ExportMetricsServiceRequest.Parser.ParseFrom(body).ResourceMetrics));
        receiver._app.MapPost("/v1/logs", (HttpRequest request) => receiver.ReceiveAsync(request, body => ExportLogsServiceRequest.Parser.ParseFrom(body).ResourceLogs));
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _viewer.Dispose();
    }

    private async Task<IResult> ReceiveTracesAsync(HttpRequest request)
    {
        var body = await BodyAsync(request);
        var export = ExportTraceServiceRequest.Parser.ParseFrom(body);
        foreach (var resource in export.ResourceSpans)
        {
            var service = Sender(resource.Resource);
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    _spans.Enqueue(new ReceivedSpan(
                        service,
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId),
                        span.Name,
                        scope.Scope?.Name ?? "",
                        span.Kind,
                        DateTimeOffset.UnixEpoch.AddTicks((long)(span.StartTimeUnixNano / 100)),
                        Text(span.Attributes)));
                }
            }
        }

        await PassOnAsync(request.Path, body);
        return Accepted();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request, Func<byte[], IEnumerable<ResourceOnly>> resources)
    {
        var body = await BodyAsync(request);
        foreach (var resource in resources(body))
        {
            Sender(resource.Resource);
        }

        await PassOnAsync(request.Path, body);
        return Accepted();
    }

    /// <summary>Records the resource as a sender; its service name.</summary>
    private string Sender(Resource resource)
    {
        var attributes = Text(resource.Attributes);
        var service = attributes.GetValueOrDefault("service.name", "");
        _senders.TryAdd(service, attributes);
        return service;
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        return body.ToArray();
    }

    /// <summary>Best effort, as a collector's exporter: the tests read what arrived here, not the viewer's answer.</summary>
    private async Task PassOnAsync(PathString path, byte[] body)
    {
        using var content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/x-protobuf" } } };
        try
        {
            using var _ = await _viewer.PostAsync(path.Value!.TrimStart('/'), content);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // The viewer is not up yet, is slow, or has gone.
        }
    }

    // An empty export response is an empty protobuf message.
    private static IResult Accepted() => Results.Bytes([], "application/x-protobuf");

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static Dictionary<string, string> Text(IEnumerable<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => g.Last().Value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => g.Last().Value.BoolValue ? "true" : "false",
            AnyValue.ValueOneofCase.IntValue => g.Last().Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => g.Last().Value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        });
}
