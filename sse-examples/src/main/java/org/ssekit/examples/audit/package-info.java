/** The audit feed: POSTed records appended live; a reload resumes from the last event id. */
@NullMarked
package org.ssekit.examples.audit;

import org.jspecify.annotations.NullMarked;
