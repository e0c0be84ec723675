package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ssekit.internal.broker.LogCursor.Step;

class LogCursorTest {

  @Test
  void aCompleteMessageDirectlyAfterThePositionIsDeliveredLive() {
    LogCursor c = new LogCursor(10);
    assertThat(c.live(12, 10, true)).isEqualTo(Step.DELIVER);
    assertThat(c.advance(12)).isTrue();
    assertThat(c.position()).isEqualTo(12);
  }

  @Test
  void messagesAtOrBeforeThePositionAreSkipped() {
    LogCursor c = new LogCursor(10);
    assertThat(c.live(10, 9, true)).isEqualTo(Step.SKIP);
    assertThat(c.live(3, 0, true)).isEqualTo(Step.SKIP);
    assertThat(c.advance(10)).isFalse();
    assertThat(c.advance(9)).isFalse();
    assertThat(c.position()).isEqualTo(10);
  }

  @Test
  void aMessageWhosePredecessorWasNotDeliveredNeedsACatchUp() {
    LogCursor c = new LogCursor(10);
    assertThat(c.live(15, 13, true)).isEqualTo(Step.CATCH_UP);
    assertThat(c.live(15, 7, true)).isEqualTo(Step.CATCH_UP); // a stale predecessor: read to be sure
    assertThat(c.live(15, -1, true)).isEqualTo(Step.CATCH_UP);
  }

  @Test
  void anIncompleteMessageNeedsACatchUpEvenWhenItFollows() {
    assertThat(new LogCursor(10).live(11, 10, false)).isEqualTo(Step.CATCH_UP);
  }

  @Test
  void theFirstMessageOfAnEmptyTopicFollowsPositionZero() {
    assertThat(new LogCursor(0).live(4, 0, true)).isEqualTo(Step.DELIVER);
  }

  @Test
  void aCatchUpIsAGapOnlyWhenThePositionWasTrimmedAndNewerMessagesFollow() {
    LogCursor c = new LogCursor(10);
    assertThat(c.isGap(true, true)).isFalse();
    assertThat(c.isGap(false, false)).isFalse();
    assertThat(c.isGap(false, true)).isTrue();
    assertThat(new LogCursor(0).isGap(false, true)).isFalse(); // no position to lose
  }
}
