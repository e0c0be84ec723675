package org.ssekit.examples.microblog;

import java.util.Objects;

/**
 * One post of the microblog.
 *
 * @param id the post id, used in URLs and as the routing key of its stats stream
 * @param author who wrote it
 * @param title its title
 * @param body its text
 */
public record Post(long id, String author, String title, String body) {
  /** Checks the fields. */
  public Post {
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(body, "body");
  }
}
