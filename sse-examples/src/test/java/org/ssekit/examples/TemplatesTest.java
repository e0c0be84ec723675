package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ssekit.examples.audit.AuditApp;
import org.ssekit.examples.audit.AuditRecord;
import org.ssekit.examples.notifications.Notification;
import org.ssekit.examples.notifications.NotificationsApp;

class TemplatesTest {

  private final Templates templates = Templates.precompiled();

  @Test
  void escapesUserTextInFragments() {
    Notification n = new Notification("alice", "bob", "<script>alert(1)</script>", Instant.EPOCH);
    String html = templates.render("notifications/item.jte", new Row<>(n, true));
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    assertThat(html).contains("class=\"notification fresh\"");
  }

  @Test
  void itemsRenderedWithThePageAreNotHighlighted() {
    AuditRecord r = new AuditRecord(Instant.EPOCH, "ci", "deployed", "v1");
    LiveFeed.Snapshot<AuditRecord> snap =
        new LiveFeed.Snapshot<>(List.of(new LiveFeed.Entry<>("run-7", r)), Optional.of("run-7"));
    String html = templates.render("audit/page.jte", new AuditApp.Page(snap, "http://127.0.0.1:8080"));
    assertThat(html).contains("class=\"audit\"").doesNotContain("audit fresh");
    assertThat(html).contains("sse-connect=\"/audit/stream?lastEventId=run-7\"");
  }

  @Test
  void pagesLoadHtmxAndItsSseExtensionFromTheJar() {
    String html = templates.render("index.jte", new Index("http://127.0.0.1:8080", false));
    assertThat(html).contains("src=\"" + Assets.HTMX + "\"").contains("src=\"" + Assets.HTMX_SSE + "\"");
    assertThat(html).doesNotContain("https://");
    // the curl example must ask for a stream: without the header the URL answers once and ends
    assertThat(html).contains("curl -N -H 'Accept: text/event-stream' http://127.0.0.1:8080/api/topics/demo/events");
    for (String asset : List.of(Assets.HTMX, Assets.HTMX_SSE)) {
      String resource = "META-INF/resources" + asset;
      assertThat(getClass().getClassLoader().getResource(resource)).as(resource).isNotNull();
    }
    for (String asset : List.of(Assets.CSS, Assets.DASHBOARD_JS, Assets.RESUME_JS)) {
      assertThat(getClass().getClassLoader().getResource(asset.substring(1))).as(asset).isNotNull();
    }
  }

  @Test
  void notificationsPageSaysWhoTheUserIsAndWhereItResumes() {
    LiveFeed.Snapshot<Notification> snap = new LiveFeed.Snapshot<>(List.of(), Optional.of("r-3"));
    String html =
        templates.render("notifications/page.jte", new NotificationsApp.Page("bob", List.of("alice", "bob"), snap));
    assertThat(html).contains("?user=bob").contains("/notifications/stream?user=bob&amp;lastEventId=r-3");
    assertThat(html.indexOf("<option value=\"alice\"")).isPositive().isLessThan(html.indexOf("<option value=\"bob\""));
  }
}
