package org.ssekit.nats;

import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;

/**
 * One member of a consumer group ({@link NatsBroker#subscribeGroup}): a JetStream durable pull
 * consumer named after the group and the topic, filtered to the topic's subject, shared by every
 * member on every instance. JetStream hands each message to one member; the member acknowledges
 * it after the handler returned, and redelivers it to a member after the ack wait when nobody
 * acknowledged it (a member died).
 */
final class GroupMember implements Subscriber.Subscription {

  private static final Logger log = LoggerFactory.getLogger(GroupMember.class);

  private final NatsBroker broker;
  private final String topic;
  private final String durable;
  private final MessageConsumer consumer;
  private final Dispatcher dispatcher;
  private boolean closed; // guarded by this

  private GroupMember(
      NatsBroker broker, String topic, String durable, MessageConsumer consumer, Dispatcher dispatcher) {
    this.broker = broker;
    this.topic = topic;
    this.durable = durable;
    this.consumer = consumer;
    this.dispatcher = dispatcher;
  }

  /** The durable consumer name of {@code group} on {@code topic}: both escaped, joined by {@code __}. */
  static String durableName(String group, String topic) {
    return Subjects.token(group) + "__" + Subjects.token(topic);
  }

  /**
   * Creates the group's durable consumer if needed (starting at the stream's end) and starts
   * pulling from it with a dispatcher (one thread) of its own. Blocks for a few round trips.
   */
  static GroupMember join(
      NatsBroker broker,
      NatsLog history,
      String topic,
      String group,
      Subscriber.MessageHandler handler,
      Duration claimTimeout) {
    String durable = durableName(group, topic);
    ConsumerConfiguration config =
        ConsumerConfiguration.builder()
            .durable(durable)
            .filterSubject(history.subjects().log(topic))
            .deliverPolicy(DeliverPolicy.New)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(claimTimeout)
            .build();
    Dispatcher dispatcher = broker.connection().createDispatcher();
    try {
      ConsumerContext ctx = history.stream().createOrUpdateConsumer(config);
      Codec codec = history.codec();
      MessageConsumer consumer =
          ctx.consume(
              dispatcher,
              m -> {
                long seq = m.metaData().streamSequence();
                Message message = codec.decode(seq, m.getHeaders(), m.getData());
                try {
                  handler.onMessage(topic, message);
                } catch (RuntimeException e) {
                  log.warn("group {} handler of topic {} failed on {}", group, topic, message, e);
                }
                try {
                  m.ack();
                } catch (RuntimeException e) {
                  log.debug("cannot acknowledge {} of group {}; it will be redelivered", message, group, e);
                }
              });
      return new GroupMember(broker, topic, durable, consumer, dispatcher);
    } catch (JetStreamApiException e) {
      broker.connection().closeDispatcher(dispatcher);
      throw new IllegalStateException(
          "cannot create consumer " + durable + " for topic " + topic + ": " + e.getMessage(), e);
    } catch (IOException e) {
      broker.connection().closeDispatcher(dispatcher);
      throw new UncheckedIOException("cannot create consumer " + durable + " for topic " + topic, e);
    } catch (RuntimeException e) {
      broker.connection().closeDispatcher(dispatcher);
      throw e;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    broker.remove(this);
    try {
      consumer.close();
    } catch (Exception e) {
      log.debug("stopping group consumer {} of topic {} failed", durable, topic, e);
    }
    try {
      broker.connection().closeDispatcher(dispatcher);
    } catch (RuntimeException e) {
      log.debug("closing the dispatcher of group consumer {} failed", durable, e);
    }
  }
}
