/**
 * The broker compatibility kit: an abstract JUnit 5 test class every broker module extends, so
 * the in-memory broker, Redis, NATS and PostgreSQL prove the same contract. Shipped in the
 * {@code sse-core} test-jar.
 */
@NullMarked
package org.ssekit.testkit;

import org.jspecify.annotations.NullMarked;
