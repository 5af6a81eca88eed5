using Npgsql;
using Shop.ServiceDefaults.Persistence;
using Shop.Testing;

namespace Shop.ServiceDefaults.Tests;

public class when_a_service_checks_its_database_role
{
    private const string Schema = "defaults_role_guard";

    [Fact]
    public async Task a_superuser_or_the_schema_owner_is_refused_and_the_app_role_accepted()
    {
        await Database.ExecuteAsync($"""
            do $$ begin
              if not exists (select from pg_roles where rolname = 'guard_tests_owner') then create role guard_tests_owner login password 'guard_tests_owner'; end if;
              if not exists (select from pg_roles where rolname = 'guard_tests_app') then create role guard_tests_app login password 'guard_tests_app'; end if;
            end $$;
            create schema if not exists {Schema} authorization guard_tests_owner;
            """);

        var superuser = await DatabaseRole.OfAsync(Database.ConnectionString, Schema, TestContext.Current.CancellationToken);
        var owner = await DatabaseRole.OfAsync(As("guard_tests_owner"), Schema, TestContext.Current.CancellationToken);
        var app = await DatabaseRole.OfAsync(As("guard_tests_app"), Schema, TestContext.Current.CancellationToken);

        superuser.Problem(Schema).ShouldNotBeNull().ShouldContain("superuser");
        owner.Problem(Schema).ShouldNotBeNull().ShouldContain("owner of schema");
        app.Problem(Schema).ShouldBeNull();
    }

    private static string As(string role) =>
        new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Password = role }.ConnectionString;
}
