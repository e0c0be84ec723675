/** The live microblog: posts whose view and reaction counters update in every open window. */
@NullMarked
package org.ssekit.examples.microblog;

import org.jspecify.annotations.NullMarked;
