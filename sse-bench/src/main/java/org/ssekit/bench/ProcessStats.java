package org.ssekit.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Readings of this JVM process: CPU, memory, threads. */
final class ProcessStats {
  private ProcessStats() {}

  /** CPU time of this process (all threads), in nanoseconds. */
  static long cpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /** Time the JIT compilers of this JVM have spent so far, in milliseconds; -1 if not measured. */
  static long jitMillis() {
    java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
    return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
  }

  static long heapUsed() {
    long used = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        used += p.getUsage().getUsed();
      }
    }
    return used;
  }

  static long directUsed() {
    long used = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        used += b.getMemoryUsed();
      }
    }
    return used;
  }

  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /**
   * Threads that are parked or blocked inside a socket write or flush right now (a blocking write
   * to a client that does not read).
   */
  static int threadsBlockedInWrite() {
    int n = 0;
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false, 40)) {
      if (t == null || t.getThreadState() == Thread.State.RUNNABLE
          || t.getThreadName().startsWith("bench-control")) {
        continue;
      }
      for (StackTraceElement e : t.getStackTrace()) {
        String m = e.getMethodName();
        String c = e.getClassName();
        if ((m.equals("write") || m.equals("flush") || m.startsWith("blockingWrite") || m.equals("send"))
            && !c.startsWith("java.util.concurrent") && !c.startsWith("org.ssekit.bench")) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  /** Live threads grouped by name with the digits removed ({@code jetty-12} and {@code jetty-7} are one group). */
  static Map<String, Integer> threadGroups() {
    Map<String, Integer> m = new java.util.TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      m.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum);
    }
    return m;
  }

  static Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpuNanos", cpuNanos());
    m.put("heapUsed", heapUsed());
    m.put("directUsed", directUsed());
    m.put("rss", rssBytes());
    m.put("threads", threads());
    m.put("threadGroups", threadGroups());
    m.put("gcCount", GcWatch.count());
    m.put("gcPauseMillis", GcWatch.totalMillis());
    m.put("gcMaxPauseMillis", GcWatch.maxMillis());
    m.put("jitMillis", jitMillis());
    return m;
  }
}
