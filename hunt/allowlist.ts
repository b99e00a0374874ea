/**
 * `--allow FILE`: known patterns to suppress. A CSV file with the columns
 * `principal,eventName` and optionally `eventSource`, one action per row:
 *
 * ```csv
 * principal,eventName,eventSource
 * karpenter/karpenter,*,ec2.amazonaws.com
 * system:serviceaccount:external-secrets:external-secrets,GetSecretValue,
 * arn:aws:iam::111122223333:role/prod-east-velero,CreateSnapshot,ec2.amazonaws.com
 * backup-runner,DescribeInstances,
 * ```
 *
 * `principal` is a service account (`namespace/name` or
 * `system:serviceaccount:namespace:name`), a role ARN or role name (of the
 * session or of the tree's root), or `*`; `eventName` and `eventSource` may be
 * `*` (empty `eventSource` means any). Allowlisted actions count for no rule
 * and add no points.
 *
 * @module
 */
import { InputSyntaxError } from "../errors.ts";
import { parseCsv } from "../queries/_csv.ts";

/** One allowlist entry. */
export interface AllowEntry {
  /** `namespace/name`, a role ARN, a role name, or `*`. */
  principal: string;
  /** An eventName (or `RunInstances+PassRole`), or `*`. */
  eventName: string;
  /** An eventSource, or `*`. */
  eventSource: string;
}

/** Parses allowlist CSV `text`; `file` names it in errors. */
export function parseAllowlist(text: string, file: string): AllowEntry[] {
  return parseCsv(text, file, ["principal", "eventName"], ["eventSource"]).map(
    ({ line, values }) => {
      let principal = values.principal;
      const sa = principal.match(/^system:serviceaccount:([^:]+):([^:]+)$/);
      if (sa) principal = `${sa[1]}/${sa[2]}`;
      const ok = principal === "*" ||
        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(principal) ||
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(principal) ||
        /^[\w+=,.@-]{1,64}$/.test(principal);
      if (!ok) {
        throw new InputSyntaxError(
          file,
          `line ${line}: principal "${principal}" is not a service account (namespace/name), ` +
            `role ARN, role name or *`,
          { position: line },
        );
      }
      const eventName = values.eventName;
      if (!/^(\*|[A-Za-z0-9+]+)$/.test(eventName)) {
        throw new InputSyntaxError(file, `line ${line}: bad eventName "${eventName}"`, {
          position: line,
        });
      }
      const eventSource = values.eventSource || "*";
      if (!/^(\*|[a-z0-9.-]+\.amazonaws\.com)$/.test(eventSource)) {
        throw new InputSyntaxError(file, `line ${line}: bad eventSource "${eventSource}"`, {
          position: line,
        });
      }
      return { principal, eventName, eventSource };
    },
  );
}
