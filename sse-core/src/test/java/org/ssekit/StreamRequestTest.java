package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class StreamRequestTest {

  @Test
  void invalidLastEventIdFromTheClientMeansNone() {
    for (String bad : new String[] {"a\nb", "a\rb", "a\0b"}) {
      assertThat(StreamRequest.builder().lastEventId(bad).build().lastEventId()).isEmpty();
    }
    assertThat(StreamRequest.builder().lastEventId("ok-1").build().lastEventId()).contains("ok-1");
    assertThat(StreamRequest.builder().lastEventId("").build().lastEventId()).contains("");
  }

  @Test
  void headersAreCaseInsensitiveAndParametersKeepTheirOrder() {
    StreamRequest r =
        StreamRequest.builder()
            .path("/posts/7")
            .pathParam("id", "7")
            .header("X-Trace", "a")
            .header("x-trace", "b")
            .queryParam("q", "1")
            .queryParam("q", "2")
            .principal("alice")
            .remoteAddress("127.0.0.1")
            .build();
    assertThat(r.header("x-TRACE")).contains("a");
    assertThat(r.headers().get("x-trace")).containsExactly("a", "b");
    assertThat(r.queryParam("q")).contains("1");
    assertThat(r.queryParams().get("q")).containsExactly("1", "2");
    assertThat(r.pathParam("id")).contains("7");
    assertThat(r.principal()).contains("alice");
    assertThat(r.remoteAddress()).contains("127.0.0.1");
    StreamRequest copy = r.toBuilder().queryParam("q", "3").build();
    assertThat(copy.queryParams().get("q")).containsExactly("1", "2", "3");
    assertThat(r.queryParams().get("q")).containsExactly("1", "2");
  }

  @Test
  void headerNamesMatchInAnyCaseAndTheMapIsKeyedByLowerCase() {
    StreamRequest r =
        StreamRequest.builder().header("Accept", "text/event-stream").header("X-Tenant", "acme").build();
    assertThat(r.header("accept")).contains("text/event-stream");
    assertThat(r.header("ACCEPT")).contains("text/event-stream");
    assertThat(r.header("x-tenant")).contains("acme");
    assertThat(r.header("x-missing")).isEmpty();
    assertThat(r.headers()).containsOnlyKeys("accept", "x-tenant");
    assertThat(r.headers().get("x-tenant")).containsExactly("acme");
  }

  @Test
  void viewsAreUnmodifiableAndTheBuilderCannotChangeABuiltRequest() {
    StreamRequest.Builder b =
        StreamRequest.builder().pathParam("id", "1").queryParam("q", "1").header("h", "1");
    StreamRequest r = b.build();
    b.pathParam("id", "2").pathParam("other", "x").queryParam("q", "2").header("H", "2");
    assertThat(r.pathParams()).containsExactly(Map.entry("id", "1"));
    assertThat(r.queryParams().get("q")).containsExactly("1");
    assertThat(r.headers().get("h")).containsExactly("1");
    assertThatThrownBy(() -> r.pathParams().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.queryParams().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.headers().get("h").add("2")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(b.build().pathParams()).containsExactly(Map.entry("id", "2"), Map.entry("other", "x"));
  }

  @Test
  void aRepeatedPathParameterReplacesTheValueInPlace() {
    StreamRequest r =
        StreamRequest.builder().pathParam("a", "1").pathParam("b", "2").pathParam("a", "3").build();
    assertThat(r.pathParams()).containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));
    assertThat(r.pathParam("a")).contains("3");
  }

  @Test
  void anEmptyRequestHasEmptyViews() {
    StreamRequest r = StreamRequest.of("/x");
    assertThat(r.path()).isEqualTo("/x");
    assertThat(r.pathParams()).isEmpty();
    assertThat(r.queryParams()).isEmpty();
    assertThat(r.headers()).isEmpty();
    assertThat(r.header("accept")).isEmpty();
    assertThat(r.queryParam("q")).isEmpty();
    assertThat(r.pathParam("id")).isEmpty();
  }

  @Test
  void viewsBuiltConcurrentlyAreEqual() throws Exception {
    StreamRequest.Builder b = StreamRequest.builder();
    for (int i = 0; i < 50; i++) {
      b.header("H-" + i, "v" + i).queryParam("q" + (i % 7), "v" + i);
    }
    StreamRequest r = b.build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Map<String, List<String>>>> views = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<Map<String, List<String>>> view = i % 2 == 0 ? r::headers : r::queryParams;
        views.add(pool.submit(view));
      }
      for (int i = 0; i < views.size(); i++) {
        Map<String, List<String>> v = views.get(i).get(10, TimeUnit.SECONDS);
        assertThat(v).isEqualTo(i % 2 == 0 ? r.headers() : r.queryParams());
      }
      assertThat(r.headers()).hasSize(50).containsEntry("h-49", List.of("v49"));
      assertThat(r.queryParams()).hasSize(7);
      assertThat(r.queryParams().get("q0")).containsExactly("v0", "v7", "v14", "v21", "v28", "v35", "v42", "v49");
    } finally {
      pool.shutdownNow();
    }
  }
}
