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

/// <summary>Marten's logger for the tests' host: keeps every statement it sends, and those that failed.</summary>
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

    public void OnBeforeExecute(NpgsqlCommand command) =>
        Record(command.CommandText, command.Parameters.Select(p => (object?)p.Value), command.Transaction is not null);

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
        foreach (var command in batch.BatchCommands)
        {
            Record(command.CommandText, command.Parameters.Cast<NpgsqlParameter>().Select(p => (object?)p.Value), batch.Transaction is not null);
        }
    }

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) =>
        _failures.Enqueue(new RecordedStatement(command.CommandText, [.. command.Parameters.Select(p => (object?)p.Value)], command.Transaction is not null));

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlBatch batch, Exception ex)
    {
        foreach (var command in batch.BatchCommands)
        {
            _failures.Enqueue(new RecordedStatement(command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>().Select(p => (object?)p.Value)], batch.Transaction is not null));
        }
    }

    public void LogFailure(Exception ex, string message)
    {
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    private void Record(string sql, IEnumerable<object?> values, bool inTransaction)
    {
        if (sql.Contains("mt_doc_orderreservation", StringComparison.Ordinal) || sql.Contains("mt_streams", StringComparison.Ordinal))
        {
            _statements.Enqueue(new RecordedStatement(sql, [.. values], inTransaction));
        }
    }
}
