package org.ssekit.examples;

import java.util.Objects;

/**
 * The command line of the demo server.
 *
 * @param host the address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface)
 * @param port the port (default 8080; 0 picks a free one)
 * @param broker the broker: {@code memory} (default, the only one this build has)
 */
record Options(String host, int port, String broker) {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar sse-examples.jar [--host ADDRESS] [--port PORT] [--broker URL]",
          "  --host ADDRESS  address to bind (default 127.0.0.1; 0.0.0.0 for every interface)",
          "  --port PORT     port to listen on (default 8080; 0 picks a free port)",
          "  --broker URL    where events fan out (default memory: in-process broker and history)",
          "environment:",
          "  SSEKIT_PUBLISH_TOKEN  when set, POST /api/topics/{topic}/events needs",
          "                        'Authorization: Bearer <token>'");

  Options {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(broker, "broker");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535: " + port);
    }
  }

  /** The defaults: 127.0.0.1:8080, in-memory broker. */
  static Options defaults() {
    return new Options("127.0.0.1", 8080, "memory");
  }

  /**
   * Parses {@code args}; {@code --name value} and {@code --name=value} both work.
   *
   * @throws IllegalArgumentException on an unknown option or a bad value (the message says which)
   */
  static Options parse(String... args) {
    String host = "127.0.0.1";
    int port = 8080;
    String broker = "memory";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (!name.equals("--host") && !name.equals("--port") && !name.equals("--broker")) {
        throw new IllegalArgumentException("unknown option: " + a);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--host" -> host = value;
        case "--port" -> {
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number: " + value);
          }
        }
        default -> broker = value;
      }
    }
    return new Options(host, port, broker);
  }
}
