/**
 * What ssekit's transports ({@code sse-servlet}, {@code sse-jetty}) share, so that a
 * stream route answers the same on every container.
 *
 * <p><b>Internal: not API.</b> These types are public only so that the transport modules can use
 * them; applications must not. They may change or disappear in any release without notice.
 *
 * <p>{@link org.ssekit.internal.transport.PathTemplate} (routes and the topics computed from
 * them), {@link org.ssekit.internal.transport.QueryString} (a strict query parser), {@link
 * org.ssekit.internal.transport.StreamLimits} (caps on open streams), {@link
 * org.ssekit.internal.transport.HttpRules} ({@code Accept}, topic and last-event-id rules) and
 * {@link org.ssekit.internal.transport.WriteDispatcher} (the writer threads). Nothing here knows
 * about a container.
 */
@NullMarked
package org.ssekit.internal.transport;

import org.jspecify.annotations.NullMarked;
