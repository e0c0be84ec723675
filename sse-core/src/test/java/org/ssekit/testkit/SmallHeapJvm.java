package org.ssekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own with {@code -Xmx64m}, on this test's class path, where an
 * {@link OutOfMemoryError} on any thread ends the JVM with status 3
 * ({@code -XX:+ExitOnOutOfMemoryError}). For the tests that prove a bound holds under a small heap.
 */
public final class SmallHeapJvm {

  private SmallHeapJvm() {}

  /**
   * Runs {@code main} with {@code args}, waits up to {@code timeout}, asserts that it ended in time,
   * with status 0 and without an {@code OutOfMemoryError}, and returns what it printed.
   *
   * @param flags extra JVM flags, e.g. {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
   */
  public static String run(Class<?> main, List<String> flags, Duration timeout, String... args) throws Exception {
    Path out = Files.createTempFile("small-heap", ".log");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx64m");
      command.add("-XX:+ExitOnOutOfMemoryError");
      command.addAll(flags);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(main.getName());
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        p.destroyForcibly();
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(ended).as("the small-heap JVM ended in time; output:%n%s", output).isTrue();
      assertThat(output).doesNotContain("OutOfMemoryError");
      assertThat(p.exitValue()).as("exit status (3: out of memory); output:%n%s", output).isZero();
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
