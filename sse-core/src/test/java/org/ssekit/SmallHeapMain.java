package org.ssekit;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.awaitility.core.ConditionTimeoutException;
import org.ssekit.broker.CapacityExceededException;
import org.ssekit.broker.Message;

/**
 * Run by {@link SmallHeapIT} in a JVM of its own with a small heap: publishes 64 KiB events to
 * many topics, far more bytes than the heap holds, then opens a stream. Prints one line {@code
 * accepted=N refused=N reset=true|false live=true|false heapUsedAfterGc=N} and exits 0; an {@link
 * OutOfMemoryError} (the JVM runs with {@code -XX:+ExitOnOutOfMemoryError}) exits 3, any other
 * failure 1.
 *
 * <p>Arguments: topics, events per topic, maxTopics.
 */
public final class SmallHeapMain {

  private SmallHeapMain() {}

  /** Runs the publishes and the stream; see the class description. */
  public static void main(String[] args) throws Exception {
    int topics = Integer.parseInt(args[0]);
    int perTopic = Integer.parseInt(args[1]);
    int maxTopics = Integer.parseInt(args[2]);
    String data = "x".repeat(64 * 1024);
    long accepted = 0;
    long refused = 0;
    String firstId = null;
    try (Hub hub = Hub.builder().maxTopics(maxTopics).heartbeat(Duration.ZERO).build()) {
      for (int round = 0; round < perTopic; round++) {
        for (int t = 0; t < topics; t++) {
          try {
            Message m = hub.publish("t" + t, Event.of(data)).toCompletableFuture().join();
            accepted++;
            if (firstId == null) {
              firstId = m.id().orElseThrow();
            }
          } catch (CompletionException e) {
            if (!(e.getCause() instanceof CapacityExceededException)) {
              throw e;
            }
            refused++;
          }
        }
      }
      // a client resuming from the very first event (evicted long ago), then one live event
      RecordingSink sink = RecordingSink.create();
      sink.open(hub, "t0", StreamAdapter.passThrough(), StreamRequest.builder().lastEventId(firstId).build());
      boolean reset =
          !sink.events().isEmpty()
              && sink.events().get(0).name().filter(StreamAdapter.RESET_EVENT::equals).isPresent();
      hub.publish("t0", Event.of("after")).toCompletableFuture().join();
      boolean live;
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.data().contains("after"));
        live = true;
      } catch (ConditionTimeoutException e) {
        live = false;
      }
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.println(
          "accepted=" + accepted + " refused=" + refused + " reset=" + reset + " live=" + live
              + " heapUsedAfterGc=" + heap);
    }
  }
}
