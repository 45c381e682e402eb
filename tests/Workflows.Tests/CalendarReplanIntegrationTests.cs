using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Workflows.Tests;

/// <summary>
/// A step planned with the provisional 2027 calendar is re-planned when the 2027 notice is loaded (a restart with a
/// holidays file): new due date, the reminder timer moved, the change on the record; the instance then replays and
/// goes on. Real runtime on Azurite, fake clock moved only by the test.
/// </summary>
public sealed class CalendarReplanIntegrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Step = nameof(NeedsSurveyCompleted);

    // Test data, not the real 2027 notice: 春节 5–11 February without 调休, so 3 working days after 3 February is the 15th.
    private const string Notice2027 = """
        { "years": [ { "year": 2027, "source": "test data, not the real 2027 notice",
          "holidays": [ { "name": "春节", "nameEn": "Spring Festival", "from": "2027-02-05", "to": "2027-02-11" } ],
          "makeUpWorkdays": [] } ] }
        """;

    private static readonly DateTimeOffset Start = new(2027, 2, 3, 10, 0, 0, TimeSpan.FromHours(8)); // Wednesday
    private static readonly DateTimeOffset ProvisionalReminder = new(2027, 2, 12, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset NoticeReminder = new(2027, 2, 15, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Loading_the_2027_notice_moves_the_due_date_and_its_timers_and_records_the_change()
    {
        var clock = new FakeTimeProvider(Start);
        string hub = "R" + Guid.NewGuid().ToString("N")[..10], id = "proj-" + Guid.NewGuid().ToString("N")[..8];

        // 1. Planned with the provisional 2027 calendar (春节 5–10 February with 补假): due Friday 12 February.
        using (var host = StartHost(clock, hub, extraHolidays: null))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProjectLifecycleOrchestrator),
                new ProjectLifecycleInput("清源街道", "兴华园社区", 2027, "儿童空间", PerProjectCap: 10_000m), new StartOrchestrationOptions(id));
            var waiting = await UntilAsync(client, id, m => OpenStep(m) is { } s && m.NextTimerDueAt is not null);
            Assert.Equal(new DateOnly(2027, 2, 12), OpenStep(waiting)!.DueDate);
            Assert.Equal([2027], OpenStep(waiting)!.Provisional!.Years);
            Assert.Equal(ProvisionalReminder.UtcDateTime, waiting.NextTimerDueAt);
            await host.StopAsync();
        }

        // 2. Restarted with the 2027 notice: the step is re-planned to Monday 15 February, the reminder timer with it.
        using (var host = StartHost(clock, hub, Notice2027))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var replanned = await UntilAsync(client, id, m => OpenStep(m) is { DueDate.Day: 15 } && m.NextTimerDueAt == NoticeReminder.UtcDateTime);
            Assert.Null(OpenStep(replanned)!.Provisional);

            var outbox = host.Services.GetRequiredService<NotificationOutbox>();
            var moved = Assert.Single(await outbox.QueryAsync(id, null, null), n => n.Kind == NotificationKinds.DueDateReplanned);
            Assert.Equal("Due date of 'Needs survey' moved from 2027-02-12 to 2027-02-15 after the 2027 holiday notice.", moved.MessageEn);
            Assert.Equal("“需求调查”期限因2027年节假日安排通知由2027-02-12调整为2027-02-15。", moved.MessageZh);

            // The old reminder time passes without a notice; the new one sends the reminder for the new date.
            clock.SetUtcNow(NoticeReminder);
            var reminders = await UntilAsync(outbox, id, all => all.Any(n => n.Kind == NotificationKinds.Reminder));
            var reminder = Assert.Single(reminders, n => n.Kind == NotificationKinds.Reminder);
            Assert.Equal($"{Step}.1.r1.Reminder.0", reminder.NoticeId);
            Assert.Equal(new DateOnly(2027, 2, 15), reminder.DueDate);
            await host.StopAsync();
        }

        // 3. A new host replays the instance from history (no cache): the re-plan is replayed, not recomputed, and the step completes.
        using (var host = StartHost(clock, hub, Notice2027))
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            await client.SubmitAcceptedAsync(id, Step, new NeedsSurveyCompleted("需求", 120));
            var next = await UntilAsync(client, id, m => m.WaitingForEvents.Contains(nameof(ApplicationSubmitted)) || !m.IsRunning);
            Assert.Equal(OrchestrationRuntimeStatus.Running, next.RuntimeStatus);
            Assert.DoesNotContain(next.WaitingForEvents, CalendarChanged.IsCalendarEvent); // the new step's plan has the notice

            // This host's broadcast has run to its end before the history is read.
            await host.Services.GetServices<IHostedService>().OfType<CalendarChangeBroadcaster>().Single().ExecuteTask!;
            var history = await client.GetInstanceHistoryAsync(id, null);
            Assert.Single(history.OfType<EventRaisedEvent>(), e => e.Name == CalendarChanged.EventNameFor(HumanStep.StepToken(Step, 1))); // raised once, not again on restart
            await host.StopAsync();
        }
    }

    private IHost StartHost(TimeProvider clock, string hub, string? extraHolidays)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(clock);
        builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.HubName = hub;
            o.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(50);
        }).AddGovernanceWorkflows(s =>
        {
            s.CommunityProjects.CommunityStepWorkingDays = 3;
            s.ExtraHolidaysJson = extraHolidays;
        });
        return builder.Build();
    }

    private static OpenStep? OpenStep(OrchestrationMetadata m) => m.ReadCustomStatusAs<WorkflowStatus>()?.OpenSteps.FirstOrDefault(s => s.EventName == Step);

    private static Task<OrchestrationMetadata> UntilAsync(DurableTaskClient client, string id, Func<OrchestrationMetadata, bool> condition)
        => UntilAsync(async () => await client.GetInstanceAsync(id, getInputsAndOutputs: true), m => m is not null && condition(m), id);

    private static Task<IReadOnlyList<Notification>> UntilAsync(NotificationOutbox outbox, string id, Func<IReadOnlyList<Notification>, bool> condition)
        => UntilAsync(() => outbox.QueryAsync(id, null, null), condition, id + " notifications");

    // Polls only to let the worker catch up; nothing here depends on how long that takes.
    private static Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what)
        => Eventually.UntilAsync(probe, condition, what, pollMilliseconds: 20);
}
