/**
 * People: IAM Identity Center users working weekdays in their time zone,
 * through the console (`sessionCredentialFromConsole`) or the CLI, mostly
 * reading, sometimes doing sensitive work (creating roles for new workloads,
 * reading secrets, opening SSM sessions). They are never Kubernetes service
 * accounts and never use web-identity credentials.
 *
 * @module
 */
import { Rng } from "./_rng.ts";
import type { Actor, Sim } from "./_sim.ts";
import type { Cluster, Estate, Human } from "./build_estate.ts";
import { newRoleSession } from "./_identity.ts";
import { type Api, call, type Client, s3RequestId } from "./_client.ts";
import { awsCli, fixedAgent } from "./_user_agents.ts";
import { filterSet } from "./_shapes.ts";
import { iamDate } from "./_time.ts";
import { roleId } from "./_ids.ts";
import { DAY, HOUR, MINUTE } from "./_time.ts";

const CONSOLE = fixedAgent("AWS Internal");

/** One person's working days. */
export class HumanActor implements Actor {
  next: number;
  #rng: Rng;
  #h: Human;
  #cluster: Cluster;
  #scale: number;
  #client: Client | null = null;
  #sessionEnd = 0;
  #cli;

  constructor(o: { seed: number; human: Human; estate: Estate; start: number; scale: number }) {
    this.#h = o.human;
    this.#rng = Rng.derive(o.seed, "human", o.human.email);
    this.#cluster = o.estate.clusters.find((c) => c.account === o.human.account)!;
    this.#scale = o.scale;
    this.#cli = o.human.utcOffset < 0
      ? awsCli({ version: "2.22.35", os: "macos#24.1.0", distrib: "", python: "3.12.6" })
      : awsCli({
        version: "2.19.4",
        os: "linux#6.8.0-48-generic",
        distrib: "ubuntu.24",
        python: "3.12.6",
      });
    this.next = this.#nextSessionStart(o.start);
  }

  /** Next start of a working block at or after `t` (weekdays 08:00–18:00 local). */
  #nextSessionStart(t: number): number {
    const rng = this.#rng;
    const off = this.#h.utcOffset * HOUR;
    for (let probe = t + rng.int(90 * MINUTE);; probe += 20 * MINUTE) {
      const local = probe + off;
      const day = new Date(local).getUTCDay();
      const hour = (local % DAY) / HOUR;
      if (day >= 1 && day <= 5 && hour >= 8 && hour < 17.5) return probe;
    }
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    const h = this.#h;
    if (this.#client === null || t >= this.#sessionEnd) {
      if (this.#client !== null) {
        // The block is over; rest before the next one.
        this.#client = null;
        this.next = this.#nextSessionStart(t + 30 * MINUTE + rng.int(2 * HOUR));
        return;
      }
      const console = rng.chance(0.55);
      this.#client = {
        session: newRoleSession(rng, { role: h.role, sessionName: h.email, created: t }),
        sdk: console ? CONSOLE : this.#cli,
        rng,
        ips: h.ips,
        console,
      };
      this.#sessionEnd = t + 20 * MINUTE + rng.int(100 * MINUTE);
    }
    this.#act(sim, t);
    this.next = t + 1000 + rng.exp((3 * MINUTE) / this.#scale);
  }

  #act(sim: Sim, t: number): void {
    const rng = this.#rng;
    const c = this.#client!;
    const cl = this.#cluster;
    const region = rng.chance(0.85) ? cl.region : rng.pick(["us-east-1", "eu-west-1"]);
    const admin = this.#h.admin;
    const ops = [
      "ec2",
      "eks",
      "roles",
      "attached",
      "trail",
      "logs",
      "buckets",
      "secrets",
      "elb",
      "whoami",
      "ssm-info",
      "zones",
      "get-secret",
      "new-role",
      "policy-version",
      "start-session",
    ];
    const weights = [
      10,
      8,
      5,
      3,
      4,
      6,
      4,
      4,
      3,
      c.console ? 0 : 5,
      2,
      2,
      admin ? 1.2 : 0.2,
      admin ? 0.5 : 0,
      admin ? 0.15 : 0,
      admin ? 0.4 : 0,
    ];
    const op = rng.weighted(ops, weights);
    const go = (
      source: string,
      name: string,
      req: unknown,
      o: {
        region?: string;
        resp?: unknown;
        resources?: unknown;
        readOnly?: boolean;
        at?: number;
        deny?: Api["deny"];
      } = {},
    ) =>
      call(sim, c, o.at ?? t, {
        source,
        name,
        region: source === "iam.amazonaws.com" || source === "route53.amazonaws.com"
          ? "us-east-1"
          : (o.region ?? region),
        req,
        resp: o.resp,
        resources: o.resources,
        readOnly: o.readOnly,
        deny: o.deny,
      });
    switch (op) {
      case "ec2":
        go("ec2.amazonaws.com", "DescribeInstances", {
          instancesSet: {},
          filterSet: c.console ? filterSet({ "instance-state-name": ["running"] }) : {},
        });
        return;
      case "eks":
        go(
          "eks.amazonaws.com",
          rng.chance(0.6) ? "DescribeCluster" : "ListClusters",
          rng.chance(0.6) ? { name: cl.name } : null,
        );
        return;
      case "roles":
        go(
          "iam.amazonaws.com",
          rng.chance(0.5) ? "ListRoles" : "GetRole",
          rng.chance(0.5) ? null : { roleName: `${cl.name}-external-secrets-irsa` },
        );
        return;
      case "attached":
        go("iam.amazonaws.com", "ListAttachedRolePolicies", {
          roleName: `${cl.name}-karpenter-irsa`,
        });
        return;
      case "trail":
        go("cloudtrail.amazonaws.com", "LookupEvents", {
          maxResults: 50,
          lookupAttributes: [{
            attributeKey: "EventName",
            attributeValue: rng.pick(["ConsoleLogin", "CreateRole", "RunInstances"]),
          }],
        });
        return;
      case "logs":
        go(
          "logs.amazonaws.com",
          rng.chance(0.5) ? "DescribeLogGroups" : "FilterLogEvents",
          rng.chance(0.5)
            ? { limit: 50 }
            : { logGroupName: `/aws/eks/${cl.name}/cluster`, startTime: t - HOUR, endTime: t },
        );
        return;
      case "buckets":
        call(sim, c, t, {
          source: "s3.amazonaws.com",
          name: "ListBuckets",
          region,
          req: { Host: `s3.${region}.amazonaws.com` },
          extra: {
            SignatureVersion: "SigV4",
            CipherSuite: "TLS_AES_128_GCM_SHA256",
            bytesTransferredIn: 0,
            AuthenticationMethod: "AuthHeader",
            "x-amz-id-2": rng.base64(76),
            bytesTransferredOut: 2400 + rng.int(800),
          },
          requestId: s3RequestId(rng),
          host: `s3.${region}.amazonaws.com`,
        });
        return;
      case "secrets":
        go(
          "secretsmanager.amazonaws.com",
          rng.chance(0.5) ? "ListSecrets" : "DescribeSecret",
          rng.chance(0.5) ? { maxResults: 100 } : { secretId: rng.pick(cl.secrets) },
          { region: cl.region },
        );
        return;
      case "elb":
        go("elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers", null, {
          region: cl.region,
        });
        return;
      case "whoami":
        go("sts.amazonaws.com", "GetCallerIdentity", null);
        return;
      case "ssm-info":
        go("ssm.amazonaws.com", "DescribeInstanceInformation", { maxResults: 50 }, {
          region: cl.region,
        });
        return;
      case "zones":
        go("route53.amazonaws.com", "ListHostedZones", null);
        return;
      case "get-secret": {
        // ReadOnlyAccess does not include secretsmanager:GetSecretValue.
        const secret = rng.pick(cl.secrets);
        const readOnly = this.#h.role.name.includes("_ReadOnlyAccess_");
        go("secretsmanager.amazonaws.com", "GetSecretValue", { secretId: secret }, {
          region: cl.region,
          deny: readOnly
            ? { action: "secretsmanager:GetSecretValue", resource: secret }
            : undefined,
        });
        return;
      }
      case "new-role": {
        const app = rng.pick([
          "search-api",
          "notifications",
          "feature-store",
          "image-resizer",
          "ledger",
        ]);
        const roleName = `${cl.name}-${app}-irsa`;
        const arn = `arn:aws:iam::${cl.account.id}:role/${roleName}`;
        const trust = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Principal: { Federated: cl.providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${cl.providerArn.split("oidc-provider/")[1]}:sub`]:
                  `system:serviceaccount:${app}:${app}`,
              },
            },
          }],
        });
        go("iam.amazonaws.com", "CreateRole", { roleName, assumeRolePolicyDocument: trust }, {
          resp: {
            role: {
              path: "/",
              roleName,
              roleId: roleId(rng, cl.account.id),
              arn,
              createDate: iamDate(t),
              assumeRolePolicyDocument: encodeURIComponent(trust),
            },
          },
        });
        go("iam.amazonaws.com", "AttachRolePolicy", {
          roleName,
          policyArn: rng.pick([
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess",
          ]),
        }, { at: t + 9000 + rng.int(30000) });
        if (rng.chance(0.5)) {
          go("iam.amazonaws.com", "PutRolePolicy", {
            roleName,
            policyName: `${app}-sqs`,
            policyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{
                Effect: "Allow",
                Action: ["sqs:SendMessage", "sqs:ReceiveMessage"],
                Resource: cl.queues[0].replace(
                  /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\//,
                  "arn:aws:sqs:$1:$2:",
                ),
              }],
            }),
          }, { at: t + 45000 + rng.int(30000) });
        }
        return;
      }
      case "policy-version":
        go("iam.amazonaws.com", "CreatePolicyVersion", {
          policyArn: cl.account.managedPolicyArn,
          policyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData"],
              Resource: "*",
            }],
          }),
          setAsDefault: true,
        }, {
          resp: {
            policyVersion: {
              versionId: `v${rng.range(2, 9)}`,
              isDefaultVersion: true,
              createDate: iamDate(t),
            },
          },
        });
        return;
      default: {
        const target = rng.pick(cl.nodes).instanceId;
        const sessionId = `${this.#h.email}-${rng.lowerAlnum(17)}`;
        go("ssm.amazonaws.com", "StartSession", { target }, {
          region: cl.region,
          resp: {
            sessionId,
            streamUrl: `wss://ssmmessages.${cl.region}.amazonaws.com/v1/data-channel/${sessionId}` +
              `?role=publish_subscribe&cell-number=${rng.base64(64)}`,
            tokenValue: "Value hidden due to security reasons.",
          },
        });
      }
    }
  }
}
