/**
 * Micrometer meters for ssekit: {@link org.ssekit.micrometer.SseMetrics} binds a {@link
 * org.ssekit.Hub} and an {@link org.ssekit.servlet.SseRouter} to a {@code MeterRegistry}. Micrometer
 * is an optional dependency of this module: the application brings it.
 */
@NullMarked
package org.ssekit.micrometer;

import org.jspecify.annotations.NullMarked;
