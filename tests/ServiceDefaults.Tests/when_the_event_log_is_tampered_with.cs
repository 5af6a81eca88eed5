using Shop.ServiceDefaults.Audit.Chain;
using static Shop.ServiceDefaults.Tests.EventChainFixture;

namespace Shop.ServiceDefaults.Tests;

/// <summary>Each edit is made as the database superuser, after a checkpoint, and must be named at its exact place.</summary>
public class when_the_event_log_is_tampered_with(EventChainFixture log) : IClassFixture<EventChainFixture>, IAsyncLifetime
{
    private const string Forged = """{"item":"bread","count":1000}""";

    public async ValueTask InitializeAsync() => await log.GivenACheckpointedLogAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task an_untouched_log_verifies()
    {
        var report = await log.Audit.VerifyAsync(CancellationToken.None);

        report.Problems.ShouldBeEmpty();
        (report.Events, report.Streams, report.Checkpoints).ShouldBe((10, 3, 1));
        (await log.ScalarAsync($"SELECT count(*) FROM {Schema}.{EventChainSchema.ChainTable}")).ShouldBe(10L);
    }

    [Fact]
    public async Task events_appended_after_the_checkpoint_verify_and_the_next_checkpoint_covers_them()
    {
        var store = log.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(log.B, new Counted("bread", 4));
            await session.SaveChangesAsync();
        }

        (await log.Host.Services.GetRequiredService<Checkpoints>().TakeAsync(CancellationToken.None)).ShouldBeTrue();
        (await log.Host.Services.GetRequiredService<Checkpoints>().TakeAsync(CancellationToken.None)).ShouldBeFalse();
        (await log.Audit.VerifyAsync(CancellationToken.None)).Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task replicas_taking_a_checkpoint_at_the_same_moment_sign_it_once()
    {
        var store = log.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(log.C, new Counted("milk", 2));
            await session.SaveChangesAsync();
        }

        var before = Convert.ToInt64(await log.ScalarAsync($"select count(*) from {EventChainFixture.Schema}.mt_event_checkpoints"), System.Globalization.CultureInfo.InvariantCulture);
        var checkpoints = log.Host.Services.GetRequiredService<Checkpoints>();
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => checkpoints.TakeAsync(CancellationToken.None))));

        taken.Count(t => t).ShouldBe(1);
        Convert.ToInt64(await log.ScalarAsync($"select count(*) from {EventChainFixture.Schema}.mt_event_checkpoints"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(before + 1);
        (await log.Audit.VerifyAsync(CancellationToken.None)).Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_rejected_append_leaves_no_chain_row()
    {
        var store = log.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(log.A, 3, new Counted("apple", 99));
            await Should.ThrowAsync<JasperFx.ConcurrencyException>(() => session.SaveChangesAsync());
        }

        (await log.Audit.VerifyAsync(CancellationToken.None)).Problems.ShouldBeEmpty();
        (await log.ScalarAsync($"SELECT count(*) FROM {Schema}.{EventChainSchema.ChainTable}")).ShouldBe(10L);
    }

    [Fact]
    public async Task changed_data_of_a_middle_event_is_altered_at_that_event()
    {
        await log.TamperAsync($"UPDATE {Schema}.mt_events SET data = jsonb_set(data, '{{count}}', '200') WHERE stream_id = '{log.A}' AND version = 2");

        await FirstProblemShouldBe(ProblemKinds.Altered, log.A, 2, await log.SequenceOfAsync(log.A, 2));
    }

    [Fact]
    public async Task a_changed_type_is_altered_at_that_event()
    {
        await log.TamperAsync($"UPDATE {Schema}.mt_events SET type = 'renamed' WHERE stream_id = '{log.B}' AND version = 2");

        await FirstProblemShouldBe(ProblemKinds.Altered, log.B, 2, await log.SequenceOfAsync(log.B, 2));
    }

    [Fact]
    public async Task a_changed_timestamp_is_altered_at_that_event()
    {
        await log.TamperAsync($"UPDATE {Schema}.mt_events SET timestamp = timestamp - interval '1 day' WHERE stream_id = '{log.C}' AND version = 1");

        await FirstProblemShouldBe(ProblemKinds.Altered, log.C, 1, await log.SequenceOfAsync(log.C, 1));
    }

    [Fact]
    public async Task a_changed_user_is_altered_at_that_event()
    {
        await log.TamperAsync($"UPDATE {Schema}.mt_events SET user_name = 'mallory' WHERE stream_id = '{log.A}' AND version = 4");

        await FirstProblemShouldBe(ProblemKinds.Altered, log.A, 4, await log.SequenceOfAsync(log.A, 4));
    }

    [Fact]
    public async Task two_events_with_their_data_swapped_are_altered_at_the_earlier()
    {
        await log.TamperAsync($"""
            UPDATE {Schema}.mt_events e SET data = o.data FROM {Schema}.mt_events o
            WHERE e.stream_id = '{log.A}' AND o.stream_id = '{log.A}' AND e.version + o.version = 6 AND e.version IN (1, 5)
            """);

        var report = await log.Audit.VerifyAsync(CancellationToken.None);
        report.Problems.Select(p => (p.Kind, p.Version)).ShouldBe([(ProblemKinds.Altered, 1L), (ProblemKinds.Altered, 5L)]);
        report.FirstProblem!.Sequence.ShouldBe(await log.SequenceOfAsync(log.A, 1));
    }

    [Fact]
    public async Task a_deleted_middle_event_is_deleted_at_its_version_and_sequence()
    {
        var sequence = await log.SequenceOfAsync(log.A, 3);
        await log.TamperAsync($"DELETE FROM {Schema}.mt_events WHERE seq_id = {sequence}");

        await FirstProblemShouldBe(ProblemKinds.Deleted, log.A, 3, sequence);
    }

    [Fact]
    public async Task the_last_event_deleted_after_a_checkpoint_is_deleted_at_its_version_and_sequence()
    {
        var sequence = await log.SequenceOfAsync(log.A, 5);
        await log.TamperAsync($"DELETE FROM {Schema}.mt_events WHERE seq_id = {sequence}; UPDATE {Schema}.mt_streams SET version = 4 WHERE id = '{log.A}'");

        await FirstProblemShouldBe(ProblemKinds.Deleted, log.A, 5, sequence);
    }

    [Fact]
    public async Task a_forged_event_with_the_next_version_written_past_the_trigger_is_inserted()
    {
        // session_replication_role = replica is how a superuser writes without firing triggers.
        await log.TamperAsync($"""
            SET session_replication_role = replica;
            INSERT INTO {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            SELECT nextval('{Schema}.mt_events_sequence'), gen_random_uuid(), stream_id, 4, '{Forged}', type, now(), tenant_id, mt_dotnet_type
            FROM {Schema}.mt_events WHERE stream_id = '{log.B}' AND version = 3;
            UPDATE {Schema}.mt_streams SET version = 4 WHERE id = '{log.B}';
            """);

        await FirstProblemShouldBe(ProblemKinds.Inserted, log.B, 4, await log.SequenceOfAsync(log.B, 4));
    }

    [Fact]
    public async Task an_updated_chain_row_is_altered_at_its_event()
    {
        var sequence = await log.SequenceOfAsync(log.B, 2);
        await log.TamperAsync($"UPDATE {Schema}.{EventChainSchema.ChainTable} SET hash = sha256('forged') WHERE seq_id = {sequence}");

        await FirstProblemShouldBe(ProblemKinds.Altered, log.B, 2, sequence);
    }

    [Fact]
    public async Task a_deleted_chain_row_leaves_its_event_unchained_which_is_inserted()
    {
        var sequence = await log.SequenceOfAsync(log.B, 2);
        await log.TamperAsync($"DELETE FROM {Schema}.{EventChainSchema.ChainTable} WHERE seq_id = {sequence}");

        await FirstProblemShouldBe(ProblemKinds.Inserted, log.B, 2, sequence);
    }

    [Fact]
    public async Task a_stream_cut_short_with_its_chain_and_record_is_truncated_where_the_checkpoint_says_it_went_on()
    {
        await log.TamperAsync($"""
            DELETE FROM {Schema}.mt_events WHERE stream_id = '{log.A}' AND version > 3;
            DELETE FROM {Schema}.{EventChainSchema.ChainTable} WHERE stream_id = '{log.A}' AND version > 3;
            UPDATE {Schema}.mt_streams SET version = 3 WHERE id = '{log.A}';
            """);

        await FirstProblemShouldBe(ProblemKinds.Truncated, log.A, 4, null);
    }

    [Fact]
    public async Task a_whole_checkpointed_stream_removed_is_truncated()
    {
        await log.TamperAsync($"""
            DELETE FROM {Schema}.mt_events WHERE stream_id = '{log.C}';
            DELETE FROM {Schema}.{EventChainSchema.ChainTable} WHERE stream_id = '{log.C}';
            DELETE FROM {Schema}.mt_streams WHERE id = '{log.C}';
            """);

        await FirstProblemShouldBe(ProblemKinds.Truncated, log.C, 1, null);
    }

    [Fact]
    public async Task an_altered_event_whose_chain_is_recomputed_in_the_database_is_caught_by_the_checkpoint()
    {
        var sequence = await log.SequenceOfAsync(log.C, 2);
        await log.TamperAsync($"""
            UPDATE {Schema}.mt_events SET data = '{Forged}' WHERE seq_id = {sequence};
            DELETE FROM {Schema}.{EventChainSchema.ChainTable} WHERE seq_id = {sequence};
            SELECT {Schema}.mt_event_chain_append(e) FROM {Schema}.mt_events e WHERE seq_id = {sequence};
            """);

        await FirstProblemShouldBe(ProblemKinds.Altered, log.C, 2, sequence);
    }

    [Fact]
    public async Task a_tampered_checkpoint_signature_is_a_bad_signature()
    {
        await log.TamperAsync($"UPDATE {Schema}.{EventChainSchema.CheckpointTable} SET signature = set_byte(signature, 10, (get_byte(signature, 10) + 1) % 256)");

        var problem = await FirstProblemAsync();
        problem.Kind.ShouldBe(ProblemKinds.BadSignature);
        problem.Checkpoint.ShouldBe((long?)await log.ScalarAsync($"SELECT max(id) FROM {Schema}.{EventChainSchema.CheckpointTable}"));
    }

    [Fact]
    public async Task a_checkpoint_head_moved_back_breaks_its_signature()
    {
        await log.TamperAsync($"UPDATE {Schema}.{EventChainSchema.HeadTable} SET version = 3 WHERE stream_id = '{log.A}'");

        (await FirstProblemAsync()).Kind.ShouldBe(ProblemKinds.BadSignature);
    }

    [Fact]
    public async Task the_installed_chain_matches_what_marten_would_apply()
    {
        var store = log.Host.Services.GetRequiredService<Marten.IDocumentStore>();

        await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync();
    }

    [Fact]
    public async Task events_appended_while_the_trigger_is_disabled_are_inserted_and_the_next_migration_enables_it_again()
    {
        var store = log.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        await log.TamperAsync($"ALTER TABLE {Schema}.mt_events DISABLE TRIGGER mt_event_chain");
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(log.C, new Counted("cheese", 8));
            await session.SaveChangesAsync();
        }

        await FirstProblemShouldBe(ProblemKinds.Inserted, log.C, 3, await log.SequenceOfAsync(log.C, 3));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        (await log.ScalarAsync($"SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'mt_event_chain' AND tgrelid = '{Schema}.mt_events'::regclass")).ShouldBe("O");
    }

    [Fact]
    public async Task events_written_before_the_chain_was_installed_are_chained_when_it_is()
    {
        await log.TamperAsync($"""
            DROP FUNCTION {Schema}.mt_event_chain_link() CASCADE;
            TRUNCATE {Schema}.{EventChainSchema.ChainTable}, {Schema}.{EventChainSchema.CheckpointTable}, {Schema}.{EventChainSchema.HeadTable};
            """);

        await log.Host.Services.GetRequiredService<Marten.IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var report = await log.Audit.VerifyAsync(CancellationToken.None);
        report.Problems.ShouldBeEmpty();
        (await log.ScalarAsync($"SELECT count(*) FROM {Schema}.{EventChainSchema.ChainTable}")).ShouldBe(10L);
    }

    private async Task FirstProblemShouldBe(string kind, Guid stream, long version, long? sequence)
    {
        var problem = await FirstProblemAsync();
        (problem.Kind, problem.StreamId, problem.Version, problem.Sequence).ShouldBe((kind, (Guid?)stream, (long?)version, sequence), problem.Detail);
    }

    private async Task<ChainProblem> FirstProblemAsync()
    {
        var report = await log.Audit.VerifyAsync(CancellationToken.None);
        report.Valid.ShouldBeFalse();
        return report.FirstProblem!;
    }
}
