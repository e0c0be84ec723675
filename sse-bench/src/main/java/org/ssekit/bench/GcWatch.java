package org.ssekit.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/** Counts GC pauses (count, total, max) from the JVM's GC notifications. */
final class GcWatch {
  private static final AtomicLong count = new AtomicLong();
  private static final AtomicLong total = new AtomicLong();
  private static final AtomicLong max = new AtomicLong();
  private static boolean installed;

  private GcWatch() {}

  /** Starts listening; idempotent. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (n, h) -> {
              if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                return;
              }
              GarbageCollectionNotificationInfo info =
                  GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
              if (info.getGcName().contains("Concurrent") || info.getGcName().contains("Cycles")) {
                return; // concurrent phases do not stop the application
              }
              long d = info.getGcInfo().getDuration();
              count.incrementAndGet();
              total.addAndGet(d);
              max.accumulateAndGet(d, Math::max);
            },
            null,
            null);
      }
    }
  }

  static long count() {
    return count.get();
  }

  static long totalMillis() {
    return total.get();
  }

  static long maxMillis() {
    return max.get();
  }

  static void resetMax() {
    max.set(0);
  }
}
