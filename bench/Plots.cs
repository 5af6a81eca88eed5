using ScottPlot;

namespace Shop.Bench;

/// <summary>The report's two images.</summary>
public static class Plots
{
    private const int Width = 900;
    private const int Height = 450;
    private const int Bins = 40;

    public static void LatencyHistogram(OrderResults orders, string path)
    {
        var plot = new Plot();
        var values = orders.SteadyLatenciesMs;
        if (values.Count > 0)
        {
            var top = values.Max() * 1.02;
            var width = top / Bins;
            var counts = new double[Bins];
            foreach (var value in values)
            {
                counts[Math.Min(Bins - 1, (int)(value / width))]++;
            }

            var bars = plot.Add.Bars(Enumerable.Range(0, Bins).Select(i => (i + 0.5) * width).ToArray(), counts);
            foreach (var bar in bars.Bars)
            {
                bar.Size = width * 0.9;
            }

            Mark(plot, orders.CheckoutToConfirmed.P50, "p50", Colors.Green);
            Mark(plot, orders.CheckoutToConfirmed.P95, "p95", Colors.Orange);
            Mark(plot, orders.CheckoutToConfirmed.P99, "p99", Colors.Red);
            plot.ShowLegend();
        }

        plot.Title($"Checkout to Confirmed at {orders.TargetOrdersPerSecond:F1} orders/s (70% of saturation), {values.Count} orders");
        plot.XLabel("milliseconds");
        plot.YLabel("orders");
        plot.SavePng(path, Width, Height);
    }

    public static void Throughput(OrderResults orders, string path)
    {
        var plot = new Plot();
        foreach (var phase in orders.Timeline.GroupBy(p => p.Phase))
        {
            var line = plot.Add.Scatter(phase.Select(p => p.Second).ToArray(), phase.Select(p => (double)p.Confirmed).ToArray());
            line.LegendText = phase.Key;
        }

        plot.ShowLegend();
        plot.Title("Confirmed orders per second: rising concurrency, then a steady 70% of saturation");
        plot.XLabel("seconds since the load started");
        plot.YLabel("orders confirmed in that second");
        plot.SavePng(path, Width, Height);
    }

    private static void Mark(Plot plot, double x, string name, Color color)
    {
        var line = plot.Add.VerticalLine(x);
        line.Color = color;
        line.LegendText = $"{name} {x:F0} ms";
    }
}
