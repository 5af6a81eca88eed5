using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Core;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.Contracts;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.ServiceDefaults.ReadModels;
using Weasel.Core;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Http;
using Wolverine.Marten;
using Wolverine.RabbitMQ;

namespace Shop.ServiceDefaults.Persistence;

public static class MartenWolverineExtensions
{
    /// <summary>
    /// One schema per service holds its events, documents, projections, saga state and Wolverine's
    /// inbox and outbox, so an event, its inline read model and the outgoing message commit together.
    /// </summary>
    public static WebApplicationBuilder AddMartenAndWolverine(this WebApplicationBuilder builder, ShopService service, ShopSettings settings)
    {
        // Keys are read inside (de)serialization, so the serializer holds them from the start.
        var keys = new PersonalDataKeys(NpgsqlDataSource.Create(settings.Postgres), settings.Schema, TimeProvider.System);
        builder.Services.AddSingleton(keys);
        var marten = builder.Services.AddMarten(opts =>
            {
                ConfigureStore(opts, service, settings, keys);
                // The tables a rebuild fills beside the live read models are the owner's to create, like every other.
                opts.Storage.Add(new BesideTables(opts, BesideStore.Options(o => ConfigureStore(o, service, settings, keys))));
            });
        if (settings.ApplySchemaOnStartup)
        {
            // The chain trigger must be in place before the first event is appended.
            marten.ApplyAllDatabaseChangesOnStartup();
        }

        builder.Services.AddSingleton(services => new BesideStore(BesideStore.Options(o =>
        {
            ConfigureStore(o, service, settings, keys);
            BesideStore.ConfigureLikeLive(services, o);
        })));
        builder.Services.AddEventAppendWakeup(settings);
        builder.Services.AddSingleton<StreamChanges>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.ConfigureMarten((services, opts) =>
            opts.Listeners.Add(new ConsistencyTokenListener(service.Name, services.GetRequiredService<IHttpContextAccessor>())));

        marten.IntegrateWithWolverine(w =>
            {
                w.MessageStorageSchemaName = settings.Schema;
                w.UseWolverineManagedEventSubscriptionDistribution = true;
            });

        // Before Wolverine's own hosted service, so this node's liveness lock is held before its record exists.
        builder.Services.AddHostedService<CrashedNodes>();
        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = service.Name;
            opts.ApplicationAssembly = service.ApplicationAssembly;
            // Handlers and endpoints run from the code generated at build time (src/<service>/Internal/Generated,
            // rewritten by ./shop codegen): no compiler at start-up or on a message type's first arrival.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            opts.EnableRelayOfUserName = true;
            if (!settings.ApplySchemaOnStartup)
            {
                opts.AutoBuildMessageStorageOnStartup = AutoCreate.None;
            }

            opts.Policies.AutoApplyTransactions();
            // One line per handled message (type, envelope id; the trace id, which is the correlation id,
            // in the scope): the logs show where a checkout's messages went.
            opts.Policies.MessageSuccessLogLevel(LogLevel.Information);
            opts.Policies.UseDurableLocalQueues();
            opts.Policies.UseDurableInboxOnAllListeners();
            opts.Policies.UseDurableOutboxOnAllSendingEndpoints();
            // Late redeliveries inside this window are recognised by the inbox and dropped.
            opts.Durability.KeepAfterMessageHandling = DeliveryGuarantees.KeepHandledInboxRows;
            // Elect a leader and hand out projection shards within seconds of start-up, not tens of seconds.
            // A heartbeat a second: a crashed replica is known dead (CrashedNodes) two seconds after it stopped,
            // and a survivor takes over leadership on its next beat.
            opts.Durability.FirstHealthCheckExecution = 1.Seconds();
            opts.Durability.HealthCheckPollingTime = 1.Seconds();
            opts.Durability.StaleNodeTimeout = DeliveryGuarantees.CrashedNodeTimeout;
            opts.Durability.OutboxStaleTime = DeliveryGuarantees.StuckOutboxRow;
            // No waiting for other nodes to turn up before agents are handed out: after a crash the
            // restarted node is alone, and its projections waited for nobody (1.5 s instead of 3.5 s).
            opts.Durability.AssignmentSettlePeriod = TimeSpan.Zero;
            // An agent moved off a crashed node is held for its new owner for twice this period (a minute
            // by default) before it may be placed again: after a crash the projections waited that long
            // (3 s here kept a killed replica's agents stopped 14 s in a replica fault run; with 1 s, 3.1–6.5 s).
            opts.Durability.CheckAssignmentPeriod = 1.Seconds();
            // Scheduled retries (a failed handler's later tries, a notification's next attempt) are stored:
            // look for due ones every second so they fire on time.
            opts.Durability.ScheduledJobFirstExecution = 1.Seconds();
            opts.Durability.ScheduledJobPollingTime = 1.Seconds();

            // A lost optimistic-concurrency race (or a duplicate insert) is retried at once against the
            // new state, with jittered back-off so racing handlers spread out instead of colliding again.
            // A handler made to fail on purpose (tests, rehearsals) is dead-lettered at once: there is nothing to retry.
            opts.Policies.AddMiddleware(typeof(HandlerFaultsMiddleware));
            opts.Policies.AddMiddleware(typeof(OneTransactionPerWrite), OneTransactionPerWrite.Writes);
            opts.Policies.OnException<HandlerFailedOnPurposeException>().MoveToErrorQueue();
            opts.Policies.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>()
                .RetryWithCooldown([.. Enumerable.Range(0, 12).Select(i => TimeSpan.FromMilliseconds(Math.Min(10 * Math.Pow(2, i), 500)))])
                .WithFullJitter()
                .Then.ScheduleRetry(1.Seconds(), 5.Seconds())
                .Then.MoveToErrorQueue();
            opts.Policies.OnAnyException()
                .RetryWithCooldown(50.Milliseconds(), 250.Milliseconds())
                .Then.ScheduleRetry(1.Seconds(), 5.Seconds(), 30.Seconds())
                .Then.MoveToErrorQueue();

            var rabbit = opts.UseRabbitMq(factory =>
                {
                    factory.Uri = new Uri(settings.RabbitMq);
                    // A broker back from a restart is reconnected to within a second, not the client's default five:
                    // until then no message moves (fault runs saw checkouts wait 11 s after the broker was back).
                    factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(1);
                    // A publish waits for the broker's confirm, and a request that sent a message waits for
                    // its publish: on a connection whose packets are lost, until the connection is known dead.
                    // The broker's default (60 s heartbeats, 30 s connect timeout) kept checkouts waiting out
                    // a whole network partition; these bound the wait to a few seconds, after which the message
                    // stays in the outbox and the connection is reopened.
                    factory.RequestedHeartbeat = BrokerConnection.Heartbeat;
                    factory.RequestedConnectionTimeout = BrokerConnection.ConnectTimeout;
                })
                .AutoProvision()
                .DeclareExchange(Exchanges.Orders, e => e.ExchangeType = ExchangeType.Topic)
                .DeclareExchange(Exchanges.Users, e => e.ExchangeType = ExchangeType.Topic)
                .WithShopDeliveryGuarantees(opts);
            if (builder.Configuration.GetValue("Shop:PurgeQueuesOnStartup", false))
            {
                rabbit.AutoPurgeOnStartup();
            }
            service.Wolverine(opts);
        });

        builder.Services.AddSingleton<HandlerFaults>();
        builder.Services.AddSingleton<BrokerDeadLetterQueue>();
        builder.Services.AddSingleton<DeadLetterAdmin>();
        builder.Services.AddHostedService<DeliveryGuaranteeCheck>();
        builder.Services.AddWolverineHttp();
        return builder;
    }

    /// <summary>The service's store: its schema, serializer, metadata and document types, then the service's own projections.</summary>
    private static void ConfigureStore(StoreOptions opts, ShopService service, ShopSettings settings, PersonalDataKeys keys)
    {
        opts.Connection(EventLogStorage.PooledConnectionString(settings.Postgres));
        opts.DatabaseSchemaName = settings.Schema;
        EventLogStorage.Configure(opts, settings.Schema);
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json => json.Converters.Add(new SealedPersonalData(keys)));
        opts.Storage.Add(new PersonalDataSchema(opts));
        // Every document type is declared up front, so db-apply creates its table: a service
        // running as its app role cannot create one on first use.
        opts.Schema.For<UniqueValue>();
        opts.Schema.For<IdempotentRequest>().UseNumericRevisions(true);
        opts.Schema.For<ProjectionRebuild>().UseOptimisticConcurrency(true);
        opts.Schema.For<AuditVerification>();
        opts.Listeners.Add(new IdempotentEffects());
        // How many events each write folds to rebuild its aggregate (marten.fetch_for_writing.events_replayed):
        // a stream that only grows shows here before it slows its writes.
        opts.OpenTelemetry.TrackFetchForWritingMetrics();
        if (!settings.ApplySchemaOnStartup)
        {
            opts.AutoCreateSchemaObjects = AutoCreate.None;
        }

        opts.MapEventNames(service.ApplicationAssembly);
        service.Marten(opts);
    }
}
