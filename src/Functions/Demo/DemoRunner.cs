using System.Net.Http.Json;
using System.Text.Json;
using Governance.Durable;
using Governance.Functions.Api;
using Governance.Functions.Hosting;
using Governance.Functions.Security;
using Governance.Workflows.Catalog;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Governance.Functions.Demo;

/// <summary>
/// Demo mode: starts the service (same storage, accelerated clock) and runs every registered
/// <see cref="IDemoScenario"/> end to end through the service's own HTTP API, printing each instance's timeline.
/// </summary>
public static class DemoRunner
{
    /// <summary>
    /// Runs every scenario against the started service; 0 when all succeeded, 1 when one failed, 130 when stopped
    /// (Ctrl-C / SIGTERM stop the host, and with it the demo between two requests).
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, TextWriter? output = null, TimeSpan? scenarioTimeout = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        try
        {
            return await RunScenariosAsync(app, output, scenarioTimeout, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            output.WriteLine("Demo stopped.");
            return 130;
        }
    }

    private static async Task<int> RunScenariosAsync(WebApplication app, TextWriter output, TimeSpan? scenarioTimeout, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        try
        {
            string baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            string key = app.Configuration[GovernanceApp.DemoKeyConfig] ?? throw new InvalidOperationException("Demo key missing.");
            var time = app.Services.GetRequiredService<TimeProvider>();
            var scenarios = app.Services.GetServices<IDemoScenario>().ToList();
            string hub = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DurableTaskOptions>>().Value.HubName;
            output.WriteLine($"演示模式 / Demo mode: {scenarios.Count} scenario(s), task hub {hub} (demo only), simulated now {DemoClockText.Format(time.GetUtcNow())}.");
            output.WriteLine("时间均为北京时间 (UTC+8) / all times are China Standard Time.");
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add(FunctionKeyAuthenticationHandler.HeaderName, key);
            var catalog = new Lazy<Task<List<CatalogEntry>>>(async () =>
                await http.GetFromJsonAsync<List<CatalogEntry>>("api/workflows/catalog", DurableJson.Options, cancellationToken) ?? []);
            int failures = 0;
            foreach (var scenario in scenarios)
            {
                var driver = new HttpDemoDriver(http, output, time, await catalog.Value);
                output.WriteLine();
                output.WriteLine($"=== {scenario.Name} ===");
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(scenarioTimeout ?? scenario.Timeout);
                    await scenario.RunAsync(driver, timeout.Token);
                    output.WriteLine($"--- {scenario.Name}: done");
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    output.WriteLine($"--- {scenario.Name}: FAILED: {ex.Message}");
                    foreach (string id in driver.Instances)
                    {
                        await driver.PrintStatusAsync(id, cancellationToken);
                    }
                }

                foreach (string id in driver.Instances)
                {
                    await driver.PrintTimelineAsync(id, cancellationToken);
                }
            }

            output.WriteLine();
            output.WriteLine($"Demo finished: {scenarios.Count - failures} scenario(s) succeeded, {failures} failed.");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>IDemoDriver over the service's HTTP API.</summary>
public sealed class HttpDemoDriver(HttpClient http, TextWriter output, TimeProvider time, IReadOnlyList<CatalogEntry>? catalog = null) : IDemoDriver
{
    /// <summary>The Chinese name of the step each instance waited for, as the service described it.</summary>
    private readonly Dictionary<(string InstanceId, string EventName), string> stepNames = [];

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Nulls are written: the API treats every constructor parameter as required, nullable ones included.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Write = new(DurableJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public List<string> Instances { get; } = [];

    public async Task<string> StartAsync(string workflowName, object input, string? instanceId, CancellationToken cancellationToken)
    {
        string url = $"api/workflows/{Uri.EscapeDataString(workflowName)}" + (instanceId is null ? string.Empty : $"?instanceId={Uri.EscapeDataString(instanceId)}");
        using var response = await http.PostAsync(url, JsonContent.Create(input, input.GetType(), options: Write), cancellationToken);
        await EnsureAsync(response, $"start {workflowName}");
        var payload = await response.Content.ReadFromJsonAsync<CheckStatusPayload>(DurableJson.Options, cancellationToken);
        Track(payload!.Id);
        string process = catalog?.FirstOrDefault(c => c.Name == workflowName)?.DisplayNameZh ?? workflowName;
        Say($"[{Now}] 启动“{process}” → {payload.Id}");
        return payload.Id;
    }

    public async Task WaitForStepAsync(string instanceId, string eventName, CancellationToken cancellationToken)
    {
        Track(instanceId);
        while (true)
        {
            // A sub-process may not exist yet (its parent starts it after a publicity period, say): keep polling.
            var detail = await TryGetAsync(instanceId, cancellationToken);
            if (detail is null)
            {
                await Task.Delay(Poll, cancellationToken);
                continue;
            }

            if (detail.WaitingFor.FirstOrDefault(w => w.EventName == eventName) is { } step)
            {
                if (step.StepZh is { } name)
                {
                    lock (stepNames)
                    {
                        stepNames[(instanceId, eventName)] = name;
                    }
                }

                return;
            }

            if (detail.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended))
            {
                throw new InvalidOperationException($"Instance {instanceId} is {detail.RuntimeStatus}; it will never wait for '{eventName}'.");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    public async Task SubmitAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken, string? stepToken = null)
    {
        string query = stepToken is null ? string.Empty : "?stepToken=" + Uri.EscapeDataString(stepToken);
        for (int attempt = 1; ; attempt++)
        {
            using var response = await http.PostAsync($"api/workflows/{Uri.EscapeDataString(instanceId)}/events/{Uri.EscapeDataString(eventName)}{query}",
                JsonContent.Create(payload, payload.GetType(), options: Write), cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
                // The step is not open (yet, or again): the refusal kept nothing for later, so wait for the step to
                // open and resubmit; the step token keeps a resubmission from landing in another occurrence.
                await Task.Delay(Poll, cancellationToken);
                await WaitForStepAsync(instanceId, eventName, cancellationToken);
                continue;
            }

            await EnsureAsync(response, $"submit {eventName} to {instanceId}");
            Say($"[{Now}] {instanceId}：提交“{StepName(instanceId, eventName)}”");
            return;
        }
    }

    public async Task WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var detail = await GetAsync(instanceId, cancellationToken);
            if (detail.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                string outcome = detail.RuntimeStatus switch
                {
                    OrchestrationRuntimeStatus.Completed => "流程完成",
                    OrchestrationRuntimeStatus.Failed => "流程失败",
                    _ => "流程被终止",
                };
                Say($"[{Now}] {instanceId}：{outcome} ({detail.RuntimeStatus})");
                return;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    public void Say(string line)
    {
        lock (output)
        {
            output.WriteLine("  " + line);
        }
    }

    private void Track(string instanceId)
    {
        lock (Instances)
        {
            if (!Instances.Contains(instanceId))
            {
                Instances.Add(instanceId);
            }
        }
    }

    public async Task PrintStatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/workflows/{Uri.EscapeDataString(instanceId)}", cancellationToken);
        output.WriteLine($"  Status of {instanceId}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    public async Task PrintTimelineAsync(string instanceId, CancellationToken cancellationToken)
    {
        var timeline = await http.GetFromJsonAsync<List<TimelineEntry>>($"api/workflows/{Uri.EscapeDataString(instanceId)}/history", DurableJson.Options, cancellationToken);
        output.WriteLine($"  Timeline of {instanceId}:");
        foreach (var e in (timeline ?? []).Where(IsStory))
        {
            output.WriteLine($"    {DemoClockText.Format(new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)))}  {e.WhatZh}  ({e.By})");
        }
    }

    private string Now => DemoClockText.Format(time.GetUtcNow());

    /// <summary>The story leaves out the runtime's bookkeeping (activity results, timers, shown with internal names and UTC times).</summary>
    internal static bool IsStory(TimelineEntry entry) => entry.EventType is not (nameof(TaskCompletedEvent) or nameof(TimerCreatedEvent) or nameof(TimerFiredEvent));

    private string StepName(string instanceId, string eventName)
    {
        lock (stepNames)
        {
            if (stepNames.TryGetValue((instanceId, eventName), out string? name))
            {
                return name;
            }
        }

        return catalog?.SelectMany(c => c.Events).FirstOrDefault(e => e.Name == eventName)?.DisplayNameZh ?? eventName;
    }

    private async Task<InstanceDetail?> TryGetAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"api/workflows/{Uri.EscapeDataString(instanceId)}", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, $"read {instanceId}");
        return await response.Content.ReadFromJsonAsync<InstanceDetail>(DurableJson.Options, cancellationToken);
    }

    private async Task<InstanceDetail> GetAsync(string instanceId, CancellationToken cancellationToken)
        => (await http.GetFromJsonAsync<InstanceDetail>($"api/workflows/{Uri.EscapeDataString(instanceId)}", DurableJson.Options, cancellationToken))!;

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Could not {what}: {(int)response.StatusCode} {body}");
        }
    }
}

/// <summary>The demo tells its story in China Standard Time (UTC+8, no daylight saving).</summary>
internal static class DemoClockText
{
    public static string Format(DateTimeOffset time)
        => time.ToOffset(Governance.Domain.Calendar.ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
