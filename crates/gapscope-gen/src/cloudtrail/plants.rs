//! The planted events: one record per `--plant`, shaped like the AWS record of that action, made
//! by a principal of the account's population.

use serde_json::{Value, json};

use super::background::{Ctx, aws_date, s3_shape};
use super::client::{tls, user_agent};
use super::population::{Agent, Population, Principal};
use super::record::{Attributes, Identity, Record, SessionContext, access_key, event_time, hex_lower, hex_upper, uuid};
use super::spec::{Plant, PlantKind};
use crate::rng::Rng;

/// A planted record and who made it, as the oracle reports it.
pub(crate) struct Planted {
    pub(crate) record: Record,
    /// The ARN the record carries in `userIdentity.arn` (a failed sign-in carries none).
    pub(crate) principal_arn: Option<String>,
    pub(crate) user_name: Option<String>,
}

/// What the plant needs to know about the trail it may change.
pub(crate) struct TrailRef<'a> {
    pub(crate) arn: &'a str,
    pub(crate) name: &'a str,
    pub(crate) bucket: &'a str,
}

fn pick<'a>(rng: &mut Rng, items: &'a [Principal]) -> Option<&'a Principal> {
    items.get(rng.below(items.len() as u64) as usize)
}

fn pick_text(rng: &mut Rng, items: &[String]) -> String {
    items.get(rng.below(items.len() as u64) as usize).cloned().unwrap_or_default()
}

fn base(rng: &mut Rng, plant: &Plant, pop: &Population, region: &str, time: i64) -> Record {
    let (id, text) = uuid(rng);
    let source = plant.kind.source(plant.event_name);
    Record {
        event_version: "1.09",
        user_identity: Identity::default(),
        event_time: event_time(time),
        event_source: source,
        event_name: plant.event_name,
        aws_region: region.to_owned(),
        source_ip: String::new(),
        user_agent: String::new(),
        error_code: None,
        error_message: None,
        request_parameters: Value::Null,
        response_elements: Value::Null,
        additional_event_data: None,
        request_id: Some(if source == "s3.amazonaws.com" { hex_upper(rng, 16) } else { uuid(rng).1 }),
        event_id: text,
        read_only: false,
        resources: None,
        event_type: "AwsApiCall",
        management_event: true,
        recipient_account_id: pop.account.clone(),
        shared_event_id: None,
        event_category: "Management",
        tls_details: None,
        session_credential_from_console: None,
        time,
        id,
    }
}

/// Fills identity, address, client and TLS from `p`.
fn made_by(rng: &mut Rng, r: &mut Record, p: &Principal) {
    r.user_identity = p.identity_at(rng, r.time);
    r.source_ip = p.ip(rng);
    r.user_agent = user_agent(p.agent, r.event_source, r.event_name);
    r.tls_details = Some(tls(rng, r.event_source, &r.aws_region, &r.request_parameters));
    if p.agent == Agent::Console {
        r.session_credential_from_console = Some("true");
    }
}

/// The record `plant` asks for, at `time` in `region`.
pub(crate) fn build(
    rng: &mut Rng,
    plant: &Plant,
    pop: &Population,
    region: &str,
    trail: &TrailRef<'_>,
    time: i64,
) -> Planted {
    let mut r = base(rng, plant, pop, region, time);
    let ctx = Ctx { pop, region, time };
    let name = plant.event_name;
    let account = &pop.account;
    match plant.kind {
        PlantKind::Root => {
            let shape = if name == "ListBuckets" {
                s3_shape(rng, &ctx, None, &[])
            } else {
                super::background::Shape {
                    request: json!({"instancesSet": {}, "filterSet": {}}),
                    ..super::background::Shape::default()
                }
            };
            r.request_parameters = shape.request;
            r.additional_event_data = shape.additional;
            r.read_only = true;
            r.user_identity = Identity {
                kind: Some("Root"),
                principal_id: Some(account.clone()),
                arn: Some(format!("arn:aws:iam::{account}:root")),
                account_id: Some(account.clone()),
                access_key_id: Some(access_key(rng, "ASIA")),
                session_context: Some(SessionContext {
                    session_issuer: None,
                    web_id_federation_data: None,
                    attributes: Attributes {
                        creation_date: event_time(time - rng.range(60, 3000)),
                        mfa_authenticated: "false",
                    },
                    ec2_role_delivery: None,
                }),
                ..Identity::default()
            };
            let office = pop.humans.first().map(|p| p.ip(rng)).unwrap_or_default();
            r.source_ip = office;
            r.user_agent = user_agent(Agent::Console, r.event_source, name);
            r.tls_details = Some(tls(rng, r.event_source, region, &r.request_parameters));
            r.session_credential_from_console = Some("true");
        }
        PlantKind::ConsoleNoMfa | PlantKind::ConsoleMfa | PlantKind::ConsoleFailure => {
            let p = pick(rng, &pop.humans);
            let user = p.map(|p| p.user_name().to_owned()).unwrap_or_default();
            let mfa = plant.kind == PlantKind::ConsoleMfa;
            r.event_type = "AwsConsoleSignIn";
            r.request_id = None;
            r.user_identity = Identity {
                kind: Some("IAMUser"),
                principal_id: p.and_then(|p| p.identity.principal_id.clone()),
                arn: p.map(|p| p.arn.clone()),
                account_id: Some(account.clone()),
                user_name: Some(user.clone()),
                ..Identity::default()
            };
            let mut additional = serde_json::Map::new();
            additional.insert(
                "LoginTo".to_owned(),
                json!("https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB"),
            );
            additional.insert("MobileVersion".to_owned(), json!("No"));
            if mfa {
                additional.insert("MFAIdentifier".to_owned(), json!(format!("arn:aws:iam::{account}:mfa/{user}")));
            }
            additional.insert("MFAUsed".to_owned(), json!(if mfa { "Yes" } else { "No" }));
            r.additional_event_data = Some(Value::Object(additional));
            if plant.kind == PlantKind::ConsoleFailure {
                // AWS names the user of a failed sign-in but gives no ARN, and an empty key id.
                r.user_identity.arn = None;
                r.user_identity.access_key_id = Some(String::new());
                r.error_message = Some("Failed authentication".to_owned());
                r.response_elements = json!({"ConsoleLogin": "Failure"});
            } else {
                r.response_elements = json!({"ConsoleLogin": "Success"});
            }
            r.source_ip = p.map(|p| p.ip(rng)).unwrap_or_default();
            r.user_agent = user_agent(Agent::Console, r.event_source, name);
            r.tls_details = Some(tls(rng, "signin.amazonaws.com", region, &Value::Null));
            if let Some(t) = r.tls_details.as_mut() {
                t.client_provided_host_header = "signin.aws.amazon.com".to_owned();
            }
        }
        PlantKind::FederatedConsole => {
            let p = pick(rng, &pop.sso).cloned();
            r.event_type = "AwsConsoleSignIn";
            r.request_id = None;
            if let Some(p) = &p {
                r.user_identity = p.identity_at(rng, time);
                r.user_identity.access_key_id = None;
                r.source_ip = p.ip(rng);
            }
            r.response_elements = json!({"ConsoleLogin": "Success"});
            r.additional_event_data = Some(json!({
                "SamlProviderArn": format!("arn:aws:iam::{account}:saml-provider/AWSSSO_{}_DO_NOT_DELETE", hex_lower(rng, 16)),
                "MobileVersion": "No", "MFAUsed": "No"
            }));
            r.user_agent = user_agent(Agent::Console, r.event_source, name);
        }
        PlantKind::StopLogging | PlantKind::DeleteTrail => {
            r.request_parameters = json!({"name": trail.arn});
            by_admin(rng, &mut r, pop);
        }
        PlantKind::UpdateTrail => {
            r.request_parameters =
                json!({"name": trail.arn, "isMultiRegionTrail": false, "enableLogFileValidation": false});
            r.response_elements = json!({"name": trail.name, "s3BucketName": trail.bucket, "includeGlobalServiceEvents": true,
                "isMultiRegionTrail": false, "trailARN": trail.arn, "logFileValidationEnabled": false,
                "isOrganizationTrail": false});
            by_admin(rng, &mut r, pop);
        }
        PlantKind::PutEventSelectors => {
            let selectors = json!([{"readWriteType": "WriteOnly", "includeManagementEvents": true, "dataResources": [],
                                    "excludeManagementEventSources": []}]);
            r.request_parameters = json!({"trailName": trail.arn, "eventSelectors": selectors});
            r.response_elements = json!({"trailARN": trail.arn, "eventSelectors": selectors});
            by_admin(rng, &mut r, pop);
        }
        PlantKind::KmsDisable | PlantKind::KmsScheduleDeletion => {
            let key = pick_text(rng, &pop.res.keys);
            let arn = format!("arn:aws:kms:{region}:{account}:key/{key}");
            if plant.kind == PlantKind::KmsDisable {
                r.request_parameters = json!({"keyId": key});
            } else {
                r.request_parameters = json!({"keyId": key, "pendingWindowInDays": 7});
                r.response_elements = json!({"keyId": arn, "deletionDate": aws_date(time + 7 * 86_400),
                                             "keyState": "PendingDeletion", "pendingWindowInDays": 7});
            }
            r.resources = Some(json!([{"accountId": account, "type": "AWS::KMS::Key", "ARN": arn}]));
            by_admin(rng, &mut r, pop);
        }
        PlantKind::Unauthorized => {
            let p = pick(rng, &pop.humans).cloned();
            let arn = p.as_ref().map(|p| p.arn.clone()).unwrap_or_default();
            let (code, action, resource) = match name {
                "ListUsers" => ("AccessDenied", "iam:ListUsers", format!("arn:aws:iam::{account}:user/")),
                "GetSecretValue" => {
                    let s = pick_text(rng, &pop.res.secrets);
                    r.request_parameters = json!({"secretId": s});
                    (
                        "AccessDenied",
                        "secretsmanager:GetSecretValue",
                        format!("arn:aws:secretsmanager:{region}:{account}:secret:{s}"),
                    )
                }
                "GetBucketPolicy" => {
                    let b = pick_text(rng, &pop.res.buckets);
                    let shape = s3_shape(rng, &ctx, Some(b.clone()), &[("policy", json!(""))]);
                    r.request_parameters = shape.request;
                    r.additional_event_data = shape.additional;
                    r.resources = shape.resources;
                    ("AccessDenied", "s3:GetBucketPolicy", format!("arn:aws:s3:::{b}"))
                }
                _ => {
                    r.request_parameters = json!({"instancesSet": {"items": [{"imageId": format!("ami-0{}", hex_lower(rng, 16)),
                        "minCount": 1, "maxCount": 1}]}, "instanceType": "t3.micro"});
                    (
                        "Client.UnauthorizedOperation",
                        "ec2:RunInstances",
                        format!("arn:aws:ec2:{region}:{account}:instance/*"),
                    )
                }
            };
            let action = if name == "DescribeInstances" { "ec2:DescribeInstances" } else { action };
            r.read_only = name != "RunInstances";
            r.error_code = Some(code);
            r.error_message = Some(if code == "AccessDenied" && name == "GetBucketPolicy" {
                "Access Denied".to_owned()
            } else {
                format!(
                    "User: {arn} is not authorized to perform: {action} on resource: {resource} because no \
                     identity-based policy allows the {action} action"
                )
            });
            if let Some(p) = &p {
                made_by(rng, &mut r, p);
            }
        }
        PlantKind::IamPolicy => {
            r.request_parameters = iam_change(rng, name, pop);
            by_admin(rng, &mut r, pop);
        }
        PlantKind::SgChange | PlantKind::Nacl | PlantKind::Gateway | PlantKind::Route | PlantKind::Vpc => {
            r.request_parameters = network_change(rng, name, pop);
            r.response_elements = json!({"requestId": uuid(rng).1, "_return": true});
            by_admin(rng, &mut r, pop);
        }
        PlantKind::Org => {
            r.request_parameters = json!({"policyId": format!("p-{}", hex_lower(rng, 8)),
                                          "targetId": format!("ou-{}-{}", hex_lower(rng, 4), hex_lower(rng, 8))});
            by_admin(rng, &mut r, pop);
        }
        PlantKind::S3Policy => {
            let b = pick_text(rng, &pop.res.buckets);
            let sub =
                name.trim_start_matches("Put").trim_start_matches("Delete").trim_start_matches("Bucket").to_lowercase();
            let mut extra = vec![(sub.as_str(), json!(""))];
            let policy = format!(
                "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":\"*\",\
                 \"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{b}/*\"}}]}}"
            );
            if name == "PutBucketPolicy" {
                extra = vec![("policy", json!(policy))];
            }
            let shape = s3_shape(rng, &ctx, Some(b), &extra);
            r.request_parameters = shape.request;
            r.additional_event_data = shape.additional;
            r.resources = shape.resources;
            by_admin(rng, &mut r, pop);
        }
        PlantKind::Config => {
            r.request_parameters = if name.contains("DeliveryChannel") {
                json!({"deliveryChannelName": "default"})
            } else {
                json!({"configurationRecorderName": "default"})
            };
            by_admin(rng, &mut r, pop);
        }
    }
    let principal_arn = r.user_identity.arn.clone();
    let user_name = r.user_identity.user_name.clone();
    Planted { record: r, principal_arn, user_name }
}

/// Changes come from the Identity Center administrator in the console or from the Terraform user.
fn by_admin(rng: &mut Rng, r: &mut Record, pop: &Population) {
    let p = if rng.chance(50) { pop.admin() } else { pop.pipelines.first() };
    if let Some(p) = p.or(pop.admin()).cloned() {
        made_by(rng, r, &p);
    }
}

fn iam_change(rng: &mut Rng, name: &str, pop: &Population) -> Value {
    let account = &pop.account;
    let document = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \
                    \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
    let policy_arn = format!("arn:aws:iam::{account}:policy/deploy-{}", hex_lower(rng, 6));
    let (entity_key, entity) = if name.contains("Role") {
        ("roleName", pick_text(rng, &pop.res.roles))
    } else if name.contains("User") {
        ("userName", pop.humans.first().map(|p| p.user_name().to_owned()).unwrap_or_default())
    } else {
        ("groupName", "developers".to_owned())
    };
    let mut v = serde_json::Map::new();
    let entity_policy = name.contains("Role") || name.contains("User") || name.contains("Group");
    if entity_policy {
        v.insert(entity_key.to_owned(), json!(entity));
    }
    if name.starts_with("Attach") || name.starts_with("Detach") {
        v.insert("policyArn".to_owned(), json!("arn:aws:iam::aws:policy/AdministratorAccess"));
    } else if entity_policy {
        v.insert("policyName".to_owned(), json!("inline-admin"));
        if name.starts_with("Put") {
            v.insert("policyDocument".to_owned(), json!(document));
        }
    } else if name == "CreatePolicy" {
        v.insert("policyName".to_owned(), json!(policy_arn.rsplit('/').next().unwrap_or("deploy")));
        v.insert("policyDocument".to_owned(), json!(document));
    } else {
        v.insert("policyArn".to_owned(), json!(policy_arn));
        if name == "CreatePolicyVersion" {
            v.insert("policyDocument".to_owned(), json!(document));
            v.insert("setAsDefault".to_owned(), json!(true));
        } else if name == "DeletePolicyVersion" {
            v.insert("versionId".to_owned(), json!("v2"));
        }
    }
    Value::Object(v)
}

fn network_change(rng: &mut Rng, name: &str, pop: &Population) -> Value {
    let vpc = pick_text(rng, &pop.res.vpcs);
    let open_ssh = json!({"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]});
    match name {
        "AuthorizeSecurityGroupIngress"
        | "AuthorizeSecurityGroupEgress"
        | "RevokeSecurityGroupIngress"
        | "RevokeSecurityGroupEgress" => {
            json!({"groupId": pick_text(rng, &pop.res.security_groups), "ipPermissions": open_ssh})
        }
        "CreateSecurityGroup" => json!({"groupName": "temp-debug", "groupDescription": "debug access", "vpcId": vpc}),
        "CreateNetworkAclEntry" | "ReplaceNetworkAclEntry" => {
            json!({"networkAclId": format!("acl-0{}", hex_lower(rng, 16)),
            "ruleNumber": 100, "egress": false, "ruleAction": "allow", "icmpTypeCode": {}, "portRange": {"from": 22, "to": 22},
            "aclProtocol": "6", "cidrBlock": "0.0.0.0/0"})
        }
        "CreateNetworkAcl" | "CreateRouteTable" => json!({"vpcId": vpc}),
        "CreateInternetGateway" => json!({}),
        "AttachInternetGateway" | "DetachInternetGateway" => {
            json!({"internetGatewayId": format!("igw-0{}", hex_lower(rng, 16)), "vpcId": vpc})
        }
        "CreateCustomerGateway" => json!({"type": "ipsec.1", "ipAddress": "198.51.100.7", "bgpAsn": 65000}),
        "CreateRoute" | "ReplaceRoute" => json!({"routeTableId": format!("rtb-0{}", hex_lower(rng, 16)),
            "destinationCidrBlock": "0.0.0.0/0", "gatewayId": format!("igw-0{}", hex_lower(rng, 16))}),
        "CreateVpc" => {
            json!({"cidrBlock": "10.20.0.0/16", "instanceTenancy": "default", "amazonProvidedIpv6CidrBlock": false})
        }
        "CreateVpcPeeringConnection" => json!({"vpcId": vpc, "peerVpcId": format!("vpc-0{}", hex_lower(rng, 16)),
            "peerOwnerId": "999988887777"}),
        _ => {
            let key = if name.contains("SecurityGroup") {
                "groupId"
            } else if name.contains("NetworkAcl") {
                "networkAclId"
            } else if name.contains("Gateway") {
                "gatewayId"
            } else if name.contains("Route") {
                "routeTableId"
            } else {
                "vpcId"
            };
            json!({key: format!("{}-0{}", key.trim_end_matches("Id").to_lowercase(), hex_lower(rng, 16))})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cis;
    use super::super::spec::Cell;
    use super::*;

    fn plant(kind: PlantKind, name: &'static str) -> Plant {
        let cell = Cell { account: "111122223333".to_owned(), region: "us-east-1".to_owned() };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 2).unwrap_or_default();
        Plant { kind, event_name: name, cell, day }
    }

    #[test]
    fn every_kind_meets_the_predicates_its_name_promises() {
        let pop = Population::new(4, "111122223333", "us-east-1");
        let trail = TrailRef { arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", name: "t", bucket: "b" };
        let expect = |kind: PlantKind| -> &'static [&'static str] {
            match kind {
                PlantKind::Root => &["4.3"],
                PlantKind::ConsoleNoMfa | PlantKind::FederatedConsole => &["4.2"],
                PlantKind::ConsoleMfa | PlantKind::PutEventSelectors => &[],
                PlantKind::ConsoleFailure => &["4.2", "4.6"],
                PlantKind::StopLogging | PlantKind::DeleteTrail | PlantKind::UpdateTrail => &["4.5"],
                PlantKind::KmsDisable | PlantKind::KmsScheduleDeletion => &["4.7"],
                PlantKind::Unauthorized => &["4.1"],
                PlantKind::IamPolicy => &["4.4"],
                PlantKind::S3Policy => &["4.8"],
                PlantKind::Config => &["4.9"],
                PlantKind::SgChange => &["4.10"],
                PlantKind::Nacl => &["4.11"],
                PlantKind::Gateway => &["4.12"],
                PlantKind::Route => &["4.13"],
                PlantKind::Vpc => &["4.14"],
                PlantKind::Org => &["4.15"],
            }
        };
        let mut rng = Rng(1);
        for kind in PlantKind::ALL {
            for name in kind.event_names() {
                let p = plant(kind, name);
                let made = build(&mut rng, &p, &pop, "us-east-1", &trail, 1_788_300_000);
                let mut want = expect(kind).to_vec();
                // Organizations' CreatePolicy/DeletePolicy carry IAM's names too: 4.4 has no eventSource.
                if kind == PlantKind::Org && cis::IAM_POLICY.contains(name) {
                    want.insert(0, "4.4");
                }
                assert_eq!(cis::predicates(&made.record), want, "{} {name}", kind.name());
                assert_eq!(made.record.event_name, *name);
                assert!(
                    !made.record.user_identity.account_id.as_deref().unwrap_or("").is_empty()
                        || kind == PlantKind::Unauthorized
                );
                let text = serde_json::to_string(&made.record).unwrap();
                assert!(text.contains("\"eventID\""), "{text}");
            }
        }
    }
}
