package org.ssekit.examples;

import java.util.Objects;

/**
 * The model of a list item fragment: the item, and whether it just arrived (then it gets the
 * highlight animation; items rendered with the page do not).
 *
 * @param item the item
 * @param fresh true when the item arrived over the stream
 * @param <T> the item type
 */
public record Row<T>(T item, boolean fresh) {
  /** Checks the item. */
  public Row {
    Objects.requireNonNull(item, "item");
  }

  /** {@code base}, plus {@code fresh} when the item just arrived. */
  public String classes(String base) {
    return fresh ? base + " fresh" : base;
  }
}
