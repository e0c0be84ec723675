/**
 * PostgreSQL broker for ssekit: {@link org.ssekit.postgres.PostgresBroker} appends every message
 * to a table (the shared history any instance can resume from) and fans it out to every instance
 * with {@code LISTEN}/{@code NOTIFY}.
 */
@NullMarked
package org.ssekit.postgres;

import org.jspecify.annotations.NullMarked;
