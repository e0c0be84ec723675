package org.ssekit.examples;

import java.util.Objects;

/**
 * The command line of the demo server.
 *
 * @param host the address to bind (default {@code 127.0.0.1}; {@code 0.0.0.0} for every interface)
 * @param port the port (default 8080; 0 picks a free one)
 * @param broker the broker URL: {@code memory} (default), {@code redis://…}, {@code nats://…},
 *     {@code postgresql://…} or {@code jdbc:postgresql://…}
 * @param brokerPrefix the key/subject/table prefix on a distributed broker; empty for the broker's
 *     default. Instances that share events use the same prefix.
 */
record Options(String host, int port, String broker, String brokerPrefix) {

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar sse-examples.jar [--host ADDRESS] [--port PORT] [--broker URL] [--broker-prefix NAME]",
          "  --host ADDRESS        address to bind (default 127.0.0.1; 0.0.0.0 for every interface)",
          "  --port PORT           port to listen on (default 8080; 0 picks a free port)",
          "  --broker URL          where events fan out: memory (default: in-process broker and history),",
          "                        redis://HOST:PORT, nats://HOST:PORT, postgresql://USER[:PASSWORD]@HOST:PORT/DB",
          "                        or jdbc:postgresql://HOST:PORT/DB?user=USER; instances on one broker share events",
          "  --broker-prefix NAME  key/subject/table prefix on the broker (lower-case letters, digits, _;",
          "                        default: the broker module's own); instances that share events use the same one",
          "environment:",
          "  SSEKIT_PUBLISH_TOKEN  when set, POST /api/topics/{topic}/events needs",
          "                        'Authorization: Bearer <token>'");

  Options {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(broker, "broker");
    Objects.requireNonNull(brokerPrefix, "brokerPrefix");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535: " + port);
    }
    Brokers.kind(broker); // fails on an unknown scheme
    if (!brokerPrefix.isEmpty() && !brokerPrefix.matches("[a-z][a-z0-9_]{0,29}")) {
      throw new IllegalArgumentException(
          "--broker-prefix must be a lower-case letter then up to 29 letters, digits or _: " + brokerPrefix);
    }
  }

  /** Options with the broker's default prefix. */
  Options(String host, int port, String broker) {
    this(host, port, broker, "");
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
    String prefix = "";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (!name.equals("--host") && !name.equals("--port") && !name.equals("--broker") && !name.equals("--broker-prefix")) {
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
        case "--broker-prefix" -> prefix = value;
        default -> broker = value;
      }
    }
    return new Options(host, port, broker, prefix);
  }
}
