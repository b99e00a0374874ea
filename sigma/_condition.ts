/**
 * Sigma detection conditions: `and`, `or`, `not`, parentheses, `1 of` /
 * `all of` with a selection name, a `*` pattern, or `them`. Parsed into an
 * expression tree whose leaves are selection names.
 *
 * @module
 */
import { Unsupported } from "./_fields.ts";

/** A parsed condition. */
export type CondNode =
  | { op: "and" | "or"; args: CondNode[] }
  | { op: "not"; arg: CondNode }
  | { op: "ref"; name: string };

type Token = {
  t: "(" | ")" | "and" | "or" | "not" | "of" | "1" | "all" | "them" | "id";
  v: string;
};

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (/\s/.test(text[pos])) {
      pos++;
      continue;
    }
    const m = /^(?:\(|\)|\||[A-Za-z0-9_.*\-]+)/.exec(text.slice(pos));
    if (!m) throw new Unsupported(`condition "${text}"`, `unexpected "${text[pos]}"`);
    pos += m[0].length;
    const v = m[0];
    const lower = v.toLowerCase();
    if (v === "|") {
      throw new Unsupported(
        `condition "${text}"`,
        "Sigma v1 aggregations (| count() …) are not part of Sigma v2; write a correlation rule",
      );
    }
    if (v === "(" || v === ")") out.push({ t: v, v });
    else if (["and", "or", "not", "of", "all", "them"].includes(lower)) {
      out.push({ t: lower as Token["t"], v });
    } else if (v === "1") out.push({ t: "1", v });
    else if (lower === "near") {
      throw new Unsupported(`condition "${text}"`, `the "near" operator is obsolete in Sigma v2`);
    } else out.push({ t: "id", v });
  }
  return out;
}

/** Whether a `*` pattern matches a selection name. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    "^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, "\\$&")).join(".*") + "$",
  );
  return re.test(name);
}

/**
 * Parses `text` against the selection names `names`.
 *
 * @throws {Unsupported} for syntax podtrail does not run, unknown names, or
 * patterns that match nothing.
 */
export function parseCondition(text: string, names: readonly string[]): CondNode {
  const construct = `condition "${text}"`;
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (t: Token["t"]) => {
    if (peek()?.t !== t) {
      throw new Unsupported(
        construct,
        `expected "${t}" at token ${i + 1}${peek() ? ` ("${peek().v}")` : ""}`,
      );
    }
    return tokens[i++];
  };
  const resolve = (pattern: string): string[] => {
    const matched = pattern === "them"
      ? names.filter((n) => !n.startsWith("_"))
      : names.filter((n) => globMatch(pattern, n));
    if (matched.length === 0) {
      throw new Unsupported(construct, `"${pattern}" matches no search identifier`);
    }
    return matched;
  };
  const orExpr = (): CondNode => {
    const args = [andExpr()];
    while (peek()?.t === "or") {
      i++;
      args.push(andExpr());
    }
    return args.length === 1 ? args[0] : { op: "or", args };
  };
  const andExpr = (): CondNode => {
    const args = [notExpr()];
    while (peek()?.t === "and") {
      i++;
      args.push(notExpr());
    }
    return args.length === 1 ? args[0] : { op: "and", args };
  };
  const notExpr = (): CondNode => {
    if (peek()?.t === "not") {
      i++;
      return { op: "not", arg: notExpr() };
    }
    return primary();
  };
  const primary = (): CondNode => {
    const tok = peek();
    if (!tok) throw new Unsupported(construct, "it ends too early");
    if (tok.t === "(") {
      i++;
      const e = orExpr();
      expect(")");
      return e;
    }
    if (tok.t === "1" || tok.t === "all") {
      i++;
      expect("of");
      const target = peek();
      if (!target || (target.t !== "id" && target.t !== "them")) {
        throw new Unsupported(construct, `"${tok.v} of" needs a selection name, pattern or "them"`);
      }
      i++;
      const refs = resolve(target.t === "them" ? "them" : target.v)
        .map((name): CondNode => ({ op: "ref", name }));
      if (refs.length === 1) return refs[0];
      return { op: tok.t === "1" ? "or" : "and", args: refs };
    }
    if (tok.t === "id") {
      i++;
      if (peek()?.t === "of") {
        throw new Unsupported(construct, `"${tok.v} of" is not Sigma: use "1 of" or "all of"`);
      }
      if (tok.v.includes("*")) {
        throw new Unsupported(construct, `the pattern "${tok.v}" needs "1 of" or "all of"`);
      }
      if (!names.includes(tok.v)) {
        throw new Unsupported(construct, `"${tok.v}" is not a search identifier of the rule`);
      }
      return { op: "ref", name: tok.v };
    }
    throw new Unsupported(construct, `unexpected "${tok.v}"`);
  };
  const tree = orExpr();
  if (i < tokens.length) throw new Unsupported(construct, `unexpected "${tokens[i].v}"`);
  return tree;
}

/** SQL of a condition tree, given the SQL of each selection (two-valued booleans). */
export function conditionSql(node: CondNode, selections: ReadonlyMap<string, string>): string {
  switch (node.op) {
    case "ref":
      return selections.get(node.name)!;
    case "not":
      return `(NOT ${conditionSql(node.arg, selections)})`;
    default:
      return `(${
        node.args.map((a) => conditionSql(a, selections)).join(` ${node.op.toUpperCase()} `)
      })`;
  }
}
