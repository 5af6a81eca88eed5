using System.Text.Json;
using Shop.Gateway.Routing;
using Shop.Testing;

namespace Shop.Gateway.Tests;

public class GatewayTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData("GET", "/api/users/me", "identity", "/users/me")]
    [InlineData("GET", "/api/orders?pageSize=5", "ordering", "/orders?pageSize=5")]
    [InlineData("POST", "/api/orders/abc/checkout", "ordering", "/orders/abc/checkout")]
    [InlineData("GET", "/api/products/42", "inventory", "/products/42")]
    [InlineData("POST", "/api/products", "inventory", "/products")]
    public async Task each_prefix_reaches_its_service_without_the_api_prefix_and_with_the_token(string method, string url, string service, string path)
    {
        var echo = await SendAsync<Echo>(method, url, fixture.Tokens.Customer(Guid.NewGuid()), 200);

        echo.ShouldBe(new Echo(service, method, path, true, echo!.TraceParent));
        echo.TraceParent.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("GET", "/api/products")]
    [InlineData("GET", "/api/products/42")]
    [InlineData("POST", "/api/users")]
    public async Task registering_and_browsing_the_catalog_need_no_token(string method, string url)
    {
        await SendAsync<Echo>(method, url, token: null, 200);
    }

    [Theory]
    [InlineData("GET", "/api/users/me")]
    [InlineData("GET", "/api/orders")]
    [InlineData("POST", "/api/orders")]
    [InlineData("POST", "/api/products")]
    [InlineData("GET", "/api/payments")]
    [InlineData("GET", "/api/notifications")]
    [InlineData("GET", "/api/dashboard")]
    [InlineData("GET", "/api/admin/dead-letters")]
    [InlineData("GET", "/api/admin/projections")]
    [InlineData("GET", "/api/admin/correlations/4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("GET", "/api/admin/audit")]
    public async Task everything_else_is_401_without_a_valid_token(string method, string url)
    {
        await SendAsync<object>(method, url, token: null, 401);
        await SendAsync<object>(method, url, token: "not-a-token", 401);
    }

    [Fact]
    public async Task the_location_of_what_a_service_created_is_an_address_a_client_can_follow_through_the_gateway()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl("/api/orders/placed");
            s.Bearer(fixture.Tokens.Customer(Guid.NewGuid()));
            s.StatusCodeShouldBe(201);
        });

        result.Context.Response.Headers.Location.ToString().ShouldBe("/api/orders/placed/1");
    }

    [Theory]
    [InlineData("/orders/1", "/api/orders/1")]
    [InlineData("/api/orders/1", "/api/orders/1")]
    [InlineData("http://shop.example/orders/1", "http://shop.example/orders/1")]
    [InlineData("//shop.example/orders/1", "//shop.example/orders/1")]
    [InlineData("", "")]
    public void only_a_services_own_path_gains_the_public_prefix(string location, string expected)
    {
        PublicLocations.Public(location, "/api").ShouldBe(expected);
    }

    [Fact]
    public async Task a_service_that_refuses_connections_is_a_503_naming_it()
    {
        var problem = await SendAsync<JsonElement>("GET", "/api/payments?orderId=1", fixture.Tokens.Customer(Guid.NewGuid()), 503);

        problem.GetProperty("service").GetString().ShouldBe("payments");
    }

    [Fact]
    public async Task a_service_that_does_not_answer_in_time_is_a_503_naming_it()
    {
        var problem = await SendAsync<JsonElement>("GET", "/api/orders/hang", fixture.Tokens.Customer(Guid.NewGuid()), 503);

        problem.GetProperty("service").GetString().ShouldBe("ordering");
    }

    [Fact]
    public async Task the_dashboard_returns_the_parts_that_answered_and_names_the_one_that_did_not()
    {
        var dashboard = await SendAsync<JsonElement>("GET", "/api/dashboard", fixture.Tokens.Customer(Guid.NewGuid()), 200);

        dashboard.GetProperty("profile").GetProperty("service").GetString().ShouldBe("identity");
        dashboard.GetProperty("orders").GetProperty("path").GetString().ShouldBe("/orders?pageSize=5");
        dashboard.GetProperty("notifications").ValueKind.ShouldBe(JsonValueKind.Null);
        dashboard.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()).ShouldBe(["notifications"]);
    }

    [Fact]
    public async Task the_shops_dead_letters_add_up_every_service_that_answered_and_name_the_one_that_did_not()
    {
        var all = await SendAsync<JsonElement>("GET", "/api/admin/dead-letters?groupBy=message-type", fixture.Tokens.Auditor(), 200);

        all.GetProperty("total").GetInt32().ShouldBe(8);
        all.GetProperty("services").EnumerateObject().Select(s => s.Name).Order().ShouldBe(["identity", "inventory", "notifications", "ordering"]);
        all.GetProperty("services").GetProperty("ordering").GetProperty("groupedBy").GetString().ShouldBe("message-type");
        all.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()).ShouldBe(["payments"]);
        await SendAsync<object>("GET", "/api/admin/dead-letters", fixture.Tokens.Customer(Guid.NewGuid()), 403);
        await SendAsync<object>("GET", "/api/admin/dead-letters?groupBy=colour", fixture.Tokens.Admin(), 400);
    }

    [Fact]
    public async Task the_shops_projections_and_backlogs_come_from_every_service_that_answered()
    {
        var all = await SendAsync<JsonElement>("GET", "/api/admin/projections", fixture.Tokens.Admin(), 200);

        all.GetProperty("services").EnumerateObject().Select(s => s.Name).Order().ShouldBe(["identity", "inventory", "notifications", "ordering"]);
        all.GetProperty("services").GetProperty("inventory").GetProperty("outboxPending").GetInt32().ShouldBe(1);
        all.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()).ShouldBe(["payments"]);
        await SendAsync<object>("GET", "/api/admin/projections", fixture.Tokens.Customer(Guid.NewGuid()), 403);
    }

    [Fact]
    public async Task the_shops_audit_results_come_from_every_service_that_answered_even_one_never_verified()
    {
        var all = await SendAsync<JsonElement>("GET", "/api/admin/audit", fixture.Tokens.Auditor(), 200);

        all.GetProperty("services").GetProperty("identity").GetProperty("latest").ValueKind.ShouldBe(JsonValueKind.Null);
        all.GetProperty("services").GetProperty("ordering").GetProperty("latest").GetProperty("valid").GetBoolean().ShouldBeTrue();
        all.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()).ShouldBe(["payments"]);
    }

    [Fact]
    public async Task a_correlation_is_followed_through_every_service_in_the_order_its_events_happened()
    {
        var followed = await SendAsync<JsonElement>("GET", "/api/admin/correlations/4bf92f3577b34da6a3ce929d0e0e4736", fixture.Tokens.Auditor(), 200);

        followed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("service").GetString())
            .ShouldBe(["ordering", "inventory", "identity", "notifications"]);
        followed.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()).ShouldBe(["payments"]);
        await SendAsync<object>("GET", "/api/admin/correlations/4bf92f3577b34da6a3ce929d0e0e4736", fixture.Tokens.Customer(Guid.NewGuid()), 403);
        await SendAsync<object>("GET", "/api/admin/correlations/not%20one", fixture.Tokens.Admin(), 400);
    }

    [Fact]
    public async Task every_answer_carries_the_requests_trace_id_as_correlation_id()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/api/products");
            s.WithRequestHeader("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        });

        result.Context.Response.Headers["X-Correlation-ID"].ToString().ShouldBe(traceId);
        (await result.ReadAsJsonAsync<Echo>())!.TraceParent.ShouldNotBeNull().ShouldContain(traceId);
    }

    [Fact]
    public async Task log_in_requests_to_either_token_endpoint_beyond_the_limit_get_429_with_retry_after()
    {
        var forwarded = (await SendAsync<Echo>("POST", "/api/oauth/token", token: null, 200))!;
        (forwarded.Service, forwarded.Path).ShouldBe(("identity", "/oauth/token"));
        for (var i = 1; i < GatewayFixture.TokenPerMinute; i++)
        {
            await SendAsync<Echo>("POST", "/api/auth/token", token: null, 200);
        }

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.FormData(new() { ["grant_type"] = "password", ["username"] = "x@example.com", ["password"] = "guess" }).ToUrl("/api/oauth/token");
            s.StatusCodeShouldBe(429);
        });

        int.Parse(result.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        result.Context.Response.ContentType.ShouldNotBeNull().ShouldStartWith("application/problem+json");
    }

    [Fact]
    public async Task the_gateways_own_health_answers()
    {
        await SendAsync<object>("GET", "/health", token: null, 200);
        await SendAsync<object>("GET", "/health/live", token: null, 200);
    }

    private async Task<T?> SendAsync<T>(string method, string url, string? token, int expected)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            if (method == "POST")
            {
                s.Post.Json(new { }).ToUrl(url);
            }
            else
            {
                s.Get.Url(url);
            }

            if (token is not null)
            {
                s.Bearer(token);
            }

            s.StatusCodeShouldBe(expected);
        });
        return await result.ReadAsJsonAsync<T>();
    }
}
