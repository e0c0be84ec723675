/**
 * The ssekit model: {@link org.ssekit.Event}, the spec-exact wire codec ({@link org.ssekit.SseParser}),
 * the {@link org.ssekit.Hub} that fans events out to {@link org.ssekit.EventStream}s, the {@link
 * org.ssekit.StreamAdapter} extension point, the broker SPI ({@link org.ssekit.Broker}, {@link
 * org.ssekit.Publisher}, {@link org.ssekit.Subscriber}) and history ({@link org.ssekit.EventLog}).
 *
 * <p>Nothing here knows about HTTP: transports such as {@code sse-servlet} plug in through {@link
 * org.ssekit.EventSink} and {@link org.ssekit.StreamConnection}.
 */
@NullMarked
package org.ssekit;

import org.jspecify.annotations.NullMarked;
