/** Per-user notifications: a message to one user reaches only that user's windows. */
@NullMarked
package org.ssekit.examples.notifications;

import org.jspecify.annotations.NullMarked;
