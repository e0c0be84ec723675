/** {@link org.ssekit.client.SseClient} against a real ssekit server on embedded Jetty. */
@NullMarked
package org.ssekit.servlet.client;

import org.jspecify.annotations.NullMarked;
