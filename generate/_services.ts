/**
 * AWS acting on the estate's behalf: EC2 refreshing instance-profile
 * credentials and nodes pulling images, EKS managing the cluster, Auto
 * Scaling launching nodes, AWS Config describing resources, and the
 * occasional `AwsServiceEvent` (KMS key rotation, Secrets Manager rotation,
 * Spot interruptions).
 *
 * @module
 */
import { Rng } from "./_rng.ts";
import type { Actor, Sim } from "./_sim.ts";
import type { Account, Cluster } from "./build_estate.ts";
import type { NodeState } from "./_pods.ts";
import {
  awsServiceJson,
  newRoleSession,
  type Role,
  roleSession,
  serviceEventIdentityJson,
  type Session,
} from "./_identity.ts";
import { call, type Client, regionFor } from "./_client.ts";
import {
  credentialsResponse,
  filterSet,
  instancesSet,
  roleResource,
  stateChange,
} from "./_shapes.ts";
import { fixedAgent, goV2 } from "./_user_agents.ts";
import { ec2Id, roleId, sessionKeyId } from "./_ids.ts";
import { DAY, HOUR, MINUTE } from "./_time.ts";

const EC2_AGENT = fixedAgent("ec2.amazonaws.com");
const KUBELET_ECR = goV2({ core: "1.30.3", go: "1.22.5" });
const CONTAINERD = fixedAgent("containerd/1.7.23");

/** Logs an AWS service assuming a role for itself or a resource (`AWSService` caller). */
function serviceAssumeRole(
  sim: Sim,
  rng: Rng,
  o: {
    service: string;
    role: Role;
    session: Session;
    time: number;
    seconds: number;
    region: string;
  },
): void {
  const c: Client = {
    session: {
      arn: o.service,
      account: o.role.account,
      identity: awsServiceJson(o.service),
      created: o.time,
    },
    sdk: EC2_AGENT,
    rng,
    ips: [o.service],
  };
  call(sim, c, o.time, {
    source: "sts.amazonaws.com",
    name: "AssumeRole",
    region: o.region,
    version: "1.08",
    req: { roleArn: o.role.arn, roleSessionName: o.session.sessionName },
    resp: credentialsResponse({
      rng,
      keyId: o.session.accessKeyId!,
      role: o.role,
      sessionName: o.session.sessionName!,
      time: o.time,
      seconds: o.seconds,
    }),
    resources: roleResource(o.role),
    readOnly: true,
    sharedEventID: rng.uuid(),
    userAgent: o.service,
    noTls: true,
  });
}

/** An EKS worker node: instance-profile credential refreshes and image pulls. */
export class NodeActor implements Actor {
  next: number;
  readonly state: NodeState;
  #rng: Rng;
  #cluster: Cluster;
  #renewAt: number;
  #rate: number;

  constructor(o: { seed: number; cluster: Cluster; index: number; start: number; scale: number }) {
    this.#cluster = o.cluster;
    const node = o.cluster.nodes[o.index];
    this.#rng = Rng.derive(o.seed, "node", node.instanceId);
    const issued = o.start - this.#rng.int(55 * MINUTE);
    this.state = {
      node,
      session: newRoleSession(this.#rng, {
        role: o.cluster.nodeRole,
        sessionName: node.instanceId,
        created: issued,
        ec2RoleDelivery: "2.0",
      }),
    };
    this.#renewAt = issued + 55 * MINUTE + this.#rng.int(10 * MINUTE);
    this.#rate = 2.5 * o.scale;
    this.next = Math.min(this.#renewAt, o.start + this.#rng.exp(HOUR / this.#rate));
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    const cl = this.#cluster;
    if (t >= this.#renewAt) {
      this.state.session = newRoleSession(rng, {
        role: cl.nodeRole,
        sessionName: this.state.node.instanceId,
        created: t,
        ec2RoleDelivery: "2.0",
      });
      serviceAssumeRole(sim, rng, {
        service: "ec2.amazonaws.com",
        role: cl.nodeRole,
        session: this.state.session,
        time: t,
        seconds: 6 * 3600,
        region: cl.region,
      });
      this.#renewAt = t + 55 * MINUTE + rng.int(10 * MINUTE);
    } else {
      const n = this.state.node;
      const op = rng.weighted(["token", "pull", "describe"], [2, 6, 1]);
      if (op === "token") {
        call(
          sim,
          { session: this.state.session, sdk: KUBELET_ECR, rng, ips: [n.natIp], errorRate: 0.001 },
          t,
          {
            source: "ecr.amazonaws.com",
            name: "GetAuthorizationToken",
            region: cl.region,
            req: { registryIds: [cl.account.id] },
          },
        );
      } else if (op === "pull") {
        const c: Client = {
          session: this.state.session,
          sdk: CONTAINERD,
          rng,
          ips: [n.natIp],
          errorRate: 0.001,
        };
        const repo = `${cl.name}/${
          rng.pick([
            "orders-api",
            "media-service",
            "cart",
            "payments-api",
            "storefront",
            "etl",
            "reporting",
          ])
        }`;
        call(sim, c, t, {
          source: "ecr.amazonaws.com",
          name: "BatchGetImage",
          region: cl.region,
          req: {
            registryId: cl.account.id,
            repositoryName: repo,
            imageIds: [{ imageTag: `v1.${rng.int(40)}.${rng.int(10)}` }],
            acceptedMediaTypes: [
              "application/vnd.oci.image.manifest.v1+json",
              "application/vnd.docker.distribution.manifest.v2+json",
            ],
          },
        });
        for (let i = 0; i < 1 + rng.int(3); i++) {
          call(sim, c, t + 300 + i * 120, {
            source: "ecr.amazonaws.com",
            name: "GetDownloadUrlForLayer",
            region: cl.region,
            req: {
              registryId: cl.account.id,
              repositoryName: repo,
              layerDigest: `sha256:${rng.hex(32)}`,
            },
          });
        }
      } else {
        call(
          sim,
          { session: this.state.session, sdk: KUBELET_ECR, rng, ips: [n.natIp], errorRate: 0.001 },
          t,
          {
            source: "ec2.amazonaws.com",
            name: "DescribeInstances",
            region: cl.region,
            req: { instancesSet: instancesSet([n.instanceId]), filterSet: {} },
          },
        );
      }
    }
    const nextCall = t + 1 + rng.exp(HOUR / this.#rate);
    this.next = Math.min(nextCall, this.#renewAt);
  }
}

/** Start of the hourly service session containing `t` (sessions are renewed every hour at `offset`). */
function sessionStart(t: number, offset: number): number {
  return Math.floor((t - offset) / HOUR) * HOUR + offset;
}

/** A service-linked role acting through its service (`invokedBy`). */
function serviceRoleClient(
  rng: Rng,
  role: Role,
  sessionName: string,
  service: string,
  created: number,
  withKey: boolean,
): Client {
  const session = roleSession({
    role,
    sessionName,
    created,
    accessKeyId: withKey ? sessionKeyId(rng, role.account) : undefined,
    invokedBy: service,
  });
  return { session, sdk: fixedAgent(service), rng, ips: [service] };
}

function svcCall(
  sim: Sim,
  c: Client,
  t: number,
  source: string,
  name: string,
  region: string,
  req: unknown,
  resp: unknown = null,
): void {
  call(sim, c, t, { source, name, region, req, resp, userAgent: c.ips[0], noTls: true });
}

/** EKS managing a cluster: its service-linked role's describes and the cluster role refresh. */
export class EksServiceActor implements Actor {
  next: number;
  #rng: Rng;
  #cl: Cluster;
  #rate: number;
  #clusterRole: Role;
  #roleAt: number;
  #offset: number;

  constructor(o: { seed: number; cluster: Cluster; start: number; scale: number }) {
    this.#cl = o.cluster;
    this.#rng = Rng.derive(o.seed, "eks-service", o.cluster.name);
    this.#offset = this.#rng.int(HOUR);
    this.#rate = 15 * o.scale;
    const acct = o.cluster.account.id;
    this.#clusterRole = {
      name: `${o.cluster.name}-cluster-role`,
      arn: `arn:aws:iam::${acct}:role/${o.cluster.name}-cluster-role`,
      id: roleId(this.#rng, acct),
      account: acct,
    };
    this.#roleAt = o.start + this.#rng.int(HOUR);
    this.next = Math.min(this.#roleAt, o.start + this.#rng.exp(HOUR / this.#rate));
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    const cl = this.#cl;
    if (t >= this.#roleAt) {
      const session = newRoleSession(rng, {
        role: this.#clusterRole,
        sessionName: `EKS${rng.int(1e9)}`,
        created: t,
      });
      serviceAssumeRole(sim, rng, {
        service: "eks.amazonaws.com",
        role: this.#clusterRole,
        session,
        time: t,
        seconds: 3600,
        region: cl.region,
      });
      this.#roleAt = t + HOUR - rng.int(5 * MINUTE);
    } else {
      const c = serviceRoleClient(
        rng,
        cl.account.eksServiceRole,
        "AmazonEKS",
        "eks.amazonaws.com",
        sessionStart(t, this.#offset),
        false,
      );
      const op = rng.weighted(["instances", "enis", "sgs", "subnets", "vpcs"], [5, 4, 3, 2, 1]);
      const ec2 = (name: string, req: unknown) =>
        svcCall(sim, c, t, "ec2.amazonaws.com", name, cl.region, req);
      if (op === "instances") {
        ec2("DescribeInstances", {
          instancesSet: {},
          filterSet: filterSet({ "tag:eks:cluster-name": [cl.name] }),
        });
      } else if (op === "enis") {
        ec2("DescribeNetworkInterfaces", {
          networkInterfaceIdSet: {},
          filterSet: filterSet({ "description": [`Amazon EKS ${cl.name}`] }),
        });
      } else if (op === "sgs") {
        ec2("DescribeSecurityGroups", {
          securityGroupSet: {},
          securityGroupIdSet: { items: [{ groupId: cl.securityGroups[0] }] },
          filterSet: {},
        });
      } else if (op === "subnets") {
        ec2("DescribeSubnets", {
          subnetSet: { items: cl.subnets.map((subnetId) => ({ subnetId })) },
          filterSet: {},
        });
      } else ec2("DescribeVpcs", { vpcSet: { items: [{ vpcId: cl.vpcId }] }, filterSet: {} });
    }
    this.next = Math.min(t + 1 + rng.exp(HOUR / this.#rate), this.#roleAt);
  }
}

/** EC2 Auto Scaling launching and terminating the node groups' instances. */
export class AutoScalingActor implements Actor {
  next: number;
  #rng: Rng;
  #cl: Cluster;
  #rate: number;
  #offset: number;

  constructor(o: { seed: number; cluster: Cluster; start: number; scale: number }) {
    this.#cl = o.cluster;
    this.#rng = Rng.derive(o.seed, "autoscaling", o.cluster.name);
    this.#offset = this.#rng.int(HOUR);
    this.#rate = 2 * o.scale;
    this.next = o.start + this.#rng.exp(HOUR / this.#rate);
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    const cl = this.#cl;
    const c = serviceRoleClient(
      rng,
      cl.account.autoscalingRole,
      "AutoScaling",
      "autoscaling.amazonaws.com",
      sessionStart(t, this.#offset),
      false,
    );
    const id = ec2Id(rng, "i");
    if (rng.chance(0.5)) {
      const az = rng.int(3);
      svcCall(sim, c, t, "ec2.amazonaws.com", "RunInstances", cl.region, {
        instancesSet: { items: [{ minCount: 1, maxCount: 1 }] },
        blockDeviceMapping: {},
        availabilityZone: `${cl.region}${"abc"[az]}`,
        monitoring: { enabled: false },
        subnetId: cl.subnets[az],
        disableApiTermination: false,
        disableApiStop: false,
        clientToken: rng.uuid(),
        launchTemplate: { launchTemplateId: ec2Id(rng, "lt"), version: "3" },
        tagSpecificationSet: {
          items: [{
            resourceType: "instance",
            tags: [{ key: "aws:autoscaling:groupName", value: rng.pick(cl.asgs) }],
          }],
        },
      }, {
        requestId: rng.uuid(),
        reservationId: ec2Id(rng, "r"),
        ownerId: cl.account.id,
        requesterId: "940372691376",
        groupSet: {},
        instancesSet: {
          items: [{
            instanceId: id,
            instanceState: { code: 0, name: "pending" },
            instanceType: "m6i.xlarge",
            subnetId: cl.subnets[az],
            vpcId: cl.vpcId,
          }],
        },
      });
    } else {
      svcCall(sim, c, t, "ec2.amazonaws.com", "TerminateInstances", cl.region, {
        instancesSet: instancesSet([id]),
      }, {
        requestId: rng.uuid(),
        instancesSet: stateChange([id], [16, "running"], [32, "shutting-down"]),
      });
    }
    this.next = t + 1 + rng.exp(HOUR / this.#rate);
  }
}

/** AWS Config recording the account's resources (describes across services). */
export class ConfigActor implements Actor {
  next: number;
  #rng: Rng;
  #account: Account;
  #regions: readonly string[];
  #rate: number;
  #client: Client;
  #renewAt: number;

  constructor(
    o: { seed: number; account: Account; regions: readonly string[]; start: number; scale: number },
  ) {
    this.#account = o.account;
    this.#regions = o.regions;
    this.#rng = Rng.derive(o.seed, "config", o.account.id);
    this.#rate = 25 * o.scale;
    this.#client = serviceRoleClient(
      this.#rng,
      o.account.configRole,
      "AWSConfig-Describe",
      "config.amazonaws.com",
      o.start - this.#rng.int(HOUR),
      true,
    );
    this.#renewAt = o.start + this.#rng.int(HOUR);
    this.next = o.start + this.#rng.exp(HOUR / this.#rate);
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    if (t >= this.#renewAt) {
      this.#client = serviceRoleClient(
        rng,
        this.#account.configRole,
        "AWSConfig-Describe",
        "config.amazonaws.com",
        t,
        true,
      );
      this.#renewAt = t + HOUR;
    }
    const c = this.#client;
    this.next = t + 1 + rng.exp(HOUR / this.#rate);
    const region = rng.pick(this.#regions);
    const op = rng.weighted(["sg", "inst", "vol", "eni", "role", "attached", "inline", "bucket"], [
      4,
      3,
      2,
      2,
      3,
      3,
      2,
      3,
    ]);
    const iam = regionFor("iam.amazonaws.com", region);
    const roleName = rng.pick([
      this.#account.adminRole.name,
      this.#account.configRole.name,
      "OrganizationAccountAccessRole",
    ]);
    switch (op) {
      case "sg":
        return svcCall(sim, c, t, "ec2.amazonaws.com", "DescribeSecurityGroups", region, {
          securityGroupSet: {},
          securityGroupIdSet: {},
          filterSet: {},
        });
      case "inst":
        return svcCall(sim, c, t, "ec2.amazonaws.com", "DescribeInstances", region, {
          instancesSet: {},
          filterSet: {},
        });
      case "vol":
        return svcCall(sim, c, t, "ec2.amazonaws.com", "DescribeVolumes", region, {
          volumeSet: {},
          filterSet: {},
        });
      case "eni":
        return svcCall(sim, c, t, "ec2.amazonaws.com", "DescribeNetworkInterfaces", region, {
          networkInterfaceIdSet: {},
          filterSet: {},
        });
      case "role":
        return svcCall(sim, c, t, "iam.amazonaws.com", "GetRole", iam, { roleName });
      case "attached":
        return svcCall(sim, c, t, "iam.amazonaws.com", "ListAttachedRolePolicies", iam, {
          roleName,
        });
      case "inline":
        return svcCall(sim, c, t, "iam.amazonaws.com", "ListRolePolicies", iam, { roleName });
      default: {
        const bucket = this.#account.bucket;
        call(sim, c, t, {
          source: "s3.amazonaws.com",
          name: rng.pick([
            "GetBucketAcl",
            "GetBucketPolicy",
            "GetBucketEncryption",
            "GetBucketVersioning",
          ]),
          region: "us-east-1",
          req: { bucketName: bucket, Host: `${bucket}.s3.us-east-1.amazonaws.com` },
          resources: [{
            accountId: this.#account.id,
            type: "AWS::S3::Bucket",
            ARN: `arn:aws:s3:::${bucket}`,
          }],
          userAgent: "config.amazonaws.com",
          noTls: true,
        });
      }
    }
  }
}

/** Rare `AwsServiceEvent` records: key rotation, secret rotation, Spot interruptions. */
export class ServiceEventActor implements Actor {
  next: number;
  #rng: Rng;
  #cluster: Cluster;
  #rate: number;

  constructor(o: { seed: number; cluster: Cluster; start: number; scale: number }) {
    this.#cluster = o.cluster;
    this.#rng = Rng.derive(o.seed, "service-events", o.cluster.name);
    this.#rate = (3 / DAY) * HOUR * Math.max(1, o.scale);
    this.next = o.start + this.#rng.exp(HOUR / this.#rate);
  }

  step(sim: Sim): void {
    const t = this.next;
    const rng = this.#rng;
    const cl = this.#cluster;
    const acct = cl.account.id;
    const kind = rng.weighted(["kms", "secret", "spot"], [1, 2, cl.scaler === "karpenter" ? 4 : 1]);
    const base = {
      time: t,
      eventVersion: "1.08",
      awsRegion: cl.region,
      requestParameters: "null",
      responseElements: "null",
      eventID: rng.uuid(),
      readOnly: false,
      eventType: "AwsServiceEvent" as const,
      managementEvent: true,
      recipientAccountId: acct,
      eventCategory: "Management" as const,
    };
    if (kind === "kms") {
      sim.emit({
        ...base,
        identity: serviceEventIdentityJson(acct, "kms.amazonaws.com"),
        eventSource: "kms.amazonaws.com",
        eventName: "RotateKey",
        sourceIPAddress: "kms.amazonaws.com",
        userAgent: "kms.amazonaws.com",
        additionalEventData: JSON.stringify({ keyId: cl.kmsKeyArn }),
        resources: JSON.stringify([{ accountId: acct, type: "AWS::KMS::Key", ARN: cl.kmsKeyArn }]),
        serviceEventDetails: JSON.stringify({
          keyOrigin: "AWS_KMS",
          backingKeysAreExternal: false,
          rotationType: "AUTOMATIC",
        }),
      });
    } else if (kind === "secret") {
      sim.emit({
        ...base,
        identity: serviceEventIdentityJson(acct, "secretsmanager.amazonaws.com"),
        eventSource: "secretsmanager.amazonaws.com",
        eventName: rng.chance(0.5) ? "RotationStarted" : "RotationSucceeded",
        sourceIPAddress: "secretsmanager.amazonaws.com",
        userAgent: "secretsmanager.amazonaws.com",
        additionalEventData: JSON.stringify({ SecretId: cl.secrets[0] }),
        eventVersion: "1.09",
      });
    } else {
      sim.emit({
        ...base,
        identity: serviceEventIdentityJson(acct, "ec2.amazonaws.com"),
        eventSource: "ec2.amazonaws.com",
        eventName: "BidEvictedEvent",
        sourceIPAddress: "ec2.amazonaws.com",
        userAgent: "ec2.amazonaws.com",
        eventVersion: "1.09",
        serviceEventDetails: JSON.stringify({ instanceIdSet: [ec2Id(rng, "i")] }),
      });
    }
    this.next = t + 1 + rng.exp(HOUR / this.#rate);
  }
}
