using Azure;
using Azure.Data.Tables;
using OpenQA.Selenium;

namespace Governance.Console.Tests;

/// <summary>What street-office staff and auditors do in the console, in a real browser against the real service.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests(ConsoleFixture f)
{
    private IWebDriver B => f.Browser;

    private string Text(string id) => B.FindElement(By.Id(id)).Text;

    private void OpenFromSearch(string community, string id)
    {
        B.FindElement(By.CssSelector("nav a[href='#/search']")).Click();
        var field = f.Until(d => d.FindElement(By.Id("f-community")), "the search form");
        field.Clear();
        field.SendKeys(community);
        B.FindElement(By.CssSelector("#f-process option[value='community-project']")).Click();
        B.FindElement(By.Id("search-submit")).Click();
        var link = f.Until(d => d.FindElements(By.CssSelector("#results a.instance-link")).FirstOrDefault(a => a.Text == id), "the instance in the results");
        Assert.Contains("进行中", f.UntilText(d => d.FindElement(By.Id("counts")).Text is { Length: > 0 } t ? t : null, "counts per status"));
        link!.Click();
        f.Until(d => d.FindElements(By.CssSelector("#timeline li")).Count > 1, "the timeline");
    }

    [Fact]
    public async Task Staff_sign_in_search_open_an_instance_read_the_chinese_timeline_and_see_a_refusal_then_an_acceptance()
    {
        string community = "金华里社区";
        string id = await f.ProjectAtSupportPollAsync(community);

        f.SignIn(ConsoleFixture.StaffSecret);
        Assert.Equal("待办", f.UntilText(d => d.FindElement(By.Id("view-title")).Text is "待办" ? "待办" : null, "the inbox"));
        f.Until(d => d.FindElements(By.CssSelector("#inbox a.instance-link")).Any(a => a.Text.Contains(id)), "the instance in the inbox");
        OpenFromSearch(community, id);

        var timeline = B.FindElements(By.CssSelector("#timeline li")).Select(li => li.Text).ToList();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 金华里社区\(staff-key\) 启动流程：社区服务项目", timeline[0]);
        Assert.Contains(timeline, l => l.Contains("提交步骤：完成需求调查"));
        Assert.DoesNotContain(timeline, l => l.Contains("Task ") || l.Contains("任务完成"));
        Assert.Contains("群众评议(支持率)", Text("open-steps"));
        Assert.Contains("暂定", Text("open-steps")); // due dates in 2027 wait for the State Council's notice
        Assert.Contains("记录完整", f.UntilText(d => d.FindElement(By.Id("verify")).Text is { } t && t.Contains("记录完整") ? t : null, "the audit verification"));

        // A refusal: more supporters than respondents. The step stays open and the reason is shown in Chinese.
        var form = B.FindElement(By.CssSelector("form.step-form[data-event='SupportPollCompleted']"));
        form.FindElement(By.Id("in-SupportPollCompleted-respondents")).SendKeys("100");
        form.FindElement(By.Id("in-SupportPollCompleted-supporters")).SendKeys("120");
        form.FindElement(By.CssSelector("button.step-submit")).Click();
        string refusal = f.UntilText(d => d.FindElement(By.Id("outcome-SupportPollCompleted")).Text is { Length: > 0 } t ? t : null, "the outcome");
        Assert.StartsWith("被退回", refusal);
        Assert.Contains("超过受访人数", refusal);
        f.Until(d => d.FindElements(By.CssSelector("#timeline li")).Any(li => li.Text.Contains("提交被退回：录入群众评议结果")), "the refusal in the timeline");
        f.Screenshot("console-instance.png");

        var supporters = B.FindElement(By.Id("in-SupportPollCompleted-supporters"));
        supporters.Clear();
        supporters.SendKeys("49");
        B.FindElement(By.CssSelector("form.step-form[data-event='SupportPollCompleted'] button.step-submit")).Click();
        string accepted = f.UntilText(d => d.FindElement(By.Id("outcome-SupportPollCompleted")).Text is { } t && t.StartsWith("已受理") ? t : null, "the acceptance");
        Assert.Contains("支持率49.0%低于50%", accepted);
        Assert.DoesNotContain(B.FindElements(By.Id("trail")), _ => true); // the trail itself is for auditors
    }

    [Fact]
    public async Task An_auditor_reads_the_trail_verifies_it_sees_tampering_at_the_record_and_exports()
    {
        string community = "浏河社区";
        string id = await f.ProjectAtSupportPollAsync(community);
        using (var refused = await f.SubmitAsync(id, "SupportPollCompleted", new { respondents = 100, supporters = 120 }))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }

        f.SignIn(ConsoleFixture.AuditorSecret);
        Assert.Equal("检索", f.UntilText(d => d.FindElement(By.Id("view-title")).Text is "检索" ? "检索" : null, "the search page"));
        OpenFromSearch(community, id);
        f.Until(d => d.FindElements(By.CssSelector("#trail tbody tr")).Count >= 4, "the audit trail");
        string trail = Text("trail");
        Assert.Contains("instance.started", trail);
        Assert.Contains("submission.rejected", trail);
        Assert.Contains("auditor", Text("who").Replace("审计员", "auditor"));
        Assert.DoesNotContain(B.FindElements(By.CssSelector("form.step-form")), _ => true); // auditors read, never submit
        f.Until(d => d.FindElement(By.Id("verify")).Text.Contains("记录完整"), "intact");
        Assert.DoesNotContain("null", Text("links"));
        f.Screenshot("console-audit.png");

        // Someone deletes the third record directly in storage: verify names exactly that record.
        var history = new TableClient(f.ConnectionString, f.HubName + "History");
        await history.DeleteEntityAsync(id, "4|aud|r|000000000003", ETag.All);
        B.FindElement(By.Id("verify-btn")).Click();
        string broken = f.UntilText(d => d.FindElement(By.Id("verify")).Text is { } t && t.Contains("发现问题") ? t : null, "the mismatch");
        Assert.Contains("第 3 条", broken);
        Assert.Contains("missing", broken);

        B.FindElement(By.CssSelector("nav a[href='#/search']")).Click();
        f.Until(d => d.FindElement(By.Id("export-btn")), "the export button").Click();
        Assert.Matches(@"已导出 \d+ 字节：audit-export-\d+\.zip", f.UntilText(d => d.FindElement(By.Id("export-status")).Text is { } t && t.StartsWith("已导出") ? t : null, "the export"));
    }

    [Fact]
    public async Task English_is_one_click_away_and_a_wrong_key_is_refused()
    {
        string id = await f.ProjectAtSupportPollAsync("和平社区");
        B.Navigate().GoToUrl(new Uri(f.BaseAddress, "/console/"));
        ((IJavaScriptExecutor)B).ExecuteScript("sessionStorage.clear();");
        B.Navigate().GoToUrl(new Uri(f.BaseAddress, "/console/#/signin"));
        B.Navigate().Refresh();
        f.Until(d => d.FindElement(By.Id("key")), "the sign-in form").SendKeys("not-a-key-0123456789");
        B.FindElement(By.Id("signin-submit")).Click();
        Assert.Equal("密钥无效或已停用。", f.UntilText(d => d.FindElement(By.Id("signin-message")).Text is { Length: > 0 } t ? t : null, "the refusal"));

        f.SignIn(ConsoleFixture.StaffSecret);
        B.Navigate().GoToUrl(new Uri(f.BaseAddress, "/console/#/instance/" + id));
        f.Until(d => d.FindElements(By.CssSelector("#timeline li")).Count > 1, "the timeline");
        B.FindElement(By.Id("lang")).Click();
        Assert.Equal("Community governance console", f.UntilText(d => d.FindElement(By.Id("app-title")).Text is "Community governance console" ? "Community governance console" : null, "English"));
        f.Until(d => d.FindElements(By.CssSelector("#timeline li")).FirstOrDefault()?.Text.Contains("(China time)") == true, "the English timeline");
        Assert.Equal("en", B.FindElement(By.TagName("html")).GetAttribute("lang"));
        B.FindElement(By.Id("lang")).Click();
        f.Until(d => d.FindElement(By.Id("app-title")).Text == "社区治理流程控制台", "Chinese again");
    }

    [Fact]
    public async Task On_a_phone_screen_tables_become_stacked_cards_and_the_form_is_reachable_by_keyboard()
    {
        string id = await f.ProjectAtSupportPollAsync("清源社区");
        f.SignIn(ConsoleFixture.StaffSecret);
        var size = B.Manage().Window.Size;
        try
        {
            B.Manage().Window.Size = new System.Drawing.Size(390, 844);
            B.Navigate().GoToUrl(new Uri(f.BaseAddress, "/console/#/instance/" + id));
            f.Until(d => d.FindElements(By.CssSelector("#open-steps tbody tr")).Count > 0, "the open steps");
            Assert.Equal("none", B.FindElement(By.CssSelector("#open-steps thead")).GetCssValue("display"));
            Assert.Equal("block", B.FindElement(By.CssSelector("#open-steps tbody td")).GetCssValue("display"));
            var respondents = B.FindElement(By.Id("in-SupportPollCompleted-respondents"));
            Assert.Equal("respondents *", B.FindElement(By.CssSelector("label[for='in-SupportPollCompleted-respondents']")).Text.Split('\n')[0].Trim());
            respondents.SendKeys("100" + Keys.Tab);
            Assert.Equal("in-SupportPollCompleted-supporters", B.SwitchTo().ActiveElement().GetAttribute("id"));
        }
        finally
        {
            B.Manage().Window.Size = size;
        }
    }
}
