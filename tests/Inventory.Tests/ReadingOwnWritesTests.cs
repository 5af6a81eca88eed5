using System.Diagnostics;
using JasperFx;
using Marten;
using Marten.Events;
using Shop.Inventory.Products;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Inventory.Tests;

/// <summary>A client reads what it has just written, one product or the whole list, by what the write answered.</summary>
public class ReadingOwnWritesTests(InventoryFixture fixture)
{
    [Theory]
    [InlineData("\"1\"")]
    [InlineData("W/\"1\"")]
    [InlineData("1")]
    public async Task a_read_waits_for_the_version_the_write_answered_as_its_etag(string header)
    {
        var id = await fixture.ProductAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}");
            s.WithRequestHeader(Versions.MinVersionHeader, header);
            s.StatusCodeShouldBeOk();
        });

        (await result.ReadAsJsonAsync<CatalogItem>())!.Version.ShouldBe(1);
    }

    [Fact]
    public async Task a_product_the_projection_has_not_written_is_read_from_its_events()
    {
        var id = await fixture.ProductAsync(name: "Unprojected lamp");
        await fixture.CatalogItemAsync(id);
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Delete<CatalogItem>(id);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}");
            s.StatusCodeShouldBeOk();
        });

        (await result.ReadAsJsonAsync<CatalogItem>())!.Name.ShouldBe("Unprojected lamp");
    }

    [Fact]
    public async Task a_read_asking_for_a_version_the_projection_has_not_reached_is_answered_from_the_events()
    {
        var id = await fixture.ProductAsync(name: "Old name");
        await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { name = "New name" }).ToUrl($"/products/{id}/name");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(200);
        });
        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        // The read model held back at version 1 (its document and Marten's version of it), as if the daemon
        // had not yet projected the rename.
        await Database.ExecuteAsync(
            $$"""
            update {{InventoryFixture.Schema}}.mt_doc_catalogitem
               set data = data || '{"name": "Old name", "version": 1}', mt_version = 1
             where id = '{{id}}'
            """,
            TestContext.Current.CancellationToken);

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}");
            s.WithRequestHeader(Versions.MinVersionHeader, "2");
            s.StatusCodeShouldBeOk();
        });

        var read = (await result.ReadAsJsonAsync<CatalogItem>())!;
        (read.Version, read.Name).ShouldBe((2L, "New name"));
        result.Context.Response.Headers.ETag.ToString().ShouldBe("\"2\"");
    }

    [Theory]
    [InlineData("one")]
    [InlineData("\"1")]
    [InlineData("-1")]
    public async Task a_min_version_that_is_no_etag_is_a_400(string header)
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{Guid.NewGuid()}");
            s.WithRequestHeader(Versions.MinVersionHeader, header);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task the_product_list_shows_a_new_product_when_asked_with_the_writes_consistency_token()
    {
        var name = $"Token lamp {Guid.NewGuid():N}";
        var added = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { sku = $"SKU-{Guid.NewGuid():N}", name, price = 3m, currency = "EUR" }).ToUrl("/products");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(201);
        });
        var token = added.Context.Response.Headers[ConsistencyTokens.Header].ToString();
        token.ShouldStartWith("inventory.");

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products?name={Uri.EscapeDataString(name)}");
            s.WithRequestHeader(ConsistencyTokens.Header, token);
            s.StatusCodeShouldBeOk();
        });

        (await result.ReadAsJsonAsync<Page<CatalogItem>>())!.Items.ShouldHaveSingleItem().Name.ShouldBe(name);
    }

    [Fact]
    public async Task a_consistency_token_of_another_service_is_a_400()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/products");
            s.WithRequestHeader(ConsistencyTokens.Header, "ordering.12");
            s.StatusCodeShouldBe(400);
        });
    }
}

/// <summary>
/// Holes in the event sequence, which every async projection must wait out. These tests read the
/// sequence itself, so they run alone.
/// </summary>
[Collection(nameof(SequenceHoles))]
public class SequenceHoles(InventoryFixture fixture)
{
    private const int Racers = 16;

    [Fact]
    public async Task the_losers_of_a_version_race_leave_no_hole_in_the_event_sequence()
    {
        var id = await fixture.ProductAsync();
        var store = fixture.Host.Services.GetRequiredService<IDocumentStore>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Racers).Select(async i =>
        {
            await using var session = store.LightweightSession();
            var stream = await session.Events.FetchForWriting<Product>(id, TestContext.Current.CancellationToken);
            stream.AppendOne(new ProductRenamed(id, $"Racer {i}"));
            try
            {
                await session.SaveChangesAsync(TestContext.Current.CancellationToken);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }));

        outcomes.ShouldContain(false, "the race had no loser; it proves nothing");
        var drawn = await Database.RowsAsync($"select last_value from {InventoryFixture.Schema}.mt_events_sequence", TestContext.Current.CancellationToken);
        var stored = await Database.RowsAsync($"select max(seq_id) from {InventoryFixture.Schema}.mt_events", TestContext.Current.CancellationToken);
        drawn.ShouldBe(stored, "a loser drew a sequence number it never used");
    }

    [Fact]
    public async Task a_hole_left_by_a_rolled_back_append_does_not_hold_the_next_write_back()
    {
        // What a transaction that appended and then rolled back leaves behind: a number drawn, never stored.
        await Database.ExecuteAsync($"select nextval('{InventoryFixture.Schema}.mt_events_sequence')", TestContext.Current.CancellationToken);
        var watch = Stopwatch.StartNew();

        var id = await fixture.ProductAsync();
        var item = await fixture.CatalogItemAsync(id, minVersion: 1);

        item.Id.ShouldBe(id);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1), $"the daemon waited out the hole for {watch.Elapsed} instead of seeing that nothing could fill it");
    }
}

[CollectionDefinition(nameof(SequenceHoles), DisableParallelization = true)]
public class SequenceHolesCollection;
