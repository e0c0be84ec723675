/**
 * The standalone Mercure hub: {@code java -jar sse-mercure.jar --port 3000 [--broker URL]} on
 * embedded Jetty 12. See {@link org.ssekit.mercure.standalone.Main}.
 */
@NullMarked
package org.ssekit.mercure.standalone;

import org.jspecify.annotations.NullMarked;
