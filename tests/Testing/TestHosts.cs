using Alba;
using Microsoft.AspNetCore.Hosting;
using Wolverine;

namespace Shop.Testing;

/// <summary>How every service test starts its service.</summary>
public static class TestHosts
{
    /// <summary>
    /// The service on a schema of its own, quiet logs, Wolverine as the only node (so projections
    /// start at once), tokens from <paramref name="tokens"/> when given, and no broker unless asked.
    /// </summary>
    public static Task<IAlbaHost> StartAsync<TProgram>(string schema, TestTokens? tokens, bool broker = false, Action<IWebHostBuilder>? adjust = null)
        where TProgram : class =>
        AlbaHost.For<TProgram>(x =>
        {
            x.UseSetting("Shop:Schema", schema);
            x.UseSetting("Logging:LogLevel:Default", "Warning");
            adjust?.Invoke(x);
            x.ConfigureServices(s =>
            {
                tokens?.Install(s);
                s.RunWolverineInSoloMode();
                if (!broker)
                {
                    s.DisableAllExternalWolverineTransports();
                }
            });
        });
}
