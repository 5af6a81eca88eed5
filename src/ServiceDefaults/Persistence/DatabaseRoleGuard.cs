using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// Outside Development a service refuses to start as a database superuser or as the owner of its
/// schema: either could rewrite the event log. It must run as its app role.
/// </summary>
public sealed class DatabaseRoleGuard(ShopSettings settings, IHostEnvironment environment, ILogger<DatabaseRoleGuard> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsDevelopment())
        {
            return;
        }

        DatabaseRole role;
        try
        {
            role = await DatabaseRole.OfAsync(settings.Postgres, settings.Schema, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // The database being down must not stop the service starting; it will find out on first use.
            log.LogWarning(e, "Could not check the database role at start-up");
            return;
        }

        if (role.Problem(settings.Schema) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Who a connection string logs in as, as far as the event log's safety goes.</summary>
public sealed record DatabaseRole(string Name, bool Superuser, bool OwnsSchema)
{
    public static async Task<DatabaseRole> OfAsync(string connectionString, string schema, CancellationToken ct)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand(
            "select current_user, r.rolsuper, coalesce(pg_get_userbyid(n.nspowner) = current_user, false) " +
            "from pg_roles r left join pg_namespace n on n.nspname = $1 where r.rolname = current_user");
        command.Parameters.AddWithValue(schema);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DatabaseRole(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
    }

    public string? Problem(string schema) => (Superuser, OwnsSchema) switch
    {
        (true, _) => $"Refusing to run as the database superuser '{Name}': run as the service's app role (see scripts/infra.sh).",
        (_, true) => $"Refusing to run as '{Name}', the owner of schema '{schema}': the owner applies the schema; the service runs as its app role.",
        _ => null,
    };
}
