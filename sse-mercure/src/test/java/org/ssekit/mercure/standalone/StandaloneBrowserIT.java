package org.ssekit.mercure.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser's {@code EventSource} against the standalone hub, from its welcome page (same
 * origin), as the released conformance suite does: public updates arrive, private ones only with
 * the authorization cookie. Headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}); if it cannot start, the tests fail.
 */
class StandaloneBrowserIT {

  private static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
  private static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
  private static Server server;
  private static ChromeDriver driver;
  private static Path profile;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Main.Config c =
        Main.parse(
            new String[] {"--port", "0", "--host", "127.0.0.1", "--anonymous"},
            Map.of("MERCURE_PUBLISHER_JWT_KEY", StandaloneJarIT.CONFORMANCE_KEY),
            System.out);
    server = Main.start(c, new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"));
    base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    profile = Files.createTempDirectory("ssekit-mercure-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.stop();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** Subscribes with EventSource, publishes with fetch, and reports what arrived within 2 s. */
  private static final String SCRIPT =
      """
      const [selector, topic, isPrivate, token, id, done] = arguments;
      const url = new URL('/.well-known/mercure', window.origin);
      url.searchParams.append('topic', selector);
      const es = new EventSource(url);
      let got = false, fetched = null, finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        es.close();
        done({received: got, status: fetched ? fetched.status : 0, body: fetched ? fetched.body : ''});
      };
      es.onmessage = (e) => {
        if (e.lastEventId === id && e.data === 'data for\\n\\n  ' + id) { got = true; if (fetched) finish(); }
      };
      es.onopen = async () => {
        const body = new URLSearchParams();
        body.append('topic', topic);
        body.set('id', id);
        body.set('data', 'data for\\n\\n  ' + id);
        if (isPrivate) body.set('private', 'on');
        const resp = await fetch('/.well-known/mercure', {method: 'POST', headers: {Authorization: 'Bearer ' + token}, body});
        fetched = {status: resp.status, body: await resp.text()};
        if (got) finish();
        setTimeout(finish, 2000);
      };
      """;

  @SuppressWarnings("unchecked")
  private static Map<String, Object> run(String selector, String topic, boolean isPrivate, String id) {
    driver.get(base + "/");
    return (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(SCRIPT, selector, topic, isPrivate, StandaloneJarIT.CONFORMANCE_TOKEN, id);
  }

  @Test
  void eventSourceReceivesPublicUpdatesOfItsTemplate() {
    Map<String, Object> r = run("https://example.net/foo/{random}", "https://example.net/foo/a1b2c3", false, "browser-1");
    assertThat(r.get("status")).isEqualTo(200L);
    assertThat(r.get("body")).isEqualTo("browser-1");
    assertThat(r.get("received")).isEqualTo(Boolean.TRUE);
  }

  @Test
  void eventSourceWithoutTheCookieNeverReceivesPrivateUpdates() {
    driver.get(base + "/");
    driver.manage().deleteAllCookies();
    Map<String, Object> r = run("private-topic", "private-topic", true, "browser-2");
    assertThat(r.get("status")).isEqualTo(200L);
    assertThat(r.get("received")).isEqualTo(Boolean.FALSE);
  }

  @Test
  void eventSourceWithTheAuthorizationCookieReceivesPrivateUpdates() {
    driver.get(base + "/");
    ((JavascriptExecutor) driver).executeScript("document.cookie = 'mercureAuthorization=' + arguments[0] + '; path=/.well-known/mercure';", StandaloneJarIT.CONFORMANCE_TOKEN);
    try {
      Map<String, Object> r = run("https://example.net/{+path}", "https://example.net/a/b", true, "browser-3");
      assertThat(r.get("status")).isEqualTo(200L);
      assertThat(r.get("received")).isEqualTo(Boolean.TRUE);
    } finally {
      driver.manage().deleteAllCookies();
    }
  }
}
