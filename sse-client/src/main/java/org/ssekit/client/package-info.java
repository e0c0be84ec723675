/**
 * A reconnecting Server-Sent Events client on the JDK {@link java.net.http.HttpClient}: {@link
 * org.ssekit.client.SseClient}.
 *
 * <p>It parses with {@link org.ssekit.client.SseParser} (byte-exact, as a browser's {@code EventSource}),
 * sends {@code Last-Event-ID} when it reconnects, honours the server's {@code retry} with capped
 * exponential backoff and jitter, and uses no thread of its own: bodies are read through the
 * HttpClient's executor and delays are scheduled on a shared (or injected) scheduler.
 */
@NullMarked
package org.ssekit.client;

import org.jspecify.annotations.NullMarked;
