/**
 * Spring Boot auto-configuration for ssekit: a {@link org.ssekit.Hub}, an {@link
 * org.ssekit.servlet.SseRouter}, a broker from {@code ssekit.broker.url}, streams and the publish
 * endpoint from {@code ssekit.*} properties or {@link org.ssekit.spring.SseStream} beans, and, with
 * Actuator, meters and a health indicator named {@code ssekit}. See {@link
 * org.ssekit.spring.SseProperties} for every property.
 */
@NullMarked
package org.ssekit.spring;

import org.jspecify.annotations.NullMarked;
