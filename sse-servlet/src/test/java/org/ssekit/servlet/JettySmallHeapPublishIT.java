package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ssekit.testkit.SmallHeapJvm;

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
    String output =
        SmallHeapJvm.run(
            SmallHeapPublishMain.class,
            List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
            Duration.ofSeconds(90),
            "160",
            "20",
            "150");
    Matcher m = Pattern.compile("statuses=\\{202=(\\d+), 429=(\\d+)\\} live=(\\w+) heapUsedAfterGc=(\\d+)").matcher(output);
    assertThat(m.find()).as("only 202 and 429 answers; output:%n%s", output).isTrue();
    System.out.println("small-heap JVM: " + m.group()); // the figures, for the build log
    assertThat(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))).isEqualTo(160 * 20);
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(10 * 20); // t150..t159
    assertThat(m.group(3)).as("a stream opened afterwards gets live events").isEqualTo("true");
  }
}
