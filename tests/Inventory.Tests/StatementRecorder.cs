using System.Collections.Concurrent;
using Marten;
using Marten.Services;
using Npgsql;

namespace Shop.Inventory.Tests;

/// <summary>One statement Marten sent: its text, its parameters' values, and whether it ran inside a transaction.</summary>
public sealed record RecordedStatement(string Sql, IReadOnlyList<object?> Values, bool InTransaction)
{
    public bool IsRead => Sql.TrimStart().StartsWith("select", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Marten's logger for the tests' host: keeps the statements that read reservations and stream versions, and every one that failed.</summary>
public sealed class StatementRecorder : IMartenLogger, IMartenSessionLogger
{
    private readonly ConcurrentQueue<RecordedStatement> _statements = new();
    private readonly ConcurrentQueue<RecordedStatement> _failures = new();

    public IEnumerable<RecordedStatement> Statements => _statements;

    /// <summary>The statements that failed (a version check, a constraint, a lost connection).</summary>
    public IEnumerable<RecordedStatement> Failures => _failures;

    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command) => Record(Of(command));

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
        foreach (var statement in Of(batch))
        {
            Record(statement);
        }
    }

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => _failures.Enqueue(Of(command));

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
        foreach (var statement in Of(batch))
        {
            _failures.Enqueue(statement);
        }
    }

    public void LogFailure(Exception ex, string message)
    {
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    private void Record(RecordedStatement statement)
    {
        if (statement.Sql.Contains("mt_doc_orderreservation", StringComparison.Ordinal) || statement.Sql.Contains("mt_streams", StringComparison.Ordinal))
        {
            _statements.Enqueue(statement);
        }
    }

    private static RecordedStatement Of(NpgsqlCommand command) =>
        new(command.CommandText, [.. command.Parameters.Select(p => (object?)p.Value)], command.Transaction is not null);

    private static IEnumerable<RecordedStatement> Of(NpgsqlBatch batch) =>
        batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => new RecordedStatement(c.CommandText, [.. c.Parameters.Cast<NpgsqlParameter>().Select(p => (object?)p.Value)], batch.Transaction is not null));
}
