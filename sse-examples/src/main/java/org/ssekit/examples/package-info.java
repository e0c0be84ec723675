/** The ssekit demo server: {@link org.ssekit.examples.Main} starts four live apps on one embedded Jetty. */
@NullMarked
package org.ssekit.examples;

import org.jspecify.annotations.NullMarked;
