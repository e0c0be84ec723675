/**
 * Fan-out and history on NATS JetStream: {@link org.ssekit.nats.NatsBroker} is the one entry
 * point; everything else in this package is internal.
 */
@NullMarked
package org.ssekit.nats;

import org.jspecify.annotations.NullMarked;
