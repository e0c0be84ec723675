/**
 * A Mercure-protocol hub on ssekit: {@link org.ssekit.mercure.MercureHub} gives the servlets of the
 * hub URL ({@code /.well-known/mercure}) for any Servlet 6 container, and publishes updates from
 * Java. Subscriptions, history and resume run on the ssekit {@link org.ssekit.Hub} and broker, so a
 * cluster of hubs shares one Redis, NATS or PostgreSQL broker. See {@code docs/mercure.md}.
 */
@NullMarked
package org.ssekit.mercure;

import org.jspecify.annotations.NullMarked;
