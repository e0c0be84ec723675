package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.ssekit.EventStream;
import org.ssekit.examples.audit.AuditApp;
import org.ssekit.examples.microblog.MicroblogApp;
import org.ssekit.examples.notifications.NotificationsApp;

/**
 * Drives the demo in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}):
 * two windows of the microblog, two users' notification pages, a reloaded audit feed, and a
 * screenshot of every page under {@code target/screenshots/}. If the browser cannot start, every
 * test here fails: a browser test that did not run is not a pass.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicroblogBrowserIT {

  private static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

  private static DemoServer server;
  private static ChromeDriver driver;
  private static Path profile;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = Main.start(new Options("127.0.0.1", 0, "memory"), Map.of());
    profile = Files.createTempDirectory("ssekit-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--window-size=1200,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options); // throws (and so fails the tests) if Chromium cannot start
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws IOException {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private static String url(String path) {
    return server.uri().resolve(path).toString();
  }

  private static String window(String path) {
    driver.switchTo().newWindow(WindowType.WINDOW);
    driver.get(url(path));
    return driver.getWindowHandle();
  }

  private static void awaitStreams(String topic, int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> server.hub().streamCount(topic) >= count);
  }

  private static long likes() {
    return Long.parseLong(driver.findElement(By.cssSelector("#stats [data-counter=like] b")).getText().trim());
  }

  @Test
  @Order(1)
  void aReactionClickedInOneWindowShowsTheNewCountInTheOtherWithinASecond() {
    int before = server.hub().streamCount(MicroblogApp.TOPIC);
    String first = window("posts/1");
    awaitStreams(MicroblogApp.TOPIC, before + 1);
    // the first window records when its like counter changes, on its own clock
    ((JavascriptExecutor) driver)
        .executeScript(
            "var initial = document.querySelector('#stats [data-counter=like] b').textContent.trim();"
                + "window.likeChangedAt = 0;"
                + "new MutationObserver(function () {"
                + "  var b = document.querySelector('#stats [data-counter=like] b');"
                + "  if (b && b.textContent.trim() !== initial && !window.likeChangedAt) {"
                + "    window.likeChangedAt = Date.now(); window.likeSeen = b.textContent.trim(); }"
                + "}).observe(document.getElementById('stats'), {childList: true, subtree: true, characterData: true});");
    long likesBefore = likes();

    String second = window("posts/1");
    awaitStreams(MicroblogApp.TOPIC, before + 2);
    // the second window records when the click happens, on the same clock as the first window
    ((JavascriptExecutor) driver)
        .executeScript(
            "window.clickedAt = 0;"
                + "document.getElementById('stats').addEventListener('click', function () {"
                + "  if (!window.clickedAt) { window.clickedAt = Date.now(); } }, true);");
    driver.findElement(By.cssSelector("#stats [data-counter=like]")).click();
    long clickedAt = ((Number) ((JavascriptExecutor) driver).executeScript("return window.clickedAt;")).longValue();
    assertThat(clickedAt).isPositive();

    driver.switchTo().window(first);
    JavascriptExecutor js = (JavascriptExecutor) driver;
    await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) js.executeScript("return window.likeChangedAt;")).longValue() > 0);
    long changedAt = ((Number) js.executeScript("return window.likeChangedAt;")).longValue();
    assertThat(js.executeScript("return window.likeSeen;")).isEqualTo(String.valueOf(likesBefore + 1));
    assertThat(likes()).isEqualTo(likesBefore + 1);
    assertThat(changedAt - clickedAt).as("ms from the click in one window to the new count in the other").isLessThan(1000);
    System.out.printf("reaction latency between windows: %d ms%n", changedAt - clickedAt);
    // the counter that changed carries the highlight
    assertThat(driver.findElement(By.cssSelector("#stats [data-counter=like]")).getAttribute("class")).contains("bump");
    driver.switchTo().window(second).close();
    driver.switchTo().window(first).close();
    driver.switchTo().window(driver.getWindowHandles().iterator().next());
  }

  @Test
  @Order(2)
  void theFeedShowsEveryPostAsACardWhoseCountersFollowViewsAndReactionsElsewhere() {
    int before = server.hub().streamCount(MicroblogApp.FEED_TOPIC);
    String feed = window("posts");
    awaitStreams(MicroblogApp.FEED_TOPIC, before + 1);
    assertThat(driver.findElements(By.cssSelector("#feed li.card"))).hasSizeGreaterThan(1);
    By views = By.cssSelector("#feed li.card[data-post='2'] [data-counter=views]");
    By likes = By.cssSelector("#feed li.card[data-post='2'] [data-counter=like] b");
    long viewsBefore = Long.parseLong(driver.findElement(views).findElement(By.tagName("b")).getText().trim());
    long likesBefore = Long.parseLong(driver.findElement(likes).getText().trim());

    String post = window("posts/2"); // counts a view
    driver.findElement(By.cssSelector("#stats [data-counter=like]")).click();

    driver.switchTo().window(feed);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Long.parseLong(driver.findElement(likes).getText().trim()) == likesBefore + 1);
    long viewsNow = viewsBefore + 1;
    assertThat(driver.findElement(views).getText().trim()).isEqualTo(viewsNow + (viewsNow == 1 ? " view" : " views"));
    // the other cards kept their own counters: only post 2's card swapped
    assertThat(driver.findElement(By.cssSelector("#feed li.card[data-post='1'] [data-counter=like]")).getAttribute("class"))
        .doesNotContain("bump");
    driver.switchTo().window(post).close();
    driver.switchTo().window(feed).close();
    driver.switchTo().window(driver.getWindowHandles().iterator().next());
  }

  @Test
  @Order(3)
  void aNotificationToAliceShowsInAlicesWindowAndNotInBobs() {
    int before = server.hub().streamCount(NotificationsApp.TOPIC);
    String alice = window("notifications?user=alice");
    awaitStreams(NotificationsApp.TOPIC, before + 1);
    String bob = window("notifications?user=bob");
    awaitStreams(NotificationsApp.TOPIC, before + 2);
    String secret = "for alice only " + UUID.randomUUID();
    String marker = "for bob " + UUID.randomUUID();

    // bob sends to alice through the page's form
    new Select(driver.findElement(By.name("to"))).selectByValue("alice");
    driver.findElement(By.name("text")).sendKeys(secret);
    driver.findElement(By.cssSelector("form.send button")).click();

    driver.switchTo().window(alice);
    await().atMost(Duration.ofSeconds(5)).until(() -> driver.findElement(By.id("notifications")).getText().contains(secret));
    // alice answers bob; once bob has that, he would have had the earlier one too had it been his
    new Select(driver.findElement(By.name("to"))).selectByValue("bob");
    driver.findElement(By.name("text")).sendKeys(marker);
    driver.findElement(By.cssSelector("form.send button")).click();

    driver.switchTo().window(bob);
    await().atMost(Duration.ofSeconds(5)).until(() -> driver.findElement(By.id("notifications")).getText().contains(marker));
    assertThat(driver.findElement(By.id("notifications")).getText()).doesNotContain(secret);
    driver.switchTo().window(alice);
    assertThat(driver.findElement(By.id("notifications")).getText()).contains(secret).doesNotContain(marker);
    driver.switchTo().window(bob).close();
    driver.switchTo().window(alice).close();
    driver.switchTo().window(driver.getWindowHandles().iterator().next());
  }

  @Test
  @Order(3)
  void aReloadedAuditFeedShowsEveryRecordExactlyOnce() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    int before = server.hub().streamCount(AuditApp.TOPIC);
    window("audit");
    awaitStreams(AuditApp.TOPIC, before + 1);
    post("{\"actor\":\"ci\",\"action\":\"deployed\",\"target\":\"" + run + "-a\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> driver.findElement(By.id("audit")).getText().contains(run + "-a"));

    driver.navigate().refresh();
    post("{\"actor\":\"ci\",\"action\":\"deployed\",\"target\":\"" + run + "-b\"}");
    await().atMost(Duration.ofSeconds(5)).until(() -> driver.findElement(By.id("audit")).getText().contains(run + "-b"));
    // the page remembers where its stream is: the next connection resumes after the newest record shown
    String b = server.audit().snapshot().lastEventId().orElseThrow();
    assertThat(driver.findElement(By.id("audit")).getAttribute("sse-connect")).endsWith("lastEventId=" + b);

    // the connection drops (the server ends the stream); the browser reconnects with Last-Event-ID
    server.hub().streams().stream().filter(s -> s.topic().equals(AuditApp.TOPIC)).forEach(EventStream::close);
    post("{\"actor\":\"ci\",\"action\":\"deployed\",\"target\":\"" + run + "-c\"}");
    // every stream of the topic was closed before -c was recorded: seeing it proves the reconnect
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("audit")).getText().contains(run + "-c"));

    List<String> targets =
        driver.findElements(By.cssSelector("#audit .target")).stream().map(WebElement::getText).filter(t -> t.startsWith(run)).toList();
    assertThat(targets).containsExactly(run + "-a", run + "-b", run + "-c");
    driver.close();
    driver.switchTo().window(driver.getWindowHandles().iterator().next());
  }

  private static void post(String json) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url("audit")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(202);
  }

  @Test
  @Order(4)
  void screenshotsOfEveryPage() throws Exception {
    Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    Files.createDirectories(dir);
    server.microblog().blog().react(1, org.ssekit.examples.microblog.Reaction.LOVE);
    server.notifications().send("alice", "bob", "The dashboard is live, have a look");
    server.audit().record("alice", "updated", "post 1");

    shoot(dir, "index", "", By.cssSelector(".cards"));
    shoot(dir, "microblog", "posts/1", By.cssSelector("#stats [data-counter=like]"));
    shoot(dir, "feed", "posts", By.cssSelector("#feed li.card [data-counter=like]"));
    shoot(dir, "notifications", "notifications?user=alice", By.cssSelector("#notifications li"));
    driver.get(url("dashboard"));
    // the chart script counts the samples it has drawn; the first event holds the last minute's
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Integer.parseInt(driver.findElement(By.id("chart")).getAttribute("data-samples")) >= 3);
    assertThat(driver.findElement(By.id("cpu")).getText()).isNotEqualTo("–");
    assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("live");
    save(dir, "dashboard");
    shoot(dir, "audit", "audit", By.cssSelector("#audit li"));
    for (String name : List.of("index", "microblog", "feed", "notifications", "dashboard", "audit")) {
      assertThat(dir.resolve(name + ".png")).isNotEmptyFile();
    }
  }

  private static void shoot(Path dir, String name, String path, By ready) throws IOException {
    driver.get(url(path));
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(ready).isEmpty());
    save(dir, name);
  }

  private static void save(Path dir, String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(dir.resolve(name + ".png"), png);
    assertThat(png.length).as(name + ".png").isGreaterThan(1000);
  }
}
