//! Background activity: the everyday management events of a busy account (describe calls,
//! role assumptions, KMS and SSM traffic, deployments), none of which any CIS §4 predicate or
//! DESIGN.md detection picks up. Weights follow the mix of the real archives we have
//! (`tests/realdata/grycap-cloudtrail-tracker`: EC2 describes, S3 bucket reads, KMS Decrypt and
//! STS AssumeRole lead) with today's workloads (EKS, Lambda, SSM) added.

use serde_json::{Value, json};

use super::client::{tls, user_agent};
use super::population::{Agent, Population, Principal};
use super::record::{Identity, Record, event_time, hex_lower, hex_upper, token, uuid};
use crate::rng::Rng;

/// Who makes a call.
#[derive(Clone, Copy)]
enum Who {
    People,
    Workloads,
    Pipelines,
    Anyone,
    /// An AWS service acting as itself (`userIdentity.type = AWSService`).
    Service(&'static [&'static str]),
    /// A workload role, through the named service (`invokedBy`), as KMS calls made by S3 are.
    Via(&'static [&'static str]),
    /// An `AwsServiceEvent`: AWS did something to a resource of the account.
    ServiceEvent(&'static str),
}

/// What a call carries besides its identity.
#[derive(Default)]
pub(crate) struct Shape {
    pub(crate) request: Value,
    pub(crate) response: Value,
    pub(crate) additional: Option<Value>,
    pub(crate) resources: Option<Value>,
}

type Build = fn(&mut Rng, &Ctx<'_>) -> Shape;

struct Template {
    source: &'static str,
    name: &'static str,
    read_only: bool,
    weight: u32,
    who: Who,
    version: &'static str,
    build: Build,
}

const fn t(source: &'static str, name: &'static str, read_only: bool, weight: u32, who: Who, build: Build) -> Template {
    // Services moved to 1.09 at different times; which one says so is ours to choose.
    let version = if source.len().is_multiple_of(2) { "1.09" } else { "1.08" };
    Template { source, name, read_only, weight, who, version, build }
}

const EC2: &str = "ec2.amazonaws.com";
const S3: &str = "s3.amazonaws.com";
const KMS: &str = "kms.amazonaws.com";
const STS: &str = "sts.amazonaws.com";
const IAM: &str = "iam.amazonaws.com";
const SSM: &str = "ssm.amazonaws.com";
/// Services that sit in one region: their events are only written to us-east-1's files.
pub(crate) const GLOBAL: [&str; 2] = [IAM, "organizations.amazonaws.com"];

fn none(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    Shape::default()
}

fn pick(rng: &mut Rng, items: &[String]) -> String {
    items.get(rng.below(items.len() as u64) as usize).cloned().unwrap_or_default()
}

fn req(request: Value) -> Shape {
    Shape { request, response: Value::Null, ..Shape::default() }
}

fn instance_filter(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"instancesSet": {"items": [{"instanceId": pick(rng, &c.pop.res.instances)}]}, "filterSet": {}}))
}
fn volumes(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    req(
        json!({"volumeSet": {}, "filterSet": {"items": [{"name": "attachment.instance-id", "valueSet": {"items": [{"value": id}]}}]}}),
    )
}
fn security_groups(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let sg = pick(rng, &c.pop.res.security_groups);
    req(json!({"securityGroupSet": {}, "securityGroupIdSet": {"items": [{"groupId": sg}]}, "filterSet": {}}))
}
fn subnets(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let subnet = pick(rng, &c.pop.res.subnets);
    req(json!({"subnetSet": {"items": [{"subnetId": subnet}]}, "filterSet": {}}))
}
fn vpcs(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"vpcSet": {}, "filterSet": {}}))
}
fn tags(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    req(json!({"filterSet": {"items": [{"name": "resource-id", "valueSet": {"items": [{"value": id}]}}]}}))
}
fn instance_status(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    req(json!({"instancesSet": {"items": [{"instanceId": id}]}, "filterSet": {}, "includeAllInstances": true}))
}
fn network_interfaces(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    req(
        json!({"networkInterfaceIdSet": {}, "filterSet": {"items": [{"name": "attachment.instance-id", "valueSet": {"items": [{"value": id}]}}]}}),
    )
}
fn create_tags(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.volumes);
    let request = json!({"resourcesSet": {"items": [{"resourceId": id}]}, "tagSet": {"items": [{"key": "backup", "value": "daily"}]}});
    Shape { request, response: json!({"requestId": uuid(rng).1, "_return": true}), ..Shape::default() }
}
fn create_snapshot(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let volume = pick(rng, &c.pop.res.volumes);
    let snapshot = format!("snap-0{}", hex_lower(rng, 16));
    let request = json!({"volumeId": volume, "description": "Created by AWS Backup"});
    let response = json!({
        "requestId": uuid(rng).1, "snapshotId": snapshot, "volumeId": volume, "status": "pending",
        "startTime": c.time * 1000, "progress": "", "ownerId": c.pop.account, "volumeSize": 100,
        "encrypted": true, "kmsKeyId": c.key_arn(rng), "tagSet": {}
    });
    Shape { request, response, ..Shape::default() }
}
fn start_stop(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    let request = json!({"instancesSet": {"items": [{"instanceId": id}]}});
    let response = json!({"requestId": uuid(rng).1, "instancesSet": {"items": [{"instanceId": id,
        "currentState": {"code": 0, "name": "pending"}, "previousState": {"code": 80, "name": "stopped"}}]}});
    Shape { request, response, ..Shape::default() }
}

/// S3 management calls carry the signature details and the bucket as a resource.
pub(crate) fn s3_shape(rng: &mut Rng, c: &Ctx<'_>, bucket: Option<String>, extra: &[(&str, Value)]) -> Shape {
    let mut request = serde_json::Map::new();
    let host = match &bucket {
        Some(b) => {
            request.insert("bucketName".to_owned(), json!(b));
            format!("{b}.s3.{}.amazonaws.com", c.region)
        }
        None => "s3.amazonaws.com".to_owned(),
    };
    request.insert("Host".to_owned(), json!(host));
    for (k, v) in extra {
        request.insert((*k).to_owned(), v.clone());
    }
    let additional = json!({
        "SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
        "AuthenticationMethod": "AuthHeader", "x-amz-id-2": token(rng, "", 76, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
        "bytesTransferredOut": 200 + rng.below(900)
    });
    let resources = bucket.map(|b| json!([{"type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{b}")}]));
    Shape { request: Value::Object(request), response: Value::Null, additional: Some(additional), resources }
}
fn list_buckets(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    s3_shape(rng, c, None, &[])
}
fn bucket_location(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let b = pick(rng, &c.pop.res.buckets);
    s3_shape(rng, c, Some(b), &[("location", json!(""))])
}
fn bucket_acl(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let b = pick(rng, &c.pop.res.buckets);
    s3_shape(rng, c, Some(b), &[("acl", json!(""))])
}
fn bucket_versioning(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let b = pick(rng, &c.pop.res.buckets);
    s3_shape(rng, c, Some(b), &[("versioning", json!(""))])
}
fn bucket_encryption(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let b = pick(rng, &c.pop.res.buckets);
    s3_shape(rng, c, Some(b), &[("encryption", json!(""))])
}
fn bucket_tagging(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let b = pick(rng, &c.pop.res.buckets);
    s3_shape(rng, c, Some(b), &[("tagging", json!(""))])
}

/// Role assumption by a service for a workload: the largest common record, credentials and all.
fn assume_role(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let role = pick(rng, &c.pop.res.roles);
    let role_arn = format!("arn:aws:iam::{}:role/{role}", c.pop.account);
    let session = hex_lower(rng, 32);
    let expiration = c.time + 3600;
    let token_text =
        token(rng, "IQoJb3JpZ2luX2VjE", 260, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    let response = json!({
        "credentials": {"accessKeyId": super::record::access_key(rng, "ASIA"), "sessionToken": token_text,
                        "expiration": aws_date(expiration)},
        "assumedRoleUser": {"assumedRoleId": format!("{}:{session}", super::record::iam_id(rng, "AROA")),
                            "arn": format!("arn:aws:sts::{}:assumed-role/{role}/{session}", c.pop.account)}
    });
    let request = json!({"roleArn": role_arn, "roleSessionName": session, "durationSeconds": 3600});
    let resources = json!([{"accountId": c.pop.account, "type": "AWS::IAM::Role", "ARN": role_arn}]);
    Shape { request, response, additional: None, resources: Some(resources) }
}

/// `Sep 1, 2026, 1:05:09 PM`: how STS writes credential expiry times in CloudTrail.
pub(crate) fn aws_date(t: i64) -> String {
    let d = chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0).unwrap_or_default();
    d.format("%b %-d, %Y, %-I:%M:%S %p").to_string()
}

fn kms_decrypt(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let secret = pick(rng, &c.pop.res.secrets);
    let arn = format!("arn:aws:secretsmanager:{}:{}:secret:{secret}", c.region, c.pop.account);
    let request = json!({"encryptionContext": {"SecretARN": arn, "SecretVersionId": uuid(rng).1},
                         "encryptionAlgorithm": "SYMMETRIC_DEFAULT"});
    let resources = json!([{"accountId": c.pop.account, "type": "AWS::KMS::Key", "ARN": c.key_arn(rng)}]);
    Shape { request, response: Value::Null, additional: None, resources: Some(resources) }
}
fn kms_data_key(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let bucket = pick(rng, &c.pop.res.buckets);
    let key = c.key_arn(rng);
    let request = json!({"keyId": key, "encryptionContext": {"aws:s3:arn": format!("arn:aws:s3:::{bucket}/{}", hex_lower(rng, 12))},
                         "keySpec": "AES_256"});
    let resources = json!([{"accountId": c.pop.account, "type": "AWS::KMS::Key", "ARN": key}]);
    Shape { request, response: Value::Null, additional: None, resources: Some(resources) }
}
fn kms_describe(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"keyId": c.key_arn(rng)}))
}
fn kms_rotate(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let key = c.key_arn(rng);
    let resources = json!([{"accountId": c.pop.account, "type": "AWS::KMS::Key", "ARN": key}]);
    Shape { additional: Some(json!({"keyId": key})), resources: Some(resources), ..Shape::default() }
}

fn iam_role(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"roleName": pick(rng, &c.pop.res.roles)}))
}
fn iam_user(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let user = c.pop.humans.get(rng.below(c.pop.humans.len() as u64) as usize).map(Principal::user_name);
    req(json!({"userName": user.unwrap_or("terraform-ci")}))
}
fn iam_policy_read(rng: &mut Rng, _: &Ctx<'_>) -> Shape {
    let policy = rng.pick(&["AmazonS3ReadOnlyAccess", "AmazonSSMManagedInstanceCore", "CloudWatchAgentServerPolicy"]);
    req(json!({"policyArn": format!("arn:aws:iam::aws:policy/{policy}"), "versionId": "v1"}))
}
fn lambda_function(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"functionName": pick(rng, &c.pop.res.functions)}))
}
fn lambda_update(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let f = pick(rng, &c.pop.res.functions);
    let request = json!({"functionName": f, "publish": true, "dryRun": false});
    let response = json!({"functionName": f, "functionArn": format!("arn:aws:lambda:{}:{}:function:{f}", c.region, c.pop.account),
        "runtime": "python3.12", "handler": "app.handler", "codeSize": 10_000 + rng.below(5_000_000),
        "timeout": 30, "memorySize": 512, "lastModified": format!("{}.000+0000", &event_time(c.time)[..19]),
        "codeSha256": token(rng, "", 43, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") + "=",
        "version": (1 + rng.below(200)).to_string(), "state": "Pending", "architectures": ["arm64"]});
    Shape { request, response, ..Shape::default() }
}
fn log_stream(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let group = pick(rng, &c.pop.res.log_groups);
    let d = &event_time(c.time)[..10];
    req(
        json!({"logGroupName": group, "logStreamName": format!("{}/[$LATEST]{}", d.replace('-', "/"), hex_lower(rng, 32))}),
    )
}
fn log_groups(rng: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"logGroupNamePrefix": rng.pick(&["/aws/lambda/", "/ecs/", "/aws/eks/"]), "limit": 50}))
}
fn stacks(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"stackName": pick(rng, &c.pop.res.stacks)}))
}
fn ecr_token(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    Shape { response: Value::Null, ..req(json!({"registryIds": []})) }
}
fn ssm_update(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let id = pick(rng, &c.pop.res.instances);
    let ip = format!("10.0.{}.{}", rng.below(256), 1 + rng.below(254));
    req(json!({"instanceId": id, "agentVersion": "3.3.484.0", "agentStatus": "Active", "platformType": "Linux",
        "platformName": "Amazon Linux", "platformVersion": "2023", "iPAddress": ip,
        "computerName": format!("ip-{}.{}.compute.internal", ip.replace('.', "-"), c.region),
        "agentName": "amazon-ssm-agent", "availabilityZone": format!("{}a", c.region), "availabilityZoneId": "euw1-az1"}))
}
fn ssm_parameter(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"name": pick(rng, &c.pop.res.parameters), "withDecryption": true}))
}
fn secret_value(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let s = pick(rng, &c.pop.res.secrets);
    req(json!({"secretId": format!("arn:aws:secretsmanager:{}:{}:secret:{s}", c.region, c.pop.account)}))
}
fn metric_data(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let start = c.time - 3 * 3600;
    req(
        json!({"metricDataQueries": [{"id": format!("m{}", rng.below(9)), "metricStat": {"metric": {"namespace": "AWS/EC2",
        "metricName": "CPUUtilization", "dimensions": [{"name": "InstanceId", "value": pick(rng, &c.pop.res.instances)}]},
        "period": 300, "stat": "Average"}, "returnData": true}], "startTime": event_time(start), "endTime": event_time(c.time)}),
    )
}
fn alarms(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"alarmTypes": ["CompositeAlarm", "MetricAlarm"], "maxRecords": 100}))
}
fn target_health(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    let tg = format!(
        "arn:aws:elasticloadbalancing:{}:{}:targetgroup/k8s-{}/{}",
        c.region,
        c.pop.account,
        hex_lower(rng, 10),
        hex_lower(rng, 16)
    );
    req(json!({"targetGroupArn": tg}))
}
fn autoscaling(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"maxRecords": 100}))
}
fn db_instances(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"dBInstanceIdentifier": pick(rng, &c.pop.res.databases)}))
}
fn table(rng: &mut Rng, c: &Ctx<'_>) -> Shape {
    req(json!({"tableName": pick(rng, &c.pop.res.tables)}))
}
fn trails(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"trailNameList": [], "includeShadowTrails": true}))
}
fn config_rules(_: &mut Rng, _: &Ctx<'_>) -> Shape {
    req(json!({"configRuleNames": []}))
}

const TEMPLATES: [Template; 50] = [
    t(EC2, "DescribeInstances", true, 80, Who::Anyone, instance_filter),
    t(EC2, "DescribeVolumes", true, 40, Who::Workloads, volumes),
    t(EC2, "DescribeSecurityGroups", true, 30, Who::Anyone, security_groups),
    t(EC2, "DescribeSubnets", true, 20, Who::Workloads, subnets),
    t(EC2, "DescribeVpcs", true, 12, Who::Anyone, vpcs),
    t(EC2, "DescribeTags", true, 30, Who::Workloads, tags),
    t(EC2, "DescribeInstanceStatus", true, 30, Who::Anyone, instance_status),
    t(EC2, "DescribeNetworkInterfaces", true, 25, Who::Workloads, network_interfaces),
    t(EC2, "DescribeAvailabilityZones", true, 10, Who::Anyone, none),
    t(EC2, "CreateTags", false, 12, Who::Pipelines, create_tags),
    t(EC2, "CreateSnapshot", false, 5, Who::Service(&["backup.amazonaws.com"]), create_snapshot),
    t(EC2, "StartInstances", false, 3, Who::People, start_stop),
    t(
        STS,
        "AssumeRole",
        false,
        60,
        Who::Service(&["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]),
        assume_role,
    ),
    t(STS, "GetCallerIdentity", true, 25, Who::Anyone, none),
    t(KMS, "Decrypt", true, 60, Who::Via(&["secretsmanager.amazonaws.com", "ssm.amazonaws.com"]), kms_decrypt),
    t(KMS, "GenerateDataKey", true, 30, Who::Via(&["s3.amazonaws.com"]), kms_data_key),
    t(KMS, "DescribeKey", true, 5, Who::Pipelines, kms_describe),
    t(KMS, "RotateKey", false, 1, Who::ServiceEvent(KMS), kms_rotate),
    t(S3, "ListBuckets", true, 12, Who::People, list_buckets),
    t(S3, "GetBucketLocation", true, 20, Who::Anyone, bucket_location),
    t(S3, "GetBucketAcl", true, 10, Who::Anyone, bucket_acl),
    t(S3, "GetBucketVersioning", true, 8, Who::Pipelines, bucket_versioning),
    t(S3, "GetBucketEncryption", true, 5, Who::Pipelines, bucket_encryption),
    t(S3, "PutBucketTagging", false, 2, Who::Pipelines, bucket_tagging),
    t(IAM, "GetRole", true, 10, Who::Pipelines, iam_role),
    t(IAM, "ListAttachedRolePolicies", true, 8, Who::Pipelines, iam_role),
    t(IAM, "GetUser", true, 5, Who::People, iam_user),
    t(IAM, "GetPolicyVersion", true, 5, Who::Pipelines, iam_policy_read),
    t(IAM, "ListRoles", true, 5, Who::People, none),
    t("lambda.amazonaws.com", "GetFunction20150331v2", true, 10, Who::Pipelines, lambda_function),
    t("lambda.amazonaws.com", "ListFunctions20150331", true, 8, Who::People, none),
    t("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", false, 2, Who::Pipelines, lambda_update),
    t("logs.amazonaws.com", "CreateLogStream", false, 30, Who::Workloads, log_stream),
    t("logs.amazonaws.com", "DescribeLogGroups", true, 12, Who::Anyone, log_groups),
    t("cloudformation.amazonaws.com", "DescribeStacks", true, 15, Who::Pipelines, stacks),
    t("cloudformation.amazonaws.com", "DescribeStackEvents", true, 10, Who::Pipelines, stacks),
    t("ecr.amazonaws.com", "GetAuthorizationToken", true, 20, Who::Workloads, ecr_token),
    t(SSM, "UpdateInstanceInformation", false, 40, Who::Workloads, ssm_update),
    t(SSM, "GetParameter", true, 15, Who::Workloads, ssm_parameter),
    t("secretsmanager.amazonaws.com", "GetSecretValue", true, 25, Who::Workloads, secret_value),
    t("monitoring.amazonaws.com", "GetMetricData", true, 20, Who::People, metric_data),
    t("monitoring.amazonaws.com", "DescribeAlarms", true, 12, Who::Anyone, alarms),
    t("elasticloadbalancing.amazonaws.com", "DescribeTargetHealth", true, 15, Who::Workloads, target_health),
    t("autoscaling.amazonaws.com", "DescribeAutoScalingGroups", true, 15, Who::Workloads, autoscaling),
    t("rds.amazonaws.com", "DescribeDBInstances", true, 8, Who::Anyone, db_instances),
    t("dynamodb.amazonaws.com", "DescribeTable", true, 15, Who::Workloads, table),
    t("cloudtrail.amazonaws.com", "DescribeTrails", true, 3, Who::People, trails),
    t("config.amazonaws.com", "DescribeConfigRules", true, 3, Who::People, config_rules),
    t("organizations.amazonaws.com", "DescribeOrganization", true, 2, Who::People, none),
    t("organizations.amazonaws.com", "ListAccounts", true, 2, Who::People, none),
];

/// Everything a call needs to know about where and when it happens.
pub(crate) struct Ctx<'a> {
    pub(crate) pop: &'a Population,
    pub(crate) region: &'a str,
    pub(crate) time: i64,
}

impl Ctx<'_> {
    fn key_arn(&self, rng: &mut Rng) -> String {
        format!("arn:aws:kms:{}:{}:key/{}", self.region, self.pop.account, pick(rng, &self.pop.res.keys))
    }
}

/// Cumulative weights of the templates a region writes (global services only in us-east-1).
pub(crate) struct Mix {
    cumulative: Vec<(u64, usize)>,
    total: u64,
}

impl Mix {
    pub(crate) fn new(region: &str) -> Mix {
        let mut cumulative = Vec::new();
        let mut total = 0;
        for (i, tpl) in TEMPLATES.iter().enumerate() {
            if region != "us-east-1" && GLOBAL.contains(&tpl.source) {
                continue;
            }
            total += u64::from(tpl.weight);
            cumulative.push((total, i));
        }
        Mix { cumulative, total }
    }
    fn pick(&self, rng: &mut Rng) -> &'static Template {
        let roll = rng.below(self.total.max(1));
        let at = self.cumulative.partition_point(|(c, _)| *c <= roll);
        let i = self.cumulative.get(at).map_or(0, |(_, i)| *i);
        &TEMPLATES[i.min(TEMPLATES.len() - 1)]
    }
}

fn choose<'a>(rng: &mut Rng, groups: &[&'a [Principal]]) -> Option<&'a Principal> {
    let total: usize = groups.iter().map(|g| g.len()).sum();
    let mut at = rng.below(total as u64) as usize;
    for g in groups {
        if at < g.len() {
            return g.get(at);
        }
        at -= g.len();
    }
    None
}

/// One background record at time `time` in `region`.
pub(crate) fn record(rng: &mut Rng, mix: &Mix, pop: &Population, region: &str, time: i64) -> Record {
    let tpl = mix.pick(rng);
    let ctx = Ctx { pop, region, time };
    let shape = (tpl.build)(rng, &ctx);
    let (event_id, event_text) = uuid(rng);
    let request_id = if tpl.source == S3 { hex_upper(rng, 16) } else { uuid(rng).1 };
    let mut r = Record {
        event_version: tpl.version,
        user_identity: Identity::default(),
        event_time: event_time(time),
        event_source: tpl.source,
        event_name: tpl.name,
        aws_region: region.to_owned(),
        source_ip: String::new(),
        user_agent: String::new(),
        error_code: None,
        error_message: None,
        request_parameters: shape.request,
        response_elements: shape.response,
        additional_event_data: shape.additional,
        request_id: Some(request_id),
        event_id: event_text,
        read_only: tpl.read_only,
        resources: shape.resources,
        event_type: "AwsApiCall",
        management_event: true,
        recipient_account_id: pop.account.clone(),
        shared_event_id: None,
        event_category: "Management",
        tls_details: None,
        session_credential_from_console: None,
        time,
        id: event_id,
    };
    let principal = match tpl.who {
        Who::Service(services) => {
            let service = rng.pick(services);
            r.user_identity = Identity { kind: Some("AWSService"), invoked_by: Some(service), ..Identity::default() };
            r.source_ip = service.to_owned();
            r.user_agent = service.to_owned();
            r.shared_event_id = Some(uuid(rng).1);
            None
        }
        Who::ServiceEvent(service) => {
            r.user_identity =
                Identity { account_id: Some(pop.account.clone()), invoked_by: Some(service), ..Identity::default() };
            r.source_ip = service.to_owned();
            r.user_agent = service.to_owned();
            r.event_type = "AwsServiceEvent";
            None
        }
        Who::Via(services) => {
            let service = rng.pick(services);
            let p = choose(rng, &[&pop.workloads]);
            if let Some(p) = p {
                r.user_identity = p.identity_at(rng, time);
            }
            r.user_identity.invoked_by = Some(service);
            r.source_ip = service.to_owned();
            r.user_agent = service.to_owned();
            None
        }
        Who::People => choose(rng, &[&pop.humans, &pop.sso]),
        Who::Workloads => choose(rng, &[&pop.workloads]),
        Who::Pipelines => choose(rng, &[&pop.pipelines]),
        Who::Anyone => choose(rng, &[&pop.humans, &pop.sso, &pop.workloads, &pop.pipelines]),
    };
    if let Some(p) = principal {
        r.user_identity = p.identity_at(rng, time);
        r.source_ip = p.ip(rng);
        r.user_agent = user_agent(p.agent, tpl.source, tpl.name);
        r.tls_details = Some(tls(rng, tpl.source, region, &r.request_parameters));
        if p.agent == Agent::Console {
            r.session_credential_from_console = Some("true");
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::super::cis;
    use super::*;

    #[test]
    fn no_background_event_meets_a_detection() {
        let pop = Population::new(3, "111122223333", "us-east-1");
        for region in ["us-east-1", "eu-west-1"] {
            let mix = Mix::new(region);
            let mut rng = Rng(11);
            for i in 0..20_000 {
                let r = record(&mut rng, &mix, &pop, region, 1_788_000_000 + i);
                assert!(cis::is_quiet(&r), "{}", serde_json::to_string(&r).unwrap());
                assert!(r.user_identity.kind.is_some() || r.event_type == "AwsServiceEvent");
                if region != "us-east-1" {
                    assert!(!GLOBAL.contains(&r.event_source), "{} outside us-east-1", r.event_source);
                }
            }
        }
        // The catalogue itself, independent of which templates a roll happens to reach.
        for tpl in &TEMPLATES {
            for list in [
                &cis::IAM_POLICY[..],
                &cis::TRAIL_CHANGES,
                &cis::SECURITY_GROUPS,
                &cis::NACLS,
                &cis::GATEWAYS,
                &cis::ROUTES,
                &cis::VPCS,
                &cis::ORGANIZATIONS,
                &cis::S3_POLICY,
                &cis::CONFIG,
                &cis::TAMPERING,
            ] {
                assert!(!list.contains(&tpl.name), "{} is in a CIS list", tpl.name);
            }
        }
    }

    #[test]
    fn records_look_like_aws_ones() {
        let pop = Population::new(3, "111122223333", "eu-west-1");
        let mix = Mix::new("eu-west-1");
        let mut rng = Rng(12);
        let mut bytes = 0;
        let n = 5000;
        for i in 0..n {
            let r = record(&mut rng, &mix, &pop, "eu-west-1", 1_788_000_000 + i);
            let text = serde_json::to_string(&r).unwrap();
            bytes += text.len();
            let v: Value = serde_json::from_str(&text).unwrap();
            for field in [
                "eventVersion",
                "userIdentity",
                "eventTime",
                "eventSource",
                "eventName",
                "awsRegion",
                "sourceIPAddress",
                "userAgent",
                "requestID",
                "eventID",
                "readOnly",
                "eventType",
                "managementEvent",
                "recipientAccountId",
                "eventCategory",
            ] {
                assert!(v.get(field).is_some(), "{field} missing in {text}");
            }
            assert_eq!(v["awsRegion"], "eu-west-1");
            assert!(text.starts_with("{\"eventVersion\":\"1.0"), "{text}");
        }
        let mean = bytes as f64 / n as f64;
        assert!((900.0..1600.0).contains(&mean), "mean record size {mean}");
    }

    #[test]
    fn sts_dates_and_cli_commands_are_spelled_like_aws() {
        // 2026-09-01T13:05:09Z.
        assert_eq!(aws_date(20_697 * 86_400 + 13 * 3600 + 5 * 60 + 9), "Sep 1, 2026, 1:05:09 PM");
        let cli = user_agent(Agent::Cli, "ec2.amazonaws.com", "DescribeInstances");
        assert!(cli.ends_with("md/command#ec2.describe-instances"), "{cli}");
        let cli = user_agent(Agent::Cli, "lambda.amazonaws.com", "GetFunction20150331v2");
        assert!(cli.ends_with("md/command#lambda.get-function"), "{cli}");
    }
}
