/**
 * The ssekit model: {@link org.ssekit.Event}, the spec-exact wire encoder,
 * the {@link org.ssekit.Hub} that fans events out to {@link org.ssekit.EventStream}s, the {@link
 * org.ssekit.StreamAdapter} extension point, the broker SPI ({@link org.ssekit.broker.Broker}, {@link
 * org.ssekit.broker.Publisher}, {@link org.ssekit.broker.Subscriber}) and history ({@link org.ssekit.broker.EventLog}).
 *
 * <p>Nothing here knows about HTTP: transports such as {@code sse-servlet} plug in through {@link
 * org.ssekit.EventSink} and {@link org.ssekit.StreamConnection}.
 */
@NullMarked
package org.ssekit;

import org.jspecify.annotations.NullMarked;
