package org.ssekit.examples.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.examples.LiveFeed;
import org.ssekit.examples.Templates;
import org.ssekit.examples.TestStream;

class AuditAppTest {

  private final Hub hub = Hub.builder().heartbeat(Duration.ZERO).build();
  private final AuditApp app = AuditApp.create(hub, Templates.precompiled(), Clock.systemUTC());

  @AfterEach
  void close() {
    hub.close();
  }

  @Test
  void startsWithARecordSoAPageAlwaysHasAnIdToResumeFrom() {
    LiveFeed.Snapshot<AuditRecord> snap = app.snapshot();
    assertThat(snap.entries()).singleElement().satisfies(e -> assertThat(e.item().action()).isEqualTo("started"));
    assertThat(snap.lastEventId()).contains(snap.entries().get(0).id());
  }

  @Test
  void storesRecordsWithTheIdsTheHistoryGaveThem() {
    LiveFeed.Entry<AuditRecord> a = app.record("ci", "deployed", "v1");
    LiveFeed.Entry<AuditRecord> b = app.record("ci", "deployed", "v2");
    assertThat(a.id()).isNotBlank().isNotEqualTo(b.id());
    assertThat(app.snapshot().lastEventId()).contains(b.id());
  }

  @Test
  void aReloadResumesAfterTheRenderedRecordsWithNothingMissedAndNothingTwice() {
    app.record("ann", "login", "console");
    LiveFeed.Snapshot<AuditRecord> rendered = app.snapshot();

    app.record("ann", "delete", "bucket-1"); // after the render, before the stream connects
    TestStream stream =
        TestStream.open(
            hub,
            AuditApp.TOPIC,
            StreamAdapter.passThrough(),
            StreamRequest.builder().path("/audit/stream").lastEventId(rendered.lastEventId().orElseThrow()).build());
    app.record("ann", "logout", "console");

    await().atMost(Duration.ofSeconds(5)).until(() -> stream.data("audit").size() >= 2);
    assertThat(stream.data("audit"))
        .satisfiesExactly(
            first -> assertThat(first).contains("bucket-1").contains("audit fresh"),
            second -> assertThat(second).contains("logout"));
  }

  @Test
  void rejectsBlankOrOversizedFields() {
    assertThatThrownBy(() -> app.record("", "x", "y")).hasMessageContaining("actor");
    assertThatThrownBy(() -> app.record("a", "x", "y".repeat(201))).hasMessageContaining("target");
  }
}
