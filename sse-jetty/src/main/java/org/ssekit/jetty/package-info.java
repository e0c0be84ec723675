/**
 * ssekit on Jetty 12's core API: {@link org.ssekit.jetty.SseHandler} serves {@link org.ssekit.Hub}
 * streams from a Jetty {@code Handler}, without the servlet layer. The servlet transport
 * ({@code sse-servlet}) runs on any Jakarta servlet container; this one trades that for less
 * memory per stream and a shorter write path on Jetty.
 */
@NullMarked
package org.ssekit.jetty;

import org.jspecify.annotations.NullMarked;
