// Wildcard patterns as IAM and the exemptions config write them: `*` any run of characters, `?` any
// one character, everything else literal. Callers build the RegExp with the flags they need.

/** The regular-expression source of a wildcard pattern, without anchors. */
export function globSource(pattern: string): string {
  return pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : escapeRegExp(c)))
    .join("");
}

/** Text matched literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|+()[\]{}*?]/g, "\\$&");
}
