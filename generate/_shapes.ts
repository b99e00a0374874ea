/**
 * Request and response shapes that several actors share: EC2's XML-derived
 * `…Set: {items: […]}` lists, STS credentials, DynamoDB/SQS data events.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";
import type { Role } from "./_identity.ts";
import { assumedRoleArn } from "./_identity.ts";
import { sessionToken } from "./_ids.ts";
import { javaDateTime } from "./_time.ts";
import { call, type Client } from "./_client.ts";
import type { Sim } from "./_sim.ts";

/** `{"items":[{"name":…,"valueSet":{"items":[{"value":…}]}}]}`. */
export function filterSet(filters: Record<string, string[]>): unknown {
  return {
    items: Object.entries(filters).map(([name, values]) => ({
      name,
      valueSet: { items: values.map((value) => ({ value })) },
    })),
  };
}

/** `{"items":[{"instanceId":…}]}`. */
export function instancesSet(ids: string[]): unknown {
  return { items: ids.map((instanceId) => ({ instanceId })) };
}

/** STS `responseElements` for an issued role credential. */
export function credentialsResponse(
  o: { rng: Rng; keyId: string; role: Role; sessionName: string; time: number; seconds: number },
): Record<string, unknown> {
  return {
    credentials: {
      accessKeyId: o.keyId,
      sessionToken: sessionToken(o.rng, 700 + o.rng.int(200)),
      expiration: javaDateTime(o.time + o.seconds * 1000),
    },
    assumedRoleUser: {
      assumedRoleId: `${o.role.id}:${o.sessionName}`,
      arn: assumedRoleArn(o.role, o.sessionName),
    },
  };
}

/** `resources` of an STS call on a role. */
export function roleResource(role: Role): unknown {
  return [{ accountId: role.account, type: "AWS::IAM::Role", ARN: role.arn }];
}

/** A DynamoDB item-level data event. */
export function dynamo(
  sim: Sim,
  c: Client,
  t: number,
  o: { name: string; table: string; region: string; key?: Record<string, string>; item?: string[] },
): void {
  const req: Record<string, unknown> = { tableName: o.table };
  if (o.name === "Query") {
    req.keyConditionExpression = "pk = :pk";
    req.limit = 25;
  } else if (o.key) req.key = o.key;
  if (o.item) req.item = o.item;
  if (o.name === "UpdateItem") {
    req.updateExpression = "SET #s = :s, updatedAt = :u";
    req.returnValues = "UPDATED_NEW";
  }
  call(sim, c, t, {
    source: "dynamodb.amazonaws.com",
    name: o.name,
    region: o.region,
    req,
    resources: [{
      accountId: c.session.account,
      type: "AWS::DynamoDB::Table",
      ARN: `arn:aws:dynamodb:${o.region}:${c.session.account}:table/${o.table}`,
    }],
    apiVersion: "2012-08-10",
    data: true,
    readOnly: o.name === "GetItem" || o.name === "Query" || o.name === "Scan",
  });
}

/** An SQS message-level data event. */
export function sqs(
  sim: Sim,
  c: Client,
  t: number,
  o: { name: "SendMessage" | "ReceiveMessage" | "DeleteMessage"; queueUrl: string; region: string },
): void {
  const rng = c.rng;
  const parts = o.queueUrl.split("/");
  const arn = `arn:aws:sqs:${o.region}:${parts[3]}:${parts[4]}`;
  let req: unknown;
  let resp: unknown = null;
  if (o.name === "SendMessage") {
    req = { queueUrl: o.queueUrl, messageBody: "HIDDEN_DUE_TO_SECURITY_REASONS" };
    resp = { mD5OfMessageBody: rng.hex(16), messageId: rng.uuid() };
  } else if (o.name === "ReceiveMessage") {
    req = { queueUrl: o.queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 20 };
  } else {
    req = { queueUrl: o.queueUrl, receiptHandle: "HIDDEN_DUE_TO_SECURITY_REASONS" };
  }
  call(sim, c, t, {
    source: "sqs.amazonaws.com",
    name: o.name,
    region: o.region,
    req,
    resp,
    resources: [{ accountId: parts[3], type: "AWS::SQS::Queue", ARN: arn }],
    data: true,
    readOnly: o.name === "ReceiveMessage",
  });
}

/** `{"instanceId", "currentState", "previousState"}` items of Start/Stop/Terminate. */
export function stateChange(ids: string[], from: [number, string], to: [number, string]): unknown {
  return {
    items: ids.map((instanceId) => ({
      instanceId,
      currentState: { code: to[0], name: to[1] },
      previousState: { code: from[0], name: from[1] },
    })),
  };
}

/** The secret name inside a Secrets Manager ARN (without the random suffix). */
export function secretName(arn: string): string {
  const name = arn.slice(arn.indexOf(":secret:") + 8);
  return name.slice(0, name.length - 7);
}
