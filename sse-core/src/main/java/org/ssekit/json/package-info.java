/** JSON marshalling through Jackson, an optional dependency of {@code sse-core}. */
@NullMarked
package org.ssekit.json;

import org.jspecify.annotations.NullMarked;
