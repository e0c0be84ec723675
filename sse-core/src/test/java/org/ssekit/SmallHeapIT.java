package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ssekit.testkit.SmallHeapJvm;

/**
 * Issue 15.1 kept fixed: publishing far more history than the heap holds never runs out of
 * memory. {@link SmallHeapMain} runs in a JVM of its own with {@code -Xmx64m} (an {@link
 * OutOfMemoryError} on any thread ends it with status 3) and publishes 200 topics × 40 events of
 * 64 KiB (500 MiB, about 8× the heap) with the default history budget (a quarter of the heap) and
 * {@code maxTopics} 150.
 */
class SmallHeapIT {

  private static final int TOPICS = 200;
  private static final int PER_TOPIC = 40;

  @Test
  void publishingEightTimesTheHeapNeverRunsOutOfMemoryAndAStreamStillWorks() throws Exception {
    String output =
        SmallHeapJvm.run(
            SmallHeapMain.class,
            List.of(),
            Duration.ofSeconds(60),
            Integer.toString(TOPICS),
            Integer.toString(PER_TOPIC),
            "150");
    Matcher m =
        Pattern.compile("accepted=(\\d+) refused=(\\d+) reset=(\\w+) live=(\\w+) heapUsedAfterGc=(\\d+)")
            .matcher(output);
    assertThat(m.find()).as(output).isTrue();
    System.out.println("small-heap JVM: " + m.group()); // the figures, for the build log
    long accepted = Long.parseLong(m.group(1));
    long refused = Long.parseLong(m.group(2));
    assertThat(accepted + refused).isEqualTo((long) TOPICS * PER_TOPIC); // every publish answered
    assertThat(accepted).isGreaterThan((long) TOPICS * PER_TOPIC / 2);
    assertThat(m.group(3)).as("a client resuming from an evicted id gets the reset signal").isEqualTo("true");
    assertThat(m.group(4)).as("a stream opened afterwards gets live events").isEqualTo("true");
    assertThat(Long.parseLong(m.group(5))).isLessThan(48L << 20);
  }
}
