using System.Net.Http.Json;
using Governance.ServiceTestSupport;
using Governance.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Governance.Console.Tests;

/// <summary>
/// Azurite, the service with the real governance processes, and one headless Debian chromium (driven by the
/// chromedriver of the same package, so their versions match; nothing is downloaded). ./test.sh installs them.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string StaffSecret = ServiceHost.StaffSecret;
    public const string AuditorSecret = ServiceHost.AuditorSecret;

    private Azurite? azurite;
    private ServiceHost? service;

    public Uri BaseAddress => service!.BaseAddress;
    public string ConnectionString => azurite!.ConnectionString;
    public string HubName { get; } = "con" + Guid.NewGuid().ToString("N")[..10];
    public ChromeDriver Browser { get; private set; } = null!;
    public HttpClient Staff { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        azurite = await Azurite.StartAsync();
        var settings = ServiceHost.Settings(azurite.ConnectionString, HubName);
        // A fixed simulated start: the instance page must show a provisional due date (one counted in a year without
        // its holiday notice), which with the real clock would depend on the day the tests run.
        settings["governance:clockStart"] = "2026-12-01T10:00:00+08:00";
        service = await ServiceHost.StartWithWorkflowsAsync(settings);
        Staff = service.Client("staff");
        Browser = StartBrowser();
    }

    private static ChromeDriver StartBrowser()
    {
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
        string driver = Environment.GetEnvironmentVariable("CHROMEDRIVER_PATH") ?? "/usr/bin/chromedriver";
        if (!File.Exists(chromium) || !File.Exists(driver))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's chromium ({chromium}) and chromium-driver ({driver}); ./test.sh installs them with apt-get.");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1800", "--lang=zh-CN", "--force-device-scale-factor=1");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>Waits (bounded) for a condition in the page, as a person would wait for it to show.</summary>
    public T Until<T>(Func<IWebDriver, T> condition, string what, int seconds = 30)
    {
        var wait = new WebDriverWait(Browser, TimeSpan.FromSeconds(seconds)) { Message = "waiting for " + what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Waits (bounded) until the page shows a text (the condition answers null until then).</summary>
    public string UntilText(Func<IWebDriver, string?> condition, string what, int seconds = 30) => Until(condition, what, seconds)!;

    public void SignIn(string secret)
    {
        Browser.Navigate().GoToUrl(new Uri(BaseAddress, "/console/"));
        ((IJavaScriptExecutor)Browser).ExecuteScript("sessionStorage.clear();");
        Browser.Navigate().GoToUrl(new Uri(BaseAddress, "/console/#/signin"));
        Browser.Navigate().Refresh();
        var key = Until(d => d.FindElement(By.Id("key")), "the sign-in form");
        key.SendKeys(secret);
        Browser.FindElement(By.Id("signin-submit")).Click();
        Until(d => d.FindElement(By.Id("who")).Text.Length > 0, "signed in");
    }

    /// <summary>A community project started over HTTP and brought to its support poll (survey and application accepted).</summary>
    public async Task<string> ProjectAtSupportPollAsync(string community)
    {
        string id = $"c-{Guid.NewGuid():N}"[..20];
        using (var start = await Staff.PostAsync($"/api/workflows/community-project?instanceId={id}",
            JsonContent.Create(new { street = "清源街道", community, year = 2026, projectName = "新居民之家", perProjectCap = 12000 })))
        {
            start.EnsureSuccessStatusCode();
        }

        await SubmitAsync(id, "NeedsSurveyCompleted", new { summary = "外来新居民需要儿童看护", respondentCount = 240, methods = new[] { "Questionnaire" } });
        await SubmitAsync(id, "ApplicationSubmitted", new
        {
            community, projectName = "新居民之家", purpose = "融入社区", plan = "每周活动", indicators = new[] { "服务200人次" },
            implementingTeam = "居委会", budgetLines = new[] { new { item = "物资", amount = 10000 } }, durationMonths = 6,
        });
        await WaitForStepAsync(id, "SupportPollCompleted");
        return id;
    }

    public async Task<HttpResponseMessage> SubmitAsync(string id, string step, object payload)
    {
        await WaitForStepAsync(id, step);
        var response = await Staff.PostAsync($"/api/workflows/{id}/events/{step}", JsonContent.Create(payload));
        return response;
    }

    public Task WaitForStepAsync(string id, string step) => Http.WaitForStepAsync(Staff, id, step);

    /// <summary>Saves a screenshot of the page; into CONSOLE_SCREENSHOT_DIR when set (the README's images come from there), else beside the test binaries.</summary>
    public string Screenshot(string name)
    {
        string dir = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOT_DIR") is { Length: > 0 } d ? Path.GetFullPath(d) : AppContext.BaseDirectory;
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        Browser.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public async Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        if (service is not null)
        {
            await service.DisposeAsync(); // its clients too
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
