/**
 * The detection rules: one `.sql` file each in `queries/rules/`, whose comment
 * header carries the metadata (`-- key: value`, indented lines continue a
 * value). {@linkcode RULES} is what `hunt()` runs and what a report prints in
 * its appendix (the SQL text and thresholds of each rule).
 *
 * @module
 */
import type { Severity } from "./finding.ts";
import { parseSeverity } from "./finding.ts";
import multiControlPlane from "../queries/rules/web_identity_multi_control_plane.sql" with {
  type: "text",
};
import lateralMovement from "../queries/rules/web_identity_lateral_movement.sql" with {
  type: "text",
};

/** A tunable threshold of a rule. */
export interface RuleThreshold {
  /** Option name in `HuntOptions` and in `Finding.thresholds`, e.g. `minActions`. */
  name: string;
  /** Default value. */
  default: number;
  /** The `podtrail hunt` flag that sets it, e.g. `--min-actions`. */
  flag: string;
}

/** A detection rule and its metadata. */
export interface Rule {
  /** e.g. `web-identity-lateral-movement`. */
  id: string;
  title: string;
  /** Nominal severity; each finding's severity is scored by `hunt/severity.ts`. */
  severity: Severity;
  /** MITRE ATT&CK technique ids. */
  attack: string[];
  description: string;
  falsePositives: string;
  thresholds: RuleThreshold[];
  /** The rule's SQL, header included. */
  sql: string;
  /** Path of the SQL file in the repository. */
  file: string;
}

/** Parses a rule file's comment header; throws `SyntaxError` when a field is missing. */
export function parseRule(sql: string, file: string): Rule {
  const fields = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of sql.split("\n")) {
    if (!line.startsWith("--")) break;
    const body = line.slice(2);
    const m = body.match(/^ ([a-z][a-z ]*):\s*(.*)$/);
    if (m) {
      last = m[1];
      fields.set(last, [...(fields.get(last) ?? []), m[2].trim()]);
    } else if (last && /^ {2,}\S/.test(body)) {
      const values = fields.get(last)!;
      values[values.length - 1] += " " + body.trim();
    }
  }
  const one = (name: string): string => {
    const v = fields.get(name);
    if (!v || v.length !== 1 || v[0] === "") {
      throw new SyntaxError(`Rule "${file}": the header needs exactly one "${name}:" line`);
    }
    return v[0];
  };
  const thresholds = (fields.get("threshold") ?? []).map((t) => {
    const m = t.match(/^([a-zA-Z]+)\s*=\s*(\d+)\s*\((--[a-z-]+)\)$/);
    if (!m) {
      throw new SyntaxError(`Rule "${file}": bad threshold "${t}" (use: name = 3 (--flag))`);
    }
    return { name: m[1], default: Number(m[2]), flag: m[3] };
  });
  return {
    id: one("id"),
    title: one("title"),
    severity: parseSeverity(one("severity"), `severity of rule "${file}"`),
    attack: one("attack").split(/\s*,\s*/),
    description: one("description"),
    falsePositives: one("false positives"),
    thresholds,
    sql,
    file,
  };
}

/** Every rule, in the order `hunt()` runs them. */
export const RULES: readonly Rule[] = [
  parseRule(multiControlPlane, "queries/rules/web_identity_multi_control_plane.sql"),
  parseRule(lateralMovement, "queries/rules/web_identity_lateral_movement.sql"),
];

/** The rule with `id`, or a `RangeError`. */
export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) {
    throw new RangeError(`Unknown rule "${id}": use one of ${RULES.map((r) => r.id).join(", ")}`);
  }
  return rule;
}
