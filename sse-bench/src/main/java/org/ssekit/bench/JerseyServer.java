package org.ssekit.bench;

import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/** Jersey 3.1 (JAX-RS) with one {@link SseBroadcaster} per topic, on Jetty 12 ee10. */
final class JerseyServer implements BenchServer {
  private final Resource resource = new Resource();
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> ServerHost.daemon(r, "jersey-heartbeat"));
  private Server server;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    server = Jetty.server(port);
    ServletContextHandler ctx = new ServletContextHandler();
    ServletHolder holder =
        new ServletHolder(new ServletContainer(new ResourceConfig().register(resource)));
    holder.setAsyncSupported(true);
    holder.setInitOrder(1);
    ctx.addServlet(holder, "/*");
    server.setHandler(ctx);
    server.start();
    long hb = heartbeat.toMillis();
    if (hb > 0) {
      heartbeats.scheduleAtFixedRate(resource::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
    }
    return Jetty.port(server);
  }

  @Override
  public void publish(String topic, String data) {
    resource.publish(topic, data);
  }

  @Override
  public int subscribers() {
    return resource.count.get();
  }

  @Override
  public void close() throws Exception {
    heartbeats.shutdownNow();
    if (server != null) {
      server.stop();
    }
  }

  /** The JAX-RS resource: subscribe registers the sink with the topic's broadcaster. */
  @Path("sse")
  @Singleton
  public static final class Resource {
    final Map<String, SseBroadcaster> broadcasters = new ConcurrentHashMap<>();
    final AtomicInteger count = new AtomicInteger();
    volatile Sse sse;

    /** Subscribes to a topic. */
    @GET
    @Path("{topic}")
    @jakarta.ws.rs.Produces(MediaType.SERVER_SENT_EVENTS)
    public void subscribe(
        @PathParam("topic") String topic, @Context SseEventSink sink, @Context Sse sse) {
      this.sse = sse;
      SseBroadcaster b =
          broadcasters.computeIfAbsent(
              topic,
              t -> {
                SseBroadcaster nb = sse.newBroadcaster();
                nb.onClose(s -> count.decrementAndGet());
                nb.onError((s, e) -> count.decrementAndGet());
                return nb;
              });
      b.register(sink);
      count.incrementAndGet();
    }

    void publish(String topic, String data) {
      SseBroadcaster b = broadcasters.get(topic);
      Sse s = sse;
      if (b != null && s != null) {
        b.broadcast(s.newEvent(data));
      }
    }

    void heartbeat() {
      Sse s = sse;
      if (s != null) {
        broadcasters.values().forEach(b -> b.broadcast(s.newEventBuilder().comment("").build()));
      }
    }
  }
}
