// Wildcard patterns as IAM and the exemptions config write them: `*` any run of characters, `?` any
// one character, everything else literal.
//
// Patterns come from policy documents and config, so they are never turned into a RegExp: a
// backtracking engine takes exponential time on `*a*a*a...b`. Instead the pattern is split at its
// stars and each piece is found at its leftmost place in the text, which is correct for globs
// (a later piece can only gain from an earlier piece ending as early as possible). Pieces without
// `?` are found with `indexOf`, linear in text and piece; a piece with `?` is compared at each place,
// so its cost is bounded by text length x piece length, never more.

/** One run of the pattern between stars. `anyAt[i]` marks a `?` at position i. */
interface Piece {
  readonly text: string;
  readonly anyAt?: Uint8Array;
}

/** A pattern split once, matched many times. */
export interface Wildcard {
  /** Whether the whole text matches the whole pattern. */
  matches(text: string): boolean;
}

/** Pattern text (`*`, `?` are wildcards) or literal text (matched as is, e.g. a substituted value). */
export type WildcardPart = string | { readonly literal: string };

/** Splits a pattern into its pieces. `ignoreCase` compares in lower case (IAM actions). */
export function compileWildcard(pattern: string | readonly WildcardPart[], ignoreCase = false): Wildcard {
  const parts = typeof pattern === "string" ? [pattern] : pattern;
  const pieces: Piece[] = [];
  let text = "";
  let anyAt: number[] = [];
  let starSeen = false;
  let lengthChanged = false;
  const endPiece = () => {
    const t = ignoreCase ? text.toLowerCase() : text;
    if (t.length !== text.length) lengthChanged = true;
    if (anyAt.length > 0) {
      const mask = new Uint8Array(t.length);
      for (const i of anyAt) mask[i] = 1;
      pieces.push({ text: t, anyAt: mask });
    } else pieces.push({ text: t });
    text = "";
    anyAt = [];
  };
  for (const part of parts) {
    if (typeof part !== "string") {
      text += part.literal;
      continue;
    }
    // Literal runs are taken as slices between wildcards found with indexOf (each searched for again
    // only once passed, so linear): appending character by character cost 100+ ms on the first
    // 400 KB Resource pattern a process met.
    let run = 0;
    let star = part.indexOf("*");
    let question = part.indexOf("?");
    while (star >= 0 || question >= 0) {
      const isStar = question < 0 || (star >= 0 && star < question);
      const at = isStar ? star : question;
      text += part.slice(run, at);
      run = at + 1;
      if (isStar) {
        starSeen = true;
        endPiece();
        star = part.indexOf("*", run);
      } else {
        anyAt.push(text.length);
        text += "?";
        question = part.indexOf("?", run);
      }
    }
    text += part.slice(run);
  }
  endPiece();
  // Lower-casing keeps the length of ASCII (all IAM action names); where it does not, a `?` would
  // stand at the wrong place, so such a pattern is compared as written instead.
  if (lengthChanged) return compileWildcard(pattern, false);
  return starSeen ? new Starred(pieces, ignoreCase) : new Exact(pieces[0], ignoreCase);
}

/** Whether `text` matches `pattern` (see compileWildcard). */
export function wildcardMatches(pattern: string, text: string, ignoreCase = false): boolean {
  return compileWildcard(pattern, ignoreCase).matches(text);
}

/** Whether `piece` matches `text` at `at` (the caller checks it fits). */
function pieceAt(piece: Piece, text: string, at: number): boolean {
  const { text: p, anyAt } = piece;
  if (!anyAt) return text.startsWith(p, at);
  for (let i = 0; i < p.length; i++) {
    if (anyAt[i] === 0 && text.charCodeAt(at + i) !== p.charCodeAt(i)) return false;
  }
  return true;
}

/** The leftmost place at or after `from` where `piece` matches and ends by `end`; -1 if none. */
function find(piece: Piece, text: string, from: number, end: number): number {
  const last = end - piece.text.length;
  if (!piece.anyAt) {
    const at = text.indexOf(piece.text, from);
    return at >= 0 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (pieceAt(piece, text, at)) return at;
  return -1;
}

class Exact implements Wildcard {
  constructor(
    private readonly piece: Piece,
    private readonly ignoreCase: boolean,
  ) {}

  matches(input: string): boolean {
    const text = this.ignoreCase ? input.toLowerCase() : input;
    return text.length === this.piece.text.length && pieceAt(this.piece, text, 0);
  }
}

class Starred implements Wildcard {
  private readonly first: Piece;
  private readonly middle: Piece[];
  private readonly last: Piece;

  constructor(
    pieces: Piece[],
    private readonly ignoreCase: boolean,
  ) {
    this.first = pieces[0];
    this.last = pieces[pieces.length - 1];
    this.middle = pieces.slice(1, -1).filter((p) => p.text.length > 0);
  }

  matches(input: string): boolean {
    const text = this.ignoreCase ? input.toLowerCase() : input;
    const { first, last } = this;
    const end = text.length - last.text.length;
    if (end < first.text.length) return false;
    if (!pieceAt(first, text, 0) || !pieceAt(last, text, end)) return false;
    let from = first.text.length;
    for (const piece of this.middle) {
      const at = find(piece, text, from, end);
      if (at < 0) return false;
      from = at + piece.text.length;
    }
    return true;
  }
}
