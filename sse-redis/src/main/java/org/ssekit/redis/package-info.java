/**
 * Fan-out and history on Redis: {@link org.ssekit.redis.RedisBroker} keeps each topic in a Redis
 * Stream (the entry id is the SSE event id) and delivers to every instance through its own {@code
 * XREAD} loop, so an instance that loses its connection catches up from the stream without gap or
 * duplicate.
 */
@NullMarked
package org.ssekit.redis;

import org.jspecify.annotations.NullMarked;
