/**
 * The HTTP rules ssekit's transports share, so that a stream route answers the same on every
 * container: {@link org.ssekit.transport.PathTemplate} (routes and the topics computed from them),
 * {@link org.ssekit.transport.QueryString} (a strict query parser), {@link
 * org.ssekit.transport.StreamLimits} (caps on open streams) and {@link org.ssekit.transport.HttpRules}
 * ({@code Accept}, topic and last-event-id rules).
 *
 * <p>Used by {@code sse-servlet} and {@code sse-jetty}; an application does not need it unless it
 * writes a transport of its own. Nothing here knows about a container.
 */
@NullMarked
package org.ssekit.transport;

import org.jspecify.annotations.NullMarked;
