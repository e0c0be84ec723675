/**
 * A test service for the public SSE contract test suite (launchdarkly/sse-contract-tests), driving
 * {@link org.ssekit.client.SseClient} through its public API only.
 */
@NullMarked
package org.ssekit.client.contract;

import org.jspecify.annotations.NullMarked;
