/**
 * Tomcat-specific help for servers that hold many open streams: {@link
 * org.ssekit.servlet.tomcat.CompactHttp11NioProtocol}, an HTTP/1.1 connector protocol with smaller
 * per-connection buffers. Needs {@code tomcat-embed-core} (10.1 or 11) on the class path; nothing
 * else in ssekit loads this package.
 */
@NullMarked
package org.ssekit.servlet.tomcat;

import org.jspecify.annotations.NullMarked;
