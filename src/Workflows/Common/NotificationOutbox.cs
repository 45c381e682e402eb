using Azure;
using Azure.Data.Tables;
using Governance.Durable;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.Common;

/// <summary>Kinds of notice written to the outbox.</summary>
public static class NotificationKinds
{
    public const string Reminder = "Reminder";
    public const string Escalation = "Escalation";
    /// <summary>A round application was taken but is not reviewed (residents' support below the threshold).</summary>
    public const string ScreenedOut = "ScreenedOut";
    public const string PublicityPosted = "PublicityPosted";
    public const string ObjectionRaised = "ObjectionRaised";
    public const string ObjectionRuled = "ObjectionRuled";
    public const string PublicityEnded = "PublicityEnded";

    /// <summary>A waiting step was re-planned after a holiday notice was loaded (its due date moved or was confirmed).</summary>
    public const string DueDateReplanned = "DueDateReplanned";

    /// <summary>An election assembly missed its turnout quorum and is called again.</summary>
    public const string QuorumMissed = "QuorumMissed";

    /// <summary>Information for staff or residents that asks nothing (e.g. a linked project started, a term ended).</summary>
    public const string Notice = "Notice";
}

/// <summary>
/// A reminder, escalation or other notice about a step of an instance, addressed to a role. <see cref="NoticeId"/>
/// is deterministic within the instance (step, occurrence, notice), so writing it twice changes nothing.
/// </summary>
public sealed record Notification(
    string InstanceId,
    string NoticeId,
    string Workflow,
    string Street,
    string? Community,
    int Year,
    string? Round,
    string EventName,
    string StepZh,
    string StepEn,
    string Kind,
    string Recipient,
    int EscalationLevel,
    string EscalationLevelName,
    DateOnly? DueDate,
    DateOnly NoticeDate,
    DateTimeOffset NoticeAt,
    string MessageZh,
    string MessageEn);

/// <summary>
/// The notification outbox: Azure Table <c>{HubName}Notifications</c>, one partition per instance. A sender (mail,
/// SMS, WeCom) can drain it; staff and auditors read it at GET /api/notifications.
/// </summary>
public sealed class NotificationOutbox
{
    private const int MaxScannedRows = 5_000;
    private readonly TableClient table;
    private readonly Lazy<Task> created;

    public NotificationOutbox(IOptions<DurableTaskOptions> options)
    {
        var o = options.Value;
        TableName = o.HubName + "Notifications";
        table = new TableServiceClient(o.ConnectionString).GetTableClient(TableName);
        created = new Lazy<Task>(() => table.CreateIfNotExistsAsync(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string TableName { get; }

    /// <summary>Writes <paramref name="notification"/>; idempotent (upsert on a key derived from instance id and notice id).</summary>
    public async Task AddAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        await created.Value;
        var entity = new TableEntity(Key(notification.InstanceId), Key(notification.NoticeId))
        {
            ["InstanceId"] = notification.InstanceId,
            ["NoticeId"] = notification.NoticeId,
            ["Workflow"] = notification.Workflow,
            ["Street"] = notification.Street,
            ["Community"] = notification.Community,
            ["Year"] = notification.Year,
            ["Round"] = notification.Round,
            ["EventName"] = notification.EventName,
            ["StepZh"] = notification.StepZh,
            ["StepEn"] = notification.StepEn,
            ["Kind"] = notification.Kind,
            ["Recipient"] = notification.Recipient,
            ["EscalationLevel"] = notification.EscalationLevel,
            ["EscalationLevelName"] = notification.EscalationLevelName,
            ["DueDate"] = notification.DueDate?.ToString("yyyy-MM-dd"),
            ["NoticeDate"] = notification.NoticeDate.ToString("yyyy-MM-dd"),
            ["NoticeAt"] = notification.NoticeAt,
            ["MessageZh"] = notification.MessageZh,
            ["MessageEn"] = notification.MessageEn,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Newest first; every filter given must match. <paramref name="instanceId"/> also matches its sub-orchestrations' ids prefixed by it.</summary>
    public async Task<IReadOnlyList<Notification>> QueryAsync(string? instanceId, string? street, string? community, int top = 100, CancellationToken cancellationToken = default)
    {
        await created.Value;
        top = Math.Clamp(top, 1, 1000);
        var filters = new List<string>();
        if (!string.IsNullOrEmpty(instanceId))
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {Key(instanceId)}"));
        }

        if (!string.IsNullOrEmpty(street))
        {
            filters.Add(TableClient.CreateQueryFilter($"Street eq {street}"));
        }

        if (!string.IsNullOrEmpty(community))
        {
            filters.Add(TableClient.CreateQueryFilter($"Community eq {community}"));
        }

        var found = new List<Notification>();
        string? filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(FromEntity(e));
            if (found.Count >= MaxScannedRows)
            {
                break;
            }
        }

        return found.OrderByDescending(n => n.NoticeAt).ThenByDescending(n => n.NoticeId, StringComparer.Ordinal).Take(top).ToList();
    }

    private static Notification FromEntity(TableEntity e) => new(
        e.GetString("InstanceId"), e.GetString("NoticeId"), e.GetString("Workflow"), e.GetString("Street"), e.GetString("Community"),
        e.GetInt32("Year") ?? 0, e.GetString("Round"), e.GetString("EventName"), e.GetString("StepZh"), e.GetString("StepEn"),
        e.GetString("Kind"), e.GetString("Recipient"), e.GetInt32("EscalationLevel") ?? 0, e.GetString("EscalationLevelName"),
        e.GetString("DueDate") is { } due ? DateOnly.Parse(due) : null, DateOnly.Parse(e.GetString("NoticeDate")),
        e.GetDateTimeOffset("NoticeAt") ?? default, e.GetString("MessageZh"), e.GetString("MessageEn"));

    /// <summary>Table keys may not contain / \ # ? or control characters.</summary>
    internal static string Key(string value)
        => new(value.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).ToArray());
}

/// <summary>Writes one notification to the outbox. Activities run at least once; the outbox write is idempotent.</summary>
public sealed class RecordNotificationActivity(NotificationOutbox outbox) : TaskActivity<Notification, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, Notification input)
    {
        await outbox.AddAsync(input);
        return true;
    }
}
