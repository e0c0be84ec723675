/**
 * The broker SPI: {@link org.ssekit.broker.Broker} (a {@link org.ssekit.broker.Publisher}, a
 * {@link org.ssekit.broker.Subscriber} and optionally an {@link org.ssekit.broker.EventLog}
 * history), the {@link org.ssekit.broker.Message} it carries, and the in-memory default {@link
 * org.ssekit.broker.InMemoryBroker}.
 *
 * <p>The distributed brokers ({@code sse-redis}, {@code sse-nats}, {@code sse-postgres}) implement
 * this package; the hub ({@code org.ssekit}) is built on it. Nothing here knows about hubs,
 * streams or HTTP.
 */
@NullMarked
package org.ssekit.broker;

import org.jspecify.annotations.NullMarked;
