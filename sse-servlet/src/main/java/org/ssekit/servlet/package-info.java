/**
 * Serves {@link org.ssekit.Hub} streams from any Servlet 6 container (Jetty 12, Tomcat 10.1/11,
 * Undertow, Spring Boot): {@link org.ssekit.servlet.SseRouter} hands out ready-to-mount servlets
 * that stream with {@code AsyncContext} and a non-blocking {@code WriteListener}, and servlets that
 * accept published events as JSON.
 */
@NullMarked
package org.ssekit.servlet;

import org.jspecify.annotations.NullMarked;
