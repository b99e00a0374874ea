/**
 * Sessions and their `userIdentity` blocks: IRSA (web identity), EKS Pod
 * Identity, EC2 instance profiles, IAM Identity Center users, role chaining
 * and AWS service-linked roles — serialised once per session, in the field
 * order CloudTrail uses.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";
import { sessionKeyId } from "./_ids.ts";
import { isoSeconds } from "./_time.ts";

/** An IAM role. */
export interface Role {
  readonly name: string;
  /** `arn:aws:iam::<acct>:role<path><name>`. */
  readonly arn: string;
  /** The role's unique id (`AROA…`). */
  readonly id: string;
  readonly account: string;
}

/** A credential and the identity CloudTrail records for its calls. */
export interface Session {
  /** `ASIA…`, or undefined for service-invoked calls without a key. */
  readonly accessKeyId?: string;
  /** The caller ARN (as in AccessDenied messages). */
  readonly arn: string;
  readonly account: string;
  /** `userIdentity` JSON. */
  readonly identity: string;
  /** When the credential was issued (ms). */
  readonly created: number;
  /** The role's session name, when a role session. */
  readonly sessionName?: string;
  readonly role?: Role;
}

/** The STS `assumed-role` ARN of a role session. */
export function assumedRoleArn(role: Role, sessionName: string): string {
  return `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
}

interface RoleSessionOptions {
  role: Role;
  sessionName: string;
  created: number;
  accessKeyId?: string;
  /** Adds `webIdFederationData` (IRSA sessions). */
  federatedProvider?: string;
  /** Adds `ec2RoleDelivery` (instance-profile sessions). */
  ec2RoleDelivery?: string;
  /** Adds `invokedBy` (a service calling with this session). */
  invokedBy?: string;
}

/** A role session's identity (`AssumedRole`). */
export function roleSession(o: RoleSessionOptions): Session {
  const identity: Record<string, unknown> = {
    type: "AssumedRole",
    principalId: `${o.role.id}:${o.sessionName}`,
    arn: assumedRoleArn(o.role, o.sessionName),
    accountId: o.role.account,
  };
  if (o.accessKeyId !== undefined) identity.accessKeyId = o.accessKeyId;
  const context: Record<string, unknown> = {
    sessionIssuer: {
      type: "Role",
      principalId: o.role.id,
      arn: o.role.arn,
      accountId: o.role.account,
      userName: o.role.name,
    },
  };
  if (o.federatedProvider !== undefined) {
    context.webIdFederationData = { federatedProvider: o.federatedProvider, attributes: {} };
  }
  context.attributes = { creationDate: isoSeconds(o.created), mfaAuthenticated: "false" };
  if (o.ec2RoleDelivery !== undefined) context.ec2RoleDelivery = o.ec2RoleDelivery;
  identity.sessionContext = context;
  if (o.invokedBy !== undefined) identity.invokedBy = o.invokedBy;
  return {
    accessKeyId: o.accessKeyId,
    arn: identity.arn as string,
    account: o.role.account,
    identity: JSON.stringify(identity),
    created: o.created,
    sessionName: o.sessionName,
    role: o.role,
  };
}

/** A new role session with a fresh `ASIA…` key. */
export function newRoleSession(rng: Rng, o: Omit<RoleSessionOptions, "accessKeyId">): Session {
  return roleSession({ ...o, accessKeyId: sessionKeyId(rng, o.role.account) });
}

/** The same session as seen when a service (`invokedBy`) calls with it. */
export function invokedVia(session: Session, service: string): Session {
  const identity = JSON.parse(session.identity);
  identity.invokedBy = service;
  return { ...session, identity: JSON.stringify(identity) };
}

/** `userIdentity` of the web-identity user calling AssumeRoleWithWebIdentity. */
export function webIdentityUserJson(providerArn: string, subject: string): string {
  return JSON.stringify({
    type: "WebIdentityUser",
    principalId: `${providerArn}:sts.amazonaws.com:${subject}`,
    userName: subject,
    identityProvider: providerArn,
  });
}

/** `userIdentity` of an AWS service principal (`pods.eks.amazonaws.com`, `ec2.amazonaws.com`). */
export function awsServiceJson(service: string): string {
  return JSON.stringify({ type: "AWSService", invokedBy: service });
}

/** `userIdentity` of an `AwsServiceEvent` (account and service, no type). */
export function serviceEventIdentityJson(account: string, service: string): string {
  return JSON.stringify({ accountId: account, invokedBy: service });
}
