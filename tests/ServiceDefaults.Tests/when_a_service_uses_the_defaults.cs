using System.Text.Json;

namespace Shop.ServiceDefaults.Tests;

public class when_a_service_uses_the_defaults(SmallServiceFixture fixture) : IClassFixture<SmallServiceFixture>
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task liveness_answers_200()
    {
        await Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task readiness_is_200_and_names_postgres_and_rabbitmq_when_both_answer()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });

        var checks = await ChecksOf(result);
        checks["postgres"].ShouldBe("Healthy");
        checks["rabbitmq"].ShouldBe("Healthy");
    }

    [Fact]
    public async Task an_exception_in_an_endpoint_is_a_problem_details_500_without_internals()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/boom");
            s.StatusCodeShouldBe(500);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var body = await result.ReadAsTextAsync();
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe(500);
        problem.RootElement.TryGetProperty("traceId", out _).ShouldBeTrue();
        problem.RootElement.GetProperty("code").GetString().ShouldBe("internal_error");
        body.ShouldNotContain("secret internals");
        body.ShouldNotContain("InvalidOperationException");
        body.ShouldNotContain(" at ");
    }

    [Fact]
    public async Task a_request_without_a_token_to_a_protected_endpoint_is_401_problem_details()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/protected");
            s.StatusCodeShouldBe(401);
            s.ContentTypeShouldBe("application/problem+json");
        });

        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("code").GetString().ShouldBe("unauthenticated");
    }

    [Fact]
    public async Task a_lost_race_is_a_409_whose_code_says_so()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/race");
            s.StatusCodeShouldBe(409);
        });

        JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("code").GetString().ShouldBe("concurrency_conflict");
    }

    [Fact]
    public async Task a_request_with_a_garbage_token_is_401()
    {
        await Host.Scenario(s =>
        {
            s.Get.Url("/protected");
            s.WithRequestHeader("Authorization", "Bearer not.a.token");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task metrics_are_served_in_prometheus_text_format()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/metrics");
            s.StatusCodeShouldBeOk();
        });

        result.Context.Response.ContentType.ShouldNotBeNull().ShouldStartWith("text/plain");
        (await result.ReadAsTextAsync()).ShouldContain("# TYPE ");
    }

    [Fact]
    public async Task answers_carry_security_headers()
    {
        var result = await Host.Scenario(s => s.Get.Url("/health/live"));

        result.Context.Response.Headers.XContentTypeOptions.ToString().ShouldBe("nosniff");
        result.Context.Response.Headers.XFrameOptions.ToString().ShouldBe("DENY");
    }

    internal static async Task<Dictionary<string, string>> ChecksOf(IScenarioResult result)
    {
        using var json = JsonDocument.Parse(await result.ReadAsTextAsync());
        return json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
    }
}
