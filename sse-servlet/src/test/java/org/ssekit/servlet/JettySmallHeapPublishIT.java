package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 15.1 over HTTP: {@link SmallHeapPublishMain} runs Jetty in a JVM with {@code -Xmx64m}
 * and POSTs 160 topics × 20 events of 64 KiB (200 MiB, about 3× the heap) with the default
 * history budget and {@code maxTopics} 150: every POST is answered 202 (the oldest history
 * evicted) or 429 (a topic beyond the bound), never an {@link OutOfMemoryError}, and a stream
 * opened afterwards gets live events.
 */
class JettySmallHeapPublishIT {

  @Test
  void postingFourTimesTheHeapAnswers202Or429AndNeverRunsOutOfMemory() throws Exception {
    Path out = Files.createTempFile("small-heap-publish", ".log");
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-Xmx64m",
                      "-XX:+ExitOnOutOfMemoryError",
                      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                      "-cp",
                      System.getProperty("java.class.path"),
                      SmallHeapPublishMain.class.getName(),
                      "160",
                      "20",
                      "150"))
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean ended = p.waitFor(90, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(ended).as("the small-heap JVM ended in time; output:%n%s", output).isTrue();
      assertThat(output).doesNotContain("OutOfMemoryError");
      assertThat(p.exitValue()).as("exit status (3: out of memory); output:%n%s", output).isZero();
      Matcher m = Pattern.compile("statuses=\\{202=(\\d+), 429=(\\d+)\\} live=(\\w+) heapUsedAfterGc=(\\d+)").matcher(output);
      assertThat(m.find()).as("only 202 and 429 answers; output:%n%s", output).isTrue();
      System.out.println("small-heap JVM: " + m.group()); // the figures, for the build log
      assertThat(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))).isEqualTo(160 * 20);
      assertThat(Integer.parseInt(m.group(2))).isEqualTo(10 * 20); // t150..t159
      assertThat(m.group(3)).as("a stream opened afterwards gets live events").isEqualTo("true");
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
