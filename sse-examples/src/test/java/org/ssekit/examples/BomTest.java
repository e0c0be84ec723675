package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ssekit-bom} lists every module the build publishes, at the build's version: a module
 * added to the parent without a BOM entry fails here. A module is published unless its POM sets
 * {@code maven.deploy.skip} (the examples, the benchmarks, the Boot 3 proof).
 */
class BomTest {

  private static final Path ROOT = Path.of("..");

  @Test
  void theBomManagesEveryPublishedModuleAtTheParentsVersion() throws Exception {
    String parent = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("ssekit-bom/pom.xml"));
    assertThat(first(bom, "<version>([^<]+)</version>")).isEqualTo(first(parent, "<version>([^<]+)</version>"));

    List<String> published = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    while (m.find()) {
      String module = m.group(1);
      if (module.equals("ssekit-bom")) {
        continue;
      }
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      if (!pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
        published.add(first(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
      }
    }
    assertThat(published).contains("sse-core", "sse-servlet", "sse-client").doesNotContain("sse-examples");
    for (String artifact : published) {
      assertThat(bom).as("ssekit-bom entry for %s", artifact).contains("<artifactId>" + artifact + "</artifactId>");
    }
  }

  private static String first(String xml, String regex) {
    Matcher m = Pattern.compile(regex).matcher(xml);
    assertThat(m.find()).as("%s in the POM", regex).isTrue();
    return m.group(1);
  }
}
