package org.ssekit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The server kinds this class path cannot run: the Spring Boot 4 ones of sse-bench-spring. */
class ServerHostTest {

  @Test
  void springBootKindsAreListedButRunFromTheJarOfSseBenchSpring() {
    assertThat(ServerHost.KINDS).containsKeys("spring-tomcat", "ssekit-spring-boot");
    assertThat(ServerHost.SPRING_BOOT_KINDS).containsOnlyKeys("spring-tomcat", "ssekit-spring-boot");
    for (String kind : ServerHost.SPRING_BOOT_KINDS.keySet()) {
      assertThat(ServerHost.runsHere(kind)).as(kind).isFalse();
      assertThatThrownBy(() -> ServerHost.KINDS.get(kind).get())
          .as(kind)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sse-bench-spring.jar server --kind " + kind);
    }
    assertThat(ServerHost.runsHere("ssekit-tomcat")).isTrue();
  }

  @Test
  void theSpringBootJarIsFoundBesideTheSseBenchDirectoryOrWhereTheSystemPropertySays() {
    assertThat(ServerHost.springBootJar()).endsWithRaw(Path.of("sse-bench-spring", "target", "sse-bench-spring.jar"));
    String before = System.getProperty("bench.springBootJar");
    System.setProperty("bench.springBootJar", "/tmp/elsewhere.jar");
    try {
      assertThat(ServerHost.springBootJar()).isEqualTo(Path.of("/tmp/elsewhere.jar"));
    } finally {
      if (before == null) {
        System.clearProperty("bench.springBootJar");
      } else {
        System.setProperty("bench.springBootJar", before);
      }
    }
  }
}
