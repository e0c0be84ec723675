/**
 * Machinery shared by ssekit's broker modules ({@code sse-redis}, {@code sse-nats}, {@code
 * sse-postgres}): reconnect backoff, outage logging and health, the closed guard, builder and
 * argument checks, thread factories and the log cursor that decides between live delivery and a
 * catch-up read.
 *
 * <p><b>Internal: not API.</b> These types are public only so that the broker modules can use
 * them; applications must not. They may change or disappear in any release without notice, and
 * they are not covered by the changelog's migration lines.
 */
@NullMarked
package org.ssekit.internal.broker;

import org.jspecify.annotations.NullMarked;
