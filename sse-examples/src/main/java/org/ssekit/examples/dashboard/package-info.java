/** The live dashboard: this JVM's CPU load, heap and open streams, once a second. */
@NullMarked
package org.ssekit.examples.dashboard;

import org.jspecify.annotations.NullMarked;
