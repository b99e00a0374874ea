/**
 * The action list of Elastic's ES|QL rule "AWS Lateral Movement from
 * Kubernetes SA via AssumeRoleWithWebIdentity", as published: the rule
 * podtrail's hunt is measured against (tests only).
 *
 * @module
 */

/** Elastic's eventNames, in the rule's order. */
export const ELASTIC_ACTIONS: readonly string[] = [
  "ListBuckets",
  "DescribeInstances",
  "GetCallerIdentity",
  "ListUsers",
  "ListRoles",
  "ListAttachedRolePolicies",
  "GetRolePolicy",
  "GetSecretValue",
  "ListSecrets",
  "GetParameters",
  "DescribeParameters",
  "ListKeys",
  "Decrypt",
  "ListFunctions",
  "GetAuthorizationToken",
  "SendCommand",
  "StartSession",
  "CreateUser",
  "CreateAccessKey",
  "AttachRolePolicy",
  "CreateRole",
  "PutRolePolicy",
  "UpdateAssumeRolePolicy",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "ModifyInstanceAttribute",
  "StopLogging",
  "DeleteTrail",
];
