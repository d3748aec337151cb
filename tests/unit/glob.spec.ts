// The wildcard matcher shared by IAM patterns and exemption patterns, against a reference that is
// obviously right (a dynamic program over pattern and text), and on the inputs that made the old
// RegExp conversion backtrack for minutes.

import { strict as assert } from "assert";
import * as fc from "fast-check";
import { compileWildcard, WildcardPart, wildcardMatches } from "../../lib/glob";

/** Reference: dp[i][j] = pattern[0..i) matches text[0..j). `literal` marks characters that are not wildcards. */
function reference(pattern: string, literal: boolean[], text: string): boolean {
  let prev = new Array<boolean>(text.length + 1).fill(false);
  prev[0] = true;
  for (let i = 0; i < pattern.length; i++) {
    const next = new Array<boolean>(text.length + 1).fill(false);
    const c = pattern[i];
    const star = c === "*" && !literal[i];
    const any = c === "?" && !literal[i];
    for (let j = 0; j <= text.length; j++) {
      if (star) next[j] = prev[j] || (j > 0 && next[j - 1]);
      else if (j > 0) next[j] = prev[j - 1] && (any || text[j - 1] === c);
    }
    prev = next;
  }
  return prev[text.length];
}

function flatten(parts: WildcardPart[]): { pattern: string; literal: boolean[] } {
  let pattern = "";
  const literal: boolean[] = [];
  for (const part of parts) {
    const text = typeof part === "string" ? part : part.literal;
    pattern += text;
    for (let i = 0; i < text.length; i++) literal.push(typeof part !== "string");
  }
  return { pattern, literal };
}

// A small alphabet makes matches and near-misses common.
const char = fc.constantFrom("a", "b", "*", "?", ":", "/");
const textChar = fc.constantFrom("a", "b", "*", "?", ":", "/");
const patternArb = fc.array(char, { maxLength: 12 }).map((cs) => cs.join(""));
const textArb = fc.array(textChar, { maxLength: 14 }).map((cs) => cs.join(""));
const partsArb = fc.array(
  fc.oneof(
    patternArb,
    textArb.map((literal) => ({ literal })),
  ),
  { maxLength: 4 },
);

describe("wildcard matcher", () => {
  const cases: [string, string, boolean, boolean][] = [
    // pattern, text, ignoreCase, expected
    ["*", "", false, true],
    ["", "", false, true],
    ["", "a", false, false],
    ["iam:Create*", "iam:CreateAccessKey", false, true],
    ["IAM:create*", "iam:CreateAccessKey", true, true],
    ["IAM:create*", "iam:CreateAccessKey", false, false],
    ["iam:*AccessKey", "iam:CreateAccessKey", false, true],
    ["iam:?reate*Key", "iam:CreateAccessKey", false, true],
    ["user/*", "user/alice", false, true],
    ["user/*/alice", "user/alice", false, false],
    ["a*a", "a", false, false],
    ["a*a", "aa", false, true],
    ["*ab*ab", "abab", false, true],
    ["*ab*ab", "abxab", false, true],
    ["*ab*ab", "ab", false, false],
    ["?", "", false, false],
    ["??", "ab", false, true],
    ["a**b", "ab", false, true],
  ];
  for (const [pattern, text, ignoreCase, expected] of cases) {
    it(`${expected ? "matches" : "does not match"} "${text}" with "${pattern}"${ignoreCase ? " ignoring case" : ""}`, () => {
      assert.equal(wildcardMatches(pattern, text, ignoreCase), expected);
    });
  }

  it("treats literal parts (substituted values) as text: a star in a user name is not a wildcard", () => {
    assert.equal(compileWildcard(["user/", { literal: "a*" }]).matches("user/a*"), true);
    assert.equal(compileWildcard(["user/", { literal: "a*" }]).matches("user/abc"), false);
    assert.equal(compileWildcard(["user/", { literal: "a?" }, "*"]).matches("user/a?x"), true);
    assert.equal(compileWildcard(["user/", { literal: "a?" }]).matches("user/ab"), false);
  });

  it("agrees with the reference on random patterns and texts", () => {
    fc.assert(
      fc.property(patternArb, textArb, (pattern, text) => {
        const expected = reference(pattern, new Array(pattern.length).fill(false), text);
        assert.equal(wildcardMatches(pattern, text), expected);
      }),
      { numRuns: 3000, seed: 1111 },
    );
  });

  it("agrees with the reference on patterns mixing wildcard and literal parts", () => {
    fc.assert(
      fc.property(partsArb, textArb, (parts, text) => {
        const { pattern, literal } = flatten(parts);
        assert.equal(compileWildcard(parts).matches(text), reference(pattern, literal, text));
      }),
      { numRuns: 3000, seed: 2222 },
    );
  });

  it("ignores case the way the reference does on lower-cased pattern and text", () => {
    const upper = fc.array(fc.constantFrom("a", "B", "*", "?", "A", "b"), { maxLength: 10 }).map((c) => c.join(""));
    fc.assert(
      fc.property(upper, upper, (pattern, text) => {
        const p = pattern.toLowerCase();
        assert.equal(
          wildcardMatches(pattern, text, true),
          reference(p, new Array(p.length).fill(false), text.toLowerCase()),
        );
      }),
      { numRuns: 2000, seed: 3333 },
    );
  });

  // These took seconds to forever as backtracking RegExps; each answers at once now. No timing is
  // asserted (mocha's timeout catches a hang); the answers are.
  it("answers star-heavy patterns that made the old RegExp backtrack", () => {
    const name = "a".repeat(64);
    assert.equal(
      wildcardMatches("arn:aws:iam::*:user/" + "*a".repeat(24) + "*b", "arn:aws:iam::1:user/" + name),
      false,
    );
    assert.equal(wildcardMatches("iam:" + "*".repeat(22) + "X", "iam:CreateAccessKey", true), false);
    assert.equal(wildcardMatches("*".repeat(50) + "Z", "a".repeat(10_000)), false);
    assert.equal(wildcardMatches("*".repeat(50) + "Z", "a".repeat(10_000) + "Z"), true);
    assert.equal(wildcardMatches("*a".repeat(5_000) + "*b", "a".repeat(20_000)), false);
  });

  it("splits long patterns with many wildcards of both kinds at the right places", () => {
    // Literal runs are sliced between the wildcards found; each kind is searched for separately.
    const pattern = "x?*y".repeat(50_000) + "${".repeat(10_000);
    const text = "xAyy".repeat(50_000) + "${".repeat(10_000);
    assert.equal(wildcardMatches(pattern, text), true);
    assert.equal(wildcardMatches(pattern, text.slice(0, -1)), false);
    assert.equal(wildcardMatches("?".repeat(100_000), "q".repeat(100_000)), true);
    assert.equal(wildcardMatches("?".repeat(100_000), "q".repeat(99_999)), false);
    assert.equal(wildcardMatches("a?b*c?d*", "aXbYYcZd"), true);
    assert.equal(wildcardMatches("a?b*c?d*", "aXbYYcZe"), false);
  });
});
