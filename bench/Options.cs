namespace Shop.Bench;

/// <summary>
/// The command line scripts/bench.sh passes: where the repository and the shop's data are, the database, pgbench's
/// folder, --quick, and --replicas N when the shop now runs N processes of every service (only the order load is
/// measured then, and added to the report of the run just made).
/// </summary>
public sealed record Options(string Root, string Data, string Postgres, string PgBin, bool Quick, string Output, int Replicas)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unknown argument {args[i]}; usage: --root DIR --data DIR --postgres CONNECTION --pg-bin DIR [--quick] [--output DIR] [--replicas N]");
            }
        }

        var root = Required(values, "root");
        var data = Required(values, "data");
        // A quick run must not replace the committed report of a full one.
        var output = values.GetValueOrDefault("output") ?? (quick ? Path.Combine(data, "bench-quick") : Path.Combine(root, "bench", "results"));
        var replicas = int.Parse(values.GetValueOrDefault("replicas", "1"), System.Globalization.CultureInfo.InvariantCulture);
        return new Options(root, data, Required(values, "postgres"), Required(values, "pg-bin"), quick, output, replicas);
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
}
