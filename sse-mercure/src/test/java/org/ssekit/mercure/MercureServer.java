package org.ssekit.mercure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A MercureHub mounted in embedded Jetty 12 on a free loopback port, plus HTTP helpers. */
final class MercureServer implements AutoCloseable {

  final MercureHub hub;
  final Server server;
  final int port;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private MercureServer(MercureHub hub, Server server, int port) {
    this.hub = hub;
    this.server = server;
    this.port = port;
  }

  static MercureServer start(MercureHub hub) throws Exception {
    Server server = new Server();
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setUriCompliance(UriCompliance.LEGACY);
    ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(cfg));
    c.setHost("127.0.0.1");
    c.setPort(0);
    server.addConnector(c);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.getServletHandler().setDecodeAmbiguousURIs(true);
    ServletHolder h = new ServletHolder(hub.servlet());
    h.setAsyncSupported(true);
    ctx.addServlet(h, hub.path() + "/*");
    server.setHandler(ctx);
    server.start();
    return new MercureServer(hub, server, c.getLocalPort());
  }

  String url() {
    return "http://127.0.0.1:" + port + hub.path();
  }

  /** The subscribe URL for {@code name=value} pairs. */
  String subscribeUrl(String... pairs) {
    StringJoiner q = new StringJoiner("&");
    for (int i = 0; i < pairs.length; i += 2) {
      q.add(enc(pairs[i]) + "=" + enc(pairs[i + 1]));
    }
    return url() + "?" + q;
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A form body of name/value pairs. */
  static String form(String... pairs) {
    StringJoiner q = new StringJoiner("&");
    for (int i = 0; i < pairs.length; i += 2) {
      q.add(enc(pairs[i]) + (pairs[i + 1] == null ? "" : "=" + enc(pairs[i + 1])));
    }
    return q.toString();
  }

  HttpResponse<String> post(String token, String body) throws IOException, InterruptedException {
    return post(HTTP, token, body);
  }

  /**
   * Posts on {@code client}. A refused publish may end its connection once answered (the server
   * does not read on past a bad body), so a test sending many of them uses a fresh client for
   * each: a pooled connection the server has just closed fails the next request with "received no
   * bytes", which says nothing about the server's answers.
   */
  HttpResponse<String> post(HttpClient client, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens a stream and returns the response with its body not yet read. */
  HttpResponse<java.io.InputStream> open(String url, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  static List<String> list(String... s) {
    return List.of(s);
  }

  @Override
  public void close() throws Exception {
    server.stop();
    hub.close();
  }
}
