using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Faults.Checking;

namespace Shop.Faults.Workload;

/// <summary>The recorded requests of a run, one JSON object a line, written as they complete.</summary>
public sealed class RequestLog(string path) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly StreamWriter _writer = new(path, append: true) { AutoFlush = true };
    private readonly Lock _gate = new();

    public List<RecordedRequest> All { get; } = [];

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            All.Add(request);
            _writer.WriteLine(JsonSerializer.Serialize(request, Json));
        }
    }

    /// <summary>The last request recorded about an order.</summary>
    public RecordedRequest? LastAbout(Guid order)
    {
        lock (_gate)
        {
            return All.FindLast(r => r.OrderId == order);
        }
    }

    public static IReadOnlyList<RecordedRequest> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<RecordedRequest>(l, Json)!)];

    public void Dispose() => _writer.Dispose();
}
