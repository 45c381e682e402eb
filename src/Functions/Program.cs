using Governance.Functions.Demo;
using Governance.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Governance.Functions;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        bool demo = args.Contains("demo");
        WebApplication app;
        try
        {
            app = GovernanceApp.Build(args, new GovernanceAppOptions { Demo = demo });
        }
        catch (Exception ex) when (Unwrap(ex) is OptionsValidationException invalid)
        {
            return Report(invalid);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            Console.Error.WriteLine("The service did not start: " + ex.Message);
            return 2;
        }

        try
        {
            if (demo)
            {
                return await DemoRunner.RunAsync(app);
            }

            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (Unwrap(ex) is OptionsValidationException invalid)
        {
            return Report(invalid);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            Console.Error.WriteLine("The service could not start: " + ex.Message + " Stop the other process or pass --urls.");
            return 1;
        }
    }

    private static int Report(OptionsValidationException invalid)
    {
        Console.Error.WriteLine("Configuration error, the service did not start:");
        foreach (string failure in invalid.Failures)
        {
            Console.Error.WriteLine("  - " + failure);
        }

        return 2;
    }

    private static Exception Unwrap(Exception ex) => ex is AggregateException { InnerExceptions.Count: > 0 } agg ? Unwrap(agg.InnerExceptions[0]) : ex;
}
