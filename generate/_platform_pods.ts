/**
 * Cluster add-ons and their AWS calls: Karpenter, Cluster Autoscaler, the
 * VPC CNI, the EBS CSI driver, External Secrets, the AWS Load Balancer
 * Controller and ExternalDNS — each with the SDK and user agent it ships.
 *
 * @module
 */
import type { Behaviour, PodCtx } from "./_pods.ts";
import { call, regionFor } from "./_client.ts";
import { filterSet, instancesSet, secretName, sqs, stateChange } from "./_shapes.ts";
import { goV1, goV2 } from "./_user_agents.ts";
import { ec2Id } from "./_ids.ts";
import { javaDateTime } from "./_time.ts";
import { invokedVia } from "./_identity.ts";

const EC2 = "ec2.amazonaws.com";
const INSTANCE_TYPES = [
  "m6i.large",
  "m6i.xlarge",
  "m7i.xlarge",
  "c6i.2xlarge",
  "r6i.large",
  "m6a.xlarge",
  "c7g.xlarge",
  "m7g.large",
];

function burst(p: PodCtx, i: number): number {
  return p.t + i * (40 + p.rng.int(700));
}

function ec2(p: PodCtx, i: number, name: string, req: unknown, resp: unknown = null): void {
  call(p.sim, p.c, burst(p, i), { source: EC2, name, region: p.cl.region, req, resp });
}

function discovery(p: PodCtx): unknown {
  return filterSet({ "tag:karpenter.sh/discovery": [p.cl.name] });
}

function karpenterOp(p: PodCtx): void {
  const rng = p.rng;
  const op = rng.weighted(
    [
      "discover",
      "gc",
      "types",
      "amis",
      "lt",
      "provision",
      "terminate",
      "spot",
      "pricing",
      "profile",
      "queue",
    ],
    [30, 20, 6, 5, 8, 4, 3, 3, 1, 2, 12],
  );
  const cl = p.cl;
  switch (op) {
    case "discover":
      ec2(p, 0, "DescribeSubnets", { subnetSet: {}, filterSet: discovery(p) });
      ec2(p, 1, "DescribeSecurityGroups", {
        securityGroupSet: {},
        securityGroupIdSet: {},
        filterSet: discovery(p),
      });
      return;
    case "gc":
      ec2(p, 0, "DescribeInstances", {
        instancesSet: {},
        filterSet: filterSet({
          "tag-key": ["karpenter.sh/nodepool"],
          "tag:eks:eks-cluster-name": [cl.name],
          "instance-state-name": ["pending", "running", "stopping", "stopped", "shutting-down"],
        }),
      });
      return;
    case "types":
      ec2(p, 0, "DescribeInstanceTypes", {
        DescribeInstanceTypesRequest: {
          MaxResults: 100,
          Filter: {
            Name: "supported-virtualization-type",
            Value: { tag: 1, content: "hvm" },
            tag: 1,
          },
        },
      });
      ec2(p, 1, "DescribeInstanceTypeOfferings", {
        DescribeInstanceTypeOfferingsRequest: {
          LocationType: "availability-zone",
          MaxResults: 1000,
        },
      });
      return;
    case "amis": {
      for (const [i, arch] of ["x86_64", "arm64"].entries()) {
        call(p.sim, p.c, burst(p, i), {
          source: "ssm.amazonaws.com",
          name: "GetParameter",
          region: cl.region,
          req: {
            name:
              `/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/${arch}/standard/recommended/image_id`,
          },
        });
      }
      ec2(p, 2, "DescribeImages", {
        executableBySet: {},
        imagesSet: { items: [{ imageId: ec2Id(rng, "ami") }, { imageId: ec2Id(rng, "ami") }] },
        ownersSet: {},
        filterSet: filterSet({ state: ["available"] }),
      });
      return;
    }
    case "lt":
      ec2(p, 0, "DescribeLaunchTemplates", {
        DescribeLaunchTemplatesRequest: {
          Filter: {
            Name: "tag:karpenter.k8s.aws/cluster",
            Value: { tag: 1, content: cl.name },
            tag: 1,
          },
        },
      });
      return;
    case "provision": {
      const type = rng.pick(INSTANCE_TYPES);
      const az = rng.int(3);
      const instanceId = ec2Id(rng, "i");
      const fleetId = `fleet-${rng.uuid()}`;
      const lt = ec2Id(rng, "lt");
      ec2(p, 0, "CreateFleet", {
        CreateFleetRequest: {
          TargetCapacitySpecification: {
            DefaultTargetCapacityType: rng.chance(0.6) ? "spot" : "on-demand",
            TotalTargetCapacity: 1,
          },
          Type: "instant",
          LaunchTemplateConfigs: {
            LaunchTemplateSpecification: { LaunchTemplateId: lt, Version: "$Latest" },
            Overrides: [{
              InstanceType: type,
              SubnetId: cl.subnets[az],
              AvailabilityZone: `${cl.region}${"abc"[az]}`,
              tag: 1,
            }],
            tag: 1,
          },
          TagSpecification: {
            ResourceType: "instance",
            Tag: [{ Key: "karpenter.sh/nodepool", Value: "default", tag: 1 }],
            tag: 1,
          },
        },
      }, {
        CreateFleetResponse: {
          fleetInstanceSet: {
            item: {
              instanceIds: { item: instanceId },
              instanceType: type,
              lifecycle: "spot",
              launchTemplateAndOverrides: {
                overrides: { instanceType: type, subnetId: cl.subnets[az] },
              },
            },
          },
          xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
          requestId: rng.uuid(),
          fleetId,
          errorSet: "",
        },
      });
      const fleet = { ...p.c, session: invokedVia(p.c.session, "ec2fleet.amazonaws.com") };
      call(p.sim, fleet, burst(p, 1), {
        source: EC2,
        name: "RunInstances",
        region: cl.region,
        req: {
          instancesSet: { items: [{ minCount: 1, maxCount: 1 }] },
          instanceType: type,
          blockDeviceMapping: {},
          availabilityZone: `${cl.region}${"abc"[az]}`,
          monitoring: { enabled: false },
          subnetId: cl.subnets[az],
          disableApiTermination: false,
          disableApiStop: false,
          clientToken: fleetId,
          launchTemplate: { launchTemplateId: lt, version: "1" },
        },
        resp: {
          requestId: rng.uuid(),
          reservationId: ec2Id(rng, "r"),
          ownerId: cl.account.id,
          groupSet: {},
          instancesSet: {
            items: [{
              instanceId,
              imageId: ec2Id(rng, "ami"),
              instanceState: { code: 0, name: "pending" },
              privateDnsName: `ip-10-20-${rng.int(96)}-${rng.range(4, 250)}.ec2.internal`,
              instanceType: type,
              placement: { availabilityZone: `${cl.region}${"abc"[az]}`, tenancy: "default" },
              subnetId: cl.subnets[az],
              vpcId: cl.vpcId,
            }],
          },
        },
        sourceIPAddress: "ec2fleet.amazonaws.com",
        userAgent: "ec2fleet.amazonaws.com",
        noTls: true,
      });
      ec2(p, 2, "CreateTags", {
        resourcesSet: { items: [{ resourceId: instanceId }] },
        tagSet: {
          items: [{ key: "Name", value: `default-${rng.lowerAlnum(5)}` }, {
            key: "karpenter.sh/nodeclaim",
            value: `default-${rng.lowerAlnum(5)}`,
          }],
        },
      }, { requestId: rng.uuid(), _return: true });
      return;
    }
    case "terminate": {
      const id = ec2Id(rng, "i");
      ec2(p, 0, "TerminateInstances", { instancesSet: instancesSet([id]) }, {
        requestId: rng.uuid(),
        instancesSet: stateChange([id], [16, "running"], [32, "shutting-down"]),
      });
      return;
    }
    case "spot":
      ec2(p, 0, "DescribeSpotPriceHistory", {
        instanceTypeSet: {
          items: INSTANCE_TYPES.slice(0, 4).map((instanceType) => ({ instanceType })),
        },
        productDescriptionSet: { items: [{ productDescription: "Linux/UNIX" }] },
        startTime: p.t - (p.t % 1000) - 3_600_000,
      });
      return;
    case "pricing":
      call(p.sim, p.c, p.t, {
        source: "pricing.amazonaws.com",
        name: "GetProducts",
        region: "us-east-1",
        req: {
          serviceCode: "AmazonEC2",
          filters: [{ type: "TERM_MATCH", field: "regionCode", value: cl.region }, {
            type: "TERM_MATCH",
            field: "tenancy",
            value: "Shared",
          }],
          formatVersion: "aws_v1",
          maxResults: 100,
        },
      });
      return;
    case "profile":
      call(p.sim, p.c, p.t, {
        source: "iam.amazonaws.com",
        name: "GetInstanceProfile",
        region: regionFor("iam.amazonaws.com", cl.region),
        req: { instanceProfileName: `${cl.name}_${rng.int(1e9)}${rng.int(1e9)}` },
      });
      return;
    default:
      sqs(p.sim, p.c, p.t, {
        name: "ReceiveMessage",
        queueUrl: cl.queues[0].replace(/[^/]+$/, `${cl.name}-karpenter`),
        region: cl.region,
      });
  }
}

function autoscalerOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted(["groups", "lt", "activities", "types", "desired", "terminate"], [
    45,
    10,
    8,
    5,
    3,
    1,
  ]);
  const as = (name: string, req: unknown) =>
    call(p.sim, p.c, p.t, { source: "autoscaling.amazonaws.com", name, region: cl.region, req });
  switch (op) {
    case "groups":
      as("DescribeAutoScalingGroups", {
        filters: [{
          name: "tag-key",
          values: ["k8s.io/cluster-autoscaler/enabled", `k8s.io/cluster-autoscaler/${cl.name}`],
        }],
        maxRecords: 100,
      });
      return;
    case "lt":
      ec2(p, 0, "DescribeLaunchTemplateVersions", {
        DescribeLaunchTemplateVersionsRequest: {
          LaunchTemplateName: `eks-${rng.hex(4)}-${cl.name}`,
          LaunchTemplateVersion: { tag: 1, content: "$Latest" },
        },
      });
      return;
    case "activities":
      as("DescribeScalingActivities", { autoScalingGroupName: rng.pick(cl.asgs), maxRecords: 1 });
      return;
    case "types":
      ec2(p, 0, "DescribeInstanceTypes", {
        DescribeInstanceTypesRequest: {
          InstanceType: { tag: 1, content: rng.pick(INSTANCE_TYPES) },
        },
      });
      return;
    case "desired":
      as("SetDesiredCapacity", {
        autoScalingGroupName: rng.pick(cl.asgs),
        desiredCapacity: rng.range(3, 12),
        honorCooldown: false,
      });
      return;
    default:
      as("TerminateInstanceInAutoScalingGroup", {
        instanceId: rng.pick(cl.nodes).instanceId,
        shouldDecrementDesiredCapacity: true,
      });
  }
}

function awsNodeOp(p: PodCtx): void {
  const rng = p.rng;
  const self = p.pod.node.node.instanceId;
  const op = rng.weighted(["enis", "instance", "assign", "unassign", "attach", "types"], [
    40,
    15,
    8,
    5,
    3,
    2,
  ]);
  const eni = ec2Id(rng, "eni");
  switch (op) {
    case "enis":
      ec2(p, 0, "DescribeNetworkInterfaces", {
        networkInterfaceIdSet: {},
        filterSet: filterSet({ "attachment.instance-id": [self] }),
      });
      return;
    case "instance":
      ec2(p, 0, "DescribeInstances", { instancesSet: instancesSet([self]), filterSet: {} });
      return;
    case "assign":
      ec2(p, 0, "AssignPrivateIpAddresses", {
        networkInterfaceId: eni,
        secondaryPrivateIpAddressCount: rng.range(1, 5),
      }, {
        requestId: rng.uuid(),
        networkInterfaceId: eni,
        assignedPrivateIpAddressesSet: {
          assignedPrivateIpAddressSetType: [{
            privateIpAddress: `10.${p.cl.name === "shop-prod" ? 20 : 40}.${rng.int(96)}.${
              rng.range(4, 250)
            }`,
          }],
        },
        _return: true,
      });
      return;
    case "unassign":
      ec2(p, 0, "UnassignPrivateIpAddresses", {
        networkInterfaceId: eni,
        privateIpAddressesSet: {
          items: [{ privateIpAddress: `10.${rng.int(256)}.${rng.int(96)}.${rng.range(4, 250)}` }],
        },
      }, { requestId: rng.uuid(), _return: true });
      return;
    case "attach": {
      const sub = rng.pick(p.cl.subnets);
      ec2(p, 0, "CreateNetworkInterface", {
        subnetId: sub,
        description: "aws-K8S-" + self,
        groupSet: { items: [{ groupId: p.cl.securityGroups[0] }] },
        privateIpAddressesSet: {},
        ipv6AddressCount: 0,
        clientToken: rng.uuid(),
      }, {
        requestId: rng.uuid(),
        networkInterface: {
          networkInterfaceId: eni,
          subnetId: sub,
          vpcId: p.cl.vpcId,
          status: "pending",
          interfaceType: "interface",
        },
      });
      ec2(p, 1, "AttachNetworkInterface", {
        networkInterfaceId: eni,
        instanceId: self,
        deviceIndex: rng.range(1, 3),
        networkCardIndex: 0,
      }, { requestId: rng.uuid(), attachmentId: ec2Id(rng, "eni-attach"), networkCardIndex: 0 });
      ec2(p, 2, "ModifyNetworkInterfaceAttribute", {
        networkInterfaceId: eni,
        attachment: { attachmentId: ec2Id(rng, "eni-attach"), deleteOnTermination: true },
      }, { requestId: rng.uuid(), _return: true });
      ec2(p, 3, "CreateTags", {
        resourcesSet: { items: [{ resourceId: eni }] },
        tagSet: { items: [{ key: "node.k8s.amazonaws.com/instance_id", value: self }] },
      }, { requestId: rng.uuid(), _return: true });
      return;
    }
    default:
      ec2(p, 0, "DescribeInstanceTypes", {
        DescribeInstanceTypesRequest: {
          InstanceType: { tag: 1, content: rng.pick(INSTANCE_TYPES) },
        },
      });
  }
}

function ebsOp(p: PodCtx): void {
  const rng = p.rng;
  const op = rng.weighted(["volumes", "instances", "create", "detach"], [20, 5, 2, 1]);
  const vol = ec2Id(rng, "vol");
  const node = rng.pick(p.cl.nodes);
  switch (op) {
    case "volumes":
      ec2(p, 0, "DescribeVolumes", {
        volumeSet: {},
        filterSet: filterSet({ "tag:ebs.csi.aws.com/cluster": ["true"] }),
        maxResults: 500,
      });
      return;
    case "instances":
      ec2(p, 0, "DescribeInstances", {
        instancesSet: instancesSet([node.instanceId]),
        filterSet: {},
      });
      return;
    case "create":
      ec2(p, 0, "CreateVolume", {
        size: rng.pick([20, 50, 100, 200]),
        zone: node.az,
        volumeType: "gp3",
        encrypted: true,
        clientToken: rng.uuid(),
      }, {
        requestId: rng.uuid(),
        volumeId: vol,
        size: "50",
        zone: node.az,
        status: "creating",
        createTime: p.t - (p.t % 1000),
        volumeType: "gp3",
        iops: 3000,
        encrypted: true,
        throughput: 125,
      });
      ec2(p, 1, "AttachVolume", {
        volumeId: vol,
        instanceId: node.instanceId,
        device: "/dev/xvdaa",
      }, {
        requestId: rng.uuid(),
        volumeId: vol,
        instanceId: node.instanceId,
        device: "/dev/xvdaa",
        status: "attaching",
        attachTime: p.t - (p.t % 1000),
        deleteOnTermination: false,
      });
      return;
    default:
      ec2(p, 0, "DetachVolume", { volumeId: vol, instanceId: node.instanceId, force: false }, {
        requestId: rng.uuid(),
        volumeId: vol,
        instanceId: node.instanceId,
        device: "/dev/xvdab",
        status: "detaching",
        attachTime: p.t - (p.t % 1000) - 86_400_000,
        deleteOnTermination: false,
      });
      ec2(p, 1, "DeleteVolume", { volumeId: vol }, { requestId: rng.uuid(), _return: true });
  }
}

function externalSecretsOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted(["get", "describe", "list", "param"], [60, 15, 8, 17]);
  const sm = (name: string, req: unknown) =>
    call(p.sim, p.c, p.t, { source: "secretsmanager.amazonaws.com", name, region: cl.region, req });
  // The first eight secrets belong to the cluster's workloads.
  const secret = cl.secrets[rng.int(8)];
  switch (op) {
    case "get":
      sm("GetSecretValue", { secretId: secretName(secret), versionStage: "AWSCURRENT" });
      return;
    case "describe":
      sm("DescribeSecret", { secretId: secretName(secret) });
      return;
    case "list":
      sm("ListSecrets", {
        filters: [{ key: "tag-key", values: ["external-secrets.io/sync"] }],
        maxResults: 100,
      });
      return;
    default:
      call(p.sim, p.c, p.t, {
        source: "ssm.amazonaws.com",
        name: "GetParameter",
        region: cl.region,
        req: { name: cl.parameters[rng.int(3)], withDecryption: true },
      });
  }
}

function lbcOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted([
    "health",
    "lbs",
    "tgs",
    "listeners",
    "tags",
    "sgs",
    "register",
    "ingress",
  ], [20, 10, 8, 8, 5, 6, 6, 1]);
  const elb = (name: string, req: unknown, resp: unknown = null) =>
    call(p.sim, p.c, p.t, {
      source: "elasticloadbalancing.amazonaws.com",
      name,
      region: cl.region,
      req,
      resp,
      apiVersion: "2015-12-01",
    });
  const lb = rng.pick(cl.loadBalancers);
  const tg = rng.pick(cl.targetGroups);
  switch (op) {
    case "health":
      elb("DescribeTargetHealth", { targetGroupArn: tg });
      return;
    case "lbs":
      elb("DescribeLoadBalancers", { names: [lb.split("/")[2]] });
      return;
    case "tgs":
      elb("DescribeTargetGroups", { loadBalancerArn: lb });
      return;
    case "listeners":
      elb("DescribeListeners", { loadBalancerArn: lb });
      return;
    case "tags":
      elb("DescribeTags", { resourceArns: [lb, tg] });
      return;
    case "sgs":
      ec2(p, 0, "DescribeSecurityGroups", {
        securityGroupSet: {},
        securityGroupIdSet: { items: [{ groupId: cl.securityGroups[1] }] },
        filterSet: {},
      });
      return;
    case "register": {
      const name = rng.chance(0.5) ? "RegisterTargets" : "DeregisterTargets";
      elb(name, {
        targetGroupArn: tg,
        targets: [{
          id: `10.${cl.name === "shop-prod" ? 20 : 40}.${rng.int(96)}.${rng.range(4, 250)}`,
          port: 8080,
        }],
      });
      return;
    }
    default:
      ec2(p, 0, "AuthorizeSecurityGroupIngress", {
        groupId: cl.securityGroups[2],
        ipPermissions: {
          items: [{
            ipProtocol: "tcp",
            fromPort: 8080,
            toPort: 8080,
            groups: { items: [{ groupId: cl.securityGroups[1] }] },
            ipRanges: {},
            ipv6Ranges: {},
            prefixListIds: {},
          }],
        },
      }, {
        requestId: rng.uuid(),
        _return: true,
        securityGroupRuleSet: {
          items: [{
            groupOwnerId: cl.account.id,
            groupId: cl.securityGroups[2],
            securityGroupRuleId: ec2Id(rng, "sgr"),
            isEgress: false,
            ipProtocol: "tcp",
            fromPort: 8080,
            toPort: 8080,
            referencedGroupInfo: { groupId: cl.securityGroups[1], userId: cl.account.id },
          }],
        },
      });
  }
}

function externalDnsOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted(["zones", "records", "tags", "change"], [45, 35, 10, 5]);
  const zone = rng.pick(cl.hostedZones);
  const r53 = (name: string, req: unknown, resp: unknown = null) =>
    call(p.sim, p.c, p.t, {
      source: "route53.amazonaws.com",
      name,
      region: "us-east-1",
      req,
      resp,
      apiVersion: "2013-04-01",
    });
  switch (op) {
    case "zones":
      r53("ListHostedZones", null);
      return;
    case "records":
      r53("ListResourceRecordSets", { hostedZoneId: zone.id, maxItems: "300" });
      return;
    case "tags":
      r53("ListTagsForResource", { resourceType: "hostedzone", resourceId: zone.id });
      return;
    default: {
      const host = `${rng.pick(["api", "www", "admin", "grpc", "status"])}.${
        zone.name.slice(0, -1)
      }`;
      r53("ChangeResourceRecordSets", {
        hostedZoneId: zone.id,
        changeBatch: {
          changes: [
            {
              action: "UPSERT",
              resourceRecordSet: {
                name: host,
                type: "A",
                aliasTarget: {
                  hostedZoneId: "Z35SXDOTRQ7X7K",
                  dNSName: `k8s-web-${rng.hex(5)}.${cl.region}.elb.amazonaws.com`,
                  evaluateTargetHealth: true,
                },
              },
            },
            {
              action: "UPSERT",
              resourceRecordSet: {
                name: `a-${host}`,
                type: "TXT",
                tTL: 300,
                resourceRecords: [{
                  value:
                    `"heritage=external-dns,external-dns/owner=${cl.name},external-dns/resource=ingress/web/web"`,
                }],
              },
            },
          ],
        },
      }, {
        changeInfo: {
          id: `/change/C0${rng.upperAlnum(18)}`,
          status: "PENDING",
          submittedAt: javaDateTime(p.t),
        },
      });
    }
  }
}

/** Add-on behaviours, by workload `app`. */
export const PLATFORM: Record<string, Behaviour> = {
  "karpenter": {
    sdk: () =>
      goV2({ core: "1.32.6", go: "1.23.4", features: "E,g", suffix: "karpenter.sh/1.1.1" }),
    op: karpenterOp,
  },
  "cluster-autoscaler": {
    sdk: () => goV1({ core: "1.48.7", go: "1.22.5", suffix: "cluster-autoscaler/v1.30.2" }),
    op: autoscalerOp,
  },
  "aws-node": {
    sdk: () => goV2({ core: "1.32.2", go: "1.22.8", suffix: "amazon-vpc-cni-k8s/v1.19.0" }),
    op: awsNodeOp,
  },
  "ebs-csi": {
    sdk: () =>
      goV2({ core: "1.32.4", go: "1.23.2", features: "E,g", suffix: "ebs-csi-driver/v1.37.0" }),
    op: ebsOp,
  },
  "external-secrets": {
    sdk: () => goV1({ core: "1.55.5", go: "1.23.1", suffix: "external-secrets/v0.10.4" }),
    op: externalSecretsOp,
  },
  "aws-lb-controller": {
    sdk: () =>
      goV2({ core: "1.32.3", go: "1.22.8", features: "E,g", suffix: "elbv2.k8s.aws/v2.9.2" }),
    op: lbcOp,
  },
  "external-dns": {
    sdk: () => goV2({ core: "1.31.0", go: "1.23.2", suffix: "ExternalDNS/v0.15.0" }),
    op: externalDnsOp,
  },
};
