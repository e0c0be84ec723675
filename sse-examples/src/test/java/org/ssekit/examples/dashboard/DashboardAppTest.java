package org.ssekit.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.Templates;
import org.ssekit.examples.TestStream;

class DashboardAppTest {

  private final Hub hub = Hub.builder().heartbeat(Duration.ZERO).build();
  private final DashboardApp app = DashboardApp.start(hub, Templates.precompiled(), Clock.systemUTC(), Duration.ofMillis(50));
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() {
    app.close();
    hub.close();
  }

  @Test
  void publishesEachSampleAsJsonWithHeapCpuAndTheOpenStreamCount() throws Exception {
    TestStream stream = TestStream.open(hub, DashboardApp.TOPIC, StreamAdapter.passThrough(), StreamRequest.of("/dashboard/stream"));

    await().atMost(Duration.ofSeconds(5)).until(() -> stream.data("sample").size() >= 2);

    JsonNode sample = json.readTree(stream.data("sample").get(1));
    assertThat(sample.get("streams").asInt()).isEqualTo(1);
    assertThat(sample.get("heapUsed").asLong()).isPositive();
    assertThat(sample.has("processCpu")).isTrue();
    assertThat(sample.get("time").asLong()).isPositive();
  }
}
