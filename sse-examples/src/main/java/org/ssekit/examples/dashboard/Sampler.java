package org.ssekit.examples.dashboard;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * Reads the JVM's CPU load and heap (through the platform MXBeans) and the hub's open-stream count,
 * and keeps the newest readings. Thread-safe.
 */
public final class Sampler {

  private final Clock clock;
  private final IntSupplier streams;
  private final int keep;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
  private final ArrayDeque<Sample> recent = new ArrayDeque<>();

  private Sampler(Clock clock, IntSupplier streams, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be positive: " + keep);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.keep = keep;
  }

  /** A sampler keeping the newest {@code keep} readings; {@code streams} counts open streams. */
  public static Sampler of(Clock clock, IntSupplier streams, int keep) {
    return new Sampler(clock, streams, keep);
  }

  /** Takes one reading and keeps it. */
  public Sample sample() {
    MemoryUsage heap = memory.getHeapMemoryUsage();
    double processCpu = -1;
    double systemCpu = -1;
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      processCpu = clamp(sun.getProcessCpuLoad());
      systemCpu = clamp(sun.getCpuLoad());
    } else {
      double avg = os.getSystemLoadAverage();
      systemCpu = avg < 0 ? -1 : clamp(avg / os.getAvailableProcessors());
    }
    Sample s = new Sample(clock.millis(), processCpu, systemCpu, heap.getUsed(), heap.getMax(), streams.getAsInt());
    synchronized (recent) {
      recent.addLast(s);
      if (recent.size() > keep) {
        recent.removeFirst();
      }
    }
    return s;
  }

  /** The kept readings, oldest first. */
  public List<Sample> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  private static double clamp(double v) {
    if (Double.isNaN(v) || v < 0) {
      return -1;
    }
    return Math.min(1, v);
  }
}
