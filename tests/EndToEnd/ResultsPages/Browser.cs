using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace EndToEnd.ResultsPages;

/// <summary>
/// Debian's headless Chromium driven through its chromedriver (<c>/usr/bin/chromedriver</c>, installed by
/// <c>deploy/infra.sh test-tools</c>): the driver path is given, so Selenium Manager downloads nothing; a fresh profile
/// folder per browser and every background network feature off (the machines have no internet).
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverFolder = "/usr/bin";
    public const string DriverFile = "chromedriver";

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "results-pages-chromium-" + Guid.NewGuid().ToString("N"));

    public Browser()
    {
        Assert.True(File.Exists(ChromiumPath) && File.Exists(Path.Combine(DriverFolder, DriverFile)),
            "chromium and chromium-driver are not installed: run ./deploy/infra.sh test-tools (./deploy/platform test does)");
        Directory.CreateDirectory(_profile);
        var service = ChromeDriverService.CreateDefaultService(DriverFolder, DriverFile);
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,2000", $"--user-data-dir={_profile}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
    }

    public ChromeDriver Driver { get; }

    /// <summary>
    /// Signs in through the gateway's form (<c>GET /sign-in</c> shows it; the POST puts the key in the HttpOnly cookie the
    /// pages accept), then drops what the sign-in page wrote to the console: only the results pages' own messages count.
    /// </summary>
    public void SignIn(Uri gateway, string key)
    {
        Driver.Navigate().GoToUrl(new Uri(gateway, "/sign-in?returnUrl=%2Fpages%2Fcampaigns"));
        Driver.FindElement(By.Name("key")).SendKeys(key);
        Driver.FindElement(By.TagName("form")).Submit();
        _ = ConsoleErrors();
    }

    /// <summary>Messages the page wrote to the console at level SEVERE (errors, blocked loads, CSP violations) since the last call.</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message).ToList();

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits; a leftover temp folder is harmless.
        }
    }
}
