package org.ssekit.mercure;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled pattern over UTF-16 code units, matched by simulating its Thompson NFA: every input
 * character advances the whole set of live states at once, so matching costs O(input length ×
 * pattern size) and never backtracks, whatever the pattern (a naive regex for a URI Template's
 * {@code {+var}} backtracks exponentially on hostile input). Immutable and thread-safe; {@link
 * #matches} allocates two small arrays per call.
 *
 * <p>Patterns are built from {@link Node}s: single characters, ASCII character classes,
 * sequences, alternatives, options and stars.
 */
final class Nfa {

  private static final int CHAR = 0;
  private static final int SET = 1;
  private static final int SPLIT = 2;
  private static final int JUMP = 3;
  private static final int MATCH = 4;

  private final int[] op;
  private final int[] arg; // CHAR: the char; SET: index into sets; SPLIT/JUMP: first target
  private final int[] arg2; // SPLIT: second target
  private final long[][] sets; // {low 64 ASCII bits, high 64 ASCII bits}

  private Nfa(int[] op, int[] arg, int[] arg2, long[][] sets) {
    this.op = op;
    this.arg = arg;
    this.arg2 = arg2;
    this.sets = sets;
  }

  /** Compiles {@code node} into a matcher of the whole input (anchored at both ends). */
  static Nfa compile(Node node) {
    Compiler c = new Compiler();
    node.emit(c);
    c.add(MATCH, 0, 0);
    return c.build();
  }

  /** The number of instructions: the pattern-size factor of the matching cost. */
  int size() {
    return op.length;
  }

  /** Whether the whole of {@code input} matches. */
  boolean matches(String input) {
    int n = op.length;
    int[] current = new int[n];
    int[] next = new int[n];
    int[] mark = new int[n]; // generation in which a state was added, to add each once per step
    int[] stack = new int[2 * n + 2]; // a state is expanded once per step, pushing at most two
    int generation = 1;
    int count = add(current, 0, 0, mark, generation, stack);
    for (int i = 0; i < input.length() && count > 0; i++) {
      char ch = input.charAt(i);
      generation++;
      int nextCount = 0;
      for (int k = 0; k < count; k++) {
        int pc = current[k];
        boolean step;
        if (op[pc] == CHAR) {
          step = arg[pc] == ch;
        } else if (op[pc] == SET) {
          step = arg2[pc] == 1 ? ch >= 128 : ch < 128 && inSet(sets[arg[pc]], ch);
        } else {
          step = false;
        }
        if (step) {
          nextCount = add(next, nextCount, pc + 1, mark, generation, stack);
        }
      }
      int[] t = current;
      current = next;
      next = t;
      count = nextCount;
    }
    for (int k = 0; k < count; k++) {
      if (op[current[k]] == MATCH) {
        return true;
      }
    }
    return false;
  }

  private static boolean inSet(long[] set, char ch) {
    return ch < 64 ? (set[0] & (1L << ch)) != 0 : (set[1] & (1L << (ch - 64))) != 0;
  }

  /** Adds {@code pc} and every state reachable from it without input; iterative, no recursion. */
  private int add(int[] list, int count, int start, int[] mark, int generation, int[] stack) {
    int sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      int pc = stack[--sp];
      if (mark[pc] == generation) {
        continue;
      }
      mark[pc] = generation;
      switch (op[pc]) {
        case JUMP -> stack[sp++] = arg[pc];
        case SPLIT -> {
          // push the second branch first so the first is explored first (order is irrelevant for
          // a yes/no answer, but keeps the state list deterministic)
          stack[sp++] = arg2[pc];
          stack[sp++] = arg[pc];
        }
        default -> list[count++] = pc;
      }
    }
    return count;
  }

  /** A pattern fragment. */
  interface Node {
    void emit(Compiler c);
  }

  /** Exactly {@code ch}. */
  static Node ch(char ch) {
    return c -> c.add(CHAR, ch, 0);
  }

  /** The characters of {@code s}, in order. */
  static Node literal(String s) {
    return c -> {
      for (int i = 0; i < s.length(); i++) {
        c.add(CHAR, s.charAt(i), 0);
      }
    };
  }

  /** One ASCII character of {@code chars}. */
  static Node anyOf(String chars) {
    long lo = 0;
    long hi = 0;
    for (int i = 0; i < chars.length(); i++) {
      char ch = chars.charAt(i);
      if (ch >= 128) {
        throw new IllegalArgumentException("character classes are ASCII only: " + ch);
      }
      if (ch < 64) {
        lo |= 1L << ch;
      } else {
        hi |= 1L << (ch - 64);
      }
    }
    long[] set = {lo, hi};
    return c -> c.add(SET, c.set(set), 0);
  }

  /** One ASCII character not in {@code chars} (never a non-ASCII one). */
  static Node noneOf(String chars) {
    StringBuilder b = new StringBuilder();
    for (char ch = 0; ch < 128; ch++) {
      if (chars.indexOf(ch) < 0) {
        b.append(ch);
      }
    }
    return anyOf(b.toString());
  }

  /** Any one character, ASCII or not. */
  static Node any() {
    return alt(noneOf(""), nonAscii());
  }

  /** One character that is not ASCII. */
  static Node nonAscii() {
    return c -> c.add(SET, c.set(new long[] {0, 0}), 1);
  }

  /** Any one character except those of {@code chars} (ASCII). */
  static Node anyExcept(String chars) {
    return alt(noneOf(chars), nonAscii());
  }

  /** The fragments one after the other. */
  static Node seq(Node... nodes) {
    return c -> {
      for (Node n : nodes) {
        n.emit(c);
      }
    };
  }

  /** The fragments one after the other. */
  static Node seq(List<Node> nodes) {
    return seq(nodes.toArray(new Node[0]));
  }

  /** Either fragment. */
  static Node alt(Node a, Node b) {
    return c -> {
      int split = c.add(SPLIT, 0, 0);
      c.arg[split] = c.size();
      a.emit(c);
      int jump = c.add(JUMP, 0, 0);
      c.arg2[split] = c.size();
      b.emit(c);
      c.arg[jump] = c.size();
    };
  }

  /** The fragment or nothing. */
  static Node opt(Node a) {
    return c -> {
      int split = c.add(SPLIT, 0, 0);
      c.arg[split] = c.size();
      a.emit(c);
      c.arg2[split] = c.size();
    };
  }

  /** The fragment any number of times, zero included. */
  static Node star(Node a) {
    return c -> {
      int split = c.add(SPLIT, 0, 0);
      c.arg[split] = c.size();
      a.emit(c);
      c.add(JUMP, split, 0);
      c.arg2[split] = c.size();
    };
  }

  /** The fragment at least once. */
  static Node plus(Node a) {
    return seq(a, star(a));
  }

  /** The fragment between zero and {@code max} times. */
  static Node upTo(Node a, int max) {
    Node n = seq();
    for (int i = 0; i < max; i++) {
      n = opt(seq(a, n));
    }
    return n;
  }

  /** Builds the instruction arrays. */
  static final class Compiler {
    private int[] op = new int[16];
    private int[] arg = new int[16];
    private int[] arg2 = new int[16];
    private int size;
    private final List<long[]> sets = new ArrayList<>();

    int size() {
      return size;
    }

    int add(int o, int a, int a2) {
      if (size == op.length) {
        op = java.util.Arrays.copyOf(op, size * 2);
        arg = java.util.Arrays.copyOf(arg, size * 2);
        arg2 = java.util.Arrays.copyOf(arg2, size * 2);
      }
      op[size] = o;
      arg[size] = a;
      arg2[size] = a2;
      return size++;
    }

    int set(long[] set) {
      sets.add(set);
      return sets.size() - 1;
    }

    Nfa build() {
      int[] o = java.util.Arrays.copyOf(op, size);
      int[] a = java.util.Arrays.copyOf(arg, size);
      int[] a2 = java.util.Arrays.copyOf(arg2, size);
      // a SET whose arg2 is 1 matches any non-ASCII character instead of its ASCII class
      long[][] s = sets.toArray(new long[0][]);
      return new Nfa(o, a, a2, s);
    }
  }
}
